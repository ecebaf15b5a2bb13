/**
 * IoLoop: the I/O worker's entry. It executes the API thread's commands (bind, connect,
 * pipe, refuse, shutdown, close, term), answers its sessions' events (a handshake done, a
 * connection gone), moves data between connections and pipe rings (the pump), parks, and
 * reports events through the control ring. Its records are in tables.ts; binding, dialling
 * and redialling in endpoints.ts; closing and lingering in linger.ts.
 *
 * Scheduling: the worker never blocks. Socket callbacks do the per-connection work as
 * bytes arrive or writes complete; between them the loop parks on the worker doorbell,
 * which the API thread rings with a `wake` message (only while we are parked, see
 * `#park`) when it publishes messages or frees ring room. Each wake runs one bounded pump
 * over the sessions, so socket events are never starved. The thread boundary's messages
 * are typed in lib/pipe/commands.ts.
 *
 * Shutdown order (with lib/core/context.ts): `close` of a socket closes its listeners at once;
 * its connections linger until their outbound rings are empty or XS_LINGER expires, then
 * close; the loop then reports `closed`. `term` comes last and the context terminates
 * the worker.
 *
 * Runs on: I/O worker.
 */
import {
  API_BELL,
  controlPlace,
  ControlWriter,
  Doorbell,
  type ToApi,
  type ToWorker,
  WAKE_MESSAGE,
  WORKER_BELL,
  type WorkerNote,
  WorkerPipe,
} from "../pipe/mod.ts";
import * as C from "../constants.ts";
import type { Runtime } from "../runtime/mod.ts";
import type { SessionOwner, StreamSession } from "../session/mod.ts";
import type { HandshakeResult } from "../wire/mod.ts";
import type { ZapRequest } from "../security/mod.ts";
import { Endpoints } from "./endpoints.ts";
import { Linger } from "./linger.ts";
import { Tables, type WEndpoint } from "./tables.ts";

/** The IP address of a remote "host:port" (brackets of IPv6 removed); "" for ipc. */
function addressOf(remote: string): string {
  const m = /^\[?(.*?)\]?:\d+$/.exec(remote);
  return m ? m[1]! : "";
}

/**
 * What the application learns of a secured connection, with each message it receives from
 * it (docs/security.md): the peer's READY/INITIATE metadata and ZAP's, under their
 * canonical names, `User-Id`, and `Peer-Address`.
 */
function connectionProperties(r: HandshakeResult, remote: string): Record<string, string> {
  const text = new TextDecoder();
  const out: Record<string, string> = {};
  for (const [k, v] of r.properties) out[canonicalName(k)] = text.decode(v);
  if (r.userId !== "") out["User-Id"] = r.userId;
  const address = addressOf(remote);
  if (address !== "") out["Peer-Address"] = address;
  return out;
}

/** "socket-type" → "Socket-Type". */
function canonicalName(k: string): string {
  return k.replace(/(^|-)([a-z])/g, (_, d: string, c: string) => d + c.toUpperCase());
}

/** Pumps run back to back when parking finds work, before the loop yields to socket events. */
const PUMPS_AT_ONCE = 4;

/** The worker's state and behaviour. */
export class IoLoop implements SessionOwner {
  readonly #post: (msg: WorkerNote) => void;
  readonly #rt: Runtime;
  /** Where written batch buffers go back (lib/pipe/ext_buffers.ts), once the API thread gave it. */
  #bufPort: MessagePort | null = null;
  /** Hands a written batch buffer back to the API thread for reuse. */
  readonly #recycle = (buf: ArrayBuffer): void => this.#bufPort!.postMessage({ buf }, [buf]);
  #bell!: Doorbell;
  #apiBell!: Doorbell;
  #control!: ControlWriter;
  readonly #t = new Tables((e) => this.#event(e));
  // The tables the pump and the session events read, without going through #t.
  readonly #sockets = this.#t.sockets;
  readonly #sessions = this.#t.sessions;
  readonly #awaiting = this.#t.awaiting;
  readonly #pipes = this.#t.pipes;
  readonly #servedPipe = this.#t.servedPipe;
  readonly #linger = new Linger(this.#t);
  /** Sessions whose handshake finished (a close after it is a `disconnect` event). */
  readonly #handshaken = new WeakSet<StreamSession>();
  readonly #endpoints: Endpoints;
  /** Sessions waiting for ZAP's answer, by request number. */
  readonly #zapWaiting = new Map<number, StreamSession>();
  #nextZap = 1;

  /**
   * @param rt the runtime adapter
   * @param post sends a message to the API thread (`{ t: "wake" }`)
   */
  constructor(rt: Runtime, post: (msg: WorkerNote) => void) {
    this.#post = post;
    this.#rt = rt;
    this.#endpoints = new Endpoints(rt, this.#t, this, this.#linger);
  }

  // ------------------------------------------------------------------ commands

  /** Executes one command from the API thread. Never throws. */
  command(m: ToWorker): void {
    try {
      this.#command(m);
    } catch (e) {
      this.#post({ t: "error", error: `command ${m.t} failed: ${(e as Error)?.stack ?? e}` });
    }
  }

  #command(m: ToWorker): void {
    switch (m.t) {
      case "init": {
        const sab = m.sab;
        this.#bell = new Doorbell(sab, WORKER_BELL);
        this.#apiBell = new Doorbell(m.bell, API_BELL);
        this.#control = new ControlWriter(controlPlace(sab));
        if (!this.#park()) this.#later();
        break;
      }
      case "port":
        this.#bufPort = m.port;
        break;
      case "wake":
        this.wake();
        break;
      case "ext": {
        // Messages that did not fit in a pipe's OUT ring (lib/pipe/ring_pipe.ts).
        const p = this.#pipes.get(m.pipe);
        if (!p) break;
        // Buffers come back once the API thread gave the port for them.
        p.addExternal(m, this.#bufPort ? this.#recycle : null);
        this.wake();
        break;
      }
      case "bind":
        this.#endpoints.bind(m).catch((e) => {
          this.#event({ t: "reply", req: m.req, errno: C.EINVAL, error: String(e) });
        });
        break;
      case "check":
        this.#endpoints.check(m).then((r) => this.#event({ t: "reply", req: m.req, ...r }));
        break;
      case "connect":
        this.#endpoints.connect(m);
        break;
      case "pipe": {
        const s = this.#awaiting.get(m.conn);
        if (!s) break;
        this.#awaiting.delete(m.conn);
        this.#servedPipe.set(s, m.pipe);
        const wp = new WorkerPipe(m.pipe, m.sab);
        this.#pipes.set(wp.id, wp);
        s.attach(wp);
        break;
      }
      case "refuse": {
        const s = this.#awaiting.get(m.conn);
        this.#awaiting.delete(m.conn);
        s?.close("refused by the socket");
        break;
      }
      case "monitor":
        this.#t.sock(m.sock).monitored = m.on;
        break;
      case "shutdown":
        this.#linger.shutdown(m.sock, m.ep, m.linger);
        break;
      case "zap": {
        const s = this.#zapWaiting.get(m.zap);
        if (!s) break;
        this.#zapWaiting.delete(m.zap);
        const metadata = new Map(m.metadata.map(([k, v]) => [k, new Uint8Array(v)]));
        s.zapAnswer({ status: m.status, text: m.text, userId: m.userId, metadata });
        break;
      }
      case "close": {
        // XS_LINGER counts from the application's xs_close, not from when we got the
        // command (a worker that is still starting may see it much later).
        const linger = m.linger;
        const left = linger > 0 ? Math.max(0, linger - (Date.now() - m.at)) : linger;
        this.#linger.closeSocket(m.sock, linger > 0 && left === 0 ? 0 : left);
        break;
      }
    }
  }

  // ------------------------------------------------------------------ session events

  /** SessionOwner: the handshake finished. */
  ready(s: StreamSession, r: HandshakeResult): void {
    const sock = this.#sockets.get(s.meta.sock);
    const rec = sock?.endpoints.get(s.meta.ep);
    if (!sock || sock.closing || !rec) {
      if (!s.meta.accepted && rec?.pipe && sock) {
        // Closed while connecting: deliver what is queued (linger), then close.
        s.attach(rec.pipe);
        this.#linger.maybeClosed(sock);
      } else s.close("socket closing");
      return;
    }
    const identity = Array.from(r.peerIdentity);
    this.#handshaken.add(s);
    const remote = this.#t.remotes.get(s) ?? "";
    // Secured connections, and NULL ones checked by ZAP (a ZAP domain), carry properties.
    const properties = r.mechanism !== "NULL" || r.userId !== "" || s.config.security
      ? connectionProperties(r, remote)
      : undefined;
    if (sock.monitored) {
      this.#t.monitor(sock.id, {
        type: "handshake",
        address: rec.address ?? "",
        remote: this.#t.remotes.get(s) ?? "",
        peerType: r.peerType,
        peerIdentity: identity,
        version: r.version,
        mechanism: r.mechanism,
        ...(r.userId !== "" ? { userId: r.userId } : {}),
      });
    }
    if (s.meta.accepted) {
      this.#awaiting.set(s.meta.conn, s);
      this.#event({
        t: "accept",
        sock: sock.id,
        ep: rec.id,
        conn: s.meta.conn,
        peerType: r.peerType,
        peerIdentity: identity,
        version: r.version,
        ...(properties ? { properties } : {}),
      });
    } else {
      rec.backoff!.reset();
      // Order matters twice: stale subscriptions are dropped before "up" (the API thread
      // writes its fresh set only after it has seen "up"), and "up" is published before
      // any data of the new connection (so the peer's identity is known when its first
      // message is read).
      s.prepare(rec.pipe!);
      this.#event({
        t: "up",
        pipe: rec.pipe!.id,
        peerType: r.peerType,
        peerIdentity: identity,
        version: r.version,
        ...(properties ? { properties } : {}),
      });
      s.attach(rec.pipe!);
    }
  }

  /**
   * SessionOwner: a server handshake asks ZAP. The API thread forwards the request to the
   * handler bound at `inproc://zeromq.zap.01` (lib/core/zap.ts) and answers with a `zap`
   * command; a session gone meanwhile is forgotten (`closed`).
   */
  zap(s: StreamSession, req: ZapRequest): void {
    const id = this.#nextZap++;
    this.#zapWaiting.set(id, s);
    const remote = this.#t.remotes.get(s) ?? "";
    this.#event({
      t: "zap",
      zap: id,
      domain: s.config.security?.zapDomain ?? "",
      address: addressOf(remote),
      identity: Array.from(s.config.identity),
      mechanism: req.mechanism,
      credentials: req.credentials.map((c) => Array.from(c)),
    });
  }

  /** SessionOwner: a connection is gone. */
  closed(s: StreamSession, why: string): void {
    this.#sessions.delete(s);
    for (const [id, w] of this.#zapWaiting) if (w === s) this.#zapWaiting.delete(id);
    this.#awaiting.delete(s.meta.conn);
    const sock = this.#sockets.get(s.meta.sock);
    const shaken = this.#handshaken.delete(s);
    if (!sock) return;
    sock.sessions.delete(s);
    const rec = sock.endpoints.get(s.meta.ep);
    if (sock.monitored && !sock.closing) this.#reportClosed(sock.id, s, shaken, why, rec);
    if (s.meta.accepted) {
      // An accepted connection's pipe dies with it (a returning peer is a new pipe).
      if (this.#servedPipe.has(s)) {
        const id = this.#servedPipe.get(s)!;
        this.#pipes.get(id)?.dropExternal();
        this.#pipes.delete(id);
        this.#event({ t: "gone", pipe: id });
        this.#servedPipe.delete(s);
      }
    } else if (rec && rec.session === s) {
      rec.session = null;
      this.#event({ t: "down", pipe: rec.pipe!.id });
      // Refused credentials are not retried: libzmq's peers too drop the endpoint then.
      if (!rec.dead && !s.refused) this.#endpoints.retry(sock, rec);
    }
    this.#linger.maybeClosed(sock);
  }

  /**
   * The event of a connection that ended: `disconnect` after its handshake; before it,
   * `handshake:error:protocol` when the peer broke the protocol, `handshake:error:other`
   * when it went away or ran out of time.
   */
  #reportClosed(sock: number, s: StreamSession, shaken: boolean, why: string, rec?: WEndpoint) {
    const address = rec?.address ?? "";
    const remote = this.#t.remotes.get(s) ?? "";
    if (shaken) {
      this.#t.monitor(sock, { type: "disconnect", address, remote, cause: why });
    } else if (why.startsWith("authentication failed")) {
      this.#t.monitor(sock, { type: "handshake:error:auth", address, remote, error: why });
    } else if (/^(handshake failed|protocol error)/.test(why)) {
      this.#t.monitor(sock, { type: "handshake:error:protocol", address, remote, error: why });
    } else {
      this.#t.monitor(sock, { type: "handshake:error:other", address, remote, error: why });
    }
  }

  /** SessionOwner: a connection wrote everything it had; a closing socket may be done. */
  drained(s: StreamSession): void {
    const sock = this.#sockets.get(s.meta.sock);
    if (sock?.closing) this.#linger.maybeClosed(sock);
  }

  /** SessionOwner: ring the API thread. */
  wakeApi(): void {
    const old = this.#apiBell.ring();
    if (old & WAKE_MESSAGE) this.#post({ t: "wake" });
  }

  #event(e: ToApi): void {
    this.#control.send(e);
    // Events must be seen even when the application waits on nothing of ours (an
    // accepted connection needs its pipe from the API thread), and they are rare: a
    // blocked thread gets the notify, an idle event loop always gets a message.
    this.#apiBell.ring();
    this.#post({ t: "wake" });
  }

  // ------------------------------------------------------------------ pump

  /**
   * One bounded pass: events the control ring could not take yet (the API thread rings
   * us when it has read), then each session's writes and paused reads.
   */
  #pump(): void {
    this.#control.flush();
    for (const s of this.#sessions) {
      if (s.wantsOut) s.pumpOut();
      if (s.blockedIn) s.resumeIn();
    }
    for (const sock of this.#sockets.values()) if (sock.closing) this.#linger.maybeClosed(sock);
  }

  /**
   * Called with the bell armed: true if something can move now. Whatever waits for ring
   * room declares the wait again first (`rearm`): the API thread may have taken the
   * previous declaration with a read while we were busy, ringing a bell nobody had armed,
   * and then freed the rest of the room with no flag left to tell it to ring.
   */
  #hasWork(): boolean {
    if (this.#control.rearm()) return true;
    for (const s of this.#sessions) if (s.wantsOut || s.rearmIn()) return true;
    return false;
  }

  /**
   * A `{ t: "wake" }` message from the API thread: it published while we were parked. Pumps
   * and parks; work found while parking (the API thread freed room for a paused connection
   * meanwhile, say) is pumped again at once, up to PUMPS_AT_ONCE times, and then after the
   * runtime's `soon`. Going through a timer each time stalled a receiving connection for
   * 1-2 ms about 100 times per million 64-byte messages (`setTimeout(0)` is 1.1 ms on Bun,
   * 2 ms on Deno).
   */
  wake(): void {
    for (let i = 0; i < PUMPS_AT_ONCE; i++) {
      this.#pump();
      if (this.#park()) return;
    }
    this.#later();
  }

  /**
   * Parks: announces that the API thread must wake us with a message, then re-checks;
   * returns false (and stays awake) if something can move now. `Atomics.waitAsync` looked
   * like the cheaper bell, but measured on Deno 2.9 and Bun 1.4 inside a worker it resolves
   * only when the worker's event loop turns for another reason (15-50 ms, or never), so the
   * bell is a `postMessage` sent only while parked.
   */
  #park(): boolean {
    this.#bell.prepare(WAKE_MESSAGE);
    if (!this.#hasWork()) return true;
    this.#bell.cancel(WAKE_MESSAGE);
    return false;
  }

  /** Pumps again after socket callbacks had their turn (docs/runtime.md trap 3). */
  #later(): void {
    if (this.#again) return;
    this.#again = true;
    this.#rt.soon(() => {
      this.#again = false;
      this.wake();
    });
  }

  #again = false;
}
