/**
 * The cryptography of CURVE for Deno: `@noble/ciphers` and `@noble/curves`, pinned, through
 * `npm:` specifiers, which Deno resolves wherever the sources come from (a checkout, JSR, an
 * http URL). Loaded by lib/security/crypto.ts on Deno only; crypto_npm.ts is the same for
 * Bun and Node. The two files must name the same versions as package.json (tests/security
 * /crypto_test.ts checks it).
 *
 * Runs on: both threads (Deno).
 */
export { hsalsa, xsalsa20poly1305 } from "npm:@noble/ciphers@2.4.0/salsa.js";
export { x25519 } from "npm:@noble/curves@2.4.0/ed25519.js";
