// A member's third step, once every member has committed: reveal its key share, assemble the committee's keys from
// every committed share and confirm them. One honest member suffices to refuse a wrong assembly.
import { setTimeout as sleep } from "node:timers/promises";
import { zeroHash, type Address, type Hex } from "viem";
import { requireAccount, type ChainContext } from "../../../chain/client.ts";
import { merkleRoot } from "../../../storage/merkleRoot.ts";
import type { ContentStore } from "../../../storage/types.ts";
import { createFheContext } from "../../createFheContext.ts";
import { COMMITTEE_FHE_PARAMS, assembleCommitteeKeys, readCommitteeKeys } from "../../multiparty/index.ts";
import { FheTaskError } from "../fheTask.ts";
import { checkConfirmKeys, confirmKeys } from "../../../chain/committees/confirmKeys.ts";
import { chainNow, isoTime, keysCandidate, readCandidate, readCommittee, seatOf, type CommitteeView } from "./committeeChain.ts";
import { memberFiles, readOwnKeyShare } from "./memberFiles.ts";

export type ConfirmCommitteeKeysEvent =
  | { type: "waiting"; for: "commits" | "key shares"; missing: Address[] }
  | { type: "uploaded"; keyShareRoot: Hex }
  | { type: "assembled"; keyId: Hex; keysRoot: Hex };

export type ConfirmCommitteeKeysParameters = {
  committeeId: bigint;
  home: string;
  /** Wait for the other members' commitments and key shares (until the setup deadline) instead of failing. */
  wait?: boolean;
  /** Polling interval while waiting (ms, default 1000). */
  pollMs?: number;
  signal?: AbortSignal;
  onEvent?: (event: ConfirmCommitteeKeysEvent) => void;
};

export type ConfirmCommitteeKeysReturnType = {
  committeeId: bigint;
  keyId: Hex;
  keysRoot: Hex;
  /** The committee's status after this call (Active once every member confirmed). */
  status: CommitteeView["status"];
  /** Undefined when this member had already confirmed (a rerun). */
  transactionHash?: Hex;
};

/**
 * Once the committee is Confirming: uploads the member's key share (its root must equal its commitment), fetches
 * every member's by its committed root (the store verifies the bytes), assembles the committee keys
 * (deterministic), stores them, checks them against an earlier member's confirmation, and confirms (keyId, keysRoot).
 * Idempotent: a member that already confirmed gets the committee's keys back without a transaction.
 *
 * @example
 * const { keyId } = await confirmCommitteeKeys(ctx, store, { committeeId: 1n, home: ".2pm", wait: true })
 */
export async function confirmCommitteeKeys(ctx: ChainContext, store: ContentStore, p: ConfirmCommitteeKeysParameters): Promise<ConfirmCommitteeKeysReturnType> {
  const { account } = requireAccount(ctx);
  const own = await readOwnKeyShare(memberFiles(p.home, p.committeeId), p.committeeId);
  let committee = await readCommittee(ctx, p.committeeId);
  const seat = seatOf(committee, account.address);
  if (!seat) throw new FheTaskError(`${account.address} is not a member of committee ${p.committeeId}`);
  if (!seat.committed) throw new FheTaskError(`you have not committed your key share to committee ${p.committeeId}: run \`2pm committee join --committee ${p.committeeId}\` first`);
  if (seat.keyShareRoot.toLowerCase() !== merkleRoot(own)) {
    throw new FheTaskError(`your seat committed key share ${seat.keyShareRoot}, but the local one is ${merkleRoot(own)}: this --home is not the one you committed from`);
  }
  if (seat.confirmed) return { committeeId: p.committeeId, keyId: committee.keyId, keysRoot: committee.keysRoot, status: committee.status };

  // Every member must have committed before anyone reveals: a share published earlier invites a rogue key.
  committee = await until<CommitteeView>(ctx, p, async () => {
    const c = await readCommittee(ctx, p.committeeId);
    if (c.status !== "Forming") return c;
    return { missing: c.members.filter((m) => !m.committed).map((m) => m.address), for: "commits" as const, deadline: c.setupDeadline };
  });
  if (committee.status !== "Confirming") throw new FheTaskError(`committee ${p.committeeId} is ${committee.status}: its keys are no longer confirmed`);

  const uploaded = await store.put(own);
  p.onEvent?.({ type: "uploaded", keyShareRoot: uploaded });
  const seats = committee.members;
  const shares = await until<Uint8Array[]>(ctx, p, async () => {
    const present = await Promise.all(seats.map((s) => store.has(s.keyShareRoot.toLowerCase() as Hex)));
    // The store checks each file against its committed root: a member cannot reveal other bytes than it committed.
    if (present.every(Boolean)) return Promise.all(seats.map((s) => store.get(s.keyShareRoot.toLowerCase() as Hex)));
    return { missing: seats.filter((_, i) => !present[i]).map((s) => s.address), for: "key shares" as const, deadline: committee.setupDeadline };
  });

  const fheCtx = await createFheContext(COMMITTEE_FHE_PARAMS);
  let keyId: Hex;
  let keysRoot: Hex;
  try {
    const committeeKeys = assembleCommitteeKeys(fheCtx, shares);
    const keys = readCommitteeKeys(fheCtx, committeeKeys);
    if (keys.committeeId !== committee.seed) throw new FheTaskError(`the key shares were made for seed ${keys.committeeId}, committee ${p.committeeId}'s seed is ${committee.seed}`);
    keyId = keys.keyId;
    keysRoot = merkleRoot(committeeKeys);
    const candidate = await readCandidate(ctx, p.committeeId);
    if (candidate !== zeroHash && candidate !== keysCandidate(keyId, keysRoot)) {
      throw new FheTaskError(`another member confirmed other keys than the ones assembled from the committed shares (key ${keyId}, keys file ${keysRoot}): do not use committee ${p.committeeId}`);
    }
    await checkConfirmKeys(ctx, p.committeeId, keyId, keysRoot); // before storing the 18 MiB keys file
    await store.put(committeeKeys);
  } finally {
    fheCtx.dispose();
  }
  p.onEvent?.({ type: "assembled", keyId, keysRoot });
  const receipt = await confirmKeys(ctx, p.committeeId, keyId, keysRoot);
  const after = await readCommittee(ctx, p.committeeId);
  return { committeeId: p.committeeId, keyId, keysRoot, status: after.status, transactionHash: receipt.transactionHash };
}

type Pending = { missing: Address[]; for: "commits" | "key shares"; deadline: bigint };
const isPending = (v: unknown): v is Pending => typeof v === "object" && v !== null && "missing" in v && "for" in v && "deadline" in v;

/** Calls `check` until it returns a value, not a Pending; without `wait`, a Pending is an error naming who is missing. */
async function until<T>(ctx: ChainContext, p: ConfirmCommitteeKeysParameters, check: () => Promise<T | Pending>): Promise<T> {
  for (let told = false; ; told = true) {
    const v = await check();
    if (!isPending(v)) return v;
    const who = v.missing.join(", ");
    if ((await chainNow(ctx)) > v.deadline) throw new FheTaskError(`the setup deadline passed without the ${v.for} of ${who}: the committee failed (stakes can be withdrawn)`);
    if (!p.wait) throw new FheTaskError(`waiting for the ${v.for} of ${who} (setup deadline ${isoTime(v.deadline)}): run again later, or pass --wait`);
    if (!told) p.onEvent?.({ type: "waiting", for: v.for, missing: v.missing });
    await sleep(p.pollMs ?? 1000, undefined, { signal: p.signal });
  }
}
