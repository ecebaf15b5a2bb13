/**
 * Closing and lingering in the I/O worker: `close` of a socket and `shutdown` of one
 * endpoint close listeners and reconnect timers at once; connections linger until their
 * OUT rings are empty or XS_LINGER (counted from the application's call) runs out, then
 * close, and the socket is reported `closed` with the connect-side pipes it released
 * (docs/architecture.md §7).
 *
 * Runs on: I/O worker.
 */
import type { Tables, WSocket } from "./tables.ts";

/** The close side of the worker's tables. */
export class Linger {
  readonly #t: Tables;

  /** @param t the worker's tables */
  constructor(t: Tables) {
    this.#t = t;
  }

  /**
   * Closes one endpoint (`xs_shutdown`): its listener and reconnect timer at once; its
   * connections linger like a closed socket's (XS_LINGER), so the endpoint moves to a
   * socket record of its own that closes, and whose `closed` event names its pipes.
   */
  shutdown(sockId: number, epId: number, linger: number): void {
    const t = this.#t;
    const sock = t.sockets.get(sockId);
    const rec = sock?.endpoints.get(epId);
    if (!sock || !rec) return;
    sock.endpoints.delete(epId);
    rec.listener?.close();
    if (rec.listener) t.monitor(sockId, { type: "close", address: rec.address ?? "" });
    clearTimeout(rec.timer);
    rec.timer = undefined;
    const alone = t.sock(-t.nextConn++);
    alone.endpoints.set(rec.id, rec);
    for (const s of [...sock.sessions]) {
      if (s.meta.ep !== epId) continue;
      sock.sessions.delete(s);
      alone.sessions.add(s);
      s.meta.sock = alone.id;
    }
    this.closeSocket(alone.id, linger);
  }

  /** Closes a socket: listeners now, connections after lingering `linger` ms (-1: forever). */
  closeSocket(sockId: number, linger: number): void {
    const sock = this.#t.sock(sockId);
    sock.closing = true;
    for (const rec of sock.endpoints.values()) {
      rec.listener?.close();
      if (!rec.pipe) rec.dead = true;
    }
    for (const s of [...this.#t.awaiting.values()]) {
      if (s.meta.sock === sockId) s.close("socket closed");
    }
    if (linger === 0) {
      this.#dropAll(sock);
    } else if (linger > 0) {
      sock.lingerTimer = setTimeout(() => this.#dropAll(sock), linger);
    }
    this.maybeClosed(sock);
  }

  #dropAll(sock: WSocket): void {
    for (const rec of sock.endpoints.values()) {
      rec.dead = true;
      clearTimeout(rec.timer);
    }
    for (const s of [...sock.sessions]) s.close("socket closed");
    this.maybeClosed(sock);
  }

  /** A closing socket is done when no connection has anything left to send. */
  maybeClosed(sock: WSocket): void {
    if (!sock.closing) return;
    let busy = false;
    for (const rec of sock.endpoints.values()) {
      if (rec.dead || !rec.pipe) continue;
      if (rec.pipe.outPending || rec.session?.writing) busy = true;
      else {
        rec.dead = true;
        clearTimeout(rec.timer);
        rec.session?.close("socket closed");
      }
    }
    for (const s of sock.sessions) {
      if (s.meta.accepted) {
        const p = s.pipe;
        if (p && (p.outPending || s.writing)) busy = true;
        else if (!s.isClosed) s.close("socket closed");
      }
    }
    if (busy) return;
    clearTimeout(sock.lingerTimer);
    const pipes: number[] = [];
    for (const rec of sock.endpoints.values()) {
      rec.dead = true;
      clearTimeout(rec.timer);
      rec.listener?.close();
      if (rec.pipe) {
        rec.pipe.dropExternal();
        this.#t.pipes.delete(rec.pipe.id);
        pipes.push(rec.pipe.id);
      }
    }
    this.#t.sockets.delete(sock.id);
    // `pipes`: the connect-side pipe blocks we no longer touch (accepted ones were
    // reported `gone` as their connections closed).
    this.#t.event({ t: "closed", sock: sock.id, pipes });
  }
}
