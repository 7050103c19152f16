// `npm start`: the whole 2PM network on one machine. Starts a Hardhat node, deploys the contracts
// (`npx hardhat deploy --network localhost`), starts the indexer (Ponder, embedded PGlite) and the dashboard, then
// plays every role with real `2pm` processes (scripts/demo.ts) and prints a report. Everything keeps running until
// Ctrl-C, which stops every child process. `npm start -- --exit` stops after the report;
// `npm start -- --no-demo` only starts the chain, indexer and dashboard.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createReadStream } from "node:fs";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { createServer, request as httpRequest } from "node:http";
import { createServer as createNetServer } from "node:net";
import path from "node:path";
import { createPublicClient, http } from "viem";
import { loadDeployments } from "../src/chain/deployments.ts";
import { formatReport, playDemo } from "./demo.ts";

if (Number(process.versions.node.split(".")[0]) < 22) {
  console.error(`error: 2PM needs Node >= 22 (this is ${process.version}); run it with \`npm start\``);
  process.exit(1);
}

const root = path.resolve(import.meta.dirname, "..");
const args = new Set(process.argv.slice(2));
const exitAfterReport = args.has("--exit");
const children: ChildProcess[] = [];
const servers: Array<{ close: () => void }> = [];
const hardhatCli = path.join(root, "node_modules/hardhat/dist/src/cli.js");
const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createNetServer().once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

async function freePortFrom(preferred: number): Promise<number> {
  for (let port = preferred; port < preferred + 50; port++) if (await portIsFree(port)) return port;
  throw new Error(`no free port in ${preferred}–${preferred + 49}`);
}

function startChild(cmd: string, argv: string[], options: { cwd: string; env: NodeJS.ProcessEnv; logFile?: string }): ChildProcess {
  const child = spawn(cmd, argv, { cwd: options.cwd, env: options.env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  let tail = "";
  const keep = (d: Buffer) => (tail = (tail + d).slice(-8_000));
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  Object.assign(child, { tail: () => tail });
  children.push(child);
  return child;
}

async function stopAll(): Promise<void> {
  for (const server of servers) server.close();
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once("exit", () => resolve());
          try {
            process.kill(-child.pid!, "SIGINT"); // SIGINT: Ponder releases its schema lock on SIGINT only
          } catch {
            return resolve();
          }
          setTimeout(() => {
            try {
              process.kill(-child.pid!, "SIGKILL");
            } catch {}
          }, 8_000).unref();
        }),
    ),
  );
}

async function waitUntil(what: string, check: () => Promise<boolean>, child: ChildProcess, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${what} exited:\n${(child as unknown as { tail: () => string }).tail()}`);
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what} did not become ready within ${timeoutMs / 1000} s`);
}

/** Serves dashboard/ and forwards /graphql (and /status) to the indexer, so the page needs no CORS. */
function startDashboard(port: number, indexerPort: number): Promise<void> {
  const page = path.join(root, "dashboard/index.html");
  const server = createServer((req, res) => {
    if (req.url?.startsWith("/graphql") || req.url?.startsWith("/status")) {
      const upstream = httpRequest({ host: "127.0.0.1", port: indexerPort, path: req.url, method: req.method, headers: req.headers }, (up) => {
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
  servers.push(server);
  return new Promise((resolve) => server.listen(port, "127.0.0.1", () => resolve()));
}

async function main(): Promise<void> {
  const rpcPort = Number(process.env.TWOPM_RPC_PORT ?? 8545);
  if (!(await portIsFree(rpcPort))) {
    throw new Error(`port ${rpcPort} is in use (another \`npx hardhat node\`?): stop it or set TWOPM_RPC_PORT`);
  }
  const rpcUrl = `http://127.0.0.1:${rpcPort}`;
  const home = path.resolve(process.env.TWOPM_DEMO_HOME ?? path.join(root, ".2pm/demo"));
  await rm(home, { recursive: true, force: true }); // a new chain: the demo's keys, store and indexer db start fresh
  await mkdir(home, { recursive: true });
  const env = { ...process.env, LOCALHOST_RPC_URL: rpcUrl, TWOPM_NETWORK: "localhost" };

  console.log(`[${elapsed()}] Hardhat node on ${rpcUrl}`);
  const node = startChild(process.execPath, [hardhatCli, "node", "--hostname", "127.0.0.1", "--port", String(rpcPort)], { cwd: root, env });
  const client = createPublicClient({ transport: http(rpcUrl) });
  await waitUntil("the Hardhat node", async () => (await client.getChainId()) === 31337, node);

  const deployed = spawnSync(process.execPath, [hardhatCli, "deploy", "--network", "localhost"], { cwd: root, env, encoding: "utf8" });
  if (deployed.status !== 0) throw new Error(`deploy failed:\n${deployed.stdout}\n${deployed.stderr}`);
  const deployments = loadDeployments("localhost", root);
  console.log(`[${elapsed()}] Contracts deployed (deployments/localhost/): DatasetIndex ${deployments.datasetIndex.address}, TrainingTasks ${deployments.trainingTasks.address}, RewardToken ${deployments.rewardToken.address}`);

  const indexerPort = await freePortFrom(42069);
  const indexerEnv = { ...env, PONDER_PGLITE_DIR: path.join(home, "indexer-db"), PONDER_TELEMETRY_DISABLED: "true" };
  const indexer = startChild(path.join(root, "node_modules/.bin/ponder"), ["start", "--schema", "demo", "--port", String(indexerPort)], { cwd: path.join(root, "indexer"), env: indexerEnv });
  const dashboardPort = await freePortFrom(3000);
  const dashboardUrl = `http://127.0.0.1:${dashboardPort}/`;
  // The demo needs the indexer only for its closing GraphQL query, so it starts while Ponder boots (~10 s).
  const indexerReady = waitUntil("the indexer", async () => (await fetch(`http://127.0.0.1:${indexerPort}/ready`)).ok, indexer).then(async () => {
    await startDashboard(dashboardPort, indexerPort);
    console.log(`[${elapsed()}] Indexer: GraphQL at http://127.0.0.1:${indexerPort}/graphql · dashboard at ${dashboardUrl}`);
  });

  if (args.has("--no-demo")) return indexerReady;
  const [, report] = await Promise.all([
    indexerReady,
    playDemo({
      home,
      env,
      graphqlUrl: `http://127.0.0.1:${indexerPort}/graphql`,
      log: (line) => console.log(`[${elapsed()}] ${line}`),
    }),
  ]);
  console.log(formatReport(report, dashboardUrl));
  console.log(`\nReport ready after ${elapsed()}.`);
  await writeFile(path.join(home, "report.json"), JSON.stringify({ ...report, dashboardUrl, readyAfterSeconds: (Date.now() - started) / 1000 }, null, 2));
}

let stopping = false;
async function shutdown(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    await stopAll();
  }
  process.exit(code);
}
process.on("SIGINT", () => {
  console.log("\nStopping the chain, the indexer and the dashboard …");
  void shutdown(0);
});
process.on("SIGTERM", () => void shutdown(0));
// The demo's role processes run in parallel; once we are stopping, their failures are the stop itself, and before
// that, the first failure (even of a promise awaited later) ends the demo with one line, not a stack trace.
process.on("unhandledRejection", (err) => {
  if (stopping) return;
  console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
  void shutdown(1);
});

try {
  await main();
  if (exitAfterReport) await shutdown(0);
  console.log("\nRunning. Press Ctrl-C to stop.");
} catch (err) {
  if (!stopping) console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
  await shutdown(1);
}
