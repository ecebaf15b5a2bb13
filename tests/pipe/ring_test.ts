/**
 * Tests of the SPSC byte ring (lib/pipe/ring.ts) on one thread: publishing, reading,
 * wrap-around, message counts for the HWM, taking back a message in progress, and the
 * `R_WAITING` handshake that tells a consumer whether the producer wants a wake-up.
 *
 * Runs on: the test runner's main thread.
 */
import { assert, test } from "../_harness.ts";
import { F_LONG, F_MORE, pipePlaces, RingReader, RingWriter } from "../../lib/pipe/mod.ts";

const CAP = 64;

function ring(cap = CAP): { w: RingWriter; r: RingReader } {
  const sab = new SharedArrayBuffer(4096 + 2 * cap);
  const { out } = pipePlaces(sab, cap, cap);
  return { w: new RingWriter(out), r: new RingReader(out) };
}

function read(r: RingReader, n: number): number[] {
  const b = new Uint8Array(n);
  r.copyOut(b, 0, 0, n);
  r.advance(n);
  return [...b];
}

test("ring: staged bytes are invisible until published, then readable in order", () => {
  const { w, r } = ring();
  w.put(new Uint8Array([1, 2, 3]));
  assert.equal(w.dirty, true);
  assert.equal(r.available(), 0);
  w.publish();
  assert.equal(w.dirty, false);
  assert.equal(r.available(), 3);
  assert.deepEqual(read(r, 3), [1, 2, 3]);
  assert.equal(r.available(), 0);
});

test("ring: free space comes back only when the consumer commits", () => {
  const { w, r } = ring();
  w.put(new Uint8Array(CAP));
  w.publish();
  assert.equal(w.free(), 0);
  read(r, 40);
  assert.equal(w.free(), 0, "advance alone is private to the consumer");
  r.commit();
  assert.equal(w.free(), 40);
});

test("ring: data wraps around the end of the area, byte for byte", () => {
  const { w, r } = ring();
  for (let round = 0; round < 5; round++) {
    const chunk = Array.from({ length: 50 }, (_, i) => (round * 50 + i) & 255);
    w.put(new Uint8Array(chunk));
    w.publish();
    assert.deepEqual(read(r, 50), chunk, `round ${round}`);
    r.commit();
  }
  // A contiguous span stops at the end of the area.
  w.put(new Uint8Array(40));
  w.publish();
  const pos = r.position & (CAP - 1);
  assert.equal(r.span(0, 40).length, Math.min(40, CAP - pos));
});

test("ring: frame headers: short up to 255 bytes, LONG with an 8-byte size above", () => {
  const { w, r } = ring(1024);
  w.putHeader(F_MORE, 255);
  w.put(new Uint8Array(255));
  w.putHeader(0, 300);
  w.put(new Uint8Array(300));
  w.publish();
  assert.equal(r.byteAt(0), F_MORE);
  assert.equal(r.sizeAt(0), 255);
  r.advance(2 + 255);
  assert.equal(r.byteAt(0), F_LONG);
  assert.equal(r.sizeAt(0), 300);
});

test("ring: message counts feed the HWM; publishMessages keeps a message in progress", () => {
  const { w, r } = ring();
  w.hwm = 2;
  assert.equal(r.hwm, 2);
  w.put(new Uint8Array([1]));
  w.endMessage();
  w.put(new Uint8Array([2, 2])); // a second message, not finished
  w.publishMessages();
  assert.equal(r.available(), 1, "only the whole message is published");
  assert.equal(w.queuedMessages(), 1);
  w.endMessage();
  w.publish();
  assert.equal(r.available(), 3);
  assert.equal(w.queuedMessages(), 2);
  read(r, 3);
  r.messagesRead(2);
  r.commit();
  assert.equal(w.queuedMessages(), 0);
});

test("ring: rewind takes back what was staged since the last publish", () => {
  const { w, r } = ring();
  w.put(new Uint8Array([7]));
  w.endMessage();
  w.publish();
  w.put(new Uint8Array([8, 8, 8]));
  w.rewind();
  assert.equal(w.dirty, false);
  assert.equal(w.free(), CAP - 1);
  w.put(new Uint8Array([9]));
  w.publish();
  assert.deepEqual(read(r, 2), [7, 9]);
});

test("ring: waitForRoom raises the flag once; the commit that sees it asks for a ring", () => {
  const { w, r } = ring();
  w.put(new Uint8Array(CAP));
  w.publish();
  assert.equal(r.commit(), false, "nobody waits: no ring");
  assert.equal(w.waitForRoom(1), false, "no room yet");
  read(r, 10);
  assert.equal(r.commit(), true, "the producer waits: ring it");
  assert.equal(r.commit(), false, "the flag is taken by the first commit");
  // Room appeared before the flag was read back: waitForRoom says so itself.
  assert.equal(w.waitForRoom(10), true);
});

test("ring: a flag taken while the producer was busy must be raised again before it parks", () => {
  // The lost wake-up of issue #10: the consumer's commit takes the flag (its ring reaches
  // nobody, the producer is not parked), the producer then finds too little room and
  // parks. Only a fresh declaration makes the next commit ring.
  const { w, r } = ring();
  w.put(new Uint8Array(CAP));
  w.publish();
  w.waitForRoom(20);
  read(r, 5);
  assert.equal(r.commit(), true); // taken; pretend this ring was lost
  assert.equal(w.free() >= 20, false);
  read(r, 30);
  assert.equal(r.commit(), false, "without a new declaration nothing asks for a ring");
  const { w: w2, r: r2 } = ring();
  w2.put(new Uint8Array(CAP));
  w2.publish();
  w2.waitForRoom(20);
  read(r2, 5);
  r2.commit();
  assert.equal(w2.waitForRoom(20), false, "declared again before parking");
  read(r2, 30);
  assert.equal(r2.commit(), true, "now the commit that frees the room rings");
});

test("ring: a new writer on a used ring continues from its published state", () => {
  const sab = new SharedArrayBuffer(4096 + 2 * CAP);
  const { out } = pipePlaces(sab, CAP, CAP);
  const w = new RingWriter(out);
  const r = new RingReader(out);
  w.put(new Uint8Array([1, 2]));
  w.endMessage();
  w.publish();
  const w2 = new RingWriter(out); // e.g. a pipe served by a new connection
  w2.put(new Uint8Array([3]));
  w2.endMessage();
  w2.publish();
  assert.deepEqual(read(r, 3), [1, 2, 3]);
  assert.equal(w2.queuedMessages(), 2);
});

test("ring: close marks each side for the other", () => {
  const { w, r } = ring();
  assert.equal(r.producerDone, false);
  assert.equal(w.consumerGone, false);
  w.close();
  r.close();
  assert.equal(r.producerDone, true);
  assert.equal(w.consumerGone, true);
});
