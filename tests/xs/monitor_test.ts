/**
 * The C face's monitor extension, `xs_socket_monitor` (modelled on zmq_socket_monitor(3)):
 * events as two-part messages (uint16 event + uint32 value, little-endian; the address) on
 * an inproc PAIR, with libzmq's event numbers, the mask honoured, MONITOR_STOPPED last.
 *
 * Runs on: the test runner's main thread (blocking C-face calls).
 */
import * as xs from "../../xs.ts";
import { assert, reservePort, test } from "../_harness.ts";

/** Receives one event from the monitor PAIR (bounded by XS_RCVTIMEO). */
function recvEvent(mon: xs.XsSocket): { event: number; value: number; address: string } {
  const head = new Uint8Array(6);
  assert.equal(xs.xs_recv(mon, head, 6, 0), 6, xs.xs_strerror(xs.xs_errno()));
  const more = new Int32Array(1);
  assert.equal(xs.xs_getsockopt(mon, xs.XS_RCVMORE, more, { value: 4 }), 0);
  assert.equal(more[0], 1, "two parts");
  const addr = new Uint8Array(256);
  const n = xs.xs_recv(mon, addr, 256, 0);
  assert.ok(n >= 0);
  const v = new DataView(head.buffer);
  return {
    event: v.getUint16(0, true),
    value: v.getUint32(2, true),
    address: new TextDecoder().decode(addr.subarray(0, n)),
  };
}

/** Reads events until `event` (returned); the monitor's XS_RCVTIMEO bounds each read. */
function until(mon: xs.XsSocket, event: number) {
  for (let i = 0; i < 50; i++) {
    const e = recvEvent(mon);
    if (e.event === event) return e;
  }
  throw new Error(`no event ${event}`);
}

test("xs_socket_monitor: listening, accepted, handshake, disconnected, stopped", () => {
  const ctx = xs.xs_init();
  const pull = xs.xs_socket(ctx, xs.XS_PULL)!;
  assert.equal(xs.xs_socket_monitor(pull, "inproc://mon-pull", xs.XS_EVENT_ALL), 0);
  const mon = xs.xs_socket(ctx, xs.XS_PAIR)!;
  assert.equal(xs.xs_setsockopt(mon, xs.XS_RCVTIMEO, 5000), 0);
  assert.equal(xs.xs_connect(mon, "inproc://mon-pull"), 0);
  assert.ok(xs.xs_bind(pull, "tcp://127.0.0.1:*") > 0);
  const address = xs.xs_last_endpoint(pull)!;
  assert.deepEqual(recvEvent(mon), { event: xs.XS_EVENT_LISTENING, value: 0, address });
  const push = xs.xs_socket(ctx, xs.XS_PUSH)!;
  assert.ok(xs.xs_connect(push, address) > 0);
  assert.equal(until(mon, xs.XS_EVENT_ACCEPTED).address, address);
  assert.equal(until(mon, xs.XS_EVENT_HANDSHAKE_SUCCEEDED).address, address);
  assert.equal(xs.xs_setsockopt(push, xs.XS_LINGER, 0), 0);
  assert.equal(xs.xs_close(push), 0);
  assert.equal(until(mon, xs.XS_EVENT_DISCONNECTED).address, address);
  assert.equal(xs.xs_close(pull), 0);
  assert.equal(until(mon, xs.XS_EVENT_MONITOR_STOPPED).event, xs.XS_EVENT_MONITOR_STOPPED);
  assert.equal(xs.xs_close(mon), 0);
  assert.equal(xs.xs_term(ctx), 0);
});

test("xs_socket_monitor: the mask selects; a retry carries its interval; null stops", async () => {
  const ctx = xs.xs_init();
  const push = xs.xs_socket(ctx, xs.XS_PUSH)!;
  assert.equal(xs.xs_setsockopt(push, xs.XS_RECONNECT_IVL, 40), 0);
  assert.equal(xs.xs_setsockopt(push, xs.XS_LINGER, 0), 0);
  const mask = xs.XS_EVENT_CONNECT_RETRIED;
  assert.equal(xs.xs_socket_monitor(push, "inproc://mon-push", mask), 0);
  const mon = xs.xs_socket(ctx, xs.XS_PAIR)!;
  assert.equal(xs.xs_setsockopt(mon, xs.XS_RCVTIMEO, 5000), 0);
  assert.equal(xs.xs_connect(mon, "inproc://mon-push"), 0);
  const port = await reservePort();
  assert.ok(xs.xs_connect(push, `tcp://127.0.0.1:${port}`) > 0);
  const e = recvEvent(mon); // CONNECT_DELAYED is masked out: the first is a retry
  assert.equal(e.event, xs.XS_EVENT_CONNECT_RETRIED);
  assert.ok(e.value >= 40, `interval ${e.value}`);
  assert.equal(e.address, `tcp://127.0.0.1:${port}`);
  assert.equal(xs.xs_socket_monitor(push, null, 0), 0);
  assert.equal(until(mon, xs.XS_EVENT_MONITOR_STOPPED).value, 0);
  // Errors: a monitor endpoint that is not inproc, a closed socket.
  assert.equal(xs.xs_socket_monitor(push, "tcp://127.0.0.1:1", xs.XS_EVENT_ALL), -1);
  assert.equal(xs.xs_errno(), xs.EPROTONOSUPPORT);
  assert.equal(xs.xs_close(push), 0);
  assert.equal(xs.xs_socket_monitor(push, "inproc://x", xs.XS_EVENT_ALL), -1);
  assert.equal(xs.xs_errno(), xs.ENOTSOCK);
  assert.equal(xs.xs_close(mon), 0);
  assert.equal(xs.xs_term(ctx), 0);
});
