// Internal: the residues inside SEAL's uncompressed serializations (SEAL 4.1 serialization.h, ciphertext.cpp,
// plaintext.cpp, kswitchkeys.cpp, dynarray.h), and element-wise arithmetic on them. Polynomials here are in NTT
// form, so products are element-wise: no NTT of our own. Offsets are checked against SEAL-made objects in
// test/unit/fhe/multiparty.test.ts.
//   SEALHeader: u16 magic 0xA15E | u8 header size 16 | u8 major | u8 minor | u8 compression | u16 reserved | u64 size
//   Ciphertext: SEALHeader | parms_id 4×u64 | u8 is_ntt | u64 size | u64 N | u64 K | f64 scale | u64 correction |
//               DynArray(SEALHeader | u64 count | count × u64), polynomial by polynomial, prime by prime
//   Plaintext (a SecretKey is one): SEALHeader | parms_id | u64 coeff_count | f64 scale | DynArray
//   KSwitchKeys (GaloisKeys): SEALHeader | parms_id | u64 dim1 | dim1 × (u64 dim2 | dim2 × PublicKey)
//   PublicKey: its Ciphertext.
import { FheFormatError } from "../errors.ts";

const SEAL_MAGIC = 0xa15e;
export const CT_NTT_FLAG = 48;
const CT_WORDS = 113;
const PT_WORDS = 88;

/** A view of `count` u64 words of `bytes` at byte `offset` (copied when unaligned). */
export type Words = { offset: number; count: number };

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function checkHeader(bytes: Uint8Array, at: number, what: string): number {
  const v = view(bytes);
  if (at + 16 > bytes.length || v.getUint16(at, true) !== SEAL_MAGIC || bytes[at + 5] !== 0) {
    throw new FheFormatError(`Unexpected SEAL serialization of ${what} (not an uncompressed SEAL object).`);
  }
  return Number(v.getBigUint64(at + 8, true));
}

/** The coefficient words of an uncompressed SEAL Ciphertext/PublicKey starting at byte `at`. */
export function ciphertextWords(bytes: Uint8Array, at = 0, what = "a ciphertext"): Words & { n: number; k: number; size: number; end: number } {
  const total = checkHeader(bytes, at, what);
  const v = view(bytes);
  const size = Number(v.getBigUint64(at + 49, true));
  const n = Number(v.getBigUint64(at + 57, true));
  const k = Number(v.getBigUint64(at + 65, true));
  checkHeader(bytes, at + 89, what);
  const count = Number(v.getBigUint64(at + 105, true));
  if (count !== size * n * k || CT_WORDS + 8 * count > total || at + total > bytes.length) {
    throw new FheFormatError(`Unexpected SEAL layout of ${what} (${count} words for size ${size}, N ${n}, ${k} primes).`);
  }
  return { offset: at + CT_WORDS, count, n, k, size, end: at + total };
}

/** The coefficient words of an uncompressed SEAL Plaintext or SecretKey. */
export function plaintextWords(bytes: Uint8Array, what = "a plaintext"): Words {
  const total = checkHeader(bytes, 0, what);
  const v = view(bytes);
  const coeffs = Number(v.getBigUint64(48, true));
  checkHeader(bytes, 64, what);
  const count = Number(v.getBigUint64(80, true));
  if (count !== coeffs || PT_WORDS + 8 * count !== total || total !== bytes.length) {
    throw new FheFormatError(`Unexpected SEAL layout of ${what}.`);
  }
  return { offset: PT_WORDS, count };
}

/** Every key-switching key (a PublicKey each) of an uncompressed SEAL GaloisKeys, in SEAL's order. */
export function galoisKeyWords(bytes: Uint8Array): (Words & { index: number; part: number })[] {
  const total = checkHeader(bytes, 0, "Galois keys");
  if (total !== bytes.length) throw new FheFormatError("Unexpected SEAL layout of Galois keys (size).");
  const v = view(bytes);
  const dim1 = Number(v.getBigUint64(48, true));
  let at = 56;
  const keys: (Words & { index: number; part: number })[] = [];
  for (let index = 0; index < dim1; index++) {
    const dim2 = Number(v.getBigUint64(at, true));
    at += 8;
    for (let part = 0; part < dim2; part++) {
      const words = ciphertextWords(bytes, at, "a Galois key");
      if (words.size !== 2) throw new FheFormatError("Unexpected SEAL layout of Galois keys (key size).");
      keys.push({ offset: words.offset, count: words.count, index, part });
      at = words.end;
    }
  }
  if (at !== total) throw new FheFormatError("Unexpected SEAL layout of Galois keys (trailing bytes).");
  return keys;
}

/** The words as an aligned BigUint64Array copy. */
export function readWords(bytes: Uint8Array, words: Words, from = 0, count = words.count - from): BigUint64Array {
  const start = bytes.byteOffset + words.offset + 8 * from;
  return new BigUint64Array(bytes.buffer.slice(start, start + 8 * count));
}

/** Writes `values` over the words at `from`. */
export function writeWords(bytes: Uint8Array, words: Words, values: BigUint64Array, from = 0): void {
  bytes.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength), words.offset + 8 * from);
}

/**
 * b = c0 + (a' − a)·s (mod q_j, prime by prime, N residues each): moves a key component (c0, a') of secret s to
 * the common polynomial a. `s` holds at least as many primes as the component.
 */
export function rerandomize(
  c0: BigUint64Array,
  ownA: BigUint64Array,
  commonA: BigUint64Array,
  s: BigUint64Array,
  primes: readonly bigint[],
  n: number,
): BigUint64Array {
  const out = new BigUint64Array(c0.length);
  for (let j = 0; j < primes.length; j++) {
    const q = primes[j];
    for (let i = j * n, end = (j + 1) * n; i < end; i++) {
      out[i] = (c0[i] + ((ownA[i] + q - commonA[i]) % q) * s[i]) % q;
    }
  }
  return out;
}

/** acc += x (mod q_j), prime by prime. */
export function addInto(acc: BigUint64Array, x: BigUint64Array, primes: readonly bigint[], n: number): void {
  for (let j = 0; j < primes.length; j++) {
    const q = primes[j];
    for (let i = j * n, end = (j + 1) * n; i < end; i++) {
      const sum = acc[i] + x[i];
      acc[i] = sum >= q ? sum - q : sum;
    }
  }
}
