/**
 * Port of upstream `tests/libzmq21.cpp` (docs/upstream-tests.md §3.20, §4.3): with
 * XS_PROTOCOL 1 a PUB sends to a raw peer that never subscribed (`04 00 41 42 43`, no
 * identity first), a SUB sends nothing to its raw peer, and reserved flag bits in an
 * incoming frame are ignored. Upstream's sockets speak Crossroads 1.2.0's own wire: our
 * `xs1` wire mode (docs/wire.md §4.4) plus `protocol: 1`. Over tcp (upstream) and ipc, on the
 * idiomatic face (the raw peer needs the event loop).
 *
 * Upstream's 1 s sleeps (S): part 1 re-sends "ABC" until the raw subscriber got bytes
 * (a PUB drops messages until the peer is attached); part 2 keeps a 300 ms window of
 * "nothing received" before checking the raw publisher got no bytes (§4.4).
 *
 * The `auto`-mode cases state what the default mode does with the same raw peers: the
 * preamble `FF 00 00 00 00 00 00 00 01 7F` is all either raw peer ever gets (a silent
 * peer never completes the handshake, so the PUB has nobody to send to), and the SUB
 * takes the publisher's first frame as its identity, then delivers the next one — the
 * `04 FE` frame — as one single-part message.
 *
 * Runs on: the test runner's main thread.
 */
import { assert, delay, scratchEndpoint, test } from "../_harness.ts";
import { Context, XsError } from "../../mod.ts";
import { RawPeer } from "./_testutil.ts";

const PREAMBLE = [0xff, 0, 0, 0, 0, 0, 0, 0, 0x01, 0x7f];
const isEagain = (e: unknown) => e instanceof XsError && e.code === "EAGAIN";

for (const scheme of ["tcp", "ipc"] as const) {
  test(
    `libzmq21 part 1: a protocol-1 PUB in xs1 mode sends to a raw peer that never subscribed, over ${scheme}`,
    async () => {
      const ctx = new Context();
      const pub = ctx.socket("PUB", { protocol: 1, wire: "xs1", linger: 0 });
      let oldsub: RawPeer | null = null;
      try {
        assert.ok((await pub.bind(scratchEndpoint(scheme))) >= 0);
        oldsub = await RawPeer.connect(pub.lastEndpoint);
        const end = Date.now() + 5000;
        while (oldsub.got.length < 5 && Date.now() < end) {
          await pub.send("ABC");
          await delay(50);
        }
        assert.deepEqual(oldsub.got.slice(0, 5), [0x04, 0x00, 0x41, 0x42, 0x43]);
      } finally {
        pub.close();
        await oldsub?.close();
        await ctx.term();
      }
    },
    { timeout: 15_000 },
  );

  test(
    `libzmq21 part 2: a protocol-1 SUB in xs1 mode sends nothing and ignores reserved flag bits, over ${scheme}`,
    async () => {
      const ctx = new Context();
      const sub = ctx.socket("SUB", { protocol: 1, wire: "xs1", linger: 0 });
      let oldpub: RawPeer | null = null;
      try {
        sub.subscribe("");
        assert.ok((await sub.bind(scratchEndpoint(scheme))) >= 0);
        oldpub = await RawPeer.connect(sub.lastEndpoint);
        await delay(300);
        assert.deepEqual(oldpub.got, []); // no subscription, no identity
        oldpub.send([0x04, 0x00, 0x41, 0x42, 0x43]);
        const m1 = await sub.receive({ timeout: 5000 });
        assert.deepEqual(m1.map((p) => p.length), [3]);
        oldpub.send([0x04, 0xfe, 0x41, 0x42, 0x43]);
        const m2 = await sub.receive({ timeout: 5000 });
        assert.deepEqual(m2.map((p) => p.length), [3]); // MORE clear: one single-part message
        assert.deepEqual(oldpub.got, []);
      } finally {
        sub.close();
        await oldpub?.close();
        await ctx.term();
      }
    },
    { timeout: 15_000 },
  );

  test(
    `libzmq21 (auto mode): the raw peers get only the preamble; the SUB takes the first frame as identity, over ${scheme}`,
    async () => {
      const ctx = new Context();
      const pub = ctx.socket("PUB", { protocol: 1, linger: 0 });
      const sub = ctx.socket("SUB", { protocol: 1, linger: 0 });
      const raws: RawPeer[] = [];
      try {
        await pub.bind(scratchEndpoint(scheme));
        const oldsub = await RawPeer.connect(pub.lastEndpoint);
        raws.push(oldsub);
        assert.deepEqual(await oldsub.read(10), PREAMBLE);
        for (let i = 0; i < 5; i++) {
          await pub.send("ABC");
          await delay(40);
        }
        assert.deepEqual(oldsub.got, PREAMBLE);

        sub.subscribe("");
        await sub.bind(scratchEndpoint(scheme));
        const oldpub = await RawPeer.connect(sub.lastEndpoint);
        raws.push(oldpub);
        assert.deepEqual(await oldpub.read(10), PREAMBLE);
        oldpub.send([0x04, 0x00, 0x41, 0x42, 0x43]);
        await assert.rejects(sub.receive({ timeout: 300 }), isEagain);
        oldpub.send([0x04, 0xfe, 0x41, 0x42, 0x43]);
        assert.deepEqual((await sub.receive({ timeout: 5000 })).map((p) => p.length), [3]);
        assert.deepEqual(oldpub.got, PREAMBLE);
      } finally {
        for (const r of raws) await r.close();
        pub.close();
        sub.close();
        await ctx.term();
      }
    },
    { timeout: 15_000 },
  );
}
