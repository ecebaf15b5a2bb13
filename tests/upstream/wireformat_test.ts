/**
 * Port of upstream `tests/wireformat.cpp` (docs/upstream-tests.md §3.19, §4.3): raw frame
 * bytes from a plain client reach a PULL, and a PUSH writes nothing but the frame
 * (`04 00 61` …) — Crossroads 1.2.0's own wire, which is our `xs1` wire mode (docs/wire.md
 * 4.4, option `wire` / `XS_WIRE_MODE`). Over tcp (upstream) and ipc (a raw unix-socket
 * client, same bytes), on the idiomatic face (the raw peer needs the event loop, which
 * a blocking C-face call would stop).
 *
 * The `auto`-mode cases state what the default mode does with the same raw peers: it
 * sends the 10-byte preamble `FF 00 00 00 00 00 00 00 01 7F` first, takes a legacy
 * peer's first frame as its identity (so "abc" is not delivered, a second frame is),
 * and a peer that never sends anything never completes the handshake (the PUSH has no
 * peer to send to).
 *
 * Runs on: the test runner's main thread.
 */
import { assert, delay, scratchEndpoint, test } from "../_harness.ts";
import { Context, XsError } from "../../mod.ts";
import { RawPeer } from "./_testutil.ts";

const enc = new TextEncoder();
const PREAMBLE = [0xff, 0, 0, 0, 0, 0, 0, 0, 0x01, 0x7f];

for (const scheme of ["tcp", "ipc"] as const) {
  test(
    `wireformat: raw frames in and out of PULL/PUSH in xs1 wire mode over ${scheme}`,
    async () => {
      const ctx = new Context();
      const push = ctx.socket("PUSH", { wire: "xs1", linger: 0 });
      const pull = ctx.socket("PULL", { wire: "xs1", linger: 0 });
      const raws: RawPeer[] = [];
      try {
        await pull.bind(scratchEndpoint(scheme));
        await push.bind(scratchEndpoint(scheme));
        const rpush = await RawPeer.connect(pull.lastEndpoint);
        raws.push(rpush);
        const rpull = await RawPeer.connect(push.lastEndpoint);
        raws.push(rpull);
        rpush.send([0x04, 0x00, 0x61, 0x62, 0x63]);
        assert.deepEqual(await pull.receive({ timeout: 5000 }), [enc.encode("abc")]);
        // Blocks until the accepted rpull connection is attached (PUSH has nowhere else).
        await push.send("abc", { timeout: 5000 });
        assert.deepEqual(await rpull.read(3), [0x04, 0x00, 0x61]);
        // Stronger than upstream: the whole frame, and nothing was sent before it.
        assert.deepEqual(await rpull.read(5), [0x04, 0x00, 0x61, 0x62, 0x63]);
        assert.deepEqual(rpush.got, []);
      } finally {
        for (const r of raws) await r.close();
        pull.close();
        push.close();
        await ctx.term();
      }
    },
    { timeout: 15_000 },
  );

  test(
    `wireformat (auto mode): preamble first, a legacy peer's first frame is its identity, over ${scheme}`,
    async () => {
      const ctx = new Context();
      const push = ctx.socket("PUSH", { linger: 0 });
      const pull = ctx.socket("PULL", { linger: 0 });
      const raws: RawPeer[] = [];
      try {
        assert.equal(pull.wire, "auto");
        await pull.bind(scratchEndpoint(scheme));
        await push.bind(scratchEndpoint(scheme));
        const rpush = await RawPeer.connect(pull.lastEndpoint);
        raws.push(rpush);
        const rpull = await RawPeer.connect(push.lastEndpoint);
        raws.push(rpull);
        // Both raw peers get the preamble at once.
        assert.deepEqual(await rpush.read(10), PREAMBLE);
        assert.deepEqual(await rpull.read(10), PREAMBLE);
        rpush.send([0x04, 0x00, 0x61, 0x62, 0x63]);
        await assert.rejects(
          pull.receive({ timeout: 300 }),
          (e: unknown) => e instanceof XsError && e.code === "EAGAIN",
        );
        rpush.send([0x04, 0x00, 0x64, 0x65, 0x66]);
        assert.deepEqual(await pull.receive({ timeout: 5000 }), [enc.encode("def")]);
        // rpull never answers the preamble: no peer to send to, nothing but the preamble.
        assert.equal(push.trySend("abc"), false);
        await delay(200);
        assert.equal(push.trySend("abc"), false);
        assert.deepEqual(rpull.got, PREAMBLE);
        assert.deepEqual(rpush.got, PREAMBLE);
      } finally {
        for (const r of raws) await r.close();
        pull.close();
        push.close();
        await ctx.term();
      }
    },
    { timeout: 15_000 },
  );
}
