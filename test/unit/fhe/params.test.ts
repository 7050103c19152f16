import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { TwoPmError } from "../../../src/errors.ts";
import {
  DEFAULT_FHE_PARAMS,
  FheError,
  FheParameterError,
  createFheContext,
  generateKeys,
} from "../../../src/fhe/index.ts";
import type { FheContext } from "../../../src/fhe/index.ts";

describe("createFheContext", () => {
  let ctx: FheContext;
  before(async () => {
    ctx = await createFheContext();
  });
  after(() => ctx.dispose());

  it("uses N=8192, [60,40,40,60], scale 2^40 by default", () => {
    assert.deepEqual(ctx.params, { polyModulusDegree: 8192, coeffModulusBits: [60, 40, 40, 60], scale: 2 ** 40 });
    assert.equal(ctx.slots, 4096);
    assert.deepEqual(ctx.primeBits, [60, 40, 40]);
    assert.equal(ctx.context.parametersSet(), true);
  });

  it("refuses N=4096 with [60,40,40,60] (200 bits > 109 allowed at 128-bit security)", async () => {
    await assert.rejects(createFheContext({ polyModulusDegree: 4096 }), (error: unknown) => {
      assert.ok(error instanceof FheParameterError);
      assert.ok(error instanceof TwoPmError);
      assert.match(error.shortMessage, /below 128-bit security/);
      assert.match(error.shortMessage, /N=4096/);
      assert.match(error.shortMessage, /\[60,40,40,60\]/);
      assert.match(error.shortMessage, /at most 109/);
      return true;
    });
  });

  it("refuses N=2048 even with a small modulus that SEAL would accept without a security level", async () => {
    await assert.rejects(
      createFheContext({ polyModulusDegree: 2048, coeffModulusBits: [30, 30], scale: 2 ** 25 }),
      /at most 54/,
    );
    await assert.rejects(createFheContext({ polyModulusDegree: 2048 }), FheParameterError);
  });

  it("refuses a modulus one prime too large for N=8192", async () => {
    await assert.rejects(
      createFheContext({ coeffModulusBits: [60, 40, 40, 40, 60] }),
      /240 coefficient modulus bits, N=8192 allows at most 218/,
    );
  });

  it("rejects malformed parameters with a one-line reason", async () => {
    await assert.rejects(createFheContext({ polyModulusDegree: 5000 }), /power of two/);
    await assert.rejects(createFheContext({ coeffModulusBits: [60] }), /at least two primes/);
    await assert.rejects(createFheContext({ coeffModulusBits: [60, 70, 60] }), /20 to 60 bits/);
    await assert.rejects(createFheContext({ scale: 3e12 }), /power of two/);
    await assert.rejects(createFheContext({ scale: 2 ** 61 }), /below the first prime/);
  });

  it("accepts other secure parameters (N=16384 allows 438 bits)", async () => {
    const big = await createFheContext({ polyModulusDegree: 16384, coeffModulusBits: [60, 40, 40, 40, 60] });
    assert.equal(big.slots, 8192);
    assert.deepEqual(big.primeBits, [60, 40, 40, 40]);
    big.dispose();
  });

  it("fails clearly once disposed", async () => {
    const other = await createFheContext();
    other.dispose();
    other.dispose(); // idempotent
    assert.equal(other.disposed, true);
    assert.throws(
      () => generateKeys(other),
      (error: unknown) => error instanceof FheError && /disposed/.test(error.message),
    );
  });

  it("keeps DEFAULT_FHE_PARAMS immutable", () => {
    assert.throws(() => {
      (DEFAULT_FHE_PARAMS as { scale: number }).scale = 2;
    });
  });
});
