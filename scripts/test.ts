// `npm test`: compile, Solidity fuzz + invariant tests (Hardhat), then every TypeScript test (node:test) —
// contracts, unit and end-to-end — with the node test runner's summary last.
// Pass file or directory arguments to run only those node:test files: `npm test -- test/unit/fl`.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";

if (Number(process.versions.node.split(".")[0]) < 22) {
  console.error(`error: the tests need Node >= 22 (this is ${process.version}); run them with \`npm test\``);
  process.exit(1);
}

const root = path.resolve(import.meta.dirname, "..");
const run = (cmd: string, args: string[]) => spawnSync(cmd, args, { cwd: root, stdio: "inherit", env: process.env }).status ?? 1;

function testFiles(target: string): string[] {
  if (!existsSync(target)) return [];
  if (statSync(target).isFile()) return target.endsWith(".test.ts") ? [target] : [];
  return readdirSync(target).sort().flatMap((entry) => testFiles(path.join(target, entry)));
}

const targets = process.argv.slice(2);
const onlyNode = targets.length > 0;
let failed = 0;
if (run("npx", ["hardhat", "build", "--quiet"]) !== 0) process.exit(1);
if (!onlyNode && process.env.SKIP_SOLIDITY_TESTS !== "1") failed += run("npx", ["hardhat", "test", "solidity"]) === 0 ? 0 : 1;

const files = (onlyNode ? targets : ["test/contracts", "test/unit", "test/e2e"]).flatMap((t) => testFiles(path.resolve(root, t)));
failed += run(process.execPath, ["--test", "--test-reporter=spec", "--test-concurrency=1", ...files]) === 0 ? 0 : 1;
process.exit(failed ? 1 : 0);
