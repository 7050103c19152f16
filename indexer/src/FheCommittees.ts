// FheCommittees events → committee, committeeMember, decryptionShare, fheKey and the committee of an FHE task
// (task.committeeId), account totals. As in TrainingTasks.ts, a handler that adds to counters returns when the row or
// state its event creates is already there, so a replayed event changes nothing.
import { ponder } from "ponder:registry";
import { committee, committeeMember, decryptionShare, task } from "ponder:schema";
import { addToAccount } from "./accounts.ts";
import { setCommitteeOfKey } from "./committees.ts";

const seatId = (committeeId: bigint, account: string) => `${committeeId}-${account.toLowerCase()}`;

const touched = (event: { block: { number: bigint; timestamp: bigint } }) => ({ updatedBlock: event.block.number, updatedAt: event.block.timestamp });

ponder.on("FheCommittees:CommitteeCreated", async ({ event, context }) => {
  const { committeeId: id, creator, seed, members, params: p } = event.args;
  if (await context.db.find(committee, { id })) return;
  const block = event.block.number;
  await context.db.insert(committee).values({
    id, creator, seed, status: "Forming", memberCount: members.length, threshold: p.threshold, commits: 0, confirmations: 0,
    stakeToken: p.stakeToken, stake: p.stake, staked: 0n, slashed: 0n, stakesWithdrawn: 0n, setupDeadline: p.setupDeadline,
    unbondingPeriod: p.unbondingPeriod, shareCount: 0, taskCount: 0,
    createdBlock: block, createdAt: event.block.timestamp, createdTx: event.transaction.hash, ...touched(event),
  });
  await context.db.insert(committeeMember).values(members.map((account, i) => ({
    id: seatId(id, account), committeeId: id, account, index: i + 1, committed: false, stake: 0n, confirmed: false,
    slashed: false, withdrawn: false, shareCount: 0,
  })));
  for (const account of members) await addToAccount(context.db, account, block, { committeeSeats: 1 });
});

ponder.on("FheCommittees:KeyShareCommitted", async ({ event, context }) => {
  const { committeeId, member, keyShareRoot, stake } = event.args;
  const id = seatId(committeeId, member);
  const seat = await context.db.find(committeeMember, { id });
  if (!seat || seat.committed) return;
  await context.db.update(committeeMember, { id }).set({ committed: true, keyShareRoot, stake });
  await context.db.update(committee, { id: committeeId }).set((c) => ({ commits: c.commits + 1, staked: c.staked + stake, ...touched(event) }));
  await addToAccount(context.db, member, event.block.number, { committeeStaked: stake });
});

ponder.on("FheCommittees:KeySharesComplete", async ({ event, context }) => {
  await context.db.update(committee, { id: event.args.committeeId }).set({ status: "Confirming", ...touched(event) });
});

ponder.on("FheCommittees:KeysConfirmed", async ({ event, context }) => {
  const { committeeId, member } = event.args;
  const id = seatId(committeeId, member);
  const seat = await context.db.find(committeeMember, { id });
  if (!seat || seat.confirmed) return;
  await context.db.update(committeeMember, { id }).set({ confirmed: true });
  await context.db.update(committee, { id: committeeId }).set((c) => ({ confirmations: c.confirmations + 1, ...touched(event) }));
});

ponder.on("FheCommittees:CommitteeActivated", async ({ event, context }) => {
  const { committeeId, keyId, keysRoot } = event.args;
  const c = await context.db.find(committee, { id: committeeId });
  if (!c || c.keyId) return;
  await context.db.update(committee, { id: committeeId }).set({ status: "Active", keyId, keysRoot, ...touched(event) });
  await setCommitteeOfKey(context.db, keyId, committeeId);
});

ponder.on("FheCommittees:CommitteeFailed", async ({ event, context }) => {
  // A failed setup's stakes are withdrawable at once.
  const at = event.block.timestamp;
  await context.db.update(committee, { id: event.args.committeeId }).set({ status: "Failed", endedAt: at, unbondsAt: at, ...touched(event) });
});

ponder.on("FheCommittees:CommitteeRetired", async ({ event, context }) => {
  const { committeeId, by, unbondsAt } = event.args;
  await context.db.update(committee, { id: committeeId }).set({ status: "Retired", endedAt: event.block.timestamp, unbondsAt, retiredBy: by, ...touched(event) });
});

ponder.on("FheCommittees:SharePosted", async ({ event, context }) => {
  const { taskId, committeeId, member, attempt, root, declined } = event.args;
  const id = `${taskId}-${attempt}-${member.toLowerCase()}`;
  if (await context.db.find(decryptionShare, { id })) return;
  const memberId = seatId(committeeId, member);
  await context.db.insert(decryptionShare).values({
    id, taskId, attempt, attemptId: `${taskId}-1-${attempt}`, committeeId, committeeMemberId: memberId, member, root, declined,
    block: event.block.number, timestamp: event.block.timestamp, tx: event.transaction.hash,
  });
  await context.db.update(committeeMember, { id: memberId }).set((m) => ({ shareCount: m.shareCount + 1 }));
  await context.db.update(committee, { id: committeeId }).set((c) => ({ shareCount: c.shareCount + 1 }));
  // The contract accepted the share, so the task is under this committee's key (linked already, by either side).
  await context.db.update(task, { id: taskId }).set((t) => ({ shareCount: t.shareCount + 1 }));
});

ponder.on("FheCommittees:MemberSlashed", async ({ event, context }) => {
  const { committeeId, taskId, member, beneficiary, amount, unbondsAt } = event.args;
  const id = seatId(committeeId, member);
  const seat = await context.db.find(committeeMember, { id });
  if (!seat || seat.slashed) return;
  await context.db.update(committeeMember, { id }).set({ slashed: true, slashedTaskId: taskId, slashedTo: beneficiary });
  // A slash breaks the committee; it ended at the first of its retirement or slashes, and the contract says when its
  // stakes unbond.
  await context.db.update(committee, { id: committeeId }).set((c) => ({
    status: "Broken", slashed: c.slashed + amount, endedAt: c.endedAt ?? event.block.timestamp, unbondsAt, ...touched(event),
  }));
  await addToAccount(context.db, member, event.block.number, { committeeSlashed: amount });
  await addToAccount(context.db, beneficiary, event.block.number, { credited: amount });
});

ponder.on("FheCommittees:StakeWithdrawn", async ({ event, context }) => {
  const { committeeId, member, amount } = event.args;
  const id = seatId(committeeId, member);
  const seat = await context.db.find(committeeMember, { id });
  if (!seat || seat.withdrawn) return;
  await context.db.update(committeeMember, { id }).set({ withdrawn: true });
  await context.db.update(committee, { id: committeeId }).set((c) => ({ stakesWithdrawn: c.stakesWithdrawn + amount }));
});

ponder.on("FheCommittees:CreditWithdrawn", async ({ event, context }) => {
  const { account, amount } = event.args;
  await addToAccount(context.db, account, event.block.number, { creditsWithdrawn: amount });
});
