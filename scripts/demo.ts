// The demo `npm start` plays after the chain and indexer are up: every role of the network as a real `2pm`
// process, on penguins split by island. It only wires commands together; all logic lives in src/.
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
} as const;
export const ISLANDS = ["Biscoe", "Dream", "Torgersen"] as const;
const OWNER_OF = { Biscoe: ROLES.biscoe, Dream: ROLES.dream, Torgersen: ROLES.torgersen } as const;

export const addressOf = (index: number): Address => mnemonicToAccount(HARDHAT_MNEMONIC, { addressIndex: index }).address;

/** graphqlUrl resolves once the indexer is up: the demo needs it only for its closing query. */
export type DemoOptions = { home: string; env: NodeJS.ProcessEnv; log: (line: string) => void; graphqlUrl: () => Promise<string> };

export type DemoReport = {
  flTaskId: string;
  rounds: Array<{ round: number; attempt: number; submissions: number; accuracy: number | null; loss: number | null }>;
  encryptedDataset: { datasetId: string; keyId: string };
  fheTask: {
    taskId: string; datasetId: string; rows: number; resultRoot: string; publishedRoot: string;
    /** Published means and variances of the standardized columns (standardized with the population's stats). */
    columns: string[]; means: number[]; variances: number[];
    /** The same, back in the schema's units for numeric columns (mean, standard deviation). */
    inUnits: Array<{ column: string; mean: number; sd: number }>;
  };
  payouts: Array<{ taskId: string; account: Address; role: string; amount: string }>;
  budgets: Record<string, string>;
  verified: Record<string, boolean>;
  sampleQuery: { query: string; answer: unknown };
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

  log("• Funding the participants with reward tokens; registering the penguins schema");
  const minted = run2pm(opts, ["token", "mint", "--to", ...[ROLES.creator, ROLES.biscoe, ROLES.dream, ROLES.torgersen, ROLES.computeNode].map(addressOf), "--amount", "10000", "-a", String(ROLES.deployer)]);
  const registeredSchema = run2pm(opts, ["schema", "register", "schemas/penguins.schema.json", "-a", String(ROLES.creator)]);
  // Reference standardization stats, published with the task, so all nodes compute the same features.
  const statsFile = path.join(dataDir, "penguins.stats.json");
  const standardized = run2pm(opts, ["data", "standardize", "--schema", "schemas/penguins.schema.json", "--data", path.join(root, "node_modules/vega-datasets/data/penguins.json"), "--out", path.join(dataDir, "reference.csv"), "--stats", statsFile]);
  const newKey = run2pm(opts, ["keys", "new"]);
  // Each owner holds one island's rows: penguins split by Island, one file per owner.
  const split = run2pm(opts, ["data", "split", "--data", path.join(root, "node_modules/vega-datasets/data/penguins.json"), "--by", "Island", "--out-dir", dataDir]);
  const [, schemaRun, , keyRun] = await Promise.all([minted, registeredSchema, standardized, newKey, split]);
  const schema = json(schemaRun);
  const key = json(keyRun);

  log("• Data owners standardize and register penguins by island (data stays on their machines);");
  log("  Torgersen's owner also registers its island FHE-encrypted (CKKS): only ciphertexts leave its machine");
  const datasetOf: Record<string, string> = {};
  const dataFileOf: Record<string, string> = {};
  for (const island of ISLANDS) dataFileOf[island] = path.join(dataDir, `${island.toLowerCase()}.json`);
  // Each owner is its own account, so the owners register in parallel; one account's transactions stay in order.
  let encrypted: { datasetId: string | number } = { datasetId: "" };
  await Promise.all(ISLANDS.map(async (island) => {
    const registered = json(await run2pm(opts, ["data", "register", "--schema", "schemas/penguins.schema.json", "--data", dataFileOf[island], "--local", "--stats", statsFile, "-a", String(OWNER_OF[island])]));
    datasetOf[island] = String(registered.datasetId);
    log(`  ${island.padEnd(9)} dataset ${registered.datasetId} (${registered.rows} rows, owner ${short(addressOf(OWNER_OF[island]))})`);
    if (island !== "Torgersen") return;
    encrypted = json(await run2pm(opts, ["data", "register", "--schema", "schemas/penguins.schema.json", "--data", dataFileOf.Torgersen, "--stats", statsFile, "--encrypt", "--key", key.keyId, "-a", String(ROLES.torgersen)]));
    log(`  Torgersen dataset ${encrypted.datasetId} (CKKS, key ${short(key.keyId)})`);
  }));

  log("• Federated task: 3 node processes + an aggregator, secure aggregation over the chain;");
  log("  FHE task: a compute node holding only evaluation keys computes statistics on Torgersen's ciphertexts");
  const flTask = json(await run2pm(opts, ["task", "create", "--spec", "specs/penguins-logreg.json", "--schema", String(schema.schemaId), "--budget", "1000",
    "--rounds", "4", "--stake", "50", "--min-nodes", "3", "--max-nodes", "3", "--round-duration", "60", "--reveal-duration", "30",
    "--challenge-window", "3", "--aggregator", addressOf(ROLES.aggregator), "-a", String(ROLES.creator)]));
  const taskId = String(flTask.taskId);
  // The aggregator's round lines are the demo's progress through the rounds (without the model roots).
  const aggregator = run2pm(opts, ["aggregate", "--task", taskId, "-a", String(ROLES.aggregator)], {
    json: false,
    onLine: (line) => /^round \d/.test(line) && log(`  FL ${line.replace(/, model 0x[0-9a-f]+/, "")}`),
  });
  const nodes = ISLANDS.map((island) => run2pm(opts, ["node", "run", "--task", taskId, "--data", dataFileOf[island], "--dataset", datasetOf[island], "-a", String(OWNER_OF[island])], { json: false }));

  // The compute node is another machine: its own home with the evaluation keys only, the same storage (by root).
  const computeHome = path.join(opts.home, "compute-node");
  await mkdir(computeHome, { recursive: true });
  await symlink(path.join(opts.home, "store"), path.join(computeHome, "store"));
  const evalKeys = path.join(computeHome, "eval.keys");
  const [fheTask] = await Promise.all([
    run2pm(opts, ["fhe", "task", "create", "--inputs", String(encrypted.datasetId), "--budget", "100", "--stake", "10", "--ops", "sum,mean,variance",
      "--aggregator", addressOf(ROLES.torgersen), "--challenge-window", "3", "-a", String(ROLES.creator)]).then(json),
    run2pm(opts, ["keys", "export-eval", "--key", key.keyId, "--out", evalKeys]),
  ]);
  const fheTaskId = String(fheTask.taskId);
  const computed = json(await run2pm({ ...opts, home: computeHome }, ["fhe", "compute", "--task", fheTaskId, "--eval-keys", evalKeys, "-a", String(ROLES.computeNode)]));
  log(`  FHE task ${fheTaskId}: ${computed.rows} encrypted rows computed on; encrypted result ${short(computed.resultRoot)}`);
  await Promise.all([aggregator, ...nodes]);

  log("• The key holder publishes the FHE result; settlement: payouts computed from chain + storage, posted as");
  log("  Merkle roots, claimed by everyone");
  // Torgersen's owner publishes only now: its FL node process sent transactions from the same account until here.
  const [published] = await Promise.all([
    run2pm(opts, ["fhe", "publish", "--task", fheTaskId, "-a", String(ROLES.torgersen)]).then(json),
    run2pm(opts, ["settle", "--task", taskId, "-a", String(ROLES.aggregator)]),
  ]);
  await run2pm(opts, ["settle", "--task", fheTaskId, "-a", String(ROLES.torgersen)]);
  log(`  FHE result published; tasks ${taskId} and ${fheTaskId} settled: verifying, then claiming after the challenge window`);
  const verified: Record<string, boolean> = {};
  const challengeWindow = new Promise((r) => setTimeout(r, 3_500));
  await Promise.all([taskId, fheTaskId].map(async (id) => {
    verified[id] = (await run2pm(opts, ["verify-settlement", "--task", id], { json: false, allowFail: true })).code === 0;
  }));
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
  const roleOf = (a: string) => Object.entries(ROLES).find(([, i]) => addressOf(i).toLowerCase() === a.toLowerCase())?.[0] ?? "?";
  return {
    flTaskId: taskId,
    rounds: answer.task.rounds.items,
    encryptedDataset: { datasetId: String(encrypted.datasetId), keyId: key.keyId },
    fheTask: {
      taskId: fheTaskId, datasetId: String(encrypted.datasetId), rows: computed.rows, resultRoot: computed.resultRoot,
      publishedRoot: published.publishedRoot, columns: published.columns, means: published.means, variances: published.variances,
      inUnits: await inUnits(statsFile, published.columns, published.means, published.variances),
    },
    payouts: claims.claims.items.map((c: { taskId: string; account: Address; amount: string }) => ({ ...c, role: roleOf(c.account) })),
    budgets: { [taskId]: "1000", [fheTaskId]: "100" },
    verified,
    sampleQuery: { query: sampleQuery, answer },
  };
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
  for (const r of report.rounds) {
    lines.push(`  round ${r.round}${r.attempt ? ` (attempt ${r.attempt})` : ""}: ${r.submissions} updates, accuracy ${r.accuracy == null ? "–" : (r.accuracy * 100).toFixed(1) + "%"}, loss ${r.loss == null ? "–" : r.loss.toFixed(4)}`);
  }
  lines.push("", `Encrypted dataset ${report.encryptedDataset.datasetId}: CKKS ciphertexts stored by root, key ${report.encryptedDataset.keyId}`);
  const f = report.fheTask;
  lines.push("", `FHE task ${f.taskId} on dataset ${f.datasetId} (${f.rows} rows; computed on ciphertexts, decrypted and published by the key holder):`);
  for (const u of f.inUnits) lines.push(`  ${u.column.padEnd(20)} mean ${u.mean.toFixed(1).padStart(7)}  sd ${u.sd.toFixed(1)}`);
  f.columns.forEach((c, i) => {
    if (c.includes("=")) lines.push(`  ${c.padEnd(20)} share ${(100 * f.means[i]).toFixed(1)}%`);
  });
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
