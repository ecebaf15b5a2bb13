/**
 * Port of upstream `tests/resubscribe.cpp` (docs/upstream-tests.md §3.21): subscriptions
 * made before connecting reach the XPUB in the Crossroads 4-byte form, and are sent again
 * after the XPUB closes and a new one binds the same endpoint. Upstream runs over tcp
 * (5560); §4.2 adds ipc (no reconnection on inproc). Upstream's `sleep(1)` after the
 * close (class S) is replaced by the bounded receives at the new XPUB (§4.4).
 *
 * Runs on: the test runner's main thread.
 */
import { assert, hexOf as hex, removeDir, tempDir, test } from "../_harness.ts";
import { Context } from "../../mod.ts";
import { reservePort, retry } from "./_testutil.ts";

for (const scheme of ["tcp", "ipc"] as const) {
  test(
    `resubscribe: a SUB's subscriptions reach a new XPUB on the same endpoint over ${scheme}`,
    async () => {
      const dir = scheme === "ipc" ? tempDir() : "";
      const endpoint = scheme === "tcp"
        ? `tcp://127.0.0.1:${await reservePort()}`
        : `ipc://${dir}/resub.sock`;
      const ctx = new Context();
      try {
        // Given: xpub bound; sub subscribes to "a" and "b", then connects.
        let xpub = ctx.socket("XPUB");
        await retry(() => xpub.bind(endpoint));
        using sub = ctx.socket("SUB");
        sub.subscribe("a");
        sub.subscribe("b");
        await sub.connect(endpoint);
        // 1. Both arrive, in order, as 00 01 00 01 <pattern>.
        assert.equal(hex((await xpub.receive({ timeout: 5000 }))[0]!), "00 01 00 01 61");
        assert.equal(hex((await xpub.receive({ timeout: 5000 }))[0]!), "00 01 00 01 62");
        // 2. The XPUB goes away.
        xpub.close();
        // 3. A new XPUB binds the same endpoint.
        xpub = ctx.socket("XPUB");
        try {
          await retry(() => xpub.bind(endpoint));
          // 4. Nothing was published.
          assert.equal(sub.tryReceive(), null);
          // 5. The SUB reconnects and sends its whole set again.
          assert.equal(hex((await xpub.receive({ timeout: 10_000 }))[0]!), "00 01 00 01 61");
          assert.equal(hex((await xpub.receive({ timeout: 5000 }))[0]!), "00 01 00 01 62");
        } finally {
          xpub.close();
        }
      } finally {
        await ctx.term();
        if (dir) removeDir(dir);
      }
    },
  );
}
