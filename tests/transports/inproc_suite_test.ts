/**
 * The transport suite (tests/_transport_suite.ts) over inproc: a fresh name per case.
 *
 * Runs on: the test runner's main thread.
 */
import { scratchEndpoint } from "../_harness.ts";
import { transportSuite } from "../_transport_suite.ts";

transportSuite("inproc", () => scratchEndpoint("inproc"));
