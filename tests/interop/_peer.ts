/**
 * Helpers of the interop tests: a libzmq peer (zeromq.js on Node, `_zmq_peer.mjs`) driven
 * one JSON command at a time, byte patterns and base64.
 *
 * Runs on: the test runner's main thread (Deno or Bun).
 */
// deno-lint-ignore-file no-explicit-any
import { type LineChild, runCommand, spawnLines } from "../_harness.ts";

/** Absolute path of the Node peer script. */
export const PEER_SCRIPT = decodeURIComponent(new URL("./_zmq_peer.mjs", import.meta.url).pathname);
/** Absolute path of the pyzmq peer script (the same protocol, a subset of the commands). */
export const PY_PEER_SCRIPT = decodeURIComponent(
  new URL("./_pyzmq_peer.py", import.meta.url).pathname,
);
/** The Python that has pyzmq. */
const PYTHON = "/usr/bin/python3";

/** Which libzmq binding runs a peer: zeromq.js on Node, or pyzmq on Python. */
export type PeerKind = "zeromq.js" | "pyzmq";

/** Null if the pyzmq peer can run (Python with pyzmq), else the reason. */
export async function pyzmqUnavailable(): Promise<string | null> {
  try {
    const r = await runCommand(PYTHON, ["-c", "import zmq"], { timeout: 15_000 });
    return r.code === 0 ? null : `python3 cannot import zmq: ${r.stderr.split("\n")[0]}`;
  } catch (e) {
    return `python3 is not available: ${(e as Error).message}`;
  }
}

/** Null if `node` can load the zeromq package next to the peer script, else the reason. */
export async function peerUnavailable(): Promise<string | null> {
  try {
    const r = await runCommand("node", ["-e", "require('zeromq')"], {
      timeout: 15_000,
      cwd: PEER_SCRIPT.replace(/\/[^/]*$/, ""),
    });
    return r.code === 0 ? null : `node cannot load zeromq: ${r.stderr.split("\n")[0]}`;
  } catch (e) {
    return `node is not available: ${(e as Error).message}`;
  }
}

/** For each kind of libzmq peer: false if it can run here, else why not (a test's `skip`). */
export async function peerSkips(): Promise<Record<PeerKind, string | false>> {
  return {
    "zeromq.js": (await peerUnavailable()) ?? false,
    pyzmq: (await pyzmqUnavailable()) ?? false,
  };
}

/** A running libzmq peer. `cmd` sends one command and resolves with its reply. */
export interface ZmqPeer {
  /** Sends `c`, waits up to `ms` for the reply; throws if the reply is `ok:false`. */
  cmd(c: Record<string, unknown>, ms?: number): Promise<any>;
  /** Like `cmd` but returns a failed reply instead of throwing. */
  raw(c: Record<string, unknown>, ms?: number): Promise<any>;
  /** Asks the peer to exit and waits for the process. */
  close(): Promise<number>;
}

/** Starts a libzmq peer in a child process: Node with zeromq.js, or Python with pyzmq. */
export function startPeer(kind: PeerKind = "zeromq.js"): ZmqPeer {
  const child: LineChild = kind === "pyzmq"
    ? spawnLines(PYTHON, [PY_PEER_SCRIPT])
    : spawnLines("node", [PEER_SCRIPT]);
  let closed = false;
  const raw = async (c: Record<string, unknown>, ms = 15_000) => {
    child.send(c);
    return await child.next(ms);
  };
  return {
    raw,
    async cmd(c, ms) {
      const r = await raw(c, ms);
      if (!r.ok) throw new Error(`libzmq peer: ${c.op} failed: ${r.error}`);
      return r;
    },
    async close() {
      if (closed) return 0;
      closed = true;
      try {
        child.send({ op: "exit" });
        await child.next(3_000).catch(() => {});
      } finally {
        // close() kills the child if it has not exited within 5 s.
      }
      return await child.close();
    },
  };
}

/** `n` bytes of a pattern that differs per `seed`, so swapped or shifted parts show. */
export function pattern(n: number, seed: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (i * 7 + seed * 13 + (i >> 8)) & 255;
  return b;
}

/** Base64 of `b` (no runtime-specific API). */
export function toB64(b: Uint8Array): string {
  let s = "";
  for (let i = 0; i < b.length; i += 0x8000) {
    s += String.fromCharCode(...b.subarray(i, i + 0x8000));
  }
  return btoa(s);
}

/** Bytes of base64 `s`. */
export function fromB64(s: string): Uint8Array {
  const bin = atob(s);
  const b = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) b[i] = bin.charCodeAt(i);
  return b;
}

/** The message `sendSeq` of the peer sends as number `i` (4-byte BE index, then i & 255). */
export function seqMessage(i: number, size = 4): Uint8Array {
  const b = new Uint8Array(Math.max(4, size)).fill(i & 255);
  new DataView(b.buffer).setUint32(0, i >>> 0);
  return b;
}

/** The index carried by a `seqMessage`. */
export function seqIndex(b: Uint8Array): number {
  return new DataView(b.buffer, b.byteOffset, b.byteLength).getUint32(0);
}

/** Compact description of a byte array mismatch, for assertion messages. */
export function describeDiff(got: Uint8Array, want: Uint8Array): string {
  if (got.length !== want.length) return `length ${got.length}, expected ${want.length}`;
  for (let i = 0; i < got.length; i++) {
    if (got[i] !== want[i]) return `byte ${i} is ${got[i]}, expected ${want[i]}`;
  }
  return "equal";
}
