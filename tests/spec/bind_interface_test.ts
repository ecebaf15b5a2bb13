/**
 * tcp and ws binds to an interface name (xs_tcp(7): "the interface name as defined by the
 * OS"): the I/O worker looks the name up (`Runtime.interfaces`) and binds the interface's
 * first IPv4 address, as Crossroads 1.2.0 does; `localhost` and `lo` bind 127.0.0.1; a name
 * no interface has is ENODEV, with the host's interfaces named. A connect's source address
 * (`tcp://eth0;host:port`) may be an interface name too, checked the same way. Peers: our own sockets, and a
 * libzmq PUSH in a Node child connecting to the address the name stood for.
 *
 * Runs on: the test runner's main thread; the I/O worker serves the connections.
 */
import { Context } from "../../mod.ts";
import * as xs from "../../xs.ts";
import { loadRuntime } from "../../lib/runtime/mod.ts";
import { interfaceAddress } from "../../lib/transports/mod.ts";
import { assert, test } from "../_harness.ts";
import { peerUnavailable, startPeer, toB64 } from "../interop/_peer.ts";

const RECV_MS = 5_000;
const enc = new TextEncoder(), dec = new TextDecoder();
const list = (await loadRuntime()).interfaces();
/** Every interface with an IPv4 address (lo at least), by name, with that address. */
const named = [...new Set(list.map((i) => i.name))]
  .map((name) => ({ name, address: interfaceAddress(list, name, true) }))
  .filter((i): i is { name: string; address: string } => i.address !== null);

test("the host lists its loopback interface with 127.0.0.1", () => {
  assert.ok(
    list.some((i) => i.address === "127.0.0.1" && !i.ipv6),
    `interfaces: ${JSON.stringify(list)}`,
  );
  assert.ok(named.length >= 1);
});

for (const { name, address } of named) {
  for (const scheme of ["tcp", "ws"] as const) {
    test(`a ${scheme} bind to interface ${name} listens on ${address} and carries messages`, async () => {
      await using ctx = new Context();
      using pull = ctx.socket("PULL");
      await pull.bind(`${scheme}://${name}:*${scheme === "ws" ? "/zmq" : ""}`);
      const at = new URL(pull.lastEndpoint);
      assert.equal(at.hostname, address, pull.lastEndpoint);
      using push = ctx.socket("PUSH");
      await push.connect(pull.lastEndpoint);
      await push.send(`via ${name}`);
      assert.deepEqual((await pull.receive({ timeout: RECV_MS })).map((p) => dec.decode(p)), [
        `via ${name}`,
      ]);
    });
  }
}

test("a connect's source address may be an interface name; one no interface has is ENODEV", async () => {
  const { name, address } = named[named.length - 1]!;
  await using ctx = new Context();
  using pull = ctx.socket("PULL");
  await pull.bind(`tcp://${address}:*`);
  const port = new URL(pull.lastEndpoint).port;
  using push = ctx.socket("PUSH");
  // Checked and then not used, as a literal source is (docs/behaviour.md §10.12).
  await push.connect(`tcp://${name};${address}:${port}`);
  await push.send("from a named source");
  assert.equal(dec.decode((await pull.receive({ timeout: RECV_MS }))[0]!), "from a named source");
  await assert.rejects(push.connect(`tcp://xsnoiface0;${address}:${port}`), {
    code: "ENODEV",
    message: /source address: no interface "xsnoiface0"/,
  });
});

test("a bind to a name no interface has is ENODEV, naming the host's interfaces", async () => {
  await using ctx = new Context();
  using s = ctx.socket("PULL");
  await assert.rejects(s.bind("tcp://xsnoiface0:*"), (e: Error & { code?: string }) => {
    assert.equal(e.code, "ENODEV");
    assert.match(e.message, /no interface "xsnoiface0" with an IPv4 address/);
    assert.ok(e.message.includes(named[0]!.name), e.message);
    return true;
  });
  // A host name is not an interface name either (upstream binds interfaces and literals).
  await assert.rejects(s.bind("tcp://example.com:*"), { code: "ENODEV" });
  // Longer than an interface name may be: refused before the worker is asked.
  await assert.rejects(s.bind("tcp://a-name-of-20-chars:*"), { code: "ENODEV" });
});

test("the C face: xs_bind to an interface name returns an endpoint id, an unknown one ENODEV", () => {
  const ctx = xs.xs_init()!;
  const pull = xs.xs_socket(ctx, xs.XS_PULL)!;
  const push = xs.xs_socket(ctx, xs.XS_PUSH)!;
  try {
    const { name, address } = named[named.length - 1]!;
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    let rc = -1;
    for (let p = port; rc < 0 && p < port + 50; p++) {
      rc = xs.xs_bind(pull, `tcp://${name}:${p}`);
      if (rc >= 0) assert.ok(xs.xs_connect(push, `tcp://${address}:${p}`) >= 0);
    }
    assert.ok(rc >= 0, `xs_bind to ${name}: errno ${xs.xs_errno()}`);
    assert.equal(xs.xs_send(push, enc.encode("c face"), 6, 0), 6);
    const buf = new Uint8Array(16);
    assert.equal(xs.xs_setsockopt(pull, xs.XS_RCVTIMEO, RECV_MS), 0);
    assert.equal(xs.xs_recv(pull, buf, 16, 0), 6);
    assert.equal(dec.decode(buf.subarray(0, 6)), "c face");
    assert.equal(xs.xs_bind(pull, "tcp://xsnoiface0:5555"), -1);
    assert.equal(xs.xs_errno(), xs.ENODEV);
  } finally {
    xs.xs_close(push);
    xs.xs_close(pull);
    xs.xs_term(ctx);
  }
});

test(
  "a libzmq PUSH in another process reaches our PULL bound to an interface name",
  async () => {
    const { name, address } = named[named.length - 1]!;
    await using ctx = new Context();
    using pull = ctx.socket("PULL");
    await pull.bind(`tcp://${name}:*`);
    assert.equal(new URL(pull.lastEndpoint).hostname, address);
    const peer = startPeer();
    try {
      await peer.cmd({ op: "socket", id: "push", type: "PUSH" });
      await peer.cmd({ op: "connect", id: "push", endpoint: pull.lastEndpoint });
      await peer.cmd({ op: "send", id: "push", parts: [toB64(enc.encode(`libzmq via ${name}`))] });
      const m = await pull.receive({ timeout: RECV_MS });
      assert.equal(dec.decode(m[0]!), `libzmq via ${name}`);
    } finally {
      await peer.close();
    }
  },
  { skip: (await peerUnavailable()) ?? false },
);
