/**
 * What the I/O worker keeps: one record per socket (its endpoints, its connections,
 * whether it is closing), one per endpoint (listener, or the connect side's pipe, live
 * session and reconnect timer), and the tables across sockets: every session, the accepted
 * connections waiting for a pipe, the pipes by id. loop.ts, endpoints.ts and linger.ts
 * share one `Tables`; `event` publishes to the API thread (through loop.ts).
 *
 * Runs on: I/O worker.
 */
import type { MonitorEvent, ToApi, WireOptions, WorkerPipe } from "../pipe/mod.ts";
import type { Listener } from "../runtime/mod.ts";
import type { SessionConfig, StreamSession } from "../session/mod.ts";
import type { Endpoint } from "../transports/mod.ts";
import type { Backoff } from "./reconnect.ts";

/** One bound or connected endpoint of a socket. */
export interface WEndpoint {
  id: number;
  endpoint: Endpoint;
  /** The endpoint as text for events (as bound: a chosen port filled in). */
  address?: string;
  config: SessionConfig;
  opts: WireOptions;
  listener?: Listener;
  /** Connect side: the pipe, the live session, the reconnect timer. */
  pipe?: WorkerPipe;
  session?: StreamSession | null;
  timer?: ReturnType<typeof setTimeout> | undefined;
  backoff?: Backoff;
  dead?: boolean;
}

/** One socket as the worker sees it. */
export interface WSocket {
  id: number;
  endpoints: Map<number, WEndpoint>;
  sessions: Set<StreamSession>;
  closing: boolean;
  lingerTimer?: ReturnType<typeof setTimeout>;
  /** The API thread watches this socket's events (`monitor` command). */
  monitored?: boolean;
}

/** The worker's records, shared by the loop, the endpoints and the lingering. */
export class Tables {
  readonly sockets = new Map<number, WSocket>();
  readonly sessions = new Set<StreamSession>();
  /** Accepted connections whose handshake is done, waiting for `pipe` or `refuse`. */
  readonly awaiting = new Map<number, StreamSession>();
  /** Every pipe the worker serves, by id (messages posted beside the ring find theirs). */
  readonly pipes = new Map<number, WorkerPipe>();
  /** The pipe id an accepted connection serves. */
  readonly servedPipe = new Map<StreamSession, number>();
  /** Connection ids; also the negative ids of the records `shutdown` makes. */
  nextConn = 1;
  /** Publishes a control event (and wakes the API thread). */
  readonly event: (e: ToApi) => void;

  /** @param event publishes a control event */
  constructor(event: (e: ToApi) => void) {
    this.event = event;
  }

  /** The remote address of each connection (for events). */
  readonly remotes = new WeakMap<StreamSession, string>();

  /** Reports `ev` of socket `id` if the API thread watches that socket. */
  monitor(id: number, ev: MonitorEvent): void {
    if (this.sockets.get(id)?.monitored) this.event({ t: "monitor", sock: id, ev });
  }

  /** The socket's record, made on first use. */
  sock(id: number): WSocket {
    let s = this.sockets.get(id);
    if (!s) {
      s = { id, endpoints: new Map(), sessions: new Set(), closing: false };
      this.sockets.set(id, s);
    }
    return s;
  }
}
