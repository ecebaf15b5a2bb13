/**
 * SURVEYOR — asks every respondent one question and collects the answers until a
 * deadline.
 *
 * - Role: the cooked asking side of the survey pattern, over XSURVEYOR (xsurveyor.ts).
 * - Peers: RESPONDENT, XRESPONDENT.
 * - Send: single-part messages only (a multi-part message, or XS_SNDMORE on the C face,
 *   → EINVAL). Every send starts a new survey: survey id = previous + 1 (u32, random
 *   start), sent to all peers as [id 4 B big-endian (MORE)][body]; a peer at its HWM
 *   misses it. The older survey is abandoned. Never EFSM, never blocks.
 * - Receive: EFSM before the first survey. Only a response whose first part is exactly
 *   the current 4-byte id followed by more parts counts; the application sees the parts
 *   after the id. Anything else is dropped whole.
 * - Deadline (XS_SURVEY_TIMEOUT, read at each send): 0 = none (receive waits per
 *   XS_RCVTIMEO); > 0 = send time + value ms; < 0, the default -1 = already expired.
 *   Past the deadline a receive returns a queued current response if there is one,
 *   else ETIMEDOUT at once; a blocking receive waits no longer than the deadline
 *   (XS_RCVTIMEO, if it ends first, gives EAGAIN). Polling past the deadline with
 *   nothing queued reports no POLLIN (upstream aborts there, docs/behaviour.md §10 item 5).
 * - Close: unsent surveys are discarded whatever XS_LINGER says, as for XSURVEYOR.
 * - Options: XS_SURVEY_TIMEOUT, XS_SNDHWM, XS_RCVHWM. Wire header: the survey id.
 * - Spec: docs/behaviour.md §3 (XS_SURVEY_TIMEOUT), §4.1, §4.8, §10 item 5;
 *   docs/wire.md §2.4; upstream tests/survey.cpp (docs/upstream-tests.md §3.22).
 *
 * Runs on: API thread.
 */
import { EAGAIN, EFSM, EINVAL, ETIMEDOUT, XS_SURVEYOR } from "../constants.ts";
import type { Pipe } from "../pipe/mod.ts";
import type { Protocol, ProtocolHost, ProtocolInfo } from "./protocol.ts";
import { XSurveyor } from "./xsurveyor.ts";

/** SURVEYOR's identity. */
export const info: ProtocolInfo = {
  number: XS_SURVEYOR,
  name: "SURVEYOR",
  zmtpName: "SURVEYOR",
  peers: ["RESPONDENT", "XRESPONDENT"],
  sendsIdentity: false,
  dropsOnClose: true,
  create: (host) => new Surveyor(host),
};

/** The SURVEYOR state machine. */
export class Surveyor implements Protocol {
  readonly #x = new XSurveyor();
  readonly #host: ProtocolHost;
  #surveyId = Math.floor(Math.random() * 0x1_0000_0000) >>> 0;
  /** The current survey id as sent, or null before the first survey. */
  #idBytes: Uint8Array | null = null;
  /** performance.now() value after which the survey is over (Infinity: never). */
  #deadline = -Infinity;
  /** A current response taken by `hasIn` and not yet handed out. */
  #prefetched: Uint8Array<ArrayBuffer>[] | null = null;

  constructor(host: ProtocolHost) {
    this.#host = host;
  }

  attach(pipe: Pipe): void {
    this.#x.attach(pipe);
  }
  detach(pipe: Pipe): void {
    this.#x.detach(pipe);
  }
  send(msg: Uint8Array[]): number {
    if (msg.length !== 1) return EINVAL;
    this.#surveyId = (this.#surveyId + 1) >>> 0;
    const id = new Uint8Array(4);
    new DataView(id.buffer).setUint32(0, this.#surveyId);
    // Each pipe may keep the id part by reference: keep our own copy for matching.
    this.#idBytes = id.slice();
    this.#x.send([id, msg[0]!]);
    // A response prefetched for the abandoned survey must not pass as a current one.
    this.#prefetched = null;
    const t = this.#host.options.surveyTimeout;
    this.#deadline = t === 0 ? Infinity : performance.now() + t;
    return 0;
  }
  recv(): Uint8Array<ArrayBuffer>[] | number {
    if (!this.#idBytes) return EFSM;
    const msg = this.#take();
    if (msg) return msg;
    return performance.now() >= this.#deadline ? ETIMEDOUT : EAGAIN;
  }
  hasIn(): boolean {
    if (!this.#idBytes) return false;
    this.#prefetched ??= this.#take();
    return this.#prefetched !== null;
  }
  hasOut(): boolean {
    return true;
  }
  sendState(more: boolean): number {
    return more ? EINVAL : 0; // a survey is one part (docs/behaviour.md §4.8)
  }
  recvState(): number {
    return this.#idBytes ? 0 : EFSM;
  }
  retained(): readonly Uint8Array[] {
    return this.#prefetched ?? [];
  }
  /** The current survey's deadline (performance.now() based); Infinity if none. */
  deadline(): number {
    return this.#idBytes ? this.#deadline : Infinity;
  }

  /** The next response to the current survey (its parts after the id), or null. */
  #take(): Uint8Array<ArrayBuffer>[] | null {
    if (this.#prefetched) {
      const m = this.#prefetched;
      this.#prefetched = null;
      return m;
    }
    for (;;) {
      const msg = this.#x.recv();
      if (typeof msg === "number") return null;
      if (msg.length >= 2 && sameBytes(msg[0]!, this.#idBytes!)) return msg.slice(1);
      // A response to an older survey, or malformed: dropped whole.
    }
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
