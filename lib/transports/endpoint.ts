/**
 * Endpoint strings: `inproc://name`, `ipc:///path`, `tcp://host:port`, and
 * `ws://host:port/path` (ZeroMQ over WebSocket, libzmq's syntax; the path defaults to `/`) and
 * `wss://host:port/path` (the same over TLS), parsed and
 * checked the way Crossroads I/O 1.2.0 does (docs/behaviour.md §2.3, §5), with our
 * deliberate difference that a bind may ask for any free port (`*` or `0`).
 *
 * Runs on: API thread (parsing happens before anything is sent to the worker).
 */
import { EINVAL, ENAMETOOLONG, ENODEV, EPROTONOSUPPORT } from "../constants.ts";

/**
 * A parsed endpoint. A tcp address to bind whose host is an interface name has `iface`
 * set: the I/O worker looks the name up ({@linkcode interfaceAddress}) before it listens.
 * A tcp connect whose source address (`src;host:port`) is an interface name has
 * `sourceIface`: the worker's check before the connect makes sure the host has it.
 */
export type Endpoint =
  | { scheme: "inproc"; name: string }
  | { scheme: "ipc"; path: string }
  | {
    scheme: "tcp";
    host: string;
    port: number;
    ipv6: boolean;
    iface?: boolean;
    sourceIface?: { name: string; ipv4only: boolean };
  }
  /** ZeroMQ over WebSocket (ZWS 2.0, RFC 45): a tcp address and the HTTP path. */
  | { scheme: "ws"; host: string; port: number; ipv6: boolean; path: string; iface?: boolean }
  /** ZeroMQ over WebSocket over TLS: as ws, the stream a TLS one (the runtime's). */
  | { scheme: "wss"; host: string; port: number; ipv6: boolean; path: string; iface?: boolean };

/** The shape of a network interface name (Linux allows 15 bytes; no `:` or `/`). */
const IFACE_NAME = /^[A-Za-z0-9_.@-]{1,15}$/;

/**
 * The address a bind to interface `name` takes, as Crossroads 1.2.0 chooses it: the first
 * IPv4 address of that name in the OS's order, or its first IPv4 or IPv6 one when the socket
 * is not IPv4-only; null if there is none.
 *
 * @example
 * ```ts
 * import { interfaceAddress } from "./endpoint.ts";
 * const list = [
 *   { name: "eth0", address: "fe80::1", ipv6: true },
 *   { name: "eth0", address: "192.0.2.2", ipv6: false },
 * ];
 * interfaceAddress(list, "eth0", true); // "192.0.2.2"
 * interfaceAddress(list, "eth0", false); // "fe80::1"
 * interfaceAddress(list, "eth9", false); // null
 * ```
 */
export function interfaceAddress(
  list: readonly { name: string; address: string; ipv6: boolean }[],
  name: string,
  ipv4only: boolean,
): string | null {
  return list.find((i) => i.name === name && !(ipv4only && i.ipv6))?.address ?? null;
}

/** Why an endpoint string was refused: the errno Crossroads gives, and the reason in words. */
export interface EndpointProblem {
  errno: number;
  why: string;
}

/** Parses `url` for a bind (`bind` true) or a connect. Returns the endpoint or an errno. */
export function parseEndpoint(url: unknown, bind: boolean, ipv4only = true): Endpoint | number {
  const r = checkEndpoint(url, bind, ipv4only);
  return "errno" in r ? r.errno : r;
}

/**
 * Parses `url` as `parseEndpoint` does, saying what is wrong when it is refused (which
 * part, and what would be accepted), for the idiomatic face's error messages.
 */
export function checkEndpoint(
  url: unknown,
  bind: boolean,
  ipv4only = true,
): Endpoint | EndpointProblem {
  if (typeof url !== "string") {
    return { errno: EINVAL, why: `the endpoint must be a string, not ${typeof url}` };
  }
  const i = url.indexOf("://");
  if (i <= 0) {
    return { errno: EINVAL, why: "no scheme: write tcp://host:port, ipc:///path or inproc://name" };
  }
  const scheme = url.slice(0, i);
  const addr = url.slice(i + 3);
  if (addr.length === 0) return { errno: EINVAL, why: `nothing after "${scheme}://"` };
  switch (scheme) {
    case "inproc":
      return { scheme, name: addr };
    case "ipc":
      // sizeof(sun_path) on Linux is 108, including the terminating NUL.
      if (new TextEncoder().encode(addr).length >= 108) {
        return { errno: ENAMETOOLONG, why: "the ipc path is over 107 bytes (the OS limit)" };
      }
      return { scheme, path: addr };
    case "tcp":
      return parseTcp(addr, bind, ipv4only);
    case "ws":
    case "wss": {
      const slash = addr.indexOf("/");
      const hostPort = slash < 0 ? addr : addr.slice(0, slash);
      const path = slash < 0 ? "/" : addr.slice(slash);
      if (/[\s?#]/.test(path)) {
        return { errno: EINVAL, why: `bad path "${path}": no spaces, query or fragment` };
      }
      const t = parseTcp(hostPort, bind, ipv4only);
      if ("errno" in t || t.scheme !== "tcp") return t;
      return {
        scheme,
        host: t.host,
        port: t.port,
        ipv6: t.ipv6,
        path,
        ...(t.iface ? { iface: true } : {}),
      };
    }
    case "pgm":
    case "epgm":
      return { errno: EPROTONOSUPPORT, why: `${scheme} (multicast) is not supported` };
    default:
      return {
        errno: EPROTONOSUPPORT,
        why: `unknown transport "${scheme}" (tcp, ipc, ws, wss and inproc are supported)`,
      };
  }
}

function parseTcp(addr: string, bind: boolean, ipv4only: boolean): Endpoint | EndpointProblem {
  // A source address ("src;host:port", connect only) must name a local interface, as in
  // Crossroads 1.2.0 (ENODEV otherwise); the runtimes cannot bind a connecting socket to
  // it, so it is checked and then not used (docs/behaviour.md §5).
  const semi = addr.lastIndexOf(";");
  let sourceIface: { name: string; ipv4only: boolean } | undefined;
  if (semi >= 0) {
    const src = addr.slice(0, semi).replace(/:(\d+|\*)$/, "").replace(/^\[(.*)\]$/, "$1");
    const local = src === "*" || src === "lo" || src === "localhost" || isNumericHost(src);
    if (!local && IFACE_NAME.test(src)) sourceIface = { name: src, ipv4only };
    if (bind || !(local || sourceIface) || (ipv4only && src.includes(":"))) {
      return {
        errno: ENODEV,
        why: bind
          ? "a source address (src;host:port) is for connect only"
          : `source address "${src}" is not an address or interface of this host`,
      };
    }
    addr = addr.slice(semi + 1);
  }
  const colon = addr.lastIndexOf(":");
  if (colon < 0 || (addr.startsWith("[") && !addr.slice(0, colon).endsWith("]"))) {
    return { errno: EINVAL, why: `no port in "${addr}": write host:port` };
  }
  let host = addr.slice(0, colon);
  const portText = addr.slice(colon + 1);
  let port: number;
  if (portText === "*" || portText === "0") {
    if (!bind) {
      return { errno: EINVAL, why: `port ${portText} is for bind only: connect to a port` };
    }
    port = 0;
  } else {
    port = /^[0-9]+$/.test(portText) ? Number(portText) : NaN;
    if (!(port >= 1 && port <= 65535)) {
      return { errno: EINVAL, why: `bad port "${portText}": 1 to 65535${bind ? ", or *" : ""}` };
    }
  }
  if (host.startsWith("[") && host.endsWith("]")) host = host.slice(1, -1);
  if (host.length === 0) {
    return { errno: bind ? ENODEV : EINVAL, why: `no host before ":${portText}"` };
  }
  if (/^\d+\.\d+\.\d+\.\d+$/.test(host) && !isNumericHost(host)) {
    // Crossroads resolves it as a name, which fails: ENODEV on bind, EINVAL on connect.
    return { errno: bind ? ENODEV : EINVAL, why: `"${host}" is not a valid IPv4 address` };
  }
  const ipv6 = host.includes(":");
  if (ipv6 && ipv4only) {
    return {
      errno: bind ? ENODEV : EINVAL,
      why: `${host} is an IPv6 address and the socket is IPv4-only (ipv4only defaults to ` +
        "true, as in Crossroads): set ipv4only to false (XS_IPV4ONLY 0) first",
    };
  }
  if (bind) {
    if (host === "*") host = ipv4only ? "0.0.0.0" : "::";
    else if (!isNumericHost(host)) {
      // Crossroads binds to interface names or literals; "localhost" is the one host name
      // we map, since users expect it to work. Other names are looked up as interfaces by
      // the I/O worker (ENODEV there if none has that name).
      if (host === "localhost" || host === "lo") host = "127.0.0.1";
      else if (IFACE_NAME.test(host)) {
        return { scheme: "tcp", host, port, ipv6: false, iface: true };
      } else {
        return {
          errno: ENODEV,
          why: `"${host}" is not an address or interface to bind to (use an IP address, an ` +
            "interface name, * for all interfaces, or localhost)",
        };
      }
    }
  }
  return { scheme: "tcp", host, port, ipv6, ...(sourceIface ? { sourceIface } : {}) };
}

/** True for an IPv4 literal (octets ≤ 255) or an IPv6 one. */
export function isNumericHost(h: string): boolean {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(h);
  if (v4) return v4.slice(1).every((o) => Number(o) <= 255);
  return h.includes(":") && /^[0-9a-fA-F:.]+$/.test(h);
}

/** Formats a bound endpoint for `lastEndpoint`. */
export function formatEndpoint(e: Endpoint): string {
  if (e.scheme === "inproc") return `inproc://${e.name}`;
  if (e.scheme === "ipc") return `ipc://${e.path}`;
  const address = e.ipv6 ? `[${e.host}]:${e.port}` : `${e.host}:${e.port}`;
  return e.scheme === "ws" || e.scheme === "wss"
    ? `${e.scheme}://${address}${e.path}`
    : `tcp://${address}`;
}
