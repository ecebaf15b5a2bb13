/**
 * The transport suite (tests/_transport_suite.ts) over tcp: a port of 127.0.0.1 that nobody
 * listens on, reserved per endpoint (the suite needs the address before the bind).
 *
 * Runs on: the test runner's main thread.
 */
import { reservePort } from "../_harness.ts";
import { transportSuite } from "../_transport_suite.ts";

transportSuite("tcp", async () => `tcp://127.0.0.1:${await reservePort()}`);
