/**
 * The pipe contract: what a socket type (lib/protocols/) sees of one peer. A pipe is a
 * pair of message queues, one each way, bounded in whole messages by the high-water
 * marks. Two implementations exist: {@linkcode RingPipe} (ring_pipe.ts), whose far end
 * is a tcp/ipc connection served by the I/O worker through SharedArrayBuffer rings, and
 * the inproc pipe (lib/transports/inproc.ts), whose far end is another socket on the
 * same thread.
 *
 * Every method runs on the API thread, never blocks and never throws for flow reasons:
 * "no room" and "nothing to read" are return values. Blocking, timeouts and wake-ups
 * are the socket's business (lib/core/socket.ts).
 *
 * A message is an array of parts (`Uint8Array[]`, at least one part). Ownership:
 * - `write(msg)` takes the parts; the pipe may keep references to them until they were
 *   copied into shared memory or handed to the peer, so the caller must not modify
 *   them afterwards (the C face's `xs_sendmsg` nullifies its message for that reason).
 * - `read()` returns parts the caller owns: fresh memory (inproc: the sender's parts,
 *   which the sender gave up), never a view that the pipe reuses. Every part is backed by
 *   an `ArrayBuffer`, never a `SharedArrayBuffer` (hence `Uint8Array<ArrayBuffer>`, which
 *   `Response` and `Blob` take): RingPipe copies out of its shared ring into fresh
 *   buffers, and the inproc pipe copies the rare part a sender made over shared memory.
 * - Parts carrying reference-counted content (shared_content.ts: `xs_msg_init_data`)
 *   cross an inproc pipe by reference: `write` takes a reference for the queue, and
 *   `read` hands it to the reading socket (`InprocPipe.holder`); other pipes copy such
 *   parts at `write` like any other.
 *
 * Runs on: API thread.
 */

/** One peer's message queues, as a socket type sees them. */
export interface Pipe {
  /** Unique per context; stable for the pipe's life. */
  readonly id: number;
  /**
   * The identity the peer announced in its handshake (ZMTP/3 READY `Identity`, the
   * legacy identity frame, or the inproc peer's `XS_IDENTITY`); empty if none.
   */
  peerIdentity: Uint8Array;
  /**
   * A routing id given on our side before the connect that made this pipe
   * (`XS_CONNECT_ROUTING_ID`): a ROUTER routes the pipe by it from the start and for its whole
   * life, whatever the peer announces. Absent on every other pipe.
   */
  routingId?: Uint8Array;
  /** The peer's socket type name as announced (ZMTP/3), or null if unknown. */
  peerType: string | null;
  /**
   * The wire dialect of the current connection: "3.1", "3.0", "2.0", "1.0" (legacy,
   * Crossroads 1.2 / 0MQ 2.x), "inproc", or null while a connect-side pipe has never
   * been connected. PUB/XPUB subscribe legacy peers to everything (docs/wire.md §2.3).
   */
  peerVersion: string | null;
  /**
   * What the handshake of a secured (PLAIN, CURVE) or ZAP-checked connection told of the
   * peer: `User-Id`, `Socket-Type`, `Peer-Address`... (docs/security.md); null otherwise.
   * Each message read from the pipe carries it (`Received.properties`).
   */
  properties: Record<string, string> | null;
  /**
   * Connections made for this pipe so far: 1 for inproc and accepted pipes; for a
   * connect-side pipe it counts (re)connections, 0 before the first.
   */
  readonly connections: number;
  /** Per-pipe slot for the socket type's own bookkeeping (routing key, survey id...). */
  tag: unknown;
  /**
   * The `XS_PROTOCOL` version of the pipe when it is fixed for both ends: an inproc pipe
   * takes the connecting socket's value at its connect (upstream `pipepair`), so that both
   * ends agree. Absent on tcp/ipc/ws pipes: each end applies its own socket's value when the
   * pipe is attached (PUB/XPUB, SUB/XSUB).
   */
  readonly protocol?: number | undefined;
  /** True if one more whole message may be written now (below the send HWM). */
  checkWrite(): boolean;
  /**
   * Queues one whole message. Returns false, writing nothing, if the send HWM is reached
   * or the pipe is terminated.
   */
  write(msg: Uint8Array[]): boolean;
  /**
   * Makes every written message visible to the far end now. With `eager` false (a send
   * among many, from an event loop that goes on), messages that did not fit in a ring may
   * wait to be handed over together, at the latest by the next macrotask; every other caller
   * (a blocking call, close, a thread about to wait) flushes eagerly.
   */
  flush(eager?: boolean): void;
  /** True if a whole message can be read now. */
  checkRead(): boolean;
  /** Takes the next whole message, or null if none is complete. */
  read(): Uint8Array<ArrayBuffer>[] | null;
  /** True once the far end is gone for good (queued inbound messages may remain). */
  readonly terminated: boolean;
  /**
   * The socket closed (lib/core/socket.ts): inproc drops what is queued for this end, and
   * what this end queued for a peer end nobody ever attached (a connect still waiting for
   * its bind), releasing reference-counted content as upstream closes those messages.
   * Absent: nothing to do (the worker's pipes go their own way).
   */
  closing?(): void;
}

/**
 * The properties of the pipe that gave the last message read on this thread (`Pipe.read`
 * sets it): SocketCore hands them out with the message a socket type returns, which is
 * always the last one it read.
 */
export const lastRead: { properties: Record<string, string> | null } = { properties: null };
