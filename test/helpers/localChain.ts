// A real `npx hardhat node` on 127.0.0.1 with a free port, with the 2PM contracts deployed, for e2e tests.
// Deployments are written to a temporary root (TWOPM_ROOT) so tests never touch deployments/localhost/.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  createPublicClient,
  createTestClient,
  createWalletClient,
  getAddress,
  http,
  type Address,
  type Hex,
  type PublicClient,
} from "viem";
import { mnemonicToAccount } from "viem/accounts";
import { hardhat } from "viem/chains";
import { HARDHAT_MNEMONIC } from "../../src/chain/client.ts";
import { writeDeployment } from "../../src/chain/deployments.ts";
import { LOCAL_COMMITTEE_LIMITS, LOCAL_TERM_LIMITS } from "../../src/chain/termLimits.ts";
import { freePort, spawnGroup, waitFor, type Spawned } from "./processes.ts";

export const projectRoot = path.resolve(import.meta.dirname, "../..");

export type LocalChain = {
  rpcUrl: string;
  port: number;
  /** Temporary project root holding deployments/localhost/ (pass as TWOPM_ROOT). */
  root: string;
  /** Environment for child processes (`2pm`, indexer): LOCALHOST_RPC_URL, TWOPM_ROOT. */
  env: Record<string, string>;
  addresses: { datasetIndex: Address; trainingTasks: Address; fheCommittees: Address; rewardToken: Address };
  publicClient: PublicClient;
  /** Development account `i` of the hardhat node. */
  account: (i: number) => ReturnType<typeof mnemonicToAccount>;
  /** Mines one block per call with evm_mine (hardhat_mine n>1 confuses Ponder). */
  mine: (blocks?: number) => Promise<void>;
  /** Moves time forward by `seconds` and mines a block. */
  increaseTime: (seconds: number) => Promise<void>;
  node: Spawned;
  stop: () => Promise<void>;
};

type LinkReferences = Record<string, Record<string, Array<{ start: number; length: number }>>>;
type Artifact = { abi: readonly unknown[]; bytecode: Hex; linkReferences: LinkReferences };

/** An artifact by source path under contracts/ (`TrainingTasks`, `libraries/TaskJoin`). */
async function artifact(source: string): Promise<Artifact> {
  const name = path.basename(source);
  const file = path.join(projectRoot, "artifacts/contracts", `${source}.sol`, `${name}.json`);
  return JSON.parse(await readFile(file, "utf8"));
}

/** `bytecode` with every library placeholder replaced by the library's address (keys: library names). */
function linkBytecode({ bytecode, linkReferences }: Artifact, addresses: Record<string, Address>): Hex {
  let linked = bytecode.slice(2);
  for (const libraries of Object.values(linkReferences)) {
    for (const [library, references] of Object.entries(libraries)) {
      for (const { start, length } of references) {
        linked = linked.slice(0, start * 2) + addresses[library].slice(2).toLowerCase() + linked.slice((start + length) * 2);
      }
    }
  }
  return `0x${linked}`;
}

export type StartLocalChainOptions = {
  /**
   * Moves the node's clock forward before deploying. Two nodes deploying in the same wall-clock second produce
   * byte-identical blocks; an offset makes a second chain's blocks (and hashes) differ, as a real restart's would.
   */
  clockOffsetSeconds?: number;
};

export const hardhatCli = path.join(projectRoot, "node_modules/hardhat/dist/src/cli.js");

/** A bare `npx hardhat node` on a free port of 127.0.0.1, answering (no contracts). */
export async function startHardhatNode(): Promise<{ rpcUrl: string; port: number; node: Spawned; publicClient: PublicClient }> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const rpcUrl = `http://127.0.0.1:${port}`;
    const node = spawnGroup(process.execPath, [hardhatCli, "node", "--hostname", "127.0.0.1", "--port", String(port)], { cwd: projectRoot });
    const chain = { ...hardhat, rpcUrls: { default: { http: [rpcUrl] } } };
    const publicClient = createPublicClient({ chain, transport: http(rpcUrl), pollingInterval: 100 }) as PublicClient;
    try {
      // Wait for this node's own "listening" line, not for any answer on the port: another process (another test's
      // or user's Hardhat node, which answers chain id 31337 too) can take the port between freePort() and listen.
      const state = await waitFor("hardhat node", async () => {
        if (node.child.exitCode !== null || node.child.signalCode !== null) return "exited";
        return node.output().includes(`JSON-RPC server at ${rpcUrl}/`) ? "listening" : undefined;
      }, 180_000, 100); // an upper bound only: ~3 s idle, much more under a heavy shared load
      if (state === "exited" && attempt < 3) continue; // the port was taken: try another one
      if (state === "exited") throw new Error("the node exited");
      await publicClient.getChainId();
    } catch (err) {
      await node.stop("SIGKILL");
      throw new Error(`could not start a hardhat node: ${String(err)}\n${node.output().slice(-2000)}`);
    }
    return { rpcUrl, port, node, publicClient };
  }
}

/** Starts a hardhat node and deploys DatasetIndex, TrainingTasks, FheCommittees and RewardToken from account 0. */
export async function startLocalChain(options: StartLocalChainOptions = {}): Promise<LocalChain> {
  const { rpcUrl, port, node, publicClient } = await startHardhatNode();
  const root = await mkdtemp(path.join(tmpdir(), "2pm-chain-"));
  try {
    const chain = { ...hardhat, rpcUrls: { default: { http: [rpcUrl] } } };
    const account = (i: number) => mnemonicToAccount(HARDHAT_MNEMONIC, { addressIndex: i });
    const deployer = createWalletClient({ account: account(0), chain, transport: http(rpcUrl) });
    const send = async (abi: readonly unknown[], bytecode: Hex, args: unknown[]) => {
      const hash = await deployer.deployContract({ abi: abi as never, bytecode, args: args as never });
      const receipt = await publicClient.waitForTransactionReceipt({ hash });
      return { hash, receipt, address: getAddress(receipt.contractAddress!) };
    };
    // Linked libraries first (TrainingTasks' flow libraries, from its artifact's link references), then the contract.
    const deploy = async (name: string, args: unknown[]) => {
      const contract = await artifact(name);
      const libraries: Record<string, Address> = {};
      for (const [source, names] of Object.entries(contract.linkReferences)) {
        for (const library of Object.keys(names)) {
          const lib = await artifact(source.replace(/^project\/contracts\//, "").replace(/\.sol$/, ""));
          libraries[library] = (await send(lib.abi, lib.bytecode, [])).address;
        }
      }
      const { hash, receipt, address } = await send(contract.abi, linkBytecode(contract, libraries), args);
      await writeDeployment(root, "localhost", { contractName: name, chainId: 31337, address, transactionHash: hash, blockNumber: Number(receipt.blockNumber), abi: contract.abi });
      return address;
    };
    const test = createTestClient({ chain, mode: "hardhat", transport: http(rpcUrl) });
    if (options.clockOffsetSeconds) await test.increaseTime({ seconds: options.clockOffsetSeconds });
    const datasetIndex = await deploy("DatasetIndex", []);
    const trainingTasks = await deploy("TrainingTasks", [datasetIndex, LOCAL_TERM_LIMITS]);
    const fheCommittees = await deploy("FheCommittees", [trainingTasks, LOCAL_COMMITTEE_LIMITS]);
    const rewardToken = await deploy("RewardToken", [account(0).address]);
    const mine = async (blocks = 1) => {
      for (let i = 0; i < blocks; i++) await test.request({ method: "evm_mine" as never, params: [] as never });
    };
    const stop = async () => {
      await node.stop("SIGINT");
      await rm(root, { recursive: true, force: true });
    };
    return {
      rpcUrl, port, root, node, stop, mine,
      env: { LOCALHOST_RPC_URL: rpcUrl, TWOPM_ROOT: root },
      addresses: { datasetIndex, trainingTasks, fheCommittees, rewardToken },
      publicClient,
      account,
      increaseTime: async (seconds: number) => {
        await test.increaseTime({ seconds });
        await mine(1);
      },
    };
  } catch (err) {
    await node.stop("SIGKILL");
    await rm(root, { recursive: true, force: true });
    throw new Error(`could not start a local chain: ${String(err)}\n${node.output().slice(-2000)}`);
  }
}
