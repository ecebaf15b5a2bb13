/**
 * Starting peers of the process tier (`_peer.ts`) as separate Deno, Bun or Node processes,
 * and reading their JSON lines with a bound on every wait. Node runs `_peer.js`, compiled
 * beside it by tests/node/run.mjs.
 *
 * Runs on: the test runner's main thread (Deno, Bun or Node).
 */
// deno-lint-ignore-file no-explicit-any
import { type LineChild, spawnLines } from "../_harness.ts";

const ROOT = decodeURIComponent(new URL("../../", import.meta.url).pathname);

/** The runtimes a peer can run on. */
export type PeerRuntime = "deno" | "bun" | "node";

/** The runtime running the tests. */
export const RUNNER: PeerRuntime = "Bun" in globalThis
  ? "bun"
  : "Deno" in globalThis
  ? "deno"
  : "node";

/**
 * Sender/receiver runtime pairs every stream is checked with: the receiver runs on the
 * test runner's runtime, the sender on each runtime in turn, so the suite's Deno and Bun
 * runs together cover all four pairs (Deno→Deno, Bun→Deno, Bun→Bun, Deno→Bun).
 */
export const PAIRS: [PeerRuntime, PeerRuntime][] = RUNNER === "bun"
  ? [["bun", "bun"], ["deno", "bun"]]
  : RUNNER === "deno"
  ? [["deno", "deno"], ["bun", "deno"]]
  : [["node", "node"], ["bun", "node"]];

/** A running peer: its lines, and the first line that matched each `until`. */
export interface Peer extends LineChild {
  /** Reads lines until one satisfies `pred` (returned); throws after `ms` or at exit. */
  until(pred: (l: any) => boolean, ms?: number): Promise<any>;
  /** Ends the peer if it still runs (SIGKILL) and releases its pipes. */
  stop(): Promise<void>;
}

/**
 * Starts the test program `script` (a path under tests/process/, e.g. "_peer.ts") on `rt`
 * with `args`: `deno run -A --no-check` (plus `denoFlags`), `bun`, or Node on the `.js`
 * compiled beside it (tests/node/run.mjs lists the programs it compiles).
 */
export function spawnScript(
  rt: PeerRuntime,
  script: string,
  args: string[],
  denoFlags: string[] = [],
): LineChild {
  const path = ROOT + "tests/process/" + script;
  const bin = rt === "node" ? "node" : ROOT + "node_modules/.bin/" + rt;
  const argv = rt === "deno"
    ? ["run", "-A", "--no-check", ...denoFlags, path, ...args]
    : rt === "node"
    ? [path.replace(/\.ts$/, ".js"), ...args]
    : [path, ...args];
  return spawnLines(bin, argv, { cwd: ROOT });
}

/**
 * Starts `_peer.ts` with `cfg` on `rt`; `denoFlags` go to `deno run` (a Deno peer only).
 */
export function startPeer(
  rt: PeerRuntime,
  cfg: Record<string, unknown>,
  denoFlags: string[] = [],
): Peer {
  const child = spawnScript(rt, "_peer.ts", [JSON.stringify(cfg)], denoFlags);
  let ended = false;
  child.exited.then(() => (ended = true));
  return {
    ...child,
    exited: child.exited,
    async stop() {
      if (!ended) await child.kill("SIGKILL");
      await child.close();
    },
    async until(pred, ms = 20_000) {
      const end = Date.now() + ms;
      for (;;) {
        const left = end - Date.now();
        if (left <= 0) throw new Error(`${rt} peer ${cfg.role}: no matching line in ${ms} ms`);
        const l = await child.next(left);
        if (l?.error) throw new Error(`${rt} peer ${cfg.role}: ${l.error}`);
        if (pred(l)) return l;
      }
    },
  };
}

/** A fresh ipc endpoint in the temp dir. */
export function ipcEndpoint(): string {
  return `ipc:///tmp/xs-proc-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}
