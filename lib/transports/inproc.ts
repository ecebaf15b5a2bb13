/**
 * inproc:// — sockets of one context talking on the API thread, with no worker, no
 * copies and no wire format: a message written to one end is the same array of parts
 * the other end reads. Parts carrying reference-counted content (`xs_msg_init_data`,
 * lib/pipe/shared_content.ts) are counted: each queue holds one reference, handed to the
 * reading socket (`holder`) at `read` and released by `discardInbound`.
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
import {
  arrayBackedCopy,
  contentOf,
  lastRead,
  type PartHolder,
  type Pipe,
  releaseParts,
  retainParts,
  tracking,
} from "../pipe/mod.ts";

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
  /** The socket this end is attached to (null until it is, or if it was refused). */
  holder: PartHolder | null = null;
  /** `XS_PROTOCOL` of the pipe: the connecting socket's (Pipe.protocol). */
  protocol: number | undefined = undefined;
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
    if (tracking()) retainParts(msg);
    this.#out.msgs.push(msg);
    this.peer?.onActivity();
    return true;
  }

  /**
   * Puts `msg` in front of everything queued towards the peer, whatever the HWM (the
   * identity message of an identity-sending socket, written when the pipe is made:
   * upstream's inproc connect, docs/behaviour.md §5.1).
   */
  writeFirst(msg: Uint8Array[]): void {
    const q = this.#out;
    if (q.head > 0) q.msgs[--q.head] = msg;
    else q.msgs.unshift(msg);
    this.peer?.onActivity();
  }

  /**
   * Drops everything queued for this end (its socket closed, or the pipe was never
   * attached): registered content in it is released, as upstream closes the messages of
   * a terminated pipe.
   */
  discardInbound(): void {
    const q = this.#in;
    if (tracking()) { for (let i = q.head; i < q.msgs.length; i++) releaseParts(q.msgs[i]!); }
    q.msgs.length = 0;
    q.head = 0;
  }

  closing(): void {
    this.discardInbound();
    // A connect still waiting for its bind: nobody will ever read what it queued.
    if (this.peer && this.peer.holder === null) this.peer.discardInbound();
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
    if (!tracking()) return arrayBacked(msg);
    const out = arrayBacked(msg, true);
    const holder = this.holder;
    for (let i = 0; i < out.length; i++) {
      if (contentOf(out[i]!)) holder?.hold(out[i]!);
    }
    return out;
  }
}

/**
 * The parts of `msg` for the reader, who gets `Uint8Array<ArrayBuffer>` (pipe.ts): `msg`
 * itself when ArrayBuffers back every part (the usual case, no copy), else a new array in
 * which each part over other memory (a sender's view of a SharedArrayBuffer: the rare
 * case) is copied. `msg` is left as it is: a distributor hands one array to every pipe.
 * With `counted`, a copied part that carried registered content becomes content of its
 * own holding the original's reference (shared_content.ts `arrayBackedCopy`).
 */
function arrayBacked(msg: Uint8Array[], counted = false): Uint8Array<ArrayBuffer>[] {
  for (let i = 0; i < msg.length; i++) {
    if (!isArrayBacked(msg[i]!)) return msg.map((p) => isArrayBacked(p) ? p : copyOf(p, counted));
  }
  return msg as Uint8Array<ArrayBuffer>[];
}

function copyOf(part: Uint8Array, counted: boolean): Uint8Array<ArrayBuffer> {
  const c = counted ? contentOf(part) : undefined;
  return c ? arrayBackedCopy(part, c) : new Uint8Array(part);
}

function isArrayBacked(part: Uint8Array): part is Uint8Array<ArrayBuffer> {
  return part.buffer instanceof ArrayBuffer;
}

/** Combined capacity of one direction: 0 (unlimited) if either side is 0. */
export function combinedHwm(sender: number, receiver: number): number {
  return sender === 0 || receiver === 0 ? 0 : sender + receiver;
}
