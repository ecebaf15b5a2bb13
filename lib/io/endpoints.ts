/**
 * Endpoints in the I/O worker: `bind` (a listener whose connections get sessions),
 * `connect` (the worker's end of the connect-side pipe, dialled now and redialled after
 * the back-off whenever the connection is lost, lib/io/reconnect.ts), and the session
 * configuration an endpoint's connections share, built from the socket's options at the
 * call (docs/behaviour.md §3).
 *
 * Runs on: I/O worker.
 */
import { type ToWorker, type WireOptions, WorkerPipe } from "../pipe/mod.ts";
import * as C from "../constants.ts";
import { errnoByName } from "../errors.ts";
import type { Runtime } from "../runtime/mod.ts";
import {
  HANDSHAKE_IVL,
  heartbeatConfig,
  type SessionConfig,
  type SessionOwner,
  StreamSession,
} from "../session/mod.ts";
import {
  type Endpoint,
  formatEndpoint,
  interfaceAddress,
  type TransportOptions,
  TRANSPORTS,
} from "../transports/mod.ts";
import type { Linger } from "./linger.ts";
import { Backoff } from "./reconnect.ts";
import type { Tables, WEndpoint, WSocket } from "./tables.ts";

/**
 * The errno of a failed listen, from the runtime error's errno name (the API thread turns
 * it back into a code): the OS's own, as upstream's bind(2) and listen(2) pass it on —
 * `EADDRINUSE` only for an address in use, `EADDRNOTAVAIL` for one no interface has,
 * `EACCES` for a privileged port, `ENOENT`/`ENOTDIR`/`EPERM`/`EROFS`/`ELOOP` for an ipc path
 * that cannot be bound. A name outside the errno table (or none: the adapters then say
 * "EIO") is `EIO`, never an errno that would say something untrue.
 */
export function listenErrno(code: string | undefined): number {
  const n = code && /^E[A-Z0-9]+$/.test(code) ? errnoByName(code) : undefined;
  return n !== undefined && n < C.XS_HAUSNUMERO ? n : C.EIO;
}

/**
 * What every connection of an endpoint is configured with: the one place it is built. A
 * ws:// connection speaks ZMTP/3 to the session (lib/transports/ws.ts translates), so its
 * wire mode is always "zmtp3".
 */
export function sessionConfig(o: WireOptions, ep?: Endpoint): SessionConfig {
  return {
    type: o.type,
    peers: o.peers,
    sendsIdentity: o.sendsIdentity,
    subscriptions: o.subscriptions,
    identity: new Uint8Array(o.identity),
    maxmsgsize: o.maxmsgsize,
    mode: ep?.scheme === "ws" || ep?.scheme === "wss" ? "zmtp3" : o.mode,
    handshakeIvl: o.handshakeIvl ?? HANDSHAKE_IVL,
    heartbeat: heartbeatConfig(o.heartbeatIvl ?? 0, o.heartbeatTimeout ?? -1, o.heartbeatTtl ?? 0),
    ...(o.security ? { security: o.security } : {}),
  };
}

/** What a transport is told of an endpoint's options. */
function transportOptions(o: WireOptions): TransportOptions {
  const w = o.wss;
  return {
    backlog: o.backlog,
    keepalive: o.keepalive,
    mechanism: o.security?.mechanism ?? "NULL",
    maxMsgSize: o.maxmsgsize,
    tls: {
      cert: w?.certPem ?? "",
      key: w?.keyPem ?? "",
      ca: w ? pemCertificates(w.trustPem) : [],
      servername: w?.hostname ?? "",
      trustSystem: w?.trustSystem ?? true,
    },
  };
}

/** The certificates of a PEM bundle, one PEM text each (what the runtimes' `ca` lists take). */
function pemCertificates(pem: string): string[] {
  return pem.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
}

/** Binding, connecting and redialling, over the worker's tables. */
export class Endpoints {
  readonly #rt: Runtime;
  readonly #t: Tables;
  readonly #owner: SessionOwner;
  readonly #linger: Linger;

  /**
   * @param rt the runtime adapter
   * @param t the worker's tables
   * @param owner receives every new session's events (the loop)
   * @param linger tells whether a closing socket is done
   */
  constructor(rt: Runtime, t: Tables, owner: SessionOwner, linger: Linger) {
    this.#rt = rt;
    this.#t = t;
    this.#owner = owner;
    this.#linger = linger;
  }

  /** Listens; answers with a `reply` (the bound endpoint, or the errno). */
  async bind(m: Extract<ToWorker, { t: "bind" }>): Promise<void> {
    const sock = this.#t.sock(m.sock);
    if (m.monitor) sock.monitored = true;
    let ep = m.endpoint;
    const opts = m.opts;
    const transport = TRANSPORTS[ep.scheme];
    const rec: WEndpoint = { id: m.ep, endpoint: ep, config: sessionConfig(opts, ep), opts };
    try {
      // The API thread serves inproc itself: only tcp and ipc come here.
      if (!transport) throw new TypeError(`no worker transport for ${ep.scheme}`);
      if ("iface" in ep && ep.iface) rec.endpoint = ep = this.#onInterface(ep, opts.ipv4only);
      rec.address = formatEndpoint(ep);
      const { listener, bound } = await transport.listen(this.#rt, ep, (conn) => {
        const s = this.#newSession(sock, rec, true);
        this.#t.remotes.set(s, conn.remote);
        this.#t.monitor(sock.id, { type: "accept", address: rec.address!, remote: conn.remote });
        queueMicrotask(() => s.begin(conn));
        return s;
      }, transportOptions(opts));
      rec.listener = listener;
      rec.address = formatEndpoint(bound);
      this.#t.monitor(sock.id, { type: "listening", address: rec.address });
      if (sock.closing) {
        listener.close();
      } else {
        sock.endpoints.set(rec.id, rec);
      }
      this.#t.event({ t: "reply", req: m.req, errno: 0, endpoint: bound });
    } catch (e) {
      const errno = listenErrno((e as { code?: string })?.code);
      this.#t.monitor(sock.id, {
        type: "bind:error",
        address: formatEndpoint(ep),
        error: e instanceof Error ? e.message : String(e),
        errno,
      });
      this.#t.event({ t: "reply", req: m.req, errno, error: String(e) });
    }
  }

  /**
   * A bind to an interface name: the endpoint at the address Crossroads 1.2.0 would take
   * (`interfaceAddress`); throws ENODEV when no interface has that name and such an address.
   */
  #onInterface<E extends Endpoint & { host: string }>(ep: E, ipv4only: boolean): E {
    const list = this.#rt.interfaces();
    const address = interfaceAddress(list, ep.host, ipv4only);
    if (address !== null) {
      return { ...ep, host: address, ipv6: address.includes(":"), iface: false };
    }
    const names = [...new Set(list.map((i) => i.name))].join(", ");
    const e = new Error(
      `no interface "${ep.host}" with an ${ipv4only ? "IPv4 " : ""}address on this host, ` +
        `whose interfaces are ${names || "none"}`,
    ) as Error & { code: string };
    e.code = "ENODEV";
    throw e;
  }

  /**
   * Before a tcp connect: whether the host has the interface named as its source address
   * (ENODEV), whether the runtime may reach the endpoint (Deno's net
   * permission: EACCES) and whether its host resolves (EINVAL, as Crossroads 1.2.0 refuses
   * an unresolvable host at `xs_connect`). Never rejects.
   */
  async check(m: Extract<ToWorker, { t: "check" }>): Promise<{ errno: number; error?: string }> {
    const ep = m.endpoint;
    if (ep.scheme !== "tcp" && ep.scheme !== "ws" && ep.scheme !== "wss") return { errno: 0 };
    if (ep.scheme === "tcp" && ep.sourceIface) {
      // Only checked, as for a literal source: no runtime binds a connecting socket.
      try {
        this.#onInterface({ ...ep, host: ep.sourceIface.name }, ep.sourceIface.ipv4only);
      } catch (e) {
        const errno = (e as { code?: string }).code === "EACCES" ? C.EACCES : C.ENODEV;
        return { errno, error: `source address: ${(e as Error).message}` };
      }
    }
    const denied = this.#rt.netDenied(ep.host, ep.port);
    if (denied) return { errno: C.EACCES, error: denied };
    try {
      await this.#rt.resolve(ep.host);
      return { errno: 0 };
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      return { errno: C.EINVAL, error: `cannot resolve host "${ep.host}": ${why}` };
    }
  }

  /** Serves the connect-side pipe and dials. */
  connect(m: Extract<ToWorker, { t: "connect" }>): void {
    const sock = this.#t.sock(m.sock);
    if (m.monitor) sock.monitored = true;
    const opts = m.opts;
    const rec: WEndpoint = {
      id: m.ep,
      endpoint: m.endpoint,
      config: sessionConfig(opts, m.endpoint),
      opts,
      pipe: new WorkerPipe(m.pipe, m.sab),
      session: null,
      backoff: new Backoff(opts.reconnectIvl, opts.reconnectIvlMax),
    };
    sock.endpoints.set(rec.id, rec);
    this.#t.pipes.set(rec.pipe!.id, rec.pipe!);
    this.#dial(sock, rec);
  }

  #dial(sock: WSocket, rec: WEndpoint): void {
    rec.timer = undefined;
    if (rec.dead) return;
    const transport = TRANSPORTS[rec.endpoint.scheme];
    if (!transport) throw new TypeError(`no worker transport for ${rec.endpoint.scheme}`);
    const address = rec.address ??= formatEndpoint(rec.endpoint);
    this.#t.monitor(sock.id, { type: "connect:delay", address });
    transport.dial(this.#rt, rec.endpoint, transportOptions(rec.opts)).then((attach) => {
      if (rec.dead) {
        attach({ data() {}, written() {}, closed() {} }).close();
        return;
      }
      const s = this.#newSession(sock, rec, false);
      const conn = attach(s);
      rec.session = s;
      this.#t.remotes.set(s, conn.remote);
      this.#t.monitor(sock.id, { type: "connect", address, remote: conn.remote });
      s.begin(conn);
    }, (e) => this.retry(sock, rec, e instanceof Error ? e.message : String(e)));
  }

  /** Dials again after the back-off (a failed dial or a lost connection). */
  retry(sock: WSocket, rec: WEndpoint, why = "connection lost"): void {
    if (rec.dead) return this.#linger.maybeClosed(sock);
    const interval = rec.backoff!.next();
    this.#t.monitor(sock.id, {
      type: "connect:retry",
      address: rec.address ?? formatEndpoint(rec.endpoint),
      interval,
      error: why,
    });
    rec.timer = setTimeout(() => this.#dial(sock, rec), interval);
  }

  #newSession(sock: WSocket, rec: WEndpoint, accepted: boolean): StreamSession {
    const t = this.#t;
    const s = new StreamSession(rec.config, this.#owner);
    s.meta = { sock: sock.id, ep: rec.id, conn: t.nextConn++, accepted };
    sock.sessions.add(s);
    t.sessions.add(s);
    return s;
  }
}
