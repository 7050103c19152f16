/**
 * 0G storage Merkle root throughput: our merkleRoot / merkleRootOfFile vs @0glabs/0g-ts-sdk's MemData.merkleTree().
 * Run: node bench/merkle.ts  → bench/results/merkle.md
 */
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { MemData } from "@0glabs/0g-ts-sdk";
import { merkleRoot } from "../src/storage/merkleRoot.ts";
import { merkleRootOfFile } from "../src/storage/merkleRootOfFile.ts";

const MiB = 1 << 20;

async function best<T>(runs: number, fn: () => Promise<T> | T): Promise<{ ms: number; value: T }> {
  let ms = Infinity;
  let value!: T;
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    value = await fn();
    ms = Math.min(ms, performance.now() - start);
  }
  return { ms, value };
}

async function sdkRoot(bytes: Uint8Array): Promise<string> {
  const [tree, error] = await new MemData(bytes).merkleTree();
  if (error || !tree) throw error ?? new Error("no tree");
  return tree.rootHash()!;
}

const inputs: { name: string; bytes: Uint8Array }[] = [
  { name: "random 1 MiB", bytes: new Uint8Array(randomBytes(MiB)) },
  { name: "random 50 MiB", bytes: new Uint8Array(randomBytes(50 * MiB)) },
  { name: "penguins.json", bytes: new Uint8Array(await readFile("node_modules/vega-datasets/data/penguins.json")) },
  { name: "flights-200k.json", bytes: new Uint8Array(await readFile("node_modules/vega-datasets/data/flights-200k.json")) },
];

const dir = await mkdtemp(join(tmpdir(), "2pm-bench-merkle-"));
const rows: string[] = [];
const mbps = (bytes: number, ms: number) => (bytes / MiB / (ms / 1000)).toFixed(1);
try {
  for (const { name, bytes } of inputs) {
    const big = bytes.length > 8 * MiB;
    const ours = await best(big ? 3 : 7, () => merkleRoot(bytes));
    const path = join(dir, "input");
    await writeFile(path, bytes);
    const file = await best(big ? 3 : 7, () => merkleRootOfFile(path));
    const sdk = await best(big ? 2 : 5, () => sdkRoot(bytes));
    const equal = ours.value === sdk.value && file.value === sdk.value;
    if (!equal) throw new Error(`root mismatch on ${name}: ours ${ours.value}, file ${file.value}, SDK ${sdk.value}`);
    rows.push(
      `| ${name} | ${bytes.length.toLocaleString("en-US")} | ${ours.ms.toFixed(1)} | ${mbps(bytes.length, ours.ms)} | ` +
        `${file.ms.toFixed(1)} | ${mbps(bytes.length, file.ms)} | ${sdk.ms.toFixed(1)} | ${mbps(bytes.length, sdk.ms)} | ` +
        `${(sdk.ms / ours.ms).toFixed(1)}× | ✓ |`,
    );
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}

const report = `# 0G Merkle root throughput

\`node bench/merkle.ts\` on ${cpus().length} × ${cpus()[0]?.model ?? "CPU"}, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}.
Best of several runs (3 for inputs over 8 MiB, 7 otherwise; SDK 2 / 5). MB/s = MiB per second.
"ours" = \`merkleRoot(bytes)\`; "file" = \`merkleRootOfFile(path)\` (streams 256 KiB segments from disk, page cache warm);
"SDK" = \`new MemData(bytes).merkleTree()\` of @0glabs/0g-ts-sdk 0.3.3. Every root was checked equal to the SDK's.

| input | bytes | ours ms | ours MB/s | file ms | file MB/s | SDK ms | SDK MB/s | speed-up | same root |
| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | :---: |
${rows.join("\n")}

Why it is faster: an unrolled Keccak-f[1600] over local variables (no typed-array traffic inside the 24 rounds),
hashes kept as int32 words so tree nodes feed the permutation without hex strings or byte copies, and trees
reduced in place in one preallocated buffer (the SDK builds a node object and a hex string per hash).
The machine is shared with other jobs: figures vary by ±20 % between runs.
`;
await mkdir("bench/results", { recursive: true });
await writeFile("bench/results/merkle.md", report);
console.log(report);
