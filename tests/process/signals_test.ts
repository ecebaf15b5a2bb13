/**
 * Signals and blocking calls (docs/differences.md, "threads and life cycle"): in Crossroads
 * I/O 1.2.0 a signal whose handler runs interrupts a blocking call, which fails with
 * `EINTR`. A JavaScript handler cannot run while the thread sleeps in a C-face call: the
 * call goes on (here until its `XS_RCVTIMEO`, `EAGAIN`) and the handler runs once the
 * thread is back in its event loop. A child process blocks in `xs_recv`; the test sends it
 * SIGUSR2 twice.
 *
 * Runs on: the test runner's main thread; the child on the same runtime.
 */
import { assert, delay, runCommand, test } from "../_harness.ts";
import { EAGAIN } from "../../xs.ts";
import { RUNNER, spawnScript } from "./_spawn.ts";

test(`process (${RUNNER}): a signal does not interrupt a blocking xs_recv (no EINTR)`, async () => {
  const child = spawnScript(RUNNER, "_signal_child.ts", []);
  let code = -1;
  try {
    const { pid } = await child.next(15_000);
    assert.ok(Number.isInteger(pid), `a pid, not ${pid}`);
    // A scenario delay: the child goes from its print into xs_recv (2 s) meanwhile.
    await delay(300);
    for (let i = 0; i < 2; i++) {
      assert.equal((await runCommand("kill", ["-USR2", String(pid)])).code, 0);
    }
    const r = await child.next(10_000);
    assert.equal(r.rc, -1);
    assert.equal(r.errno, EAGAIN, "the timeout ran out; EINTR never comes");
    assert.ok(r.ms >= 1900, `returned after ${r.ms} ms`);
    assert.equal(r.during, 0, "no handler ran inside the call");
    assert.ok(r.handled >= 1, "the handler ran once the thread was back in its event loop");
  } finally {
    code = await child.close();
  }
  assert.equal(code, 0, "the child ended normally");
}, { timeout: 30_000 });
