// Internal: compact serialization of SEAL ciphertexts.
//
// SEAL stores each RNS coefficient in a 64-bit word although it is below its prime (60 or 40 bits here); its
// zstd mode recovers only part of that (ciphertext words are uniformly random). Bit-packing every word to the
// width of its prime is smaller (−13 % vs zstd at N=8192, [60,40]) at a similar speed. The SEAL bytes around
// the coefficient array (headers, parms_id, scale, the seed of a seeded ciphertext) are kept verbatim,
// so decoding rebuilds SEAL's uncompressed serialization byte for byte and SEAL's own loader validates it.
//
// Blob = u8 codec, then
//   codec 1 (bit-packed): u32 prefix length P | u32 suffix length S | u32 word count W | u32 N | u8 k |
//                         u8 width[k] | prefix[P] | suffix[S] | packed words: one LSB-first bit stream in which
//                         word w takes width[floor(w / N) mod k] bits, zero-padded to a whole byte
//   codec 2 (SEAL):       SEAL's own serialization (any compression mode)
import { FheFormatError } from "./errors.ts";

export const CODEC_BITPACK = 1;
export const CODEC_SEAL = 2;

// SEAL 4.1 Ciphertext::save with compr_mode none: SEALHeader(16) parms_id(32) ntt(1) size(8) N(8) k(8) scale(8)
// correction(8), then the coefficient DynArray: SEALHeader(16) count(8) words(8·count), then (seeded only) the
// random generator info.
const SEAL_MAGIC = 0xa15e;
const OFF_SIZE = 49;
const OFF_N = 57;
const OFF_K = 65;
const OFF_ARRAY = 89;
const OFF_COUNT = 105;
const OFF_WORDS = 113;
const BLOB_FIXED = 18;

/** MASK[w] = low w bits set, as int32 (MASK[32] = -1). */
const MASK: number[] = Array.from({ length: 33 }, (_, i) => (2 ** i - 1) | 0);

// The packer works on u32 views of the byte streams, which is the byte order of the format only on little-endian
// machines (every platform Node ships for but s390x).
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** Layout of a SEAL ciphertext serialized without compression, or undefined if it is not one we can pack. */
function sealLayout(bytes: Uint8Array): { n: number; k: number; count: number } | undefined {
  if (bytes.length < OFF_WORDS) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint16(0, true) !== SEAL_MAGIC || view.getUint8(5) !== 0) return undefined;
  if (Number(view.getBigUint64(8, true)) !== bytes.length) return undefined;
  if (view.getUint16(OFF_ARRAY, true) !== SEAL_MAGIC || view.getUint8(OFF_ARRAY + 5) !== 0) return undefined;
  const size = Number(view.getBigUint64(OFF_SIZE, true));
  const n = Number(view.getBigUint64(OFF_N, true));
  const k = Number(view.getBigUint64(OFF_K, true));
  const count = Number(view.getBigUint64(OFF_COUNT, true));
  // A seeded ciphertext stores only c0 (k·N words), a normal one all `size` polynomials.
  if (count !== size * k * n && count !== k * n) return undefined;
  if (OFF_WORDS + 8 * count > bytes.length || k < 1 || k > 255) return undefined;
  return { n, k, count };
}

/**
 * Packs SEAL's uncompressed ciphertext bytes. `primeBits[j]` is the bit width of prime j of the ciphertext's
 * level. Falls back to storing `fallback()` (SEAL's own zstd bytes) if the layout is not the expected one.
 */
export function packCiphertext(
  sealBytes: Uint8Array,
  primeBits: readonly number[],
  fallback: () => Uint8Array,
): Uint8Array {
  const layout = sealLayout(sealBytes);
  if (!layout || layout.k > primeBits.length || !LITTLE_ENDIAN) return sealBlob(fallback());
  const { n, k, count } = layout;
  const widths = primeBits.slice(0, k);
  const prefix = sealBytes.subarray(0, OFF_WORDS);
  const suffix = sealBytes.subarray(OFF_WORDS + 8 * count);
  let bits = 0;
  for (let j = 0; j < k; j++) bits += widths[j] * n;
  bits *= count / (k * n);
  const packedLength = Math.ceil(bits / 8);
  const headerLength = BLOB_FIXED + k;
  const out = new Uint8Array(headerLength + prefix.length + suffix.length + packedLength);
  const view = new DataView(out.buffer);
  out[0] = CODEC_BITPACK;
  view.setUint32(1, prefix.length, true);
  view.setUint32(5, suffix.length, true);
  view.setUint32(9, count, true);
  view.setUint32(13, n, true);
  out[17] = k;
  widths.forEach((w, j) => (out[BLOB_FIXED + j] = w));
  out.set(prefix, headerLength);
  out.set(suffix, headerLength + prefix.length);

  // Word-aligned copy of the coefficients as (lo, hi) 32-bit halves. The bit stream is built in 32-bit words,
  // LSB first, with int32 arithmetic only (uint32 values would make V8 fall back to doubles, ~4× slower) and the
  // writer state in locals.
  const words = new Int32Array(sealBytes.slice(OFF_WORDS, OFF_WORDS + 8 * count).buffer);
  const packed = new Int32Array(Math.ceil(packedLength / 4) + 1);
  let cur = 0;
  let used = 0;
  let o = 0;
  for (let segment = 0, w = 0; segment < count / n; segment++) {
    const width = widths[segment % k];
    const loWidth = width > 32 ? 32 : width;
    const hiWidth = width > 32 ? width - 32 : 0;
    const loBad = ~MASK[loWidth]; // bits that must be zero for the word to be below 2^width
    const hiBad = ~MASK[hiWidth];
    for (let i = 0; i < n; i++, w++) {
      const lo = words[2 * w];
      const hi = words[2 * w + 1];
      if (((lo & loBad) | (hi & hiBad)) !== 0) return sealBlob(fallback());
      cur |= lo << used;
      used += loWidth;
      if (used >= 32) {
        packed[o++] = cur;
        used -= 32;
        cur = used > 0 ? (lo >>> (loWidth - used)) | 0 : 0;
      }
      if (hiWidth > 0) {
        cur |= hi << used;
        used += hiWidth;
        if (used >= 32) {
          packed[o++] = cur;
          used -= 32;
          cur = used > 0 ? (hi >>> (hiWidth - used)) | 0 : 0;
        }
      }
    }
  }
  if (used > 0) packed[o] = cur;
  out.set(new Uint8Array(packed.buffer, 0, packedLength), headerLength + prefix.length + suffix.length);
  return out;
}

function sealBlob(sealBytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(1 + sealBytes.length);
  out[0] = CODEC_SEAL;
  out.set(sealBytes, 1);
  return out;
}

/** Turns a blob back into bytes SEAL's `loadFromArray` accepts. */
export function unpackCiphertext(blob: Uint8Array, where: string): Uint8Array {
  const bad = (problem: string): never => {
    throw new FheFormatError(`Corrupt ciphertext (${where}): ${problem}.`);
  };
  if (blob.length < 1) bad("empty");
  if (blob[0] === CODEC_SEAL) return blob.subarray(1);
  if (blob[0] !== CODEC_BITPACK) bad(`unknown codec ${blob[0]}`);
  if (!LITTLE_ENDIAN) throw new FheFormatError("Bit-packed ciphertexts can only be read on little-endian machines.");
  if (blob.length < BLOB_FIXED) bad("truncated");
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  const prefixLength = view.getUint32(1, true);
  const suffixLength = view.getUint32(5, true);
  const count = view.getUint32(9, true);
  const n = view.getUint32(13, true);
  const k = blob[17];
  if (prefixLength !== OFF_WORDS || k < 1 || n < 1 || count % (k * n) !== 0) bad("bad layout");
  const headerLength = BLOB_FIXED + k;
  if (blob.length < headerLength) bad("truncated");
  const widths = Array.from(blob.subarray(BLOB_FIXED, headerLength));
  if (widths.some((w) => w < 1 || w > 64)) bad("bad prime widths");
  let bits = 0;
  for (let j = 0; j < k; j++) bits += widths[j] * n;
  bits *= count / (k * n);
  const packedStart = headerLength + prefixLength + suffixLength;
  if (blob.length !== packedStart + Math.ceil(bits / 8)) bad(`length ${blob.length} does not match its layout`);

  const out = new Uint8Array(OFF_WORDS + 8 * count + suffixLength);
  out.set(blob.subarray(headerLength, headerLength + prefixLength), 0);
  out.set(blob.subarray(headerLength + prefixLength, packedStart), OFF_WORDS + 8 * count);
  const packedLength = blob.length - packedStart;
  const input = new Int32Array(Math.ceil(packedLength / 4) + 1);
  new Uint8Array(input.buffer).set(blob.subarray(packedStart));
  const words = new Int32Array(2 * count);
  // Bit reader in int32 arithmetic with its state in locals, as in the packer.
  let idx = 0;
  let bit = 0;
  for (let segment = 0, w = 0; segment < count / n; segment++) {
    const width = widths[segment % k];
    const parts = width > 32 ? 2 : 1;
    for (let i = 0; i < n; i++, w++) {
      for (let part = 0; part < parts; part++) {
        const size = part === 0 ? (width > 32 ? 32 : width) : width - 32;
        const low = input[idx] >>> bit;
        let value: number;
        if (bit + size < 32) {
          value = low & MASK[size];
          bit += size;
        } else if (bit + size === 32) {
          value = low | 0;
          idx++;
          bit = 0;
        } else {
          value = (low | (input[idx + 1] << (32 - bit))) & MASK[size];
          idx++;
          bit = bit + size - 32;
        }
        words[2 * w + part] = value;
      }
    }
  }
  out.set(new Uint8Array(words.buffer), OFF_WORDS);
  return out;
}
