import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { FP_ONE, LN2_FP, lnRatioFixed } from "../../../src/rewards/index.ts";

const toNumber = (x: bigint) => Number((x * 10n ** 18n) / FP_ONE) / 1e18;

describe("lnRatioFixed", () => {
  it("computes ln 2 to 30 digits (0.693147180559945309417232121458…)", () => {
    const digits = (LN2_FP * 10n ** 30n) / FP_ONE;
    assert.ok(digits === 693147180559945309417232121458n || digits === 693147180559945309417232121457n);
  });

  it("agrees with Math.log to 1e-12 over positive integer ratios", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: 2n ** 80n }), fc.bigInt({ min: 1n, max: 2n ** 80n }), (num, den) => {
        const expected = Math.log(Number(num)) - Math.log(Number(den));
        assert.ok(Math.abs(toNumber(lnRatioFixed(num, den)) - expected) < 1e-12);
      }),
      { numRuns: 500 },
    );
  });

  it("is exact on identities: ln 1 = 0, ln(a/b) = −ln(b/a) within 2^-122, ln(2^k) = k·ln 2", () => {
    assert.equal(lnRatioFixed(12345n, 12345n), 0n);
    const sum = lnRatioFixed(3n, 7n) + lnRatioFixed(7n, 3n);
    assert.ok(sum <= 64n && sum >= -64n, `ln(3/7) + ln(7/3) = ${sum}`);
    assert.equal(lnRatioFixed(1n << 40n, 1n), 40n * LN2_FP);
  });

  it("rejects non-positive arguments", () => {
    assert.throws(() => lnRatioFixed(0n, 1n), RangeError);
    assert.throws(() => lnRatioFixed(1n, -1n), RangeError);
  });
});
