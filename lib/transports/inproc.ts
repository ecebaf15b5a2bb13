/**
 * inproc:// — sockets of one context talking on the API thread, with no worker, no
 * copies and no wire format: a message written to one end is the same array of parts
 * the other end reads.
 *
 * Capacity (docs/behaviour.md §5.1): connector→binder holds connector SNDHWM +
 * binder RCVHWM messages, binder→connector connector RCVHWM + binder SNDHWM; 0 on either
 * side means unlimited. A connect before the bind (our deliberate difference,
 * docs/behaviour.md §10.1)
 * makes the connector's end at once with its own HWMs; the bind completes the pair.
 * After one end closes, the other can still read what was queued for it.
 *
 * Runs on: API thread.
 */
import { lastRead, type Pipe } from "../pipe/mod.ts";

/** One direction of an inproc pipe. */
class Queue {
  msgs: Uint8Array[][] = [];
  head = 0;
  hwm = 0;
  get size(): number {
    return this.msgs.length - this.head;
  }
}

/** One end of an inproc pipe. */
export class InprocPipe implements Pipe {
  readonly id: number;
  peerIdentity: Uint8Array = new Uint8Array(0);
  peerType: string | null = null;
  peerVersion: string | null = null;
  properties: Record<string, string> | null = null;
  readonly connections = 1;
  tag: unknown = undefined;
  /** The other end (null until a connect-before-bind pipe is bound). */
  peer: InprocPipe | null = null;
  /** Called when this end gets something to read or room to write. */
  onActivity: () => void = () => {};
  readonly #out: Queue;
  readonly #in: Queue;
  #terminated = false;

  private constructor(id: number, out: Queue, inn: Queue) {
    this.id = id;
    this.#out = out;
    this.#in = inn;
  }

  /**
   * Makes both ends of a pipe. `aOut`/`aIn` are the capacities a→b and b→a.
   */
  static pair(idA: number, idB: number, aToB: number, bToA: number): [InprocPipe, InprocPipe] {
    const ab = new Queue(), ba = new Queue();
    ab.hwm = aToB;
    ba.hwm = bToA;
    const a = new InprocPipe(idA, ab, ba), b = new InprocPipe(idB, ba, ab);
    a.peer = b;
    b.peer = a;
    return [a, b];
  }

  /** Changes the capacities once the pair is complete (connect before bind). */
  setCapacity(out: number, inn: number): void {
    this.#out.hwm = out;
    this.#in.hwm = inn;
  }

  get terminated(): boolean {
    return this.#terminated;
  }

  /** The far end went away: no more writes; what is queued stays readable. */
  terminate(): void {
    this.#terminated = true;
  }

  checkWrite(): boolean {
    const q = this.#out;
    return !this.#terminated && (q.hwm <= 0 || q.size < q.hwm);
  }

  write(msg: Uint8Array[]): boolean {
    if (!this.checkWrite()) return false;
    this.#out.msgs.push(msg);
    this.peer?.onActivity();
    return true;
  }

  flush(_eager?: boolean): void {}

  checkRead(): boolean {
    return this.#in.size > 0;
  }

  read(): Uint8Array<ArrayBuffer>[] | null {
    const q = this.#in;
    if (q.head === q.msgs.length) return null;
    const msg = q.msgs[q.head]!;
    q.msgs[q.head++] = undefined as unknown as Uint8Array[];
    if (q.head === q.msgs.length) {
      q.msgs.length = 0;
      q.head = 0;
    }
    // A writer blocked at the HWM may go on now.
    this.peer?.onActivity();
    lastRead.properties = null;
    return arrayBacked(msg);
  }
}

/**
 * The parts of `msg` for the reader, who gets `Uint8Array<ArrayBuffer>` (pipe.ts): `msg`
 * itself when ArrayBuffers back every part (the usual case, no copy), else a new array in
 * which each part over other memory (a sender's view of a SharedArrayBuffer: the rare
 * case) is copied. `msg` is left as it is: a distributor hands one array to every pipe.
 */
function arrayBacked(msg: Uint8Array[]): Uint8Array<ArrayBuffer>[] {
  for (let i = 0; i < msg.length; i++) {
    if (!isArrayBacked(msg[i]!)) return msg.map((p) => isArrayBacked(p) ? p : new Uint8Array(p));
  }
  return msg as Uint8Array<ArrayBuffer>[];
}

function isArrayBacked(part: Uint8Array): part is Uint8Array<ArrayBuffer> {
  return part.buffer instanceof ArrayBuffer;
}

/** Combined capacity of one direction: 0 (unlimited) if either side is 0. */
export function combinedHwm(sender: number, receiver: number): number {
  return sender === 0 || receiver === 0 ? 0 : sender + receiver;
}
