import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { getAddress, type Address } from "viem";
import { ChainError } from "./errors.ts";

export type ContractDeployment = { address: Address; blockNumber: number; chainId: number; transactionHash: string | null };
export type Deployments = {
  network: string;
  chainId: number;
  datasetIndex: ContractDeployment;
  trainingTasks: ContractDeployment;
  /** The committee registry of threshold FHE (decryption shares of FHE tasks under a committee's key). */
  fheCommittees: ContractDeployment;
  rewardToken: ContractDeployment;
  /** The first block to scan for events of our contracts. */
  startBlock: number;
};

/** The project root: deployments/ lives there (overridable with TWOPM_ROOT). */
export const projectRoot = process.env.TWOPM_ROOT ?? path.resolve(import.meta.dirname, "../..");

/** The contracts `npx hardhat deploy` writes to deployments/<network>/ and `loadDeployments` requires. */
export const DEPLOYED_CONTRACTS = ["DatasetIndex", "TrainingTasks", "FheCommittees", "RewardToken"] as const;

/**
 * Reads deployments/<network>/*.json written by `npx hardhat deploy`.
 * @example const d = loadDeployments("localhost"); d.trainingTasks.address
 */
export function loadDeployments(network: string, root: string = projectRoot): Deployments {
  const dir = path.join(root, "deployments", network);
  const read = (name: string): ContractDeployment => {
    const file = path.join(dir, `${name}.json`);
    if (!existsSync(file)) {
      throw new ChainError(`no deployment of ${name} for network '${network}' (${file}): run \`npx hardhat deploy --network ${network}\` first`);
    }
    const json = JSON.parse(readFileSync(file, "utf8"));
    return { address: getAddress(json.address), blockNumber: Number(json.blockNumber ?? 0), chainId: Number(json.chainId), transactionHash: json.transactionHash ?? null };
  };
  const datasetIndex = read("DatasetIndex");
  const trainingTasks = read("TrainingTasks");
  const fheCommittees = read("FheCommittees");
  const rewardToken = read("RewardToken");
  return {
    network,
    chainId: datasetIndex.chainId,
    datasetIndex,
    trainingTasks,
    fheCommittees,
    rewardToken,
    startBlock: Math.min(datasetIndex.blockNumber, trainingTasks.blockNumber, fheCommittees.blockNumber),
  };
}

export type DeploymentRecord = {
  contractName: string;
  chainId: number;
  address: Address;
  transactionHash: string | null;
  blockNumber: number;
  abi: readonly unknown[];
  external?: boolean;
};

/**
 * Writes deployments/<network>/<Contract>.json (atomically: temp file + rename), the format `loadDeployments` reads.
 * Used by `npx hardhat deploy` and by the test fixtures.
 */
export async function writeDeployment(root: string, network: string, record: DeploymentRecord): Promise<string> {
  const { mkdir, rename, writeFile } = await import("node:fs/promises");
  const dir = path.join(root, "deployments", network);
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `${record.contractName}.json`);
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify({ ...record, address: getAddress(record.address) }, null, 2) + "\n");
  await rename(tmp, file);
  return file;
}
