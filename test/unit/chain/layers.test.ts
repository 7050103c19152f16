// The chain layer sits under every protocol: nothing in src/chain may import the layers built on it (a cycle would
// let a chain read depend on storage or crypto code). Scans the import specifiers of every file under src/chain.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";

const src = path.resolve(import.meta.dirname, "../../../src");
const ABOVE = ["fhe", "storage", "data", "fl", "rewards"];

const tsFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? tsFiles(path.join(dir, e.name)) : e.name.endsWith(".ts") ? [path.join(dir, e.name)] : []));

/** Module specifiers of static and dynamic imports and re-exports. */
const specifiers = (code: string) => [...code.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)["']([^"']+)["']/gm)].map((m) => m[1]);

describe("src/chain layering", () => {
  it("imports nothing from src/{fhe,storage,data,fl,rewards}", () => {
    const offending: string[] = [];
    for (const file of tsFiles(path.join(src, "chain"))) {
      for (const spec of specifiers(readFileSync(file, "utf8"))) {
        if (!spec.startsWith(".")) continue;
        const [layer] = path.relative(src, path.resolve(path.dirname(file), spec)).split(path.sep);
        if (ABOVE.includes(layer)) offending.push(`${path.relative(src, file)} imports ${spec}`);
      }
    }
    assert.deepEqual(offending, []);
  });

  it("sees the imports it checks", () => {
    // The scan must find this file's own kind of import, or the test above could never fail.
    assert.deepEqual(specifiers(`import { a } from "../fhe/x.ts";\nexport * from "./y.ts";\nconst m = await import("../storage/z.ts");`), ["../fhe/x.ts", "./y.ts", "../storage/z.ts"]);
  });
});
