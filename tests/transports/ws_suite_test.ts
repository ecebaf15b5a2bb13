/**
 * The transport suite (tests/_transport_suite.ts) over ws:// (ZeroMQ over WebSocket,
 * ZWS 2.0: lib/transports/ws.ts): a port of 127.0.0.1 that nobody listens on, reserved per
 * endpoint, with a path.
 *
 * Runs on: the test runner's main thread.
 */
import { reservePort } from "../_harness.ts";
import { transportSuite } from "../_transport_suite.ts";

transportSuite("ws", async () => `ws://127.0.0.1:${await reservePort()}/zmq`);
