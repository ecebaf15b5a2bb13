/**
 * Soak: random sizes between two processes for a while, checked message by message.
 * Each round starts a receiving and a sending peer (tests/process/_peer.ts: every message
 * carries its sequence and a fill pattern the receiver verifies) on alternating runtimes
 * and transports, with a random plan of 0 B to 4 MiB parts; it stops at the first bad
 * round or when the time is up, printing what went through.
 *
 *   deno run -A bench/soak.ts --seconds=60
 *   bun bench/soak.ts --seconds=60
 *
 * Runs on: the soak's main thread; the peers in their own processes.
 */
import { spawn } from "node:child_process";
import process from "node:process";

const arg = (k: string, d: string) =>
  process.argv.find((a) => a.startsWith(`--${k}=`))?.split("=")[1] ?? d;
const seconds = Number(arg("seconds", "60"));
const root = decodeURIComponent(new URL("../", import.meta.url).pathname);
const peer = root + "tests/process/_peer.ts";

function start(rt: string, cfg: Record<string, unknown>) {
  const args = rt === "deno"
    ? ["run", "-A", "--no-check", peer, JSON.stringify(cfg)]
    : [peer, JSON.stringify(cfg)];
  const p = spawn(root + "node_modules/.bin/" + rt, args, { stdio: ["pipe", "pipe", "inherit"] });
  const lines: Record<string, unknown>[] = [];
  const waiters: (() => void)[] = [];
  let buf = "";
  p.stdout!.on("data", (d: Uint8Array) => {
    buf += new TextDecoder().decode(d);
    let i;
    while ((i = buf.indexOf("\n")) >= 0) {
      lines.push(JSON.parse(buf.slice(0, i)));
      buf = buf.slice(i + 1);
      waiters.splice(0).forEach((w) => w());
    }
  });
  const until = async (pred: (l: Record<string, unknown>) => boolean, ms: number) => {
    const end = Date.now() + ms;
    for (;;) {
      const l = lines.find(pred);
      if (l) return l;
      if (Date.now() > end) throw new Error(`${rt} ${cfg.role}: nothing within ${ms} ms`);
      await new Promise<void>((r) => {
        waiters.push(r);
        setTimeout(r, 200);
      });
    }
  };
  return { until, kill: () => p.kill("SIGKILL"), stdin: p.stdin! };
}

let seed = Number(arg("seed", String(Date.now() % 100000)));
const rnd = (n: number) => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n;
const SIZES = [0, 1, 64, 255, 256, 8192, 65536, 200_000, 1 << 20, 4 << 20];

const t0 = Date.now();
let rounds = 0, messages = 0, bytes = 0;
while ((Date.now() - t0) / 1000 < seconds) {
  const plan = Array.from(
    { length: 8 },
    () => Array.from({ length: 1 + rnd(3) }, () => SIZES[rnd(SIZES.length)]!),
  );
  const count = 50 + rnd(400);
  const [from, to] = rounds % 2 ? ["bun", "deno"] : ["deno", "bun"];
  const endpoint = rnd(2) ? "tcp://127.0.0.1:*" : `ipc:///tmp/xs-soak-${process.pid}-${rounds}`;
  const recv = start(to, { role: "recv", type: "PULL", endpoint, bind: true, count });
  const ready = await recv.until((l) => l.ready === true, 10_000);
  const send = start(from, {
    role: "send",
    type: "PUSH",
    endpoint: ready.endpoint,
    plan,
    count,
    idle: rnd(200),
  });
  try {
    const done = await recv.until((l) => l.done === true, 60_000);
    const bad = done.bad as string[];
    if (bad.length || done.received !== count) {
      console.log(JSON.stringify({ round: rounds, from, to, endpoint, plan, count, done }));
      process.exit(1);
    }
    await send.until((l) => l.termMs !== undefined, 20_000);
  } finally {
    send.kill();
    recv.kill();
  }
  let per = 0;
  for (let i = 0; i < count; i++) for (const n of plan[i % plan.length]!) per += Math.max(n, 0);
  rounds++;
  messages += count;
  bytes += per;
}
const s = (Date.now() - t0) / 1000;
console.log(
  `soak: ${rounds} rounds, ${messages} messages, ${(bytes / 1e6).toFixed(0)} MB in ${
    s.toFixed(0)
  } s, all checked, none bad (seed ${seed})`,
);
