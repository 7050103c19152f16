import { assertKey, assertParams } from "../checks.ts";
import { assertUsable } from "../createFheContext.ts";
import type { FheContext } from "../createFheContext.ts";
import { openFher } from "../resultHeader.ts";
import { plainBytes } from "../seal.ts";
import { openCommitteeKeys } from "./assembleCommitteeKeys.ts";
import { blobDigests } from "./files.ts";
import { smudgingSigma } from "./params.ts";

/**
 * A task result opened under a committee's keys, as sharing and combining both need it: checked to be under the
 * committee's key and parameters, with each ciphertext's digest (what a share names) and the smudging size a share of
 * it carries.
 */
export function openCommitteeResult(ctx: FheContext, committeeKeys: Uint8Array, resultBytes: Uint8Array) {
  assertUsable(ctx);
  const committee = openCommitteeKeys(ctx, committeeKeys);
  const { header: result, container } = openFher(plainBytes(resultBytes));
  assertKey("result", result.keyId, committee.keyId);
  assertParams("result", result.params, ctx);
  const digests = blobDigests(container);
  const sigmas = result.entries.map((_, i) => smudgingSigma(result, i));
  return { committee, result, container, digests, sigmas };
}
