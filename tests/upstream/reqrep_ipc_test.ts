/**
 * Port of upstream `tests/reqrep_ipc.cpp` (docs/upstream-tests.md §3.5): REP bound, REQ
 * connected, `bounce` — a 2-part request and a 2-part reply. The empty delimiter REQ
 * adds and the routing envelope REP keeps are invisible to both applications. Upstream
 * endpoint `ipc:///tmp/tester`; here a scratch endpoint. Both faces; `bounce` compares every
 * part's bytes (stronger than upstream, which compares only the last).
 *
 * Runs on: the test runner's main thread.
 */
import { bounceTests } from "./_bounce_suite.ts";

bounceTests("reqrep_ipc", "ipc", { bound: "REP", connecting: "REQ" });
