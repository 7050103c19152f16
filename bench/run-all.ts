// `npm run bench`: runs every benchmark in turn; each writes its report to bench/results/<name>.md.
// `npm run bench -- fl merkle` runs only those.
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import path from "node:path";

const dir = import.meta.dirname;
const only = process.argv.slice(2);
const benches = readdirSync(dir)
  .filter((f) => f.endsWith(".ts") && f !== "run-all.ts")
  .map((f) => f.replace(/\.ts$/, ""))
  .filter((name) => only.length === 0 || only.includes(name))
  .sort();
let failed = 0;
for (const name of benches) {
  console.log(`\n── bench/${name}.ts ──`);
  const { status } = spawnSync(process.execPath, [path.join(dir, `${name}.ts`)], { stdio: "inherit" });
  if (status !== 0) {
    failed++;
    console.error(`bench/${name}.ts failed (exit ${status})`);
  }
}
console.log(`\n${benches.length - failed} of ${benches.length} benchmarks wrote their results to bench/results/`);
process.exit(failed ? 1 : 0);
