// `npx hardhat deploy [--network <name>]`: deploys the 2PM contracts with Ignition and writes
// deployments/<network>/<Contract>.json (address, ABI, transaction, block) — the single source of addresses and
// start blocks for the `2pm` CLI and the indexer. Ignition's journal makes re-runs deploy nothing new.
import { existsSync } from "node:fs";
import { readFile, rm } from "node:fs/promises";
import path from "node:path";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { getAddress, isAddress, type Abi, type Address, type Hex } from "viem";
import { TwoPm, TwoPmWithToken } from "../../ignition/modules/TwoPm.ts";
import { writeDeployment } from "../../src/chain/deployments.ts";
import { committeeLimitsFor, termLimitsFor } from "../../src/chain/termLimits.ts";

type DeployArgs = { rewardToken: string; reset: boolean };

const CONTRACTS = { datasetIndex: "DatasetIndex", trainingTasks: "TrainingTasks", fheCommittees: "FheCommittees", rewardToken: "RewardToken" } as const;

/** A user error: one line on stderr and exit code 1, never a stack trace. */
class DeployError extends Error {}

export default async function deploy(args: DeployArgs, hre: HardhatRuntimeEnvironment): Promise<void> {
  try {
    await run(args, hre);
  } catch (err) {
    if (!(err instanceof DeployError)) throw err;
    console.error(`error: ${err.message}`);
    process.exitCode = 1;
  }
}

async function run(args: DeployArgs, hre: HardhatRuntimeEnvironment): Promise<void> {
  // Ignition deploys from artifacts: compile first (a no-op when nothing changed), so a fresh clone can deploy.
  await hre.tasks.getTask("build").run({ quiet: true });
  const networkName = hre.globalOptions.network ?? "default";
  const networkConfig = hre.config.networks[networkName];
  if (networkConfig?.type === "http") {
    // Resolve the RPC URL and keys now: Hardhat resolves them lazily, deep inside the first transaction.
    try {
      await networkConfig.url.get();
      if (Array.isArray(networkConfig.accounts)) for (const key of networkConfig.accounts) await key.get();
    } catch (err) {
      throw new DeployError(oneLine(networkName, err));
    }
  }
  let connection;
  let chainId: number;
  try {
    connection = await hre.network.getOrCreate();
    chainId = await (await connection.viem.getPublicClient()).getChainId();
  } catch (err) {
    throw new DeployError(`cannot reach the RPC of network '${networkName}': is the node running? (${firstLine(err)})`);
  }

  const tokenArg = args.rewardToken || process.env.REWARD_TOKEN_ADDRESS || "";
  if (tokenArg && !isAddress(tokenArg)) throw new DeployError(`--reward-token '${tokenArg}' is not an address`);

  const inProcess = networkConfig?.type === "edr-simulated";
  if (inProcess) {
    // The in-process chain ends with this process: deploy (a dry run of the module) but record nothing.
    const result = await connection.ignition.deploy(tokenArg ? TwoPm : TwoPmWithToken, {
      displayUi: true,
      parameters: { TwoPm: { termLimits: termLimitsFor(networkName), committeeLimits: committeeLimitsFor(networkName) } },
    });
    console.log(`\nIn-process network '${networkName}': nothing written (use --network localhost with \`npx hardhat node\`).`);
    for (const [key, c] of Object.entries(result)) console.log(`  ${key.padEnd(14)} ${(c as { address: string }).address}`);
    return;
  }
  // TWOPM_DEPLOYMENT_ID / TWOPM_ROOT let tests deploy to a throw-away chain without touching the real records.
  const deploymentId = process.env.TWOPM_DEPLOYMENT_ID ?? `chain-${chainId}`;
  const journalDir = path.join(hre.config.paths.ignition, "deployments", deploymentId);
  if (args.reset || (await isStaleLocalJournal(journalDir, chainId, await connection.viem.getPublicClient()))) {
    await rm(journalDir, { recursive: true, force: true });
  }

  const module = tokenArg ? TwoPm : TwoPmWithToken;
  const result = await connection.ignition.deploy(module, {
    deploymentId,
    displayUi: true,
    parameters: { TwoPm: { termLimits: termLimitsFor(networkName), committeeLimits: committeeLimitsFor(networkName) } },
  });

  const root = process.env.TWOPM_ROOT ?? hre.config.paths.root;
  const outDir = path.join(root, "deployments", networkName);
  const receipts = await readJournalReceipts(journalDir);
  const written: Record<string, Address> = {};
  for (const [key, contractName] of Object.entries(CONTRACTS)) {
    const contract = (result as Record<string, { address: Address; abi: Abi } | undefined>)[key];
    if (!contract) continue;
    const futureId = `TwoPm#${contractName}`;
    const receipt = receipts.get(futureId);
    const artifact = await hre.artifacts.readArtifact(contractName);
    await writeDeployment(root, networkName, {
      contractName,
      chainId,
      address: getAddress(contract.address),
      transactionHash: receipt?.hash ?? null,
      blockNumber: receipt?.blockNumber ?? 0,
      abi: artifact.abi,
    });
    written[contractName] = contract.address;
  }
  if (tokenArg) {
    const artifact = await hre.artifacts.readArtifact("RewardToken");
    await writeDeployment(root, networkName, {
      contractName: "RewardToken",
      chainId,
      address: getAddress(tokenArg),
      transactionHash: null,
      blockNumber: 0,
      external: true,
      abi: artifact.abi,
    });
    written.RewardToken = getAddress(tokenArg);
  }
  console.log(`\nDeployments written to ${path.relative(process.cwd(), outDir) || "."}/`);
  for (const [name, address] of Object.entries(written)) console.log(`  ${name.padEnd(14)} ${address}`);
}

/** A local chain (31337) restarted since the last deploy: the journal points at contracts that no longer exist. */
async function isStaleLocalJournal(
  journalDir: string,
  chainId: number,
  client: { getCode: (a: { address: Address }) => Promise<Hex | undefined> },
): Promise<boolean> {
  if (chainId !== 31337) return false;
  const file = path.join(journalDir, "deployed_addresses.json");
  if (!existsSync(file)) return false;
  const addresses = Object.values(JSON.parse(await readFile(file, "utf8"))) as Address[];
  for (const address of addresses) {
    const code = await client.getCode({ address });
    if (!code || code === "0x") return true;
  }
  return false;
}

/** futureId → { hash, blockNumber } of the deployment transaction, from Ignition's journal. */
async function readJournalReceipts(journalDir: string): Promise<Map<string, { hash: Hex; blockNumber: number }>> {
  const receipts = new Map<string, { hash: Hex; blockNumber: number }>();
  const file = path.join(journalDir, "journal.jsonl");
  if (!existsSync(file)) return receipts;
  for (const line of (await readFile(file, "utf8")).split("\n")) {
    if (!line.trim()) continue;
    const entry = JSON.parse(line);
    if (entry.type === "TRANSACTION_CONFIRM" && entry.receipt) {
      receipts.set(entry.futureId, { hash: entry.hash, blockNumber: Number(entry.receipt.blockNumber) });
    }
  }
  return receipts;
}

function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split("\n")[0];
}

function oneLine(network: string, err: unknown): string {
  const message = firstLine(err);
  if (/DEPLOYER_PRIVATE_KEY/.test(message) || /HHE7\b/.test(message)) {
    return `network '${network}' needs a deployer key: export DEPLOYER_PRIVATE_KEY=0x… (or npx hardhat keystore set DEPLOYER_PRIVATE_KEY)`;
  }
  return `cannot connect to network '${network}': ${message}`;
}
