/**
 * Runs every program in examples/ as a separate OS process on the runtime running the
 * suite (`deno run -A` under Deno, `bun` under Bun) and checks that it exits with code 0
 * and printed the lines that show it did its job. Each run is bounded: the child is
 * killed after RUN_MS and the case fails after CASE_MS. An example that is a folder (an
 * app) has a test file of its own, named in APPS.
 *
 * Runs on: the test runner's main thread (the examples run in child processes).
 */
import { existsSync, readdirSync } from "node:fs";
import { assert, runCommand, runtime, test } from "../_harness.ts";

const ROOT = decodeURIComponent(new URL("../../", import.meta.url).pathname);
const RUN_MS = 20_000;
const CASE_MS = 30_000;

/** Each example and lines its output must contain (one regular expression per line). */
const EXAMPLES: Record<string, RegExp[]> = {
  "pipeline.ts": [
    /^all 3 workers connected \(\d+ probes\)$/m,
    /^sink received 30 results \(worker 1: \d+, worker 2: \d+, worker 3: \d+\)$/m,
    /^total primes counted: \d+ \(checked\)$/m,
    /^pipeline: done$/m,
  ],
  "pubsub_topics.ts": [
    /^publisher saw a subscription to "weather\.oslo"$/m,
    /^subscriber oslo: 3 messages from weather\.oslo$/m,
    /^subscriber everything: 15 messages from /m,
    /^pubsub_topics: done$/m,
  ],
  "broker.ts": [
    /^client 3 got 4 replies, last: "REQUEST 4 OF CLIENT 3 \(worker \d\)"$/m,
    /^workers served \d+ \+ \d+ = 12 requests$/m,
    /^broker: done$/m,
  ],
  "survey.ts": [
    /^3 answers in time: alice: here, bob: here, carol: here$/m,
    /^survey closed after \d+ ms \(deadline 1000 ms\)$/m,
    /^dave answered after the deadline: not counted$/m,
    /^survey: done$/m,
  ],
  "c_face_reqrep.ts": [
    /^XS_REP received 3 parts: ABC DEFGH JK$/m,
    /^XS_REQ received a reply of 10 bytes: ABCDEFGHJK$/m,
    /^c_face_reqrep: done$/m,
  ],
  "secure_reqrep.ts": [
    /^server received "hello" from User-Id \S{40}$/m,
    /^server handshake: mechanism CURVE$/m,
    /^server refused: authentication failed: ZAP refused the peer: 400/m,
    /^stranger was told: authentication failed: .*"400"$/m,
    /^nothing from the stranger within \d+ ms$/m,
    /^stranger did not dial again/m,
    /^secure_reqrep: done$/m,
  ],
};

/** The examples are TypeScript run as they are: Deno and Bun only (Node 20 cannot). */
const SKIP = runtime === "node" ? "the examples run on Deno and Bun" : false;

/** The command line that runs `file` on the current runtime. */
function commandFor(file: string): [string, string[]] {
  const bin = ROOT + "node_modules/.bin/" + runtime;
  return runtime === "deno" ? [bin, ["run", "-A", file]] : [bin, [file]];
}

/**
 * Examples that are a folder (an app of several files that runs until stopped): the test
 * file beside this one that runs each.
 */
const APPS: Record<string, string> = {
  "ws_app": "ws_app_test.ts", // a server, its workers and a page in headless Chromium
};

test("every example in examples/ has a case here", () => {
  const entries = readdirSync(ROOT + "examples", { withFileTypes: true });
  const files = entries.filter((e) => e.isFile() && e.name.endsWith(".ts")).map((e) => e.name);
  assert.deepEqual(files.sort(), Object.keys(EXAMPLES).sort());
  const apps = entries.filter((e) => e.isDirectory()).map((e) => e.name);
  assert.deepEqual(apps.sort(), Object.keys(APPS).sort());
  for (const t of Object.values(APPS)) {
    assert.ok(existsSync(new URL(t, import.meta.url)), `tests/examples/${t} exists`);
  }
});

for (const [name, expected] of Object.entries(EXAMPLES)) {
  test(`examples/${name} runs to completion and exits with 0`, async () => {
    const [cmd, args] = commandFor(`examples/${name}`);
    const { code, stdout, stderr } = await runCommand(cmd, args, { cwd: ROOT, timeout: RUN_MS });
    const shown = `exit code ${code}\n--- stdout\n${stdout}--- stderr\n${stderr}`;
    assert.equal(code, 0, shown);
    for (const line of expected) assert.match(stdout, line, shown);
  }, { timeout: CASE_MS, skip: SKIP });
}
