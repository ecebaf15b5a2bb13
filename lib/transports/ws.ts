/**
 * ws:// — ZeroMQ over WebSocket (ZWS 2.0, ZeroMQ RFC 45; docs/wire.md §6): a tcp stream,
 * the HTTP upgrade of RFC 6455, then one WebSocket binary message per ZeroMQ frame.
 * wss:// is the same over a TLS stream, the runtime's own (`listenTls` / `connectTls`): the
 * bind's certificate and key, the connect's trust anchors and expected server name come
 * from the XS_WSS_* options (`TransportOptions.tls`).
 *
 * The session above (lib/session/session.ts) keeps speaking ZMTP/3 (its wire mode is
 * "zmtp3" for ws endpoints): each connection is a {@linkcode WsConn} between the runtime's
 * stream and the session, which
 * 1. does the upgrade: the client sends its request offering `ZWS2.0/<mechanism>`, checks
 *    the 101 (status, `Sec-WebSocket-Accept`, the protocol); the server checks the request
 *    (path, version, key), picks the protocol of its own mechanism (or, for NULL, bare
 *    `ZWS2.0`, what a browser can offer: routing ids first), answers 101, or refuses with an
 *    HTTP error and closes;
 * 2. holds the session's writes until then, and feeds the session a ZMTP/3.1 greeting for
 *    the peer (WebSocket has none: the subprotocol says the mechanism);
 * 3. translates both ways with lib/wire/zws.ts (our greeting dropped, frames ↔ messages,
 *    pings answered, a close echoed).
 * Writes to the stream are serialised (one in flight, as the runtime requires): the
 * session's, and the ones of its own (the upgrade, pongs, a close reply).
 *
 * Runs on: I/O worker.
 */
import type { Runtime, StreamConn, StreamHandlers } from "../runtime/mod.ts";
import {
  acceptKey,
  chooseProtocol,
  clientRequest,
  newKey,
  offeredProtocols,
  parseUpgradeRequest,
  parseUpgradeResponse,
  rejectResponse,
  serverResponse,
  syntheticGreeting,
  ZwsStream,
} from "../wire/mod.ts";
import type { Endpoint } from "./endpoint.ts";
import type { Transport, TransportOptions } from "./transport.ts";

type Mechanism = "NULL" | "PLAIN" | "CURVE";

/** An error carrying the errno name the worker reports it with. */
function coded(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

/** wss:// on a runtime that gives no TLS (only a test double would). */
const noTls = (rt: Runtime) =>
  coded("EPROTONOSUPPORT", `the ${rt.name} runtime adapter has no TLS: wss:// is not available`);

/** The ws and wss transport. */
export const ws: Transport = {
  async listen(rt, ep, accept, opts) {
    if (ep.scheme !== "ws" && ep.scheme !== "wss") throw new TypeError("not a ws endpoint");
    const onRaw = (raw: StreamConn) => {
      const w = new WsConn("server", raw, ep, opts);
      w.attach(accept(w));
      return w;
    };
    let listener;
    if (ep.scheme === "wss") {
      const t = opts.tls;
      // The API thread refuses such a bind first (lib/core/endpoints.ts).
      if (!t?.cert || !t.key) {
        throw coded(
          "EINVAL",
          "a wss:// bind needs a certificate and its key (wssCertPem, wssKeyPem)",
        );
      }
      if (!rt.listenTls) throw noTls(rt);
      listener = await rt.listenTls(ep.host, ep.port, onRaw, { ...opts, cert: t.cert, key: t.key });
    } else listener = await rt.listenTcp(ep.host, ep.port, onRaw, opts);
    return { listener, bound: { ...ep, port: listener.port } };
  },
  async dial(rt, ep, opts) {
    if (ep.scheme !== "ws" && ep.scheme !== "wss") throw new TypeError("not a ws endpoint");
    const [host] = await rt.resolve(ep.host);
    if (host === undefined) throw new Error(`cannot resolve ${ep.host}`);
    const t = opts.tls;
    if (ep.scheme === "wss" && !rt.connectTls) throw noTls(rt);
    const attachRaw = ep.scheme === "wss"
      ? await rt.connectTls!(host, ep.port, {
        ...opts,
        // The certificate is checked against the name written in the endpoint, not the
        // address it resolved to, unless XS_WSS_HOSTNAME says otherwise.
        servername: t?.servername || ep.host,
        ca: t?.ca ?? [],
        trustSystem: t?.trustSystem ?? true,
      })
      : await rt.connectTcp(host, ep.port, opts);
    return (h: StreamHandlers) => {
      const w = new WsConn("client", null, ep, opts);
      w.setRaw(attachRaw(w));
      w.attach(h);
      return w;
    };
  },
};

const EMPTY = new Uint8Array(0);

/**
 * One WebSocket connection as a ZMTP/3 stream: `StreamConn` to the session above,
 * `StreamHandlers` to the runtime's stream below.
 */
export class WsConn implements StreamConn, StreamHandlers {
  readonly #role: "server" | "client";
  readonly #ep: Extract<Endpoint, { scheme: "ws" | "wss" }>;
  readonly #mechanism: Mechanism;
  readonly #zws: ZwsStream;
  #raw: StreamConn | null;
  #up: StreamHandlers | null = null;
  /** The upgrade is done: bytes are WebSocket frames both ways. */
  #open = false;
  #failed = false;
  #closed = false;
  /** The client's key, to check the server's accept value. */
  readonly #key = newKey();
  /** Received bytes of the HTTP head, until it is whole. */
  #head: Uint8Array = EMPTY;
  /** The session's write held until the upgrade is done. */
  #held: Uint8Array | null = null;
  /** The accept value is being computed (asynchronously): received bytes wait in `#early`. */
  #accepting = false;
  #early: Uint8Array = EMPTY;
  /** Raw writes waiting for the one in flight; `session` marks the session's own. */
  #queue: { bytes: Uint8Array; session: boolean }[] = [];
  #writing: { session: boolean } | null = null;

  constructor(
    role: "server" | "client",
    raw: StreamConn | null,
    ep: Endpoint,
    opts: TransportOptions,
  ) {
    if (ep.scheme !== "ws" && ep.scheme !== "wss") throw new TypeError("not a ws endpoint");
    this.#role = role;
    this.#raw = raw;
    this.#ep = ep;
    this.#mechanism = opts.mechanism ?? "NULL";
    this.#zws = new ZwsStream(role, opts.maxMsgSize ?? -1);
  }

  /** The client's stream, once the runtime made it (it needs our handlers first). */
  setRaw(raw: StreamConn): void {
    this.#raw = raw;
    const host = this.#ep.ipv6
      ? `[${this.#ep.host}]:${this.#ep.port}`
      : `${this.#ep.host}:${this.#ep.port}`;
    this.#rawWrite(
      clientRequest({
        host,
        path: this.#ep.path,
        key: this.#key,
        protocols: offeredProtocols(this.#mechanism),
      }),
      false,
    );
  }

  /** The session's handlers. */
  attach(h: StreamHandlers): void {
    this.#up = h;
  }

  // ------------------------------------------------------------------ StreamConn (session)

  write(bytes: Uint8Array): void {
    if (this.#closed) return;
    if (!this.#open) {
      // Before the upgrade: only the greeting can come (the session waits for the peer's).
      this.#held = this.#held ? concat(this.#held, bytes) : bytes.slice();
      return;
    }
    const out = this.#zws.encode(bytes);
    if (out.length) this.#rawWrite(out, true);
    else queueMicrotask(() => this.#up?.written());
  }

  pause(): void {
    this.#raw?.pause();
  }

  resume(): void {
    this.#raw?.resume();
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#raw?.close();
  }

  get remote(): string {
    return this.#raw?.remote ?? "";
  }

  // ------------------------------------------------------------------ StreamHandlers (stream)

  data(chunk: Uint8Array): void {
    if (this.#closed || this.#failed) return;
    if (this.#accepting) {
      // Frames that came right behind the upgrade, while its accept value is computed.
      this.#early = concat(this.#early, chunk);
      return;
    }
    if (!this.#open) return this.#upgradeData(chunk);
    this.#frames(chunk);
  }

  written(): void {
    const w = this.#writing;
    this.#writing = null;
    this.#next();
    if (w?.session) this.#up?.written();
  }

  closed(err?: Error): void {
    this.#closed = true;
    this.#up?.closed(err);
  }

  // ------------------------------------------------------------------ the upgrade

  #upgradeData(chunk: Uint8Array): void {
    this.#head = this.#head.length ? concat(this.#head, chunk) : chunk.slice();
    if (this.#role === "server") {
      const r = parseUpgradeRequest(this.#head);
      if (r === "incomplete") return;
      if ("error" in r) return this.#refuse(r.status, r.error);
      if (r.req.path !== this.#ep.path) {
        return this.#refuse(404, `no ZeroMQ endpoint at ${r.req.path}`);
      }
      const protocol = chooseProtocol(r.req.protocols, this.#mechanism);
      if (protocol === null) {
        return this.#refuse(
          400,
          `no acceptable subprotocol among "${
            r.req.protocols.join(", ")
          }" (this endpoint speaks ZWS2.0/${this.#mechanism})`,
        );
      }
      // Bare ZWS2.0 (a browser's offer): routing ids first (lib/wire/zws.ts `setBare`).
      if (protocol === "ZWS2.0") this.#zws.setBare();
      this.#early = this.#head.slice(r.length);
      this.#head = EMPTY;
      this.#accepting = true;
      acceptKey(r.req.key).then((accept) => {
        this.#accepting = false;
        if (this.#closed || this.#failed) return;
        this.#rawWrite(serverResponse(accept, protocol), false);
        this.#opened();
      }, (e) => this.#fail(`cannot compute the WebSocket accept value: ${e}`));
      return;
    }
    const r = parseUpgradeResponse(this.#head);
    if (r === "incomplete") return;
    if ("error" in r) return this.#fail(`bad WebSocket upgrade response: ${r.error}`);
    if (r.status !== 101) {
      return this.#fail(`the server refused the WebSocket upgrade: ${r.status}`);
    }
    const wanted = offeredProtocols(this.#mechanism);
    if (r.protocol === null || !wanted.includes(r.protocol)) {
      return this.#fail(`the server chose subprotocol "${r.protocol ?? ""}", not one we offered`);
    }
    this.#early = this.#head.slice(r.length);
    this.#head = EMPTY;
    this.#accepting = true;
    acceptKey(this.#key).then((accept) => {
      this.#accepting = false;
      if (this.#closed || this.#failed) return;
      if (r.accept !== accept) return this.#fail("wrong Sec-WebSocket-Accept from the server");
      this.#opened();
    }, (e) => this.#fail(`cannot compute the WebSocket accept value: ${e}`));
  }

  /**
   * The upgrade is done: the session hears the peer's greeting, the held write goes, and
   * the frames that came behind the upgrade are read.
   */
  #opened(): void {
    const rest = this.#early;
    this.#early = EMPTY;
    this.#open = true;
    this.#up?.data(syntheticGreeting(this.#mechanism, this.#role === "client"));
    const held = this.#held;
    this.#held = null;
    if (held) this.write(held);
    if (rest.length && !this.#closed) this.#frames(rest);
  }

  #frames(chunk: Uint8Array): void {
    const z = this.#zws;
    const plain = z.decode(chunk);
    const control = z.takeControl();
    if (control) this.#rawWrite(control, false);
    if (plain === null) return this.#fail(`ZWS protocol error: ${z.error}`);
    if (plain.length) this.#up?.data(plain);
    if (z.closed) this.#fail("the peer closed the WebSocket");
  }

  #refuse(status: number, why: string): void {
    this.#rawWrite(rejectResponse(status, why), false);
    this.#fail(`WebSocket upgrade refused (${status}): ${why}`, true);
  }

  /**
   * Gives up on the connection: the session is told (`closed` with the reason), the stream
   * closed once what is queued (an HTTP refusal, a close reply) is written.
   */
  #fail(why: string, afterWrites = false): void {
    if (this.#failed && this.#closed) return;
    this.#failed = true;
    // The session hears why first: a runtime may report the raw close synchronously (Bun),
    // which would otherwise reach it as a plain "closed" without the reason.
    const up = this.#up;
    this.#up = null;
    const now = !(afterWrites && (this.#writing || this.#queue.length));
    if (now) this.#closed = true;
    else this.#queue.push({ bytes: EMPTY, session: false }); // marks "close after this"
    up?.closed(new Error(why));
    if (now) this.#raw?.close();
  }

  #rawWrite(bytes: Uint8Array, session: boolean): void {
    this.#queue.push({ bytes, session });
    if (!this.#writing) this.#next();
  }

  #next(): void {
    const w = this.#queue.shift();
    if (!w) return;
    if (w.bytes.length === 0) {
      // The close marker of `#fail`.
      this.#closed = true;
      this.#raw?.close();
      return;
    }
    this.#writing = { session: w.session };
    this.#raw!.write(w.bytes);
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b.slice();
  const c = new Uint8Array(a.length + b.length);
  c.set(a);
  c.set(b, a.length);
  return c;
}
