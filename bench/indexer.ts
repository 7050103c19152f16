// Indexer benchmark: backfill of 20,000 DatasetRegistered events from a real Hardhat node into PGlite and
// PostgreSQL, GraphQL p50/p95 (lookup by id, list of 50) under 10 concurrent clients, and live latency
// (block mined → row visible in GraphQL).
// Run: node bench/indexer.ts [events]   → bench/results/indexer.md
// PostgreSQL: TEST_DATABASE_URL, else a throw-away cluster is started like .ci/run does (skipped if impossible).
// Over 250 lines: one script per benchmark report, each section measured and written next to its table.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { cpus, loadavg, tmpdir } from "node:os";
import path from "node:path";
import { createWalletClient, http, type Hex } from "viem";
import { hardhat } from "viem/chains";
import { startLocalChain, type LocalChain } from "../test/helpers/localChain.ts";
import { actor, h, startIndexer, startServeReplicas, uniqueSchema, type GraphQLResult, type IndexerDatabase } from "../test/helpers/indexer.ts";
import { freePort } from "../test/helpers/processes.ts";

const EVENTS = Number(process.argv[2] ?? 20_000);
const PER_TX = 150; // registerDataset costs ~90k gas: 150 per transaction stays under EDR's 16.7M tx gas cap
const QUERIES = 1_000;
const CLIENTS = 10;
const CONCURRENCY = [10, 50]; // clients, for the p50/p99/throughput table
const REPLICAS = 2; // `ponder serve` replicas in the PostgreSQL run
const PHASE_SECONDS = 30; // every load phase stops after QUERIES queries or this long, whichever comes first
const LIVE_SAMPLES = 20;
const require = createRequire(import.meta.url);

// ─── Generating events cheaply: a helper contract registers PER_TX datasets per transaction ─────────────────
const BATCH_SOURCE = `// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;
interface IIndex {
  function registerDataset(uint256, bytes32, bytes32, uint64, uint8, bytes32, string calldata) external returns (uint256);
}
contract BatchRegister {
  function run(IIndex index, uint256 schemaId, uint256 from, uint256 n) external {
    for (uint256 i = from; i < from + n; ++i) {
      index.registerDataset(schemaId, keccak256(abi.encode("root", i)), keccak256(abi.encode("manifest", i)), uint64(i + 1), 0, bytes32(0), "0g://bench");
    }
  }
}`;

function compileBatch(): { abi: readonly unknown[]; bytecode: Hex } {
  const solc = require("solc");
  const input = { language: "Solidity", sources: { "Batch.sol": { content: BATCH_SOURCE } }, settings: { optimizer: { enabled: true, runs: 200 }, outputSelection: { "*": { "*": ["abi", "evm.bytecode.object"] } } } };
  const output = JSON.parse(solc.compile(JSON.stringify(input)));
  const errors = (output.errors ?? []).filter((e: { severity: string }) => e.severity === "error");
  if (errors.length) throw new Error(errors.map((e: { formattedMessage: string }) => e.formattedMessage).join("\n"));
  const c = output.contracts["Batch.sol"].BatchRegister;
  return { abi: c.abi, bytecode: `0x${c.evm.bytecode.object}` };
}

async function generate(chain: LocalChain): Promise<{ txs: number; seconds: number }> {
  const t0 = performance.now();
  await actor(chain, 0).registerSchema(h("schema:bench"), "0g://schema-bench");
  const { abi, bytecode } = compileBatch();
  const wallet = createWalletClient({ account: chain.account(0), chain: { ...hardhat, rpcUrls: { default: { http: [chain.rpcUrl] } } }, transport: http(chain.rpcUrl) });
  const deployHash = await wallet.deployContract({ abi: abi as never, bytecode });
  const batch = (await chain.publicClient.waitForTransactionReceipt({ hash: deployHash })).contractAddress!;
  let txs = 0;
  for (let from = 0; from < EVENTS; from += PER_TX) {
    const n = Math.min(PER_TX, EVENTS - from);
    const hash = await wallet.writeContract({ address: batch, abi: abi as never, functionName: "run" as never, args: [chain.addresses.datasetIndex, 1n, BigInt(from), BigInt(n)] as never, gas: 16_000_000n });
    const receipt = await chain.publicClient.waitForTransactionReceipt({ hash, pollingInterval: 20 });
    if (receipt.status !== "success") throw new Error(`batch ${from} reverted`);
    txs++;
  }
  // Ponder treats the last 30 blocks of an unknown chain as unfinalized (indexed live, block by block): mine past
  // them so that every generated event is part of the backfill.
  await chain.mine(35);
  return { txs, seconds: (performance.now() - t0) / 1000 };
}

// ─── PostgreSQL: TEST_DATABASE_URL or a throw-away cluster (as .ci/run) ────────────────────────────────────────
async function throwawayPostgres(): Promise<{ url: string; stop: () => void } | { skipped: string }> {
  if (process.env.TEST_DATABASE_URL) return { url: process.env.TEST_DATABASE_URL, stop: () => {} };
  const root = "/usr/lib/postgresql";
  const version = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a))[0] : undefined;
  const bin = version ? path.join(root, version, "bin") : undefined;
  if (!bin || !existsSync(path.join(bin, "initdb"))) return { skipped: "no TEST_DATABASE_URL and no PostgreSQL installed (run .ci/run, or apt-get install postgresql)" };
  const dir = mkdtempSync(path.join(tmpdir(), "2pm-bench-pg-"));
  const asPg = (cmd: string, args: string[]) => (process.getuid?.() === 0 ? execFileSync("runuser", ["-u", "postgres", "--", cmd, ...args], { stdio: "pipe" }) : execFileSync(cmd, args, { stdio: "pipe" }));
  if (process.getuid?.() === 0) execFileSync("chown", ["postgres:", dir]);
  const port = await freePort();
  asPg(path.join(bin, "initdb"), ["-D", `${dir}/data`, "-U", "postgres", "--auth=trust"]);
  asPg(path.join(bin, "pg_ctl"), ["-D", `${dir}/data`, "-l", `${dir}/log`, "-w", "-t", "60", "-o", `-c listen_addresses=127.0.0.1 -c port=${port} -c unix_socket_directories=${dir}`, "start"]);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop: () => {
      spawnSync(process.getuid?.() === 0 ? "runuser" : path.join(bin, "pg_ctl"), process.getuid?.() === 0 ? ["-u", "postgres", "--", path.join(bin, "pg_ctl"), "-D", `${dir}/data`, "-m", "fast", "stop"] : ["-D", `${dir}/data`, "-m", "fast", "stop"]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// ─── Measures ───────────────────────────────────────────────────────────────────────────────────────────────
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
/** Seconds between the timestamps (HH:MM:SS.mmm, Ponder's pretty log format) of two log lines. */
const between = (from: string | undefined, to: string | undefined): number | undefined => {
  const at = (line: string | undefined) => {
    const m = /(\d\d):(\d\d):(\d\d(?:\.\d+)?)/.exec(line?.replace(/\x1b\[[0-9;]*m/g, "") ?? "");
    return m ? Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]) : undefined;
  };
  const a = at(from);
  const b = at(to);
  return a === undefined || b === undefined ? undefined : (b - a + 86_400) % 86_400;
};
const seconds = (line: string | undefined) => {
  const m = /\((\d+(?:\.\d+)?)(ms|s)\)\s*$/.exec(line ?? "");
  return m ? Number(m[1]) / (m[2] === "ms" ? 1000 : 1) : NaN;
};

type Concurrency = { target: string; shape: string; clients: number; p50: number; p99: number; perSecond: number; queries: number };
type Worst = { database: string; name: string; ms: number[]; rssMiB: number; bytes: number };
type Result = { database: string; boot: number; backfill: number; fetch: number | undefined; caughtUp: number; health: number[]; lookup: number[]; list: number[]; repeated: number[]; single: number[]; singleList: number[]; live: number[]; concurrency: Concurrency[]; worst: Worst[] };

const fields = "id owner schemaId version root manifestRoot rows encryption keyId uri retired";
const randomLookup = () => `{ dataset(id: "${1 + Math.floor(Math.random() * EVENTS)}") { ${fields} } }`;
const randomList = () => `{ datasets(where: { schemaId: "1", id_lt: "${51 + Math.floor(Math.random() * (EVENTS - 50))}" }, orderBy: "id", orderDirection: "desc", limit: 50) { items { ${fields} } } }`;

async function gqlAt(url: string, query: string): Promise<{ data: any; bytes: number }> {
  const response = await fetch(`${url}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query }) });
  const text = await response.text();
  const body = JSON.parse(text) as GraphQLResult<any>;
  if (body.errors?.length) throw new Error(`GraphQL error: ${body.errors.map((e) => e.message).join("; ")}`);
  return { data: body.data, bytes: text.length };
}

/** p50/p99 and requests per second of lookups and lists at each client count, against one URL. */
async function concurrency(url: string, target: string): Promise<Concurrency[]> {
  const out: Concurrency[] = [];
  for (const [shape, query] of [["lookup by id", randomLookup], ["list of 50", randomList]] as const) {
    for (let i = 0; i < 50; i++) await gqlAt(url, query()); // warm up
    for (const clients of CONCURRENCY) {
      const times: number[] = [];
      let next = 0;
      const stopAt = performance.now() + PHASE_SECONDS * 1000;
      const t0 = performance.now();
      await Promise.all(Array.from({ length: clients }, async () => {
        while (next++ < QUERIES && performance.now() < stopAt) {
          const s = performance.now();
          await gqlAt(url, query());
          times.push(performance.now() - s);
        }
      }));
      const seconds = (performance.now() - t0) / 1000;
      out.push({ target, shape, clients, p50: pct(times, 50), p99: pct(times, 99), perSecond: times.length / seconds, queries: times.length });
    }
  }
  return out;
}

// The most expensive queries the default cost limit (10,000 rows) accepts, one client at a time: their time and how
// much the indexer process's resident memory grew while they ran (sampled from /proc every 5 ms).
const worstQueries: [string, string][] = [
  ["a full page, each item with its schema and 6 versions (9,001 rows estimated)", `{ datasets(limit: 1000) { items { ${fields} schema { id } versions(limit: 6) { items { version rows uri } } } } }`],
  ["three levels of 20 through dataset → schema → datasets (9,261)", `{ datasets(limit: 20) { items { id schema { datasets(limit: 20) { items { id schema { datasets(limit: 20) { items { ${fields} } } } } } } } } }`],
  ["9 aliased full pages (9,009)", `{ ${Array.from({ length: 9 }, (_, i) => `p${i}: datasets(limit: 1000, offset: ${i * 1000}) { items { ${fields} } }`).join(" ")} }`],
];

function rssKiB(pid: number): number {
  const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) : NaN;
}

async function worst(url: string, pid: number, database: string): Promise<Worst[]> {
  const out: Worst[] = [];
  for (const [name, query] of worstQueries) {
    const ms: number[] = [];
    let rssMiB = 0;
    let bytes = 0;
    for (let i = 0; i < 3; i++) {
      const before = rssKiB(pid);
      let peak = before;
      const sampler = setInterval(() => (peak = Math.max(peak, rssKiB(pid))), 5);
      const s = performance.now();
      bytes = (await gqlAt(url, `${query} # run ${i}`)).bytes; // a distinct body: never answered from the response cache
      ms.push(performance.now() - s);
      clearInterval(sampler);
      peak = Math.max(peak, rssKiB(pid));
      rssMiB = Math.max(rssMiB, (peak - before) / 1024);
    }
    out.push({ database, name, ms, rssMiB, bytes });
  }
  return out;
}

async function measure(chain: LocalChain, database: IndexerDatabase, label: string, options: { views?: string; databaseUrl?: string } = {}): Promise<Result> {
  const t0 = performance.now();
  const indexer = await startIndexer({ chain, database, schema: uniqueSchema("bench"), timeoutMs: 600_000, env: options.views ? { DATABASE_VIEWS_SCHEMA: options.views } : {} });
  const caughtUp = (performance.now() - t0) / 1000;
  try {
    const lines = indexer.output().split("\n");
    // Ponder prints durations rounded to whole seconds: use the millisecond timestamps of its log lines instead.
    const started = lines.find((l) => l.includes("Started backfill indexing"));
    const completed = lines.find((l) => l.includes("Completed backfill indexing across all chains"));
    const backfill = between(started, completed) ?? seconds(completed);
    const fetched = between(lines.find((l) => l.includes("Started fetching backfill JSON-RPC data")), lines.find((l) => l.includes("Finished fetching backfill JSON-RPC data")));
    const boot = started ? caughtUp - backfill : NaN;
    const load = async (request: () => Promise<unknown>) => {
      for (let i = 0; i < 50; i++) await request(); // warm up
      const times: number[] = [];
      let next = 0;
      const stopAt = performance.now() + PHASE_SECONDS * 1000;
      await Promise.all(Array.from({ length: CLIENTS }, async () => {
        while (next++ < QUERIES && performance.now() < stopAt) {
          const s = performance.now();
          await request();
          times.push(performance.now() - s);
        }
      }));
      return times;
    };
    const run = (q: () => string) => load(() => indexer.query(q()));
    // The same HTTP stack (Ponder's Hono server, same client) without GraphQL or a database: the floor under the
    // GraphQL figures on this machine.
    const health = await load(async () => {
      const response = await fetch(`${indexer.url}/health`);
      await response.text();
    });
    const lookup = await run(randomLookup);
    const list = await run(randomList);
    const repeated = await run(() => `{ datasets(where: { schemaId: "1" }, orderBy: "id", orderDirection: "desc", limit: 50) { items { ${fields} } } }`);
    // One client at a time: the cost of a query without queueing behind the other clients.
    const single: number[] = [];
    for (let i = 0; i < 200; i++) {
      const s = performance.now();
      await indexer.query(`{ dataset(id: "${1 + Math.floor(Math.random() * EVENTS)}") { ${fields} } }`);
      single.push(performance.now() - s);
    }
    const singleList: number[] = [];
    for (let i = 0; i < 200; i++) {
      const s = performance.now();
      await indexer.query(`{ datasets(where: { schemaId: "1", id_lt: "${51 + Math.floor(Math.random() * (EVENTS - 50))}" }, orderBy: "id", orderDirection: "desc", limit: 50) { items { ${fields} } } }`);
      singleList.push(performance.now() - s);
    }
    const owner = actor(chain, 3);
    const live: number[] = [];
    const countAbi = [{ type: "function", name: "datasetCount", inputs: [], outputs: [{ type: "uint256" }], stateMutability: "view" }] as const;
    for (let i = 0; i < LIVE_SAMPLES; i++) {
      const id = String((await chain.publicClient.readContract({ address: chain.addresses.datasetIndex, abi: countAbi, functionName: "datasetCount" })) + 1n);
      await owner.registerDataset({ schemaId: 1n, root: h(`live:${label}:${i}`), manifestRoot: h(`lm:${label}:${i}`), rows: 1n, uri: `0g://live${i}` });
      const s = performance.now(); // automine: the block exists once the receipt does
      while (!(await indexer.query<{ dataset: { id: string } | null }>(`{ dataset(id: "${id}") { id } }`)).dataset) await new Promise((r) => setTimeout(r, 5));
      live.push(performance.now() - s);
    }
    const worstAccepted = await worst(indexer.url, indexer.process.child.pid!, label);
    const loads = await concurrency(indexer.url, `${label} (ponder start)`);
    if (options.views && options.databaseUrl) {
      const reads = await startServeReplicas({ chain, url: options.databaseUrl, schema: options.views, replicas: REPLICAS, timeoutMs: 300_000 });
      try {
        loads.push(...(await concurrency(reads.url, `${label}, ${REPLICAS} \`ponder serve\` replicas`)));
      } finally {
        await reads.stop();
      }
    }
    return { database: label, boot, backfill, fetch: fetched, caughtUp, health, lookup, list, repeated, single, singleList, live, concurrency: loads, worst: worstAccepted };
  } finally {
    await indexer.stop();
    await indexer.cleanup();
  }
}

const loadBefore = loadavg()[0]!;
const chain = await startLocalChain();
let pgHandle: Awaited<ReturnType<typeof throwawayPostgres>> | undefined;
const results: Result[] = [];
let generated: { txs: number; seconds: number };
let pgNote = "";
try {
  generated = await generate(chain);
  console.log(`generated ${EVENTS} events in ${generated.txs} transactions (${generated.seconds.toFixed(1)} s)`);
  const pgliteDir = mkdtempSync(path.join(tmpdir(), "2pm-bench-pglite-"));
  try {
    results.push(await measure(chain, { kind: "pglite", directory: path.join(pgliteDir, "pglite") }, "PGlite"));
  } finally {
    rmSync(pgliteDir, { recursive: true, force: true });
  }
  console.log("PGlite done");
  pgHandle = await throwawayPostgres();
  if ("url" in pgHandle) {
    const views = uniqueSchema("bench_views");
    results.push(await measure(chain, { kind: "postgres", url: pgHandle.url }, "PostgreSQL", { views, databaseUrl: pgHandle.url }));
  }
  else pgNote = `PostgreSQL not measured: ${pgHandle.skipped}.`;
} finally {
  if (pgHandle && "stop" in pgHandle) pgHandle.stop();
  await chain.stop();
}

const f = (x: number, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : "n/a");
const row = (name: string, value: (r: Result) => string) => `| ${name} | ${results.map(value).join(" | ")} |`;
const md = `# Indexer benchmark

\`node bench/indexer.ts\` on this machine (${cpus().length} cores, shared with other work: load average ${loadBefore.toFixed(1)} at the start,
${loadavg()[0]!.toFixed(1)} at the end), Ponder 0.17.7, a local Hardhat node; the benchmark's HTTP clients run in the benchmark's own process.
${EVENTS.toLocaleString("en")} DatasetRegistered events (+1 SchemaRegistered) generated by a helper contract, ${PER_TX} per
transaction (${generated!.txs} blocks, ${f(generated!.seconds)} s), then 35 empty blocks so that all of them are backfilled
(Ponder indexes the last 30 blocks of an unknown chain live, block by block). Each event runs the real handler
(find + 2 inserts + schema counter + account upsert). GraphQL: ${QUERIES} queries per shape after 50 warm-up queries,
${CLIENTS} concurrent clients over HTTP; the list is 50 datasets of one schema below a random id, newest first.
Live: a registerDataset transaction's receipt (automine: the block exists) → the row answered by GraphQL, ${LIVE_SAMPLES}
samples with 100 ms polling. ${pgNote}

| measure | ${results.map((r) => r.database).join(" | ")} |
|---|${results.map(() => "---|").join("")}
${row("backfill (Ponder's \"Started\" → \"Completed backfill\" log lines)", (r) => `${f(r.backfill, 2)} s`)}
${row("backfill events/s", (r) => `**${f(EVENTS / r.backfill, 0)}**`)}
${row("of which fetching from the node (Ponder's \"Started\" → \"Finished fetching backfill JSON-RPC data\")", (r) => `${f(r.fetch ?? NaN, 2)} s`)}
${row("process start → caught up", (r) => `${f(r.caughtUp)} s (boot ${f(r.boot)} s)`)}
${row("trivial route (Ponder's /health, no GraphQL, no database) p50 / p95", (r) => `${f(pct(r.health, 50))} / ${f(pct(r.health, 95))} ms`)}
${row("lookup by id p50 / p95", (r) => `**${f(pct(r.lookup, 50))}** / ${f(pct(r.lookup, 95))} ms`)}
${row("list of 50 p50 / p95", (r) => `**${f(pct(r.list, 50))}** / ${f(pct(r.list, 95))} ms`)}
${row("same list of 50 repeated (response cache) p50 / p95", (r) => `${f(pct(r.repeated, 50))} / ${f(pct(r.repeated, 95))} ms`)}
${row("lookup by id, 1 client p50 / p95", (r) => `${f(pct(r.single, 50))} / ${f(pct(r.single, 95))} ms`)}
${row("list of 50, 1 client p50 / p95", (r) => `${f(pct(r.singleList, 50))} / ${f(pct(r.singleList, 95))} ms`)}
${row("live block → query p50 / p95", (r) => `${f(pct(r.live, 50))} / ${f(pct(r.live, 95))} ms`)}

Goals (PGlite): backfill >= 2,000 events/s, lookup p50 <= 5 ms, list of 50 p50 <= 15 ms.

### Concurrent clients: PGlite, one PostgreSQL instance, \`ponder serve\` replicas

${QUERIES} queries per row (or ${PHASE_SECONDS} s, whichever came first) after 50 warm-up queries; the clients run in the
benchmark's process, on the same ${cpus().length} cores as the indexer and PostgreSQL. The replicas (\`npm run indexer:serve\`,
${REPLICAS} processes on one port) read the views schema of the PostgreSQL \`ponder start\` instance, which keeps running.

| target | query | clients | p50 | p99 | requests/s |
|---|---|---|---|---|---|
${results.flatMap((r) => r.concurrency).map((c) => `| ${c.target} | ${c.shape} | ${c.clients} | ${f(c.p50)} ms | ${f(c.p99)} ms | **${f(c.perSecond, 0)}**${c.queries < QUERIES ? ` (${c.queries} queries)` : ""} |`).join("\n")}

### The worst queries the cost limit accepts

The default limit (\`INDEXER_MAX_QUERY_ROWS\` = 10,000 rows, estimated from the nested \`limit\`s before the query
runs) on ${EVENTS.toLocaleString("en")} datasets; one client, three runs each (distinct bodies, so never from the response cache); memory is the growth of the indexer process's
resident set while the query ran (peak − before, sampled every 5 ms). Rejected before running (e.g. the issue's
\`datasets(limit:1000){items{schema{datasets(limit:1000)…\`, ~10⁶ rows per level): a parse, well under a millisecond.

| database | query | time (3 runs) | RSS growth | response |
|---|---|---|---|---|
${results.flatMap((r) => r.worst).map((w) => `| ${w.database} | ${w.name} | ${w.ms.map((m) => f(m, 0)).join(" / ")} ms | ${f(w.rssMiB)} MiB | ${f(w.bytes / 1e6, 1)} MB |`).join("\n")}
`;
const out = path.resolve(import.meta.dirname, "results/indexer.md");
mkdirSync(path.dirname(out), { recursive: true });
// The hand-written analysis below the figures ("## Analysis" to the end) survives a re-run: re-read it against the
// new figures.
const previous = existsSync(out) ? readFileSync(out, "utf8") : "";
const analysis = previous.includes("\n## Analysis") ? previous.slice(previous.indexOf("\n## Analysis")) : "";
writeFileSync(`${out}.tmp`, md + analysis);
renameSync(`${out}.tmp`, out);
console.log(md);
