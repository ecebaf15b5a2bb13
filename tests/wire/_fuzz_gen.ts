/**
 * The hostile-input generator shared by tests/wire/fuzz_test.ts (CI) and bench/fuzz.ts (long
 * local runs), and the two drivers that feed its inputs through our code.
 *
 * An input is the byte stream a peer sends on one connection: a valid encoding of one dialect
 * (ZMTP/3.1 and 3.0 greeting + READY with metadata, ZMTP/2.0, ZMTP/1.0 detected in `auto`
 * mode, the `xs1`/`zmtp1` legacy modes; docs/wire.md §2-§4) followed by frames (short and
 * long, MORE, COMMAND, PING/PONG, SUBSCRIBE/CANCEL, unknown and malformed commands), or a
 * valid encoding of something we refuse (ERROR, unknown command, revision 00, another
 * mechanism, an incompatible socket type), then mutated from a seeded PRNG: bit flips, byte
 * writes, corrupted length and greeting fields (0, ±1, over the limit, over the hard cap,
 * over 2^53, 2^64 - 1), truncation, inserted, deleted and duplicated bytes, random bytes
 * from a point on (or from the start), and an appended huge frame header. Every case also
 * carries a random split into chunks. Case `i` of seed `s` is the same on every runtime.
 *
 * Drivers:
 * - `runCodec`: the pipeline of lib/session/session.ts without the rings: `Handshake` or
 *   `LegacyHandshake`, then `Decoder3` or `Decoder1` fed `done.rest` first, then the command
 *   parsing of lib/session/inbound.ts (PING → PONG, subscriptions). It checks the FrameSink
 *   contract as it goes and records what came out.
 * - `SessionRig`: the real `StreamSession` (handshake, decoder, `InboundSink`, rings) on a
 *   fake stream, read by the API thread's `RingPipe`; one pipe serves case after case, as
 *   a reconnecting endpoint's does.
 * - `trackAllocations`: the largest `new Uint8Array(n)` / `new ArrayBuffer(n)` made while a
 *   function runs, to show that no declared size is allocated before its bytes arrive.
 *
 * Runs on: the test runner's (or the bench's) main thread.
 */
import {
  Decoder1,
  Decoder3,
  encodeMetadata,
  type FrameSink,
  Handshake,
  type HandshakeResult,
  LegacyHandshake,
  MAX_FRAME_HARD_CAP,
  parseCommand,
  parsePing,
  pongFrame,
  subscriptionFromCommand,
  subscriptionFromData,
  writeU64,
} from "../../lib/wire/mod.ts";
import { v2TypeName } from "../../lib/wire/greeting.ts";

/** docs/wire.md §8.4: handshake frames at most, commands after it at least, 64 KiB. */
const MAX_COMMAND_SIZE = 65_536;
import {
  newPipeBlock,
  PIPE_RING_BYTES,
  pipePlaces,
  R_HWM,
  RingPipe,
  WorkerPipe,
} from "../../lib/pipe/mod.ts";
import { type SessionOwner, StreamSession } from "../../lib/session/mod.ts";
import type { StreamConn } from "../../lib/runtime/mod.ts";
import { cat } from "./_hex.ts";

// ------------------------------------------------------------------------------- PRNG

/** A small seeded PRNG (mulberry32): the same numbers on every runtime. */
export class Rng {
  #s: number;
  /** @param seed any 32-bit integer */
  constructor(seed: number) {
    this.#s = seed >>> 0;
  }
  /** A uniform 32-bit unsigned integer. */
  u32(): number {
    let t = (this.#s = (this.#s + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }
  /** An integer in 0..n-1 (n ≥ 1). */
  int(n: number): number {
    return Math.floor((this.u32() / 4294967296) * n);
  }
  /** An integer in lo..hi. */
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }
  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.u32() < p * 4294967296;
  }
  /** One element of `a`. */
  pick<T>(a: readonly T[]): T {
    return a[this.int(a.length)]!;
  }
  /** `n` random bytes. */
  bytes(n: number): Uint8Array {
    const words = new Uint32Array((n + 3) >>> 2);
    for (let i = 0; i < words.length; i++) words[i] = this.u32();
    return new Uint8Array(words.buffer, 0, n);
  }
}

/** The seed of case `index` of a run seeded with `seed`, so any case can be rerun alone. */
export function caseSeed(seed: number, index: number): number {
  let h = (seed ^ 0x9e3779b9) >>> 0;
  h = Math.imul(h ^ index, 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

// ------------------------------------------------------------------------------- cases

/** The wire mode of our side (docs/wire.md §4.4). */
export type Mode = "auto" | "zmtp3" | "xs1" | "zmtp1";

/** Our socket, as lib/session's SessionConfig sees it. */
export interface SocketSpec {
  /** ZMTP name. */
  type: string;
  /** Compatible peer names (docs/wire.md §3.5). */
  peers: readonly string[];
  /** REQ/REP/DEALER/ROUTER: READY carries Identity; the `xs1` identity family. */
  sendsIdentity: boolean;
  /** PUB/XPUB: inbound subscriptions. */
  pub: boolean;
  /** Our identity. */
  identity: Uint8Array;
}

/**
 * One decoded frame: `flags` as a FrameSink gets them (MORE 1, COMMAND 4), the body's size
 * and its FNV-1a hash (bodies are hashed as they stream in, not copied).
 */
export interface Frame {
  flags: number;
  size: number;
  hash: number;
}

const FNV0 = 0x811c9dc5;

/** FNV-1a of `b`, continuing from `h`. */
export function fnv(h: number, b: Uint8Array): number {
  for (let i = 0; i < b.length; i++) h = Math.imul(h ^ b[i]!, 0x01000193);
  return h >>> 0;
}

/** The Frame record of a body. */
function frameOf(flags: number, body: Uint8Array): Frame {
  return { flags, size: body.length, hash: fnv(FNV0, body) };
}

/** What the unmutated encoding must give. */
export interface Expect {
  /** It announces something we refuse (the connection must close). */
  reject: boolean;
  version?: string;
  peerType?: string | null;
  peerIdentity?: Uint8Array;
  frames?: Frame[];
}

/** One generated input. */
export interface FuzzCase {
  index: number;
  /** What was built: "v3", "v2", "v1", "xs1", "rev00", "error", ... */
  family: string;
  mode: Mode;
  socket: SocketSpec;
  /** XS_MAXMSGSIZE of our side, -1 = none (the hard cap applies). */
  maxMsgSize: number;
  /** The valid encoding. */
  valid: Uint8Array;
  expect: Expect;
  /** What the peer sends: `valid` after `mutation`. */
  bytes: Uint8Array;
  /** "none", or the mutations applied, e.g. "field:l8=huge+truncate". */
  mutation: string;
  /** Chunk sizes of the split feed (they sum to `bytes.length`); never a single chunk. */
  chunks: number[];
}

const TYPES: Record<string, readonly string[]> = {
  REQ: ["REP", "ROUTER"],
  REP: ["REQ", "DEALER"],
  DEALER: ["REP", "DEALER", "ROUTER"],
  ROUTER: ["REQ", "DEALER", "ROUTER"],
  PUB: ["SUB", "XSUB"],
  XPUB: ["SUB", "XSUB"],
  SUB: ["PUB", "XPUB"],
  XSUB: ["PUB", "XPUB"],
  PUSH: ["PULL"],
  PULL: ["PUSH"],
  PAIR: ["PAIR"],
};
const NAMES = Object.keys(TYPES);
const ID_FAMILY = ["REQ", "REP", "DEALER", "ROUTER"];
const HUGE64 = [
  MAX_FRAME_HARD_CAP,
  MAX_FRAME_HARD_CAP + 1,
  2 ** 32 - 1,
  2 ** 32,
  2 ** 40,
  Number.MAX_SAFE_INTEGER,
];
const enc = new TextEncoder();
const ascii = (s: string) => enc.encode(s);
const NULL_MECH = (() => {
  const m = new Uint8Array(20);
  m.set(ascii("NULL"));
  return m;
})();

interface Field {
  off: number;
  size: 1 | 4 | 8;
  kind: string;
}

/** A growing byte buffer that remembers where its length and greeting fields are. */
class Out {
  buf = new Uint8Array(256);
  len = 0;
  fields: Field[] = [];
  #room(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.len + n) cap *= 2;
    const b = new Uint8Array(cap);
    b.set(this.buf.subarray(0, this.len));
    this.buf = b;
  }
  mark(kind: string, size: 1 | 4 | 8): this {
    this.fields.push({ off: this.len, size, kind });
    return this;
  }
  byte(v: number): this {
    this.#room(1);
    this.buf[this.len++] = v & 255;
    return this;
  }
  bytes(b: Uint8Array): this {
    this.#room(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
    return this;
  }
  u32(v: number): this {
    return this.byte(v >>> 24).byte(v >>> 16).byte(v >>> 8).byte(v);
  }
  u64(v: number): this {
    this.#room(8);
    writeU64(this.buf, this.len, v);
    this.len += 8;
    return this;
  }
  /** Appends `o` with its fields. */
  embed(o: Out): this {
    for (const f of o.fields) this.fields.push({ ...f, off: f.off + this.len });
    return this.bytes(o.done());
  }
  done(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

/** A body size: mostly small, often around the 255/256 boundary, sometimes large. */
function size(rng: Rng, limit: number): number {
  const r = rng.int(1000);
  const n = r < 550
    ? rng.range(0, 20)
    : r < 760
    ? rng.range(21, 252)
    : r < 900
    ? rng.range(253, 258)
    : r < 998
    ? rng.range(259, 800)
    : rng.range(60_000, 70_000);
  return limit >= 0 ? Math.min(n, limit) : n;
}

/** A ZMTP/3.x frame (docs/wire.md §3.2); `long` forces LONG for a small size (row 21). */
function frame3(o: Out, rng: Rng, flags: number, body: Uint8Array, long = false): void {
  o.mark("frame", 1);
  const isLong = body.length > 255 || long;
  const junk = rng.chance(0.1) ? rng.u32() & 0xf8 : 0; // reserved bits (row 20)
  o.mark("flags", 1).byte(flags | junk | (isLong ? 2 : 0));
  if (isLong) o.mark("len8", 8).u64(body.length);
  else o.mark("len1", 1).byte(body.length);
  o.bytes(body);
}

/**
 * A ZMTP/1.0 frame (docs/wire.md §2.1); `long` forces the long form for a small size;
 * `flags` may carry junk above bit 0 (only MORE is read).
 */
function frame1(o: Out, flags: number, body: Uint8Array, long = false): void {
  o.mark("frame", 1);
  const l = body.length + 1;
  if (l < 255 && !long) o.mark("l1", 1).byte(l);
  else o.mark("l0", 1).byte(0xff).mark("l8", 8).u64(l);
  o.mark("flags", 1).byte(flags);
  o.bytes(body);
}

/** A command body `name_len | name | data` (docs/wire.md §3.3), with its fields. */
function command(name: string, data: Uint8Array): Out {
  const o = new Out();
  o.mark("namelen", 1).byte(name.length).bytes(ascii(name)).bytes(data);
  return o;
}

/** A random command after the handshake, and the flags a decoder reports for it. */
function someCommand(rng: Rng, o: Out, v31: boolean, limit: number): Frame | null {
  const r = rng.int(9);
  let body: Out;
  if (r < 3) {
    const d = new Out().byte(rng.int(256)).byte(rng.int(256)).bytes(rng.bytes(rng.range(0, 24)));
    body = command("PING", r === 0 ? d.done().subarray(0, rng.int(2)) : d.done()); // row 28
  } else if (r === 3) body = command("PONG", rng.bytes(rng.range(0, 16)));
  else if (r === 4 && v31) {
    body = command(rng.pick(["SUBSCRIBE", "CANCEL"]), rng.bytes(size(rng, -1) % 300));
  } else if (r === 5) {
    body = command("READY", encodeMetadata([["Socket-Type", ascii("PUSH")]])); // row 16
  } else if (r === 6) {
    const name = String.fromCharCode(...rng.bytes(rng.range(1, 12)).map((b) => 65 + (b % 26)));
    body = command(name, rng.bytes(rng.range(0, 40))); // row 17: unknown
  } else if (r === 7) body = new Out(); // row 17: empty body
  else {body = new Out().mark("namelen", 1).byte(rng.range(5, 255)).bytes(
      rng.bytes(rng.range(0, 4)),
    );}
  // No check against `limit`: maxmsgsize limits parts, commands have MAX_COMMAND_SIZE (§8.4).
  void limit;
  const more = rng.chance(0.2) ? 1 : 0; // row 19: MORE on a command is dropped
  framed3(o, rng, 4 | more, body, rng.chance(0.1));
  return frameOf(4, body.done());
}

/** `frame3` of a body built with its fields, which keep their places. */
function framed3(o: Out, rng: Rng, flags: number, body: Out, long = false): void {
  const wire = new Out();
  frame3(wire, rng, flags, body.done(), long);
  const shift = wire.len - body.len;
  for (const f of body.fields) wire.fields.push({ ...f, off: f.off + shift });
  o.embed(wire);
}

/** Messages in ZMTP/3.x framing (2.0 when `commands` is false), returning the frames. */
function frames3(rng: Rng, o: Out, commands: boolean, v31: boolean, limit: number): Frame[] {
  const want: Frame[] = [];
  const msgs = rng.chance(0.15) ? 0 : rng.range(1, 6);
  for (let m = 0; m < msgs; m++) {
    if (commands && rng.chance(0.3)) {
      const c = someCommand(rng, o, v31, limit);
      if (c) want.push(c);
    }
    const parts = rng.chance(0.7) ? 1 : rng.range(2, 5);
    for (let p = 0; p < parts; p++) {
      const more = p < parts - 1 ? 1 : 0;
      const body = rng.bytes(size(rng, limit));
      frame3(o, rng, more, body, rng.chance(0.1));
      want.push(frameOf(more, body));
    }
  }
  return want;
}

/** Messages in ZMTP/1.0 framing, returning the frames. */
function frames1(rng: Rng, o: Out, limit: number): Frame[] {
  const want: Frame[] = [];
  const msgs = rng.chance(0.15) ? 0 : rng.range(1, 6);
  for (let m = 0; m < msgs; m++) {
    const parts = rng.chance(0.7) ? 1 : rng.range(2, 5);
    for (let p = 0; p < parts; p++) {
      const more = p < parts - 1 ? 1 : 0;
      const body = rng.bytes(size(rng, limit));
      const junk = rng.chance(0.1) ? rng.u32() & 0xfe : 0;
      frame1(o, more | junk, body, rng.chance(0.1));
      want.push(frameOf(more, body));
    }
  }
  return want;
}

/** The peer's signature: `FF`, 8 bytes of padding, byte 9 with bit 0 set (row 7 junk). */
function signature(rng: Rng, o: Out): void {
  o.mark("sig0", 1).byte(0xff);
  const r = rng.int(3);
  if (r === 0) o.u64(0);
  else if (r === 1) o.u64(rng.range(1, 256));
  else o.bytes(rng.bytes(8));
  o.mark("sig9", 1).byte(rng.chance(0.8) ? 0x7f : rng.u32() | 1);
}

/** The rest of a 3.x greeting after the signature. */
function greetingRest(rng: Rng, o: Out, rev: number, minor: number, mech = NULL_MECH): void {
  o.mark("rev", 1).byte(rev).mark("minor", 1).byte(minor);
  o.mark("mech", 1).bytes(mech);
  o.byte(rng.chance(0.8) ? 0 : rng.u32()); // as-server (row 7)
  o.bytes(rng.chance(0.8) ? new Uint8Array(31) : rng.bytes(31)); // filler
}

/** A READY command: random metadata, sometimes as a data frame (row 10). */
function ready(
  rng: Rng,
  o: Out,
  sock: SocketSpec,
  limit: number,
): { reject: boolean; peerType: string | null; identity: Uint8Array } {
  const props: [string, Uint8Array][] = [];
  let peerType: string | null = null;
  let identity: Uint8Array = new Uint8Array(0);
  const compatible = rng.chance(0.85);
  if (rng.chance(0.9)) {
    const t = compatible ? rng.pick(sock.peers) : rng.pick([...NAMES, "SURVEYOR", "junk"]);
    props.push([rng.pick(["Socket-Type", "socket-type", "SOCKET-TYPE"]), ascii(t)]);
    peerType = t;
  }
  if (rng.chance(0.5)) {
    identity = rng.bytes(rng.chance(0.95) ? rng.range(0, 32) : rng.range(250, 300));
    props.splice(rng.int(props.length + 1), 0, [rng.pick(["Identity", "identity"]), identity]);
  }
  for (let i = rng.int(3); i > 0; i--) {
    const name = rng.pick(["Resource", "X-Hello", "User-Id", "a"]);
    props.splice(rng.int(props.length + 1), 0, [name, rng.bytes(rng.range(0, 40))]);
  }
  const body = new Out().mark("namelen", 1).byte(5).bytes(ascii("READY"));
  for (const [name, value] of props) {
    body.mark("namelen", 1).byte(name.length).bytes(ascii(name));
    body.mark("vlen", 4).u32(value.length).bytes(value);
  }
  const asData = rng.chance(0.05);
  framed3(o, rng, asData ? 0 : 4 | (rng.chance(0.1) ? 1 : 0), body, rng.chance(0.1));
  // A handshake frame is held to MAX_COMMAND_SIZE, whatever maxmsgsize (`limit`) says.
  void limit;
  const tooBig = body.len > MAX_COMMAND_SIZE;
  const refused = peerType !== null && !sock.peers.includes(peerType);
  return { reject: tooBig || refused, peerType, identity };
}

function socketSpec(rng: Rng, type: string): SocketSpec {
  return {
    type,
    peers: TYPES[type]!,
    sendsIdentity: ID_FAMILY.includes(type),
    pub: type === "PUB" || type === "XPUB",
    identity: rng.chance(0.8) ? new Uint8Array(0) : rng.bytes(rng.range(1, 20)),
  };
}

/** Builds the valid encoding of case family `family` for our `mode`. */
function build(
  rng: Rng,
  family: string,
  sock: SocketSpec,
  limit: number,
): { o: Out; expect: Expect; handshakeEnd: number } {
  const o = new Out();
  const fits = (n: number) => limit < 0 || n <= limit;
  switch (family) {
    case "v3": {
      signature(rng, o);
      const rev = rng.chance(0.85) ? 3 : rng.pick([2, 4, 7, 0x80, 0xff]); // row 4
      const minor = rng.chance(0.6) ? 1 : rng.chance(0.7) ? 0 : rng.int(256);
      greetingRest(rng, o, rev, minor);
      const r = ready(rng, o, sock, limit);
      const version = rev === 3 && minor === 0 ? "3.0" : "3.1";
      const end = o.len;
      const frames = frames3(rng, o, true, version === "3.1", limit);
      if (r.reject) return { o, expect: { reject: true }, handshakeEnd: end };
      return {
        o,
        expect: { reject: false, version, peerType: r.peerType, peerIdentity: r.identity, frames },
        handshakeEnd: end,
      };
    }
    case "v2": {
      signature(rng, o);
      o.mark("rev", 1).byte(1);
      const t = rng.int(16);
      o.mark("type2", 1).byte(t);
      const id = rng.bytes(rng.chance(0.9) ? rng.range(0, 32) : rng.range(250, 300));
      frame3(o, rng, 0, id, rng.chance(0.1));
      const end = o.len;
      const frames = frames3(rng, o, false, false, limit);
      return {
        o,
        expect: fits(id.length)
          ? { reject: false, version: "2.0", peerType: v2TypeName(t), peerIdentity: id, frames }
          : { reject: true },
        handshakeEnd: end,
      };
    }
    case "v1": {
      // An identity frame in 1.0 framing; the long form must keep byte 9 bit 0 clear.
      const id = rng.bytes(rng.chance(0.9) ? rng.range(0, 32) : rng.range(250, 300));
      const long = id.length + 1 >= 255 || rng.chance(0.2);
      frame1(o, long ? rng.u32() & 0xfe : rng.u32() & 0xff, id, long); // row 25: any flags
      const end = o.len;
      const frames = frames1(rng, o, limit);
      return {
        o,
        expect: fits(id.length)
          ? { reject: false, version: "1.0", peerType: null, peerIdentity: id, frames }
          : { reject: true },
        handshakeEnd: end,
      };
    }
    case "legacy": {
      // `xs1` / `zmtp1`: an identity frame first when one is due (decided by the caller).
      const id = rng.bytes(rng.chance(0.9) ? rng.range(0, 32) : rng.range(250, 300));
      frame1(o, rng.u32() & 0xff, id, rng.chance(0.2));
      const end = o.len;
      const frames = frames1(rng, o, limit);
      return {
        o,
        expect: fits(id.length)
          ? { reject: false, peerType: null, peerIdentity: id, frames }
          : { reject: true },
        handshakeEnd: end,
      };
    }
    case "legacy-noid": {
      const frames = frames1(rng, o, limit);
      return {
        o,
        expect: { reject: false, peerType: null, peerIdentity: new Uint8Array(0), frames },
        handshakeEnd: 0,
      };
    }
    case "rev00": // row 5
      signature(rng, o);
      greetingRest(rng, o, 0, 1);
      return { o, expect: { reject: true }, handshakeEnd: o.len };
    case "mech": { // row 6
      signature(rng, o);
      const m = new Uint8Array(20);
      m.set(ascii(rng.pick(["PLAIN", "CURVE", "null", "NULL\x01", "GSSAPI"])));
      greetingRest(rng, o, 3, 1, m);
      return { o, expect: { reject: true }, handshakeEnd: o.len };
    }
    case "error": { // rows 12, 34
      signature(rng, o);
      greetingRest(rng, o, 3, 1);
      const reason = rng.bytes(rng.range(0, 40));
      const body = command("ERROR", new Uint8Array(0)).mark("reason", 1);
      body.byte(reason.length + (rng.chance(0.2) ? 5 : 0)).bytes(reason);
      framed3(o, rng, 4, body);
      frames3(rng, o, true, true, limit);
      return { o, expect: { reject: true }, handshakeEnd: o.len };
    }
    case "unknown": { // row 11, and row 9 (data before READY)
      signature(rng, o);
      greetingRest(rng, o, 3, 1);
      if (rng.chance(0.5)) framed3(o, rng, 4, command("HELLO", rng.bytes(rng.range(0, 30))));
      else frame3(o, rng, 0, ascii("not a READY"));
      frames3(rng, o, true, true, limit);
      return { o, expect: { reject: true }, handshakeEnd: o.len };
    }
    default: { // "meta": truncated metadata or one trailing byte (row 15)
      signature(rng, o);
      greetingRest(rng, o, 3, 1);
      const md = encodeMetadata([["Socket-Type", ascii(sock.peers[0]!)]]);
      const cut = rng.chance(0.5) ? md.subarray(0, rng.int(md.length)) : new Uint8Array([...md, 7]);
      framed3(o, rng, 4, command("READY", cut));
      return { o, expect: { reject: cut.length > 0 }, handshakeEnd: o.len };
    }
  }
}

/** Writes a corrupted value into a field. */
function corrupt(rng: Rng, b: Uint8Array, f: Field, limit: number): string {
  const end = f.off + f.size;
  if (end > b.length) return "";
  if (f.size === 1) {
    const v = rng.pick([0, 1, 0x7f, 0x80, 0xfe, 0xff, b[f.off]! + 1, b[f.off]! - 1, rng.u32()]);
    b[f.off] = v;
    return `${f.kind}=${v & 255}`;
  }
  if (f.size === 4) {
    const v = rng.pick([0, 1, 0xffffffff, 0x7fffffff, rng.u32()]);
    for (let i = 0; i < 4; i++) b[f.off + i] = v >>> (24 - 8 * i);
    return `${f.kind}=${v >>> 0}`;
  }
  const r = rng.int(5);
  if (r === 0) {
    for (let i = 0; i < 8; i++) b[f.off + i] = 0xff; // 2^64 - 1
    return `${f.kind}=2^64-1`;
  }
  if (r === 1) {
    const bytes = rng.bytes(8);
    b.set(bytes, f.off);
    return `${f.kind}=random`;
  }
  const v = r === 2 && limit >= 0
    ? limit + 1 + rng.int(3)
    : r === 3
    ? rng.range(0, 2)
    : rng.pick(HUGE64);
  writeU64(b, f.off, v);
  return `${f.kind}=${v}`;
}

/**
 * Applies 1-3 mutations at or after `from`; returns the bytes and their names. In-place
 * mutations go first (the recorded field offsets still hold), then at most one mutation
 * placed by the structure (a cut right after a field, a huge frame header where a frame
 * starts), then blind ones.
 */
function mutate(
  rng: Rng,
  valid: Uint8Array,
  fields: Field[],
  from: number,
  v1: boolean,
  limit: number,
): { bytes: Uint8Array; names: string[] } {
  let b: Uint8Array = valid.slice();
  const names: string[] = [];
  const at = () => from + rng.int(Math.max(1, b.length - from));
  const usable = fields.filter((f) => f.off >= from && f.kind !== "frame");
  const starts = fields.filter((f) => f.off >= from && f.kind === "frame").map((f) => f.off);
  const ops: number[] = [];
  for (let k = rng.range(1, 3); k > 0; k--) ops.push(rng.int(100));
  const phase = (r: number) => (r < 40 ? 0 : r < 60 ? 1 : 2);
  ops.sort((x, y) => phase(x) - phase(y));
  let placed = false;
  let bad: Field | null = null;
  for (const r of ops) {
    if (r < 25) {
      if (!usable.length) continue;
      bad = rng.pick(usable);
      const n = corrupt(rng, b, bad, limit);
      if (n) names.push(`field:${n}`);
    } else if (r < 35 && b.length > from) {
      for (let i = rng.range(1, 8); i > 0; i--) {
        const p = at();
        if (p < b.length) b[p]! ^= 1 << rng.int(8);
      }
      names.push("flip");
    } else if (r < 40 && b.length > from) {
      const p = at();
      if (p < b.length) b[p] = rng.u32();
      names.push("byte");
    } else if (r < 50) {
      // The peer stops right after a field: mid-header, mid-greeting, before a flags byte.
      if (placed || !usable.length) continue;
      placed = true;
      // Often right after the field just corrupted: a bad length, then nothing more.
      const f = bad && rng.chance(0.6) ? bad : rng.pick(usable);
      b = b.slice(0, Math.min(b.length, f.off + f.size));
      names.push(`cut-after:${f.kind}`);
    } else if (r < 60) {
      // A frame header declaring a huge (or just too large) size where a frame starts (or
      // at the end), then a few bytes, then the peer stops.
      if (placed) continue;
      placed = true;
      const p = starts.length && rng.chance(0.8) ? rng.pick(starts) : b.length;
      const big = rng.chance(0.3) && limit >= 0 ? limit + 1 : rng.pick(HUGE64);
      const h = new Out();
      if (v1) h.byte(0xff).u64(big + 1).byte(rng.int(2));
      else h.byte(rng.pick([2, 3, 6, 7])).u64(big);
      b = cat(b.subarray(0, Math.min(p, b.length)), h.done(), rng.bytes(rng.range(0, 20)));
      names.push(`huge:${big}`);
    } else if (r < 70) {
      b = b.slice(0, from + rng.int(Math.max(1, b.length - from + 1)));
      names.push("truncate");
    } else if (r < 77) {
      const p = at();
      b = cat(b.subarray(0, p), rng.bytes(rng.range(1, 16)), b.subarray(p));
      names.push("insert");
    } else if (r < 84) {
      const p = at();
      b = cat(b.subarray(0, p), b.subarray(Math.min(b.length, p + rng.range(1, 16))));
      names.push("delete");
    } else if (r < 93) {
      const p = rng.chance(0.3) ? 0 : at();
      b = cat(b.subarray(0, p), rng.bytes(rng.range(0, rng.chance(0.95) ? 200 : 5000)));
      names.push(p === 0 ? "garbage-from-start" : "garbage");
    } else {
      const p = at(), q = at();
      const a = Math.min(p, q), z = Math.max(p, q);
      b = cat(b.subarray(0, z), b.subarray(a, z), b.subarray(z));
      names.push("dup");
    }
  }
  return { bytes: b, names };
}

export { cat } from "./_hex.ts";

/**
 * A random split of `len` bytes into at least two chunks (one if `len` < 2): one cut, byte
 * by byte (short inputs), small pieces, or pieces of up to half the input.
 */
function split(rng: Rng, len: number): number[] {
  if (len < 2) return [len];
  const r = rng.int(10);
  const out: number[] = [];
  if (r < 2) {
    const p = rng.range(1, len - 1);
    return [p, len - p];
  }
  // At most about 300 pieces, so long inputs are not fed a byte at a time.
  const floor = Math.max(1, Math.floor(len / 300));
  const max = r < 4 && len <= 300 ? 1 : r < 7 ? Math.max(16, floor * 2) : Math.max(2, len >> 1);
  for (let left = len; left > 0;) {
    const n = Math.min(left, rng.range(Math.min(floor, max), max));
    out.push(n);
    left -= n;
  }
  return out;
}

/** Generates case `index` of the run seeded `seed`. */
export function generate(seed: number, index: number): FuzzCase {
  const rng = new Rng(caseSeed(seed, index));
  const mode: Mode = rng.pick(["auto", "auto", "auto", "zmtp3", "xs1", "zmtp1"]);
  const sock = socketSpec(rng, rng.pick(NAMES));
  const maxMsgSize = rng.chance(0.75) ? -1 : rng.range(0, 4000);
  let family: string;
  if (mode === "xs1" || mode === "zmtp1") {
    family = mode === "zmtp1" || sock.sendsIdentity ? "legacy" : "legacy-noid";
  } else {
    const r = rng.int(100);
    family = r < 50
      ? "v3"
      : r < 60
      ? "v2"
      : r < 72
      ? "v1"
      : rng.pick(["rev00", "mech", "error", "unknown", "meta"]);
  }
  const built = build(rng, family, sock, maxMsgSize);
  const valid = built.o.done();
  const expect = built.expect;
  if (mode === "zmtp3" && (family === "v2" || family === "v1")) {
    expect.reject = true; // docs/wire.md §4.3
    delete expect.frames;
  }
  if (!expect.reject) {
    if (mode === "xs1" || mode === "zmtp1") expect.version = mode;
  }
  let bytes = valid, mutation = "none";
  if (!rng.chance(0.15)) {
    // Frame-focused cases leave the handshake alone and mutate what follows it.
    const from = rng.chance(0.35) ? built.handshakeEnd : 0;
    const v1 = family === "v1" || family.startsWith("legacy");
    const m = mutate(rng, valid, built.o.fields, from, v1, maxMsgSize);
    bytes = m.bytes;
    mutation = m.names.join("+") || "none";
  }
  return {
    index,
    family,
    mode,
    socket: sock,
    maxMsgSize,
    valid,
    expect,
    bytes,
    mutation,
    chunks: split(rng, bytes.length),
  };
}

/**
 * A hand-written case: `bytes` from a peer of our `type` socket in `mode` (for the drivers;
 * no expectation, no mutation), fed as one chunk unless `chunks` says otherwise.
 */
export function caseOf(
  bytes: Uint8Array,
  opts: { mode?: Mode; type?: string; maxMsgSize?: number; chunks?: number[] } = {},
): FuzzCase {
  const type = opts.type ?? "PULL";
  return {
    index: -1,
    family: "hand-written",
    mode: opts.mode ?? "auto",
    socket: {
      type,
      peers: TYPES[type]!,
      sendsIdentity: ID_FAMILY.includes(type),
      pub: type === "PUB" || type === "XPUB",
      identity: new Uint8Array(0),
    },
    maxMsgSize: opts.maxMsgSize ?? -1,
    valid: bytes,
    expect: { reject: false },
    bytes,
    mutation: "none",
    chunks: opts.chunks ?? [bytes.length],
  };
}

// ------------------------------------------------------------------------------- codec driver

/** What one feed of an input gave. */
export interface Outcome {
  /** The codec's error (the session closes the connection), null if none. */
  error: string | null;
  /** The handshake finished. */
  done: boolean;
  version: string | null;
  peerType: string | null;
  peerIdentity: Uint8Array | null;
  /** Whole frames decoded after the handshake, in order. */
  frames: Frame[];
  /** Bytes of a frame body still awaited at the end (0: none). */
  awaiting: number;
  /** Every byte our side would have sent (handshake and PONGs). */
  sent: Uint8Array;
  /** Subscriptions read (PUB/XPUB). */
  subs: number;
  /** The largest size the decoder announced to its sink. */
  maxStart: number;
}

/** A FrameSink that checks the decoder contract and parses commands as InboundSink does. */
class CheckSink implements FrameSink {
  frames: Frame[] = [];
  sent: Uint8Array[] = [];
  subs = 0;
  maxStart = 0;
  version = "";
  #limit: number;
  #cmdLimit: number;
  #pub: boolean;
  #cur:
    | { flags: number; size: number; got: number; hash: number; keep: Uint8Array[] | null }
    | null = null;
  #dropIn = false;
  constructor(limit: number, cmdLimit: number, pub: boolean) {
    this.#limit = limit;
    this.#cmdLimit = cmdLimit;
    this.#pub = pub;
  }
  get awaiting(): number {
    return this.#cur ? this.#cur.size - this.#cur.got : 0;
  }
  start(flags: number, size: number): boolean {
    if (this.#cur) throw new Error("contract: start() while a body is awaited");
    const limit = flags & 4 ? this.#cmdLimit : this.#limit;
    if (!(size >= 0 && size <= limit)) {
      throw new Error(`contract: start() with size ${size} over the limit ${limit}`);
    }
    if ((flags & ~5) !== 0 || flags === 5) throw new Error(`contract: start() flags ${flags}`);
    if (size > this.maxStart) this.maxStart = size;
    // Only what is parsed is kept (commands, a PUB's data): copies of what arrived.
    const keep = (flags & 4) || this.#pub ? [] : null;
    this.#cur = { flags, size, got: 0, hash: FNV0, keep };
    if (size === 0) this.#end();
    return true;
  }
  body(bytes: Uint8Array): number {
    const c = this.#cur;
    if (!c || bytes.length === 0 || c.got + bytes.length > c.size) {
      throw new Error(`contract: body() of ${bytes.length} bytes out of turn`);
    }
    c.hash = fnv(c.hash, bytes);
    c.keep?.push(bytes.slice());
    c.got += bytes.length;
    if (c.got === c.size) this.#end();
    return bytes.length;
  }
  #end(): void {
    const c = this.#cur!;
    this.#cur = null;
    this.frames.push({ flags: c.flags, size: c.size, hash: c.hash >>> 0 });
    if (!c.keep) return;
    const body = c.keep.length === 1 ? c.keep[0]! : cat(...c.keep);
    if (c.flags & 4) {
      const cmd = parseCommand(body);
      if (cmd?.name === "PING") this.sent.push(pongFrame(parsePing(cmd.data).context));
      else if (cmd && this.#pub && subscriptionFromCommand(cmd.name, cmd.data)) this.subs++;
    } else {
      // InboundSink: only a single-part data message is a subscription (docs/wire.md §3.7).
      const first = !this.#dropIn;
      this.#dropIn = (c.flags & 1) !== 0;
      if (first && !this.#dropIn && subscriptionFromData(body, this.version)) this.subs++;
    }
  }
}

/** The per-part (data frame) limit a decoder applies for XS_MAXMSGSIZE `max`. */
export function frameLimit(max: number): number {
  return max < 0 || max > MAX_FRAME_HARD_CAP ? MAX_FRAME_HARD_CAP : max;
}

/**
 * The per-command limit after the handshake for XS_MAXMSGSIZE `max` (docs/wire.md §8.4):
 * never below MAX_COMMAND_SIZE, never below the part limit.
 */
export function commandFrameLimit(max: number): number {
  return Math.max(frameLimit(max), MAX_COMMAND_SIZE);
}

/**
 * Feeds `c.bytes` in pieces of `chunks` through the session's codec pipeline. Throws only
 * on a broken contract (a codec exception, a sink call out of turn, bytes not consumed).
 */
export function runCodec(c: FuzzCase, chunks: readonly number[]): Outcome {
  const s = c.socket;
  const hs = c.mode === "xs1" || c.mode === "zmtp1"
    ? new LegacyHandshake({
      mode: c.mode,
      identity: s.identity,
      identityFamily: s.sendsIdentity,
      maxMsgSize: c.maxMsgSize,
    })
    : new Handshake({
      socketType: s.type,
      identity: s.identity,
      sendIdentity: s.sendsIdentity,
      acceptPeer: (t) => s.peers.includes(t),
      maxMsgSize: c.maxMsgSize,
      mode: c.mode === "zmtp3" ? "zmtp3" : "auto",
    });
  const sink = new CheckSink(frameLimit(c.maxMsgSize), commandFrameLimit(c.maxMsgSize), s.pub);
  const sent: Uint8Array[] = [hs.start()];
  let dec: Decoder1 | Decoder3 | null = null;
  let result: HandshakeResult | null = null;
  let error: string | null = null;
  const feed = (bytes: Uint8Array) => {
    const n = dec!.feed(bytes);
    if (n < 0) error = dec!.error ?? "(no reason)";
    else if (n !== bytes.length) throw new Error(`contract: fed ${bytes.length}, consumed ${n}`);
  };
  const begin = (done: HandshakeResult) => {
    result = done;
    sink.version = done.version;
    const legacy = done.version === "1.0" || done.version === "xs1" || done.version === "zmtp1";
    dec = legacy ? new Decoder1(sink, c.maxMsgSize) : new Decoder3(sink, c.maxMsgSize);
    if (done.rest.length) feed(done.rest);
  };
  if (hs.done) begin(hs.done);
  let off = 0;
  for (const n of chunks) {
    if (error !== null) break;
    const chunk = c.bytes.subarray(off, off + n);
    off += n;
    if (dec) {
      feed(chunk);
      continue;
    }
    const out = hs.feed(chunk);
    if (hs.error !== null) {
      error = `handshake: ${hs.error}`;
      if (out.length) throw new Error("contract: a failing handshake feed returned bytes");
      break;
    }
    sent.push(out);
    if (hs.done) begin(hs.done);
  }
  const r = result as HandshakeResult | null;
  return {
    error,
    done: r !== null,
    version: r?.version ?? null,
    peerType: r?.peerType ?? null,
    peerIdentity: r?.peerIdentity ?? null,
    frames: sink.frames,
    awaiting: sink.awaiting,
    sent: cat(...sent, ...sink.sent),
    subs: sink.subs,
    maxStart: sink.maxStart,
  };
}

const hex = (b: Uint8Array | null) =>
  b === null ? "null" : [...b].map((x) => x.toString(16).padStart(2, "0")).join("");

/**
 * Why outcomes `a` (one chunk) and `b` (split) differ, or null if they agree. The bytes
 * a failing handshake would have sent are not compared (they are dropped, handshake.ts).
 */
export function differ(a: Outcome, b: Outcome): string | null {
  if (a.error !== b.error) return `error ${a.error} vs ${b.error}`;
  if (a.done !== b.done) return `done ${a.done} vs ${b.done}`;
  if (a.version !== b.version) return `version ${a.version} vs ${b.version}`;
  if (a.peerType !== b.peerType) return `peerType ${a.peerType} vs ${b.peerType}`;
  if (!same(a.peerIdentity, b.peerIdentity)) return "peerIdentity";
  const f = framesDiffer(a.frames, b.frames);
  if (f) return f;
  if (a.awaiting !== b.awaiting) return `awaiting ${a.awaiting} vs ${b.awaiting}`;
  if (a.subs !== b.subs) return `subs ${a.subs} vs ${b.subs}`;
  if (a.error === null && !same(a.sent, b.sent)) return "bytes sent";
  return null;
}

/** Why two frame lists differ, or null. */
export function framesDiffer(a: readonly Frame[], b: readonly Frame[]): string | null {
  if (a.length !== b.length) return `${a.length} frames vs ${b.length}`;
  for (let i = 0; i < a.length; i++) {
    if (a[i]!.flags !== b[i]!.flags) return `frame ${i}: flags ${a[i]!.flags} vs ${b[i]!.flags}`;
    if (a[i]!.size !== b[i]!.size || a[i]!.hash !== b[i]!.hash) return `frame ${i}: body differs`;
  }
  return null;
}

/** Byte equality (null equals only null). */
function same(a: Uint8Array | null, b: Uint8Array | null): boolean {
  if (a === null || b === null) return a === b;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Why the outcome of an unmutated case is not what its encoding says, or null. */
export function unexpected(c: FuzzCase, o: Outcome): string | null {
  const e = c.expect;
  if (e.reject) return o.error === null ? "a refused encoding was accepted" : null;
  if (o.error !== null) return `a valid encoding was refused: ${o.error}`;
  if (!o.done) return "the handshake did not finish";
  if (e.version !== undefined && o.version !== e.version) return `version ${o.version}`;
  if (e.peerType !== undefined && o.peerType !== e.peerType) return `peerType ${o.peerType}`;
  if (e.peerIdentity && !same(o.peerIdentity, e.peerIdentity)) return "peerIdentity";
  if (o.awaiting !== 0) return `${o.awaiting} body bytes still awaited`;
  return e.frames ? framesDiffer(e.frames, o.frames) : null;
}

/** A short description of a case for failure messages (enough to rerun it). */
export function describe(seed: number, c: FuzzCase): string {
  const head = hex(c.bytes.subarray(0, 96));
  return `seed ${seed} case ${c.index} (${c.family}, mode ${c.mode}, ${c.socket.type}, ` +
    `maxmsgsize ${c.maxMsgSize}, ${c.mutation}, ${c.bytes.length} bytes: ${head}` +
    `${c.bytes.length > 96 ? "…" : ""})`;
}

// ------------------------------------------------------------------------------- reference

/** What the reference model says of an input: what `runCodec` must report, fed whole. */
export interface Verdict {
  refused: boolean;
  done: boolean;
  version: string | null;
  peerType: string | null;
  peerIdentity: Uint8Array | null;
  frames: Frame[];
  awaiting: number;
}

const u64 = (b: Uint8Array, o: number): number => {
  const hi = ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
  const lo = ((b[o + 4]! << 24) | (b[o + 5]! << 16) | (b[o + 6]! << 8) | b[o + 7]!) >>> 0;
  return hi > 0x1fffff ? Infinity : hi * 4294967296 + lo;
};

type RefFrame =
  | { t: "wait" }
  | { t: "refuse" }
  | { t: "frame"; flags: number; raw: number; body: Uint8Array; end: number; awaiting: number };

/**
 * One frame at `off` by the letter of docs/wire.md §2.1, §3.2, §8.1 rows 20-24, §8.4: a size
 * is judged as soon as its field is complete (a 1.0 length before its flags byte), against
 * `limit`, or `cmdLimit` for a 3.x frame whose COMMAND bit is set.
 */
function refFrame(
  b: Uint8Array,
  off: number,
  v1: boolean,
  limit: number,
  cmdLimit = limit,
): RefFrame {
  const n = b.length - off;
  let size: number, hdr: number;
  if (v1) {
    if (n < 1) return { t: "wait" };
    const long = b[off] === 0xff;
    if (long && n < 9) return { t: "wait" };
    const l = long ? u64(b, off + 1) : b[off]!;
    if (l === 0) return { t: "refuse" };
    size = l - 1;
    hdr = long ? 10 : 2;
  } else {
    if (n < 2) return { t: "wait" };
    const long = (b[off]! & 2) !== 0;
    if (long && n < 9) return { t: "wait" };
    size = long ? u64(b, off + 1) : b[off + 1]!;
    hdr = long ? 9 : 2;
  }
  if (size > (!v1 && (b[off]! & 4) ? cmdLimit : limit)) return { t: "refuse" };
  if (n < hdr) return { t: "wait" };
  const raw = v1 ? b[off + hdr - 1]! : b[off]!;
  const flags = v1 ? raw & 1 : raw & 4 ? 4 : raw & 1;
  const have = Math.min(size, n - hdr);
  const body = b.subarray(off + hdr, off + hdr + have);
  return { t: "frame", flags, raw, body, end: off + hdr + size, awaiting: size - have };
}

/** A command body `name_len name data`: its name and data, or null. */
function refCommand(body: Uint8Array): { name: string; data: Uint8Array } | null {
  if (body.length < 1 || 1 + body[0]! > body.length) return null;
  return {
    name: String.fromCharCode(...body.subarray(1, 1 + body[0]!)),
    data: body.subarray(1 + body[0]!),
  };
}

/** Metadata (docs/wire.md §3.4) as lower-case names, or null if truncated. */
function refMetadata(d: Uint8Array): Map<string, Uint8Array> | null {
  const m = new Map<string, Uint8Array>();
  for (let o = 0; o < d.length;) {
    const nl = d[o]!;
    if (o + 1 + nl + 4 > d.length) return null;
    const name = String.fromCharCode(...d.subarray(o + 1, o + 1 + nl)).toLowerCase();
    o += 1 + nl;
    const vl = ((d[o]! << 24) | (d[o + 1]! << 16) | (d[o + 2]! << 8) | d[o + 3]!) >>> 0;
    o += 4;
    if (vl > d.length - o) return null;
    m.set(name, d.subarray(o, o + vl));
    o += vl;
  }
  return m;
}

/**
 * The reference model: what the rules of docs/wire.md §2-§4 and §8.1 say the session's codec
 * makes of `c.bytes`, written apart from lib/wire (one buffer, no streaming).
 */
export function reference(c: FuzzCase): Verdict {
  const b = c.bytes, limit = frameLimit(c.maxMsgSize);
  // Identities (1.0, 2.0) are parts and handshake frames; READY is a handshake frame only.
  const idLimit = Math.min(limit, MAX_COMMAND_SIZE), cmdLimit = commandFrameLimit(c.maxMsgSize);
  const v: Verdict = {
    refused: false,
    done: false,
    version: null,
    peerType: null,
    peerIdentity: null,
    frames: [],
    awaiting: 0,
  };
  const refuse = () => ({ ...v, refused: true });
  let rest = 0;
  const identityAt = (off: number, v1: boolean, version: string): boolean => {
    const f = refFrame(b, off, v1, idLimit);
    if (f.t !== "frame" || f.awaiting > 0) return f.t === "refuse";
    v.done = true;
    v.version = version;
    v.peerIdentity = f.body;
    rest = f.end;
    return false;
  };
  if (c.mode === "xs1" || c.mode === "zmtp1") {
    if (c.mode === "zmtp1" || c.socket.sendsIdentity) {
      if (identityAt(0, true, c.mode)) return refuse();
    } else {
      v.done = true;
      v.version = c.mode;
      v.peerIdentity = new Uint8Array(0);
    }
  } else {
    const strict = c.mode === "zmtp3";
    const legacy = b.length >= 1 && (b[0] !== 0xff || (b.length >= 10 && (b[9]! & 1) === 0));
    if (legacy) {
      if (strict || identityAt(0, true, "1.0")) return refuse();
    } else if (b.length >= 11) {
      const rev = b[10]!;
      if (rev === 0 || (rev === 1 && strict)) return refuse();
      if (rev === 1) {
        if (b.length >= 12) {
          if (identityAt(12, false, "2.0")) return refuse();
          if (v.done) v.peerType = v2TypeName(b[11]!);
        }
      } else if (b.length >= 64) {
        for (let i = 0; i < 20; i++) if (b[12 + i] !== NULL_MECH[i]) return refuse();
        const f = refFrame(b, 64, false, MAX_COMMAND_SIZE);
        if (f.t === "refuse") return refuse();
        if (f.t === "frame" && f.awaiting === 0) {
          const cmd = refCommand(f.body);
          if (cmd === null || cmd.name !== "READY") return refuse(); // rows 9, 11, 12
          const meta = refMetadata(cmd.data);
          if (meta === null) return refuse(); // row 15
          const st = meta.get("socket-type");
          const type = st === undefined ? null : String.fromCharCode(...st);
          if (type !== null && !c.socket.peers.includes(type)) return refuse(); // row 14
          v.done = true;
          v.version = rev === 3 && b[11] === 0 ? "3.0" : "3.1";
          v.peerType = type;
          v.peerIdentity = meta.get("identity") ?? new Uint8Array(0);
          rest = f.end;
        }
      }
    }
  }
  if (!v.done) return v;
  const v1 = v.version === "1.0" || v.version === "xs1" || v.version === "zmtp1";
  for (let off = rest;;) {
    const f = refFrame(b, off, v1, limit, cmdLimit);
    if (f.t === "refuse") return refuse();
    if (f.t === "wait") return v;
    if (f.awaiting > 0) {
      v.awaiting = f.awaiting;
      return v;
    }
    v.frames.push(frameOf(f.flags, f.body));
    off = f.end;
  }
}

/** Why a whole feed's outcome is not the reference's verdict, or null. */
export function disagrees(o: Outcome, v: Verdict): string | null {
  if ((o.error !== null) !== v.refused) {
    return v.refused ? "the reference refuses, the codec did not" : `refused: ${o.error}`;
  }
  if (v.refused) return null; // what came before the refusal is compared with the split feed
  if (o.done !== v.done) return `handshake done: ${o.done}, reference ${v.done}`;
  if (o.version !== v.version) return `version ${o.version}, reference ${v.version}`;
  if (o.peerType !== v.peerType) return `peerType ${o.peerType}, reference ${v.peerType}`;
  if (!same(o.peerIdentity, v.peerIdentity)) return "peerIdentity differs from the reference";
  const f = framesDiffer(v.frames, o.frames);
  if (f) return `reference: ${f}`;
  if (o.awaiting !== v.awaiting) return `awaiting ${o.awaiting}, reference ${v.awaiting}`;
  return null;
}

// ------------------------------------------------------------------------------- allocations

let maxAlloc = 0;

/**
 * Runs `fn` (synchronously) with `Uint8Array` and `ArrayBuffer` construction watched, and
 * returns its value. `allocated()` reads and resets the largest length asked for since the
 * last call. The globals are restored before returning, even if `fn` throws.
 */
export function trackAllocations<T>(fn: () => T): T {
  const g = globalThis as Record<string, unknown>;
  const u8 = g.Uint8Array as Ctor, ab = g.ArrayBuffer as Ctor;
  const watch = (ctor: Ctor): Ctor => {
    const p: Ctor = new Proxy(ctor, {
      construct(target, args, nt) {
        const n = args[0];
        if (typeof n === "number" && n > maxAlloc) maxAlloc = n;
        return Reflect.construct(target, args, nt === p ? target : nt);
      },
    });
    return p;
  };
  g.Uint8Array = watch(u8);
  g.ArrayBuffer = watch(ab);
  try {
    return fn();
  } finally {
    g.Uint8Array = u8;
    g.ArrayBuffer = ab;
  }
}

type Ctor = new (...args: unknown[]) => object;

/** The largest allocation since the last call (see `trackAllocations`). */
export function allocated(): number {
  const n = maxAlloc;
  maxAlloc = 0;
  return n;
}

// ------------------------------------------------------------------------------- session rig

/** A stream whose writes complete when the rig says so. */
class FakeConn implements StreamConn {
  readonly remote = "fuzz";
  closed = false;
  write(_bytes: Uint8Array): void {}
  pause(): void {}
  resume(): void {}
  close(): void {
    this.closed = true;
  }
}

/** What a session made of an input. */
export interface SessionOutcome {
  /** Why our side closed the connection, or null if it was still open at the end. */
  closedBy: string | null;
  /** The messages the API thread read, as Frame records (flags 0). */
  messages: Frame[][];
}

/**
 * Real `StreamSession`s on a fake stream, one after the other on one pipe, read by the API
 * thread's `RingPipe` like a connect-side endpoint that reconnects.
 */
export class SessionRig {
  readonly pipe: WorkerPipe;
  readonly api: RingPipe;
  constructor() {
    const sab = newPipeBlock(PIPE_RING_BYTES, PIPE_RING_BYTES);
    const places = pipePlaces(sab, PIPE_RING_BYTES, PIPE_RING_BYTES);
    new Int32Array(sab)[(places.in.header >> 2) + R_HWM] = 0;
    this.pipe = new WorkerPipe(1, sab);
    this.api = new RingPipe(1, places.out, places.in, 0, () => {}, () => {});
  }

  #drain(into: Frame[][]): void {
    for (let m = this.api.read(); m; m = this.api.read()) into.push(m.map((p) => frameOf(0, p)));
  }

  /** Feeds `c.bytes` in pieces of `chunks` to a new session; the peer leaves at the end. */
  run(c: FuzzCase, chunks: readonly number[] = c.chunks): SessionOutcome {
    let ready = false, closedBy: string | null = null;
    const owner: SessionOwner = {
      ready: () => void (ready = true),
      closed: (_s, why) => void (closedBy = why),
      wakeApi: () => {},
      drained: () => {},
      zap: () => {},
    };
    const s = new StreamSession({
      type: c.socket.type,
      peers: c.socket.peers,
      sendsIdentity: c.socket.sendsIdentity,
      subscriptions: c.socket.pub ? "receives" : c.socket.type.endsWith("SUB") ? "sends" : "none",
      identity: c.socket.identity,
      maxmsgsize: c.maxMsgSize,
      mode: c.mode,
    }, owner);
    const conn = new FakeConn();
    const messages: Frame[][] = [];
    let attached = false;
    const settle = () => {
      while (s.writing) s.written();
      if (ready && !attached && !s.isClosed) {
        attached = true;
        s.prepare(this.pipe);
        s.attach(this.pipe);
      }
      this.#drain(messages);
      for (let k = 0; k < 1000 && s.blockedIn && !s.isClosed; k++) {
        s.resumeIn();
        this.#drain(messages);
      }
    };
    try {
      s.begin(conn);
      settle();
      let off = 0;
      for (const n of chunks) {
        if (s.isClosed) break;
        s.data(c.bytes.subarray(off, off + n));
        off += n;
        settle();
      }
    } finally {
      const ours = closedBy as string | null;
      if (!s.isClosed) s.closed(); // the peer goes away
      this.#drain(messages);
      closedBy = ours;
    }
    if ((closedBy !== null) !== conn.closed) throw new Error("closed() without closing the stream");
    return { closedBy, messages };
  }
}

/** The whole messages in `frames` (data frames grouped by MORE; an unfinished one dropped). */
export function messagesOf(frames: readonly Frame[]): Frame[][] {
  const out: Frame[][] = [];
  let cur: Frame[] = [];
  for (const f of frames) {
    if (f.flags & 4) continue;
    cur.push({ flags: 0, size: f.size, hash: f.hash });
    if (!(f.flags & 1)) {
      out.push(cur);
      cur = [];
    }
  }
  return out;
}

/** Why two message lists differ, or null. */
export function messagesDiffer(a: Frame[][], b: Frame[][]): string | null {
  if (a.length !== b.length) return `${a.length} messages vs ${b.length}`;
  for (let i = 0; i < a.length; i++) {
    const d = framesDiffer(a[i]!, b[i]!);
    if (d) return `message ${i}: ${d}`;
  }
  return null;
}
// ------------------------------------------------------------------------------- the run

/** What a run did. */
export interface Figures {
  seed: number;
  /** Inputs generated and fed (each whole and split). */
  inputs: number;
  /** Inputs the codec refused (the session closes the connection). */
  rejected: number;
  /** Inputs the codec did not refuse (complete, or waiting for more bytes). */
  accepted: number;
  /** Of those, inputs whose handshake finished. */
  acceptedDone: number;
  /** Unmutated inputs, checked against what their encoding says. */
  unmutated: number;
  /** Refusals for a size over XS_MAXMSGSIZE, the hard cap or 2^53. */
  refusedSize: number;
  /** Refusals for a ZMTP/1.0 length of 0. */
  refusedLength0: number;
  /** Inputs also fed to a real StreamSession, and how many of those it closed. */
  sessions: number;
  sessionCloses: number;
  /** The largest size a decoder announced (and let through) to its sink. */
  largestAnnounced: number;
  /** The largest allocation seen while feeding the codec, and while running sessions. */
  maxAllocCodec: number;
  maxAllocSession: number;
  /** Wall time in ms. */
  ms: number;
}

/** Options of `fuzz`. */
export interface FuzzOptions {
  /** First case index (default 0). */
  from?: number;
  /** Every n-th input also goes through a real session (0: none; default 4). */
  sessionEvery?: number;
  /** Called every 10,000 inputs. */
  progress?: (done: number) => void;
}

/**
 * Generates and checks `count` inputs of the run seeded `seed`; throws at the first input
 * that breaks a rule, naming it (seed, case index, bytes). Rules, for every input:
 * - nothing throws except through the codec's error path (`error`, `feed` = -1);
 * - the FrameSink contract holds, and no size over the limit reaches a sink;
 * - no allocation while feeding exceeds twice the bytes fed plus 1 KiB (sessions: the 1 MiB
 *   ring), so no declared size is allocated before its bytes arrive;
 * - the input fed in one chunk and fed in random chunks gives the same outcome;
 * - an unmutated input gives what its encoding says (or is refused, if it says so);
 * - a session closes the connection exactly when the codec refuses the input, and the API
 *   thread reads exactly the whole messages (PUB/XPUB: subscriptions) the codec decoded.
 */
export function fuzz(seed: number, count: number, opts: FuzzOptions = {}): Figures {
  const from = opts.from ?? 0, every = opts.sessionEvery ?? 4;
  const f: Figures = {
    seed,
    inputs: 0,
    rejected: 0,
    accepted: 0,
    acceptedDone: 0,
    unmutated: 0,
    refusedSize: 0,
    refusedLength0: 0,
    sessions: 0,
    sessionCloses: 0,
    largestAnnounced: 0,
    maxAllocCodec: 0,
    maxAllocSession: 0,
    ms: 0,
  };
  const t0 = performance.now();
  const rig = every > 0 ? new SessionRig() : null;
  const ring = PIPE_RING_BYTES;
  trackAllocations(() => {
    for (let i = from; i < from + count; i++) {
      const c = generate(seed, i);
      const fail = (why: string): never => {
        throw new Error(`fuzz: ${why}\n  ${describe(seed, c)}`);
      };
      const guard = <T>(what: string, fn: () => T): T => {
        try {
          return fn();
        } catch (e) {
          return fail(`${what} threw ${(e as Error)?.stack ?? e}`);
        }
      };
      const bound = 2 * c.bytes.length + 1024;
      allocated();
      const whole = guard("the codec (one chunk)", () => runCodec(c, [c.bytes.length]));
      const split = guard("the codec (split)", () => runCodec(c, c.chunks));
      const a = allocated();
      if (a > bound) fail(`an allocation of ${a} bytes for ${c.bytes.length} bytes fed`);
      if (a > f.maxAllocCodec) f.maxAllocCodec = a;
      const d = differ(whole, split);
      if (d) fail(`one chunk and ${c.chunks.length} chunks differ: ${d}`);
      const r = disagrees(whole, reference(c));
      if (r) fail(`the codec and the reference model disagree: ${r}`);
      if (c.mutation === "none") {
        f.unmutated++;
        const u = unexpected(c, whole);
        if (u) fail(`unmutated input: ${u}`);
      }
      f.inputs++;
      if (whole.error !== null) {
        f.rejected++;
        if (/exceeds/.test(whole.error)) f.refusedSize++;
        if (/length 0/.test(whole.error)) f.refusedLength0++;
      } else {
        f.accepted++;
        if (whole.done) f.acceptedDone++;
      }
      if (whole.maxStart > f.largestAnnounced) f.largestAnnounced = whole.maxStart;
      if (rig && i % every === 0) {
        const chunks = (i / every) % 2 ? c.chunks : [c.bytes.length];
        const s = guard("the session", () => rig.run(c, chunks));
        const sa = allocated();
        if (sa > Math.max(bound, ring)) fail(`the session allocated ${sa} bytes`);
        if (sa > f.maxAllocSession) f.maxAllocSession = sa;
        f.sessions++;
        if (s.closedBy !== null) f.sessionCloses++;
        if ((s.closedBy !== null) !== (whole.error !== null)) {
          fail(
            `the session ${s.closedBy ? `closed (${s.closedBy})` : "stayed open"}, ` +
              `the codec said ${whole.error ?? "nothing"}`,
          );
        }
        if (c.socket.pub) {
          if (s.messages.length !== whole.subs) {
            fail(`the PUB read ${s.messages.length} subscriptions, the codec ${whole.subs}`);
          }
        } else {
          const m = messagesDiffer(s.messages, messagesOf(whole.frames));
          if (m) fail(`the API thread read other messages than decoded: ${m}`);
        }
      }
      if (opts.progress && (i - from + 1) % 10_000 === 0) opts.progress(i - from + 1);
    }
  });
  f.ms = Math.round(performance.now() - t0);
  return f;
}
