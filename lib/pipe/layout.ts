/**
 * Every offset and constant of the shared memory between the API thread and the I/O
 * workers. Three kinds of SharedArrayBuffer exist:
 *
 * 1. **The context block** (one per I/O worker), made by the API thread when the context
 *    starts that worker:
 *
 *    | bytes        | what                                                        |
 *    | ------------ | ----------------------------------------------------------- |
 *    | 0..63        | worker doorbell: `BELL_SEQ`, `BELL_FLAGS` (see doorbell.ts); `WORKER_STATE` |
 *    | 64..127      | unused (the API doorbell is in the bell block, 3.)            |
 *    | 128..255     | control ring header (worker → API events)                    |
 *    | 256..        | control ring data, `CONTROL_RING_BYTES`                       |
 *
 * 2. **A pipe block** (one per peer connection of a socket), made by the API thread when a
 *    pipe is created (at `connect`, or when the worker reports an accepted connection):
 *
 *    | bytes                     | what                                          |
 *    | ------------------------- | --------------------------------------------- |
 *    | 0..127                    | OUT ring header (API → worker, messages sent) |
 *    | 128..255                  | IN ring header (worker → API, messages read)  |
 *    | 256..(256+outBytes)       | OUT ring data                                 |
 *    | ..(+inBytes)              | IN ring data                                  |
 *
 * 3. **The bell block** (one per context, `API_BELL_BLOCK_BYTES`): the API doorbell at
 *    Int32 index `API_BELL` (`BELL_SEQ`, `BELL_FLAGS`). Every I/O worker of the context
 *    rings this one bell, so a thread blocked in `Atomics.wait` wakes for any of them.
 *
 * **Ring header** (32 Int32 slots, 128 bytes). The producer's words and the consumer's
 * words sit on separate 64-byte cache lines so the two threads never write one line:
 *
 *    | slot | name              | written by | meaning                                           |
 *    | ---- | ----------------- | ---------- | ------------------------------------------------- |
 *    | 0    | `R_TAIL`          | producer   | bytes published, mod 2^32 (published with a store) |
 *    | 1    | `R_MSGS_WRITTEN`  | producer   | whole messages published, mod 2^32                |
 *    | 2    | `R_HWM`           | creator    | message limit of the ring, 0 = none               |
 *    | 3    | `R_PRODUCER_DONE` | producer   | 1: no more data will ever be written              |
 *    | 4    | `R_EXT_POSTED`    | producer   | messages sent beside the ring (`postMessage`), mod 2^32 |
 *    | 5    | `R_EXT_SENT`      | producer   | of those, messages whose batch was posted, mod 2^32 |
 *    | 6    | `R_EXT_WAIT_POS`  | producer   | ring position of the first message of the batch not yet posted |
 *    | 16   | `R_HEAD`          | consumer   | bytes consumed, mod 2^32                          |
 *    | 17   | `R_MSGS_READ`     | consumer   | whole messages taken by the reader, mod 2^32      |
 *    | 18   | `R_WAITING`       | both       | producer sets 1 when it waits for room; the consumer clears it and rings the producer's doorbell |
 *    | 19   | `R_CONSUMER_DONE` | consumer   | 1: the consumer is gone, nothing will be read     |
 *
 * **Ring data** is a byte stream of ZMTP/3.1 frames (`flags`, 1- or 8-byte size, body;
 * flags bit 0 MORE, bit 1 LONG, bit 2 COMMAND), wrapping freely at the end of the data
 * area. Using the wire's own framing means the worker writes ring bytes straight to a
 * ZMTP/3 peer without re-encoding. Command frames in a ring are in-band controls
 * between the two threads (`CMD_ABORT`), never sent to a peer.
 *
 * Capacities are powers of two, so positions are `counter & (capacity - 1)` and the
 * 32-bit counters may wrap.
 *
 * Runs on: both threads (pure constants).
 */

/** Bytes in one cache line; words written by different threads never share one. */
export const CACHE_LINE = 64;

// ---- context block ----
/** Int32 index of the worker doorbell. */
export const WORKER_BELL = 0;
/**
 * Int32 index of the worker's state, written by the worker: 0 starting, `WORKER_UP`
 * once its loop runs, `WORKER_FAILED` if it could not start (the API bell is rung).
 */
export const WORKER_STATE = 2;
/** `WORKER_STATE`: the worker's loop runs. */
export const WORKER_UP = 1;
/** `WORKER_STATE`: the worker could not start. */
export const WORKER_FAILED = 2;
/** Int32 index of the API doorbell in the bell block (not the context block). */
export const API_BELL = 0;
/** Size of the bell block: one cache line. */
export const API_BELL_BLOCK_BYTES = CACHE_LINE;
/** Byte offset of the control ring header. */
export const CONTROL_RING_HEADER = 128;
/** Byte offset of the control ring data. */
export const CONTROL_RING_DATA = 256;
/** Size of the control ring data (worker → API events; small and rare). */
export const CONTROL_RING_BYTES = 256 * 1024;
/** Total size of the context block. */
export const CONTEXT_BLOCK_BYTES = CONTROL_RING_DATA + CONTROL_RING_BYTES;

// ---- doorbell (slots relative to the bell's Int32 index) ----
/** Sequence number, bumped by every ring of the bell; sleepers wait on it. */
export const BELL_SEQ = 0;
/** What the sleeper wants: bit `WAKE_NOTIFY` = blocked in Atomics.wait,
 *  bit `WAKE_MESSAGE` = parked in its event loop, wants a `postMessage`. */
export const BELL_FLAGS = 1;
/** Flag bit: wake the sleeper with `Atomics.notify`. */
export const WAKE_NOTIFY = 1;
/** Flag bit: wake the sleeper with a `{ t: "wake" }` message. */
export const WAKE_MESSAGE = 2;

// ---- ring header slots (relative to the header's Int32 index) ----
/** Producer: bytes published. */
export const R_TAIL = 0;
/** Producer: whole messages published. */
export const R_MSGS_WRITTEN = 1;
/** Creator: message limit (0 = none). */
export const R_HWM = 2;
/** Producer: will write no more. */
export const R_PRODUCER_DONE = 3;
/**
 * Producer (OUT ring only): messages handed to the worker beside the ring, by
 * `postMessage`, because they did not fit in its free space (see ring_pipe.ts). Each
 * carries the ring position it stands at; the worker never walks past a position while
 * such a message is still on its way.
 */
export const R_EXT_POSTED = 4;
/**
 * Producer (OUT ring only): how many of the `R_EXT_POSTED` messages are in batches already
 * posted. The rest wait in the batch being gathered (ring_pipe.ts posts it lazily).
 */
export const R_EXT_SENT = 5;
/**
 * Producer (OUT ring only): the ring position of the first message of the batch being
 * gathered. When every posted batch has arrived, the worker may walk the ring up to it.
 */
export const R_EXT_WAIT_POS = 6;
/** Consumer: bytes consumed. */
export const R_HEAD = 16;
/** Consumer: whole messages read. */
export const R_MSGS_READ = 17;
/** Producer sets while it waits for room; consumer clears and rings. */
export const R_WAITING = 18;
/** Consumer: will read no more. */
export const R_CONSUMER_DONE = 19;
/** Size of a ring header in bytes. */
export const RING_HEADER_BYTES = 128;

// ---- pipe block ----
/** Byte offset of the OUT ring header (API → worker). */
export const PIPE_OUT_HEADER = 0;
/** Byte offset of the IN ring header (worker → API). */
export const PIPE_IN_HEADER = 128;
/** Byte offset of the OUT ring data. */
export const PIPE_DATA = 256;
/** Default data size of each ring of a pipe. */
export const PIPE_RING_BYTES = 1024 * 1024;

/** Byte offset of the IN ring data for a pipe whose OUT ring has `outBytes`. */
export function pipeInData(outBytes: number): number {
  return PIPE_DATA + outBytes;
}

/** Total bytes of a pipe block. */
export function pipeBlockBytes(outBytes: number, inBytes: number): number {
  return PIPE_DATA + outBytes + inBytes;
}

// ---- frames inside rings ----
/** Frame flag: more parts of this message follow. */
export const F_MORE = 1;
/** Frame flag: 8-byte size field. */
export const F_LONG = 2;
/** Frame flag: in-band command between the two threads. */
export const F_COMMAND = 4;
/** In-band command (body = this one byte): drop the partial message read so far. */
export const CMD_ABORT = 1;
/**
 * In-band command (IN ring): a frame too large for the ring begins. Body: this byte,
 * then the frame's own ring header (flags with MORE, LONG, 8-byte size: `putHeader`,
 * read back with `sizeAt`). Its body follows as `CMD_CHUNK` commands, so a `CMD_ABORT`
 * can still be seen between them.
 */
export const CMD_BIG = 2;
/** In-band command (IN ring): the next piece of a `CMD_BIG` frame's body (after this byte). */
export const CMD_CHUNK = 3;
