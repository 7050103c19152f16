// `npm start`: the local 2PM network on one machine. Starts a Hardhat node on 127.0.0.1, deploys the contracts
// (`npx hardhat deploy --network localhost`), prints the addresses and keeps everything running until Ctrl-C,
// which stops every child process. `npm start -- --exit` stops after the set-up.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import path from "node:path";
import { createPublicClient, http } from "viem";
import { loadDeployments } from "../src/chain/deployments.ts";

if (Number(process.versions.node.split(".")[0]) < 22) {
  console.error(`error: 2PM needs Node >= 22 (this is ${process.version}); run it with \`npm start\``);
  process.exit(1);
}

const root = path.resolve(import.meta.dirname, "..");
const exitAfterSetup = process.argv.includes("--exit");
const children: ChildProcess[] = [];

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer().once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

async function stopAll(): Promise<void> {
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once("exit", () => resolve());
          try {
            process.kill(-child.pid!, "SIGINT");
          } catch {
            resolve();
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

async function main(): Promise<void> {
  const port = Number(process.env.TWOPM_RPC_PORT ?? 8545);
  if (!(await portIsFree(port))) {
    throw new Error(`port ${port} is in use (another \`npx hardhat node\`?): stop it or set TWOPM_RPC_PORT`);
  }
  const rpcUrl = `http://127.0.0.1:${port}`;
  process.stdout.write(`Starting a Hardhat node on ${rpcUrl} … `);
  const node = spawn(process.execPath, [path.join(root, "node_modules/hardhat/dist/src/cli.js"), "node", "--hostname", "127.0.0.1", "--port", String(port)], { cwd: root, detached: true, stdio: "ignore" });
  children.push(node);
  const client = createPublicClient({ transport: http(rpcUrl) });
  for (let i = 0; ; i++) {
    try {
      await client.getChainId();
      break;
    } catch {
      if (node.exitCode !== null || i > 300) throw new Error("the Hardhat node did not start");
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  console.log("ready");

  const env = { ...process.env, LOCALHOST_RPC_URL: rpcUrl };
  const deployed = spawnSync(process.execPath, [path.join(root, "node_modules/hardhat/dist/src/cli.js"), "deploy", "--network", "localhost"], { cwd: root, env, encoding: "utf8" });
  if (deployed.status !== 0) throw new Error(`deploy failed:\n${deployed.stdout}\n${deployed.stderr}`);
  const deployments = loadDeployments("localhost", root);
  console.log("Contracts deployed (deployments/localhost/):");
  console.log(`  DatasetIndex   ${deployments.datasetIndex.address}`);
  console.log(`  TrainingTasks  ${deployments.trainingTasks.address}`);
  console.log(`  RewardToken    ${deployments.rewardToken.address}`);
  console.log(`\nRPC: ${rpcUrl} (chain id 31337). Try: npx 2pm --help`);
}

process.on("SIGINT", async () => {
  console.log("\nStopping …");
  await stopAll();
  process.exit(0);
});

try {
  await main();
  if (exitAfterSetup) {
    await stopAll();
    process.exit(0);
  }
  console.log("Running. Press Ctrl-C to stop.");
} catch (err) {
  console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
  await stopAll();
  process.exit(1);
}
