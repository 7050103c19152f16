import type { Hex } from "viem";
import { buildContainer } from "./container.ts";
import { assertUsable } from "./createFheContext.ts";
import type { FheContext } from "./createFheContext.ts";
import { packCiphertext } from "./ciphertextCodec.ts";
import { FheError, FheKeyMismatchError } from "./errors.ts";
import { slotCells } from "./fhedHeader.ts";
import type { FhedHeader } from "./fhedHeader.ts";
import { computeKeyId } from "./generateKeys.ts";
import { productLimit, valueLimit } from "./headroom.ts";
import { makeYielder, plainBytes, sealTry, withScope } from "./seal.ts";
import type { Matrix } from "../data/matrix.ts";
import type { OnProgress } from "./types.ts";

export type EncryptTableParameters = {
  /** Row-major feature matrix (normally standardized). */
  features: Matrix;
  /** One name per matrix column. */
  columns: readonly string[];
  /**
   * keyId plus the secret key (preferred: seeded symmetric encryption, half the size) and/or the public key.
   * A `FheKeys` object fits.
   */
  keys: { keyId: Hex; secretKey?: Uint8Array; publicKey?: Uint8Array };
  /** keccak256 of the canonical schema JSON. */
  schemaHash: Hex;
  /** Fitted standardization stats, stored as-is (public) in the header. */
  standardization?: unknown;
  /** Default: "symmetric" when a secret key is given, else "public". */
  encryption?: "symmetric" | "public";
  /**
   * "compact" stores 2 primes per ciphertext (one multiplication left: enough for variances and linear scores;
   * ~3.1× the raw float64 size), "full" all data primes; "auto" (default) picks compact when the values fit its
   * headroom.
   */
  level?: "auto" | "compact" | "full";
  /**
   * Pack several columns into one ciphertext when the table has at most slots / 2 rows (default true): a
   * ciphertext is ~100 KB whatever it holds, so a small table otherwise pays one per column.
   */
  packColumns?: boolean;
};

const HEX32 = /^0x[0-9a-f]{64}$/;

/** Validates the inputs and decides the header (level, grouping) from the plaintext values. */
export function planEncryption(ctx: FheContext, params: EncryptTableParameters): FhedHeader {
  assertUsable(ctx);
  const { features, columns, keys, schemaHash } = params;
  const { rows, cols, data } = features ?? ({} as Matrix);
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 1 || cols < 1 || !(data instanceof Float64Array)) {
    throw new FheError("Cannot encrypt: features must be a non-empty Matrix { rows, cols, data: Float64Array }.");
  }
  if (data.length !== rows * cols) {
    throw new FheError(
      `Cannot encrypt: the matrix data has ${data.length} values, expected rows × cols = ${rows * cols}.`,
    );
  }
  if (!Array.isArray(columns) || columns.length !== cols || columns.some((c) => typeof c !== "string")) {
    throw new FheError(`Cannot encrypt: give one column name per matrix column (${cols}), got ${columns?.length}.`);
  }
  if (new Set(columns).size !== cols) throw new FheError("Cannot encrypt: column names must be unique.");
  if (!HEX32.test(schemaHash))
    throw new FheError(`Cannot encrypt: schemaHash "${schemaHash}" is not a 32-byte 0x hex string.`);
  if (!HEX32.test(keys?.keyId)) throw new FheError("Cannot encrypt: keys.keyId is not a 32-byte 0x hex string.");
  const encryption = params.encryption ?? (keys.secretKey ? "symmetric" : "public");
  if (encryption === "symmetric" && !keys.secretKey) {
    throw new FheError(
      'Cannot encrypt symmetrically without the secret key; pass keys.secretKey or encryption: "public".',
    );
  }
  if (encryption === "public" && !keys.publicKey) {
    throw new FheError("Cannot encrypt with the public key: keys.publicKey is missing.");
  }
  // Only the key that encrypts matters; hashing a public key costs ~40 ms, so skip it when it is not used.
  if (encryption === "public" && computeKeyId(keys.publicKey!) !== keys.keyId) {
    throw new FheKeyMismatchError(`The public key given does not belong to key ${keys.keyId}.`);
  }

  const slots = ctx.slots;
  const blocks = Math.ceil(rows / slots);
  // Per column and block: Σx² (what the compute node's squared sums reach) and the largest |x|.
  const energy = new Float64Array(cols * blocks);
  let maxAbs = 0;
  for (let r = 0; r < rows; r++) {
    const block = Math.floor(r / slots);
    for (let c = 0; c < cols; c++) {
      const x = data[r * cols + c];
      if (!Number.isFinite(x)) {
        throw new FheError(
          `Cannot encrypt: value at row ${r}, column "${columns[c]}" is ${x}; impute or drop missing values first.`,
        );
      }
      energy[c * blocks + block] += x * x;
      if (Math.abs(x) > maxAbs) maxAbs = Math.abs(x);
    }
  }
  const dataPrimes = ctx.primeBits.length;
  const candidates = { compact: Math.min(2, dataPrimes), full: dataPrimes };
  const fit = (primes: number): number | undefined => {
    if (maxAbs > valueLimit(ctx, primes)) return undefined;
    if (primes < 2) return 1;
    return largestGroup(energy, cols, blocks, productLimit(ctx, primes));
  };
  const level = params.level ?? "auto";
  let chosen: "compact" | "full" | undefined;
  let group: number | undefined;
  for (const name of level === "auto" ? (["compact", "full"] as const) : [level]) {
    if (name !== "compact" && name !== "full")
      throw new FheError(`Unknown level "${String(name)}": use auto, compact or full.`);
    group = fit(candidates[name]);
    if (group !== undefined) {
      chosen = name;
      break;
    }
  }
  if (!chosen || group === undefined) {
    const hint = level === "compact" ? ' or pass level: "full"' : "";
    throw new FheError(
      `Values too large for ${level === "auto" ? "CKKS" : `${level} ciphertexts`} at scale 2^${Math.log2(ctx.params.scale)} (largest |x| = ${maxAbs}); standardize the data first${hint}.`,
    );
  }
  // Small tables: columns side by side in blocks of a power of two >= rows, keeping one block empty (see FhedHeader).
  const blockSlots = 2 ** Math.ceil(Math.log2(rows));
  const perCiphertext = Math.min(cols, slots / blockSlots - 1);
  const packed = (params.packColumns ?? true) && blocks === 1 && perCiphertext >= 2;
  return {
    kind: "data",
    scheme: "ckks",
    params: { ...ctx.params, coeffModulusBits: [...ctx.params.coeffModulusBits] },
    keyId: keys.keyId,
    schemaHash,
    columns: [...columns],
    rows,
    standardization: params.standardization ?? null,
    slotsPerCiphertext: slots,
    ciphertextsPerColumn: blocks,
    ciphertexts: packed ? Math.ceil(cols / perCiphertext) : cols * blocks,
    encryption,
    level: chosen,
    ciphertextPrimes: candidates[chosen],
    sumOfSquaresGroup: group,
    ...(packed ? { columnsPerCiphertext: perCiphertext, blockSlots } : {}),
  };
}

/** Largest number of consecutive blocks whose Σx² stays under `limit` in every group and column. */
function largestGroup(energy: Float64Array, cols: number, blocks: number, limit: number): number | undefined {
  for (let group = blocks; group >= 1; group--) {
    let ok = true;
    for (let c = 0; ok && c < cols; c++) {
      for (let start = 0; ok && start < blocks; start += group) {
        let sum = 0;
        for (let b = start; b < Math.min(blocks, start + group); b++) sum += energy[c * blocks + b];
        if (sum > limit) ok = false;
      }
    }
    if (ok) return group;
  }
  return undefined;
}

/** Encrypts ciphertext by ciphertext in the header's layout (`slotCells`; padding zero), yielding each blob. */
export function* encryptBlobs(
  ctx: FheContext,
  header: FhedHeader,
  params: EncryptTableParameters,
): Generator<Uint8Array, void, undefined> {
  const { seal, encoder, evaluator } = ctx;
  const { data } = params.features;
  const slots = ctx.slots;
  const primes = header.ciphertextPrimes;
  const needsSwitch = primes < ctx.primeBits.length;
  const target = needsSwitch ? ctx.parmsIdFor(primes) : undefined;
  const primeBits = ctx.primeBits.slice(0, primes);
  const symmetric = header.encryption === "symmetric";
  const keys = params.keys;
  const encryptor = withScope((scope) =>
    sealTry(
      "Loading the encryption key",
      () => {
        if (symmetric) {
          const secret = scope.add(new seal.SecretKey());
          secret.loadFromArray(ctx.context, plainBytes(keys.secretKey!));
          // node-seal's Encryptor constructor insists on a public key even for symmetric encryption; derive one.
          const publicKey = scope.add(scope.add(new seal.KeyGenerator(ctx.context, secret)).createPublicKey());
          return new seal.Encryptor(ctx.context, publicKey, secret);
        }
        const publicKey = scope.add(new seal.PublicKey());
        publicKey.loadFromArray(ctx.context, plainBytes(keys.publicKey!));
        return new seal.Encryptor(ctx.context, publicKey);
      },
      "the key does not match the CKKS parameters",
    ),
  );
  const values = new Float64Array(slots);
  try {
    for (let i = 0; i < header.ciphertexts; i++) {
      slotCells(header, i).forEach((cell, s) => (values[s] = cell < 0 ? 0 : data[cell]));
      yield withScope((scope) =>
        sealTry("Encrypting a ciphertext", () => {
          const plain = scope.add(new seal.Plaintext());
          encoder.encode(values, ctx.params.scale, plain);
          if (target) evaluator.plainModSwitchToInplace(plain, target);
          const ct = scope.add(
            symmetric ? encryptor.encryptSymmetricSerializable(plain) : encryptor.encryptSerializable(plain),
          );
          return packCiphertext(
            ct.saveToArray(seal.ComprModeType.none) as Uint8Array,
            primeBits,
            () => ct.saveToArray(seal.ComprModeType.zstd) as Uint8Array,
          );
        }),
      );
    }
  } finally {
    encryptor.delete();
  }
}

/**
 * Encrypts a table into `.fhed` bytes (header + column-major CKKS ciphertexts). With a secret key it uses SEAL's
 * seeded symmetric encryption, which stores half of each ciphertext.
 *
 * @example
 * const keys = generateKeys(ctx);
 * const fhed = await encryptTable(ctx, { features, columns, keys, schemaHash, standardization });
 */
export async function encryptTable(
  ctx: FheContext,
  params: EncryptTableParameters,
  onProgress?: OnProgress,
): Promise<Uint8Array> {
  const header = planEncryption(ctx, params);
  const blobs: Uint8Array[] = [];
  const pause = makeYielder();
  for (const blob of encryptBlobs(ctx, header, params)) {
    blobs.push(blob);
    onProgress?.(blobs.length, header.ciphertexts);
    await pause();
  }
  return buildContainer("data", header, blobs);
}
