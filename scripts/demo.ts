// The demo `npm start` plays after the chain and indexer are up: every role of the network as a real `2pm`
// process, on penguins split by island. The FHE task runs under a 3-member committee: nobody holds its key. It only
// wires commands together; all logic lives in src/.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdir, readFile, symlink } from "node:fs/promises";
import path from "node:path";
import { formatUnits, type Address } from "viem";
import { mnemonicToAccount } from "viem/accounts";
import { HARDHAT_MNEMONIC } from "../src/chain/client.ts";

const root = path.resolve(import.meta.dirname, "..");
const cli = path.join(root, "scripts/2pm.ts");

/** Development accounts of the hardhat node and the role each plays. */
export const ROLES = {
  deployer: 0,
  creator: 1,
  aggregator: 2,
  biscoe: 3,
  dream: 4,
  torgersen: 5,
  computeNode: 6,
  member1: 7,
  member2: 8,
  member3: 9,
} as const;
/** The FHE committee's members, in seat order (each its own machine: own --home, the same storage). */
export const COMMITTEE = [ROLES.member1, ROLES.member2, ROLES.member3] as const;
/** The islands whose owners also contribute their rows encrypted under the committee's key. */
export const ENCRYPTED_ISLANDS = ["Dream", "Torgersen"] as const;
export const ISLANDS = ["Biscoe", "Dream", "Torgersen"] as const;
const OWNER_OF = { Biscoe: ROLES.biscoe, Dream: ROLES.dream, Torgersen: ROLES.torgersen } as const;

export const addressOf = (index: number): Address => mnemonicToAccount(HARDHAT_MNEMONIC, { addressIndex: index }).address;

/** graphqlUrl resolves once the indexer is up: the demo needs it only for its closing query. */
export type DemoOptions = { home: string; env: NodeJS.ProcessEnv; log: (line: string) => void; graphqlUrl: () => Promise<string> };

export type DemoReport = {
  flTaskId: string;
  rounds: Array<{ round: number; attempt: number; submissions: number; accuracy: number | null; loss: number | null }>;
  /** The FHE committee: its members (seat order) and its collective key. */
  committee: { committeeId: string; members: Array<{ role: string; account: Address }>; keyId: string; keysRoot: string; status: string };
  encryptedDatasets: Array<{ island: string; datasetId: string; keyId: string }>;
  fheTask: {
    taskId: string; datasetIds: string[]; islands: string[]; rows: number; resultRoot: string; publishedRoot: string;
    /** The members' decryption shares the publisher combined (by root, as indexed), and `2pm fhe verify`'s verdict. */
    shares: Array<{ role: string; member: Address; root: string; declined: boolean }>;
    verified: boolean;
    /** Published means and variances of the standardized columns (standardized with the population's stats). */
    columns: string[]; means: number[]; variances: number[];
    /** The same, back in the schema's units for numeric columns (mean, standard deviation). */
    inUnits: Array<{ column: string; mean: number; sd: number }>;
  };
  payouts: Array<{ taskId: string; account: Address; role: string; amount: string }>;
  budgets: Record<string, string>;
  verified: Record<string, boolean>;
  sampleQuery: { query: string; answer: unknown };
  /** Who can decrypt what, as the demo ran it. */
  decryption: Array<{ who: string; can: string }>;
};

type Run = { code: number; stdout: string; stderr: string };

/** The demo's running `2pm` processes, so that `npm start` can stop them on any exit path. */
export const runningRoles = new Set<ChildProcess>();

/**
 * Runs `2pm <args> --json` as a child process; fails the demo with its stderr on a non-zero exit. `onLine` sees each
 * line the process prints to stdout as it comes (to relay its progress).
 */
function run2pm(opts: DemoOptions, args: string[], { json = true, allowFail = false, onLine }: { json?: boolean; allowFail?: boolean; onLine?: (line: string) => void } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, "--home", opts.home, ...(json ? ["--json"] : []), ...args], { cwd: root, env: opts.env, stdio: ["ignore", "pipe", "pipe"] });
    runningRoles.add(child);
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      const complete = stdout.lastIndexOf("\n") + 1;
      stdout += d;
      if (onLine) for (const line of stdout.slice(complete, stdout.lastIndexOf("\n") + 1).split("\n").filter(Boolean)) onLine(line);
    });
    child.stderr.on("data", (d) => (stderr += d));
    child.on("exit", (code) => {
      runningRoles.delete(child);
      const result = { code: code ?? 1, stdout, stderr };
      if (code !== 0 && !allowFail) reject(new Error(`2pm ${args.join(" ")} failed: ${errorLine(stderr)}`));
      else resolve(result);
    });
  });
}

const json = (r: Run) => JSON.parse(r.stdout);

/** The error of a failed run: the "error" of its --json error line, else its last stderr line. */
function errorLine(stderr: string): string {
  const last = stderr.trim().split("\n").at(-1) ?? "";
  try {
    return String((JSON.parse(last) as { error?: unknown }).error ?? last);
  } catch {
    return last;
  }
}

async function gql(url: string, query: string): Promise<any> {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query }) });
  const body = (await res.json()) as { data?: unknown; errors?: Array<{ message: string }> };
  if (body.errors) throw new Error(`GraphQL: ${body.errors.map((e) => e.message).join("; ")}`);
  return body.data;
}

/** Plays the demo and returns what the report prints. */
export async function playDemo(opts: DemoOptions): Promise<DemoReport> {
  const { log } = opts;
  const dataDir = path.join(opts.home, "demo-data");
  await mkdir(dataDir, { recursive: true });

  log("• Funding the participants with reward tokens; registering the penguins schema; forming the FHE committee");
  const minted = run2pm(opts, ["token", "mint", "--to", ...[ROLES.creator, ROLES.biscoe, ROLES.dream, ROLES.torgersen, ROLES.computeNode, ...COMMITTEE].map(addressOf), "--amount", "10000", "-a", String(ROLES.deployer)]);
  const registeredSchema = run2pm(opts, ["schema", "register", "schemas/penguins.schema.json", "-a", String(ROLES.creator)]);
  // Reference standardization stats, published with the task, so all nodes compute the same features.
  const statsFile = path.join(dataDir, "penguins.stats.json");
  const standardized = run2pm(opts, ["data", "standardize", "--schema", "schemas/penguins.schema.json", "--data", path.join(root, "node_modules/vega-datasets/data/penguins.json"), "--out", path.join(dataDir, "reference.csv"), "--stats", statsFile]);
  // Each owner holds one island's rows: penguins split by Island, one file per owner.
  const split = run2pm(opts, ["data", "split", "--data", path.join(root, "node_modules/vega-datasets/data/penguins.json"), "--by", "Island", "--out-dir", dataDir]);
  // The task creator forms the committee (after its schema transaction: one account's transactions stay in order);
  // its three members set up the collective key meanwhile, each on its own machine (see committeeSetup).
  const committeeCreated = registeredSchema.then(() => run2pm(opts, ["committee", "create", "--members", COMMITTEE.map(addressOf).join(","), "--stake", "20",
    "--setup-period", "3600", "--unbonding", "60", "-a", String(ROLES.creator)])).then(json);
  const committeeActive = committeeSetup(opts, committeeCreated, minted);
  const [, schemaRun] = await Promise.all([minted, registeredSchema, standardized, split, committeeCreated]);
  const schema = json(schemaRun);
  const committeeId = String((await committeeCreated).committeeId);
  log(`  committee ${committeeId}: members ${COMMITTEE.map((m) => short(addressOf(m))).join(", ")} generate key shares, stake, commit, then confirm the assembled key`);

  log("• Data owners standardize and register penguins by island (data stays on their machines);");
  log(`  ${ENCRYPTED_ISLANDS.join("'s and ")}'s owners also register their islands encrypted under the committee's key (CKKS)`);
  const datasetOf: Record<string, string> = {};
  const dataFileOf: Record<string, string> = {};
  for (const island of ISLANDS) dataFileOf[island] = path.join(dataDir, `${island.toLowerCase()}.json`);
  // Each owner is its own account, so the owners register in parallel; one account's transactions stay in order.
  await Promise.all(ISLANDS.map(async (island) => {
    const registered = json(await run2pm(opts, ["data", "register", "--schema", "schemas/penguins.schema.json", "--data", dataFileOf[island], "--local", "--stats", statsFile, "-a", String(OWNER_OF[island])]));
    datasetOf[island] = String(registered.datasetId);
    log(`  ${island.padEnd(9)} dataset ${registered.datasetId} (${registered.rows} rows, owner ${short(addressOf(OWNER_OF[island]))})`);
  }));

  log("• Federated task: 3 node processes + an aggregator, secure aggregation over the chain;");
  log("  FHE task: a compute node holding only the committee's evaluation keys computes statistics on the ciphertexts");
  const flTask = json(await run2pm(opts, ["task", "create", "--spec", "specs/penguins-logreg.json", "--schema", String(schema.schemaId), "--budget", "1000",
    "--rounds", "4", "--stake", "50", "--min-nodes", "3", "--max-nodes", "3", "--round-duration", "60", "--reveal-duration", "30",
    "--challenge-window", "3", "--aggregator", addressOf(ROLES.aggregator), "-a", String(ROLES.creator)]));
  const taskId = String(flTask.taskId);
  // The aggregator's round lines are the demo's progress through the rounds (without the model roots).
  const aggregator = run2pm(opts, ["aggregate", "--task", taskId, "-a", String(ROLES.aggregator)], {
    json: false,
    onLine: (line) => /^round \d/.test(line) && log(`  FL ${line.replace(/, model 0x[0-9a-f]+/, "")}`),
  });
  // An owner that also encrypts registers its ciphertexts (once the committee's key exists) before its node starts:
  // its node process sends transactions from the same account.
  const encrypted: Record<string, { datasetId: string; keyId: string }> = {};
  const nodes = ISLANDS.map(async (island) => {
    if ((ENCRYPTED_ISLANDS as readonly string[]).includes(island)) {
      const committee = await committeeActive;
      const r = json(await run2pm(opts, ["data", "register", "--schema", "schemas/penguins.schema.json", "--data", dataFileOf[island], "--stats", statsFile,
        "--encrypt", "--committee", committeeId, "-a", String(OWNER_OF[island])]));
      encrypted[island] = { datasetId: String(r.datasetId), keyId: String(r.keyId ?? committee.keyId) };
      log(`  ${island.padEnd(9)} dataset ${r.datasetId} (CKKS under committee ${committeeId}'s key ${short(committee.keyId)})`);
    }
    return run2pm(opts, ["node", "run", "--task", taskId, "--data", dataFileOf[island], "--dataset", datasetOf[island], "-a", String(OWNER_OF[island])], { json: false });
  });
  await waitUntilAll(ENCRYPTED_ISLANDS.length, () => Object.keys(encrypted).length, nodes);
  const fheInputs = ENCRYPTED_ISLANDS.map((island) => encrypted[island]!.datasetId);
  const committee = await committeeActive;

  // The compute node is another machine: its own home, the same storage (by root); the committee's keys file gives
  // it the evaluation keys, and nothing more.
  const computeHome = await machine(opts.home, "compute-node");
  const fheTask = json(await run2pm(opts, ["fhe", "task", "create", "--inputs", fheInputs.join(","), "--budget", "100", "--stake", "10", "--ops", "sum,mean,variance",
    "--aggregator", addressOf(ROLES.creator), "--challenge-window", "3", "-a", String(ROLES.creator)]));
  const fheTaskId = String(fheTask.taskId);
  const computed = json(await run2pm({ ...opts, home: computeHome }, ["fhe", "compute", "--task", fheTaskId, "-a", String(ROLES.computeNode)]));
  log(`  FHE task ${fheTaskId}: ${computed.rows} encrypted rows computed on; encrypted result ${short(computed.resultRoot)}`);
  // Each member checks the result (recomputes it) and posts its decryption share: one member alone learns nothing.
  const shares = await Promise.all(COMMITTEE.map(async (m, i) => {
    const r = json(await run2pm({ ...opts, home: committee.homes[i]! }, ["fhe", "share", "--task", fheTaskId, "-a", String(m)]));
    return { role: roleOf(addressOf(m)), member: addressOf(m), root: String(r.root), declined: Boolean(r.declined) };
  }));
  log(`  committee ${committeeId}: ${shares.filter((x) => !x.declined).length} of ${COMMITTEE.length} decryption shares posted`);
  await Promise.all([aggregator, ...nodes]);

  log("• The task creator combines the committee's shares and publishes the FHE result; settlement: payouts computed");
  log("  from chain + storage, posted as Merkle roots, claimed by everyone");
  const [published] = await Promise.all([
    run2pm(opts, ["fhe", "publish", "--task", fheTaskId, "-a", String(ROLES.creator)]).then(json),
    run2pm(opts, ["settle", "--task", taskId, "-a", String(ROLES.aggregator)]),
  ]);
  await run2pm(opts, ["settle", "--task", fheTaskId, "-a", String(ROLES.creator)]);
  log(`  FHE result published; tasks ${taskId} and ${fheTaskId} settled: verifying, then claiming after the challenge window`);
  const verified: Record<string, boolean> = {};
  const challengeWindow = new Promise((r) => setTimeout(r, 3_500));
  const [fheVerified] = await Promise.all([
    // Anyone re-derives the published values from the posted shares.
    run2pm(opts, ["fhe", "verify", "--task", fheTaskId], { allowFail: true }).then((r) => r.code === 0),
    ...[taskId, fheTaskId].map(async (id) => {
      verified[id] = (await run2pm(opts, ["verify-settlement", "--task", id], { json: false, allowFail: true })).code === 0;
    }),
  ]);
  await challengeWindow;
  await run2pm(opts, ["claim", "--task", taskId, "--all", "-a", String(ROLES.creator)]);
  await Promise.all([
    run2pm(opts, ["claim", "--task", fheTaskId, "--all", "-a", String(ROLES.creator)]),
    ...[ROLES.biscoe, ROLES.dream, ROLES.torgersen].map((who) => run2pm(opts, ["stake", "withdraw", "--task", taskId, "-a", String(who)])),
    run2pm(opts, ["stake", "withdraw", "--task", fheTaskId, "-a", String(ROLES.computeNode)]),
  ]);

  log("• Reading the results back through GraphQL");
  const sampleQuery = `{
  task(id: "${taskId}") {
    status totalRounds budget claimed
    rounds(orderBy: "round", orderDirection: "asc") { items { round attempt submissions accuracy loss } }
  }
}`;
  const graphqlUrl = await opts.graphqlUrl();
  await waitForIndexed(graphqlUrl, taskId, fheTaskId);
  const answer = await gql(graphqlUrl, sampleQuery);
  const claims = await gql(graphqlUrl, `{ claims(orderBy: "taskId", orderDirection: "asc", limit: 100) { items { taskId account amount } } }`);
  // The committee and the shares as the indexer shows them (what the dashboard reads).
  const indexed = await gql(graphqlUrl, `{ task(id: "${fheTaskId}") { committee { id status keyId keysRoot members(orderBy: "index") { items { account } } }
    shares(orderBy: "member") { items { member root declined } } } }`);
  const c = indexed.task.committee;
  return {
    flTaskId: taskId,
    rounds: answer.task.rounds.items,
    committee: {
      committeeId: c.id, status: c.status, keyId: c.keyId, keysRoot: c.keysRoot,
      members: c.members.items.map((m: { account: Address }) => ({ role: roleOf(m.account), account: m.account })),
    },
    encryptedDatasets: ENCRYPTED_ISLANDS.map((island) => ({ island, ...encrypted[island]! })),
    fheTask: {
      taskId: fheTaskId, datasetIds: fheInputs, islands: [...ENCRYPTED_ISLANDS], rows: computed.rows, resultRoot: computed.resultRoot,
      publishedRoot: published.publishedRoot, columns: published.columns, means: published.means, variances: published.variances,
      inUnits: await inUnits(statsFile, published.columns, published.means, published.variances),
      shares: indexed.task.shares.items.map((x: { member: Address; root: string; declined: boolean }) => ({ role: roleOf(x.member), ...x })),
      verified: fheVerified,
    },
    payouts: claims.claims.items.map((c: { taskId: string; account: Address; amount: string }) => ({ ...c, role: roleOf(c.account) })),
    budgets: { [taskId]: "1000", [fheTaskId]: "100" },
    verified,
    sampleQuery: { query: sampleQuery, answer },
    decryption: [
      { who: "each committee member alone (or any 2 of the 3)", can: "nothing: its key share decrypts a ciphertext to noise; its decryption share reveals nothing alone" },
      { who: "all 3 members' posted shares", can: `only FHE task ${fheTaskId}'s result, pooled over the islands (the inputs' ciphertexts were added before decryption: no island's own sums); nothing else was ever shared` },
      { who: "the compute node", can: "nothing: it holds the committee's evaluation keys only" },
      { who: "the task creator (publisher)", can: "the result only, by combining the 3 posted shares; anyone can re-derive it (`2pm fhe verify`)" },
      { who: "each encrypting data owner", can: "its own rows only (it holds them in the clear)" },
      { who: "all 3 members colluding", can: "every contribution under the key: a committee must be chosen so that its members don't" },
    ],
  };
}

/** A role's account from its address ("member1", "computeNode", …). */
const roleOf = (a: string) => Object.entries(ROLES).find(([, i]) => addressOf(i).toLowerCase() === a.toLowerCase())?.[0] ?? "?";

/** Another machine: its own home under the demo's, sharing the storage (contents are addressed by root). */
async function machine(home: string, name: string): Promise<string> {
  const dir = path.join(home, name);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await mkdir(path.join(home, "store"), { recursive: true, mode: 0o700 });
  await symlink(path.join(home, "store"), path.join(dir, "store")).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== "EEXIST") throw err;
  });
  return dir;
}

/**
 * The committee's key setup, each member on its own machine in parallel: keygen (local), join (stake + commit the
 * key share's root, once the member has tokens), confirm (reveal, assemble, confirm; waits for the others).
 * Resolves with the collective key once the committee is Active.
 */
async function committeeSetup(opts: DemoOptions, created: Promise<{ committeeId: string | number }>, funded: Promise<unknown>) {
  const homes = await Promise.all(COMMITTEE.map((_, i) => machine(opts.home, `committee-member-${i + 1}`)));
  const id = String((await created).committeeId);
  const confirmed = await Promise.all(COMMITTEE.map(async (m, i) => {
    const as = { ...opts, home: homes[i]! };
    const role = roleOf(addressOf(m));
    await run2pm(as, ["committee", "keygen", "--committee", id, "-a", String(m)]);
    await funded;
    const joined = json(await run2pm(as, ["committee", "join", "--committee", id, "-a", String(m)]));
    opts.log(`  ${role}: key share generated locally, stake sent, key share root ${short(String(joined.keyShareRoot))} committed`);
    const r = json(await run2pm(as, ["committee", "confirm", "--committee", id, "--wait", "-a", String(m)]));
    opts.log(`  ${role}: key share revealed, committee keys assembled from all 3, key ${short(String(r.keyId))} confirmed`);
    return r;
  }));
  const last = confirmed.find((r) => r.status === "Active") ?? confirmed[0];
  opts.log(`  committee ${id} Active: contributors can encrypt under its key; no one holds its secret`);
  return { homes, keyId: String(last.keyId), keysRoot: String(last.keysRoot) };
}

/** Resolves once `count()` reaches `n`; fails with the first of `running` that fails before. */
async function waitUntilAll(n: number, count: () => number, running: Promise<unknown>[]): Promise<void> {
  let failed: unknown;
  for (const r of running) r.catch((err) => (failed ??= err));
  while (count() < n) {
    if (failed) throw failed;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Waits until the indexer shows both tasks settled and every claim made. */
async function waitForIndexed(url: string, ...taskIds: string[]): Promise<void> {
  for (let i = 0; i < 300; i++) {
    const data = await gql(url, `{ tasks(limit: 50) { items { id status payoutTotal claimed } } }`).catch(() => null);
    const tasks = (data?.tasks.items ?? []) as Array<{ id: string; status: string; payoutTotal: string | null; claimed: string }>;
    if (taskIds.every((id) => tasks.some((t) => t.id === id && t.status === "Settled" && t.payoutTotal !== null && t.payoutTotal === t.claimed))) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error("the indexer did not catch up with the demo within 60 s");
}

/** Standardized means/variances of numeric columns back in the schema's units: x = μ + σ·z. */
async function inUnits(statsFile: string, columns: string[], means: number[], variances: number[]): Promise<Array<{ column: string; mean: number; sd: number }>> {
  const stats = JSON.parse(await readFile(statsFile, "utf8")) as { fields: Array<{ name: string; type: string; mean?: number; std?: number }> };
  return stats.fields.flatMap((f) => {
    const i = columns.indexOf(f.name);
    if (f.type !== "number" || i < 0 || f.mean === undefined || f.std === undefined) return [];
    return [{ column: f.name, mean: f.mean + f.std * means[i], sd: f.std * Math.sqrt(Math.max(0, variances[i])) }];
  });
}

function short(a: string): string {
  return `${a.slice(0, 6)}…${a.slice(-4)}`;
}

/** The printed report. */
export function formatReport(report: DemoReport, dashboardUrl: string): string {
  const lines: string[] = [];
  lines.push("", "══ 2PM demo report ══", "", `Federated task ${report.flTaskId} (penguins, 3 islands, logistic regression, secure aggregation):`);
  lines.push("  (accuracy/loss of the global model entering each round — round 1: the initial model — on the nodes' held-out rows)");
  for (const r of report.rounds) {
    lines.push(`  round ${r.round}${r.attempt ? ` (attempt ${r.attempt})` : ""}: ${r.submissions} updates, accuracy ${r.accuracy == null ? "–" : (r.accuracy * 100).toFixed(1) + "%"}, loss ${r.loss == null ? "–" : r.loss.toFixed(4)}`);
  }
  const c = report.committee;
  lines.push("", `FHE committee ${c.committeeId} (${c.members.length}-of-${c.members.length}, ${c.status}): ${c.members.map((m) => `${m.role} ${short(m.account)}`).join(", ")}`);
  lines.push(`  collective key ${c.keyId} (its secret exists nowhere: each member holds one share); keys file ${short(c.keysRoot)}`);
  for (const d of report.encryptedDatasets) lines.push(`  encrypted dataset ${d.datasetId} (${d.island}): CKKS ciphertexts under the committee's key, stored by root`);
  const f = report.fheTask;
  lines.push("", `FHE task ${f.taskId} on datasets ${f.datasetIds.join(", ")} (${f.islands.join(" + ")}, ${f.rows} rows; computed on ciphertexts, decrypted by committee ${c.committeeId}):`);
  for (const u of f.inUnits) lines.push(`  ${u.column.padEnd(20)} mean ${u.mean.toFixed(1).padStart(7)}  sd ${u.sd.toFixed(1)}`);
  f.columns.forEach((c, i) => {
    if (c.includes("=")) lines.push(`  ${c.padEnd(20)} share ${(100 * f.means[i]).toFixed(1)}%`);
  });
  for (const sh of f.shares) lines.push(`  decryption share of ${sh.role.padEnd(7)} ${short(sh.member)}: ${sh.declined ? "declined" : sh.root}`);
  lines.push(`  fhe verify: ${f.verified ? "OK (the published values are what the posted shares give)" : "MISMATCH"}`);
  lines.push("", "Who can decrypt what:");
  for (const d of report.decryption) lines.push(`  ${d.who}: ${d.can}`);
  lines.push("", "Payouts (claimed, TPM):");
  const byTask = new Map<string, bigint>();
  for (const p of report.payouts) {
    lines.push(`  task ${p.taskId}  ${p.role.padEnd(11)} ${p.account}  ${formatUnits(BigInt(p.amount), 18)}`);
    byTask.set(p.taskId, (byTask.get(p.taskId) ?? 0n) + BigInt(p.amount));
  }
  for (const [taskId, sum] of byTask) lines.push(`  task ${taskId} total ${formatUnits(sum, 18)} of budget ${report.budgets[taskId]}`);
  lines.push("", "verify-settlement: " + Object.entries(report.verified).map(([id, ok]) => `task ${id} ${ok ? "OK" : "MISMATCH"}`).join(", "));
  lines.push("", "Sample GraphQL query:", report.sampleQuery.query, "Answer:", JSON.stringify(report.sampleQuery.answer, null, 2));
  lines.push("", `Dashboard: ${dashboardUrl}`);
  return lines.join("\n");
}
