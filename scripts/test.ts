// `npm test`: compile, Solidity fuzz + invariant tests (Hardhat), then every TypeScript test (node:test) —
// contracts and unit beside end-to-end — with the node test runner's summary of the end-to-end files last.
// Pass file or directory arguments to run only those node:test files: `npm test -- test/unit/fl`.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";

if (Number(process.versions.node.split(".")[0]) < 22) {
  console.error(`error: the tests need Node >= 22 (this is ${process.version}); run them with \`npm test\``);
  process.exit(1);
}

const root = path.resolve(import.meta.dirname, "..");
const run = (cmd: string, args: readonly string[]) => spawnSync(cmd, args, { cwd: root, stdio: "inherit", env: process.env }).status ?? 1;
const runAsync = (cmd: string, args: readonly string[]) =>
  new Promise<number>((resolve) => spawn(cmd, args, { cwd: root, stdio: "inherit", env: process.env }).on("close", (code) => resolve(code ?? 1)));

function testFiles(target: string): string[] {
  if (!existsSync(target)) return [];
  if (statSync(target).isFile()) return target.endsWith(".test.ts") ? [target] : [];
  return readdirSync(target).sort().flatMap((entry) => testFiles(path.join(target, entry)));
}

const targets = process.argv.slice(2);
if (run("npx", ["hardhat", "build", "--quiet"]) !== 0) process.exit(1);
const nodeTest = (files: string[]) => [process.execPath, ["--test", "--test-reporter=spec", "--test-concurrency=1", ...files]] as const;

if (targets.length > 0) {
  // Only the given node:test files, one at a time.
  process.exit(run(...nodeTest(targets.flatMap((t) => testFiles(path.resolve(root, t))))));
}

let failed = 0;
// The Solidity suite first: it rewrites Hardhat's compile cache, which `hardhat deploy` (npm start) reads.
if (process.env.SKIP_SOLIDITY_TESTS !== "1") failed += run("npx", ["hardhat", "test", "solidity"]) === 0 ? 0 : 1;

// Then two lanes, because the end-to-end files spend much of their time waiting on servers and chain windows while
// the machine has a core to spare. Lane 1 runs the e2e files one at a time: they share the checkout's `npm start`
// lock and deployments/localhost, PostgreSQL's ponder_sync schema, or the wall clock of a long flow, so they never
// overlap each other. Lane 2 runs the contract and library files, then the e2e files that own everything they use
// (their own Hardhat node on a free port, temporary roots and homes, no indexer): BESIDE_E2E, which a new e2e file
// joins only when that holds for it. Lane 2 prints live; lane 1's output is held until lane 2 is done, then
// streamed, so the output reads as one sequence and ends with the runner's summary of lane 1.
const BESIDE_E2E = ["committee", "dataOwner", "dataOwnerOffline", "fheTask", "settlement"].map((name) => path.join(root, "test/e2e", `${name}.test.ts`));
const env = { ...process.env, ...(process.stdout.isTTY ? { FORCE_COLOR: "1" } : {}) };
const [cmd, args] = nodeTest(testFiles(path.join(root, "test/e2e")).filter((file) => !BESIDE_E2E.includes(file)));
const e2e = spawn(cmd, args, { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
let held: Buffer[] | undefined = [];
for (const stream of [e2e.stdout, e2e.stderr]) {
  stream.on("data", (chunk: Buffer) => (held ? held.push(chunk) : process.stdout.write(chunk)));
}
const e2eExit = new Promise<number>((resolve) => e2e.on("close", (code) => resolve(code ?? 1)));
const stopE2e = () => e2e.kill("SIGTERM");
process.on("SIGINT", stopE2e).on("SIGTERM", stopE2e);

failed += (await runAsync(...nodeTest([...["test/contracts", "test/unit"].flatMap((t) => testFiles(path.join(root, t))), ...BESIDE_E2E]))) === 0 ? 0 : 1;
process.stdout.write(Buffer.concat(held));
held = undefined;
failed += (await e2eExit) === 0 ? 0 : 1;
process.exit(failed ? 1 : 0);
