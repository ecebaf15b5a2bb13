/**
 * The cryptography of CURVE for Bun and Node: `@noble/ciphers` and `@noble/curves` as
 * package dependencies (package.json; deno.json maps the same names for type checking and
 * JSR). Loaded by lib/security/crypto.ts off Deno; crypto_deno.ts is Deno's.
 *
 * Runs on: both threads (Bun, Node).
 */
export { hsalsa, xsalsa20poly1305 } from "@noble/ciphers/salsa.js";
export { x25519 } from "@noble/curves/ed25519.js";
