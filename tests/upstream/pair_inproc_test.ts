/**
 * Port of upstream `tests/pair_inproc.cpp` (docs/upstream-tests.md §3.1): a 2-part
 * round trip between two PAIRs over inproc (upstream endpoint `inproc://a`; here a scratch
 * endpoint), on both faces. Upstream pair_tcp also connects a third PAIR to the paired
 * bound one and expects no error anywhere; §4.2 extends that step to every transport,
 * and the port adds that nothing from the third PAIR ever reaches the bound one while
 * the first pair keeps working.
 *
 * Runs on: the test runner's main thread.
 */
import { bounceTests, thirdPairTest } from "./_bounce_suite.ts";

bounceTests("pair_inproc", "inproc", { bound: "PAIR", connecting: "PAIR" });
thirdPairTest("pair_inproc", "inproc");
