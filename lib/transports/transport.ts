/**
 * The transport contract: how the I/O loop listens on and dials an endpoint of one URL
 * scheme. A transport turns a parsed endpoint into runtime streams (lib/runtime); what
 * flows on those streams is the StreamSession's business. inproc is not a transport in
 * this sense: it never reaches the worker (see inproc.ts).
 *
 * Runs on: I/O worker.
 */
import type { AcceptFn, Listener, Runtime, StreamConn, StreamHandlers } from "../runtime/mod.ts";
import type { Endpoint } from "./endpoint.ts";

/** Options a transport honours. */
export interface TransportOptions {
  backlog?: number;
  keepalive?: boolean;
  /** ws://: the security mechanism, which names the WebSocket subprotocol (ZWS2.0/NULL...). */
  mechanism?: "NULL" | "PLAIN" | "CURVE";
  /** ws://: the inbound part size limit (-1 none), checked on WebSocket frame headers. */
  maxMsgSize?: number;
  /** wss://: the TLS material (XS_WSS_* options). */
  tls?: TlsTransportOptions;
}

/** wss://: what the TLS stream is made with. */
export interface TlsTransportOptions {
  /** A bind's certificate chain and key, PEM ("" unset). */
  cert: string;
  key: string;
  /** A connect's extra trust anchors, one PEM certificate each. */
  ca: string[];
  /** A connect's expected server name ("" = the endpoint's host). */
  servername: string;
  /** A connect also trusts the runtime's roots. */
  trustSystem: boolean;
}

/** One URL scheme served by the worker. */
export interface Transport {
  /**
   * Listens on `ep`; resolves with the listener and the endpoint as actually bound
   * (a tcp port 0 replaced by the chosen port). Rejects with a NetError.
   */
  listen(
    rt: Runtime,
    ep: Endpoint,
    accept: AcceptFn,
    opts: TransportOptions,
  ): Promise<{ listener: Listener; bound: Endpoint }>;
  /** Dials `ep`; resolves with a function that attaches handlers. Rejects with a NetError. */
  dial(
    rt: Runtime,
    ep: Endpoint,
    opts: TransportOptions,
  ): Promise<(h: StreamHandlers) => StreamConn>;
}
