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
// another interface (default 127.0.0.1).
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createReadStream, rmSync } from "node:fs";
import { mkdir, open, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, request as httpRequest, type Server } from "node:http";
import { createServer as createNetServer } from "node:net";
import path from "node:path";
import { createPublicClient, http } from "viem";
import { loadDeployments } from "../src/chain/deployments.ts";
import { formatReport, playDemo, runningRoles } from "./demo.ts";

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

type Child = { name: string; process: ChildProcess; tail: () => string };
const children = new Set<Child>();
const servers: Server[] = [];
let stopping = false;
let lockHeld = false;

/** A port from the environment (explicit: must be free) or the default (may move to the next free port). */
function portSetting(variable: string, fallback: number): { port: number; explicit: boolean } {
  const value = process.env[variable];
  if (value === undefined || value === "") return { port: fallback, explicit: false };
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) throw new Error(`${variable} must be a TCP port (1–65535), got '${value}'`);
  return { port, explicit: true };
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createNetServer().once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

/**
 * Takes the checkout's start lock (exclusive create), or fails naming the running start. A lock whose process is gone
 * is stale and taken over.
 */
async function takeLock(): Promise<void> {
  await mkdir(path.dirname(lockFile), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(lockFile, "wx", 0o600);
      await handle.writeFile(`${process.pid}\n`);
      await handle.close();
      lockHeld = true;
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
    const pid = Number((await readFile(lockFile, "utf8").catch(() => "")).trim());
    if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) {
      throw new Error(`another \`npm start\` (pid ${pid}) is running in this checkout: stop it first (its lock is ${path.relative(root, lockFile)})`);
    }
    await rm(lockFile, { force: true }); // stale: its process is gone
  }
  throw new Error(`could not take the start lock ${lockFile}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

function startChild(name: string, cmd: string, argv: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Child {
  // detached: its own process group, so stopping it also stops what it spawned (Ponder's workers, …).
  const proc = spawn(cmd, argv, { cwd: options.cwd, env: options.env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  let tail = "";
  const keep = (d: Buffer) => (tail = (tail + d).slice(-8_000));
  proc.stdout?.on("data", keep);
  proc.stderr?.on("data", keep);
  const child = { name, process: proc, tail: () => tail };
  children.add(child);
  proc.once("exit", () => children.delete(child));
  return child;
}

const hasExited = (child: Child) => child.process.exitCode !== null || child.process.signalCode !== null;

function killGroup(child: Child, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.process.pid!, signal);
  } catch {}
}

async function stopChild(child: Child): Promise<void> {
  if (hasExited(child)) return;
  const exited = new Promise<void>((resolve) => child.process.once("exit", () => resolve()));
  killGroup(child, "SIGINT"); // SIGINT: Ponder releases its schema lock on SIGINT only
  const timer = setTimeout(() => killGroup(child, "SIGKILL"), 8_000);
  await exited;
  clearTimeout(timer);
  killGroup(child, "SIGKILL"); // anything the child left in its group
}

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

function lastLines(text: string, n = 15): string {
  return text.trim().split("\n").slice(-n).map((l) => `  ${l}`).join("\n");
}

async function waitUntil(what: string, check: () => Promise<boolean>, child: Child, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (hasExited(child)) throw new Error(`${what} exited (${child.process.exitCode ?? child.process.signalCode}):\n${lastLines(child.tail())}`);
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what} did not become ready within ${timeoutMs / 1000} s:\n${lastLines(child.tail())}`);
}

/** Serves dashboard/ and forwards /graphql (and /status) to the indexer, so the page needs no CORS. */
function dashboardServer(indexerPort: () => number): Server {
  const page = path.join(root, "dashboard/index.html");
  return createServer((req, res) => {
    if (req.url?.startsWith("/graphql") || req.url?.startsWith("/status")) {
      const upstream = httpRequest({ host: "127.0.0.1", port: indexerPort(), path: req.url, method: req.method, headers: req.headers }, (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      });
      upstream.on("error", () => res.writeHead(502).end("indexer unavailable"));
      req.pipe(upstream);
      return;
    }
    if (req.url === "/" || req.url?.startsWith("/?") || req.url === "/index.html") {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      createReadStream(page).pipe(res);
      return;
    }
    res.writeHead(404).end("not found");
  });
}

/** Listens on 127.0.0.1:port; a default port in use moves to the next one, an explicit one is an error. */
async function listenDashboard(server: Server, setting: { port: number; explicit: boolean }): Promise<number> {
  for (let port = setting.port; port < setting.port + 50; port++) {
    const error = await new Promise<NodeJS.ErrnoException | null>((resolve) => {
      const onError = (err: NodeJS.ErrnoException) => resolve(err);
      server.once("error", onError);
      server.listen(port, "127.0.0.1", () => {
        server.off("error", onError);
        resolve(null);
      });
    });
    if (!error) {
      // A listening server that fails later (it should not) is a dead part: stop everything.
      server.on("error", (err) => fail(`the dashboard server failed: ${err.message}`));
      return port;
    }
    if (error.code !== "EADDRINUSE") throw new Error(`the dashboard cannot listen on 127.0.0.1:${port}: ${error.message}`);
    if (setting.explicit) throw new Error(`port ${port} (TWOPM_DASHBOARD_PORT) is in use: free it or choose another`);
  }
  throw new Error(`no free port for the dashboard in ${setting.port}–${setting.port + 49}`);
}

/**
 * Starts Ponder and resolves with the port it really listens on (Ponder moves to the next port when one is taken,
 * even between our check and its listen): read from its "Created HTTP server" log line.
 */
async function startIndexer(env: NodeJS.ProcessEnv, setting: { port: number; explicit: boolean }, hostname: string, onSpawn: (pid: number) => Promise<void>): Promise<{ child: Child; port: number }> {
  // Ponder's bin through our own Node (its shebang would take whatever `node` is first on PATH).
  const child = startChild("the indexer", process.execPath, [path.join(root, "node_modules/ponder/dist/esm/bin/ponder.js"),
    "start", "--schema", "demo", "--port", String(setting.port), "--hostname", hostname, "--log-format", "json"], { cwd: path.join(root, "indexer"), env });
  await onSpawn(child.process.pid!);
  let port: number | undefined;
  let partial = "";
  child.process.stdout?.on("data", (d: Buffer) => {
    const lines = (partial + d).split("\n");
    partial = lines.pop()!;
    for (const line of lines) {
      if (port !== undefined || !line.includes("Created HTTP server")) continue;
      try {
        port = (JSON.parse(line) as { port?: number }).port;
      } catch {}
    }
  });
  await waitUntil("the indexer", async () => port !== undefined, child);
  if (port !== setting.port && setting.explicit) {
    await stopChild(child);
    throw new Error(`port ${setting.port} (TWOPM_INDEXER_PORT) is in use: free it or choose another`);
  }
  return { child, port: port! };
}

/** One error line, then every child stopped and exit code 1. */
function fail(message: string): void {
  if (stopping) return;
  console.error(`error: ${message}`);
  void shutdown(1);
}

async function main(): Promise<void> {
  const rpc = portSetting("TWOPM_RPC_PORT", 8545);
  const indexerSetting = portSetting("TWOPM_INDEXER_PORT", 42069);
  const dashboardSetting = portSetting("TWOPM_DASHBOARD_PORT", 3000);
  const indexerHostname = process.env.INDEXER_HOSTNAME || "127.0.0.1";
  await takeLock();
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
  const dashboard = dashboardServer(() => indexerPort);
  servers.push(dashboard);
  const dashboardPort = await listenDashboard(dashboard, dashboardSetting);
  const dashboardUrl = `http://127.0.0.1:${dashboardPort}/`;

  const deployed = spawnSync(process.execPath, [hardhatCli, "deploy", "--network", "localhost"], { cwd: root, env, encoding: "utf8" });
  if (deployed.status !== 0) throw new Error(`deploy failed:\n${deployed.stdout}\n${deployed.stderr}`);
  const deployments = loadDeployments("localhost", process.env.TWOPM_ROOT ?? root);
  console.log(`[${elapsed()}] Contracts deployed (deployments/localhost/): DatasetIndex ${deployments.datasetIndex.address}, TrainingTasks ${deployments.trainingTasks.address}, RewardToken ${deployments.rewardToken.address}`);

  const indexerDb = path.join(home, "indexer-db");
  const indexerEnv = { ...env, PONDER_PGLITE_DIR: indexerDb, PONDER_TELEMETRY_DISABLED: "true" };
  const indexerUrl = () => `http://127.0.0.1:${indexerPort}`;
  let restarts = 0;
  const recordIndexer = (pid: number) => {
    pids.indexer = pid;
    return writeState(home, { rpcUrl, indexerUrl: indexerUrl(), dashboardUrl, pids, indexerRestarts: restarts });
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
      const again = await startIndexer(indexerEnv, { port: indexerPort, explicit: true }, indexerHostname, recordIndexer);
      if (stopping) return stopChild(again.child);
      superviseIndexer(again.child);
      await waitUntil("the indexer", async () => (await fetch(`${indexerUrl()}/ready`)).ok, again.child);
      console.log(`[${elapsed()}] Indexer restarted: GraphQL at ${indexerUrl()}/graphql`);
    })().catch((err) => fail(`${why} and could not be restarted: ${(err as Error).message}`));
  });

  // The demo needs the indexer only for its closing GraphQL query, so it starts while Ponder boots (~10 s).
  const indexerReady = (async () => {
    const indexer = await startIndexer(indexerEnv, indexerSetting, indexerHostname, recordIndexer);
    indexerPort = indexer.port;
    await writeState(home, { rpcUrl, indexerUrl: indexerUrl(), dashboardUrl, pids, indexerRestarts: restarts });
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
  console.log(`\nReport ready after ${elapsed()}.`);
  await writeFile(path.join(home, "report.json"), JSON.stringify({ ...report, dashboardUrl, readyAfterSeconds: (Date.now() - started) / 1000 }, null, 2));
}

async function shutdown(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    await stopAll();
    if (lockHeld) await rm(lockFile, { force: true });
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
  if (lockHeld) rmSync(lockFile, { force: true });
});

try {
  await main();
  if (exitAfterReport) await shutdown(0);
  if (!stopping) console.log("\nRunning. Press Ctrl-C to stop.");
} catch (err) {
  fail(err instanceof Error ? err.message : String(err));
}
