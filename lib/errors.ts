/**
 * Error numbers, their texts, the per-thread `errno`, and `XsError`, the one error class
 * of the idiomatic face.
 *
 * Runs on: both threads (each JavaScript thread has its own module instance, hence its
 * own errno).
 */
import * as C from "./constants.ts";

const NAMES: Record<number, string> = {
  [C.EINTR]: "EINTR",
  [C.ENOENT]: "ENOENT",
  [C.EAGAIN]: "EAGAIN",
  [C.ENOMEM]: "ENOMEM",
  [C.EACCES]: "EACCES",
  [C.EFAULT]: "EFAULT",
  [C.ENODEV]: "ENODEV",
  [C.EINVAL]: "EINVAL",
  [C.EMFILE]: "EMFILE",
  [C.ENAMETOOLONG]: "ENAMETOOLONG",
  [C.ENOTSOCK]: "ENOTSOCK",
  [C.EPROTONOSUPPORT]: "EPROTONOSUPPORT",
  [C.ENOTSUP]: "ENOTSUP",
  [C.EAFNOSUPPORT]: "EAFNOSUPPORT",
  [C.EADDRINUSE]: "EADDRINUSE",
  [C.EADDRNOTAVAIL]: "EADDRNOTAVAIL",
  [C.ENETDOWN]: "ENETDOWN",
  [C.ENOBUFS]: "ENOBUFS",
  [C.ETIMEDOUT]: "ETIMEDOUT",
  [C.ECONNREFUSED]: "ECONNREFUSED",
  [C.EINPROGRESS]: "EINPROGRESS",
  [C.EHOSTUNREACH]: "EHOSTUNREACH",
  [C.EPERM]: "EPERM",
  [C.EIO]: "EIO",
  [C.ENOTDIR]: "ENOTDIR",
  [C.ENFILE]: "ENFILE",
  [C.EROFS]: "EROFS",
  [C.ELOOP]: "ELOOP",
  [C.EFSM]: "EFSM",
  [C.ENOCOMPATPROTO]: "ENOCOMPATPROTO",
  [C.ETERM]: "ETERM",
  [C.EMTHREAD]: "EMTHREAD",
};

const TEXTS: Record<number, string> = {
  [C.EINTR]: "Interrupted system call",
  [C.ENOENT]: "No such file or directory",
  [C.EAGAIN]: "Resource temporarily unavailable",
  [C.ENOMEM]: "Cannot allocate memory",
  [C.EACCES]: "Permission denied",
  [C.EFAULT]: "Bad address",
  [C.ENODEV]: "No such device",
  [C.EINVAL]: "Invalid argument",
  [C.EMFILE]: "Too many open files",
  [C.ENAMETOOLONG]: "File name too long",
  [C.ENOTSOCK]: "Socket operation on non-socket",
  [C.EPROTONOSUPPORT]: "Protocol not supported",
  [C.ENOTSUP]: "Operation not supported",
  [C.EAFNOSUPPORT]: "Address family not supported by protocol",
  [C.EADDRINUSE]: "Address already in use",
  [C.EADDRNOTAVAIL]: "Cannot assign requested address",
  [C.ENETDOWN]: "Network is down",
  [C.ENOBUFS]: "No buffer space available",
  [C.ETIMEDOUT]: "Connection timed out",
  [C.ECONNREFUSED]: "Connection refused",
  [C.EINPROGRESS]: "Operation now in progress",
  [C.EHOSTUNREACH]: "No route to host",
  [C.EPERM]: "Operation not permitted",
  [C.EIO]: "Input/output error",
  [C.ENOTDIR]: "Not a directory",
  [C.ENFILE]: "Too many open files in system",
  [C.EROFS]: "Read-only file system",
  [C.ELOOP]: "Too many levels of symbolic links",
  [C.EFSM]: "Operation cannot be accomplished in current state",
  [C.ENOCOMPATPROTO]: "The protocol is not compatible with the socket type",
  [C.ETERM]: "Context was terminated",
};

/** The errno name of `errno` ("EAGAIN"), or "E<number>" for an unknown one. */
export function errnoName(errno: number): string {
  return NAMES[errno] ?? `E${errno}`;
}

/** The errno number of a name such as "EADDRINUSE", or undefined. */
export function errnoByName(name: string): number | undefined {
  for (const k in NAMES) if (NAMES[k] === name) return Number(k);
  return undefined;
}

/** A readable text for `errno`, as `xs_strerror` gives it; never empty. */
export function strerror(errno: number): string {
  return TEXTS[errno] ?? `Unknown error ${errno}`;
}

let currentErrno = 0;

/** The calling thread's errno (the value of `xs_errno()`). */
export function getErrno(): number {
  return currentErrno;
}

/** Sets the calling thread's errno and returns -1, the C failure value. */
export function fail(errno: number): -1 {
  currentErrno = errno;
  return -1;
}

/**
 * The error every failure of the idiomatic face throws or rejects with.
 *
 * @example Telling a timeout from other failures
 * ```ts
 * import { XsError } from "@crossroads/xs";
 * try {
 *   throw new XsError(11, "Cannot receive");
 * } catch (e) {
 *   if (e instanceof XsError && e.code === "EAGAIN") console.log("timed out");
 * }
 * ```
 */
export class XsError extends Error {
  /** The errno name, e.g. "EAGAIN", "EFSM", "ETERM". */
  readonly code: string;
  /** The errno number (Linux values; library codes from XS_HAUSNUMERO). */
  readonly errno: number;

  /**
   * Creates an error for `errno`; `action` says what failed ("Cannot send on a PULL socket").
   * @param errno the error number
   * @param action what the caller tried to do
   */
  constructor(errno: number, action?: string) {
    super(action ? `${action}: ${strerror(errno)}` : strerror(errno));
    this.name = "XsError";
    this.errno = errno;
    this.code = errnoName(errno);
  }
}
