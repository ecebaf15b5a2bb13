/**
 * ZeroMQ over a WebSocket that the runtime already upgraded and frames (ZWS 2.0, ZeroMQ
 * RFC 45, subprotocol `ZWS2.0/NULL`; docs/wire.md §6): one peer of a socket, served on the
 * API thread with no worker, as inproc is. It serves the WebSockets an application's own
 * HTTP server accepts (`Bun.serve`, `Deno.serve`: lib/api/ws_endpoint.ts), where the
 * WebSocket object lives on the application's thread.
 *
 * - Each WebSocket binary message is one frame: a flags byte (`01` MORE, `02` COMMAND) and
 *   the body. Under `ZWS2.0/NULL` the first message each way is the NULL mechanism's READY
 *   command (our socket type, our identity for the REQ/REP family), and the pipe joins its
 *   socket when the peer's READY names a compatible type. Under bare `ZWS2.0` (the name a
 *   browser can offer: `/` is not allowed in a subprotocol token, RFC 6455 §4.1) the first
 *   message each way is the routing id, as ZMTP/2.0 had it, and no type is checked.
 * - Subscriptions: a SUB/XSUB's outbound messages (the Crossroads 1.2 form) leave as `01`/`00`
 *   + topic data messages (libzmq ignores SUBSCRIBE commands over ws); a PUB/XPUB reads those
 *   and SUBSCRIBE/CANCEL commands as subscriptions. PING commands are answered with PONG.
 * - Flow: sending stops at the send HWM counted in messages handed to the WebSocket and not
 *   yet written by it (its `buffered()` bytes over `sndhwm` × 64 KiB), receiving queues
 *   what the runtime delivers (a WebSocket cannot be paused).
 * - Bad input (a text message, a malformed frame, a READY that is not one) closes that
 *   WebSocket only.
 *
 * Runs on: API thread.
 */
import { lastRead, type Pipe } from "../pipe/mod.ts";
import { encodeSubscription, type SubscriptionRole } from "../pipe/mod.ts";
import {
  commandLimit,
  dataLimit,
  FLAG_COMMAND,
  FLAG_LONG,
  FLAG_MORE,
  MAX_COMMAND_SIZE,
  parseCommand,
  parseMetadata,
  parsePing,
  pongFrame,
  readU64,
  readyFrame,
  subscriptionFrame,
  subscriptionFromCommand,
  subscriptionFromData,
  ZWS_COMMAND,
  ZWS_MORE,
} from "../wire/mod.ts";

/** What a WsPipe needs of a WebSocket (the runtime's, adapted by its owner). */
export interface MessageSocket {
  /** Sends one binary message. */
  send(data: Uint8Array): void;
  /** Closes the WebSocket (`code`, `reason` as RFC 6455). */
  close(code?: number, reason?: string): void;
  /** Bytes handed to `send` and not yet written out. */
  buffered(): number;
}

/** What a WsPipe needs of its socket. */
export interface WsPipeOwner {
  /** Our ZMTP socket-type name and the peer types we accept. */
  readonly type: string;
  readonly peers: readonly string[];
  /** True for the REQ/REP family: our READY carries `Identity`. */
  readonly sendsIdentity: boolean;
  readonly identity: Uint8Array;
  readonly subscriptions: SubscriptionRole;
  /** Inbound part size limit, -1 none. */
  readonly maxmsgsize: number;
  readonly sndhwm: number;
  /** The handshake is done: offer the pipe to the socket (false: refused). */
  ready(pipe: WsPipe): boolean;
  /** The WebSocket is gone. */
  gone(pipe: WsPipe): void;
  /** Something to read, or room to write. */
  activity(): void;
}

const EMPTY = new Uint8Array(0);

/** One mounted WebSocket peer. */
export class WsPipe implements Pipe {
  readonly id: number;
  peerIdentity: Uint8Array = EMPTY;
  peerType: string | null = null;
  peerVersion: string | null = "zws2.0";
  properties: Record<string, string> | null = null;
  readonly connections = 1;
  tag: unknown = undefined;
  readonly #ws: MessageSocket;
  readonly #owner: WsPipeOwner;
  readonly #in: Uint8Array[][] = [];
  #inHead = 0;
  /** Parts of a message whose last part has not arrived. */
  #partial: Uint8Array[] = [];
  #ready = false;
  #terminated = false;

  readonly #bare: boolean;

  /**
   * @param protocol the subprotocol agreed: "ZWS2.0/NULL" (READY first) or "ZWS2.0" (the
   *   routing id first)
   */
  constructor(id: number, ws: MessageSocket, owner: WsPipeOwner, protocol: string) {
    this.id = id;
    this.#ws = ws;
    this.#owner = owner;
    this.#bare = protocol === "ZWS2.0";
  }

  /** The WebSocket is open: our READY, or our routing id, goes first. */
  open(): void {
    const o = this.#owner;
    if (this.#bare) {
      const id = o.sendsIdentity ? o.identity : EMPTY;
      const m = new Uint8Array(1 + id.length);
      m.set(id, 1);
      this.#ws.send(m);
      return;
    }
    this.#sendFrame(readyFrame(o.type, o.sendsIdentity ? o.identity : null));
  }

  /** A message from the WebSocket (binary: a Uint8Array or ArrayBuffer; text: a string). */
  message(data: Uint8Array | ArrayBuffer | string): void {
    if (this.#terminated) return;
    if (typeof data === "string") return this.#fail("a text message (ZWS is binary)");
    const m = data instanceof Uint8Array ? data : new Uint8Array(data);
    if (m.length === 0) return this.#fail("an empty message (no flags byte)");
    const flags = m[0]!;
    if (flags & ~(ZWS_MORE | ZWS_COMMAND)) return this.#fail("unknown ZWS flag bits");
    const body = m.subarray(1);
    const over = this.#oversize(flags, body.length);
    if (over !== null) return this.#fail(over);
    if (!this.#ready) return this.#handshake(flags, body);
    if (flags & ZWS_COMMAND) return this.#command(body);
    if (this.#owner.subscriptions === "receives") return this.#subscriptionData(flags, body);
    this.#partial.push(body.slice());
    if (flags & ZWS_MORE) return;
    this.#in.push(this.#partial);
    this.#partial = [];
    this.#owner.activity();
  }

  /** The WebSocket closed (either side). */
  closed(): void {
    if (this.#terminated) return;
    this.#terminated = true;
    this.#owner.gone(this);
  }

  /** The socket let go of the pipe: close the WebSocket. */
  close(): void {
    if (!this.#terminated) this.#ws.close(1000, "socket closed");
    this.closed();
  }

  /**
   * Why a frame of `size` bytes is too big, or null (docs/wire.md §8.4): `maxmsgsize` limits
   * message parts only (a bare routing id counts as one); the READY and other commands have
   * their own limit (`MAX_COMMAND_SIZE` before the handshake is done, `commandLimit` after).
   */
  #oversize(flags: number, size: number): string | null {
    const max = this.#owner.maxmsgsize;
    if (flags & ZWS_COMMAND) {
      const limit = this.#ready ? commandLimit(max) : MAX_COMMAND_SIZE;
      return size > limit ? `a command over ${limit} bytes` : null;
    }
    if (size > dataLimit(max)) return `a message part over maxmsgsize (${max})`;
    return !this.#ready && size > MAX_COMMAND_SIZE
      ? `a routing id over ${MAX_COMMAND_SIZE} bytes`
      : null;
  }

  #handshake(flags: number, body: Uint8Array): void {
    if (this.#bare) {
      if (flags !== 0) return this.#fail("the first message is not a routing id");
      this.peerIdentity = body.slice();
      this.#ready = true;
      if (!this.#owner.ready(this)) this.close();
      return;
    }
    const cmd = flags & ZWS_COMMAND ? parseCommand(body) : null;
    if (cmd === null || cmd.name !== "READY") return this.#fail("the first message is not READY");
    const meta = parseMetadata(cmd.data);
    if (meta === null) return this.#fail("malformed READY metadata");
    const st = meta.get("socket-type");
    const type = st === undefined ? null : new TextDecoder().decode(st);
    if (type !== null && !this.#owner.peers.includes(type)) {
      return this.#fail(`peer socket type ${type} is not compatible with ${this.#owner.type}`);
    }
    this.peerType = type;
    this.peerIdentity = meta.get("identity")?.slice() ?? EMPTY;
    this.#ready = true;
    if (!this.#owner.ready(this)) this.close();
  }

  #command(body: Uint8Array): void {
    const cmd = parseCommand(body);
    if (cmd === null) return this.#fail("a malformed command");
    if (cmd.name === "PING") {
      this.#sendFrame(pongFrame(parsePing(cmd.data).context));
    } else if (this.#owner.subscriptions === "receives") {
      const s = subscriptionFromCommand(cmd.name, cmd.data);
      if (s) this.#deliver([encodeSubscription(s.cmd, s.filter, s.body)]);
    }
  }

  #subscriptionData(flags: number, body: Uint8Array): void {
    if (flags & ZWS_MORE) return; // a publisher reads single-part subscriptions only
    const s = subscriptionFromData(body, "3.1");
    if (s) this.#deliver([encodeSubscription(s.cmd, s.filter, s.body)]);
  }

  #deliver(msg: Uint8Array[]): void {
    this.#in.push(msg);
    this.#owner.activity();
  }

  #fail(why: string): void {
    this.#ws.close(1002, why.slice(0, 120));
    this.closed();
  }

  /** Sends a ZMTP/3 frame (as the wire codecs make them) as one ZWS message. */
  #sendFrame(frame: Uint8Array): void {
    const f = frame[0]!;
    const hdr = f & FLAG_LONG ? 9 : 2;
    const size = f & FLAG_LONG ? readU64(frame, 1) : frame[1]!;
    const out = new Uint8Array(1 + size);
    out[0] = (f & FLAG_MORE ? ZWS_MORE : 0) | (f & FLAG_COMMAND ? ZWS_COMMAND : 0);
    out.set(frame.subarray(hdr, hdr + size), 1);
    this.#ws.send(out);
  }

  // ------------------------------------------------------------------ Pipe

  get terminated(): boolean {
    return this.#terminated;
  }

  checkWrite(): boolean {
    if (this.#terminated || !this.#ready) return false;
    const hwm = this.#owner.sndhwm;
    return hwm <= 0 || this.#ws.buffered() < hwm * 65536;
  }

  write(msg: Uint8Array[]): boolean {
    if (!this.checkWrite()) return false;
    if (this.#owner.subscriptions === "sends") {
      // As data messages (01/00 + topic): libzmq ignores SUBSCRIBE commands over ws.
      const f = msg.length === 1 ? subscriptionFrame(msg[0]!, "3.0") : null;
      if (f) this.#sendFrame(f);
      return true;
    }
    for (let i = 0; i < msg.length; i++) {
      const part = msg[i]!;
      const out = new Uint8Array(1 + part.length);
      out[0] = i < msg.length - 1 ? ZWS_MORE : 0;
      out.set(part, 1);
      this.#ws.send(out);
    }
    return true;
  }

  flush(_eager?: boolean): void {}

  checkRead(): boolean {
    return this.#inHead < this.#in.length;
  }

  read(): Uint8Array<ArrayBuffer>[] | null {
    if (this.#inHead >= this.#in.length) return null;
    const msg = this.#in[this.#inHead]!;
    this.#in[this.#inHead++] = undefined as unknown as Uint8Array[];
    if (this.#inHead === this.#in.length) {
      this.#in.length = 0;
      this.#inHead = 0;
    }
    lastRead.properties = this.properties;
    return msg as Uint8Array<ArrayBuffer>[];
  }
}
