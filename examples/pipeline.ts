/**
 * Example: a push-pull pipeline in the style of the libzmq guide's "divide and conquer"
 * (ventilator → workers → sink), over tcp on 127.0.0.1 with ports chosen by the OS.
 *
 *     ventilator PUSH ──tcp──▶ worker PULL … worker PUSH ──tcp──▶ sink PULL
 *                     (one per worker, each its own pair of sockets)
 *
 * The ventilator and the sink bind; every worker connects to both. A task is a number n,
 * the work is counting the primes below n, and the sink checks the total it collects.
 * Before sending the batch the program makes sure every worker is connected (a PUSH
 * load-balances over the connections it has *now*: tasks sent while only one worker is
 * connected would all go to that one), the job done by "press Enter when the workers
 * are ready" in the guide.
 *
 * Runs on: the program's main thread (the library's I/O worker owns the OS sockets).
 *
 * Run: `deno run -A examples/pipeline.ts` or `bun examples/pipeline.ts`.
 */
import { Context } from "../mod.ts";

const WORKERS = 3;
const TASKS = 30;
/** No receive waits longer than this (ms); past it the receive rejects with EAGAIN. */
const TIMEOUT = 5_000;

const dec = new TextDecoder();
const text = (part: Uint8Array | undefined): string => (part ? dec.decode(part) : "");

/** The "work": how many primes are below n (deterministic, so the sink can check it). */
function primesBelow(n: number): number {
  let count = 0;
  for (let i = 2; i < n; i++) {
    let prime = true;
    for (let d = 2; d * d <= i; d++) {
      if (i % d === 0) {
        prime = false;
        break;
      }
    }
    if (prime) count++;
  }
  return count;
}

// A finite linger: should something fail, closing and terminating still end in time.
await using ctx = new Context({ linger: 1_000 });

using ventilator = ctx.socket("PUSH");
using sink = ctx.socket("PULL");
await ventilator.bind("tcp://127.0.0.1:0"); // port 0: the OS picks a free port
await sink.bind("tcp://127.0.0.1:0");
const tasksAt = ventilator.lastEndpoint; // e.g. "tcp://127.0.0.1:40123"
const resultsAt = sink.lastEndpoint;
console.log(`ventilator bound to ${tasksAt}, sink bound to ${resultsAt}`);

/** Aborted once the sink has every result: the workers' pending receives then end. */
const stop = new AbortController();

/**
 * One worker: a PULL for tasks and a PUSH for results. "probe" messages are answered
 * with "ready" (the start-up check below); any other message is a task.
 */
async function worker(id: number): Promise<number> {
  using tasks = ctx.socket("PULL");
  using results = ctx.socket("PUSH");
  await tasks.connect(tasksAt);
  await results.connect(resultsAt); // a connecting PUSH queues until the link is up
  let done = 0;
  for (;;) {
    let msg: Uint8Array[];
    try {
      msg = await tasks.receive({ timeout: TIMEOUT, signal: stop.signal });
    } catch (e) {
      if (stop.signal.aborted) return done; // the batch is over
      throw e;
    }
    const [kind, arg] = msg.map(text);
    if (kind === "probe") {
      await results.send(["ready", String(id)], { timeout: TIMEOUT });
    } else {
      const n = Number(arg);
      await results.send(["result", String(id), String(n), String(primesBelow(n))], {
        timeout: TIMEOUT,
      });
      done++;
    }
  }
}

const workers = Array.from({ length: WORKERS }, (_, i) => worker(i + 1));

try {
  // 1. Wait until every worker is connected to the ventilator: send one probe at a time
  //    and read who answered. Probes go round-robin over the connections that exist, so
  //    once all workers are connected each one answers within a few probes.
  const ready = new Set<string>();
  let probes = 0;
  const deadline = Date.now() + TIMEOUT;
  while (ready.size < WORKERS) {
    if (Date.now() > deadline) throw new Error(`only ${ready.size} workers connected`);
    await ventilator.send("probe", { timeout: TIMEOUT });
    probes++;
    const [kind, who] = (await sink.receive({ timeout: TIMEOUT })).map(text);
    if (kind !== "ready" || who === undefined) throw new Error(`unexpected ${kind}`);
    ready.add(who);
  }
  console.log(`all ${WORKERS} workers connected (${probes} probes)`);

  // 2. The ventilator sends the batch; PUSH deals the tasks out round-robin.
  let expected = 0;
  for (let t = 0; t < TASKS; t++) {
    const n = 1_000 + 500 * t;
    expected += primesBelow(n);
    await ventilator.send(["task", String(n)], { timeout: TIMEOUT });
  }
  console.log(`ventilator sent ${TASKS} tasks`);

  // 3. The sink collects one result per task (PULL fair-queues over the workers).
  const perWorker = new Map<string, number>();
  let total = 0;
  for (let r = 0; r < TASKS; r++) {
    const [kind, who, , primes] = (await sink.receive({ timeout: TIMEOUT })).map(text);
    if (kind !== "result" || who === undefined) throw new Error(`unexpected ${kind}`);
    perWorker.set(who, (perWorker.get(who) ?? 0) + 1);
    total += Number(primes);
  }
  const shares = [...perWorker].sort().map(([w, n]) => `worker ${w}: ${n}`).join(", ");
  console.log(`sink received ${TASKS} results (${shares})`);
  if (total !== expected) throw new Error(`total ${total}, expected ${expected}`);
  console.log(`total primes counted: ${total} (checked)`);
} finally {
  stop.abort(); // ends the workers' loops, whether the batch succeeded or not
}
const handled = await Promise.all(workers);
if (handled.reduce((a, b) => a + b, 0) !== TASKS) throw new Error("workers miscounted");
console.log("pipeline: done");
