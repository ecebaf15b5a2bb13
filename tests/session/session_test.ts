/**
 * Tests of the ZMTP session (lib/session/) against a fake stream on one thread: a real
 * peer handshake (lib/wire's `Handshake` on the other side), frames into the pipe's IN
 * ring, back-pressure (the connection pauses at the receive HWM and resumes when the API
 * side reads), the OUT ring to the wire, and a protocol error closing the connection.
 *
 * Runs on: the test runner's main thread.
 */
import { assert, test } from "../_harness.ts";
import {
  EXT_BUFFER_BYTES,
  newPipeBlock,
  PIPE_RING_BYTES,
  pipePlaces,
  R_HWM,
  RingReader,
  RingWriter,
  type SubscriptionRole,
  WorkerPipe,
  writeFrameHeader,
} from "../../lib/pipe/mod.ts";
import { type SessionOwner, StreamSession } from "../../lib/session/mod.ts";
import {
  cancelFrame3,
  encodeMessage3,
  Handshake,
  type HandshakeResult,
  subscribeFrame3,
} from "../../lib/wire/mod.ts";
import type { StreamConn } from "../../lib/runtime/mod.ts";

/** A stream whose writes the test completes by hand. */
class FakeConn implements StreamConn {
  readonly remote = "fake";
  writes: Uint8Array[] = [];
  paused = false;
  closed = false;
  write(bytes: Uint8Array): void {
    this.writes.push(bytes.slice());
  }
  pause(): void {
    this.paused = true;
  }
  resume(): void {
    this.paused = false;
  }
  close(): void {
    this.closed = true;
  }
  take(): Uint8Array {
    const all = new Uint8Array(this.writes.reduce((n, w) => n + w.length, 0));
    let o = 0;
    for (const w of this.writes) {
      all.set(w, o);
      o += w.length;
    }
    this.writes = [];
    return all;
  }
}

class Owner implements SessionOwner {
  result: HandshakeResult | null = null;
  closedWhy: string | null = null;
  wakes = 0;
  ready(_s: StreamSession, r: HandshakeResult): void {
    this.result = r;
  }
  closed(_s: StreamSession, why: string): void {
    this.closedWhy = why;
  }
  wakeApi(): void {
    this.wakes++;
  }
  drained(): void {}
  zap(): void {}
}

/** A PULL session that finished its handshake with a PUSH peer, serving a fresh pipe. */
function pullSession(rcvhwm = 1000) {
  return connected("PULL", "PUSH", "none", rcvhwm);
}

/** A session of `type` that finished its ZMTP/3.1 handshake with a `peerType` peer. */
function connected(
  type: string,
  peerType: string,
  subscriptions: SubscriptionRole,
  rcvhwm = 1000,
) {
  const owner = new Owner();
  const s = new StreamSession({
    type,
    peers: [peerType],
    sendsIdentity: false,
    subscriptions,
    identity: new Uint8Array(0),
    maxmsgsize: -1,
    mode: "auto",
  }, owner);
  const conn = new FakeConn();
  const peer = new Handshake({
    socketType: peerType,
    identity: new Uint8Array(0),
    sendIdentity: false,
    acceptPeer: (t) => t === type,
  });
  s.begin(conn);
  let toUs = peer.start();
  for (let i = 0; i < 10 && !(owner.result && peer.done); i++) {
    s.written();
    const mine = conn.take();
    const reply = peer.feed(mine);
    if (toUs.length) s.data(toUs);
    toUs = reply;
  }
  assert.ok(owner.result, "the session finished its handshake");
  assert.equal(owner.result!.version, "3.1");
  assert.equal(owner.result!.peerType, peerType);
  return { s, conn, owner, ...serve(s, rcvhwm) };
}

/** Gives a session that finished its handshake a fresh pipe; returns the API thread's ends. */
function serve(s: StreamSession, rcvhwm = 1000) {
  const sab = newPipeBlock(PIPE_RING_BYTES, PIPE_RING_BYTES);
  const places = pipePlaces(sab, PIPE_RING_BYTES, PIPE_RING_BYTES);
  new Int32Array(sab)[(places.in.header >> 2) + R_HWM] = rcvhwm;
  const pipe = new WorkerPipe(1, sab);
  s.prepare(pipe);
  s.attach(pipe);
  // The API thread's ends: it reads the IN ring and writes the OUT ring.
  return { pipe, in: new RingReader(places.in), out: new RingWriter(places.out) };
}

/** The ring's commit after the last `readAll`: did it ask to ring the worker? */
let rang = false;

/** Reads every whole message of the IN ring (single-part, short frames). */
function readAll(r: RingReader): string[] {
  const got: string[] = [];
  while (r.available() >= 2) {
    const size = r.sizeAt(0);
    const b = new Uint8Array(size);
    r.copyOut(b, 0, 2, size);
    r.advance(2 + size);
    got.push(new TextDecoder().decode(b));
  }
  r.messagesRead(got.length);
  rang = r.commit();
  return got;
}

const msg = (t: string) => encodeMessage3([new TextEncoder().encode(t)]);

test("session: frames from the peer arrive in the IN ring, in order, whole", () => {
  const { s, owner, in: r } = pullSession();
  const wakes = owner.wakes;
  const chunk = new Uint8Array([...msg("one"), ...msg("two"), ...msg("three")]);
  // Split across reads in the middle of a frame: nothing half is published.
  s.data(chunk.subarray(0, 7));
  assert.deepEqual(readAll(r), ["one"]);
  s.data(chunk.subarray(7));
  assert.deepEqual(readAll(r), ["two", "three"]);
  assert.ok(owner.wakes > wakes, "the API thread was rung");
});

test("session: at the receive HWM the connection pauses, and resumes once the API side reads", () => {
  const { s, conn, in: r } = pullSession(4);
  const all: number[] = [];
  for (let i = 0; i < 10; i++) all.push(...msg(`m${i}`));
  s.data(new Uint8Array(all));
  assert.equal(conn.paused, true);
  assert.equal(s.blockedIn, true);
  assert.deepEqual(readAll(r), ["m0", "m1", "m2", "m3"]);
  // The worker's pump resumes blocked sessions after the API thread rang.
  s.resumeIn();
  assert.deepEqual(readAll(r), ["m4", "m5", "m6", "m7"]);
  s.resumeIn();
  assert.deepEqual(readAll(r), ["m8", "m9"]);
  s.resumeIn();
  assert.equal(s.blockedIn, false);
  assert.equal(conn.paused, false);
});

test("session: rearmIn declares the wait again, so the read that frees room rings the worker", () => {
  // The lost wake-up of issue #10: a commit took the worker's flag while it was busy; when
  // the worker parks it must ask again, or the commit that frees the room rings nobody.
  const { s, in: r } = pullSession(2);
  const all: number[] = [];
  for (let i = 0; i < 5; i++) all.push(...msg(`m${i}`));
  s.data(new Uint8Array(all));
  assert.equal(s.blockedIn, true);
  assert.equal(r.commit(), true, "the session asked to be rung");
  assert.equal(r.commit(), false, "one commit takes the flag");
  assert.equal(s.rearmIn(), false, "no room yet: park, asking again");
  assert.deepEqual(readAll(r), ["m0", "m1"]);
  assert.equal(rang, true, "the read that freed room rings the parked worker");
  assert.equal(s.rearmIn(), true, "room now: the worker goes on without parking");
});

test("session: the OUT ring goes to the wire as ZMTP/3.1 frames, one write at a time", () => {
  const { s, conn, out } = pullSession();
  // A PULL sends nothing of its own, but the session moves whatever the ring holds.
  out.putHeader(0, 2);
  out.put(new Uint8Array([0x68, 0x69]));
  out.endMessage();
  out.publish();
  s.pumpOut();
  assert.deepEqual([...conn.take()], [0, 2, 0x68, 0x69]);
  assert.equal(s.writing, true);
  s.written();
  assert.equal(s.writing, false);
});

test("session: messages beside the ring go to a ZMTP/3 peer as their frames in one write, and the buffer comes back", () => {
  const { s, conn, pipe } = pullSession();
  // What a RingPipe posts when its ring is full: framed parts in a pooled buffer.
  const buf = new ArrayBuffer(EXT_BUFFER_BYTES);
  const u8 = new Uint8Array(buf);
  const big = new Uint8Array(300).fill(9);
  let off = writeFrameHeader(u8, 0, 0, 2);
  u8.set([0x68, 0x69], off);
  off += 2;
  off += writeFrameHeader(u8, off, 1, 1); // MORE
  u8[off++] = 0x61;
  off += writeFrameHeader(u8, off, 0, 300);
  u8.set(big, off);
  off += 300;
  const back: ArrayBuffer[] = [];
  const at = pipe.out.position;
  pipe.addExternal(
    { pipe: 1, pos: [at, at], parts: [1, 2], sizes: [2, 1, 300], buf },
    (b) => back.push(b),
  );
  s.pumpOut();
  assert.equal(conn.writes.length, 1, "both messages in one write");
  assert.deepEqual(conn.take(), u8.subarray(0, off), "the frames as they stand in the buffer");
  assert.equal(back.length, 0, "not before the write completed");
  s.written();
  assert.equal(back.length, 1);
  assert.equal(back[0], buf);
});

test("session: a malformed frame closes the connection with a reason", () => {
  const { s, conn, owner } = pullSession();
  // A LONG frame announcing 2^56 bytes: refused before any allocation.
  s.data(new Uint8Array([0x02, 0x01, 0, 0, 0, 0, 0, 0, 0]));
  assert.equal(conn.closed, true);
  assert.match(owner.closedWhy ?? "", /protocol error/);
});

test("session: a PUB-side session turns SUBSCRIBE and CANCEL commands into 4-byte messages", () => {
  const { s, in: r } = connected("XPUB", "XSUB", "receives");
  s.data(subscribeFrame3(new TextEncoder().encode("ab")));
  s.data(cancelFrame3(new TextEncoder().encode("ab")));
  // A data frame from a ZMTP/3.1 subscriber that is not a subscription is ignored.
  s.data(msg("not a subscription"));
  assert.deepEqual(readAll(r), ["\x00\x01\x00\x01ab", "\x00\x02\x00\x01ab"]);
});

test("session: a SUB-side session sends its 4-byte messages as SUBSCRIBE/CANCEL commands", () => {
  const { s, conn, out } = connected("XSUB", "XPUB", "sends");
  for (const m of [[0, 1, 0, 1, 0x61], [0, 2, 0, 1, 0x61], [0, 9, 0, 1]]) {
    out.putHeader(0, m.length);
    out.put(new Uint8Array(m));
    out.endMessage();
  }
  out.publish();
  s.pumpOut();
  const sent: number[] = [];
  for (let i = 0; i < 4 && s.writing; i++) {
    sent.push(...conn.take());
    s.written();
  }
  // The unknown command 9 is not a subscription: nothing goes out for it.
  assert.deepEqual(sent, [
    ...subscribeFrame3(new Uint8Array([0x61])),
    ...cancelFrame3(new Uint8Array([0x61])),
  ]);
});

test("session: to a ZMTP/2.0 peer, ring frames go out with re-encoded headers", () => {
  const owner = new Owner();
  const s = new StreamSession({
    type: "PUSH",
    peers: ["PULL"],
    sendsIdentity: false,
    subscriptions: "none",
    identity: new Uint8Array(0),
    maxmsgsize: -1,
    mode: "auto",
  }, owner);
  const conn = new FakeConn();
  s.begin(conn);
  // The peer: the ZMTP/2.0 signature, revision 01, type byte PULL (7), an empty identity frame.
  for (const b of [[0xff, 0, 0, 0, 0, 0, 0, 0, 1, 0x7f], [1, 7, 0, 0]]) {
    s.written();
    s.data(new Uint8Array(b));
  }
  s.written();
  conn.take();
  assert.equal(owner.result?.version, "2.0");
  const { out } = serve(s);
  // A two-part message: "a" with MORE, then a 300-byte part (LONG in every framing).
  out.putHeader(1, 1);
  out.put(new Uint8Array([0x61]));
  out.putHeader(0, 300);
  out.put(new Uint8Array(300).fill(7));
  out.endMessage();
  out.publish();
  s.pumpOut();
  const wire = conn.take();
  s.written();
  // ZMTP/2.0 headers: flags byte (MORE 1, LONG 2) then a 1-byte or an 8-byte size.
  assert.deepEqual([...wire.subarray(0, 3)], [1, 1, 0x61]);
  assert.deepEqual([...wire.subarray(3, 12)], [2, 0, 0, 0, 0, 0, 0, 0x01, 0x2c]);
  assert.equal(wire.length, 12 + 300);
  assert.ok(wire.subarray(12).every((b) => b === 7));
});
