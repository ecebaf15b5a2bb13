/**
 * Builds the browser bundle: lib/api/browser.ts (the face for pages: `Context`, `Socket`,
 * `XsError`) and everything it imports, folded by Bun's bundler into one
 * minified ES module, `dist/browser/xs.js` (or `--out=FILE`), that a page imports as it is
 * (`import { Context } from "./xs.js"`; examples/ws_app serves it).
 *
 * The library's graph reaches code a page never runs: starting the I/O worker
 * (lib/runtime/worker.ts: `node:worker_threads`, `node:fs`, the embedded worker source),
 * the runtime adapters (lib/runtime/node.ts, bun.ts: `node:net`, `node:fs`) and host
 * name resolution (`node:dns`). In a page a context has no I/O worker and serves its ws://
 * connects on the page's thread (lib/transports/ws_dial.ts), so those paths are never
 * taken. Nor is CURVE: a page's connects take no security mechanism (ws_dial.ts refuses
 * them) and the page has nothing to bind. A plugin makes the graph bundle for a browser:
 * - every `node:*` import becomes a stub module exporting, as `undefined`, the names its
 *   importer takes from it (read from the importer's own import statement), plus a default;
 * - lib/runtime/_worker_bundle.ts (the I/O worker's source as a string, 90 % of the
 *   bytes) becomes an empty string: only starting a worker reads it;
 * - lib/runtime/crypto_deno.ts and crypto_npm.ts (the `@noble` packages, a third of the
 *   rest) become a module that throws: lib/security/crypto.ts catches that, as it does
 *   where the packages cannot be loaded, and everything but CURVE works (`cryptoMissing`
 *   says why);
 * - `npm:` specifiers, should any other module name one, resolve from node_modules as
 *   bench/_report.ts `bundleWorkerSource` does.
 *
 * Run: `bun bench/_build_browser.ts [--out=FILE]`; prints one JSON line with the output's
 * path and its size, raw and gzipped. `buildBrowser()` is the same, for scripts.
 *
 * Runs on: Bun (a development tool, not part of the package).
 */
// deno-lint-ignore-file no-explicit-any
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
/** Where the bundle goes unless told otherwise. */
export const BROWSER_BUNDLE: string = join(ROOT, "dist", "browser", "xs.js");

/** What a build wrote. */
export interface BrowserBuild {
  /** The bundle's path. */
  path: string;
  /** Its size in bytes. */
  bytes: number;
  /** Its size gzipped (level 9), in bytes. */
  gzip: number;
}

/** The names `source` imports from `specifier` with `import { a, b as c } from "..."`. */
function namedImports(source: string, specifier: string): string[] {
  const names = new Set<string>();
  const quoted = specifier.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  const re = new RegExp(
    `import\\s+(?:[\\w$]+\\s*,\\s*)?\\{([^}]*)\\}\\s*from\\s*["']${quoted}["']`,
    "g",
  );
  for (const m of source.matchAll(re)) {
    for (const item of m[1]!.split(",")) {
      const name = item.trim().replace(/^type\s+/, "").split(/\s+as\s+/)[0]!.trim();
      if (/^[\w$]+$/.test(name) && name !== "default") names.add(name);
    }
  }
  return [...names].sort();
}

/** Bundles lib/api/browser.ts into `out` (atomically: a page never loads half a file). */
export async function buildBrowser(out: string = BROWSER_BUNDLE): Promise<BrowserBuild> {
  const B = (globalThis as any).Bun;
  if (!B) throw new Error("the browser bundle is built with Bun: bun bench/_build_browser.ts");
  const r = await B.build({
    entrypoints: [join(ROOT, "lib", "api", "browser.ts")],
    target: "browser",
    format: "esm",
    minify: true,
    plugins: [{
      name: "browser-stubs",
      setup(build: any) {
        build.onResolve({ filter: /^npm:/ }, (a: any) => ({
          path: B.resolveSync(
            a.path.replace(/^npm:(@?[^@/]+(?:\/[^@/]+)?)@[^/]+/, "$1"),
            a.resolveDir,
          ),
        }));
        // One stub per (module, importer): it exports exactly what that importer names.
        build.onResolve({ filter: /^node:/ }, (a: any) => ({
          path: `${a.path}?from=${encodeURIComponent(a.importer)}`,
          namespace: "node-stub",
        }));
        build.onLoad({ filter: /.*/, namespace: "node-stub" }, (a: any) => {
          const [specifier, from] = a.path.split("?from=");
          const names = namedImports(readFileSync(decodeURIComponent(from), "utf8"), specifier);
          const named = names.map((n: string) => `export const ${n} = undefined;`).join("\n");
          return { contents: `${named}\nexport default undefined;\n`, loader: "js" };
        });
        build.onLoad({ filter: /[\\/]lib[\\/]runtime[\\/]_worker_bundle\.ts$/ }, () => ({
          contents: 'export const WORKER_SOURCE = "";\n',
          loader: "ts",
        }));
        build.onLoad({ filter: /[\\/]lib[\\/]runtime[\\/]crypto_(?:deno|npm)\.ts$/ }, () => ({
          contents:
            'throw new Error("not in the browser bundle (a page has no security mechanism)");\n',
          loader: "ts",
        }));
      },
    }],
  });
  if (!r.success) throw new Error(r.logs.map(String).join("\n"));
  if (r.outputs.length !== 1) throw new Error(`expected one output, got ${r.outputs.length}`);
  const code = new Uint8Array(await r.outputs[0].arrayBuffer());
  mkdirSync(dirname(out), { recursive: true });
  const tmp = `${out}.${(globalThis as any).process?.pid ?? 0}.tmp`;
  writeFileSync(tmp, code);
  renameSync(tmp, out);
  return { path: out, bytes: code.length, gzip: gzipSync(code, { level: 9 }).length };
}

if (import.meta.main) {
  const outArg = (globalThis as any).process?.argv.find((a: string) => a.startsWith("--out="));
  console.log(JSON.stringify(await buildBrowser(outArg ? outArg.slice(6) : undefined)));
}
