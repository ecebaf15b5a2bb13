/**
 * WorkerPipe: the I/O worker's end of a pipe — it consumes the OUT ring (messages the
 * application sent) and produces into the IN ring (messages for the application).
 *
 * The outbound walk state lives here, not in the connection, because a connect-side
 * pipe outlives its connections: if a connection dies half-way through a message, the
 * rest of that message must be skipped on the next one (crossroads-behavior.md §5.5:
 * the message being written when a connection breaks is lost whole).
 *
 * Runs on: I/O worker.
 */
import { PIPE_RING_BYTES } from "./layout.ts";
import { RingReader, RingWriter } from "./ring.ts";
import { pipePlaces } from "./blocks.ts";

/** The worker's end of one pipe. */
export class WorkerPipe {
  /** Pipe id, as the API thread named it. */
  readonly id: number;
  /** Messages from the application (we consume). */
  readonly out: RingReader;
  /** Messages for the application (we produce). */
  readonly in: RingWriter;
  /** Body bytes of the current outbound frame not yet walked. */
  bodyLeft = 0;
  /** The current outbound frame has MORE (a message is open). */
  more = false;
  /** Drop outbound frames up to the end of the current message. */
  skipRest = false;
  /** An inbound message is partly staged in the IN ring. */
  inOpen = false;
  /** A connection has served this pipe before (so a new one is a reconnection). */
  served = false;

  /** Attaches to the pipe block `sab` made by the API thread. */
  constructor(id: number, sab: SharedArrayBuffer) {
    this.id = id;
    const p = pipePlaces(sab, PIPE_RING_BYTES, PIPE_RING_BYTES);
    this.out = new RingReader(p.out);
    this.in = new RingWriter(p.in);
  }

  /** True if an outbound message is half-walked (some of its frames already went out). */
  get outMidMessage(): boolean {
    return this.bodyLeft > 0 || this.more;
  }
}
