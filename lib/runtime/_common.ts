/**
 * What the three runtime adapters share: the NetError shape, host name resolution, the
 * "host:port" text of an address, handing an accepted connection to the engine and the
 * interface list of Node and Bun.
 *
 * Runs on: I/O worker (and the API thread in tests).
 */
import type { AcceptFn, NetError, NetInterface, StreamConn, StreamHandlers } from "./runtime.ts";

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/**
 * Wraps a runtime/OS error as a {@linkcode NetError} whose `code` is the errno name:
 * the error's own `code` when it has one (Node, Bun and most Deno errors), else
 * `fallback(src)`, else "EIO".
 */
export function netError(
  e: unknown,
  what: string,
  fallback?: (src: Error) => string | undefined,
): NetError {
  const src = e instanceof Error ? e : new Error(String(e));
  let code = (src as Partial<NetError>).code;
  if (typeof code !== "string" || !code) code = fallback?.(src) ?? "EIO";
  const err = new Error(`${what}: ${src.message}`, { cause: src }) as NetError;
  err.name = "NetError";
  err.code = code;
  return err;
}

/**
 * Numeric addresses for `host`, IPv4 first: literals as they are, "localhost" as
 * 127.0.0.1, other names through getaddrinfo (node:dns, which every runtime has; Deno's
 * own resolveDns ignores /etc/hosts).
 */
export async function resolveHost(host: string): Promise<string[]> {
  if (IPV4.test(host) || host.includes(":")) return [host];
  if (host === "localhost") return ["127.0.0.1"];
  const dns = await import("node:dns");
  let all: { address: string; family: number }[];
  try {
    all = await dns.promises.lookup(host, { all: true });
  } catch (e) {
    throw netError(e, `cannot resolve ${host}`);
  }
  if (all.length === 0) throw netError(new Error("no address"), `cannot resolve ${host}`);
  return all.sort((a, b) => a.family - b.family).map((a) => a.address);
}

/** "host:port", with brackets around an IPv6 host (a `remote` text of the contract). */
export function hostPort(host: string | undefined, port: number | undefined): string {
  return `${host?.includes(":") ? `[${host}]` : host ?? ""}:${port}`;
}

/**
 * Offers an accepted stream to the engine and attaches the handlers it returns. False if
 * the engine refused it (`accept` threw): the caller then closes the raw connection, and
 * since nothing was attached there is nothing to report.
 */
export function offer(
  accept: AcceptFn,
  st: StreamConn & { attach(h: StreamHandlers): unknown },
): boolean {
  let h: StreamHandlers;
  try {
    h = accept(st);
  } catch {
    return false;
  }
  st.attach(h);
  return true;
}

/** The runtime this code runs on, decided from its globals (one place for all of lib/runtime). */
export function currentRuntimeName(): "deno" | "bun" | "node" {
  // deno-lint-ignore no-explicit-any
  const g = globalThis as any;
  // Bun defines no `Deno`, and Deno defines no `Bun`; a polyfill of either is not supported.
  if (typeof g.Deno?.listen === "function") return "deno";
  if (typeof g.Bun?.listen === "function") return "bun";
  return "node";
}

/**
 * True where an I/O worker can run the tcp/ipc/ws transports: Deno, Bun, Node. False in a
 * browser (no sockets to listen or dial with), where ws:// connects are served on the
 * page's thread instead (lib/transports/ws_dial.ts).
 */
export function hasIoWorker(): boolean {
  // deno-lint-ignore no-explicit-any
  const g = globalThis as any;
  return currentRuntimeName() !== "node" || typeof g.process?.versions?.node === "string";
}

/**
 * How long a TLS client handshake may take (`connectTls`), ms: a server that accepts and
 * never answers must not hold a dial for ever (the session's own handshake timer starts
 * only once the stream exists).
 */
export const TLS_HANDSHAKE_MS = 10_000;

/**
 * `p` (a TLS handshake), rejected with an ETIMEDOUT NetError if it takes longer than
 * `TLS_HANDSHAKE_MS`; `abort` then tears the connection down. The timer never outlives `p`.
 */
export function handshakeBound<T>(p: Promise<T>, what: string, abort: () => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      const e = new Error(`no TLS handshake within ${TLS_HANDSHAKE_MS} ms`) as NetError;
      e.code = "ETIMEDOUT";
      reject(netError(e, what));
      abort();
    }, TLS_HANDSHAKE_MS);
    p.then((v) => {
      clearTimeout(timer);
      resolve(v);
    }, (e) => {
      clearTimeout(timer);
      // Already one of ours (named by the adapter): kept; anything else is said as `what`.
      reject((e as Error)?.name === "NetError" ? e : netError(e, what));
    });
  });
}

/**
 * The trust anchors of a Node or Bun TLS client (`ca` replaces the built-in roots there):
 * undefined (the runtime's roots) when only the system is trusted, else `ca`, plus the
 * runtime's roots (`system`) if `trustSystem` is not false.
 */
export function trustList(
  ca: string[] | undefined,
  trustSystem: boolean | undefined,
  system: () => readonly string[],
): string[] | undefined {
  const own = ca ?? [];
  if (trustSystem === false) return own;
  return own.length ? [...system(), ...own] : undefined;
}

/** What `os.networkInterfaces()` returns (Node and Bun; `family` 4/6 in some Node versions). */
type OsInterfaces = Record<string, { address: string; family: string | number }[] | undefined>;

/**
 * Node's and Bun's `os.networkInterfaces()` as {@linkcode NetInterface}s, in its order.
 *
 * @example
 * ```ts
 * import { osInterfaces } from "./_common.ts";
 * const list = osInterfaces({ lo: [{ address: "127.0.0.1", family: "IPv4" }] });
 * // [{ name: "lo", address: "127.0.0.1", ipv6: false }]
 * ```
 */
export function osInterfaces(os: OsInterfaces): NetInterface[] {
  return Object.entries(os).flatMap(([name, addrs]) =>
    (addrs ?? []).map((a) => ({
      name,
      address: a.address,
      ipv6: a.family === "IPv6" || a.family === 6,
    }))
  );
}
