/**
 * PipeBlocks: the shared blocks (2 MiB each: a pipe's OUT and IN rings) of worker-served
 * pipes, and their reuse. A SharedArrayBuffer is freed only when both threads' garbage
 * collectors let go of it, which under connection churn is far too late (RSS grew by
 * gigabytes over 2,000 connections), so a block returns to the pool once both threads
 * are done with it: this thread released its pipe (`release(id, "api")`) and the worker
 * said so (`gone`, or `closed` naming the pipe: `release(id, "worker")`).
 *
 * Runs on: API thread.
 */
import { newPipeBlock, PIPE_RING_BYTES } from "../pipe/mod.ts";

/** Int32 words of one ring header. */
const RING_HEADER_WORDS = 32;
/**
 * Free blocks kept for reuse at most (each 2 MiB of address space, of which only the pages
 * a connection touched are resident). Generous on purpose: a freed block's memory goes back
 * to the allocator, after which glibc serves 2 MiB blocks from its heap and every new one
 * is touched whole (measured: PULL RSS +170, then +380 MB per burst of 500 peers with 64
 * kept), so the pool holds up to the peak number of connections.
 */
const POOL_MAX = 4096;

/** The blocks in use, by pipe id, and the free ones. */
export class PipeBlocks {
  readonly #inUse = new Map<number, { sab: SharedArrayBuffer; api: boolean; worker: boolean }>();
  readonly #free: SharedArrayBuffer[] = [];

  /** A block for pipe `id`: a free one with both ring headers zeroed, or a new one. */
  take(id: number): SharedArrayBuffer {
    let sab = this.#free.pop();
    if (sab) {
      // Both ring headers start from zero (counters, flags); the data need not be cleared.
      new Int32Array(sab, 0, RING_HEADER_WORDS * 2).fill(0);
    } else {
      sab = newPipeBlock(PIPE_RING_BYTES, PIPE_RING_BYTES);
    }
    this.#inUse.set(id, { sab, api: false, worker: false });
    return sab;
  }

  /**
   * One side is done with pipe `id`'s block; with both done it is free again. Returns true
   * once neither side holds it (also for a block this pool does not know).
   */
  release(id: number, side: "api" | "worker"): boolean {
    const b = this.#inUse.get(id);
    if (!b) return true;
    b[side] = true;
    if (!b.api || !b.worker) return false;
    this.#inUse.delete(id);
    if (this.#free.length < POOL_MAX) this.#free.push(b.sab);
    return true;
  }

  /** The worker is gone: it holds no block any more. Returns the blocks now free. */
  workerGone(): number[] {
    return [...this.#inUse.keys()].filter((id) => this.release(id, "worker"));
  }

  /** Pipe `id` never reached the worker (refused): its block is forgotten, not pooled. */
  forget(id: number): void {
    this.#inUse.delete(id);
  }

  /** Blocks in use and free (for tests and figures). */
  get counts(): { inUse: number; free: number } {
    return { inUse: this.#inUse.size, free: this.#free.length };
  }
}
