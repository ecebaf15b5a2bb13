/**
 * examples/ws_app end to end, in a real browser: the example's server (on the runtime
 * running this suite, rebuilding the browser bundle) with its two worker processes, and
 * headless Chromium loading the page. The page's SUB must show at least 3 live updates
 * and its REQ a reply on load and another after a click on its button; the server must
 * then stop cleanly on SIGTERM (exit code 0, both workers exited with 0). A screenshot of
 * the page is kept as dist/artifacts/ws_app.png.
 *
 * Chromium is driven over the DevTools protocol (a WebSocket): `--dump-dom` with
 * `--virtual-time-budget` does not fit a page fed by WebSockets, since virtual time runs
 * ahead of the network (the page's receive timeouts fire before anything arrives).
 * Every step is bounded; the case is at most 45 s.
 *
 * Runs on: the test runner's main thread (Deno and Bun; the server, its workers and
 * Chromium run as child processes). Skipped on Node (the example is TypeScript run as it
 * is) and where /usr/bin/chromium is missing.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import process from "node:process";
import { assert, removeDir, runtime, spawnLines, tempDir, test } from "../_harness.ts";

const ROOT = decodeURIComponent(new URL("../../", import.meta.url).pathname);
const CHROMIUM = "/usr/bin/chromium";
const SCREENSHOT = `${ROOT}dist/artifacts/ws_app.png`;
const SKIP = runtime === "node"
  ? "the example runs on Deno and Bun (Node 20 cannot run TypeScript)"
  : !existsSync(CHROMIUM)
  ? `${CHROMIUM} is missing (Debian: apt-get install -y chromium; .ci/run tries when root)`
  : false;
// Neither runner shows a skip's reason: say why a browser test did not run.
if (SKIP && runtime !== "node") console.warn(`tests/examples/ws_app_test.ts skipped: ${SKIP}`);

/** What the page's #status holds. */
interface Status {
  updates: number;
  replies: number;
  errors: string[];
}

/** `p`, or a rejection after `ms` naming `what`. */
function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let t: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    t = setTimeout(() => reject(new Error(`no ${what} within ${ms} ms`)), ms);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(t));
}

/** A minimal DevTools protocol client: commands over the browser's WebSocket. */
class Cdp {
  readonly #ws: WebSocket;
  #next = 1;
  readonly #waiting = new Map<number, (m: Record<string, unknown>) => void>();

  private constructor(ws: WebSocket) {
    this.#ws = ws;
    ws.addEventListener("message", (e) => {
      const m = JSON.parse(String(e.data));
      this.#waiting.get(m.id)?.(m);
      this.#waiting.delete(m.id);
    });
  }

  static async open(url: string): Promise<Cdp> {
    const ws = new WebSocket(url);
    await new Promise<void>((resolve, reject) => {
      ws.addEventListener("open", () => resolve());
      ws.addEventListener("error", () => reject(new Error(`cannot open ${url}`)));
    });
    return new Cdp(ws);
  }

  /** Sends a command (to a page when `sessionId` is given); resolves with its result. */
  // deno-lint-ignore no-explicit-any
  send(method: string, params: object = {}, sessionId?: string, ms = 5_000): Promise<any> {
    const id = this.#next++;
    const reply = new Promise<Record<string, unknown>>((resolve) => this.#waiting.set(id, resolve));
    this.#ws.send(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }));
    return within(reply, ms, `answer to ${method}`).then((m) => {
      if (m.error) throw new Error(`${method}: ${JSON.stringify(m.error)}`);
      return m.result;
    });
  }

  close(): void {
    this.#ws.close();
  }
}

/** Starts headless Chromium with a DevTools port; resolves with its browser WebSocket URL. */
function startChromium(profile: string) {
  const child = spawn(CHROMIUM, [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--window-size=1000,700",
    "--remote-debugging-port=0",
    `--user-data-dir=${profile}`,
    "about:blank",
  ], { stdio: ["ignore", "ignore", "pipe"], detached: true });
  let log = "";
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = new Promise<string>((resolve, reject) => {
    child.stderr!.on("data", (d: Uint8Array) => {
      log += new TextDecoder().decode(d);
      const m = log.match(/DevTools listening on (ws:\/\/\S+)/);
      if (m) resolve(m[1]!);
    });
    exited.then(() => reject(new Error(`chromium exited:\n${log}`)));
  });
  url.catch(() => {}); // awaited below; a late rejection is not unhandled
  /** Kills Chromium and its helper processes (its own process group). */
  const kill = () => {
    try {
      process.kill(-child.pid!, "SIGKILL");
    } catch { /* gone */ }
  };
  /** Its stderr without the D-Bus complaints of a machine without a session bus. */
  const shown = () => log.split("\n").filter((l) => !/dbus|Fontconfig/i.test(l)).join("\n");
  return { url, exited, kill, log: shown };
}

test("examples/ws_app: a page in headless Chromium gets live updates and replies", async () => {
  const bin = `${ROOT}node_modules/.bin/${runtime}`;
  const server = spawnLines(
    bin,
    [
      ...(runtime === "deno" ? ["run", "-A"] : []),
      "examples/ws_app/server.ts",
      "--port=0",
      "--exit-after-ms=44000",
      "--rebuild",
    ],
    { cwd: ROOT },
  );
  const profile = tempDir();
  let chromium: ReturnType<typeof startChromium> | null = null;
  let cdp: Cdp | null = null;
  let last: Status | string = "(not read)";
  try {
    const { listening: port } = await server.next(15_000);
    assert.ok(Number.isInteger(port) && port > 0, `the server printed its port: ${port}`);

    chromium = startChromium(profile);
    cdp = await Cdp.open(await within(chromium.url, 8_000, "DevTools URL from chromium"));
    const { targetId } = await cdp.send("Target.createTarget", {
      url: `http://127.0.0.1:${port}/`,
    });
    const { sessionId } = await cdp.send("Target.attachToTarget", { targetId, flatten: true });
    const page = cdp; // a const for the closures below
    const evaluate = async (expression: string) =>
      (await page.send("Runtime.evaluate", { expression, returnByValue: true }, sessionId))
        .result.value;

    /** Polls #status until `ok` holds, bounded. */
    const until = async (ok: (s: Status) => boolean, ms: number, what: string) => {
      const end = Date.now() + ms;
      for (;;) {
        const text = await evaluate(`document.getElementById("status")?.textContent ?? ""`);
        try {
          last = JSON.parse(text) as Status;
        } catch {
          last = String(text);
        }
        if (typeof last === "object" && last.errors?.length) {
          throw new Error(`the page reported errors: ${JSON.stringify(last.errors)}`);
        }
        if (typeof last === "object" && ok(last)) return last;
        assert.ok(Date.now() < end, `${what} within ${ms} ms; status: ${JSON.stringify(last)}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    };

    // `until` fails at once on an error the page reported.
    await until((s) => s.updates >= 3 && s.replies >= 1, 12_000, "3 updates, 1 reply");
    // The button asks again: one more reply.
    await evaluate(`document.getElementById("ask").click()`);
    await until((s) => s.replies >= 2, 5_000, "a reply to the click");
    const reply = await evaluate(`document.getElementById("reply").textContent`);
    assert.match(reply, /^\d+ primes below \d+ \(worker [12]\)$/);

    // The screenshot: a test artefact (dist/ is not in git).
    await cdp.send("Emulation.setDeviceMetricsOverride", {
      width: 1000,
      height: 700,
      deviceScaleFactor: 1,
      mobile: false,
    }, sessionId);
    const shot = await cdp.send("Page.captureScreenshot", { format: "png" }, sessionId);
    const png = Uint8Array.from(atob(shot.data), (c) => c.charCodeAt(0));
    assert.deepEqual([...png.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47], "a PNG");
    mkdirSync(`${ROOT}dist/artifacts`, { recursive: true });
    writeFileSync(SCREENSHOT, png);

    // The browser goes, then the server stops cleanly on SIGTERM.
    await cdp.send("Browser.close").catch(() => {});
    await within(chromium.exited, 5_000, "chromium exit").catch(() => chromium!.kill());
    const code = await within(server.kill("SIGTERM"), 8_000, "server exit after SIGTERM");
    const stopped = await server.next(1_000);
    assert.equal(stopped.stopped, "SIGTERM", JSON.stringify(stopped));
    assert.deepEqual(stopped.workers, [0, 0], "both workers exited with 0");
    assert.ok(stopped.updates >= 3, JSON.stringify(stopped));
    assert.equal(code, 0, "the server exited with 0");
  } catch (e) {
    throw new Error(
      `${(e as Error).message}\nlast status: ${JSON.stringify(last)}` +
        (chromium ? `\n--- chromium stderr\n${chromium.log().slice(-2_000)}` : ""),
      { cause: e },
    );
  } finally {
    cdp?.close();
    chromium?.kill();
    await server.kill("SIGKILL").catch(() => {}); // if still running (a failure)
    await server.close(); // its stdin
    removeDir(profile);
  }
}, { timeout: 45_000, skip: SKIP });
