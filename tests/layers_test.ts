/**
 * Architecture test: the import rules of docs/architecture.md §2, checked on the source text so
 * that they hold by tool rather than by memory (Deno std style).
 *
 * - `wire/`, `pipe/` and `runtime/` import nothing else from lib (but `errors.ts` /
 *   `constants.ts` and type-only imports).
 * - `session/` (ZMTP over a stream) → wire, pipe; `transports/` (URL schemes) → pipe,
 *   runtime; `io/` → session, transports, wire, pipe, runtime;
 *   `protocols/` → pipe, options, errors, constants (never transports, wire, io, runtime).
 * - `api/` and `xs/`, the two faces → the engine core (`core/`) and `options.ts`, never
 *   each other; `core/` → protocols, pipe, transports, runtime, options.
 * - `wire/` ↔ `security/`: the handshake drives the mechanisms, which use wire's leaf codec
 *   files (frame, commands, metadata) directly and load their cryptography through runtime;
 *   `session/`, `io/`, `core/` and both faces may import `security/`.
 * - `workers/` → io, runtime and pipe only; lib never imports workers/, bench/ or tests/.
 * - Cross-folder imports go through the other folder's `mod.ts`; `_` files stay private.
 * - `Deno.`, `Bun.` and `node:` appear only in lib/runtime/, tests/_harness.ts and
 *   bench/_report.ts.
 *
 * Two allowances, each for a reason: lib/core/worker_link.ts imports `runtime/worker.ts`
 * directly (re-exporting it from runtime/mod.ts would pull the embedded worker bundle into
 * the worker itself), and the API-thread files import `transports/inproc.ts` and
 * `transports/endpoint.ts` directly (the rest of transports/ is worker code).
 *
 * Runs on: the test runner's main thread.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { assert, test } from "./_harness.ts";

const root = new URL("..", import.meta.url).pathname;

function files(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(root, dir))) {
    const p = join(dir, name);
    if (statSync(join(root, p)).isDirectory()) out.push(...files(p));
    else if (name.endsWith(".ts")) out.push(p);
  }
  return out;
}

interface Imp {
  from: string;
  to: string;
  typeOnly: boolean;
}

function imports(file: string): Imp[] {
  const src = readFileSync(join(root, file), "utf8");
  const out: Imp[] = [];
  const re = /^\s*(import|export)\s+(type\s+)?[^;]*?from\s+"([^"]+)"/gms;
  for (const m of src.matchAll(re)) {
    const spec = m[3]!; // the regexp's third group always takes part in a match
    if (!spec.startsWith(".")) continue;
    const to = relative(root, join(root, file, "..", spec));
    out.push({ from: file, to, typeOnly: !!m[2] });
  }
  return out;
}

const folder = (
  p: string,
) => (p.startsWith("lib/") ? p.split("/").slice(0, 2).join("/") : p.split("/")[0]!);

const ALLOWED: Record<string, string[]> = {
  // The handshake (wire) drives the security mechanisms; they frame their commands with
  // wire's leaf codec files and load their cryptography through runtime.
  "lib/wire": ["lib/security"],
  "lib/security": ["lib/wire", "lib/runtime"],
  "lib/pipe": [],
  "lib/runtime": [],
  // ws:// translates WebSocket to ZMTP/3 with wire's codecs (lib/transports/ws.ts).
  "lib/transports": ["lib/pipe", "lib/runtime", "lib/wire"],
  "lib/session": ["lib/wire", "lib/pipe", "lib/security"],
  "lib/io": [
    "lib/session",
    "lib/transports",
    "lib/wire",
    "lib/pipe",
    "lib/runtime",
    "lib/security",
  ],
  "lib/protocols": [
    "lib/pipe",
    "lib/options.ts",
    "lib/errors.ts",
    "lib/constants.ts",
    "lib/message.ts",
  ],
  // The two faces sit on the engine core and never on each other.
  // Both faces take keys and ZAP frames from lib/security.
  // ws_endpoint.ts serves mounted WebSockets with the API-thread transport ws_pipe.ts.
  "lib/api": [
    "lib/core",
    "lib/options.ts",
    "lib/security",
    "lib/transports/ws_pipe.ts",
    // browser.ts, the page's entry, gives VERSION as mod.ts does.
    "lib/version.ts",
  ],
  "lib/xs": ["lib/core", "lib/options.ts", "lib/security"],
  "lib/core": [
    "lib/protocols",
    "lib/pipe",
    "lib/transports",
    "lib/runtime",
    "lib/options.ts",
    "lib/security",
  ],
  // The worker reports its start through pipe/ before it loads io/ (workers/io_worker.ts).
  "workers": ["lib/io", "lib/runtime", "lib/pipe"],
};
const ALWAYS = ["lib/errors.ts", "lib/constants.ts"];

test("layers: every folder imports only what docs/architecture.md §2 allows", () => {
  const bad: string[] = [];
  for (const f of [...files("lib"), ...files("workers")]) {
    const from = folder(f);
    for (const i of imports(f)) {
      const to = i.to.startsWith("lib/") && i.to.split("/").length > 2 ? folder(i.to) : i.to;
      if (to === from) continue;
      if (
        i.to.startsWith("bench/") || i.to.startsWith("tests/") ||
        (from !== "workers" && i.to.startsWith("workers/"))
      ) {
        bad.push(`${f} → ${i.to} (lib never imports bench, tests or workers)`);
        continue;
      }
      const allowed = ALLOWED[from];
      if (!allowed) continue; // top-level lib files: checked by the mod.ts rule below
      if (ALWAYS.includes(i.to) || i.typeOnly) continue;
      if (!allowed.includes(to) && !allowed.includes(i.to)) bad.push(`${f} → ${i.to}`);
    }
  }
  assert.deepEqual(bad, []);
});

test("layers: cross-folder imports go through mod.ts and never reach a _ file", () => {
  const bad: string[] = [];
  const exceptions = new Set([
    "lib/core/worker_link.ts → lib/runtime/worker.ts",
    "lib/core/context.ts → lib/transports/inproc.ts",
    "lib/core/context.ts → lib/transports/ws_pipe.ts",
    "lib/core/endpoints.ts → lib/transports/ws_dial.ts",
    "lib/core/endpoints.ts → lib/transports/ws_pipe.ts",
    "lib/core/socket.ts → lib/transports/ws_pipe.ts",
    "lib/api/ws_endpoint.ts → lib/transports/ws_pipe.ts",
    "lib/core/inproc.ts → lib/transports/inproc.ts",
    "lib/core/endpoints.ts → lib/transports/endpoint.ts",
    "lib/transports/inproc.ts → lib/pipe/mod.ts",
  ]);
  // The mechanisms use wire's leaf codec files directly: wire/mod.ts exports the handshake,
  // which creates the mechanisms (security/mod.ts), so going through it would be a cycle.
  const leafCodec = /^lib\/security\/[a-z_]+\.ts → lib\/wire\/(frame|commands|metadata)\.ts$/;
  for (const f of [...files("lib"), ...files("workers")]) {
    for (const i of imports(f)) {
      const sameFolder =
        i.to.split("/").slice(0, -1).join("/") === f.split("/").slice(0, -1).join("/");
      if (sameFolder || !i.to.startsWith("lib/") || i.to.split("/").length < 3) continue;
      const base = i.to.split("/").pop()!;
      if (base === "mod.ts" || exceptions.has(`${f} → ${i.to}`)) continue;
      if (leafCodec.test(`${f} → ${i.to}`)) continue;
      bad.push(`${f} → ${i.to}${base.startsWith("_") ? " (a private _ file)" : ""}`);
    }
  }
  assert.deepEqual(bad, []);
});

test("layers: Deno., Bun. and node: appear only in lib/runtime, tests/_harness.ts and bench/_report.ts", () => {
  const bad: string[] = [];
  for (const f of [...files("lib"), ...files("workers"), "mod.ts", "xs.ts"]) {
    if (f.startsWith("lib/runtime/")) continue;
    const src = readFileSync(join(root, f), "utf8")
      .replace(/\/\*[\s\S]*?\*\//g, "")
      .replace(/\/\/.*$/gm, "");
    if (/\bDeno\.|\bBun\.|["']node:/.test(src)) bad.push(f);
  }
  assert.deepEqual(bad, []);
});

test("layers: no import cycle between the files of lib/ and workers/ (type-only imports count)", () => {
  const graph = new Map<string, string[]>();
  for (const f of [...files("lib"), ...files("workers")]) {
    graph.set(f, imports(f).map((i) => i.to).filter((t) => t.startsWith("lib/")));
  }
  const cycles: string[] = [];
  const state = new Map<string, "open" | "done">();
  const path: string[] = [];
  const visit = (f: string) => {
    if (state.get(f) === "done") return;
    if (state.get(f) === "open") {
      cycles.push([...path.slice(path.indexOf(f)), f].join(" → "));
      return;
    }
    state.set(f, "open");
    path.push(f);
    for (const t of graph.get(f) ?? []) visit(t);
    path.pop();
    state.set(f, "done");
  };
  for (const f of graph.keys()) visit(f);
  assert.deepEqual(cycles, []);
});
