/**
 * zeromq.js (libzmq 4.3.5) side of the push_pull throughput comparison, libzmq
 * local_thr/remote_thr style but with both ends in this one Node process:
 *
 *   node bench/compare/_zmq_thr.mjs --transport tcp|ipc|inproc --size 64 --count 100000
 *
 * PULL binds, PUSH connects; the sender awaits each `send` (zeromq.js allows one pending
 * send per socket; a send that can be queued resolves at once), the receiver loops on
 * `receive`. Time runs from the first message received to the last, as local_thr does.
 * Prints one JSON line: {msgs, seconds, msg_s, mb_s}.
 *
 * Runs on: Node (zeromq.js does not run on Deno or Bun).
 */
import * as zmq from "zeromq";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const args = Object.fromEntries(
  process.argv.slice(2).join(" ").split(/\s*--/).filter(Boolean).map((kv) => kv.split(/[ =]/)),
);
const transport = args.transport ?? "tcp";
const size = Number(args.size ?? 64);
const count = Number(args.count ?? 100_000);

let dir = null;
let endpoint = "tcp://127.0.0.1:*";
if (transport === "ipc") {
  dir = mkdtempSync(join(tmpdir(), "xs-bench-"));
  endpoint = `ipc://${dir}/thr.sock`;
} else if (transport === "inproc") {
  endpoint = "inproc://thr";
}

const pull = new zmq.Pull({ receiveHighWaterMark: 1000, linger: 0 });
const push = new zmq.Push({ sendHighWaterMark: 1000, linger: 0 });
await pull.bind(endpoint);
push.connect(pull.lastEndpoint);

const msg = Buffer.alloc(size, 0x5a);
async function sender() {
  for (let i = 0; i < count; i++) await push.send(msg);
}

async function receiver() {
  await pull.receive();
  const t0 = process.hrtime.bigint();
  for (let i = 1; i < count; i++) await pull.receive();
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

const [, seconds] = await Promise.all([sender(), receiver()]);
const msgs = count - 1; // messages timed: after the first, as local_thr does
console.log(
  JSON.stringify({ msgs, seconds, msg_s: msgs / seconds, mb_s: (msgs * size) / 1e6 / seconds }),
);
push.close();
pull.close();
if (dir) rmSync(dir, { recursive: true, force: true });
process.exit(0);
