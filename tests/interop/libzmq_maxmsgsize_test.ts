/**
 * `XS_MAXMSGSIZE` against libzmq 4.3 (zeromq.js 6.8 in a Node child process; issue #17): a
 * libzmq PUSH, sending heartbeats every 20 ms, connects to our PULL whose limit is 5 bytes.
 * libzmq itself would hold its READY and PINGs to its own ZMQ_MAXMSGSIZE; ours limits message
 * parts only, as Crossroads 1.2.0: the connection comes up, PINGs pass, parts of 0, 3 and 5
 * bytes arrive, a part of 6 bytes closes the connection, and libzmq (which sees a connection
 * error, docs/wire.md §8.3) reconnects and is served again. Over tcp, ipc and ws.
 *
 * Runs on: the test runner's main thread (Deno or Bun); the libzmq peer runs in Node.
 */
import { Context, type SocketEvent, type SocketEvents } from "../../mod.ts";
import { assert, delay, removeDir, tempDir, test, waitFor } from "../_harness.ts";
import { peerUnavailable, startPeer, toB64 } from "./_peer.ts";

const skip = (await peerUnavailable()) ?? false;
const RECV_MS = 5_000;

/** Collects `events` in the background (the loop ends with the socket's `end`). */
function collect(events: SocketEvents): SocketEvent[] {
  const seen: SocketEvent[] = [];
  (async () => {
    for await (const e of events) seen.push(e);
  })();
  return seen;
}

const types = (seen: SocketEvent[]) => seen.map((e) => e.type).join(", ");

for (const scheme of ["tcp", "ipc", "ws"] as const) {
  test(`a libzmq PUSH with heartbeats and our PULL with maxmsgsize 5 over ${scheme}`, async () => {
    const ctx = new Context();
    const pull = ctx.socket("PULL", { linger: 0, maxmsgsize: 5 });
    const peer = startPeer();
    const dir = tempDir();
    try {
      await peer.cmd({
        op: "socket",
        id: "push",
        type: "PUSH",
        options: { linger: 0, heartbeatInterval: 20, reconnectInterval: 10 },
      });
      const seen = collect(pull.events);
      await pull.bind(
        scheme === "ipc"
          ? `ipc://${dir}/m.sock`
          : scheme === "ws"
          ? "ws://127.0.0.1:*/m"
          : "tcp://127.0.0.1:*",
      );
      await peer.cmd({ op: "connect", id: "push", endpoint: pull.lastEndpoint });
      for (const sizes of [[0], [3], [5], [0, 3, 5]]) {
        const parts = sizes.map((n) => new Uint8Array(n).fill(0x61));
        await peer.cmd({ op: "send", id: "push", parts: parts.map(toB64) });
        const m = await pull.receive({ timeout: RECV_MS });
        assert.deepEqual(m.map((p) => p.length), sizes);
      }
      // Ten heartbeat intervals: libzmq's PINGs (commands) do not close the connection. (A
      // fixed wait: what is checked is that nothing happens in it.)
      await delay(200);
      assert.ok(!seen.some((e) => e.type === "disconnect"), `events: ${types(seen)}`);
      // A 6-byte part closes it; libzmq reconnects.
      await peer.cmd({ op: "send", id: "push", parts: [toB64(new Uint8Array(6))] });
      await waitFor(() => seen.some((e) => e.type === "disconnect"), RECV_MS, "a disconnect");
      const gone = seen.find((e) => e.type === "disconnect");
      assert.ok(gone?.type === "disconnect" && /maxmsgsize/i.test(gone.cause), types(seen));
      const deadline = Date.now() + RECV_MS;
      let got: Uint8Array[] | null = null;
      while (!got && Date.now() < deadline) {
        await peer.cmd({ op: "send", id: "push", parts: [toB64(new Uint8Array([0x6f, 0x6b]))] });
        got = await pull.receive({ timeout: 100 }).catch(() => null);
      }
      assert.deepEqual(got?.map((p) => [...p]), [[0x6f, 0x6b]], "served again");
    } finally {
      await peer.close();
      pull.close();
      await ctx.term();
      removeDir(dir);
    }
  }, { skip, timeout: 30_000 });
}
