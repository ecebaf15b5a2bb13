/**
 * Runs the runtime contract suite against the adapter `loadRuntime()` picks on the runtime
 * under test (Deno's or Bun's native sockets), and against the `node:net` adapter, which
 * both runtimes can also run: that is how `lib/runtime/node.ts` is checked without a
 * TypeScript-capable Node.
 *
 * Runs on: the test runner's main thread.
 */
import { runtime } from "../_harness.ts";
import { currentRuntimeName, loadRuntime } from "../../lib/runtime/mod.ts";
import { runtimeSuite } from "./_contract.ts";

if (currentRuntimeName() !== runtime) {
  throw new Error(`mod.ts picked ${currentRuntimeName()} on ${runtime}`);
}

runtimeSuite(runtime, loadRuntime);
runtimeSuite("node:net", async () => (await import("../../lib/runtime/node.ts")).nodeRuntime);
