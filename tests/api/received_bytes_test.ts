/**
 * Received parts are `Uint8Array<ArrayBuffer>`: checked at run time (their `.buffer` is an
 * ArrayBuffer, never a SharedArrayBuffer) on every path a part can take — tcp/ipc through
 * the worker's rings (batched small frames and a frame too large for the ring), inproc
 * passing the sender's arrays through, and inproc given a view of a SharedArrayBuffer,
 * which must arrive as a copy — and at type level: this file stops type-checking if the
 * receiving API widens the type again (what `new Response(part)` and `new Blob([part])`
 * in a `Deno.serve` handler need).
 *
 * Runs on: the test runner's main thread.
 */
import { assert, scratchEndpoint, test, TRANSPORTS, waitFor } from "../_harness.ts";
import { Context, type Socket } from "../../mod.ts";
import * as xs from "../../xs.ts";

const ARRIVE_MS = 5_000;
/** Larger than a pipe ring (1 MiB): it goes beside the ring out and streams in chunked. */
const BIG = 2 * 1024 * 1024 + 3;

/** Fails unless `part` is over an ArrayBuffer; type-level, it must be one already. */
function assertArrayBacked(part: Uint8Array<ArrayBuffer>, what: string): void {
  const ab: ArrayBuffer = part.buffer;
  assert.ok(ab instanceof ArrayBuffer, `${what}: not over an ArrayBuffer`);
  assert.ok(!(part.buffer instanceof SharedArrayBuffer), `${what}: over a SharedArrayBuffer`);
}

async function pushPull(ctx: Context, scheme: (typeof TRANSPORTS)[number]) {
  // rcvtimeo bounds the async iteration below as `timeout` bounds each receive.
  const pull = ctx.socket("PULL", { linger: 0, rcvtimeo: ARRIVE_MS });
  const push = ctx.socket("PUSH", { linger: 0 });
  await pull.bind(scratchEndpoint(scheme));
  await push.connect(pull.lastEndpoint);
  return { push, pull };
}

/** The next message by `tryReceive`, polled until it comes. */
async function tryReceived(pull: Socket): Promise<Uint8Array<ArrayBuffer>[]> {
  let got: Uint8Array<ArrayBuffer>[] | null = null;
  await waitFor(() => (got = pull.tryReceive()) !== null, ARRIVE_MS, "a message");
  return got!;
}

for (const scheme of TRANSPORTS) {
  test(`received parts are Uint8Array<ArrayBuffer> over ${scheme}`, async () => {
    await using ctx = new Context();
    const { push, pull } = await pushPull(ctx, scheme);
    using _push = push, _pull = pull;
    const big = new Uint8Array(BIG).fill(5);

    await push.send(["head", new Uint8Array([1, 2, 3]), ""]);
    const m = await pull.receive({ timeout: ARRIVE_MS });
    assert.equal(m.length, 3);
    m.forEach((p, i) => assertArrayBacked(p, `receive, part ${i}`));
    const first = m[0]!;
    // What a Deno.serve handler does with a part: both take Uint8Array<ArrayBuffer> only.
    assert.equal(await new Response(first).text(), "head");
    assert.equal(await new Blob([first, m[1]!]).arrayBuffer().then((b) => b.byteLength), 7);

    await push.send(["small", big]);
    const withBig = await pull.receive({ timeout: ARRIVE_MS });
    withBig.forEach((p, i) => assertArrayBacked(p, `receive with a large part, part ${i}`));
    assert.equal(withBig[1]!.length, BIG);
    assert.equal(withBig[1]![BIG - 1], 5);

    await push.send("tried");
    const tried = await tryReceived(pull);
    tried.forEach((p, i) => assertArrayBacked(p, `tryReceive, part ${i}`));

    await push.send(["iterated", "x"]);
    for await (const it of pull) {
      it.forEach((p, i) => assertArrayBacked(p, `async iteration, part ${i}`));
      const ab: ArrayBuffer = it[0]!.buffer;
      assert.equal(ab.byteLength >= it[0]!.length, true);
      break;
    }
  });
}

test("inproc hands ArrayBuffer-backed parts over as they are, copies shared ones", async () => {
  await using ctx = new Context();
  const { push, pull } = await pushPull(ctx, "inproc");
  using _push = push, _pull = pull;
  const own = new Uint8Array([7, 8, 9]);
  const sab = new SharedArrayBuffer(16);
  const shared = new Uint8Array(sab, 4, 3);
  shared.set([4, 5, 6]);

  await push.send(own);
  const [same] = await pull.receive({ timeout: ARRIVE_MS });
  assert.equal(same, own, "an ArrayBuffer-backed part is handed over as it is");

  await push.send([own, shared]);
  const m = await pull.receive({ timeout: ARRIVE_MS });
  m.forEach((p, i) => assertArrayBacked(p, `part ${i}`));
  assert.equal(m[0], own, "only the shared part is copied");
  assert.notEqual(m[1], shared);
  assert.deepEqual([...m[1]!], [4, 5, 6]);
});

test("C face: a message sent from a SharedArrayBuffer arrives over an ArrayBuffer", () => {
  const ctx = xs.xs_init();
  const pull = xs.xs_socket(ctx, xs.XS_PULL)!, push = xs.xs_socket(ctx, xs.XS_PUSH)!;
  const msg = new xs.xs_msg_t();
  try {
    const ep = scratchEndpoint("inproc");
    assert.equal(xs.xs_bind(pull, ep), 0);
    assert.equal(xs.xs_connect(push, ep), 0);
    const shared = new Uint8Array(new SharedArrayBuffer(4));
    shared.set([1, 2, 3, 4]);
    assert.equal(xs.xs_msg_init_data(msg, shared, 4), 0);
    assert.equal(xs.xs_sendmsg(push, msg, 0), 4);
    assert.equal(xs.xs_setsockopt(pull, xs.XS_RCVTIMEO, ARRIVE_MS), 0);
    assert.equal(xs.xs_recvmsg(pull, msg, 0), 4);
    const data = xs.xs_msg_data(msg);
    assert.ok(data.buffer instanceof ArrayBuffer, "received content over an ArrayBuffer");
    assert.deepEqual([...data], [1, 2, 3, 4]);
  } finally {
    xs.xs_msg_close(msg);
    xs.xs_close(push);
    xs.xs_close(pull);
    xs.xs_term(ctx);
  }
});
