// Ponder config: one chain (TWOPM_NETWORK, default localhost) and the three 2PM contracts (DatasetIndex,
// TrainingTasks, FheCommittees), with addresses and start blocks from deployments/<network>/ (TWOPM_ROOT, default the
// project root). PGlite by default (PONDER_PGLITE_DIR, default indexer/.ponder/pglite), Postgres when DATABASE_URL
// is set.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createConfig } from "ponder";
import { datasetIndexAbi, fheCommitteesAbi, trainingTasksAbi } from "../src/chain/abis.ts";
import { getNetwork } from "../src/chain/networks.ts";
import { guardChain, type ChainResetPolicy, type GuardDatabase } from "./lib/chainGuard.ts";

const indexerDir = fileURLToPath(new URL(".", import.meta.url));
// src/chain/deployments.ts resolves its default root from import.meta.dirname, which Ponder's module runner does
// not provide: pass the root explicitly (and through the environment, before the module is loaded).
process.env.TWOPM_ROOT ??= path.resolve(indexerDir, "..");
const { loadDeployments } = await import("../src/chain/deployments.ts");

const networkName = process.env.TWOPM_NETWORK ?? "localhost";
const network = getNetwork(networkName);
const deployments = loadDeployments(network.name === "hardhat" ? "localhost" : network.name, process.env.TWOPM_ROOT);
const chainName = network.name === "hardhat" ? "localhost" : network.name;

const database: GuardDatabase = process.env.DATABASE_URL
  ? { kind: "postgres", connectionString: process.env.DATABASE_URL }
  : { kind: "pglite", directory: process.env.PONDER_PGLITE_DIR ?? path.join(indexerDir, ".ponder", "pglite") };

// Ponder sets these globals before it executes the config; `ponder codegen` and type checks run without them.
const ponder = globalThis as typeof globalThis & {
  PONDER_COMMON?: { options: { command: string }; logger: Record<"info" | "warn" | "error", (o: { msg: string }) => void> };
  PONDER_NAMESPACE_BUILD?: { schema: string };
};
const command = ponder.PONDER_COMMON?.options.command;
if ((command === "start" || command === "dev") && ponder.PONDER_NAMESPACE_BUILD) {
  const policy = process.env.INDEXER_ON_CHAIN_RESET ?? (network.local ? "wipe" : "refuse");
  if (policy !== "wipe" && policy !== "refuse") throw new Error(`INDEXER_ON_CHAIN_RESET must be "wipe" or "refuse", got "${policy}"`);
  await guardChain({
    network: chainName,
    chainId: deployments.chainId,
    rpcUrl: network.rpcUrl,
    startBlock: deployments.startBlock,
    contract: deployments.trainingTasks.address,
    database,
    schema: ponder.PONDER_NAMESPACE_BUILD.schema,
    onReset: policy as ChainResetPolicy,
    watchIntervalMs: network.local ? 1_000 : 0,
    log: (level, msg) => ponder.PONDER_COMMON!.logger[level]({ msg }),
  });
}

export default createConfig({
  database: database.kind === "postgres" ? { kind: "postgres", connectionString: database.connectionString } : { kind: "pglite", directory: database.directory },
  ordering: "multichain",
  chains: {
    [chainName]: {
      id: deployments.chainId,
      rpc: network.rpcUrl,
      // A local node mines on demand: poll fast so queries see a block within ~0.1 s.
      pollingInterval: Number(process.env.INDEXER_POLLING_MS ?? (network.local ? 100 : 1_000)),
    },
  },
  contracts: {
    DatasetIndex: {
      chain: chainName,
      abi: datasetIndexAbi,
      address: deployments.datasetIndex.address,
      startBlock: deployments.datasetIndex.blockNumber,
    },
    TrainingTasks: {
      chain: chainName,
      abi: trainingTasksAbi,
      address: deployments.trainingTasks.address,
      startBlock: deployments.trainingTasks.blockNumber,
    },
    FheCommittees: {
      chain: chainName,
      abi: fheCommitteesAbi,
      address: deployments.fheCommittees.address,
      startBlock: deployments.fheCommittees.blockNumber,
    },
  },
});
