/**
 * What one idiomatic `Socket` (socket.ts) keeps besides its public members: the engine
 * socket, whether `close()` was called, the errno a call must fail with now, the turning
 * of engine failures into `XsError`, and reading and writing options by their idiomatic
 * name through the one option table (options.ts, lib/options.ts). The other files of the
 * socket (endpoints.ts, messages.ts, subscriptions.ts) work on this state.
 *
 * Runs on: API thread.
 */
import * as C from "../constants.ts";
import { getErrno, XsError } from "../errors.ts";
import type { SocketCore } from "../core/mod.ts";
import {
  OPTION_IDS,
  type OptionKey,
  type OptionRead,
  optionShown,
  optionValue,
} from "./options.ts";

/** Each `Socket`'s state, for the face's own files (poll.ts); never exported by mod.ts. */
const STATES = new WeakMap<object, SocketState>();

/** The state behind a `Socket` made by this library, or undefined for anything else. */
export function stateOf(socket: object): SocketState | undefined {
  return STATES.get(socket);
}

/** The state behind one `Socket`; not part of the public face. */
export class SocketState {
  /** The engine socket. */
  readonly core: SocketCore;
  /** True once `Socket.close()` was called. */
  closed = false;

  /**
   * @param core the engine socket
   * @param owner the `Socket` this state is behind (found again by `stateOf`)
   * @param name the type's name as the user gave it (default: the engine's name)
   */
  constructor(core: SocketCore, owner: object, name?: string) {
    this.core = core;
    this.type = name ?? core.info.name;
    STATES.set(owner, this);
  }

  /** The socket type's name as the user made it, e.g. "PUSH" or "DEALER"; in error messages. */
  readonly type: string;

  /** The errno a call must fail with now, or 0. */
  state(): number {
    if (this.closed) return C.ENOTSOCK;
    if (this.core.ctx.terminating) return C.ETERM;
    if (this.core.closed) return C.ENOTSOCK;
    return 0;
  }

  /** Throws the `XsError` for `action` if a call must fail now. */
  check(action: string): void {
    const e = this.state();
    if (e) throw this.#explained(e, action);
  }

  /** The XsError for errno `e`, saying why when the socket or its context is gone. */
  #explained(e: number, action: string): XsError {
    const err = new XsError(e, action);
    if (e === C.ENOTSOCK && this.closed) err.message += " (the socket is closed)";
    else if (e === C.ETERM) err.message += " (the context is terminated)";
    return err;
  }

  /** Maps a rejected async send to its XsError (one closure per socket, not per call). */
  readonly sendFailed = (e: unknown): unknown =>
    this.error(e, `Cannot send on a ${this.type} socket`);
  /** Maps a rejected async receive to its XsError. */
  readonly recvFailed = (e: unknown): unknown =>
    this.error(e, `Cannot receive on a ${this.type} socket`);

  /** Turns an engine rejection (an errno number) into an XsError. */
  error(e: unknown, action: string): unknown {
    if (typeof e !== "number") return e;
    if (e === C.ENOTSOCK && !this.closed && this.core.ctx.terminating) e = C.ETERM;
    return this.#explained(e as number, action);
  }

  /** Readiness now (`XS_EVENTS`): `XS_POLLIN` and `XS_POLLOUT` bits. */
  events(): number {
    this.check("Cannot read the events");
    const e = this.core.events();
    if (e < 0) throw new XsError(getErrno(), "Cannot read the events");
    return e;
  }

  /** `Socket.close()`: marks the socket closed and closes the engine socket once. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (!this.core.closed) this.core.close();
  }

  /** Sets a bytes option by its `XS_*` number (the value copied). */
  setBytes(id: number, bytes: Uint8Array, action: string): void {
    this.check(action);
    if (this.core.setOption(id, bytes) < 0) throw new XsError(getErrno(), action);
  }

  /** Sets the option `key` (converted and checked by options.ts). */
  set(key: OptionKey, v: unknown): void {
    const [id, value] = optionValue(key, v);
    const action = `Cannot set ${key}`;
    this.check(action);
    if (this.core.setOption(id, value) < 0) throw new XsError(getErrno(), action);
  }

  /** Reads the option `key`, shown as the face shows it (options.ts). */
  get<K extends OptionKey>(key: K): OptionRead[K] {
    const action = `Cannot read ${key}`;
    this.check(action);
    const v = this.core.getOption(OPTION_IDS[key][0]);
    if (v === null) throw new XsError(getErrno(), action);
    return optionShown(key, v);
  }
}
