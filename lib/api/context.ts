/**
 * The idiomatic face's `Context` (docs/api.md §2): makes sockets by type name or number,
 * applies their initial `SocketOptions`, and terminates with `term()` / `await using`.
 * The shell over lib/core/context.ts's ContextCore; `Socket` is in socket.ts.
 *
 * Runs on: API thread.
 */
import * as C from "../constants.ts";
import { XsError } from "../errors.ts";
import { ContextCore } from "../core/mod.ts";
import { OPTION_ALIASES, OPTION_IDS, type SocketOptions } from "./options.ts";
import { Socket } from "./socket.ts";
import type { NameOf, SocketType, SocketTypeName } from "./socket_types.ts";

export type { NameOf, SocketType, SocketTypeName } from "./socket_types.ts";

/** Options of `new Context()`. */
export interface ContextOptions {
  /**
   * I/O threads (`XS_IO_THREADS`, ≥ 1, default 1): how many I/O workers may serve the
   * context's tcp/ipc/ws endpoints. Each bind and connect goes to the least loaded worker
   * its socket's `affinity` names (docs/behaviour.md §10.8); a worker starts when first used.
   */
  ioThreads?: number | undefined;
  /** Limit of live sockets (`XS_MAX_SOCKETS`, ≥ 0, default 512). */
  maxSockets?: number | undefined;
  /**
   * Default linger of the context's sockets in ms (`XS_LINGER`): how long `close()` and
   * `term()` keep delivering queued messages. -1 (the Crossroads default) waits for ever,
   * 0 drops them at once; a socket's own `linger` option overrides it, and SUB/XSUB keep
   * their default of 0.
   */
  linger?: number | undefined;
  /**
   * Who serves `ws://` connects: "worker" (the I/O worker, the default in Deno, Bun and
   * Node: every mechanism, messages queue before the connection) or "thread" (this thread,
   * with the platform's standard `WebSocket`, bare ZWS2.0, no security; the default in a
   * browser, which has no worker sockets). Binds always need the worker.
   */
  webSocket?: "worker" | "thread" | undefined;
}

const ALIASES: Record<string, number> = { DEALER: C.XS_DEALER, ROUTER: C.XS_ROUTER };

/**
 * The name a socket reports (`Socket.type`): the one it was made with, upper case; for a
 * number, the Crossroads name (XREQ and XREP for 5 and 6, which are also XS_DEALER and
 * XS_ROUTER).
 */
function typeName(type: SocketType | number, n: number): SocketTypeName | undefined {
  if (typeof type === "string") return type.toUpperCase() as SocketTypeName;
  return C.SOCKET_TYPE_NAMES[n] as SocketTypeName | undefined;
}

function typeNumber(type: unknown): number {
  if (typeof type === "number") {
    if (!Number.isInteger(type)) throw new TypeError(`Cannot make a socket of type ${type}`);
    return type;
  }
  if (typeof type !== "string") {
    throw new TypeError("The socket type must be a name or an XS_* number");
  }
  const name = type.toUpperCase();
  const n = ALIASES[name] ?? (C.SOCKET_TYPE_NAMES as readonly string[]).indexOf(name);
  if (n < 0) throw new TypeError(`Unknown socket type "${type}"`);
  return n;
}

const HOT = Symbol.for("@crossroads/xs.hot");

/**
 * A context: owns sockets, the inproc name space and the I/O worker. Make one per
 * application; terminate it with `await ctx.term()` (or `await using`).
 *
 * @example
 * ```ts
 * import { Context } from "@crossroads/xs";
 * await using ctx = new Context({ ioThreads: 1 });
 * using pull = ctx.socket("PULL");
 * using push = ctx.socket("PUSH");
 * await pull.bind("inproc://ctx-example");
 * await push.connect("inproc://ctx-example");
 * await push.send("hello");
 * console.log(await pull.receive()); // [ Uint8Array(5) ]
 * ```
 */
export class Context {
  readonly #core: ContextCore;
  #terming: Promise<void> | null = null;

  /**
   * Makes a context. No thread starts until a tcp or ipc endpoint needs one, and the
   * I/O worker stops again whenever no socket is left, so a program whose sockets are
   * closed can end without `term()`.
   * @param options `ioThreads` (≥ 1), `maxSockets` (≥ 0), `linger` (ms, ≥ -1)
   * @throws {RangeError} for an out-of-range option
   */
  constructor(options: ContextOptions = {}) {
    const { ioThreads, maxSockets, linger, webSocket } = options;
    if (ioThreads !== undefined && !(Number.isInteger(ioThreads) && ioThreads >= 1)) {
      throw new RangeError("ioThreads must be an integer of at least 1");
    }
    if (maxSockets !== undefined && !(Number.isInteger(maxSockets) && maxSockets >= 0)) {
      throw new RangeError("maxSockets must be a non-negative integer");
    }
    if (linger !== undefined && !(Number.isInteger(linger) && linger >= -1)) {
      throw new RangeError("linger must be an integer of at least -1 (ms; -1 = for ever)");
    }
    if (webSocket !== undefined && webSocket !== "worker" && webSocket !== "thread") {
      throw new TypeError('webSocket must be "worker" or "thread"');
    }
    this.#core = new ContextCore({ ioThreads, maxSockets, linger, webSocket });
  }

  /**
   * Makes a socket and applies `options` before returning it.
   *
   * @param type a socket type name ("PUSH") or `XS_*` number
   * @param options initial option values
   * @returns the socket
   * @throws {XsError} ETERM (context terminated), EMFILE (`maxSockets` reached), EINVAL
   *   (type not available)
   * @throws {TypeError} for an unknown type name or option, or a value of the wrong type
   * @throws {RangeError} for an option value out of its range (docs/api.md §6)
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Context } from "@crossroads/xs";
   * const ctx = new Context();
   * const pull = ctx.socket("PULL", { rcvhwm: 10 });
   * assert.equal(pull.rcvhwm, 10);
   * pull.close();
   * await ctx.term();
   * ```
   */
  socket<T extends SocketType>(type: T, options?: SocketOptions): Socket<NameOf<T>>;
  /**
   * Makes a socket of a type given by `XS_*` number, or by a name not known until run
   * time: a plain `Socket`, whose calls the type checker does not restrict.
   *
   * @param type a socket type name or `XS_*` number
   * @param options initial option values
   * @returns the socket
   */
  socket(type: SocketType | number, options?: SocketOptions): Socket;
  socket(type: SocketType | number, options?: SocketOptions): Socket {
    const n = typeNumber(type);
    const name = typeName(type, n);
    const core = this.#core.socket(n);
    if (typeof core === "number") {
      throw new XsError(core, `Cannot make a ${name ?? n} socket`);
    }
    const s = new Socket(core, name);
    if (options !== undefined) {
      try {
        if (typeof options !== "object" || options === null) {
          throw new TypeError("Socket options must be an object");
        }
        for (const [k, v] of Object.entries(options)) {
          if (!(k in OPTION_IDS) && !(k in OPTION_ALIASES)) {
            throw new TypeError(`Unknown socket option "${k}"`);
          }
          if (v !== undefined) (s as unknown as Record<string, unknown>)[k] = v;
        }
      } catch (e) {
        s.close();
        throw e;
      }
    }
    return s;
  }

  /**
   * Terminates the context: pending and later calls on its sockets fail with `ETERM`,
   * open sockets are closed, and the promise resolves once every socket finished
   * lingering and the I/O worker stopped. Calling it again returns the same promise.
   *
   * @returns resolves when the context is gone
   *
   * @example
   * ```ts
   * import { Context } from "@crossroads/xs";
   * const ctx = new Context();
   * await ctx.term();
   * ```
   */
  term(): Promise<void> {
    this.#terming ??= this.#core.term();
    return this.#terming;
  }

  /**
   * A context that takes over from the one made under the same `key` by an earlier run of
   * this code in the same process: that one is terminated first, its queued messages
   * dropped (linger 0), so its ports are free again. For `bun --hot`, which re-runs
   * changed modules inside the living process (a plain `new Context()` there keeps the old
   * one bound: "Address already in use"). `deno --watch` and `bun --watch` restart the
   * process and need nothing. How to end each context is kept on `globalThis` under
   * `Symbol.for("@crossroads/xs.hot")`.
   *
   * @param key names the context across reloads (one per context the module makes)
   * @param options as for `new Context()`
   * @returns the new context
   *
   * @example
   * ```ts
   * import { Context } from "@crossroads/xs";
   * const ctx = await Context.hot("server"); // bun --hot server.ts
   * using rep = ctx.socket("REP");
   * await rep.bind("tcp://127.0.0.1:*");
   * rep.close();
   * await ctx.term();
   * ```
   */
  static async hot(key: string, options?: ContextOptions): Promise<Context> {
    // The registry holds how to end each context, not the context: after a reload this
    // module is a new one, whose class cannot reach the private state of the old objects.
    const g = globalThis as { [HOT]?: Map<string, () => Promise<void>> };
    const all = g[HOT] ??= new Map();
    const end = all.get(key);
    all.delete(key);
    await end?.();
    const ctx = new Context(options);
    all.set(key, () => {
      ctx.#core.dropQueued();
      return ctx.term();
    });
    return ctx;
  }

  /** Same as `term()`, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.term();
  }
}
