/**
 * The scheme table ("tcp" → tcp.ts, "ipc" → ipc.ts, "ws" and "wss" → ws.ts) and what the I/O loop needs of
 * transports. inproc lives on the API thread and is not listed here.
 *
 * Runs on: I/O worker (and API thread for `endpoint.ts` / `inproc.ts`).
 */
import { ipc } from "./ipc.ts";
import { tcp } from "./tcp.ts";
import { ws } from "./ws.ts";
import type { Transport } from "./transport.ts";

export type { TlsTransportOptions, Transport, TransportOptions } from "./transport.ts";
export {
  checkEndpoint,
  type Endpoint,
  type EndpointProblem,
  formatEndpoint,
  interfaceAddress,
  parseEndpoint,
} from "./endpoint.ts";

/** Worker-served transports by scheme. */
export const TRANSPORTS: Readonly<Record<string, Transport>> = { tcp, ipc, ws, wss: ws };
