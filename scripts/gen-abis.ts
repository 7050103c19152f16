// Regenerates src/chain/abis.ts from the Hardhat artifacts (run by `npm run build`); a unit test fails when the
// committed file is out of date, so ABIs are never hand-copied.
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const contracts = ["DatasetIndex", "TrainingTasks", "RewardToken"] as const;

export async function renderAbis(): Promise<string> {
  let out = "// Generated from the Hardhat artifacts by scripts/gen-abis.ts (npm run build). Do not edit.\n";
  for (const name of contracts) {
    const artifact = JSON.parse(await readFile(path.join(root, "artifacts/contracts", `${name}.sol`, `${name}.json`), "utf8"));
    const varName = name[0].toLowerCase() + name.slice(1) + "Abi";
    out += `\nexport const ${varName} = ${JSON.stringify(artifact.abi, null, 2)} as const;\n`;
  }
  return out;
}

if (import.meta.main) {
  await writeFile(path.join(root, "src/chain/abis.ts"), await renderAbis());
  console.log("wrote src/chain/abis.ts");
}
