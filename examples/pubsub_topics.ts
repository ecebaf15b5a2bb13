/**
 * Example: publish/subscribe with topics. One publisher sends messages on several topics
 * (the first part of each message is its topic); subscribers each subscribe to different
 * prefixes and get exactly the messages whose topic starts with one of them.
 *
 * The slow-joiner problem: a subscription travels to the publisher over the connection,
 * and whatever is published before it arrives is dropped for that subscriber. Instead of
 * sleeping and hoping, the publisher here is an XPUB (a PUB that also hands the
 * application the subscriptions it receives) and starts publishing only once it has
 * seen every subscription. An XPUB reports a prefix the first time any subscriber asks
 * for it, so the program waits for the set of distinct prefixes.
 *
 * Runs on: the program's main thread (the library's I/O worker owns the OS sockets).
 *
 * Run: `deno run -A examples/pubsub_topics.ts` or `bun examples/pubsub_topics.ts`.
 */
import { Context, type Socket } from "../mod.ts";

const TOPICS = ["weather.paris", "weather.oslo", "news.world", "news.local", "sport.chess"];
const SUBSCRIBERS = [
  { name: "weather", prefixes: ["weather."] },
  { name: "news+sport", prefixes: ["news.", "sport."] },
  { name: "oslo", prefixes: ["weather.oslo"] },
  { name: "everything", prefixes: [""] }, // the empty prefix matches every message
];
const ROUNDS = 3; // readings per topic, followed by one "END" per topic
/** No receive waits longer than this (ms); past it the receive rejects with EAGAIN. */
const TIMEOUT = 5_000;

const dec = new TextDecoder();
const text = (part: Uint8Array | undefined): string => (part ? dec.decode(part) : "");

// A finite linger: should something fail, closing and terminating still end in time.
await using ctx = new Context({ linger: 1_000 });

using publisher = ctx.socket("XPUB");
await publisher.bind("tcp://127.0.0.1:0"); // port 0: the OS picks a free port
console.log(`publisher bound to ${publisher.lastEndpoint}`);

const subscribers: Socket[] = [];
for (const { prefixes } of SUBSCRIBERS) {
  const sub = ctx.socket("SUB");
  subscribers.push(sub);
  await sub.connect(publisher.lastEndpoint);
  for (const p of prefixes) sub.subscribe(p);
}

try {
  // 1. Wait for the subscriptions. Each arrives at the XPUB as one message:
  //    [u16 command (1 = subscribe)][u16 filter id][prefix bytes].
  const wanted = new Set(SUBSCRIBERS.flatMap((s) => s.prefixes));
  while (wanted.size > 0) {
    const [sub] = await publisher.receive({ timeout: TIMEOUT });
    if (sub === undefined || sub.length < 4 || sub[1] !== 1) continue; // not a subscribe
    const prefix = text(sub.subarray(4));
    wanted.delete(prefix);
    console.log(`publisher saw a subscription to "${prefix}"`);
  }

  // 2. Every subscriber reads until it has seen "END" on each topic it follows, and
  //    checks that nothing else reached it.
  const receiving = SUBSCRIBERS.map(async ({ name, prefixes }, i) => {
    const sub = subscribers[i]!;
    const follows = (topic: string) => prefixes.some((p) => topic.startsWith(p));
    const open = new Set(TOPICS.filter(follows));
    const topicsSeen = new Set<string>();
    let readings = 0;
    while (open.size > 0) {
      const [topic, body] = (await sub.receive({ timeout: TIMEOUT })).map(text);
      if (topic === undefined || !follows(topic)) throw new Error(`${name} got "${topic}"`);
      topicsSeen.add(topic);
      if (body === "END") open.delete(topic);
      else readings++;
    }
    const expected = TOPICS.filter(follows).length * ROUNDS;
    if (readings !== expected) throw new Error(`${name}: ${readings} of ${expected}`);
    console.log(`subscriber ${name}: ${readings} messages from ${[...topicsSeen].join(", ")}`);
  });

  // 3. Publish. An XPUB (like a PUB) never waits: messages for subscribers that are
  //    too far behind would be dropped, which the small volume here never reaches.
  for (let round = 1; round <= ROUNDS; round++) {
    for (const topic of TOPICS) await publisher.send([topic, `reading ${round}`]);
  }
  for (const topic of TOPICS) await publisher.send([topic, "END"]);
  console.log(`publisher sent ${TOPICS.length * (ROUNDS + 1)} messages`);

  await Promise.all(receiving);
} finally {
  for (const sub of subscribers) sub.close();
}
console.log("pubsub_topics: done");
