/**
 * Example: the C face (`@crossroads/xs/xs`, here ../xs.ts). A request/reply exchange
 * written the way a C program against the Crossroads I/O 1.2.0 man pages would be, with
 * the EXAMPLE sections of these pages ported statement by statement (their C is quoted
 * in the comments):
 *
 * - xs_getsockopt(3), "Retrieving the high water mark for outgoing messages";
 * - xs_send(3), "Sending a multi-part message": the request, "ABC" "DEFGH" "JK";
 * - xs_recvmsg(3), "Receiving a multi-part message": how the XS_REP socket reads it;
 * - xs_recv(3), "Receiving a message from a socket": how the XS_REQ socket reads the reply.
 *
 * As in C, a blocking call blocks the calling thread (here with Atomics.wait) while the
 * library's I/O worker does the network work, so one thread can play both sides over
 * tcp. Every receive is bounded by XS_RCVTIMEO; `assert` ends the program with the
 * failing call and `xs_strerror(xs_errno())`, as C's assert would end it.
 *
 * Runs on: the program's main thread (a thread that may block; the I/O worker owns the
 * OS sockets).
 *
 * Run: `deno run -A examples/c_face_reqrep.ts` or `bun examples/c_face_reqrep.ts`.
 */
import * as xs from "../xs.ts";

const enc = new TextEncoder(), dec = new TextDecoder();

/** C's assert(3), telling the failed call and errno's text. */
function assert(cond: boolean, what: string): asserts cond {
  if (!cond) throw new Error(`${what} failed: ${xs.xs_strerror(xs.xs_errno())}`);
}

const ctx = xs.xs_init();
assert(ctx !== null, "xs_init");

// The service: an XS_REP socket bound to a tcp port the OS picks ('*').
const service = xs.xs_socket(ctx, xs.XS_REP);
assert(service !== null, "xs_socket (XS_REP)");
let rc = xs.xs_bind(service, "tcp://127.0.0.1:*");
assert(rc !== -1, "xs_bind");
// xs_last_endpoint is this library's one addition to the C API (docs/api.md §1 rule 1).
const endpoint = xs.xs_last_endpoint(service);
assert(endpoint !== null, "xs_last_endpoint");
console.log(`XS_REP bound to ${endpoint}`);

// The client: an XS_REQ socket connected to it.
const socket = xs.xs_socket(ctx, xs.XS_REQ);
assert(socket !== null, "xs_socket (XS_REQ)");
rc = xs.xs_connect(socket, endpoint);
assert(rc !== -1, "xs_connect");

// Bounded: a receive gives up after 5 s (EAGAIN), and closing lingers at most 1 s.
for (const s of [service, socket]) {
  rc = xs.xs_setsockopt(s, xs.XS_RCVTIMEO, new Int32Array([5_000]), 4);
  assert(rc === 0, "xs_setsockopt (XS_RCVTIMEO)");
  rc = xs.xs_setsockopt(s, xs.XS_LINGER, new Int32Array([1_000]), 4);
  assert(rc === 0, "xs_setsockopt (XS_LINGER)");
}

// xs_getsockopt(3):
//   /* Retrieve high water mark into sndhwm */
//   int sndhwm;
//   size_t sndhwm_size = sizeof (sndhwm);
//   rc = xs_getsockopt (socket, XS_SNDHWM, &sndhwm, &sndhwm_size);
//   assert (rc == 0);
const sndhwm = new Int32Array(1);
const sndhwm_size = { value: sndhwm.byteLength };
rc = xs.xs_getsockopt(socket, xs.XS_SNDHWM, sndhwm, sndhwm_size);
assert(rc === 0, "xs_getsockopt (XS_SNDHWM)");
console.log(`XS_REQ high water mark for outgoing messages: ${sndhwm[0]}`);

// xs_send(3):
//   /* Send a multi-part message consisting of three parts to socket */
//   rc = xs_send (socket, "ABC", 3, XS_SNDMORE);
//   assert (rc == 3);
//   rc = xs_send (socket, "DEFGH", 5, XS_SNDMORE);
//   assert (rc == 5);
//   /* Final part; no more parts to follow */
//   rc = xs_send (socket, "JK", 2, 0);
//   assert (rc == 2);
rc = xs.xs_send(socket, enc.encode("ABC"), 3, xs.XS_SNDMORE);
assert(rc === 3, "xs_send (ABC)");
rc = xs.xs_send(socket, enc.encode("DEFGH"), 5, xs.XS_SNDMORE);
assert(rc === 5, "xs_send (DEFGH)");
rc = xs.xs_send(socket, enc.encode("JK"), 2, 0);
assert(rc === 2, "xs_send (JK)");
console.log("XS_REQ sent a request of three parts");

// xs_recvmsg(3), on the service's socket:
//   int64_t more;
//   size_t more_size = sizeof more;
//   do {
//       /* Create an empty message to hold the message part */
//       xs_msg_t part;
//       int rc = xs_msg_init (&part);
//       assert (rc == 0);
//       /* Block until a message is available to be received from socket */
//       rc = xs_recvmsg (socket, &part, 0);
//       assert (rc != -1);
//       /* Determine if more message parts are to follow */
//       rc = xs_getsockopt (socket, XS_RCVMORE, &more, &more_size);
//       assert (rc == 0);
//       xs_msg_close (&part);
//   } while (more);
// The page's `int64_t more` is a leftover of 0MQ 2.x: in Crossroads XS_RCVMORE is an
// `int` (xs_getsockopt(3), "Option value type: int"), hence the Int32Array.
const more = new Int32Array(1);
const more_size = { value: more.byteLength };
const request: string[] = [];
do {
  const part = new xs.xs_msg_t();
  rc = xs.xs_msg_init(part);
  assert(rc === 0, "xs_msg_init");
  rc = xs.xs_recvmsg(service, part, 0);
  assert(rc !== -1, "xs_recvmsg");
  request.push(dec.decode(xs.xs_msg_data(part))); // read the part before releasing it
  rc = xs.xs_getsockopt(service, xs.XS_RCVMORE, more, more_size);
  assert(rc === 0, "xs_getsockopt (XS_RCVMORE)");
  xs.xs_msg_close(part);
} while (more[0]);
console.log(`XS_REP received ${request.length} parts: ${request.join(" ")}`);

// The service answers with the parts joined (a REP may send only after receiving).
const answer = enc.encode(request.join(""));
rc = xs.xs_send(service, answer, answer.length, 0);
assert(rc === answer.length, "xs_send (reply)");

// xs_recv(3), on the client's socket:
//   char buf [256];
//   nbytes = xs_recv (socket, buf, 256, 0);
//   assert (nbytes != -1);
const buf = new Uint8Array(256);
const nbytes = xs.xs_recv(socket, buf, 256, 0);
assert(nbytes !== -1, "xs_recv");
const reply = dec.decode(buf.subarray(0, Math.min(nbytes, buf.length)));
console.log(`XS_REQ received a reply of ${nbytes} bytes: ${reply}`);
assert(reply === "ABCDEFGHJK", `the reply "${reply}"`);

rc = xs.xs_close(socket);
assert(rc === 0, "xs_close (XS_REQ)");
rc = xs.xs_close(service);
assert(rc === 0, "xs_close (XS_REP)");
rc = xs.xs_term(ctx);
assert(rc === 0, "xs_term");
console.log("c_face_reqrep: done");
