// The README's federated walkthrough, run as it stands: its shell block is copied out of README.md and executed by
// bash in a fresh working directory against a local chain, the way a new user pastes it into a terminal. Then the
// chain is asked whether it all happened: three rounds finalized, the settlement claimed in full, the stake back.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { rewardTokenAbi } from "../../src/chain/abis.ts";
import { connect, type ChainContext } from "../../src/chain/client.ts";
import { readTask } from "../../src/chain/tasks/readTask.ts";
import { projectRoot, startLocalChain, type LocalChain } from "../helpers/localChain.ts";
import { spawnGroup, type Spawned } from "../helpers/processes.ts";

const MARKER = "<!-- walkthrough: federated task -->";

let chain: LocalChain;
let workDir: string;
let walkthrough: Spawned | undefined;

/** The shell block right after the walkthrough marker in README.md. */
async function readmeWalkthrough(): Promise<string> {
  const readme = await readFile(path.join(projectRoot, "README.md"), "utf8");
  const at = readme.indexOf(MARKER);
  assert.ok(at >= 0, `README.md has no ${MARKER}`);
  const block = /^```sh\n([\s\S]*?)\n```/m.exec(readme.slice(at));
  assert.ok(block, "no ```sh block after the walkthrough marker");
  return block[1];
}

before(async () => {
  chain = await startLocalChain();
  // A new user's checkout: the project's files, and nothing the walkthrough makes (islands/, .2pm/) yet.
  workDir = await mkdtemp(path.join(tmpdir(), "2pm-readme-"));
  for (const entry of ["package.json", "node_modules", "schemas", "specs", "scripts"])
    await symlink(path.join(projectRoot, entry), path.join(workDir, entry));
});

after(async () => {
  await walkthrough?.stop("SIGKILL");
  await chain?.stop();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

test("the README's federated walkthrough runs as written: 3 rounds, settled, verified, claimed", async () => {
  const script = await readmeWalkthrough();
  walkthrough = spawnGroup("bash", ["-euo", "pipefail", "-c", script], {
    cwd: workDir,
    env: { ...process.env, ...chain.env, NO_COLOR: "1", PATH: `${path.dirname(process.execPath)}:${process.env.PATH}` },
  });
  const code = await new Promise<number | null>((resolve) => {
    const timer = setTimeout(() => void walkthrough!.stop("SIGKILL"), 300_000);
    walkthrough!.child.once("exit", (c) => {
      clearTimeout(timer);
      resolve(c);
    });
  });
  const out = walkthrough.output();
  assert.equal(code, 0, `the walkthrough exited ${code}:\n${out.slice(-6_000)}`);

  assert.match(out, /Torgersen: 52 rows/);
  assert.equal(out.match(/^round \d attempt 0: 3 submissions/gm)?.length, 3, out.slice(-6_000));
  assert.match(out, /task is Finished: aggregator done/);
  assert.match(out, /\bOK\b/, "verify-settlement says OK");

  process.env.LOCALHOST_RPC_URL = chain.rpcUrl;
  const reader: ChainContext = await connect({ network: "localhost", root: chain.root });
  const task = await readTask(reader, 1n);
  assert.equal(task.status, "Settled");
  assert.equal(task.currentRound, 3);
  // Members are in join order, which the three node processes race for: compare by address.
  const member = (i: number) => task.members.find((m) => m.node.toLowerCase() === chain.account(i).address.toLowerCase());
  assert.deepEqual([3, 4, 5].map((i) => [member(i)?.slashed, member(i)?.stakeWithdrawn]), [[false, true], [false, false], [false, false]]);
  // `claim --all` paid every leaf: the escrow keeps only the two stakes not withdrawn (nodes 4 and 5).
  const escrow = await chain.publicClient.readContract({
    address: chain.addresses.rewardToken, abi: rewardTokenAbi, functionName: "balanceOf", args: [chain.addresses.trainingTasks],
  });
  assert.equal(escrow, 2n * 50n * 10n ** 18n);
});
