/**
 * Tests of lib/pipe/ring_pipe.ts and worker_pipe.ts together, both ends in one thread:
 * messages that do not fit in the OUT ring go beside it in batches, posted lazily by a
 * flush that is not eager (at a size, a count, or the next macrotask) and at once by an
 * eager one; meanwhile the worker's end may walk the ring up to the batch's position
 * (R_EXT_WAIT_POS) and no further.
 *
 * Runs on: the test runner's main thread.
 */
import { assert, test } from "../_harness.ts";
import {
  EXT_BUFFER_BYTES,
  ExtBuffers,
  type ExternalBatch,
  newPipeBlock,
  PIPE_RING_BYTES,
  pipePlaces,
  R_HWM,
  RingPipe,
  WorkerPipe,
} from "../../lib/pipe/mod.ts";

/** Both ends of one pipe, with the batches the API end posts. */
function pipePair(buffers?: ExtBuffers) {
  const sab = newPipeBlock(PIPE_RING_BYTES, PIPE_RING_BYTES);
  const places = pipePlaces(sab, PIPE_RING_BYTES, PIPE_RING_BYTES);
  const posted: ExternalBatch[] = [];
  const post = (b: ExternalBatch) => posted.push(b);
  const api = new RingPipe(1, places.out, places.in, 0, () => {}, post, buffers);
  return { api, worker: new WorkerPipe(1, sab), posted };
}

/** Writes 1000-byte messages until one goes beside the ring; returns how many fit in it. */
function fillRing(api: RingPipe, worker: WorkerPipe): number {
  let n = 0;
  while (worker.out.externalPosted === 0) {
    assert.ok(api.write([new Uint8Array(1000).fill(n & 255)]));
    n++;
  }
  return n - 1;
}

test("ring pipe: a small batch beside the ring waits for more, and the worker walks the ring up to it", () => {
  const { api, worker, posted } = pipePair();
  const inRing = fillRing(api, worker);
  for (let i = 0; i < 9; i++) api.write([new Uint8Array(1000).fill(200 + i)]);
  api.flush(false);
  assert.equal(posted.length, 0, "ten 1000-byte messages do not make a batch worth posting yet");
  assert.equal(worker.out.externalPosted, 10);
  // Every ring byte stands before the batch: the worker may write all of them now.
  assert.equal(worker.ringLimit(), worker.out.available());
  assert.ok(inRing > 1000 && worker.out.available() > 1000 * inRing);
  worker.out.advance(worker.out.available());
  assert.equal(worker.ringLimit(), 0, "at the batch's position: wait for it");
  assert.equal(worker.externalDue, false);
  api.flush(); // eager: posted now
  assert.equal(posted.length, 1);
  assert.deepEqual(posted[0]!.parts, new Array(10).fill(1));
  worker.addExternal(posted[0]!);
  assert.equal(worker.externalDue, true);
  assert.equal(
    worker.takeExternal().parts[0]![0],
    inRing & 255,
    "the first message beside the ring",
  );
  assert.equal(worker.takeExternal().parts[0]![0], 200, "then the next, in order");
});

test("ring pipe: a lazy batch is posted by the next macrotask, or at once from 256 KiB", async () => {
  const { api, worker, posted } = pipePair();
  fillRing(api, worker);
  api.flush(false);
  assert.equal(posted.length, 0);
  await new Promise((r) => setTimeout(r, 5));
  assert.equal(posted.length, 1, "posted by the timer");
  for (let i = 0; i < 300; i++) api.write([new Uint8Array(1000)]);
  api.flush(false);
  assert.equal(posted.length, 2, "past 256 KiB beside the ring: posted by a lazy flush itself");
  // 256 KiB of frames: each 1000-byte body has a 9-byte header.
  assert.ok(posted[1]!.sizes.reduce((a, b) => a + 9 + b, 0) >= 256 * 1024);
  assert.ok(posted[1]!.pos.length < 300, "the rest waits in the next batch");
  // The worker, having every posted batch, walks to the first message beside the ring.
  worker.addExternal(posted[0]!);
  worker.addExternal(posted[1]!);
  assert.equal(worker.ringLimit(), worker.out.available());
  api.flush(); // eager: the rest goes too, and its timer is cleared
  assert.equal(posted.length, 3);
  assert.equal(posted[1]!.pos.length + posted[2]!.pos.length, 300);
});

test("ring pipe: a batch beside the ring holds its parts as ZMTP/3.1 frames, as the ring would", () => {
  const { api, worker, posted } = pipePair();
  fillRing(api, worker); // the ring has less than 1009 bytes free from here on
  const big = new Uint8Array(1000).fill(7);
  api.write([new Uint8Array([1, 2]), big]);
  api.write([big.subarray(0, 1010)]);
  api.flush();
  assert.equal(posted.length, 1);
  assert.deepEqual(posted[0]!.parts, [1, 2, 1]);
  assert.deepEqual(posted[0]!.sizes, [1000, 2, 1000, 1000]);
  worker.addExternal(posted[0]!);
  worker.takeExternal(); // the message fillRing could not put in the ring
  const m = worker.takeExternal();
  assert.deepEqual(m.parts.map((p) => p.length), [2, 1000]);
  assert.deepEqual(m.parts[1], big);
  const want = new Uint8Array(2 + 2 + 9 + 1000);
  want.set([0x01, 2, 1, 2]); // MORE, size 2, the body
  want.set([0x02, 0, 0, 0, 0, 0, 0, 0x03, 0xe8], 4); // LONG, 8-byte size 1000, last part
  want.set(big, 13);
  assert.deepEqual(m.frames, want);
  const last = worker.takeExternal();
  assert.equal(last.frames.byteOffset, m.frames.byteOffset + m.frames.length, "back to back");
  assert.equal(last.frames.length, 9 + 1000);
});

test("ring pipe: a batch buffer of the pooled size goes back once every message of it is done", () => {
  const buffers = new ExtBuffers(4);
  const { api, worker, posted } = pipePair(buffers);
  fillRing(api, worker);
  for (let i = 0; i < 20; i++) api.write([new Uint8Array(1000)]);
  api.flush();
  assert.equal(posted.length, 1);
  assert.equal(
    posted[0]!.buf.byteLength,
    EXT_BUFFER_BYTES,
    "over 8 KiB: a buffer of the pool's size",
  );
  const back: ArrayBuffer[] = [];
  worker.addExternal(posted[0]!, (b) => back.push(b));
  const first = worker.takeExternal();
  const second = worker.takeExternal();
  worker.doneExternal(first);
  assert.equal(back.length, 0, "not while messages of it are left");
  worker.doneExternal(second);
  assert.equal(worker.dropExternal(), 19, "the rest dropped (a connection closed)");
  assert.equal(back.length, 1, "handed back after the last one");
  buffers.give(back[0]!);
  assert.equal(buffers.size, 1);
  for (let i = 0; i < 20; i++) api.write([new Uint8Array(1000)]);
  api.flush();
  assert.equal(posted[1]!.buf, back[0], "reused for the next batch");
  assert.equal(buffers.size, 0);
});

test("ring pipe: a small batch with no pooled buffer free gets an exact one, never handed back", () => {
  const { api, worker, posted } = pipePair(new ExtBuffers(4));
  fillRing(api, worker);
  api.flush();
  assert.equal(posted[0]!.buf.byteLength, 1000 + 9, "one 1000-byte frame");
  const back: ArrayBuffer[] = [];
  worker.addExternal(posted[0]!, (b) => back.push(b));
  worker.doneExternal(worker.takeExternal());
  assert.equal(back.length, 0);
});

test("ring pipe: a worker waiting at the receive HWM is rung at half of it read, or when the reader runs dry", () => {
  const sab = newPipeBlock(PIPE_RING_BYTES, PIPE_RING_BYTES);
  const places = pipePlaces(sab, PIPE_RING_BYTES, PIPE_RING_BYTES);
  new Int32Array(sab)[(places.in.header >> 2) + R_HWM] = 100;
  let rings = 0;
  const api = new RingPipe(1, places.out, places.in, 0, () => rings++, () => {});
  const worker = new WorkerPipe(1, sab);
  const produce = (n: number) => {
    for (let i = 0; i < n; i++) {
      worker.in.putHeader(0, 1);
      worker.in.putByte(i & 255);
      worker.in.endMessage();
    }
    worker.in.publishMessages();
    worker.in.waitForRoom(0); // at its HWM, the worker asks to be rung
  };
  produce(100);
  for (let i = 0; i < 49; i++) assert.ok(api.read());
  assert.equal(rings, 0, "49 of 100 read: no wake-up yet");
  assert.equal(worker.in.queuedMessages(), 100 - 32, "but the reads so far are published");
  for (let i = 0; i < 15; i++) assert.ok(api.read());
  assert.equal(rings, 1, "rung once at the commit past half the HWM");
  produce(10);
  for (let i = 0; i < 46; i++) assert.ok(api.read());
  assert.equal(api.read(), null, "all read");
  assert.equal(rings, 2, "the reader ran dry: rung");
});
