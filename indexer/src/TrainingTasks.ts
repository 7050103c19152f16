// TrainingTasks events → task, member, round, roundAttempt, update, reveal, settlement, claim, slash, refund,
// fheInput, the committee of an FHE task and account totals. Handlers that add to counters first look up the row
// their event creates (or the state it sets) and return when it is already there, so a replayed event changes
// nothing.
import { ponder, type Context } from "ponder:registry";
import { claim, dataset, dispute, fheInput, member, refund, reveal, round, roundAttempt, schema, settlement, slashing, task, update } from "ponder:schema";
import { TASK_KIND } from "../../src/chain/constants.ts";
import { claimsCloseAt } from "../../src/chain/schedule.ts";
import { dpCountsAttempt, dpEpsilonOfUnits, dpRoundUnits } from "../../src/fl/dp/accountant.ts";
import { addToAccount } from "./accounts.ts";
import { addTaskOfKey } from "./committees.ts";

const memberId = (taskId: bigint, node: string) => `${taskId}-${node.toLowerCase()}`;
const roundId = (taskId: bigint, r: number) => `${taskId}-${r}`;
const attemptId = (taskId: bigint, r: number, attempt: number) => `${taskId}-${r}-${attempt}`;

ponder.on("TrainingTasks:TaskCreated", async ({ event, context }) => {
  const { taskId, creator, params: p } = event.args;
  if (await context.db.find(task, { id: taskId })) return;
  const block = event.block.number;
  const at = event.block.timestamp;
  await context.db.insert(task).values({
    id: taskId, creator, kind: TASK_KIND[p.kind] ?? "FL", status: "Open", schemaId: BigInt(p.schemaId), modelRoot: p.modelRoot,
    totalRounds: p.rounds, minNodes: p.minNodes, maxNodes: p.maxNodes, stake: p.stake, rewardToken: p.rewardToken,
    budget: p.budget, joinDeadline: p.joinDeadline, roundDuration: p.roundDuration, revealDuration: p.revealDuration,
    aggregatorWindow: p.aggregatorWindow, challengeWindow: p.challengeWindow, claimPeriod: p.claimPeriod,
    aggregator: p.aggregator, resolver: p.resolver,
    dataShareBps: p.dataShareBps, computeDecayBps: p.computeDecayBps, dataDecayBps: p.dataDecayBps,
    currentRound: 0, activeMembers: 0, memberCount: 0, staked: 0n, slashed: 0n, stakesWithdrawn: 0n, pool: p.budget,
    claimed: 0n, claimCount: 0, refunded: 0n, settlementCount: 0, disputeCount: 0, shareCount: 0,
    createdBlock: block, createdAt: at, createdTx: event.transaction.hash, updatedBlock: block, updatedAt: at,
  });
  await context.db.update(schema, { id: BigInt(p.schemaId) }).set((s) => ({ taskCount: s.taskCount + 1 }));
  await addToAccount(context.db, creator, block, { taskCount: 1, budgeted: p.budget });
});

ponder.on("TrainingTasks:DpTermsSet", async ({ event, context }) => {
  const { taskId, noiseMultiplierE6, deltaE18 } = event.args;
  await context.db.update(task, { id: taskId }).set({ dpNoiseMultiplierE6: noiseMultiplierE6, dpDeltaE18: deltaE18, dpUnits: 0, epsilon: 0 });
});

ponder.on("TrainingTasks:FheInputsSet", async ({ event, context }) => {
  const { taskId, keyId, datasetIds } = event.args;
  if (datasetIds.length === 0 || (await context.db.find(fheInput, { id: `${taskId}-${datasetIds[0]}` }))) return;
  await context.db.insert(fheInput).values(datasetIds.map((datasetId, position) => ({ id: `${taskId}-${datasetId}`, taskId, datasetId, position, keyId })));
  for (const datasetId of datasetIds) {
    await context.db.update(dataset, { id: datasetId }).set((d) => ({ taskCount: d.taskCount + 1 }));
  }
  await context.db.update(task, { id: taskId }).set({ fheKeyId: keyId });
  // A key a committee already holds makes this a committee task now; otherwise CommitteeActivated links it later.
  await addTaskOfKey(context.db, keyId, taskId);
});

ponder.on("TrainingTasks:MemberJoined", async ({ event, context }) => {
  const { taskId, node, datasetId, saPublicKey, stake } = event.args;
  const id = memberId(taskId, node);
  if (await context.db.find(member, { id })) return;
  const block = event.block.number;
  const t = await context.db.update(task, { id: taskId }).set((row) => ({
    memberCount: row.memberCount + 1, activeMembers: row.activeMembers + 1, staked: row.staked + stake,
    updatedBlock: block, updatedAt: event.block.timestamp,
  }));
  await context.db.insert(member).values({
    id, taskId, node, datasetId, joinIndex: t.memberCount, saPublicKey, stake, status: "Active", updateCount: 0, samples: 0n,
    joinedBlock: block, joinedAt: event.block.timestamp, joinedTx: event.transaction.hash,
  });
  if (datasetId !== 0n) await context.db.update(dataset, { id: datasetId }).set((d) => ({ taskCount: d.taskCount + 1 }));
  await addToAccount(context.db, node, block, { membershipCount: 1, staked: stake });
});

ponder.on("TrainingTasks:RoundStarted", async ({ event, context }) => {
  const { taskId, round: r, attempt, start, submitDeadline, revealDeadline, finalizeDeadline, members } = event.args;
  const aId = attemptId(taskId, r, attempt);
  if (await context.db.find(roundAttempt, { id: aId })) return;
  const rId = roundId(taskId, r);
  const fresh = { attempt, start, submitDeadline, revealDeadline, finalizeDeadline, members, submissions: 0, revealCount: 0, samples: 0n, finalized: false };
  await context.db.insert(roundAttempt).values({
    id: aId, taskId, roundId: rId, round: r, ...fresh, restarted: false, startedBlock: event.block.number, startedTx: event.transaction.hash,
  });
  await context.db
    .insert(round)
    .values({ id: rId, taskId, round: r, attemptCount: 1, ...fresh })
    .onConflictDoUpdate((row) => ({ ...fresh, attemptCount: row.attemptCount + 1 }));
  await context.db.update(task, { id: taskId }).set({ status: "Running", currentRound: r, updatedBlock: event.block.number, updatedAt: event.block.timestamp });
});

ponder.on("TrainingTasks:RoundRestarted", async ({ event, context }) => {
  const { taskId, round: r, attempt } = event.args;
  // `attempt` is the new attempt; the one that could not be finalized is the previous one.
  const previous = await context.db.find(roundAttempt, { id: attemptId(taskId, r, attempt - 1) });
  await context.db.update(roundAttempt, { id: attemptId(taskId, r, attempt - 1) }).set({ restarted: true });
  // Its sum may have been unmasked anyway: DP tasks count it (once: replays find it restarted already).
  if (previous && !previous.restarted && dpCountsAttempt({ finalized: false, restarted: true, submissions: previous.submissions }))
    await spendPrivacy(context.db, taskId, r, previous.submissions);
});

ponder.on("TrainingTasks:UpdateSubmitted", async ({ event, context }) => {
  const { taskId, round: r, node, attempt, updateRoot, samples } = event.args;
  const id = `${attemptId(taskId, r, attempt)}-${node.toLowerCase()}`;
  if (await context.db.find(update, { id })) return;
  const block = event.block.number;
  await context.db.insert(update).values({
    id, taskId, roundId: roundId(taskId, r), attemptId: attemptId(taskId, r, attempt), memberId: memberId(taskId, node),
    round: r, attempt, node, updateRoot, samples, block, timestamp: event.block.timestamp, tx: event.transaction.hash,
  });
  const count = (row: { submissions: number; samples: bigint }) => ({ submissions: row.submissions + 1, samples: row.samples + samples });
  await context.db.update(roundAttempt, { id: attemptId(taskId, r, attempt) }).set(count);
  await context.db.update(round, { id: roundId(taskId, r) }).set(count);
  await context.db.update(member, { id: memberId(taskId, node) }).set((m) => ({ updateCount: m.updateCount + 1, samples: m.samples + samples }));
  await addToAccount(context.db, node, block, { updateCount: 1 });
});

ponder.on("TrainingTasks:SeedsRevealed", async ({ event, context }) => {
  const { taskId, round: r, node, attempt, revealRoot } = event.args;
  const id = `${attemptId(taskId, r, attempt)}-${node.toLowerCase()}`;
  if (await context.db.find(reveal, { id })) return;
  await context.db.insert(reveal).values({
    id, taskId, roundId: roundId(taskId, r), attemptId: attemptId(taskId, r, attempt), memberId: memberId(taskId, node),
    round: r, attempt, node, revealRoot, block: event.block.number, timestamp: event.block.timestamp, tx: event.transaction.hash,
  });
  await context.db.update(roundAttempt, { id: attemptId(taskId, r, attempt) }).set((a) => ({ revealCount: a.revealCount + 1 }));
  await context.db.update(round, { id: roundId(taskId, r) }).set((row) => ({ revealCount: row.revealCount + 1 }));
});

ponder.on("TrainingTasks:RoundFinalized", async ({ event, context }) => {
  const { taskId, round: r, attempt, modelRoot, submissions, samples, lossE6, accuracyE6 } = event.args;
  const prior = await context.db.find(roundAttempt, { id: attemptId(taskId, r, attempt) });
  await context.db.update(roundAttempt, { id: attemptId(taskId, r, attempt) }).set({ finalized: true, submissions, samples });
  // DP: the finalized sum's survivors are its submissions (counted once: a replay finds the attempt finalized).
  if (!prior?.finalized) await spendPrivacy(context.db, taskId, r, submissions);
  await context.db.update(round, { id: roundId(taskId, r) }).set({
    finalized: true, submissions, samples, modelRoot,
    lossE6: BigInt(lossE6), accuracyE6: BigInt(accuracyE6), loss: lossE6 / 1e6, accuracy: accuracyE6 / 1e6,
    finalizedBlock: event.block.number, finalizedAt: event.block.timestamp, finalizedTx: event.transaction.hash,
  });
});

/**
 * DP tasks: a released sum of `survivors` updates adds its RDP units (src/fl/dp/accountant.ts) to the task and the
 * round, and ε is recomputed from the terms; other tasks are left alone.
 */
async function spendPrivacy(db: Context["db"], taskId: bigint, r: number, survivors: number): Promise<void> {
  const t = await db.find(task, { id: taskId });
  if (!t?.dpNoiseMultiplierE6 || t.dpDeltaE18 === null) return;
  const dp = { noiseMultiplier: t.dpNoiseMultiplierE6 / 1e6, delta: Number(t.dpDeltaE18) / 1e18 };
  const units = dpRoundUnits({ minSurvivors: t.minNodes, survivors });
  const total = (t.dpUnits ?? 0) + units;
  const roundUnits = ((await db.find(round, { id: roundId(taskId, r) }))?.dpUnits ?? 0) + units;
  const epsilonTotal = dpEpsilonOfUnits({ ...dp, units: total });
  await db.update(task, { id: taskId }).set({ dpUnits: total, epsilon: epsilonTotal });
  await db.update(round, { id: roundId(taskId, r) }).set({ dpUnits: roundUnits, epsilon: dpEpsilonOfUnits({ ...dp, units: roundUnits }), epsilonTotal });
}

ponder.on("TrainingTasks:TaskFinished", async ({ event, context }) => {
  await context.db.update(task, { id: event.args.taskId }).set({
    status: "Finished", settleDeadline: event.args.settleDeadline, updatedBlock: event.block.number, updatedAt: event.block.timestamp,
  });
});

ponder.on("TrainingTasks:TaskSettled", async ({ event, context }) => {
  const { taskId, settler, payoutRoot, total, claimsOpenAt } = event.args;
  if (await context.db.find(settlement, { id: event.id })) return;
  const t = await context.db.update(task, { id: taskId }).set((row) => ({
    status: "Settled", payoutRoot, payoutTotal: total, claimsOpenAt, claimsCloseAt: claimsCloseAt(claimsOpenAt, row.claimPeriod),
    settlementCount: row.settlementCount + 1,
    latestSettlementId: event.id, updatedBlock: event.block.number, updatedAt: event.block.timestamp,
  }));
  await context.db.insert(settlement).values({
    id: event.id, taskId, index: t.settlementCount, settler, payoutRoot, total, claimsOpenAt,
    block: event.block.number, timestamp: event.block.timestamp, tx: event.transaction.hash,
  });
});

ponder.on("TrainingTasks:SettlementDisputed", async ({ event, context }) => {
  const { taskId, member: by, proposedRoot, proposedTotal, resolveDeadline } = event.args;
  const id = memberId(taskId, by);
  if (await context.db.find(dispute, { id })) return;
  await context.db.insert(dispute).values({
    id, taskId, member: by, proposedRoot, proposedTotal, resolveDeadline, block: event.block.number, timestamp: event.block.timestamp, tx: event.transaction.hash,
  });
  // The first dispute moves claims to the resolve deadline, where the original settlement stands if unresolved.
  const t = await context.db.update(task, { id: taskId }).set((row) => ({
    status: "Disputed", claimsOpenAt: resolveDeadline, claimsCloseAt: claimsCloseAt(resolveDeadline, row.claimPeriod),
    disputeCount: row.disputeCount + 1, updatedBlock: event.block.number, updatedAt: event.block.timestamp,
  }));
  if (t.disputeCount === 1 && t.latestSettlementId) {
    await context.db.update(settlement, { id: t.latestSettlementId }).set({ disputedBy: by, disputedAt: event.block.timestamp });
  }
});

ponder.on("TrainingTasks:SettlementResolved", async ({ event, context }) => {
  const { taskId, payoutRoot, total, claimsOpenAt } = event.args;
  const t = await context.db.update(task, { id: taskId }).set((row) => ({
    status: "Settled", payoutRoot, payoutTotal: total, claimsOpenAt, claimsCloseAt: claimsCloseAt(claimsOpenAt, row.claimPeriod),
    updatedBlock: event.block.number, updatedAt: event.block.timestamp,
  }));
  if (t.latestSettlementId) {
    await context.db.update(settlement, { id: t.latestSettlementId }).set({ resolvedRoot: payoutRoot, resolvedTotal: total, resolvedAt: event.block.timestamp });
  }
});

ponder.on("TrainingTasks:RewardClaimed", async ({ event, context }) => {
  const { taskId, account, index, amount } = event.args;
  const id = `${taskId}-${index}`;
  if (await context.db.find(claim, { id })) return;
  await context.db.insert(claim).values({
    id, taskId, account, leafIndex: index, amount, block: event.block.number, timestamp: event.block.timestamp, tx: event.transaction.hash,
  });
  await context.db.update(task, { id: taskId }).set((t) => ({ claimed: t.claimed + amount, claimCount: t.claimCount + 1 }));
  await addToAccount(context.db, account, event.block.number, { earned: amount, claimCount: 1 });
});

ponder.on("TrainingTasks:MemberSlashed", async ({ event, context }) => {
  const { taskId, node, round: r, amount, slasher } = event.args;
  const id = memberId(taskId, node);
  if (await context.db.find(slashing, { id })) return;
  await context.db.insert(slashing).values({
    id, taskId, memberId: id, node, round: r, amount, slasher, block: event.block.number, timestamp: event.block.timestamp, tx: event.transaction.hash,
  });
  await context.db.update(member, { id }).set({ status: "Slashed", slashedRound: r });
  await context.db.update(task, { id: taskId }).set((t) => ({
    slashed: t.slashed + amount, pool: t.pool + amount, activeMembers: t.activeMembers - 1,
    updatedBlock: event.block.number, updatedAt: event.block.timestamp,
  }));
  await addToAccount(context.db, node, event.block.number, { slashed: amount });
});

ponder.on("TrainingTasks:StakeWithdrawn", async ({ event, context }) => {
  const { taskId, node, amount } = event.args;
  const id = memberId(taskId, node);
  const m = await context.db.find(member, { id });
  if (!m || m.status === "Withdrawn") return;
  await context.db.update(member, { id }).set({ status: "Withdrawn" });
  await context.db.update(task, { id: taskId }).set((t) => ({ stakesWithdrawn: t.stakesWithdrawn + amount }));
  await addToAccount(context.db, node, event.block.number, { stakesWithdrawn: amount });
});

ponder.on("TrainingTasks:RefundWithdrawn", async ({ event, context }) => {
  const { taskId, creator, amount } = event.args;
  if (await context.db.find(refund, { id: event.id })) return;
  await context.db.insert(refund).values({
    id: event.id, taskId, creator, amount, block: event.block.number, timestamp: event.block.timestamp, tx: event.transaction.hash,
  });
  await context.db.update(task, { id: taskId }).set((t) => ({ refunded: t.refunded + amount }));
  await addToAccount(context.db, creator, event.block.number, { refunded: amount });
});

ponder.on("TrainingTasks:TaskCancelled", async ({ event, context }) => {
  await context.db.update(task, { id: event.args.taskId }).set({ status: "Cancelled", updatedBlock: event.block.number, updatedAt: event.block.timestamp });
});

ponder.on("TrainingTasks:TaskAbandoned", async ({ event, context }) => {
  await context.db.update(task, { id: event.args.taskId }).set({ status: "Abandoned", updatedBlock: event.block.number, updatedAt: event.block.timestamp });
});
