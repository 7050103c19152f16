// Pure (no Node built-ins): also runs in a browser, e.g. in the storage gateway client.
import type { Hex } from "viem";
import { StorageError } from "./errors.ts";
import { keccakF1600 } from "./keccakF1600.ts";

/** 0G storage chunk size in bytes: the leaves of a segment tree. */
export const CHUNK_SIZE = 256;
/** Chunks per 0G storage segment. */
export const SEGMENT_MAX_CHUNKS = 1024;
/** 0G storage segment size in bytes (256 KiB): the leaves of the file tree. */
export const SEGMENT_SIZE = CHUNK_SIZE * SEGMENT_MAX_CHUNKS;

export type MerkleRootOptions = {
  /** Called after each 256 KiB segment with (bytes hashed, total bytes). */
  onProgress?: (done: number, total: number) => void;
};

// Hashes are kept as 8 int32 words in Keccak lane order (little-endian), so tree nodes feed the permutation
// directly without byte conversions. One shared sponge state: the hashing below never yields.
const state = new Int32Array(50);
const tailChunk = new Uint8Array(CHUNK_SIZE);
/** 32-bit words per hash. */
export const NODE_WORDS = 8;

function word(d: Uint8Array, i: number): number {
  return d[i] | (d[i + 1] << 8) | (d[i + 2] << 16) | (d[i + 3] << 24);
}

/** keccak256 of the 256-byte chunk d[o, o+256) into out[oo, oo+8). Rate is 136 bytes: two permutations. */
function hashChunk(d: Uint8Array, o: number, out: Int32Array, oo: number): void {
  const s = state;
  for (let w = 0; w < 34; w++) s[w] = word(d, o + 4 * w);
  s.fill(0, 34);
  keccakF1600(s);
  for (let w = 0; w < 30; w++) s[w] ^= word(d, o + 136 + 4 * w);
  s[30] ^= 0x01; // keccak padding: 0x01 after the 120 remaining bytes, 0x80 in the last byte of the block
  s[33] ^= 0x80000000;
  keccakF1600(s);
  for (let w = 0; w < NODE_WORDS; w++) out[oo + w] = s[w];
}

/** keccak256(left ‖ right) of the two nodes at w[src, src+16) into w[dst, dst+8). One permutation. */
function hashPair(w: Int32Array, src: number, dst: number): void {
  const s = state;
  for (let i = 0; i < 16; i++) s[i] = w[src + i];
  s.fill(0, 16);
  s[16] = 0x01;
  s[33] = 0x80000000 | 0;
  keccakF1600(s);
  for (let i = 0; i < NODE_WORDS; i++) w[dst + i] = s[i];
}

/**
 * Reduces `n` leaves stored at w[0, 8n) to their root at w[0, 8), in place. Like the SDK's MerkleTree.build:
 * pairs are hashed left to right and an odd last node is promoted unchanged to the next level.
 */
export function reduceTree(w: Int32Array, n: number): void {
  while (n > 1) {
    const half = n >>> 1;
    for (let i = 0; i < half; i++) hashPair(w, 16 * i, 8 * i);
    if (n & 1) w.copyWithin(8 * half, 8 * (n - 1), 8 * n);
    n = half + (n & 1);
  }
}

const EMPTY_CHUNK_HASH = new Int32Array(NODE_WORDS);
hashChunk(new Uint8Array(CHUNK_SIZE), 0, EMPTY_CHUNK_HASH, 0);

/** The SDK's flow padding: the chunk count is rounded up to a multiple of nextPow2(chunks)/16 (at least 1). */
function paddedChunks(chunks: number): number {
  let pow2 = 1;
  while (pow2 < chunks) pow2 *= 2;
  if (pow2 === chunks) return chunks;
  const unit = pow2 >= 16 ? pow2 / 16 : 1;
  return Math.ceil(chunks / unit) * unit;
}

/** Number of segments and chunks (with flow padding) of a file of `size` bytes. */
export function layout(size: number): { segments: number; chunks: number } {
  if (!Number.isSafeInteger(size) || size <= 0) {
    throw new StorageError(
      "cannot compute a 0G Merkle root of empty data: 0G storage has no root for 0 bytes; store at least one byte",
    );
  }
  const chunks = paddedChunks(Math.ceil(size / CHUNK_SIZE));
  return { segments: Math.ceil(chunks / SEGMENT_MAX_CHUNKS), chunks };
}

/**
 * Root of one segment into roots[8·index]: `available` data bytes at d[o…], then zero padding up to `chunks`
 * chunks (the last data chunk is zero-filled to 256 bytes, padding chunks hash as the empty chunk).
 */
export function segmentRoot(
  d: Uint8Array,
  o: number,
  available: number,
  chunks: number,
  leaves: Int32Array,
  roots: Int32Array,
  index: number,
): void {
  const full = Math.min(chunks, Math.floor(available / CHUNK_SIZE));
  for (let k = 0; k < full; k++) hashChunk(d, o + k * CHUNK_SIZE, leaves, k * NODE_WORDS);
  let k = full;
  const rest = available - full * CHUNK_SIZE;
  if (k < chunks && rest > 0) {
    tailChunk.fill(0);
    tailChunk.set(d.subarray(o + full * CHUNK_SIZE, o + available));
    hashChunk(tailChunk, 0, leaves, k * NODE_WORDS);
    k++;
  }
  for (; k < chunks; k++) leaves.set(EMPTY_CHUNK_HASH, k * NODE_WORDS);
  reduceTree(leaves, chunks);
  roots.set(leaves.subarray(0, NODE_WORDS), index * NODE_WORDS);
}

export function toHex(w: Int32Array): Hex {
  let hex = "0x";
  for (let i = 0; i < NODE_WORDS; i++) {
    const v = w[i];
    for (let b = 0; b < 32; b += 8) hex += ((v >>> b) & 0xff).toString(16).padStart(2, "0");
  }
  return hex as Hex;
}

/**
 * The 0G storage Merkle root of `bytes`, equal to `@0glabs/0g-ts-sdk`'s `new MemData(bytes).merkleTree()` root:
 * keccak256 over 256-byte chunks, segment trees of 1024 chunks, a tree over the segment roots, SDK flow padding
 * with zero chunks. Throws a StorageError for empty input (the SDK has no root for it either).
 *
 * @example
 * merkleRoot(new TextEncoder().encode("hello")) // '0x…' (32-byte Hex)
 */
export function merkleRoot(bytes: Uint8Array, options: MerkleRootOptions = {}): Hex {
  const { segments, chunks } = layout(bytes.length);
  const leaves = new Int32Array(SEGMENT_MAX_CHUNKS * NODE_WORDS);
  const roots = new Int32Array(segments * NODE_WORDS);
  for (let s = 0; s < segments; s++) {
    const start = s * SEGMENT_SIZE;
    const available = Math.max(0, Math.min(SEGMENT_SIZE, bytes.length - start));
    const segChunks = Math.min(SEGMENT_MAX_CHUNKS, chunks - s * SEGMENT_MAX_CHUNKS);
    segmentRoot(bytes, start, available, segChunks, leaves, roots, s);
    options.onProgress?.(Math.min(bytes.length, start + SEGMENT_SIZE), bytes.length);
  }
  reduceTree(roots, segments);
  return toHex(roots);
}
