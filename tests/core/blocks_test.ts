/**
 * Tests of the pipe block pool (lib/core/blocks.ts): a block is reused only once both
 * threads are done with it, comes back with its ring headers zeroed, and a stopped worker
 * gives back its side of every block.
 *
 * Runs on: the test runner's main thread.
 */
import { assert, test } from "../_harness.ts";
import { PipeBlocks } from "../../lib/core/blocks.ts";

test("pipe blocks: reused only after both sides released them, headers zeroed", () => {
  const pool = new PipeBlocks();
  const a = pool.take(1);
  new Int32Array(a)[0] = 42; // a ring header word
  new Uint8Array(a)[a.byteLength - 1] = 7; // ring data
  pool.release(1, "api");
  assert.notEqual(pool.take(2), a, "the worker still has it: a new block");
  pool.release(1, "worker");
  assert.deepEqual(pool.counts, { inUse: 1, free: 1 });
  const again = pool.take(3);
  assert.equal(again, a, "both done: reused");
  assert.equal(new Int32Array(again)[0], 0, "header words start from zero");
  assert.equal(new Uint8Array(again)[again.byteLength - 1], 7, "data is not cleared");
});

test("pipe blocks: a stopped worker releases its side of every block; a refused one is forgotten", () => {
  const pool = new PipeBlocks();
  pool.take(1);
  pool.take(2);
  pool.take(3);
  pool.release(1, "api");
  pool.release(2, "api");
  pool.workerGone();
  assert.deepEqual(pool.counts, { inUse: 1, free: 2 });
  pool.forget(3);
  assert.deepEqual(pool.counts, { inUse: 0, free: 2 });
  pool.release(3, "api"); // unknown now: nothing happens
  assert.deepEqual(pool.counts, { inUse: 0, free: 2 });
});
