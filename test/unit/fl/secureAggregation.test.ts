import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { bytesToHex, keccak256, toHex, type Address, type Hex } from "viem";
import {
  createRng,
  createSaCache,
  decodeReveal,
  encodeReveal,
  maskStream,
  maskUpdate,
  pairSeed,
  parseModelSpec,
  quantizeUpdate,
  revealSeedsFor,
  saKeyPair,
  saPublicKey,
  SecureAggregationError,
  sumUpdates,
  unmaskSum,
  UpdateFormatError,
  type SaMember,
  type SeedReveal,
} from "../../../src/fl/index.ts";
import { baseSpec } from "./helpers.ts";

type Node = { address: Address; secretKey: Hex; publicKey: Hex };

/** n nodes with scrambled addresses (so address order ≠ creation order) and deterministic keys. */
function makeNodes(n: number, salt = 0): Node[] {
  return Array.from({ length: n }, (_, i) => {
    const address = `0x${keccak256(toHex(`node-${salt}-${i}`)).slice(26)}` as Address;
    const keys = saKeyPair(keccak256(toHex(`key-${salt}-${i}`)));
    return { address, ...keys };
  });
}
const membersOf = (nodes: Node[]): SaMember[] => nodes.map((n) => ({ address: n.address, publicKey: n.publicKey }));

function randomVectors(n: number, length: number, seed: number): Int32Array[] {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => Int32Array.from({ length }, () => rng.nextU32() | 0));
}

/** Full protocol in memory: mask, drop some, reveal, unmask. */
function runRound(nodes: Node[], vectors: Int32Array[], droppedIdx: number[], taskId = 9n, round = 4) {
  const members = membersOf(nodes);
  const cache = createSaCache();
  const masked = nodes.map((n, i) => maskUpdate({ taskId, round, self: n, members, vector: vectors[i], cache }));
  const survivors = nodes.map((_, i) => i).filter((i) => !droppedIdx.includes(i));
  const submitted = survivors.map((i) => nodes[i].address);
  const dropped = droppedIdx.map((i) => nodes[i].address);
  const reveals: SeedReveal[] = droppedIdx.length
    ? survivors.flatMap((i) => revealSeedsFor({ taskId, round, self: nodes[i], members, submitted, dropped, cache }))
    : [];
  const sum = unmaskSum({
    maskedUpdates: survivors.map((i) => ({ address: nodes[i].address, vector: masked[i] })),
    members,
    reveals,
    length: vectors[0].length,
  });
  return { sum, plain: sumUpdates(survivors.map((i) => vectors[i])), masked, reveals, members, submitted, dropped };
}

describe("keys and seeds", () => {
  it("saKeyPair is deterministic from a seed, random otherwise, with a bytes32 public key", () => {
    const seed = new Uint8Array(32).fill(3);
    assert.deepEqual(saKeyPair(seed), saKeyPair(bytesToHex(seed)));
    const a = saKeyPair();
    const b = saKeyPair();
    assert.notEqual(a.secretKey, b.secretKey);
    assert.match(a.publicKey, /^0x[0-9a-f]{64}$/);
    assert.equal(saPublicKey(a.secretKey), a.publicKey);
    assert.throws(() => saKeyPair(new Uint8Array(31)), SecureAggregationError);
  });

  it("pair seeds are symmetric and differ per pair, per round and per task", () => {
    const [a, b, c] = makeNodes(3);
    const s = (x: Node, y: Node, taskId = 1n, round = 1) =>
      bytesToHex(pairSeed({ taskId, round, secretKey: x.secretKey, publicKey: y.publicKey }));
    assert.equal(s(a, b), s(b, a));
    assert.equal(s(a, c, 5n, 7), s(c, a, 5n, 7));
    const all = [s(a, b), s(a, c), s(b, c), s(a, b, 1n, 2), s(a, b, 2n, 1), s(a, b, 2n ** 255n, 1)];
    assert.equal(new Set(all).size, all.length);
  });

  it("seeds are per round attempt: a re-run (restartRound) never reuses a seed revealed in an earlier attempt", () => {
    const [a, b, c] = makeNodes(3);
    const s = (attempt?: number) => bytesToHex(pairSeed({ taskId: 4n, round: 2, attempt, secretKey: a.secretKey, publicKey: b.publicKey }));
    assert.equal(s(), s(0));
    assert.equal(new Set([s(0), s(1), s(2)]).size, 3);
    // HKDF info is "2pm-sa/round/<round>/<attempt>": (round 1, attempt 12) and (round 11, attempt 2) differ.
    const t = (round: number, attempt: number) => bytesToHex(pairSeed({ taskId: 4n, round, attempt, secretKey: a.secretKey, publicKey: b.publicKey }));
    assert.notEqual(t(1, 12), t(11, 2));
    assert.throws(() => pairSeed({ taskId: 4n, round: 2, attempt: -1, secretKey: a.secretKey, publicKey: b.publicKey }), /Attempt/);
    // Masks of attempt 1 cancel among the members; seeds revealed in attempt 0 do not unmask attempt 1.
    const members = [a, b, c].map((n) => ({ address: n.address, publicKey: n.publicKey }));
    const x = [a, b, c].map((_, k) => Int32Array.from({ length: 64 }, (_v, t) => (k + 1) * 1000 + t));
    const y = [a, b, c].map((n, k) => maskUpdate({ taskId: 4n, round: 2, attempt: 1, self: { address: n.address, secretKey: n.secretKey }, members, vector: x[k] }));
    assert.deepEqual(unmaskSum({ maskedUpdates: [a, b, c].map((n, k) => ({ address: n.address, vector: y[k] })), members, reveals: [], length: 64 }), sumUpdates(x));
    const y0 = maskUpdate({ taskId: 4n, round: 2, attempt: 0, self: { address: a.address, secretKey: a.secretKey }, members, vector: x[0] });
    assert.notDeepEqual(y0, y[0]);
  });

  it("the cache returns the same seeds as the uncached path", () => {
    const [a, b] = makeNodes(2);
    const cache = createSaCache();
    for (const round of [1, 2, 1]) {
      const p = { taskId: 3n, round, secretKey: a.secretKey, publicKey: b.publicKey };
      assert.deepEqual(pairSeed({ ...p, cache }), pairSeed(p));
    }
    assert.equal(cache.shared.size, 1);
  });

  it("the PRG is the RFC 8439 ChaCha20 keystream read as little-endian uint32", () => {
    // RFC 8439 A.1 test vector #1: all-zero key and nonce, counter 0 → 76 b8 e0 ad a0 f1 3d 90 …
    const stream = maskStream(new Uint8Array(32), 2);
    assert.deepEqual(Array.from(stream), [0xade0b876, 0x903df1a0]);
  });

  it("rejects malformed keys and low-order public keys", () => {
    const [a] = makeNodes(1);
    assert.throws(() => pairSeed({ taskId: 1n, round: 1, secretKey: a.secretKey, publicKey: "0x1234" }), SecureAggregationError);
    assert.throws(
      () => pairSeed({ taskId: 1n, round: 1, secretKey: a.secretKey, publicKey: `0x${"00".repeat(32)}` }),
      /low order/,
    );
    assert.throws(() => pairSeed({ taskId: -1n, round: 1, secretKey: a.secretKey, publicKey: a.publicKey }), /uint256/);
  });
});

describe("masking and unmasking", () => {
  for (let n = 3; n <= 10; n++)
    for (const drops of [0, 1, 2]) {
      if (n - drops < 1) continue;
      it(`masked sum == plain sum bit-exactly for ${n} members, ${drops} dropped`, () => {
        const nodes = makeNodes(n, n);
        const vectors = randomVectors(n, 301, n * 10 + drops);
        const droppedIdx = [1, n - 1].slice(0, drops);
        const { sum, plain, masked } = runRound(nodes, vectors, droppedIdx);
        assert.deepEqual(sum, plain);
        for (let i = 0; i < n; i++) assert.notDeepEqual(masked[i], vectors[i]);
      });
    }

  it("masks from another round or task do not cancel", () => {
    const nodes = makeNodes(4);
    const members = membersOf(nodes);
    const vectors = randomVectors(4, 50, 1);
    const masked = nodes.map((n, i) => maskUpdate({ taskId: 1n, round: i === 0 ? 2 : 1, self: n, members, vector: vectors[i] }));
    const sum = unmaskSum({ maskedUpdates: nodes.map((n, i) => ({ address: n.address, vector: masked[i] })), members, reveals: [], length: 50 });
    assert.notDeepEqual(sum, sumUpdates(vectors));
  });

  it("refuses to mask with a key that is not the registered one, or for a non-member", () => {
    const nodes = makeNodes(3);
    const members = membersOf(nodes);
    const other = saKeyPair(new Uint8Array(32).fill(9));
    const v = new Int32Array(4);
    assert.throws(
      () => maskUpdate({ taskId: 1n, round: 1, self: { address: nodes[0].address, secretKey: other.secretKey }, members, vector: v }),
      /does not match the public key/,
    );
    assert.throws(
      () => maskUpdate({ taskId: 1n, round: 1, self: { address: `0x${"ee".repeat(20)}`, secretKey: other.secretKey }, members, vector: v }),
      /not a member/,
    );
    assert.throws(
      () => maskUpdate({ taskId: 1n, round: 1, self: nodes[0], members: [...members, members[1]], vector: v }),
      /listed twice/,
    );
  });

  it("addresses are compared case-insensitively (checksummed input works)", () => {
    const nodes = makeNodes(3);
    const upper = nodes.map((n) => ({ ...n, address: n.address.toUpperCase().replace("0X", "0x") as Address }));
    const vectors = randomVectors(3, 20, 2);
    const members = membersOf(upper);
    const masked = upper.map((n, i) => maskUpdate({ taskId: 1n, round: 1, self: nodes[i], members, vector: vectors[i] }));
    const sum = unmaskSum({ maskedUpdates: nodes.map((n, i) => ({ address: n.address, vector: masked[i] })), members: membersOf(nodes), reveals: [], length: 20 });
    assert.deepEqual(sum, sumUpdates(vectors));
  });
});

describe("reveals", () => {
  const nodes = makeNodes(5);
  const members = membersOf(nodes);
  const submitted = nodes.slice(0, 4).map((n) => n.address);
  const base = { taskId: 2n, round: 3, members, submitted };

  it("reveal toward a member whose update is on chain throws (any address case)", () => {
    for (const target of [nodes[1].address, nodes[1].address.toUpperCase().replace("0X", "0x") as Address])
      assert.throws(
        () => revealSeedsFor({ ...base, self: nodes[0], dropped: [nodes[4].address, target] }),
        (e: unknown) => e instanceof SecureAggregationError && /Refusing to reveal/.test(e.message),
      );
  });

  it("refuses to reveal toward itself, a non-member, or when self did not submit", () => {
    assert.throws(() => revealSeedsFor({ ...base, submitted: [...submitted.slice(1)], self: nodes[0], dropped: [nodes[0].address] }), /no update on chain/);
    assert.throws(() => revealSeedsFor({ ...base, self: nodes[4], dropped: [nodes[4].address] }), /no update on chain/);
    assert.throws(() => revealSeedsFor({ ...base, self: nodes[0], dropped: [`0x${"ab".repeat(20)}`] }), /not a member/);
  });

  it("reveals the pair seed toward each dropped member", () => {
    const r = revealSeedsFor({ ...base, self: nodes[2], dropped: [nodes[4].address, nodes[4].address] });
    assert.equal(r.length, 1);
    assert.equal(r[0].seed, bytesToHex(pairSeed({ taskId: 2n, round: 3, secretKey: nodes[4].secretKey, publicKey: nodes[2].publicKey })));
  });

  it("unmaskSum refuses missing, conflicting or forbidden reveals", () => {
    const vectors = randomVectors(5, 10, 3);
    const { masked, reveals } = runRound(nodes, vectors, [4], 2n, 3);
    const maskedUpdates = nodes.slice(0, 4).map((n, i) => ({ address: n.address, vector: masked[i] }));
    const call = (rs: SeedReveal[]) => unmaskSum({ maskedUpdates, members, reveals: rs, length: 10 });
    assert.throws(() => call(reveals.slice(1)), /missing/);
    assert.throws(() => call([...reveals, { ...reveals[0], seed: `0x${"00".repeat(32)}` }]), /two different seeds/);
    assert.throws(() => call([...reveals, { from: nodes[0].address, to: nodes[1].address, seed: reveals[0].seed }]), /whose update is in the sum/);
    assert.throws(() => call([...reveals, { from: nodes[4].address, to: nodes[0].address, seed: reveals[0].seed }]), /not in the sum/);
    assert.throws(
      () => unmaskSum({ maskedUpdates: [...maskedUpdates, { address: `0x${"ab".repeat(20)}`, vector: new Int32Array(10) }], members, reveals, length: 10 }),
      /not a task member/,
    );
    assert.throws(() => unmaskSum({ maskedUpdates: [maskedUpdates[0], maskedUpdates[0]], members, reveals, length: 10 }), /Two updates/);
    // A wrong (but well-formed) seed silently yields a wrong sum: aggregateRound's range check is what catches it.
    const wrong = reveals.map((r, i) => (i === 0 ? { ...r, seed: `0x${"11".repeat(32)}` as Hex } : r));
    assert.notDeepEqual(call(wrong), sumUpdates(vectors.slice(0, 4)));
  });

  it("reveal files roundtrip and are validated", () => {
    const reveals = revealSeedsFor({ ...base, self: nodes[0], dropped: [nodes[4].address] });
    const bytes = encodeReveal({ taskId: 2n, round: 3, from: nodes[0].address, reveals });
    assert.deepEqual(decodeReveal(bytes), { taskId: 2n, round: 3, from: nodes[0].address, reveals });
    const json = JSON.parse(new TextDecoder().decode(bytes));
    assert.equal(json.format, "2pm-reveal/1");
    const enc = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));
    assert.throws(() => decodeReveal(enc({ ...json, seeds: [...json.seeds, ...json.seeds] })), /twice/);
    assert.throws(() => decodeReveal(enc({ ...json, seeds: [{ to: json.from, seed: json.seeds[0].seed }] })), /toward itself/);
    assert.throws(() => decodeReveal(enc({ ...json, format: "x" })), UpdateFormatError);
    assert.throws(() => decodeReveal(enc({ ...json, seeds: [{ to: nodes[4].address, seed: "0x12" }] })), UpdateFormatError);
    assert.throws(() => decodeReveal(new TextEncoder().encode("{")), /not valid JSON/);
    assert.throws(() => encodeReveal({ taskId: 2n, round: 3, from: nodes[1].address, reveals }), /cannot carry/);
  });
});

describe("adversarial: one masked update reveals nothing about the true one", () => {
  const n = 10;
  const length = 10_000;
  const spec = parseModelSpec(baseSpec);
  const nodes = makeNodes(n, 77);
  const rng = createRng(123);
  // Realistic true updates: quantized, sample-weighted model deltas (values in the tens of thousands).
  const vectors = nodes.map(() =>
    quantizeUpdate(spec, { delta: Float64Array.from({ length }, () => 0.01 * rng.normal()), samples: 100, maxTotalSamples: 1000 }),
  );
  const { masked, reveals, members } = runRound(nodes, vectors, [3, 8], 5n, 2);
  const target = 0; // a survivor

  const correlation = (a: Int32Array, b: Int32Array) => {
    let ma = 0, mb = 0;
    for (let k = 0; k < a.length; k++) { ma += a[k] / a.length; mb += b[k] / b.length; }
    let sab = 0, saa = 0, sbb = 0;
    for (let k = 0; k < a.length; k++) {
      sab += (a[k] - ma) * (b[k] - mb);
      saa += (a[k] - ma) ** 2;
      sbb += (b[k] - mb) ** 2;
    }
    return sab / Math.sqrt(saa * sbb);
  };
  const chiSquare = (counts: number[]) => {
    const total = counts.reduce((s, c) => s + c, 0);
    const e = total / counts.length;
    return counts.reduce((s, c) => s + (c - e) ** 2 / e, 0);
  };

  it("the test statistic can detect leakage (control: x plus small noise correlates)", () => {
    const noisy = vectors[target].map((v, k) => v + ((k * 7919) % 1000));
    assert.ok(correlation(noisy, vectors[target]) > 0.9);
  });

  it("correlation(masked, true) ≈ 0 for 10k parameters", () => {
    const r = correlation(masked[target], vectors[target]);
    assert.ok(Math.abs(r) < 0.05, `r = ${r}`);
  });

  it("even after removing every revealed mask (toward the dropped members) it stays uncorrelated", () => {
    const y = Int32Array.from(masked[target]);
    const me = nodes[target].address.toLowerCase();
    for (const rev of reveals.filter((x) => x.from === me)) {
      const mask = maskStream(Buffer.from(rev.seed.slice(2), "hex"), length);
      const sign = rev.to > me ? -1 : 1;
      for (let k = 0; k < length; k++) y[k] = (y[k] + sign * mask[k]) | 0;
    }
    assert.ok(Math.abs(correlation(y, vectors[target])) < 0.05);
    assert.notDeepEqual(y, vectors[target]);
  });

  it("the masked vector looks uniform (top-4-bit and byte histograms pass chi-square at p = 0.001)", () => {
    const y = new Uint32Array(masked[target].buffer);
    const top = new Array(16).fill(0);
    for (const v of y) top[v >>> 28]++;
    assert.ok(chiSquare(top) < 37.7, `chi² top bits = ${chiSquare(top)}`);
    const bytes = new Array(256).fill(0);
    for (const b of new Uint8Array(masked[target].buffer)) bytes[b]++;
    assert.ok(chiSquare(bytes) < 330.5, `chi² bytes = ${chiSquare(bytes)}`);
    // Control: the true vector is far from uniform.
    const trueTop = new Array(16).fill(0);
    for (const v of new Uint32Array(vectors[target].buffer)) trueTop[v >>> 28]++;
    assert.ok(chiSquare(trueTop) > 1000);
  });

  it("the survivors' masked updates still sum to the true sum", () => {
    const survivors = nodes.map((_, i) => i).filter((i) => i !== 3 && i !== 8);
    const sum = unmaskSum({ maskedUpdates: survivors.map((i) => ({ address: nodes[i].address, vector: masked[i] })), members, reveals, length });
    assert.deepEqual(sum, sumUpdates(survivors.map((i) => vectors[i])));
  });
});
