/**
 * The transport suite (tests/_transport_suite.ts) over ipc: a socket path in a fresh temporary
 * directory per endpoint.
 *
 * Runs on: the test runner's main thread.
 */
import { scratchEndpoint } from "../_harness.ts";
import { transportSuite } from "../_transport_suite.ts";

transportSuite("ipc", () => scratchEndpoint("ipc"));
