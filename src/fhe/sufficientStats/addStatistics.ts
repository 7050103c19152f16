// The compute node's operation: adds encrypted statistics files. Needs no key at all (CKKS addition is
// key-free); nothing in this file can decrypt.
import { buildContainer } from "../container.ts";
import { packCiphertext } from "../ciphertextCodec.ts";
import { assertUsable } from "../createFheContext.ts";
import type { FheContext } from "../createFheContext.ts";
import { assertParams, loadCiphertext } from "../checks.ts";
import { FheError, FheKeyMismatchError } from "../errors.ts";
import { plainBytes, sealTry, withScope } from "../seal.ts";
import { MAX_CONTRIBUTIONS, openStatistics } from "./header.ts";
import type { StatisticsHeader } from "./header.ts";

const canonical = (value: unknown): string => JSON.stringify(value, Object.keys(value as object).sort());

/**
 * Adds encrypted statistics files (single contributions or earlier sums) into one file whose contributors are all
 * of theirs. Refuses files under another key, of another layout, parameters, level or scale, and any contributor
 * counted twice (a sum must not count one contribution twice toward the call's minimum). The output is
 * deterministic for the same inputs.
 *
 * @example
 * const pooled = addStatistics(ctx, [aliceUpload, bobUpload, carolUpload]); // header.contributors: 3 ids
 */
export function addStatistics(ctx: FheContext, files: readonly Uint8Array[]): Uint8Array {
  assertUsable(ctx);
  if (files.length === 0) throw new FheError("Nothing to add: give at least one encrypted statistics file.");
  const opened = files.map((bytes) => openStatistics(plainBytes(bytes)));
  const first = opened[0].header;
  assertParams("statistics file", first.params, ctx);
  const contributors: string[] = [];
  for (const [f, { header }] of opened.entries()) {
    if (header.keyId !== first.keyId) {
      throw new FheKeyMismatchError(
        `Statistics file ${f} is encrypted under key ${header.keyId}, file 0 under ${first.keyId}; only files under one key add up.`,
      );
    }
    if (canonical(header.layout) !== canonical(first.layout) || header.entries !== first.entries) {
      throw new FheError(
        `Statistics file ${f} has another layout (${JSON.stringify(header.layout)}) than file 0 (${JSON.stringify(first.layout)}); ` +
          "only contributions to the same task add up.",
      );
    }
    if (
      header.primes !== first.primes ||
      header.scaleBits !== first.scaleBits ||
      header.slotsPerCiphertext !== first.slotsPerCiphertext ||
      header.params.scale !== first.params.scale ||
      header.params.polyModulusDegree !== first.params.polyModulusDegree ||
      header.params.coeffModulusBits.join() !== first.params.coeffModulusBits.join()
    ) {
      throw new FheError(`Statistics file ${f} has another level, scale or CKKS parameters than file 0; it cannot be added.`);
    }
    for (const id of header.contributors) {
      if (contributors.includes(id)) throw new FheError(`Contributor ${id} is in two of the files added; each counts once.`);
      contributors.push(id);
    }
  }
  if (contributors.length > MAX_CONTRIBUTIONS) {
    throw new FheError(`A sum holds at most ${MAX_CONTRIBUTIONS} contributions (its scale's room), got ${contributors.length}.`);
  }
  const scale = 2 ** first.scaleBits;
  const blobs = Array.from({ length: first.ciphertexts }, (_, c) =>
    withScope((scope) =>
      sealTry(`Adding statistics ciphertext ${c}`, () => {
        const sum = loadChecked(ctx, scope, opened[0].container.blob(c), 0, c, first, scale);
        for (let f = 1; f < opened.length; f++) {
          const ct = loadChecked(ctx, scope, opened[f].container.blob(c), f, c, first, scale);
          ctx.evaluator.addInplace(sum, ct);
          scope.free(ct);
        }
        return packCiphertext(
          sum.saveToArray(ctx.seal.ComprModeType.none) as Uint8Array,
          ctx.primeBits.slice(0, first.primes),
          () => sum.saveToArray(ctx.seal.ComprModeType.zstd) as Uint8Array,
        );
      }),
    ),
  );
  const header: StatisticsHeader = { ...first, contributors };
  return buildContainer("statistics", header, blobs);
}

/** A ciphertext at the header's level and scale (SEAL's own add checks them too, with a less helpful message). */
function loadChecked(
  ctx: FheContext,
  scope: Parameters<typeof loadCiphertext>[1],
  blob: Uint8Array,
  file: number,
  c: number,
  header: StatisticsHeader,
  scale: number,
) {
  const ct = loadCiphertext(ctx, scope, blob, `ciphertext ${c} of statistics file ${file}`, header.primes);
  if (ct.scale() !== scale) {
    throw new FheError(`Ciphertext ${c} of statistics file ${file} has scale 2^${Math.log2(ct.scale())}, its header says 2^${header.scaleBits}.`);
  }
  return ct;
}
