/**
 * A peer program for the process tier: one socket of the library in its own OS process
 * that steers or feeds a proxy in the test's process. Started with
 * `deno run -A tests/process/_steer_peer.ts '<json>'` or `bun tests/process/_steer_peer.ts
 * '<json>'` (Node: the compiled `_steer_peer.js`); the config is `{ type, endpoint }` (the
 * socket connects there). It reports `{ ready: true }`, then obeys one JSON line at a time
 * on stdin, answering each with one line on stdout:
 * - `{ send: string | string[], recv?: true, after?: ms }`: sends the message (strings as
 *   UTF-8), `after` ms later if given, and, with `recv`, waits up to 10 s for one message:
 *   `{ parts: number[][] }` (each part's bytes), else `{ sent: true }`;
 * - `{ exit: true }`: closes, terminates and exits (`{ bye: true }` first).
 * A failure is reported as `{ error }` and ends the process.
 *
 * Runs on: the peer process's main thread (Deno, Bun or Node).
 */
import process from "node:process";
import { Context, type SocketType } from "../../mod.ts";

const cfg = JSON.parse(process.argv[2] ?? "{}") as { type: SocketType; endpoint: string };
const out = (o: unknown) => console.log(JSON.stringify(o));
const deadline = setTimeout(() => {
  out({ error: "peer ran out of time" });
  process.exit(9);
}, 60_000);

const lines: string[] = [];
const waiters: ((l: string) => void)[] = [];
let buf = "";
process.stdin.on("data", (d: Uint8Array | string) => {
  buf += typeof d === "string" ? d : new TextDecoder().decode(d);
  let i;
  while ((i = buf.indexOf("\n")) >= 0) {
    const l = buf.slice(0, i).trim();
    buf = buf.slice(i + 1);
    const w = waiters.shift();
    if (w) w(l);
    else lines.push(l);
  }
});
const nextLine = () =>
  lines.length ? Promise.resolve(lines.shift()!) : new Promise<string>((r) => waiters.push(r));

try {
  const ctx = new Context();
  const s = ctx.socket(cfg.type, { linger: 1000 });
  await s.connect(cfg.endpoint);
  out({ ready: true });
  for (;;) {
    const line = await nextLine();
    if (!line) continue;
    const cmd = JSON.parse(line) as {
      send?: string | string[];
      recv?: boolean;
      after?: number;
      exit?: boolean;
    };
    if (cmd.exit) {
      out({ bye: true });
      s.close();
      await ctx.term();
      break;
    }
    if (cmd.after) await new Promise((r) => setTimeout(r, cmd.after));
    await s.send(cmd.send!, { timeout: 10_000 });
    if (cmd.recv) {
      const parts = await s.receive({ timeout: 10_000 });
      out({ parts: parts.map((p) => [...p]) });
    } else {
      out({ sent: true });
    }
  }
} catch (e) {
  out({ error: String(e) });
  process.exit(1);
}
clearTimeout(deadline);
process.exit(0);
