/**
 * A small seeded PRNG (xoshiro128**, state filled by splitmix32) for model initialization and data shuffling.
 * Not cryptographic — the secure-aggregation masks use ChaCha20. Same seed and streams → same sequence everywhere.
 */
export type Rng = {
  /** Next uniform uint32. */
  nextU32(): number;
  /** Next uniform double in [0, 1) with 53 random bits. */
  next(): number;
  /** Next standard normal (Box–Muller). */
  normal(): number;
  /** Next uniform integer in [0, n) (n <= 2^32), without modulo bias. */
  int(n: number): number;
};

/** splitmix32 step: a good 32-bit mixer for seeding and for combining seeds. */
function splitmix32(x: number): number {
  let z = (x + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/**
 * Mixes a seed with stream identifiers (round, node index, purpose tag) into one uint32 seed.
 *
 * @example
 * mixSeed(spec.seed, round, 2) // the shuffle seed of node 2 in this round
 */
export function mixSeed(seed: number, ...streams: number[]): number {
  let h = splitmix32(seed >>> 0);
  for (const s of streams) h = splitmix32((h ^ splitmix32(s >>> 0)) >>> 0);
  return h;
}

/**
 * Creates a deterministic PRNG from a uint32 seed and optional stream identifiers.
 *
 * @example
 * const rng = createRng(42); rng.normal()
 */
export function createRng(seed: number, ...streams: number[]): Rng {
  let x = mixSeed(seed, ...streams);
  const s = new Uint32Array(4);
  for (let i = 0; i < 4; i++) {
    x = splitmix32(x);
    s[i] = x;
  }
  if ((s[0] | s[1] | s[2] | s[3]) === 0) s[0] = 1; // the all-zero state is a fixed point

  const nextU32 = (): number => {
    const result = Math.imul(rotl(Math.imul(s[1], 5), 7), 9) >>> 0;
    const t = s[1] << 9;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  };
  const next = (): number => ((nextU32() >>> 5) * 67108864 + (nextU32() >>> 6)) / 9007199254740992;
  let spare: number | undefined;
  const normal = (): number => {
    if (spare !== undefined) {
      const v = spare;
      spare = undefined;
      return v;
    }
    let u = 0;
    while (u === 0) u = next();
    const v = next();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
  const int = (n: number): number => {
    // Rejection sampling: draw from the largest multiple of n below 2^32.
    const limit = 4294967296 - (4294967296 % n);
    let v = nextU32();
    while (v >= limit) v = nextU32();
    return v % n;
  };
  return { nextU32, next, normal, int };
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/**
 * A seeded Fisher–Yates permutation of 0..n−1.
 *
 * @example
 * const order = permutation(100, createRng(7))
 */
export function permutation(n: number, rng: Rng): Uint32Array {
  const p = new Uint32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = p[i];
    p[i] = p[j];
    p[j] = t;
  }
  return p;
}
