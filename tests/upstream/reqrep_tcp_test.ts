/**
 * Port of upstream `tests/reqrep_tcp.cpp` (docs/upstream-tests.md §3.6): REP bound, REQ
 * connected, `bounce` — a 2-part request and a 2-part reply. The empty delimiter REQ
 * adds and the routing envelope REP keeps are invisible to both applications. Upstream
 * endpoint `tcp://127.0.0.1:5560`; here a scratch endpoint. Both faces; `bounce` compares every
 * part's bytes (stronger than upstream, which compares only the last).
 *
 * Runs on: the test runner's main thread.
 */
import { bounceTests } from "./_bounce_suite.ts";

bounceTests("reqrep_tcp", "tcp", { bound: "REP", connecting: "REQ" });
