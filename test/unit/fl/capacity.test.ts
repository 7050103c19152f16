import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { assertSumFits, FixedPointOverflowError, quantizeUpdate, sampleCapacity, sampleFit, sumUpdates } from "../../../src/fl/index.ts";

describe("sampleFit: the one capacity rule", () => {
  const penguins = { clipNorm: 5, fixedPointScale: 2 ** 16 };

  it("issue 11's case: 3 × 18,000 rows do not fit a clipNorm 5, 2^16 spec; 2^12 is the largest power-of-two scale that does", () => {
    const fit = sampleFit(penguins, [18_000n, 18_000n, 18_000n]);
    assert.deepEqual(fit, { capacity: 6553, total: 54_000, fits: false, headroom: 6553 - 54_000, largestScale: 4096 });
    assert.equal(sampleFit({ clipNorm: 5, fixedPointScale: 4096 }, [18_000, 18_000, 18_000]).fits, true);
    assert.equal(sampleFit({ clipNorm: 5, fixedPointScale: 8192 }, [18_000, 18_000, 18_000]).fits, false);
  });

  it("the boundary is the capacity: rows summing to it fit (and their worst-case updates do not wrap), one more does not", () => {
    const cfg = { clipNorm: 2, fixedPointScale: 2 ** 10 };
    const capacity = sampleCapacity(cfg);
    const rows = [Math.floor(capacity / 2), capacity - Math.floor(capacity / 2)];
    assert.deepEqual(
      { fits: sampleFit(cfg, rows).fits, headroom: sampleFit(cfg, rows).headroom },
      { fits: true, headroom: 0 },
    );
    const worst = rows.map((n) => quantizeUpdate(cfg, { delta: Float64Array.of(1e9), samples: n, maxTotalSamples: capacity }));
    assert.equal(sumUpdates(worst)[0], worst[0][0] + worst[1][0], "no wrap-around at capacity");
    const over = sampleFit(cfg, [...rows, 1n]);
    assert.equal(over.fits, false);
    assert.equal(over.headroom, -1);
    // quantizeUpdate and aggregateRound go through the same rule.
    assert.throws(() => assertSumFits(cfg, { totalSamples: capacity + 1 }), FixedPointOverflowError);
    assert.doesNotThrow(() => assertSumFits(cfg, { totalSamples: capacity }));
  });

  it("bigint rows beyond 2^53 are summed exactly and refused; no rows always fit", () => {
    const fit = sampleFit(penguins, [2n ** 60n, 1n]);
    assert.equal(fit.fits, false);
    assert.equal(fit.largestScale, undefined);
    assert.deepEqual(sampleFit(penguins, []), { capacity: 6553, total: 0, fits: true, headroom: 6553, largestScale: 2 ** 28 });
  });

  it("rejects negative or fractional row counts", () => {
    assert.throws(() => sampleFit(penguins, [-1]), FixedPointOverflowError);
    assert.throws(() => sampleFit(penguins, [1.5]), /not a non-negative integer/);
    assert.throws(() => sampleFit(penguins, [-2n]), FixedPointOverflowError);
  });

  it("the overflow error names the capacity and a scale that fits", () => {
    assert.throws(() => assertSumFits(penguins, { totalSamples: 54_000 }), /^FixedPointOverflowError: 54000 samples can overflow the int32 update sum \(at most 6553 fit\): lower fixedPointScale to 4096 \(2\^12\) or less/);
  });
});
