// `npm start`'s demo as a user runs it: the whole network, the report, and the dashboard in a real browser.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { storageGateway } from "../../src/storage/index.ts";
import { freePort, spawnGroup, waitFor, type Spawned } from "../helpers/processes.ts";

const root = path.resolve(import.meta.dirname, "../..");
const CHROMIUM = "/usr/bin/chromium";
let demo: Spawned;
let home: string;
let report: any;

before(async () => {
  home = await mkdtemp(path.join(tmpdir(), "2pm-demo-"));
  // Free ports for all three servers: a default port (42069, 3000) may be taken by anything else on the machine.
  const [rpc, indexer, dashboard] = [await freePort(), await freePort(), await freePort()];
  demo = spawnGroup(process.execPath, [path.join(root, "scripts/start.ts")], {
    cwd: root,
    env: { ...process.env, TWOPM_RPC_PORT: String(rpc), TWOPM_INDEXER_PORT: String(indexer), TWOPM_DASHBOARD_PORT: String(dashboard), TWOPM_DEMO_HOME: home },
  });
  const outcome = await waitFor("the demo report", async () => {
    if (demo.child.exitCode !== null) return "exited";
    return demo.output().includes("Report ready after") ? "ready" : undefined;
    // A stall limit, not a deadline: on a loaded machine the demo may take many minutes, printing as it goes.
  }, 300_000, 500, demo.outputBytes);
  if (outcome === "exited") throw new Error(`npm start exited ${demo.child.exitCode}:\n${demo.output().slice(-3000)}`);
  report = JSON.parse(await readFile(path.join(home, "report.json"), "utf8"));
});

after(async () => {
  await demo?.stop("SIGINT");
  await rm(home, { recursive: true, force: true });
});

test("the report shows every round finalized with a learning model", () => {
  assert.ok(report.rounds.length >= 3);
  // Round r reports the global model that entered it: round 1 the (untrained) initial model, later rounds trained ones.
  for (const r of report.rounds) {
    assert.equal(r.submissions, 3);
    assert.ok(r.accuracy != null && r.accuracy >= 0 && r.accuracy <= 1 && (r.round === 1 || r.accuracy > 0.5), `round ${r.round} accuracy ${r.accuracy}`);
  }
  assert.ok(report.rounds.at(-1).accuracy >= 0.9, `final accuracy ${report.rounds.at(-1).accuracy}`);
});

test("payouts of each task (federated and FHE) sum exactly to its budget and verify-settlement says OK", () => {
  assert.deepEqual(Object.keys(report.budgets).sort(), [report.flTaskId, report.fheTask.taskId].sort());
  for (const taskId of Object.keys(report.budgets)) {
    const sum = report.payouts.filter((p: any) => p.taskId === taskId).reduce((s: bigint, p: any) => s + BigInt(p.amount), 0n);
    assert.equal(sum, BigInt(report.budgets[taskId]) * 10n ** 18n, `task ${taskId}`);
    assert.equal(report.verified[taskId], true);
  }
  assert.match(demo.output(), /verify-settlement: .*OK/);
});

test("the FHE task's published statistics are the encrypting islands' plaintext means and deviations", async () => {
  const penguins = JSON.parse(await readFile(path.join(root, "node_modules/vega-datasets/data/penguins.json"), "utf8")) as Array<Record<string, unknown>>;
  assert.deepEqual(report.fheTask.islands, ["Dream", "Torgersen"]);
  // The schema drops rows with a missing value (Sex "." counts as missing).
  const rows = penguins.filter((r) => report.fheTask.islands.includes(r.Island) && Object.values(r).every((v) => v !== null && v !== "."));
  assert.equal(report.fheTask.rows, rows.length);
  assert.equal(report.fheTask.inUnits.length, 4);
  for (const { column, mean, sd } of report.fheTask.inUnits) {
    const xs = rows.map((r) => Number(r[column]));
    const m = xs.reduce((a, b) => a + b, 0) / xs.length;
    const s = Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / xs.length);
    assert.ok(Math.abs(mean - m) <= 1e-4 * Math.abs(m), `${column} mean ${mean} vs ${m}`);
    assert.ok(Math.abs(sd - s) <= 1e-3 * s, `${column} sd ${sd} vs ${s}`);
  }
  assert.match(demo.output(), new RegExp(`FHE task ${report.fheTask.taskId} on datasets ${report.fheTask.datasetIds.join(", ")} `));
});

test("the FHE task was decrypted by a 3-member committee: three shares as indexed, verified, and who can decrypt what", () => {
  const { committee, fheTask } = report;
  assert.deepEqual(committee.members.map((m: any) => m.role), ["member1", "member2", "member3"]);
  assert.equal(committee.status, "Active");
  assert.match(committee.keyId, /^0x[0-9a-f]{64}$/);
  for (const d of report.encryptedDatasets) assert.equal(d.keyId, committee.keyId, `dataset ${d.datasetId} is under the committee's key`);
  // Every member posted a share (none declined), and the publication is what those shares give.
  assert.deepEqual(fheTask.shares.map((x: any) => [x.member, x.declined]).sort(), committee.members.map((m: any) => [m.account, false]).sort());
  assert.equal(new Set(fheTask.shares.map((x: any) => x.root)).size, 3);
  assert.equal(fheTask.verified, true);
  const out = demo.output();
  assert.match(out, new RegExp(`FHE committee ${committee.committeeId} \\(3-of-3, Active\\)`));
  assert.match(out, /fhe verify: OK/);
  assert.match(out, /Who can decrypt what:\n  each committee member alone \(or any 2 of the 3\): nothing/);
  assert.match(out, /  the compute node: nothing/);
  assert.match(out, new RegExp(`  all 3 members' posted shares: only FHE task ${fheTask.taskId}'s result`));
});

test("the dashboard port's storage gateway serves an object the demo stored, under its root", async () => {
  assert.equal(report.storageUrl, new URL("/storage", report.dashboardUrl).href);
  const gateway = storageGateway({ url: report.dashboardUrl });
  const root = report.fheTask.publishedRoot;
  assert.equal(await gateway.has(root), true);
  const bytes = await gateway.get(root); // the client checks the bytes against the root
  assert.deepEqual(JSON.parse(new TextDecoder().decode(bytes)).columns, report.fheTask.columns);
});

test("the dashboard shows the demo's task and payout numbers that GraphQL returns", async (t) => {
  if (!existsSync(CHROMIUM)) {
    if (process.env.CI) assert.fail("Debian chromium is not installed (.ci/run installs it)");
    t.skip("Debian chromium is not installed: apt-get install chromium");
    return;
  }
  const { chromium } = await import("playwright-core");
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  try {
    const page = await browser.newPage();
    await page.goto(report.dashboardUrl);
    const graphql = async (query: string) => {
      const res = await fetch(new URL("/graphql", report.dashboardUrl), { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query }) });
      return ((await res.json()) as any).data;
    };
    const { task } = await graphql(`{ task(id: "${report.flTaskId}") { claimed rounds(orderBy: "round", orderDirection: "asc") { items { round accuracy } } } }`);
    const claimedCell = page.locator(`[data-task-claimed="${report.flTaskId}"]`);
    await claimedCell.waitFor({ timeout: 120_000 }); // the page's first GraphQL fetch; slow under load
    assert.equal(await claimedCell.textContent(), String(BigInt(task.claimed) / 10n ** 18n) + fraction(BigInt(task.claimed)));
    for (const r of task.rounds.items) {
      assert.equal(await page.locator(`[data-accuracy-round="${r.round}"]`).textContent(), `${(r.accuracy * 100).toFixed(1)}%`);
    }
    // The committee behind the FHE task and its shares.
    assert.equal(await page.locator(`[data-task-committee="${report.fheTask.taskId}"]`).textContent(), report.committee.committeeId);
    assert.equal(await page.locator(`[data-task-shares="${report.fheTask.taskId}"]`).textContent(), "3/3");
    assert.equal(await page.locator(`[data-committee-status="${report.committee.committeeId}"]`).textContent(), "Active");
    const { claims } = await graphql(`{ claims(limit: 100) { items { taskId leafIndex amount } } }`);
    assert.ok(claims.items.length >= 3);
    for (const c of claims.items) {
      assert.equal(await page.locator(`[data-claim="${c.taskId}-${c.leafIndex}"]`).getAttribute("data-units"), c.amount);
    }
    await page.screenshot({ path: path.join(home, "dashboard.png"), fullPage: true });
  } finally {
    await browser.close();
  }
});

/** The dashboard's 4-decimal rendering of token units. */
function fraction(units: bigint): string {
  const frac = (units % 10n ** 18n).toString().padStart(18, "0").slice(0, 4).replace(/0+$/, "");
  return frac ? `.${frac}` : "";
}
