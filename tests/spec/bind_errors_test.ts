/**
 * Bind errors as Crossroads 1.2.0 gives them (issue #17; docs/behaviour.md §5.2, §10.12), on
 * both faces, for tcp:// and ws:// (the same listen) and ipc://. Upstream resolves a bind's
 * host as a local interface name, else as a numeric address (`getaddrinfo` with
 * `AI_NUMERICHOST`), failing with `ENODEV`; then bind(2)'s own errno is passed on:
 *
 * - `ENODEV`: `256.1.1.1` (not an address), `eth99` (no such interface), `example.com` (a
 *   host name);
 * - `EADDRNOTAVAIL`: `192.0.2.1`, `10.255.255.1` (valid, but no interface has them);
 * - `EADDRINUSE`: a port another socket listens on; ipc: an existing directory (unlink(2)
 *   fails, bind(2) finds it);
 * - `EACCES`: port 80 without root; ipc: a directory we may not write to;
 * - ipc: `ENOENT` for a missing directory, `ENOTDIR` for a path through a file.
 *
 * Running as root, the privileged cases are checked in a child process of the suite's runtime
 * that setpriv(1) starts without the capabilities that would let root through
 * (`CAP_NET_BIND_SERVICE`, `CAP_DAC_OVERRIDE`, `CAP_DAC_READ_SEARCH`), its ipc directory owned by
 * `nobody`: still root, so it reads the checkout wherever it is (a fresh clone may sit in a
 * directory only root may enter), but refused as any user would be.
 *
 * Runs on: the test runner's main thread (the I/O worker does the listening).
 */
import { chmodSync, chownSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import process from "node:process";
import { Context, XsError } from "../../mod.ts";
import * as xs from "../../xs.ts";
import { assert, removeDir, runCommand, runtime, tempDir, test } from "../_harness.ts";

/** [endpoint, errno name] of the bind failures every runtime must report alike. */
function cases(dir: string, busyPort: number): [string, string][] {
  const tcpish: [string, string][] = [
    ["256.1.1.1:5555", "ENODEV"],
    ["eth99:5555", "ENODEV"],
    ["example.com:5555", "ENODEV"],
    ["192.0.2.1:5555", "EADDRNOTAVAIL"], // RFC 5737 TEST-NET-1
    ["10.255.255.1:5555", "EADDRNOTAVAIL"],
    [`127.0.0.1:${busyPort}`, "EADDRINUSE"],
  ];
  writeFileSync(`${dir}/file`, "x");
  mkdirSync(`${dir}/sub`);
  return [
    ...tcpish.map(([a, e]) => [`tcp://${a}`, e] as [string, string]),
    ...tcpish.map(([a, e]) => [`ws://${a}/x`, e] as [string, string]),
    [`ipc://${dir}/missing/x.ipc`, "ENOENT"],
    [`ipc://${dir}/file/x.ipc`, "ENOTDIR"],
    [`ipc://${dir}/sub`, "EADDRINUSE"],
  ];
}

const ERRNO: Record<string, number> = {
  ENODEV: xs.ENODEV,
  EADDRNOTAVAIL: xs.EADDRNOTAVAIL,
  EADDRINUSE: xs.EADDRINUSE,
  EACCES: xs.EACCES,
  ENOENT: xs.ENOENT,
  ENOTDIR: xs.ENOTDIR,
};

test("bind errors on both faces: ENODEV, EADDRNOTAVAIL, EADDRINUSE, ENOENT, ENOTDIR", async () => {
  const dir = tempDir();
  await using ctx = new Context();
  using busy = ctx.socket("PULL");
  await busy.bind("tcp://127.0.0.1:*");
  const port = Number(busy.lastEndpoint.slice(busy.lastEndpoint.lastIndexOf(":") + 1));
  const c = xs.xs_init()!;
  const cs = xs.xs_socket(c, xs.XS_PULL)!;
  try {
    for (const [ep, code] of cases(dir, port)) {
      using s = ctx.socket("PULL");
      await assert.rejects(s.bind(ep), (e) => {
        assert.ok(e instanceof XsError, `${ep}: an XsError, not ${e}`);
        assert.equal(e.code, code, `${ep}: ${e.message}`);
        assert.equal(e.errno, ERRNO[code], ep);
        return true;
      });
      assert.equal(xs.xs_bind(cs, ep), -1, ep);
      assert.equal(xs.xs_errno(), ERRNO[code], `${ep}: ${xs.xs_strerror(xs.xs_errno())}`);
    }
    // The texts are glibc's.
    assert.equal(xs.xs_strerror(xs.ENOTDIR), "Not a directory");
    assert.equal(xs.xs_strerror(xs.EPERM), "Operation not permitted");
  } finally {
    xs.xs_close(cs);
    xs.xs_term(c);
    removeDir(dir);
  }
});

/** The lowest port an unprivileged process may bind (Linux), or 1024 where unknown. */
function unprivilegedStart(): number {
  try {
    return Number(readFileSync("/proc/sys/net/ipv4/ip_unprivileged_port_start", "utf8"));
  } catch {
    return 1024;
  }
}

const ROOT = decodeURIComponent(new URL("../../", import.meta.url).pathname);
const isRoot = typeof process.getuid === "function" && process.getuid() === 0;

/** The privileged cases, on both faces: what the child program binds. */
function privilegedCases(dir: string): string[] {
  return ["tcp://127.0.0.1:80", "ws://127.0.0.1:80/x", `ipc://${dir}/locked/x.ipc`];
}

/**
 * The child program: binds each endpoint on the C face and on the idiomatic face and prints
 * `{ c: { endpoint: errno }, api: { endpoint: errno } }` (0 where the bind succeeded).
 */
function privilegedProgram(ext: string, dir: string): string {
  return `import * as xs from ${JSON.stringify(`${ROOT}xs.${ext}`)};
import { Context } from ${JSON.stringify(`${ROOT}mod.${ext}`)};
const eps = ${JSON.stringify(privilegedCases(dir))};
const out = { c: {}, api: {} };
const c = xs.xs_init();
const s = xs.xs_socket(c, xs.XS_PULL);
for (const ep of eps) out.c[ep] = xs.xs_bind(s, ep) < 0 ? xs.xs_errno() : 0;
xs.xs_close(s);
xs.xs_term(c);
const ctx = new Context();
for (const ep of eps) {
  const t = ctx.socket("PULL");
  try {
    await t.bind(ep);
    out.api[ep] = 0;
  } catch (e) {
    out.api[ep] = e.errno;
  }
  t.close();
}
await ctx.term();
console.log(JSON.stringify(out));
`;
}

/** Why the privileged cases cannot run here, or null. */
async function privilegedSkip(): Promise<string | null> {
  if (!isRoot) return null;
  const r = await runCommand("setpriv", ["--version"]).catch(() => null);
  return r?.code === 0 ? null : "running as root without setpriv(1) to drop the capabilities";
}
const privSkip = (await privilegedSkip()) ?? false;

test(
  "EACCES for a privileged port and an ipc directory not ours (not root), both faces",
  async () => {
    const dir = tempDir();
    try {
      // A child of the suite's runtime, as root without the capabilities that bypass the
      // checks when we are root; the locked directory belongs to nobody. Node runs the suite
      // compiled (tests/node/run.mjs): the child imports the .js beside it.
      mkdirSync(`${dir}/locked`, { mode: 0o700 });
      if (isRoot) chownSync(`${dir}/locked`, 65534, 65534);
      chmodSync(dir, 0o755);
      const ext = runtime === "node" ? "js" : "ts";
      const prog = `${dir}/priv.${runtime === "node" ? "mjs" : "ts"}`;
      writeFileSync(prog, privilegedProgram(ext, dir), { mode: 0o644 });
      mkdirSync(`${dir}/deno-dir`);
      chmodSync(`${dir}/deno-dir`, 0o777);
      const bin = runtime === "node" ? process.execPath : `${ROOT}node_modules/.bin/${runtime}`;
      const args = runtime === "deno"
        ? ["run", "-A", "--no-check", "--no-remote", "--config", `${ROOT}deno.json`, prog]
        : [prog];
      const env = ["env", `DENO_DIR=${dir}/deno-dir`, `HOME=${dir}`, bin, ...args];
      const r = isRoot
        ? await runCommand(
          "setpriv",
          [
            "--bounding-set=-net_bind_service,-dac_override,-dac_read_search",
            "--inh-caps=-all",
            "--",
            ...env,
          ],
          {
            timeout: 30_000,
          },
        )
        : await runCommand(env[0]!, env.slice(1), { timeout: 30_000 });
      assert.equal(r.code, 0, r.stderr);
      const out = JSON.parse(r.stdout.trim().split("\n").pop()!) as Record<
        "c" | "api",
        Record<string, number>
      >;
      // Port 80 is privileged unless the kernel lowered the line (then the bind may succeed,
      // or find the port in use).
      const priv = unprivilegedStart() > 80;
      for (const face of ["c", "api"] as const) {
        const [tcp, ws, ipc] = privilegedCases(dir).map((ep) => [ep, out[face][ep]!] as const);
        for (const [ep, errno] of [tcp!, ws!]) {
          if (priv) assert.equal(errno, xs.EACCES, `${face} ${ep}: ${xs.xs_strerror(errno)}`);
          else assert.ok([0, xs.EADDRINUSE].includes(errno), `${face} ${ep}: ${errno}`);
        }
        assert.equal(ipc![1], xs.EACCES, `${face} ${ipc![0]}: ${xs.xs_strerror(ipc![1])}`);
      }
    } finally {
      removeDir(dir);
    }
  },
  { skip: privSkip, timeout: 40_000 },
);
