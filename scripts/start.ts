// `npm start`: the whole 2PM network on one machine. Starts a Hardhat node, deploys the contracts
// (`npx hardhat deploy --network localhost`), starts the indexer (Ponder, embedded PGlite) and the dashboard, then
// plays every role with real `2pm` processes (scripts/demo.ts) and prints a report. Everything keeps running until
// Ctrl-C, which stops every child process. `npm start -- --exit` stops after the report;
// `npm start -- --no-demo` only starts the chain, indexer and dashboard.
//
// It supervises its children: a dead indexer is restarted (on a fresh database; the local chain re-indexes in
// seconds), a dead chain or a failing dashboard stops everything with one error line and exit code 1 — it never
// keeps saying "Running" over a dead part. Every child runs in its own process group and is stopped on every exit
// path. One `npm start` per checkout at a time (a lock in .2pm/): deployments/localhost and the Ignition journal
// belong to the checkout.
//
// Ports (all on 127.0.0.1): TWOPM_RPC_PORT (8545), TWOPM_INDEXER_PORT (42069), TWOPM_DASHBOARD_PORT (3000). A port
// given explicitly must be free; a default one moves to the next free port. INDEXER_HOSTNAME binds the indexer to
// another interface (default 127.0.0.1). The dashboard port also serves the storage gateway at /storage, over the
// demo's local store (TWOPM_GATEWAY_ORIGINS, TWOPM_GATEWAY_MAX_MIB: see docs/storage.md).
//
// This file is the flow; the parts are in scripts/start/: child processes (processes.ts), ports, the checkout lock,
// the dashboard server and the indexer process.
import { spawnSync } from "node:child_process";
import { mkdir, rm, writeFile } from "node:fs/promises";
import type { Server } from "node:http";
import path from "node:path";
import { createPublicClient, http } from "viem";
import { loadDeployments } from "../src/chain/deployments.ts";
import { localStore, STORAGE_GATEWAY_DEFAULTS, STORAGE_PATH, storageGatewayHandler } from "../src/storage/index.ts";
import { formatReport, playDemo, runningRoles } from "./demo.ts";
import { dashboardServer, gatewaySettings } from "./start/dashboard.ts";
import { startIndexer } from "./start/indexer.ts";
import { takeStartLock, type StartLock } from "./start/lock.ts";
import { listenOnFreePort, portIsFree, portSetting } from "./start/ports.ts";
import { children, killGroup, lastLines, startChild, stopChild, waitUntil, type Child } from "./start/processes.ts";

if (Number(process.versions.node.split(".")[0]) < 22) {
  console.error(`error: 2PM needs Node >= 22 (this is ${process.version}); run it with \`npm start\``);
  process.exit(1);
}

const root = path.resolve(import.meta.dirname, "..");
const args = new Set(process.argv.slice(2));
const exitAfterReport = args.has("--exit");
const hardhatCli = path.join(root, "node_modules/hardhat/dist/src/cli.js");
const lockFile = path.join(root, ".2pm", "start.lock");
const MAX_INDEXER_RESTARTS = 3;
const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;

const servers: Server[] = [];
let stopping = false;
let lock: StartLock | undefined;

async function stopAll(): Promise<void> {
  for (const server of servers) server.close();
  // The demo's `2pm` role processes first (they stop between polls on SIGINT), then the chain, indexer, …
  await Promise.all([...runningRoles].map((role) => new Promise<void>((resolve) => {
    if (role.exitCode !== null || role.signalCode !== null) return resolve();
    role.once("exit", () => resolve());
    role.kill("SIGINT");
    setTimeout(() => role.kill("SIGKILL"), 5_000).unref();
  })));
  await Promise.all([...children].map(stopChild));
}

/** Writes <home>/start.json: the URLs and the process ids of the running parts (for users and tests). */
async function writeState(home: string, state: Record<string, unknown>): Promise<void> {
  await writeFile(path.join(home, "start.json"), JSON.stringify({ pid: process.pid, ...state }, null, 2) + "\n");
}

/** One error line, then every child stopped and exit code 1. */
function fail(message: string): void {
  if (stopping) return;
  console.error(`error: ${message}`);
  void shutdown(1);
}

async function main(): Promise<void> {
  const rpc = portSetting("TWOPM_RPC_PORT", 8545);
  const gatewayOptions = gatewaySettings(process.env);
  const indexerSetting = portSetting("TWOPM_INDEXER_PORT", 42069);
  const dashboardSetting = portSetting("TWOPM_DASHBOARD_PORT", 3000);
  const indexerHostname = process.env.INDEXER_HOSTNAME || "127.0.0.1";
  lock = await takeStartLock(lockFile, root);
  if (!(await portIsFree(rpc.port))) {
    throw new Error(`port ${rpc.port} is in use (another \`npx hardhat node\`?): stop it or set TWOPM_RPC_PORT`);
  }
  const rpcUrl = `http://127.0.0.1:${rpc.port}`;
  const home = path.resolve(process.env.TWOPM_DEMO_HOME ?? path.join(root, ".2pm/demo"));
  await rm(home, { recursive: true, force: true }); // a new chain: the demo's keys, store and indexer db start fresh
  await mkdir(home, { recursive: true, mode: 0o700 });
  const env = { ...process.env, LOCALHOST_RPC_URL: rpcUrl, TWOPM_NETWORK: "localhost" };
  const pids: Record<string, number | undefined> = {};

  console.log(`[${elapsed()}] Hardhat node on ${rpcUrl}`);
  const node = startChild("the Hardhat node", process.execPath, [hardhatCli, "node", "--hostname", "127.0.0.1", "--port", String(rpc.port)], { cwd: root, env });
  pids.node = node.process.pid;
  await writeState(home, { rpcUrl, pids });
  // Our own node must print that it listens: another process that took the port between the check and the listen
  // would answer eth_chainId too, while ours exits with EADDRINUSE.
  const client = createPublicClient({ transport: http(rpcUrl) });
  await waitUntil("the Hardhat node", async () => node.tail().includes(`127.0.0.1:${rpc.port}`) && (await client.getChainId()) === 31337, node).catch((err) => {
    if (node.tail().includes("EADDRINUSE")) throw new Error(`port ${rpc.port} is in use (another \`npx hardhat node\`?): stop it or set TWOPM_RPC_PORT`);
    throw err;
  });
  node.process.once("exit", (code, signal) => fail(`the Hardhat node exited (${code ?? signal}); the chain is gone, so everything stops:\n${lastLines(node.tail())}`));

  // The dashboard listens before the (slow) deploy and indexer: a taken port fails in seconds.
  let indexerPort = indexerSetting.port;
  // The gateway serves the store the demo's roles share (<home>/store): a page reads what they stored and adds to it.
  const storeDir = path.join(home, "store");
  const gateway = storageGatewayHandler({
    store: localStore(storeDir),
    ...gatewayOptions,
    onError: (err) => console.error(`[${elapsed()}] storage gateway: ${err instanceof Error ? err.message : String(err)}`),
  });
  const dashboard = dashboardServer(root, () => indexerPort, gateway);
  servers.push(dashboard);
  // A listening server that fails later (it should not) is a dead part: stop everything.
  const dashboardPort = await listenOnFreePort(dashboard, dashboardSetting, "the dashboard", "TWOPM_DASHBOARD_PORT", (err) => fail(`the dashboard server failed: ${err.message}`));
  const dashboardUrl = `http://127.0.0.1:${dashboardPort}/`;
  const storageUrl = `http://127.0.0.1:${dashboardPort}${STORAGE_PATH}`;
  const maxMiB = (gatewayOptions.maxObjectBytes ?? STORAGE_GATEWAY_DEFAULTS.maxObjectBytes) / 2 ** 20;
  console.log(`[${elapsed()}] Storage gateway: PUT/GET ${storageUrl}/<root> (objects up to ${maxMiB} MiB, stored in ${storeDir})`);

  const deployed = spawnSync(process.execPath, [hardhatCli, "deploy", "--network", "localhost"], { cwd: root, env, encoding: "utf8" });
  if (deployed.status !== 0) throw new Error(`deploy failed:\n${deployed.stdout}\n${deployed.stderr}`);
  const deployments = loadDeployments("localhost", process.env.TWOPM_ROOT ?? root);
  console.log(`[${elapsed()}] Contracts deployed (deployments/localhost/): DatasetIndex ${deployments.datasetIndex.address}, TrainingTasks ${deployments.trainingTasks.address}, FheCommittees ${deployments.fheCommittees.address}, RewardToken ${deployments.rewardToken.address}`);

  const indexerDb = path.join(home, "indexer-db");
  const indexerEnv = { ...env, PONDER_PGLITE_DIR: indexerDb, PONDER_TELEMETRY_DISABLED: "true" };
  const indexerUrl = () => `http://127.0.0.1:${indexerPort}`;
  let restarts = 0;
  const recordIndexer = (pid: number) => {
    pids.indexer = pid;
    return writeState(home, { rpcUrl, indexerUrl: indexerUrl(), dashboardUrl, storageUrl, pids, indexerRestarts: restarts });
  };
  // A dead indexer is restarted on a fresh database at the same port (the local chain re-indexes in seconds; a killed
  // Ponder leaves its schema locked), at most MAX_INDEXER_RESTARTS times; then everything stops.
  const superviseIndexer = (child: Child) => child.process.once("exit", (code, signal) => {
    if (stopping) return;
    const why = `the indexer exited (${code ?? signal})`;
    if (restarts >= MAX_INDEXER_RESTARTS) return fail(`${why} ${restarts + 1} times; stopping:\n${lastLines(child.tail())}`);
    restarts++;
    console.error(`[${elapsed()}] ${why}: restarting it (${restarts}/${MAX_INDEXER_RESTARTS})\n${lastLines(child.tail(), 5)}`);
    void (async () => {
      await rm(indexerDb, { recursive: true, force: true });
      const again = await startIndexer(root, indexerEnv, { port: indexerPort, explicit: true }, indexerHostname, recordIndexer);
      if (stopping) return stopChild(again.child);
      superviseIndexer(again.child);
      await waitUntil("the indexer", async () => (await fetch(`${indexerUrl()}/ready`)).ok, again.child);
      console.log(`[${elapsed()}] Indexer restarted: GraphQL at ${indexerUrl()}/graphql`);
    })().catch((err) => fail(`${why} and could not be restarted: ${(err as Error).message}`));
  });

  // The demo needs the indexer only for its closing GraphQL query, so it starts while Ponder boots (~10 s).
  const indexerReady = (async () => {
    const indexer = await startIndexer(root, indexerEnv, indexerSetting, indexerHostname, recordIndexer);
    indexerPort = indexer.port;
    await writeState(home, { rpcUrl, indexerUrl: indexerUrl(), dashboardUrl, storageUrl, pids, indexerRestarts: restarts });
    await waitUntil("the indexer", async () => (await fetch(`${indexerUrl()}/ready`)).ok, indexer.child);
    superviseIndexer(indexer.child);
    console.log(`[${elapsed()}] Indexer: GraphQL at ${indexerUrl()}/graphql · dashboard at ${dashboardUrl}`);
  })();

  if (args.has("--no-demo")) return indexerReady;
  const [, report] = await Promise.all([
    indexerReady,
    playDemo({
      home,
      env,
      graphqlUrl: async () => {
        await indexerReady;
        return `${indexerUrl()}/graphql`;
      },
      log: (line) => console.log(`[${elapsed()}] ${line}`),
    }),
  ]);
  console.log(formatReport(report, dashboardUrl));
  console.log(`Storage gateway: ${storageUrl}/<root> (e.g. ${storageUrl}/${report.fheTask.publishedRoot})`);
  console.log(`\nReport ready after ${elapsed()}.`);
  await writeFile(path.join(home, "report.json"), JSON.stringify({ ...report, dashboardUrl, storageUrl, readyAfterSeconds: (Date.now() - started) / 1000 }, null, 2));
}

async function shutdown(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    await stopAll();
    await lock?.release();
  }
  process.exit(code);
}
process.on("SIGINT", () => {
  if (!stopping) console.log("\nStopping the chain, the indexer and the dashboard …");
  void shutdown(0);
});
process.on("SIGTERM", () => void shutdown(0));
process.on("SIGHUP", () => void shutdown(0));
// The demo's role processes run in parallel; once we are stopping, their failures are the stop itself, and before
// that, the first failure (even of a promise awaited later) ends the demo with one line, not a stack trace.
process.on("unhandledRejection", (err) => fail(err instanceof Error ? err.message : String(err)));
process.on("uncaughtException", (err) => fail(err.message));
// Last resort (process.exit from anywhere): no child outlives us.
process.on("exit", () => {
  for (const child of children) killGroup(child, "SIGKILL");
  for (const role of runningRoles) role.kill("SIGKILL");
  lock?.releaseSync();
});

try {
  await main();
  if (exitAfterReport) await shutdown(0);
  if (!stopping) console.log("\nRunning. Press Ctrl-C to stop.");
} catch (err) {
  fail(err instanceof Error ? err.message : String(err));
}
