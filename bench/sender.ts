/**
 * The sending side alone, across processes: this process PUSHes `count` messages of `size`
 * bytes over tcp to a PULL in a child process (the same runtime, this script with
 * `--role=recv`), and reports the rate the child received at, and this process's CPU time
 * and minor page faults per message (both threads: API and I/O worker). A sender faster than
 * its connection puts most messages beside the OUT ring (lib/pipe/ring_pipe.ts); this shows
 * what that path costs: before batch buffers were reused (lib/pipe/ext_buffers.ts), each
 * 64 KiB message touched fresh pages (Bun: 6-7 page faults and 170 µs of CPU per message).
 *
 *   deno run -A bench/sender.ts [--size=65536] [--count=30000]
 *   bun bench/sender.ts [--size=65536] [--count=30000]
 *
 * Runs on: the bench's main thread (plus the library's I/O worker), in two processes.
 */
import { Context } from "../mod.ts";
import {
  cliOptions,
  exit,
  note,
  parseCount,
  report,
  runtimeExecutable,
  runtimeName,
  selfUsage,
  spawnJsonLines,
} from "./_report.ts";

const opts = cliOptions();
const size = parseCount(opts.size, 65536);
const count = parseCount(opts.count, 30_000);
const ctx = new Context();

if (opts.role === "recv") {
  const pull = ctx.socket("PULL");
  await pull.bind("tcp://127.0.0.1:*");
  console.log(JSON.stringify({ endpoint: pull.lastEndpoint }));
  await pull.receive({ timeout: 30_000 });
  const t0 = performance.now();
  for (let i = 1; i < count; i++) await pull.receive({ timeout: 30_000 });
  const s = (performance.now() - t0) / 1000;
  console.log(JSON.stringify({ msgsPerS: (count - 1) / s }));
  pull.close();
  await ctx.term();
} else {
  const self = decodeURIComponent(new URL(import.meta.url).pathname);
  const args = runtimeName === "deno" ? ["run", "-A", self] : [self];
  const child = spawnJsonLines(runtimeExecutable(), [
    ...args,
    "--role=recv",
    `--size=${size}`,
    `--count=${count}`,
  ]);
  const { endpoint } = await child.next(30_000);
  const push = ctx.socket("PUSH", { linger: -1 });
  await push.connect(endpoint);
  const msg = new Uint8Array(size).fill(0x78);
  const u0 = await selfUsage();
  for (let i = 0; i < count; i++) await push.send(msg);
  const { msgsPerS } = await child.next(120_000);
  const u1 = await selfUsage();
  const extra: Record<string, number> = {};
  if (u0 && u1) {
    extra.cpuUsPerMsg = Math.round((u1.cpuMs - u0.cpuMs) * 1000 / count);
    extra.pageFaultsPerMsg = Math.round((u1.minorFaults - u0.minorFaults) / count * 100) / 100;
  }
  report({
    bench: "push_thr_sender",
    runtime: runtimeName,
    impl: "ours",
    transport: "tcp",
    size,
    value: Math.round(msgsPerS),
    unit: "msg/s",
    count,
    ...extra,
  });
  note(
    `${count} × ${size} B: ${Math.round(msgsPerS)} msg/s; sender ${extra.cpuUsPerMsg} µs CPU and ` +
      `${extra.pageFaultsPerMsg} page faults per message`,
  );
  push.close();
  await ctx.term();
  await child.close();
  exit(0);
}
