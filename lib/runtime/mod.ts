/**
 * Picks the runtime adapter once: Deno's or Bun's native sockets when running there,
 * `node:net` otherwise. The adapter is imported lazily so a runtime never loads another
 * runtime's module (Bun's adapter names `Bun.` globals, Deno's names `Deno.`).
 *
 * Runs on: both (each thread loads and caches its own adapter).
 *
 * @example Listen and connect through whichever runtime runs this code
 * ```ts
 * import { loadRuntime } from "./mod.ts";
 * const rt = await loadRuntime();
 * const l = await rt.listenTcp("127.0.0.1", 0, () => ({
 *   data() {},
 *   written() {},
 *   closed() {},
 * }));
 * l.close();
 * ```
 */
import { currentRuntimeName, hasIoWorker } from "./_common.ts";
import type { Runtime } from "./runtime.ts";

export type * from "./runtime.ts";

export { currentRuntimeName, hasIoWorker };

let loading: Promise<Runtime> | null = null;

/**
 * The adapter of the current runtime, imported on first call and cached after.
 *
 * @returns The {@linkcode Runtime} for Deno, Bun or Node.
 */
export function loadRuntime(): Promise<Runtime> {
  loading ??= (async () => {
    switch (currentRuntimeName()) {
      case "deno":
        return (await import("./deno.ts")).denoRuntime;
      case "bun":
        return (await import("./bun.ts")).bunRuntime;
      default:
        return (await import("./node.ts")).nodeRuntime;
    }
  })();
  return loading;
}

export { type WorkerScope, workerScope } from "./worker_scope.ts";

/** The primitives of CURVE: X25519, HSalsa20, XSalsa20-Poly1305 (lib/security/crypto.ts). */
export type CryptoLib = typeof import("./crypto_npm.ts");

/**
 * Loads the cryptography of CURVE the way this runtime takes packages: `npm:` specifiers on
 * Deno (crypto_deno.ts), the package dependency on Bun and Node (crypto_npm.ts); the other
 * runtime's file is never loaded (its specifiers would not resolve).
 */
export function loadCrypto(): Promise<CryptoLib> {
  return currentRuntimeName() === "deno" ? import("./crypto_deno.ts") : import("./crypto_npm.ts");
}
