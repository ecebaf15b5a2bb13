/**
 * `XS_MAXMSGSIZE` limits message parts only (issue #17; docs/behaviour.md §3, docs/wire.md
 * §8.4), as in Crossroads 1.2.0, whose decoder applies it to each message it reads: a limit
 * of 5, 10 or 30 bytes on a PULL lets parts of 0, 3, 5 bytes (and exactly the limit)
 * through over tcp, ipc and ws, in the ZMTP/3.1 and the Crossroads (`xs1`) wire modes, on
 * both faces. The handshake's frames (greeting, READY), heartbeat commands and ZMTP/3.1
 * SUBSCRIBE commands are not parts and pass a smaller limit; a part one byte over the limit
 * closes that connection only, the PUSH reconnects and its next message is delivered. On the
 * Crossroads wire a subscription is a message, so a limit below its size closes the
 * connection there, as upstream.
 *
 * Runs on: the test runner's main thread (the I/O worker does the tcp/ipc/ws side).
 */
import { Context, type Socket } from "../../mod.ts";
import * as xs from "../../xs.ts";
import { assert, removeDir, tempDir, test } from "../_harness.ts";
import { untilEvent as until } from "../_events.ts";

type Scheme = "tcp" | "ipc" | "ws";
type Wire = "auto" | "xs1";
/** The combinations every check runs over: ws always speaks ZMTP/3 (docs/wire.md §6). */
const CASES: [Scheme, Wire][] = [
  ["tcp", "auto"],
  ["ipc", "auto"],
  ["ws", "auto"],
  ["tcp", "xs1"],
  ["ipc", "xs1"],
];
const LIMITS = [5, 10, 30];
/** Bound of every receive that must succeed, ms. */
const RECV_MS = 5_000;
const dec = new TextDecoder();
const bytes = (n: number, c = 0x61) => new Uint8Array(n).fill(c);

/** A bind endpoint for `scheme` (ipc in `dir`). */
function endpoint(scheme: Scheme, dir: string, n: number): string {
  if (scheme === "ipc") return `ipc://${dir}/m${n}.sock`;
  return scheme === "ws" ? "ws://127.0.0.1:*/m" : "tcp://127.0.0.1:*";
}

/** Asserts `got` is one message whose parts have exactly the sizes and fill of `want`. */
function assertParts(got: Uint8Array[], want: Uint8Array[], what: string) {
  assert.deepEqual(got.map((p) => p.length), want.map((p) => p.length), what);
  for (let i = 0; i < want.length; i++) assert.deepEqual(got[i], want[i], `${what}: part ${i}`);
}

/**
 * After the connection was dropped: sends "g0", "g1"... (one each `step` ms) until one
 * arrives, and returns the first; the PUSH's next messages are served by its new
 * connection. Messages sent while the old one was dying may be lost, as upstream.
 */
async function servedAgain(push: Socket, pull: Socket, step = 100): Promise<string> {
  const deadline = Date.now() + RECV_MS;
  for (let i = 0; Date.now() < deadline; i++) {
    await push.send(`g${i}`, { timeout: RECV_MS });
    const m = await pull.receive({ timeout: step }).catch(() => null);
    if (m) return dec.decode(m[0]);
  }
  throw new Error(`the PUSH was not served again within ${RECV_MS} ms`);
}

for (const [scheme, wire] of CASES) {
  test(
    `maxmsgsize ${
      LIMITS.join("/")
    } over ${scheme} (${wire}): parts up to the limit pass, one more byte drops the connection`,
    async () => {
      const dir = tempDir();
      const ctx = new Context();
      try {
        for (const limit of LIMITS) {
          const pull = ctx.socket("PULL", { linger: 0, maxmsgsize: limit, wire });
          const push = ctx.socket("PUSH", { linger: 0, reconnectIvl: 10, wire });
          try {
            const events = pull.events;
            await pull.bind(endpoint(scheme, dir, limit));
            await push.connect(pull.lastEndpoint);
            const what = `${scheme} ${wire} limit ${limit}`;
            for (const n of [0, 3, 5, limit]) {
              await push.send(bytes(n), { timeout: RECV_MS });
              assertParts(await pull.receive({ timeout: RECV_MS }), [bytes(n)], `${what}: ${n} B`);
            }
            const multi = [bytes(0), bytes(3, 0x62), bytes(5, 0x63), bytes(limit, 0x64)];
            await push.send(multi, { timeout: RECV_MS });
            assertParts(await pull.receive({ timeout: RECV_MS }), multi, `${what}: multipart`);
            // One byte over: that connection closes, the part is never delivered.
            await push.send(bytes(limit + 1, 0x7a), { timeout: RECV_MS });
            const gone = await until(events, "disconnect");
            assert.ok(gone.type === "disconnect");
            assert.match(gone.cause, /maxmsgsize/i, `${what}: ${gone.cause}`);
            const next = await servedAgain(push, pull);
            assert.match(next, /^g\d+$/, what);
            assert.equal(pull.tryReceive()?.some((p) => p.length > limit) ?? false, false, what);
          } finally {
            push.close();
            pull.close();
          }
        }
      } finally {
        await ctx.term();
        removeDir(dir);
      }
    },
    { timeout: 20_000 },
  );
}

for (const [scheme, wire] of CASES) {
  test(
    `the C face: XS_MAXMSGSIZE 5 over ${scheme} (${wire}) takes 0-5 byte parts, drops a 6-byte one`,
    () => {
      const dir = tempDir();
      const c = xs.xs_init()!;
      const pull = xs.xs_socket(c, xs.XS_PULL)!, push = xs.xs_socket(c, xs.XS_PUSH)!;
      const mon = xs.xs_socket(c, xs.XS_PAIR)!;
      try {
        const mode = wire === "xs1" ? 1 : 0;
        for (const s of [pull, push]) {
          assert.equal(xs.xs_setsockopt(s, xs.XS_LINGER, 0), 0);
          assert.equal(xs.xs_setsockopt(s, xs.XS_WIRE_MODE, mode), 0);
        }
        assert.equal(xs.xs_setsockopt(pull, xs.XS_MAXMSGSIZE, new BigInt64Array([5n]), 8), 0);
        assert.equal(xs.xs_setsockopt(pull, xs.XS_RCVTIMEO, RECV_MS), 0);
        assert.equal(xs.xs_setsockopt(push, xs.XS_RECONNECT_IVL, 10), 0);
        const v = new BigInt64Array(1);
        assert.equal(xs.xs_getsockopt(pull, xs.XS_MAXMSGSIZE, v, { value: 8 }), 0);
        assert.equal(v[0], 5n);
        const monEp = `inproc://maxmsgsize-mon-${scheme}-${wire}`;
        assert.equal(xs.xs_socket_monitor(pull, monEp, xs.XS_EVENT_DISCONNECTED), 0);
        assert.equal(xs.xs_connect(mon, monEp), 0);
        assert.ok(xs.xs_bind(pull, endpoint(scheme, dir, 5)) >= 0, xs.xs_strerror(xs.xs_errno()));
        const ep = xs.xs_last_endpoint(pull);
        assert.ok(ep !== null && xs.xs_connect(push, ep) >= 0);
        const buf = new Uint8Array(64);
        for (const n of [0, 3, 5]) {
          assert.equal(xs.xs_send(push, bytes(n), n, 0), n);
          assert.equal(xs.xs_recv(pull, buf, 64, 0), n, `${n} B: ${xs.xs_strerror(xs.xs_errno())}`);
        }
        assert.equal(xs.xs_send(push, bytes(6), 6, 0), 6);
        // The PULL's connection ends (XS_EVENT_DISCONNECTED on its monitor) ...
        assert.equal(xs.xs_setsockopt(mon, xs.XS_RCVTIMEO, RECV_MS), 0);
        const head = new Uint8Array(6);
        assert.equal(xs.xs_recv(mon, head, 6, 0), 6, "a monitor event");
        assert.equal(head[0]! | (head[1]! << 8), xs.XS_EVENT_DISCONNECTED);
        // ... and the PUSH is served again over its next connection.
        assert.equal(xs.xs_setsockopt(pull, xs.XS_RCVTIMEO, 100), 0);
        const deadline = Date.now() + RECV_MS;
        let got = -1;
        while (got < 0 && Date.now() < deadline) {
          assert.equal(xs.xs_send(push, bytes(2, 0x67), 2, 0), 2);
          got = xs.xs_recv(pull, buf, 64, 0);
        }
        assert.equal(got, 2, "served again after the drop");
      } finally {
        xs.xs_close(mon);
        xs.xs_close(push);
        xs.xs_close(pull);
        xs.xs_term(c);
        removeDir(dir);
      }
    },
    { timeout: 20_000 },
  );
}

for (const scheme of ["tcp", "ws"] as const) {
  test(`heartbeats (PING/PONG commands) pass maxmsgsize 0 over ${scheme}`, async () => {
    const ctx = new Context();
    // PINGs both ways every 20 ms; each is a command of 7+ bytes, over the PULL's limit.
    const pull = ctx.socket("PULL", { linger: 0, maxmsgsize: 0, heartbeatIvl: 20 });
    const push = ctx.socket("PUSH", { linger: 0, heartbeatIvl: 20, heartbeatTimeout: 500 });
    try {
      const events = pull.events;
      await pull.bind(scheme === "ws" ? "ws://127.0.0.1:*/hb" : "tcp://127.0.0.1:*");
      await push.connect(pull.lastEndpoint);
      await push.send(new Uint8Array(0));
      assert.equal((await pull.receive({ timeout: RECV_MS }))[0]!.length, 0);
      // Ten heartbeat intervals later the connection is the same one: no disconnect, and an
      // empty part still arrives.
      const seen: string[] = [];
      const deadline = Date.now() + 200;
      while (Date.now() < deadline) {
        let timer: ReturnType<typeof setTimeout> | undefined;
        const r = await Promise.race([
          events.next(),
          new Promise<null>((res) => timer = setTimeout(() => res(null), deadline - Date.now())),
        ]);
        clearTimeout(timer);
        if (r && !r.done) seen.push(r.value.type);
      }
      assert.ok(!seen.includes("disconnect"), `events: ${seen.join(", ")}`);
      await push.send(new Uint8Array(0));
      assert.equal((await pull.receive({ timeout: RECV_MS }))[0]!.length, 0);
    } finally {
      push.close();
      pull.close();
      await ctx.term();
    }
  }, { timeout: 10_000 });
}

test(
  "a ZMTP/3.1 SUBSCRIBE command passes an XPUB's small maxmsgsize; on the xs1 wire a subscription is a message",
  async () => {
    const ctx = new Context();
    try {
      const topic = "a-topic-of-twenty-b!"; // 20 bytes
      for (const wire of ["auto", "xs1"] as const) {
        const pub = ctx.socket("XPUB", { linger: 0, maxmsgsize: 5, wire });
        const sub = ctx.socket("SUB", { linger: 0, reconnectIvl: 10, wire });
        try {
          const events = pub.events;
          await pub.bind("tcp://127.0.0.1:*");
          await sub.connect(pub.lastEndpoint);
          sub.subscribe(topic);
          if (wire === "auto") {
            // A SUBSCRIBE command: delivered to the XPUB as a subscription message.
            const m = await pub.receive({ timeout: RECV_MS });
            assert.equal(m.length, 1);
            assert.ok(dec.decode(m[0]).endsWith(topic), dec.decode(m[0]));
          } else {
            // Crossroads 1.2.0: the subscription (4-byte header + topic) is a 24-byte message,
            // over the limit: the connection closes, as upstream's decoder does.
            const gone = await until(events, "disconnect");
            assert.ok(gone.type === "disconnect", gone.type);
            assert.match(gone.cause, /maxmsgsize/i);
            assert.equal(pub.tryReceive(), null);
          }
        } finally {
          sub.close();
          pub.close();
        }
      }
      // On the xs1 wire a subscription that fits (4 + 1 bytes) arrives.
      const pub = ctx.socket("XPUB", { linger: 0, maxmsgsize: 5, wire: "xs1" });
      const sub = ctx.socket("SUB", { linger: 0, wire: "xs1" });
      try {
        await pub.bind("tcp://127.0.0.1:*");
        await sub.connect(pub.lastEndpoint);
        sub.subscribe("x");
        const m = await pub.receive({ timeout: RECV_MS });
        assert.equal(m[0]!.length, 5);
        assert.equal(dec.decode(m[0]!.subarray(4)), "x");
      } finally {
        sub.close();
        pub.close();
      }
    } finally {
      await ctx.term();
    }
  },
  { timeout: 15_000 },
);
