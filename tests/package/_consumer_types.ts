/**
 * A user's TypeScript, compiled by package_test.ts with `tsc` against the installed npm
 * package under the strictest settings users run (bun init's: strict,
 * noUncheckedIndexedAccess, plus exactOptionalPropertyTypes), with the package's
 * declarations checked too (skipLibCheck off). Never run.
 *
 * Runs on: nothing (type-checked only).
 */
import { Context, type Socket, XsError } from "@crossroads/xs";
import { xs_errno, xs_init } from "@crossroads/xs/xs";

const maybe: number | undefined = undefined;
const ctx = new Context({ ioThreads: maybe });
const s: Socket = ctx.socket("PULL", { rcvhwm: maybe });
const parts = await s.receive({ timeout: maybe });
const first = parts[0];
if (first !== undefined) {
  // Received parts are plain ArrayBuffer views: web APIs take them as they are.
  const r: Response = new Response(first);
  const b: Blob = new Blob([first]);
  const ab: ArrayBuffer = first.buffer;
  console.log(r, b, ab);
}
// The declarations carry Socket<T>: a PUSH has no receive, a PULL no send.
const push = ctx.socket("PUSH", { sendHighWaterMark: maybe });
// @ts-expect-error a PUSH cannot receive
void push.receive();
const typeName: "PUSH" = push.type;
const text: Promise<string> = s.receiveText();
const job: Promise<{ id: number }> = s.receiveJson<{ id: number }>();
console.log(XsError, xs_init, xs_errno, typeName, text, job);
