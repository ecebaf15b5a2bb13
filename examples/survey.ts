/**
 * Example: a survey. A SURVEYOR asks one question of every RESPONDENT connected to it and
 * collects the answers until the survey's deadline, set with the `XS_SURVEY_TIMEOUT`
 * option (`surveyTimeout` here). Past the deadline, with no answer queued, a receive on
 * the SURVEYOR fails with `ETIMEDOUT`: that ends the collection.
 *
 * Four respondents: three answer at once, one ("dave") only after the deadline has passed,
 * so its answer is not counted. (The program stops receiving at the first `ETIMEDOUT`: a
 * receive made later would still hand out an answer to the current survey that is queued
 * by then, as upstream's code does, docs/behaviour.md §4.8.)
 *
 * Each respondent binds and the surveyor connects to all of them: a connecting socket
 * queues the survey for each peer at once, whereas a bound SURVEYOR would drop the survey
 * for peers whose connection was not accepted yet (docs/behaviour.md §4.8).
 *
 * Runs on: the program's main thread (the library's I/O worker owns the OS sockets).
 *
 * Run: `deno run -A examples/survey.ts` or `bun examples/survey.ts`.
 */
import { Context, type Socket, XsError } from "../mod.ts";

const PROMPT = ["alice", "bob", "carol"];
const LATE = "dave";
const DEADLINE = 1_000; // ms after the survey is sent (XS_SURVEY_TIMEOUT)
/** No receive waits longer than this (ms); past it the receive rejects with EAGAIN. */
const TIMEOUT = 5_000;

const dec = new TextDecoder();
const text = (part: Uint8Array | undefined): string => (part ? dec.decode(part) : "");

// A finite linger: should something fail, closing and terminating still end in time.
await using ctx = new Context({ linger: 1_000 });

/** Resolved once the surveyor has stopped collecting; the late respondent waits for it. */
const collected = Promise.withResolvers<void>();

/** A respondent: receives the survey and answers it with its name. */
async function respondent(sock: Socket, name: string): Promise<void> {
  const [question] = (await sock.receive({ timeout: TIMEOUT })).map(text);
  if (name === LATE) await collected.promise; // too slow: answers after the deadline
  await sock.send(`${name}: ${question === "who is there?" ? "here" : "pardon?"}`, {
    timeout: TIMEOUT,
  });
}

const respondents: Socket[] = [];
const answering: Promise<void>[] = [];
using surveyor = ctx.socket("SURVEYOR", { surveyTimeout: DEADLINE });
try {
  for (const name of [...PROMPT, LATE]) {
    const r = ctx.socket("RESPONDENT");
    respondents.push(r);
    await r.bind("tcp://127.0.0.1:0"); // port 0: the OS picks a free port
    await surveyor.connect(r.lastEndpoint);
    answering.push(respondent(r, name));
  }
  console.log(`surveyor connected to ${respondents.length} respondents`);

  const started = performance.now();
  await surveyor.send("who is there?"); // one survey, to every respondent
  const answers: string[] = [];
  try {
    for (;;) answers.push(text((await surveyor.receive({ timeout: TIMEOUT }))[0]));
  } catch (e) {
    if (!(e instanceof XsError && e.code === "ETIMEDOUT")) throw e;
  } finally {
    collected.resolve();
  }
  const took = Math.round(performance.now() - started);
  console.log(`survey closed after ${took} ms (deadline ${DEADLINE} ms)`);
  console.log(`${answers.length} answers in time: ${answers.sort().join(", ")}`);
  await Promise.all(answering);
  console.log(`${LATE} answered after the deadline: not counted`);

  const who = answers.map((a) => a.slice(0, a.indexOf(":"))).sort();
  if (who.join() !== PROMPT.join()) throw new Error(`answers from ${who.join()}`);
  if (took < DEADLINE - 50) throw new Error("the survey ended before its deadline");
} finally {
  for (const r of respondents) r.close();
}
console.log("survey: done");
