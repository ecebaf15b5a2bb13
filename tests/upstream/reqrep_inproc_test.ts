/**
 * Port of upstream `tests/reqrep_inproc.cpp` (docs/upstream-tests.md §3.4): REP bound, REQ
 * connected, `bounce` — a 2-part request and a 2-part reply. The empty delimiter REQ
 * adds and the routing envelope REP keeps are invisible to both applications. Upstream
 * endpoint `inproc://a`; here a scratch endpoint. Both faces; `bounce` compares every
 * part's bytes (stronger than upstream, which compares only the last).
 *
 * Runs on: the test runner's main thread.
 */
import { bounceTests } from "./_bounce_suite.ts";

bounceTests("reqrep_inproc", "inproc", { bound: "REP", connecting: "REQ" });
