/**
 * A live listener under hostile connections (issue #14 item 4, docs/wire.md §8): a PULL of
 * ours bound on tcp in its own process (tests/process/_peer.ts `fuzzpull`) receives a numbered
 * stream from a good PUSH peer (another process) while this test opens a few thousand raw tcp
 * connections to it (lib/runtime's connectTcp, as tests/upstream/_testutil.ts RawPeer does)
 * that send hostile bytes: random bytes from the start, a valid greeting then garbage, a huge
 * frame length, a 1.0 length of 0, another mechanism, revision 00, ERROR, an incompatible
 * type, a connection that stops mid-frame, an HTTP request, and inputs of the decoder fuzz
 * (tests/wire/_fuzz_gen.ts).
 *
 * Each connection's fate is predicted by the fuzz's reference model of docs/wire.md (for a
 * PULL in `auto` mode): an input it refuses must be closed by our side within 3 s; any other
 * is held 100 ms and must still be open, then the test closes it. Then: the good stream
 * arrived whole and in order, the PULL process still runs, its RSS is within 32 MB and its
 * fds within 4 of the figures before the fuzz (as tests/process/churn_test.ts measures);
 * and 120 connections that announce 2^31 - 1 bytes and stop, held at once, add far less
 * than one such size to its address space (VmSize), and its fds come back once closed.
 *
 * Runs on: the test runner's main thread; the peers in their own processes.
 */
import { assert, portOf, test } from "../_harness.ts";
import { RUNNER, startPeer } from "./_spawn.ts";
import { loadRuntime, type StreamConn } from "../../lib/runtime/mod.ts";
import { errorFrame, readyFrame } from "../../lib/wire/mod.ts";
import { caseOf, caseSeed, cat, generate, reference, Rng } from "../wire/_fuzz_gen.ts";

const SEED = 20_140_004;
const CONNECTIONS = 3000;
const AT_ONCE = 48;
const SLACK_MB = 32;
const GOOD = 3000;

const enc = new TextEncoder();
const greeting = (mech = "NULL", rev = 3): Uint8Array => {
  const g = new Uint8Array(64);
  g.set([0xff, 0, 0, 0, 0, 0, 0, 0, 1, 0x7f, rev, 1]);
  g.set(enc.encode(mech), 12);
  return g;
};
const READY = cat(greeting(), readyFrame("PUSH", null));
const u64 = (flags: number, n: number) => {
  const b = new Uint8Array(9);
  b[0] = flags;
  new DataView(b.buffer).setBigUint64(1, BigInt(n));
  return b;
};

/** The bytes of hostile connection `i` (kind by index, content from the PRNG). */
function hostile(rng: Rng, i: number): Uint8Array {
  switch (i % 12) {
    case 0:
      return rng.bytes(rng.range(1, 4096)); // random bytes from the start
    case 1:
      return cat(greeting(), rng.bytes(rng.range(1, 2048))); // a valid greeting, then garbage
    case 2:
      return cat(READY, rng.bytes(rng.range(1, 2048))); // greeting and READY, then garbage
    case 3: // a frame length over the hard cap, with or without COMMAND
      return cat(READY, u64(rng.pick([2, 6]), rng.pick([2 ** 31, 2 ** 40, 2 ** 53 - 1])));
    case 4: // stops mid-frame: 1,000 bytes announced, 100 sent
      return cat(READY, u64(2, 1000), rng.bytes(100));
    case 5:
      return rng.pick([new Uint8Array([1, 0, 0]), new Uint8Array([0]), new Uint8Array([1, 0])]);
    case 6:
      return greeting(rng.pick(["PLAIN", "CURVE", "null"]));
    case 7:
      return greeting("NULL", 0); // revision 00
    case 8:
      return cat(greeting(), errorFrame("go away"));
    case 9:
      return cat(greeting(), readyFrame(rng.pick(["PUB", "PULL", "REQ"]), null));
    case 10:
      return enc.encode("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n");
    default: {
      const c = generate(SEED, i);
      return c.bytes.length ? c.bytes : new Uint8Array([0]);
    }
  }
}

/**
 * What the rules of docs/wire.md say a PULL in `auto` mode without XS_MAXMSGSIZE does with
 * `bytes` (the fuzz's reference model, written apart from lib/wire): refuse them (close at
 * once), and whether a command came after the handshake (a PING's ttl may arm our heartbeat
 * timer, which may close the connection later, docs/wire.md §7).
 */
function predict(bytes: Uint8Array): { refused: boolean; command: boolean } {
  const v = reference(caseOf(bytes));
  return { refused: v.refused, command: v.frames.some((f) => (f.flags & 4) !== 0) };
}

/** One raw tcp connection that writes `bytes` in a few pieces and records who closed it. */
class Hostile {
  conn!: StreamConn;
  byUs = false;
  closed = false;
  #closing = false;
  #queue: Uint8Array[] = [];
  #busy = false;
  #onClose: (() => void) | null = null;
  /** Queues `parts`, written one at a time. */
  send(parts: Uint8Array[]): void {
    this.#queue.push(...parts);
    this.#pump();
  }
  #pump(): void {
    if (this.#busy || this.closed || !this.#queue.length) return;
    this.#busy = true;
    this.conn.write(this.#queue.shift()!);
  }
  /** Resolves true once closed by our PULL, false if `ms` passed first. */
  waitClose(ms: number): Promise<boolean> {
    if (this.closed) return Promise.resolve(true);
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.#onClose = null;
        resolve(false);
      }, ms);
      this.#onClose = () => {
        clearTimeout(t);
        resolve(true);
      };
    });
  }
  /** Closes from the test side; resolves once the stream is gone. */
  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.#closing = true;
    const gone = new Promise<void>((r) => (this.#onClose = r));
    this.conn.close();
    return gone;
  }
  /** The StreamHandlers to attach. */
  handlers() {
    return {
      data: () => {},
      written: () => {
        this.#busy = false;
        this.#pump();
      },
      closed: () => {
        this.closed = true;
        this.byUs = !this.#closing;
        const f = this.#onClose;
        this.#onClose = null;
        f?.();
      },
    };
  }
}

test(
  `process (${RUNNER}): a PULL under ${CONNECTIONS} hostile connections keeps stream, memory, fds`,
  async () => {
    const rt = await loadRuntime();
    // As in churn_test.ts: V8 grows a busy isolate's young generation (up to 16 MB a
    // semi-space), which says nothing of what the library holds; the cap keeps it out
    // (Deno: the flag; Node: `semiSpace`, set by the peer itself).
    const pull = startPeer(RUNNER, {
      role: "fuzzpull",
      endpoint: "tcp://127.0.0.1:*",
      bind: true,
      maxMs: 90_000,
      semiSpace: 1,
    }, ["--v8-flags=--max-semi-space-size=1"]);
    let push: ReturnType<typeof startPeer> | null = null;
    const t0 = Date.now();
    try {
      const ready = await pull.until((l) => l.ready);
      const port = portOf(ready.endpoint);
      const stat = async () => {
        pull.send("stat");
        return await pull.until((l) => l.stat);
      };
      /** The PULL's figures once its fd count held still (2 s at most). */
      const settled = async () => {
        let st = await stat();
        for (let same = 0, k = 0; same < 4 && k < 40; k++) {
          await new Promise((r) => setTimeout(r, 50));
          const now = await stat();
          same = now.fds === st.fds ? same + 1 : 0;
          st = now;
        }
        return st;
      };
      const tally = {
        connections: 0,
        byUs: 0,
        byTest: 0,
        late: [] as string[],
        early: [] as string[],
      };
      const one = async (i: number) => {
        // Each connection has its own PRNG: the same bytes and cuts whatever the timing.
        const rng = new Rng(caseSeed(SEED + 1, i));
        const bytes = hostile(rng, i);
        const fate = predict(bytes);
        const expectClose = fate.refused;
        const h = new Hostile();
        h.conn = (await rt.connectTcp("127.0.0.1", port))(h.handlers());
        // In one to three writes, cut anywhere.
        const cuts = [0, rng.int(bytes.length + 1), rng.int(bytes.length + 1), bytes.length]
          .slice(0, 2 + rng.int(3)).sort((a, b) => a - b);
        cuts[cuts.length - 1] = bytes.length;
        const parts: Uint8Array[] = [];
        for (let k = 1; k < cuts.length; k++) {
          if (cuts[k]! > cuts[k - 1]!) parts.push(bytes.slice(cuts[k - 1], cuts[k]));
        }
        h.send(parts);
        const closedByUs = await h.waitClose(expectClose ? 3000 : 100);
        tally.connections++;
        if (closedByUs && h.byUs) tally.byUs++;
        else {
          await h.close();
          tally.byTest++;
        }
        const what = `#${i} (kind ${i % 12}, ${bytes.length} bytes)`;
        if (expectClose && !(closedByUs && h.byUs)) tally.late.push(what);
        if (!expectClose && h.byUs && !fate.command) tally.early.push(what);
      };
      const run = async (from: number, count: number) => {
        let next = from;
        const lane = async () => {
          while (next < from + count) await one(next++);
        };
        await Promise.all(Array.from({ length: AT_ONCE }, lane));
      };

      // Warm-up (the runtimes' buffers and JIT), then the figures to come back to.
      await run(0, 240);
      const base = await settled();

      // The good stream, paced so that it runs through the fuzz.
      push = startPeer(RUNNER, {
        role: "send",
        type: "PUSH",
        endpoint: ready.endpoint,
        plan: [[64], [8, 300], [1000, 0, 5]],
        count: GOOD,
        pace: 1,
        maxMs: 90_000,
      });
      await run(240, CONNECTIONS - 240);
      await push.until((l) => l.termMs !== undefined, 30_000);
      let got = await stat();
      for (let k = 0; k < 100 && got.good < GOOD; k++) {
        await new Promise((r) => setTimeout(r, 50));
        got = await stat();
      }
      const after = await settled();

      // 120 connections announcing 2^31 - 1 bytes (data and commands, 2,000 body bytes
      // each), held open together: what the announcements cost the PULL's address space.
      const held: Hostile[] = [];
      const rng = new Rng(SEED);
      for (let i = 0; i < 120; i++) {
        const h = new Hostile();
        h.conn = (await rt.connectTcp("127.0.0.1", port))(h.handlers());
        h.send([cat(READY, u64(i % 2 ? 2 : 6, 2 ** 31 - 1), rng.bytes(2000))]);
        held.push(h);
      }
      await new Promise((r) => setTimeout(r, 500));
      const holding = await stat();
      const heldOpen = held.filter((h) => !h.closed).length;
      await Promise.all(held.map((h) => h.close()));
      const released = await settled();

      console.log(
        `fuzz listener (${RUNNER}): ${tally.connections} hostile connections in ` +
          `${((Date.now() - t0) / 1000).toFixed(1)} s, ${tally.byUs} closed by us, ` +
          `${tally.byTest} by the test; good stream ${got.good}/${GOOD} in order ` +
          `(${got.foreign} foreign messages); RSS ${base.rss} → ${after.rss} MB, fds ` +
          `${base.fds} → ${after.fds}; 120 held announcing 2^31-1: VmSize +` +
          `${Math.round((holding.vm - after.vm) / 1024)} MB, RSS ${holding.rss} MB, then ` +
          `${released.rss} MB, fds ${released.fds}`,
      );
      assert.deepEqual(tally.late, [], "refused inputs our side did not close within 3 s");
      assert.deepEqual(tally.early, [], "inputs the codec accepts but our side closed");
      assert.equal(tally.connections, CONNECTIONS);
      assert.deepEqual(got.bad, []);
      assert.equal(got.good, GOOD, "the good stream arrived whole");
      assert.ok(after.rss - base.rss <= SLACK_MB, `PULL RSS ${base.rss} → ${after.rss} MB`);
      assert.ok(after.fds <= base.fds + 4, `PULL fds ${base.fds} → ${after.fds}`);
      assert.equal(heldOpen, 120, "a size within the hard cap is legal: those stay open");
      // One reservation of 2^31 - 1 bytes would be 2 GiB; 120 of them 240 GiB.
      assert.ok(holding.vm - after.vm < 1024 * 1024, `VmSize ${after.vm} → ${holding.vm} KiB`);
      assert.ok(released.fds <= base.fds + 4, `PULL fds ${base.fds} → ${released.fds}`);
      pull.send("stop");
      const stopped = await pull.until((l) => l.stopped);
      assert.deepEqual(stopped.bad, []);
      assert.equal(await pull.exited, 0, "the PULL process ended normally");
    } finally {
      await push?.stop();
      await pull.stop();
    }
  },
  { timeout: 80_000 },
);
