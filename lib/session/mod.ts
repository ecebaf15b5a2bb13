/**
 * The ZMTP session over a byte stream: the handshake, then frames between one connection
 * and one pipe's rings, in both directions (`session.ts`, with `inbound.ts` writing the
 * IN ring and `outbound.ts` reading the OUT ring). Knows nothing of URL schemes: the
 * transports (lib/transports/) hand it a connected stream.
 *
 * Runs on: I/O worker.
 */
export { type SessionConfig, type SessionOwner, StreamSession } from "./session.ts";
export {
  HANDSHAKE_IVL,
  Heartbeat,
  type HeartbeatConfig,
  heartbeatConfig,
  type HeartbeatHost,
} from "./heartbeat.ts";
