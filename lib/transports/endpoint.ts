/**
 * Endpoint strings: `inproc://name`, `ipc:///path`, `tcp://host:port`, parsed and
 * checked the way Crossroads I/O 1.2.0 does (docs/behaviour.md §2.3, §5), with our
 * deliberate difference that a bind may ask for any free port (`*` or `0`).
 *
 * Runs on: API thread (parsing happens before anything is sent to the worker).
 */
import { EINVAL, ENAMETOOLONG, ENODEV, EPROTONOSUPPORT } from "../constants.ts";

/** A parsed endpoint. */
export type Endpoint =
  | { scheme: "inproc"; name: string }
  | { scheme: "ipc"; path: string }
  | { scheme: "tcp"; host: string; port: number; ipv6: boolean };

/** Parses `url` for a bind (`bind` true) or a connect. Returns the endpoint or an errno. */
export function parseEndpoint(url: unknown, bind: boolean, ipv4only = true): Endpoint | number {
  if (typeof url !== "string") return EINVAL;
  const i = url.indexOf("://");
  if (i <= 0) return EINVAL;
  const scheme = url.slice(0, i);
  const addr = url.slice(i + 3);
  if (addr.length === 0) return EINVAL;
  switch (scheme) {
    case "inproc":
      return { scheme, name: addr };
    case "ipc":
      // sizeof(sun_path) on Linux is 108, including the terminating NUL.
      if (new TextEncoder().encode(addr).length >= 108) return ENAMETOOLONG;
      return { scheme, path: addr };
    case "tcp":
      return parseTcp(addr, bind, ipv4only);
    case "pgm":
    case "epgm":
    default:
      return EPROTONOSUPPORT;
  }
}

function parseTcp(addr: string, bind: boolean, ipv4only: boolean): Endpoint | number {
  // A source address ("src;host:port") is accepted and ignored on connect.
  const semi = addr.lastIndexOf(";");
  if (semi >= 0) addr = addr.slice(semi + 1);
  const colon = addr.lastIndexOf(":");
  if (colon < 0) return EINVAL;
  let host = addr.slice(0, colon);
  const portText = addr.slice(colon + 1);
  let port: number;
  if (portText === "*" || portText === "0") {
    if (!bind) return EINVAL;
    port = 0;
  } else {
    if (!/^[0-9]+$/.test(portText)) return EINVAL;
    port = Number(portText);
    if (port < 1 || port > 65535) return EINVAL;
  }
  if (host.startsWith("[") && host.endsWith("]")) host = host.slice(1, -1);
  if (host.length === 0) return bind ? ENODEV : EINVAL;
  const ipv6 = host.includes(":");
  if (ipv6 && ipv4only) return bind ? ENODEV : EINVAL;
  if (bind) {
    if (host === "*") host = ipv4only ? "0.0.0.0" : "::";
    else if (!isNumericHost(host)) {
      // Crossroads binds to interface names or literals; "localhost" is the one name
      // we map, since users expect it to work.
      if (host === "localhost") host = "127.0.0.1";
      else if (host !== "lo") return ENODEV;
      else host = "127.0.0.1";
    }
  }
  return { scheme: "tcp", host, port, ipv6 };
}

function isNumericHost(h: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(h) || (h.includes(":") && /^[0-9a-fA-F:.]+$/.test(h));
}

/** Formats a bound endpoint for `lastEndpoint`. */
export function formatEndpoint(e: Endpoint): string {
  if (e.scheme === "inproc") return `inproc://${e.name}`;
  if (e.scheme === "ipc") return `ipc://${e.path}`;
  return e.ipv6 ? `tcp://[${e.host}]:${e.port}` : `tcp://${e.host}:${e.port}`;
}
