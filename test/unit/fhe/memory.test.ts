import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";

// Capture node-seal's WebAssembly.Memory (not exported by the module) by wrapping instantiate before the library
// is imported — hence the dynamic import below.
const memories: WebAssembly.Memory[] = [];
const instantiate = WebAssembly.instantiate;
(WebAssembly as { instantiate: unknown }).instantiate = async (...args: unknown[]) => {
  const result = await (instantiate as (...a: unknown[]) => Promise<WebAssembly.WebAssemblyInstantiatedSource>)(
    ...args,
  );
  const instance =
    (result as { instance?: WebAssembly.Instance }).instance ?? (result as unknown as WebAssembly.Instance);
  for (const value of Object.values(instance.exports)) if (value instanceof WebAssembly.Memory) memories.push(value);
  return result;
};
const { createFheContext, decryptTable, encryptTable, generateKeys } = await import("../../../src/fhe/index.ts");
const { SCHEMA_HASH, maxAbsDiff, synthetic } = await import("./helpers.ts");
type FheContext = Awaited<ReturnType<typeof createFheContext>>;

const MiB = 2 ** 20;

describe("memory", () => {
  let ctx: FheContext;
  let keys: ReturnType<typeof generateKeys>;
  before(async () => {
    ctx = await createFheContext();
    keys = generateKeys(ctx);
  });
  after(() => ctx.dispose());

  // Every SEAL object lives in WASM memory until deleted and that memory never shrinks. One forgotten .delete()
  // per ciphertext leaks 128–256 KiB × 4 per file here: it first fills the free space keygen left in the WASM heap
  // (touching pages → RSS grows), then grows the WASM memory. Measured without leaks: WASM memory constant,
  // RSS within ±10 MiB after warm-up; with one leaked plaintext per ciphertext: +50 MiB RSS per 100 files.
  it("encrypts and decrypts 200 small files with bounded WASM memory and RSS", async () => {
    assert.equal(memories.length, 1);
    const { columns, features } = synthetic(100, 4);
    const wasm: number[] = [];
    const rss: number[] = [];
    for (let i = 0; i < 200; i++) {
      const fhed = await encryptTable(ctx, { features, columns, keys, schemaHash: SCHEMA_HASH });
      const { features: back } = await decryptTable(ctx, fhed, keys);
      if (i === 0) assert.ok(maxAbsDiff(back.data, features.data) < 1e-6);
      if (i === 19 || i === 99 || i === 199) {
        wasm.push(memories[0].buffer.byteLength / MiB);
        rss.push(process.memoryUsage().rss / MiB);
      }
    }
    const show = (xs: number[]) => xs.map((x) => x.toFixed(1)).join(" → ");
    assert.ok(wasm[2] - wasm[0] <= 8, `WASM memory grew after warm-up: ${show(wasm)} MiB`);
    assert.ok(rss[2] - rss[0] < 48, `RSS grew after warm-up: ${show(rss)} MiB`);
    assert.ok(rss[2] - rss[1] < 24, `RSS still growing over the last 100 files: ${show(rss)} MiB`);
  });
});
