// `npx hardhat deploy --network localhost` against a running `npx hardhat node`, as README.md and
// docs/contracts.md tell a user to run it: the first run deploys the four contracts and writes
// deployments/localhost/, a second run sends no transaction; a 0G network without a key is one line.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { LOCAL_COMMITTEE_LIMITS } from "../../src/chain/termLimits.ts";
import { hardhatCli, projectRoot, startHardhatNode } from "../helpers/localChain.ts";

const CONTRACTS = ["DatasetIndex", "TrainingTasks", "FheCommittees", "RewardToken"] as const;
// Ignition keeps its journal under ignition/deployments/<id>: a test id, removed afterwards.
const deploymentId = `test-deploy-${process.pid}`;

let node: Awaited<ReturnType<typeof startHardhatNode>>;
let root: string;

function deploy(network: string, env: Record<string, string | undefined> = {}) {
  return spawnSync(process.execPath, [hardhatCli, "deploy", "--network", network], {
    cwd: projectRoot,
    encoding: "utf8",
    env: { ...process.env, LOCALHOST_RPC_URL: node.rpcUrl, TWOPM_ROOT: root, TWOPM_DEPLOYMENT_ID: deploymentId, NO_COLOR: "1", ...env },
    timeout: 180_000,
  });
}

async function readDeployments() {
  const out: Record<string, { address: string; chainId: number; transactionHash: string; blockNumber: number; abi: unknown[] }> = {};
  for (const name of CONTRACTS) out[name] = JSON.parse(await readFile(path.join(root, "deployments/localhost", `${name}.json`), "utf8"));
  return out;
}

before(async () => {
  node = await startHardhatNode();
  root = await mkdtemp(path.join(tmpdir(), "2pm-deploy-"));
});

after(async () => {
  await node?.node.stop("SIGINT");
  if (root) await rm(root, { recursive: true, force: true });
  await rm(path.join(projectRoot, "ignition/deployments", deploymentId), { recursive: true, force: true });
});

test("the first deploy writes deployments/localhost/ (address, ABI, tx hash, block) for the four contracts", async () => {
  const first = deploy("localhost");
  assert.equal(first.status, 0, `${first.stdout}\n${first.stderr}`);
  const deployments = await readDeployments();
  for (const name of CONTRACTS) {
    const d = deployments[name];
    assert.equal(d.chainId, 31337);
    assert.match(d.transactionHash, /^0x[0-9a-f]{64}$/);
    const receipt = await node.publicClient.getTransactionReceipt({ hash: d.transactionHash as `0x${string}` });
    assert.equal(receipt.contractAddress?.toLowerCase(), d.address.toLowerCase(), name);
    assert.equal(Number(receipt.blockNumber), d.blockNumber, name);
    assert.ok(d.abi.length > 0, name);
    assert.notEqual(await node.publicClient.getCode({ address: d.address as `0x${string}` }), undefined, name);
  }
  const tasks = deployments.TrainingTasks;
  const index = await node.publicClient.readContract({
    address: tasks.address as `0x${string}`, abi: tasks.abi as never, functionName: "datasetIndex",
  });
  assert.equal(String(index).toLowerCase(), deployments.DatasetIndex.address.toLowerCase(), "TrainingTasks points at the deployed DatasetIndex");
  const committees = deployments.FheCommittees;
  const read = (functionName: string) => node.publicClient.readContract({ address: committees.address as `0x${string}`, abi: committees.abi as never, functionName });
  assert.equal(String(await read("tasks")).toLowerCase(), tasks.address.toLowerCase(), "FheCommittees reads the deployed TrainingTasks");
  assert.deepEqual(await read("committeeLimits"), LOCAL_COMMITTEE_LIMITS, "a local chain gets the local committee limits");
});

test("TrainingTasks' linked flow libraries are deployed at the addresses written into its code", async () => {
  const { TrainingTasks: tasks } = await readDeployments();
  const code = (await node.publicClient.getCode({ address: tasks.address as `0x${string}` }))!.slice(2);
  const artifact = JSON.parse(await readFile(path.join(projectRoot, "artifacts/contracts/TrainingTasks.sol/TrainingTasks.json"), "utf8"));
  const links = Object.values(artifact.deployedLinkReferences as Record<string, Record<string, Array<{ start: number }>>>)
    .flatMap((libraries) => Object.entries(libraries));
  assert.ok(links.length >= 4, "TrainingTasks links its flow libraries");
  for (const [library, references] of links) {
    const addresses = new Set(references.map(({ start }) => `0x${code.slice(start * 2, start * 2 + 40)}`));
    assert.equal(addresses.size, 1, `${library}: one address`);
    const [address] = addresses;
    const libraryCode = await node.publicClient.getCode({ address: address as `0x${string}` });
    assert.ok(libraryCode && libraryCode.length > 2, `${library} has code at ${address}`);
  }
});

test("a second deploy sends no transaction and keeps every record", async () => {
  const before = await readDeployments();
  const head = await node.publicClient.getBlockNumber();
  const second = deploy("localhost");
  assert.equal(second.status, 0, `${second.stdout}\n${second.stderr}`);
  assert.equal(await node.publicClient.getBlockNumber(), head, "no block was mined: nothing was deployed");
  assert.deepEqual(await readDeployments(), before);
});

test("a 0G network without a deployer key, or with an unreachable RPC, fails with one line and writes nothing", () => {
  const noKey = deploy("zgGalileo", { DEPLOYER_PRIVATE_KEY: undefined });
  assert.notEqual(noKey.status, 0);
  assert.equal(noKey.stderr.trim(), "error: network 'zgGalileo' needs a deployer key: export DEPLOYER_PRIVATE_KEY=0x… (or npx hardhat keystore set DEPLOYER_PRIVATE_KEY)");
  const unreachable = deploy("zgMainnet", {
    DEPLOYER_PRIVATE_KEY: "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d", ZG_MAINNET_RPC_URL: "http://127.0.0.1:9",
  });
  assert.notEqual(unreachable.status, 0);
  assert.match(unreachable.stderr.trim(), /^error: cannot reach the RPC of network 'zgMainnet': is the node running\?[^\n]*$/);
  for (const network of ["zgGalileo", "zgMainnet"]) assert.ok(!existsSync(path.join(root, "deployments", network)), network);
});
