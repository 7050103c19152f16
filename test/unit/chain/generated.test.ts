// The ABIs and contract constants in src/chain are generated from the compiled contracts (scripts/gen-abis.ts):
// regenerated here in memory from the artifacts `npm test` just built, they must equal the committed files.
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { describe, it } from "node:test";
import { renderAbis, renderConstants } from "../../../scripts/gen-abis.ts";

const root = path.resolve(import.meta.dirname, "../../..");

describe("generated chain modules", () => {
  for (const [file, render] of [["src/chain/abis.ts", renderAbis], ["src/chain/constants.ts", renderConstants]] as const) {
    it(`${file} matches the compiled contracts`, async () => {
      const committed = await readFile(path.join(root, file), "utf8");
      assert.ok(committed === (await render()), `${file} is out of date with contracts/: run node scripts/gen-abis.ts`);
    });
  }
});
