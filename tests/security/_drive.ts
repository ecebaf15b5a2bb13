/**
 * Helpers of the security tests: socket configurations, two `Handshake`s run against each
 * other with ZAP answered by callbacks (any split of the bytes), and one frame handed to a
 * `Mechanism` directly.
 *
 * Runs on: the test runner's main thread.
 */
import { assert } from "../_harness.ts";
import type { Handshake, HandshakeOptions } from "../../lib/wire/handshake.ts";
import type {
  Mechanism,
  MechanismConfig,
  SecurityConfig,
  ZapAnswer,
  ZapRequest,
} from "../../lib/security/mod.ts";
import { cat } from "../wire/_hex.ts";

const PEERS: Record<string, string[]> = {
  REQ: ["REP", "ROUTER"],
  REP: ["REQ", "DEALER"],
  DEALER: ["REP", "DEALER", "ROUTER"],
  ROUTER: ["REQ", "DEALER", "ROUTER"],
  PUB: ["SUB", "XSUB"],
  SUB: ["PUB", "XPUB"],
  PUSH: ["PULL"],
  PULL: ["PUSH"],
  PAIR: ["PAIR"],
};

const EMPTY = new Uint8Array(0);

/** Handshake options of a `type` socket with `security`. */
export function hsOpts(
  type: string,
  security: SecurityConfig,
  extra: Partial<HandshakeOptions> = {},
): HandshakeOptions {
  return {
    socketType: type,
    identity: new Uint8Array(0),
    sendIdentity: ["REQ", "REP", "DEALER", "ROUTER"].includes(type),
    acceptPeer: (p) => PEERS[type]!.includes(p),
    security,
    ...extra,
  };
}

/** The mechanism configuration of a `type` socket with `security`. */
export function mechConfig(
  type: string,
  security: SecurityConfig,
  identity: Uint8Array = new Uint8Array(0),
): MechanismConfig {
  return {
    socketType: type,
    identity,
    sendIdentity: ["REQ", "REP", "DEALER", "ROUTER"].includes(type),
    acceptPeer: (p) => PEERS[type]!.includes(p),
    security,
  };
}

/** A ZAP answer with `status` (and optionally a user id and metadata). */
export function answer(
  status: string,
  userId = "",
  metadata: Map<string, Uint8Array> = new Map(),
): ZapAnswer {
  return { status, text: status === "200" ? "OK" : "no", userId, metadata };
}

/** Answers a request, or null to leave it pending. */
export type Zapper = (req: ZapRequest) => ZapAnswer | null;

/** What `drive` saw. */
export interface Drive {
  /** Everything each side wrote, in order (farewells included). */
  wroteA: Uint8Array;
  wroteB: Uint8Array;
  /** Bytes still travelling to each side when the run stopped (e.g. after its failure). */
  leftA: Uint8Array;
  leftB: Uint8Array;
  /** The ZAP requests each side made. */
  zapA: ZapRequest[];
  zapB: ZapRequest[];
}

/**
 * Runs `a` and `b` against each other, delivering `step` bytes at a time each way, and
 * answering their ZAP requests with `zapA` / `zapB`, until neither makes progress.
 * A side that failed writes its `farewell` (if any) and reads nothing more.
 */
export function drive(
  a: Handshake,
  b: Handshake,
  opts: { step?: number; zapA?: Zapper; zapB?: Zapper } = {},
): Drive {
  const step = opts.step ?? Infinity;
  const wroteA: Uint8Array[] = [], wroteB: Uint8Array[] = [];
  const zapA: ZapRequest[] = [], zapB: ZapRequest[] = [];
  let toB = a.start(), toA = b.start();
  wroteA.push(toB);
  wroteB.push(toA);
  const said = new Set<Handshake>();
  const farewell = (h: Handshake): Uint8Array => {
    if (h.error === null || said.has(h)) return EMPTY;
    said.add(h);
    return h.farewell ?? EMPTY;
  };
  const zap = (h: Handshake, z: Zapper | undefined, asked: ZapRequest[]): Uint8Array => {
    const req = h.zap;
    if (req === null || z === undefined || asked.includes(req)) return EMPTY;
    asked.push(req);
    const ans = z(req);
    return ans === null ? EMPTY : h.zapAnswer(ans);
  };
  for (let i = 0; i < 1_000_000; i++) {
    const liveA = !a.done && a.error === null, liveB = !b.done && b.error === null;
    const nb = liveB ? Math.min(step, toB.length) : 0;
    const na = liveA ? Math.min(step, toA.length) : 0;
    let outB = nb > 0 ? b.feed(toB.subarray(0, nb)) : EMPTY;
    let outA = na > 0 ? a.feed(toA.subarray(0, na)) : EMPTY;
    outB = cat(outB, zap(b, opts.zapB, zapB), farewell(b));
    outA = cat(outA, zap(a, opts.zapA, zapA), farewell(a));
    wroteA.push(outA);
    wroteB.push(outB);
    toB = cat(toB.subarray(nb), outA);
    toA = cat(toA.subarray(na), outB);
    if (na + nb + outA.length + outB.length === 0) break;
  }
  return {
    wroteA: cat(...wroteA),
    wroteB: cat(...wroteB),
    leftA: toA,
    leftB: toB,
    zapA,
    zapB,
  };
}

/** Runs two handshakes that must both finish; returns what `drive` saw. */
export function shake(
  a: Handshake,
  b: Handshake,
  opts: { step?: number; zapA?: Zapper; zapB?: Zapper } = {},
): Drive {
  const d = drive(a, b, opts);
  assert.equal(a.error, null, `a: ${a.error}`);
  assert.equal(b.error, null, `b: ${b.error}`);
  assert.ok(a.done && b.done, "handshakes did not finish");
  assert.equal(d.leftA.length + d.leftB.length, 0);
  return d;
}

/** Hands one whole frame (header included) to a mechanism; returns what it sent back. */
export function deliver(m: Mechanism, frame: Uint8Array): Uint8Array {
  const flags = frame[0]!;
  const body = flags & 2 ? frame.subarray(9) : frame.subarray(2);
  return cat(...m.receive(flags, body));
}

/** Security of NULL, optionally with a ZAP domain. */
export function nullSecurity(zapDomain = ""): SecurityConfig {
  return { mechanism: "NULL", server: false, zapDomain };
}

/** The splits every scenario is run with: whole writes, 1 byte, and an odd size. */
export const SPLITS = [Infinity, 1, 7];
