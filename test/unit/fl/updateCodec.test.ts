import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  assertSumFits,
  clipDelta,
  createRng,
  decodeUpdate,
  encodeUpdate,
  fedAvg,
  FixedPointOverflowError,
  modelDelta,
  parseModelSpec,
  quantizeUpdate,
  sampleCapacity,
  sumUpdates,
  UpdateFormatError,
  type Update,
} from "../../../src/fl/index.ts";
import { baseSpec } from "./helpers.ts";

const spec = parseModelSpec(baseSpec); // clipNorm 5, scale 2^16

function sampleUpdate(length = 1000): Update {
  const rng = createRng(5);
  const vector = Int32Array.from({ length }, () => rng.nextU32() | 0);
  vector[0] = -(2 ** 31);
  vector[1] = 2 ** 31 - 1;
  return {
    header: {
      taskId: 2n ** 200n + 5n,
      round: 3,
      node: "0x00000000000000000000000000000000000000aa",
      samples: 127,
      length,
      scale: 65536,
      masked: true,
    },
    vector,
  };
}

/** Rewrites the JSON header of an encoded update (keeping the binary framing consistent). */
function withHeader(bytes: Uint8Array, edit: (h: Record<string, unknown>) => unknown): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  const len = view.getUint32(10, true);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(14, 14 + len)));
  const text = new TextEncoder().encode(JSON.stringify(edit(header) ?? header));
  const out = new Uint8Array(14 + text.length + bytes.length - 14 - len);
  out.set(bytes.subarray(0, 14));
  new DataView(out.buffer).setUint32(10, text.length, true);
  out.set(text, 14);
  out.set(bytes.subarray(14 + len), 14 + text.length);
  return out;
}

describe("update file codec", () => {
  it("roundtrips header and vector exactly, including int32 extremes", () => {
    const u = sampleUpdate();
    const bytes = encodeUpdate(u);
    assert.deepEqual(new TextDecoder().decode(bytes.subarray(0, 8)), "2PMUPD\0\0");
    assert.equal(new DataView(bytes.buffer).getUint16(8, true), 2);
    assert.deepEqual(decodeUpdate(bytes), u);
    assert.equal(bytes.length, 14 + new DataView(bytes.buffer).getUint32(10, true) + 4 * u.vector.length);
  });

  it("lowercases the node address", () => {
    const u = sampleUpdate(4);
    u.header.node = "0x00000000000000000000000000000000000000AA";
    const back = decodeUpdate(encodeUpdate(u));
    assert.equal(back.header.node, "0x00000000000000000000000000000000000000aa");
  });

  it("refuses a version-1 file (no evaluation block) with a one-line reason", () => {
    const v1 = Uint8Array.from(encodeUpdate(sampleUpdate(4)), (b, i) => (i === 8 ? 1 : b));
    assert.throws(() => decodeUpdate(v1), /version 1 was written by an older 2pm \(no evaluation block\)/);
  });

  it("carries the round attempt when given (absent attempt = a file of attempt 0)", () => {
    const u = sampleUpdate(4);
    u.header.attempt = 2;
    assert.deepEqual(decodeUpdate(encodeUpdate(u)).header, u.header);
    const plain = sampleUpdate(4);
    assert.equal("attempt" in decodeUpdate(encodeUpdate(plain)).header, false);
    assert.throws(() => decodeUpdate(withHeader(encodeUpdate(plain), (h) => ({ ...h, attempt: -1 }))), UpdateFormatError);
  });

  const bytes = encodeUpdate(sampleUpdate(16));
  const tampered: [string, Uint8Array][] = [
    ["bad magic", Uint8Array.from(bytes, (b, i) => (i === 0 ? 0x58 : b))],
    ["unknown version", Uint8Array.from(bytes, (b, i) => (i === 8 ? 3 : b))],
    ["truncated body", bytes.subarray(0, bytes.length - 1)],
    ["trailing byte", Uint8Array.of(...bytes, 0)],
    ["header length past the end", Uint8Array.from(bytes, (b, i) => (i === 13 ? 0x7f : b))],
    ["too short for the framing", bytes.subarray(0, 10)],
    ["length disagreeing with the body", withHeader(bytes, (h) => ({ ...h, length: 15 }))],
    ["negative samples", withHeader(bytes, (h) => ({ ...h, samples: -1 }))],
    ["per-node metrics in the header (they belong inside the masked vector)", withHeader(bytes, (h) => ({ ...h, metrics: { loss: 0, accuracy: 1 } }))],
    ["unknown header key", withHeader(bytes, (h) => ({ ...h, extra: 1 }))],
    ["bad address", withHeader(bytes, (h) => ({ ...h, node: "0x12" }))],
    ["non-decimal taskId", withHeader(bytes, (h) => ({ ...h, taskId: "0x10" }))],
  ];
  for (const [name, b] of tampered)
    it(`rejects ${name}`, () => {
      assert.throws(() => decodeUpdate(b), UpdateFormatError);
    });

  it("rejects a header that is not JSON", () => {
    const b = Uint8Array.from(bytes);
    b[14] = 0x7b + 1;
    assert.throws(() => decodeUpdate(b), /not valid JSON/);
  });

  it("refuses to encode a vector whose length differs from the header", () => {
    const u = sampleUpdate(8);
    assert.throws(() => encodeUpdate({ ...u, vector: new Int32Array(7) }), UpdateFormatError);
  });
});

describe("clip and quantize", () => {
  it("clips to clipNorm and leaves short deltas alone", () => {
    const long = Float64Array.of(3, 4, 0, 12); // norm 13
    const c = clipDelta(long, 6.5);
    assert.equal(c.norm, 13);
    assert.ok(c.clipped);
    assert.deepEqual(Array.from(c.delta), [1.5, 2, 0, 6]);
    assert.deepEqual(clipDelta(long, 20).delta, long);
  });

  it("weights by samples and rounds to fixed point; fedAvg recovers the delta within 1/(2·n·scale)", () => {
    const rng = createRng(11);
    const global = Float64Array.from({ length: 200 }, () => rng.normal());
    const local = global.map((v) => v + 0.01 * rng.normal());
    const delta = modelDelta(local, global);
    const q = quantizeUpdate(spec, { delta, samples: 37, maxTotalSamples: 1000 });
    const back = fedAvg(q, 37, spec.fixedPointScale);
    for (let k = 0; k < delta.length; k++) assert.ok(Math.abs(back[k] - delta[k]) <= 0.5 / (37 * 65536) + 1e-18);
  });

  it("capacity is exact: the worst-case sum at capacity fits int32, one more sample is refused", () => {
    const cfg = { clipNorm: 3, fixedPointScale: 2 ** 16 };
    const capacity = sampleCapacity(cfg);
    assert.equal(capacity, Math.floor((2 ** 31 - 1) / (3 * 65536 + 0.5)));
    // Three nodes sharing the capacity, every delta pointing along +e0 (or −e0) with the full clip norm.
    const shares = [Math.floor(capacity / 3), Math.floor(capacity / 3)];
    shares.push(capacity - shares[0] - shares[1]);
    for (const sign of [1, -1]) {
      const delta = Float64Array.of(sign * 1e9, 0);
      const vectors = shares.map((n) => quantizeUpdate(cfg, { delta, samples: n, maxTotalSamples: capacity }));
      const exact = vectors.reduce((s, v) => s + v[0], 0);
      assert.ok(Math.abs(exact) <= 2 ** 31 - 1);
      assert.equal(sumUpdates(vectors)[0], exact, "no wrap-around");
      assert.ok(Math.abs(fedAvg(sumUpdates(vectors), capacity, cfg.fixedPointScale)[0] - sign * 3) < 1e-9);
    }
    assert.throws(() => assertSumFits(cfg, { totalSamples: capacity + 1 }), FixedPointOverflowError);
    assert.throws(
      () => quantizeUpdate(cfg, { delta: Float64Array.of(1), samples: 10, maxTotalSamples: capacity + 1 }),
      /overflow the int32 update sum/,
    );
  });

  it("the guard is needed: past capacity the plain int32 sum does wrap", () => {
    const cfg = { clipNorm: 3, fixedPointScale: 2 ** 16 };
    const capacity = sampleCapacity(cfg);
    // Build the over-capacity vectors by hand (quantizeUpdate refuses to).
    const perNode = Math.round(((capacity + 3) / 3) * 3 * 65536);
    const vectors = [0, 1, 2].map(() => Int32Array.of(perNode));
    assert.ok(3 * perNode > 2 ** 31 - 1);
    assert.notEqual(sumUpdates(vectors)[0], 3 * perNode);
  });

  it("rejects non-integer or zero samples and maxTotalSamples below the node's own", () => {
    const d = Float64Array.of(0.1);
    assert.throws(() => quantizeUpdate(spec, { delta: d, samples: 0, maxTotalSamples: 10 }), /positive integer/);
    assert.throws(() => quantizeUpdate(spec, { delta: d, samples: 2.5, maxTotalSamples: 10 }), /positive integer/);
    assert.throws(() => quantizeUpdate(spec, { delta: d, samples: 20, maxTotalSamples: 10 }), FixedPointOverflowError);
    assert.throws(() => quantizeUpdate(spec, { delta: Float64Array.of(NaN), samples: 1, maxTotalSamples: 10 }), /NaN/);
  });
});
