/**
 * examples/ws_app: one backend worker process, started twice by server.ts. It does two
 * jobs over tcp on 127.0.0.1, both the same "work" (counting the primes below n):
 *
 * - pipeline: PULLs jobs from the server's PUSH and PUSHes the results back to the
 *   server's PULL (the server publishes them to the pages);
 * - requests: a REP answering the pages' requests, which reach it through the server's
 *   ROUTER (mounted at /rpc) → `proxy` → DEALER (bound on tcp).
 *
 * Arguments: `--id=N --jobs=tcp://… --results=tcp://… --rpc=tcp://…` (server.ts passes
 * them). It announces itself with a "ready" result, then serves until SIGTERM or until
 * its stdin closes (the server went away without telling it), and exits with code 0.
 *
 * Runs on: the worker process's main thread (Deno or Bun; the library's I/O worker owns
 * the OS sockets).
 */
import process from "node:process";
import { Context } from "../../mod.ts";

// deno-lint-ignore no-explicit-any
const g = globalThis as any;
/** Deno or Bun, told apart as server.ts does. */
const onDeno = typeof g.Deno !== "undefined";
const args: string[] = onDeno ? Deno.args : process.argv.slice(2);
const arg = (name: string): string => {
  const a = args.find((a) => a.startsWith(`--${name}=`));
  if (!a) throw new Error(`worker: --${name}= is required`);
  return a.slice(name.length + 3);
};
const id = arg("id");

/** The "work": how many primes are below n. */
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

/** Aborted on SIGTERM or when stdin closes: both loops end, then the sockets close. */
const stop = new AbortController();
const { signal } = stop;

// SIGTERM from the server (or anyone); a closed stdin if the server died without one.
if (onDeno) {
  Deno.addSignalListener("SIGTERM", () => stop.abort());
  (async () => {
    for await (const _ of Deno.stdin.readable) { /* nothing is sent: wait for EOF */ }
    stop.abort();
  })();
} else {
  process.on("SIGTERM", () => stop.abort());
  (async () => {
    for await (const _ of g.Bun.stdin.stream()) { /* nothing is sent: wait for EOF */ }
    stop.abort();
  })();
}

const ctx = new Context({ linger: 500 });
const jobs = ctx.socket("PULL");
const results = ctx.socket("PUSH");
const rpc = ctx.socket("REP");
await jobs.connect(arg("jobs"));
await results.connect(arg("results"));
await rpc.connect(arg("rpc"));
await results.sendJson({ ready: id });

const stopped = (e: unknown) => {
  if (!signal.aborted) throw e; // a real failure
};

/** The pipeline: one result per job, in the order the jobs came. */
async function work(): Promise<void> {
  for (;;) {
    const job = await jobs.receiveJson<{ seq: number; n: number }>({ signal });
    const started = performance.now();
    const primes = primesBelow(job.n);
    const ms = Math.round(performance.now() - started);
    await results.sendJson({ ...job, primes, worker: id, ms }, { signal });
  }
}

/** The requests: `{ n }` in, `{ n, primes, worker }` out. */
async function answer(): Promise<void> {
  for (;;) {
    const { n } = await rpc.receiveJson<{ n: number }>({ signal });
    const count = Number.isInteger(n) && n >= 0 && n <= 5_000_000 ? primesBelow(n) : null;
    await rpc.sendJson({ n, primes: count, worker: id }, { signal });
  }
}

await Promise.all([work().catch(stopped), answer().catch(stopped)]);
for (const s of [jobs, results, rpc]) s.close();
await ctx.term();
// The stdin reader above would keep the process alive: leave explicitly.
process.exit(0);
