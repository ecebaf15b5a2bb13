/**
 * The decoder fuzz of tests/wire/fuzz_test.ts for longer local runs (not a test, not a
 * benchmark `deno bench` picks up): the same generator and checks (tests/wire/_fuzz_gen.ts),
 * any seed, any number of inputs, with progress and the figures at the end. It stops at the
 * first input that breaks a rule and prints how to rerun that one alone.
 *
 *   deno run -A bench/fuzz.ts --count=1000000 --seed=7
 *   bun bench/fuzz.ts --count=1000000 --seed=7 --sessions=2
 *   deno run -A bench/fuzz.ts --seed=20140004 --from=13062 --count=1     (one case)
 *
 * Options: `--seed` (default 20140004, the CI seed), `--count` (default 1,000,000), `--from`
 * (first case index, default 0), `--sessions` (every n-th input also through a real
 * StreamSession; 0 = none; default 4).
 *
 * Runs on: the bench's main thread.
 */
import process from "node:process";
import { type Figures, fuzz } from "../tests/wire/_fuzz_gen.ts";

const arg = (k: string, d: string) =>
  process.argv.find((a) => a.startsWith(`--${k}=`))?.split("=")[1] ?? d;
const known = ["seed", "count", "from", "sessions"];
const unknown = process.argv.slice(2).filter((a) => !known.some((k) => a.startsWith(`--${k}=`)));
if (unknown.length) {
  console.error(
    `unknown option ${unknown.join(" ")}; options: --seed= --count= --from= --sessions=`,
  );
  process.exit(2);
}
const seed = Number(arg("seed", "20140004"));
const count = Number(arg("count", "1000000"));
const from = Number(arg("from", "0"));
const sessionEvery = Number(arg("sessions", "4"));
const rt = "Bun" in globalThis ? "bun" : "Deno" in globalThis ? "deno" : "node";

console.log(`fuzz (${rt}): seed ${seed}, inputs ${from}..${from + count - 1}`);
const t0 = performance.now();
let f: Figures;
try {
  f = fuzz(seed, count, {
    from,
    sessionEvery,
    progress: (n) => {
      if (n % 100_000 === 0) {
        console.log(`  ${n} inputs, ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      }
    },
  });
} catch (e) {
  console.error(String((e as Error).message));
  const at = /case (\d+)/.exec(String((e as Error).message))?.[1];
  if (at) {
    console.error(`rerun it: deno run -A bench/fuzz.ts --seed=${seed} --from=${at} --count=1`);
  }
  process.exit(1);
}
const pct = (n: number) => `${((100 * n) / f.inputs).toFixed(1)}%`;
console.log(`inputs            ${f.inputs}`);
console.log(`rejected          ${f.rejected} (${pct(f.rejected)})`);
console.log(`  for a size      ${f.refusedSize}`);
console.log(`  for 1.0 len 0   ${f.refusedLength0}`);
console.log(`accepted          ${f.accepted} (${pct(f.accepted)})`);
console.log(`  past handshake  ${f.acceptedDone}`);
console.log(`unmutated         ${f.unmutated}`);
console.log(`sessions          ${f.sessions} (${f.sessionCloses} closed)`);
console.log(`largest size let through  ${f.largestAnnounced}`);
console.log(
  `largest allocation        ${f.maxAllocCodec} (codec), ${f.maxAllocSession} (sessions)`,
);
console.log(
  `time              ${(f.ms / 1000).toFixed(1)} s (${Math.round(f.inputs / (f.ms / 1000))}/s)`,
);
