// A contributor's side: its statistics vector, checked against the layout's bounds, encrypted under a public key
// (an owner's or a committee's). Nothing here needs or accepts a secret key.
import type { Hex } from "viem";
import { buildContainer } from "../container.ts";
import { assertUsable } from "../createFheContext.ts";
import type { FheContext } from "../createFheContext.ts";
import { packCiphertext } from "../ciphertextCodec.ts";
import { FheError, FheKeyMismatchError } from "../errors.ts";
import { computeKeyId } from "../generateKeys.ts";
import { plainBytes, sealTry, withScope } from "../seal.ts";
import { parseStatisticsLayout, statisticBounds, statisticOutOfBounds } from "../../ml/statisticsLayout.ts";
import type { StatisticsLayout } from "../../ml/statisticsLayout.ts";
import { STATISTICS_FORMAT, STATISTICS_PRIMES, statisticsScaleBits } from "./header.ts";
import type { StatisticsHeader } from "./header.ts";

export type EncryptStatisticsParameters = {
  /** The flat vector from `localStatistics(table, layout)`. */
  statistics: Float64Array;
  layout: StatisticsLayout;
  /**
   * The public key and its id: an owner's `FheKeys` / `EvaluationKeys`, or a committee's
   * `readCommitteeKeys(ctx, file).evaluationKeys`. Only `publicKey` is used.
   */
  keys: { keyId: Hex; publicKey: Uint8Array };
  /** Who contributes (the id the call counts toward its minimum of distinct contributors, e.g. an address). */
  contributor: string;
};

/**
 * Encrypts one contribution's statistics into an encrypted statistics file ("2PMFHET\0"): entry i is encoded as
 * v_i / bound_i ∈ [−1, 1] (statisticBounds) at scale 2^statisticsScaleBits, public-key encrypted at 2 primes.
 * Refuses, before encrypting, any entry beyond its bound (or not finite). D = 4…20 features fit one ciphertext
 * (4,096 slots): ~200 KB.
 *
 * @example
 * const stats = localStatistics({ features, labels }, layout);
 * const upload = encryptStatistics(ctx, { statistics: stats, layout, keys: committee.evaluationKeys, contributor: address });
 */
export function encryptStatistics(ctx: FheContext, params: EncryptStatisticsParameters): Uint8Array {
  assertUsable(ctx);
  const layout = parseStatisticsLayout(params.layout);
  const { statistics, keys, contributor } = params;
  if (!(statistics instanceof Float64Array)) throw new FheError("Cannot encrypt: statistics must be a Float64Array.");
  const problem = statisticOutOfBounds(layout, statistics);
  if (problem) {
    throw new FheError(`Cannot encrypt these statistics: ${problem}; they do not fit the task's layout.`);
  }
  if (typeof contributor !== "string" || contributor.length === 0 || contributor.length > 200) {
    throw new FheError("Cannot encrypt: give the contributor's id (1 to 200 characters).");
  }
  if (!keys?.publicKey || computeKeyId(keys.publicKey) !== keys.keyId) {
    throw new FheKeyMismatchError(`The public key given does not belong to key ${keys?.keyId}.`);
  }
  const bounds = statisticBounds(layout);
  const slots = ctx.slots;
  const primes = Math.min(STATISTICS_PRIMES, ctx.primeBits.length);
  const scaleBits = statisticsScaleBits(ctx);
  const ciphertexts = Math.ceil(statistics.length / slots);
  const blobs = withScope((scope) => {
    const { seal, encoder, evaluator } = ctx;
    const encryptor = sealTry(
      "Loading the public key",
      () => {
        const publicKey = scope.add(new seal.PublicKey());
        publicKey.loadFromArray(ctx.context, plainBytes(keys.publicKey));
        return scope.add(new seal.Encryptor(ctx.context, publicKey));
      },
      "it does not match the CKKS parameters",
    );
    return Array.from({ length: ciphertexts }, (_, c) =>
      sealTry(`Encrypting statistics ciphertext ${c}`, () => {
        const values = new Float64Array(slots);
        for (let s = 0; s < slots && c * slots + s < statistics.length; s++) {
          values[s] = statistics[c * slots + s] / bounds[c * slots + s];
        }
        const plain = scope.add(new seal.Plaintext());
        encoder.encode(values, 2 ** scaleBits, plain);
        if (primes < ctx.primeBits.length) evaluator.plainModSwitchToInplace(plain, ctx.parmsIdFor(primes));
        const ct = scope.add(new seal.Ciphertext());
        encryptor.encrypt(plain, ct);
        const packed = packCiphertext(
          ct.saveToArray(seal.ComprModeType.none) as Uint8Array,
          ctx.primeBits.slice(0, primes),
          () => ct.saveToArray(seal.ComprModeType.zstd) as Uint8Array,
        );
        scope.free(ct);
        scope.free(plain);
        return packed;
      }),
    );
  });
  const header: StatisticsHeader = {
    kind: "sufficient-statistics",
    format: STATISTICS_FORMAT,
    scheme: "ckks",
    params: { ...ctx.params, coeffModulusBits: [...ctx.params.coeffModulusBits] },
    keyId: keys.keyId,
    layout,
    entries: statistics.length,
    slotsPerCiphertext: slots,
    ciphertexts,
    primes,
    scaleBits,
    contributors: [contributor],
  };
  return buildContainer("statistics", header, blobs);
}
