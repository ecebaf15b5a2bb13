/**
 * The ROUTER controls with the peer in another OS process (docs/behaviour.md §10.14): our
 * ROUTER (`routerMandatory`) connects with a routing id to an endpoint nobody binds yet and
 * sends a message at once; the peer, a ROUTER echoing what it gets back to its sender
 * (`_peer.ts` role `rep`, `type` ROUTER) on Deno and on Bun, starts only then, binds, and
 * the echo comes back under that routing id. After `disconnect` the id routes nowhere
 * (EHOSTUNREACH). Over tcp and ipc.
 *
 * Runs on: the test runner's main thread; the peers in child processes.
 */
import { assert, reservePort, test, texts } from "../_harness.ts";
import { Context, XsError } from "../../mod.ts";
import { ipcEndpoint, PAIRS, startPeer } from "./_spawn.ts";

/** Bound of the reply, which waits for a process to start (a cold Deno or Bun start), ms. */
const REPLY_MS = 20_000;

for (const [rt] of PAIRS) {
  for (const scheme of ["tcp", "ipc"] as const) {
    test(
      `process (${rt} peer): a ROUTER names its peer at connect and sends before it exists over ${scheme}`,
      async () => {
        const endpoint = scheme === "tcp"
          ? `tcp://127.0.0.1:${await reservePort()}`
          : ipcEndpoint();
        await using ctx = new Context();
        using router = ctx.socket("ROUTER", { routerMandatory: true, linger: 0 });
        await router.connect(endpoint, { routingId: "svc" });
        // Queued in the connect's pipe: the peer does not exist yet.
        await router.send(["svc", "ping", "1"]);
        const rep = startPeer(rt, {
          role: "rep",
          type: "ROUTER",
          echo: true,
          endpoint,
          bind: true,
        });
        try {
          await rep.until((l) => l.ready);
          assert.deepEqual(texts(await router.receive({ timeout: REPLY_MS })), [
            "svc",
            "ping",
            "1",
          ]);
          await router.send(["svc", "again"]);
          assert.deepEqual(texts(await router.receive({ timeout: REPLY_MS })), ["svc", "again"]);
          await router.disconnect(endpoint);
          await assert.rejects(
            router.send(["svc", "after"]),
            (e) => e instanceof XsError && e.code === "EHOSTUNREACH",
          );
          rep.send("stop");
          await rep.until((l) => l.stopped);
        } finally {
          await rep.stop();
        }
      },
      { timeout: 60_000 },
    );
  }
}
