// The indexed state of DatasetIndex, TrainingTasks and FheCommittees. Entity tables (schema, dataset, task, member,
// round, committee, committeeMember, account) hold the current state; log tables (datasetVersion, roundAttempt,
// update, reveal, settlement, claim, slash, decryptionShare) hold one row per event, keyed by the natural id the contract enforces (so replaying an event is a no-op).
// Amounts, ids and chain times are `bigint` (GraphQL BigInt = decimal string); small counters are `integer`.
// Indexes are composite where a documented query (docs/graphql.md) filters on one column and orders by another
// (Ponder appends the primary key to every orderBy), e.g. datasets of a schema newest first: (schemaId, id).
// Over 250 lines on purpose: every table, with its indexes and the contract rule each column mirrors, in one file
// (Ponder reads one schema module).
import { index, onchainEnum, onchainTable, relations } from "ponder";
import { COMMITTEE_STATUS, ENCRYPTION, TASK_KIND, TASK_STATUS, type CommitteeStatusName, type TaskStatusName } from "../src/chain/constants.ts";

// The contracts' enums come from the generated constants; a task row exists from TaskCreated on, so never "None".
type IndexedStatus = Exclude<TaskStatusName, "None">;
export const encryption = onchainEnum("encryption", ENCRYPTION);
export const taskKind = onchainEnum("task_kind", TASK_KIND);
export const taskStatus = onchainEnum("task_status", TASK_STATUS.filter((s) => s !== "None") as [IndexedStatus, ...IndexedStatus[]]);
export const memberStatus = onchainEnum("member_status", ["Active", "Slashed", "Withdrawn"]);
type IndexedCommitteeStatus = Exclude<CommitteeStatusName, "None">;
export const committeeStatus = onchainEnum(
  "committee_status",
  COMMITTEE_STATUS.filter((s) => s !== "None") as [IndexedCommitteeStatus, ...IndexedCommitteeStatus[]],
);

export const schema = onchainTable("schema", (t) => ({
  id: t.bigint().primaryKey(),
  hash: t.hex().notNull(),
  registrant: t.hex().notNull(),
  uri: t.text().notNull(),
  datasetCount: t.integer().notNull(),
  taskCount: t.integer().notNull(),
  createdBlock: t.bigint().notNull(),
  createdAt: t.bigint().notNull(),
  createdTx: t.hex().notNull(),
}), (s) => ({ hashIdx: index().on(s.hash) }));

export const dataset = onchainTable("dataset", (t) => ({
  id: t.bigint().primaryKey(),
  owner: t.hex().notNull(),
  schemaId: t.bigint().notNull(),
  /** Current version (1 at registration, +1 per DatasetUpdated). */
  version: t.integer().notNull(),
  root: t.hex().notNull(),
  manifestRoot: t.hex().notNull(),
  rows: t.bigint().notNull(),
  encryption: encryption("encryption").notNull(),
  keyId: t.hex().notNull(),
  uri: t.text().notNull(),
  retired: t.boolean().notNull(),
  /** Number of tasks this dataset joined (FL members + FHE inputs). */
  taskCount: t.integer().notNull(),
  createdBlock: t.bigint().notNull(),
  createdAt: t.bigint().notNull(),
  createdTx: t.hex().notNull(),
  updatedBlock: t.bigint().notNull(),
  updatedAt: t.bigint().notNull(),
}), (d) => ({ ownerIdx: index().on(d.owner, d.id), schemaIdx: index().on(d.schemaId, d.id) }));

/** Every version of every dataset: `${datasetId}-${version}`. */
export const datasetVersion = onchainTable("dataset_version", (t) => ({
  id: t.text().primaryKey(),
  datasetId: t.bigint().notNull(),
  version: t.integer().notNull(),
  root: t.hex().notNull(),
  manifestRoot: t.hex().notNull(),
  rows: t.bigint().notNull(),
  keyId: t.hex().notNull(),
  uri: t.text().notNull(),
  block: t.bigint().notNull(),
  timestamp: t.bigint().notNull(),
  tx: t.hex().notNull(),
}), (v) => ({ datasetIdx: index().on(v.datasetId, v.version) }));

export const task = onchainTable("task", (t) => ({
  id: t.bigint().primaryKey(),
  creator: t.hex().notNull(),
  kind: taskKind("kind").notNull(),
  status: taskStatus("status").notNull(),
  schemaId: t.bigint().notNull(),
  modelRoot: t.hex().notNull(),
  /** Rounds the task runs (the contract's `rounds`; `rounds` in GraphQL is the list of round rows). */
  totalRounds: t.integer().notNull(),
  minNodes: t.integer().notNull(),
  maxNodes: t.integer().notNull(),
  stake: t.bigint().notNull(),
  rewardToken: t.hex().notNull(),
  budget: t.bigint().notNull(),
  joinDeadline: t.bigint().notNull(),
  roundDuration: t.integer().notNull(),
  revealDuration: t.integer().notNull(),
  aggregatorWindow: t.integer().notNull(),
  challengeWindow: t.integer().notNull(),
  /** Seconds claims stay open after they open; then the unclaimed rest returns to the creator. */
  claimPeriod: t.integer().notNull(),
  aggregator: t.hex().notNull(),
  /** Decides disputes (picks the original payout or a proposal); its silence leaves the original standing. */
  resolver: t.hex().notNull(),
  dataShareBps: t.integer().notNull(),
  computeDecayBps: t.integer().notNull(),
  dataDecayBps: t.integer().notNull(),
  /** FHE tasks: the key all input datasets are encrypted under. */
  fheKeyId: t.hex(),
  /** FHE tasks under a committee's collective key: the committee (set once both the task and the key are known). */
  committeeId: t.bigint(),
  /** Decryption shares posted by the committee's members (all attempts). */
  shareCount: t.integer().notNull(),
  // Differential privacy (createDpTask; null: no DP). ε from these, minNodes and each round's submissions.
  /** Noise multiplier × 1e6 (DpTermsSet). */
  dpNoiseMultiplierE6: t.integer(),
  /** δ × 1e18 (DpTermsSet). */
  dpDeltaE18: t.bigint(),
  /** Σ over finalized rounds of minNodes / submissions (src/fl/dp/accountant.ts dpRoundUnits). */
  dpUnits: t.doublePrecision(),
  /** ε (at δ) of all finalized rounds composed. */
  epsilon: t.doublePrecision(),
  /** Round in progress (0 before the start; stays at `rounds` once finished). */
  currentRound: t.integer().notNull(),
  /** Members that joined and were not slashed. */
  activeMembers: t.integer().notNull(),
  memberCount: t.integer().notNull(),
  staked: t.bigint().notNull(),
  slashed: t.bigint().notNull(),
  stakesWithdrawn: t.bigint().notNull(),
  /** Budget + slashed stakes: what a settlement may pay out. */
  pool: t.bigint().notNull(),
  payoutRoot: t.hex(),
  payoutTotal: t.bigint(),
  claimed: t.bigint().notNull(),
  claimCount: t.integer().notNull(),
  refunded: t.bigint().notNull(),
  settleDeadline: t.bigint(),
  /** While Disputed: the resolve deadline (the original settlement pays from then on unless resolved earlier). */
  claimsOpenAt: t.bigint(),
  claimsCloseAt: t.bigint(),
  disputeCount: t.integer().notNull(),
  settlementCount: t.integer().notNull(),
  latestSettlementId: t.text(),
  createdBlock: t.bigint().notNull(),
  createdAt: t.bigint().notNull(),
  createdTx: t.hex().notNull(),
  updatedBlock: t.bigint().notNull(),
  updatedAt: t.bigint().notNull(),
}), (t) => ({
  creatorIdx: index().on(t.creator, t.id), statusIdx: index().on(t.status, t.id), schemaIdx: index().on(t.schemaId, t.id),
  keyIdx: index().on(t.fheKeyId), committeeIdx: index().on(t.committeeId, t.id),
}));

/** The input datasets of an FHE task: `${taskId}-${datasetId}`. */
export const fheInput = onchainTable("fhe_input", (t) => ({
  id: t.text().primaryKey(),
  taskId: t.bigint().notNull(),
  datasetId: t.bigint().notNull(),
  position: t.integer().notNull(),
  keyId: t.hex().notNull(),
}), (f) => ({ taskIdx: index().on(f.taskId), datasetIdx: index().on(f.datasetId) }));

/** A node in a task: `${taskId}-${node}`. */
export const member = onchainTable("member", (t) => ({
  id: t.text().primaryKey(),
  taskId: t.bigint().notNull(),
  node: t.hex().notNull(),
  /** 0 for an FHE compute node. */
  datasetId: t.bigint().notNull(),
  joinIndex: t.integer().notNull(),
  saPublicKey: t.hex().notNull(),
  stake: t.bigint().notNull(),
  status: memberStatus("status").notNull(),
  updateCount: t.integer().notNull(),
  samples: t.bigint().notNull(),
  slashedRound: t.integer(),
  joinedBlock: t.bigint().notNull(),
  joinedAt: t.bigint().notNull(),
  joinedTx: t.hex().notNull(),
}), (m) => ({ taskIdx: index().on(m.taskId, m.joinIndex), nodeIdx: index().on(m.node, m.taskId), datasetIdx: index().on(m.datasetId) }));

/** A round of a task with the state of its latest attempt: `${taskId}-${round}`. */
export const round = onchainTable("round", (t) => ({
  id: t.text().primaryKey(),
  taskId: t.bigint().notNull(),
  round: t.integer().notNull(),
  attempt: t.integer().notNull(),
  /** Attempts started so far (1 + restarts). */
  attemptCount: t.integer().notNull(),
  start: t.bigint().notNull(),
  submitDeadline: t.bigint().notNull(),
  revealDeadline: t.bigint().notNull(),
  finalizeDeadline: t.bigint().notNull(),
  members: t.integer().notNull(),
  submissions: t.integer().notNull(),
  revealCount: t.integer().notNull(),
  samples: t.bigint().notNull(),
  finalized: t.boolean().notNull(),
  modelRoot: t.hex(),
  /**
   * RoundFinalized's figures: log-loss / accuracy (× 1e6 raw, and as floats) of the global model that ENTERED this
   * round — round − 1's model (round 1: the initial model) — on the nodes' pooled held-out rows, from the masked
   * sum of their counts (docs/fl.md, "Round metrics"). The model this round produced is evaluated in round + 1.
   */
  lossE6: t.bigint(),
  accuracyE6: t.bigint(),
  loss: t.doublePrecision(),
  accuracy: t.doublePrecision(),
  /** DP tasks: RDP units of this round's released sums (every counted attempt: dpCountsAttempt), ε of this round
   * alone, and of all rounds up to it composed (at the task's δ). */
  dpUnits: t.doublePrecision(),
  epsilon: t.doublePrecision(),
  epsilonTotal: t.doublePrecision(),
  finalizedBlock: t.bigint(),
  finalizedAt: t.bigint(),
  finalizedTx: t.hex(),
}), (r) => ({ taskIdx: index().on(r.taskId, r.round) }));

/** One attempt of a round: `${taskId}-${round}-${attempt}` (attempt 0 first; restartRound adds one). */
export const roundAttempt = onchainTable("round_attempt", (t) => ({
  id: t.text().primaryKey(),
  taskId: t.bigint().notNull(),
  roundId: t.text().notNull(),
  round: t.integer().notNull(),
  attempt: t.integer().notNull(),
  start: t.bigint().notNull(),
  submitDeadline: t.bigint().notNull(),
  revealDeadline: t.bigint().notNull(),
  finalizeDeadline: t.bigint().notNull(),
  members: t.integer().notNull(),
  submissions: t.integer().notNull(),
  revealCount: t.integer().notNull(),
  samples: t.bigint().notNull(),
  finalized: t.boolean().notNull(),
  /** Re-run by restartRound (its updates were not aggregated). */
  restarted: t.boolean().notNull(),
  startedBlock: t.bigint().notNull(),
  startedTx: t.hex().notNull(),
}), (a) => ({ roundIdx: index().on(a.roundId), taskIdx: index().on(a.taskId) }));

/** A committed (masked) update: `${taskId}-${round}-${attempt}-${node}`. */
export const update = onchainTable("update", (t) => ({
  id: t.text().primaryKey(),
  taskId: t.bigint().notNull(),
  roundId: t.text().notNull(),
  attemptId: t.text().notNull(),
  memberId: t.text().notNull(),
  round: t.integer().notNull(),
  attempt: t.integer().notNull(),
  node: t.hex().notNull(),
  updateRoot: t.hex().notNull(),
  samples: t.bigint().notNull(),
  block: t.bigint().notNull(),
  timestamp: t.bigint().notNull(),
  tx: t.hex().notNull(),
}), (u) => ({ roundIdx: index().on(u.roundId, u.node), attemptIdx: index().on(u.attemptId), memberIdx: index().on(u.memberId), nodeIdx: index().on(u.node) }));

/** Seeds a survivor revealed for the members that dropped: `${taskId}-${round}-${attempt}-${node}`. */
export const reveal = onchainTable("reveal", (t) => ({
  id: t.text().primaryKey(),
  taskId: t.bigint().notNull(),
  roundId: t.text().notNull(),
  attemptId: t.text().notNull(),
  memberId: t.text().notNull(),
  round: t.integer().notNull(),
  attempt: t.integer().notNull(),
  node: t.hex().notNull(),
  revealRoot: t.hex().notNull(),
  block: t.bigint().notNull(),
  timestamp: t.bigint().notNull(),
  tx: t.hex().notNull(),
}), (r) => ({ roundIdx: index().on(r.roundId), attemptIdx: index().on(r.attemptId) }));

/**
 * The posted payout root, keyed by event id (one per task). `disputedBy`/`disputedAt`: the first dispute;
 * `resolved*`: what the resolver picked (the original or a proposal), when it did.
 */
export const settlement = onchainTable("settlement", (t) => ({
  id: t.text().primaryKey(),
  taskId: t.bigint().notNull(),
  index: t.integer().notNull(),
  settler: t.hex().notNull(),
  payoutRoot: t.hex().notNull(),
  total: t.bigint().notNull(),
  claimsOpenAt: t.bigint().notNull(),
  disputedBy: t.hex(),
  disputedAt: t.bigint(),
  resolvedRoot: t.hex(),
  resolvedTotal: t.bigint(),
  resolvedAt: t.bigint(),
  block: t.bigint().notNull(),
  timestamp: t.bigint().notNull(),
  tx: t.hex().notNull(),
}), (s) => ({ taskIdx: index().on(s.taskId) }));

/** A member's dispute with the payout it proposes: `${taskId}-${member}` (each member disputes at most once). */
export const dispute = onchainTable("dispute", (t) => ({
  id: t.text().primaryKey(),
  taskId: t.bigint().notNull(),
  member: t.hex().notNull(),
  proposedRoot: t.hex().notNull(),
  proposedTotal: t.bigint().notNull(),
  resolveDeadline: t.bigint().notNull(),
  block: t.bigint().notNull(),
  timestamp: t.bigint().notNull(),
  tx: t.hex().notNull(),
}), (d) => ({ taskIdx: index().on(d.taskId) }));

/** A paid payout leaf: `${taskId}-${leafIndex}` (the contract allows each leaf once per task). */
export const claim = onchainTable("claim", (t) => ({
  id: t.text().primaryKey(),
  taskId: t.bigint().notNull(),
  account: t.hex().notNull(),
  leafIndex: t.bigint().notNull(),
  amount: t.bigint().notNull(),
  block: t.bigint().notNull(),
  timestamp: t.bigint().notNull(),
  tx: t.hex().notNull(),
}), (c) => ({ taskIdx: index().on(c.taskId), accountIdx: index().on(c.account, c.taskId) }));

/** A slashed stake: `${taskId}-${node}` (a member is slashed at most once). */
export const slashing = onchainTable("slashing", (t) => ({
  id: t.text().primaryKey(),
  taskId: t.bigint().notNull(),
  memberId: t.text().notNull(),
  node: t.hex().notNull(),
  round: t.integer().notNull(),
  amount: t.bigint().notNull(),
  slasher: t.hex().notNull(),
  block: t.bigint().notNull(),
  timestamp: t.bigint().notNull(),
  tx: t.hex().notNull(),
}), (s) => ({ taskIdx: index().on(s.taskId), nodeIdx: index().on(s.node) }));

/** The creator took back unpaid budget (cancelled, abandoned or settled below the pool); keyed by event id. */
export const refund = onchainTable("refund", (t) => ({
  id: t.text().primaryKey(),
  taskId: t.bigint().notNull(),
  creator: t.hex().notNull(),
  amount: t.bigint().notNull(),
  block: t.bigint().notNull(),
  timestamp: t.bigint().notNull(),
  tx: t.hex().notNull(),
}), (r) => ({ taskIdx: index().on(r.taskId) }));

/** Totals per address, in reward-token base units. `earned` = claimed rewards. */
export const account = onchainTable("account", (t) => ({
  id: t.hex().primaryKey(),
  earned: t.bigint().notNull(),
  claimCount: t.integer().notNull(),
  staked: t.bigint().notNull(),
  slashed: t.bigint().notNull(),
  stakesWithdrawn: t.bigint().notNull(),
  /** Budgets escrowed by the tasks this account created, and what it took back. */
  budgeted: t.bigint().notNull(),
  refunded: t.bigint().notNull(),
  datasetCount: t.integer().notNull(),
  taskCount: t.integer().notNull(),
  membershipCount: t.integer().notNull(),
  updateCount: t.integer().notNull(),
  /** FHE committees: seats held, stakes committed and slashed, and slashed stakes credited to it (as a task's
   * creator) and withdrawn — in each committee's stake token. */
  committeeSeats: t.integer().notNull(),
  committeeStaked: t.bigint().notNull(),
  committeeSlashed: t.bigint().notNull(),
  credited: t.bigint().notNull(),
  creditsWithdrawn: t.bigint().notNull(),
  firstSeenBlock: t.bigint().notNull(),
  lastSeenBlock: t.bigint().notNull(),
}), (a) => ({ earnedIdx: index().on(a.earned) }));

/** An FHE committee (FheCommittees): a fixed member list jointly holding a CKKS key, n-of-n. */
export const committee = onchainTable("committee", (t) => ({
  id: t.bigint().primaryKey(),
  creator: t.hex().notNull(),
  /** Public seed of the key setup's common polynomials (the library's committeeId). */
  seed: t.hex().notNull(),
  status: committeeStatus("status").notNull(),
  memberCount: t.integer().notNull(),
  threshold: t.integer().notNull(),
  /** Members that committed their key share (and staked) / confirmed the assembled keys. */
  commits: t.integer().notNull(),
  confirmations: t.integer().notNull(),
  stakeToken: t.hex().notNull(),
  /** Each member's stake. */
  stake: t.bigint().notNull(),
  staked: t.bigint().notNull(),
  slashed: t.bigint().notNull(),
  stakesWithdrawn: t.bigint().notNull(),
  setupDeadline: t.bigint().notNull(),
  unbondingPeriod: t.integer().notNull(),
  /** The collective key's id and the storage root of the committee keys file (set when Active). */
  keyId: t.hex(),
  keysRoot: t.hex(),
  /** When the setup failed, or the committee was retired or broken (block time); stakes unbond at unbondsAt. */
  endedAt: t.bigint(),
  unbondsAt: t.bigint(),
  retiredBy: t.hex(),
  /** Decryption shares posted (declines included) and FHE tasks under its key. */
  shareCount: t.integer().notNull(),
  taskCount: t.integer().notNull(),
  createdBlock: t.bigint().notNull(),
  createdAt: t.bigint().notNull(),
  createdTx: t.hex().notNull(),
  updatedBlock: t.bigint().notNull(),
  updatedAt: t.bigint().notNull(),
}), (c) => ({ creatorIdx: index().on(c.creator, c.id), statusIdx: index().on(c.status, c.id), keyIdx: index().on(c.keyId) }));

/**
 * An FHE key that tasks name (FheInputsSet) or a committee holds (CommitteeActivated): `keyId`. It links a task to
 * its committee whichever event comes first, without a query outside Ponder's cache (backfills stay in memory).
 */
export const fheKey = onchainTable("fhe_key", (t) => ({
  id: t.hex().primaryKey(),
  committeeId: t.bigint(),
  /** The FHE tasks under this key, in creation order. */
  taskIds: t.bigint().array().notNull(),
}));

/** A committee seat: `${committeeId}-${account}`. `index` is 1-based (the key-share files' member is index − 1). */
export const committeeMember = onchainTable("committee_member", (t) => ({
  id: t.text().primaryKey(),
  committeeId: t.bigint().notNull(),
  account: t.hex().notNull(),
  index: t.integer().notNull(),
  committed: t.boolean().notNull(),
  keyShareRoot: t.hex(),
  stake: t.bigint().notNull(),
  confirmed: t.boolean().notNull(),
  slashed: t.boolean().notNull(),
  /** The task whose result it left without a share, and who got its stake (the task's creator). */
  slashedTaskId: t.bigint(),
  slashedTo: t.hex(),
  withdrawn: t.boolean().notNull(),
  shareCount: t.integer().notNull(),
}), (m) => ({ committeeIdx: index().on(m.committeeId, m.index), accountIdx: index().on(m.account, m.committeeId) }));

/**
 * A member's decryption share (or decline) for the result of an FHE task's round-1 attempt:
 * `${taskId}-${attempt}-${member}`.
 */
export const decryptionShare = onchainTable("decryption_share", (t) => ({
  id: t.text().primaryKey(),
  taskId: t.bigint().notNull(),
  attempt: t.integer().notNull(),
  /** The roundAttempt row of the result: `${taskId}-1-${attempt}`. */
  attemptId: t.text().notNull(),
  committeeId: t.bigint().notNull(),
  committeeMemberId: t.text().notNull(),
  member: t.hex().notNull(),
  /** Storage root of the decryption share file, or of the statement why the member declined. */
  root: t.hex().notNull(),
  declined: t.boolean().notNull(),
  block: t.bigint().notNull(),
  timestamp: t.bigint().notNull(),
  tx: t.hex().notNull(),
}), (d) => ({ taskIdx: index().on(d.taskId, d.attempt), committeeIdx: index().on(d.committeeId), memberIdx: index().on(d.committeeMemberId), attemptIdx: index().on(d.attemptId) }));

// ─── Relations (nested GraphQL fields) ────────────────────────────────────────────────────────────────────────

export const schemaRelations = relations(schema, ({ many }) => ({
  datasets: many(dataset),
  tasks: many(task),
}));

export const datasetRelations = relations(dataset, ({ one, many }) => ({
  schema: one(schema, { fields: [dataset.schemaId], references: [schema.id] }),
  ownerAccount: one(account, { fields: [dataset.owner], references: [account.id] }),
  versions: many(datasetVersion),
  members: many(member),
  fheInputs: many(fheInput),
}));

export const datasetVersionRelations = relations(datasetVersion, ({ one }) => ({
  dataset: one(dataset, { fields: [datasetVersion.datasetId], references: [dataset.id] }),
}));

export const taskRelations = relations(task, ({ one, many }) => ({
  schema: one(schema, { fields: [task.schemaId], references: [schema.id] }),
  creatorAccount: one(account, { fields: [task.creator], references: [account.id] }),
  members: many(member),
  rounds: many(round),
  attempts: many(roundAttempt),
  updates: many(update),
  settlements: many(settlement),
  disputes: many(dispute),
  claims: many(claim),
  slashes: many(slashing),
  refunds: many(refund),
  fheInputs: many(fheInput),
  committee: one(committee, { fields: [task.committeeId], references: [committee.id] }),
  shares: many(decryptionShare),
}));

export const fheInputRelations = relations(fheInput, ({ one }) => ({
  task: one(task, { fields: [fheInput.taskId], references: [task.id] }),
  dataset: one(dataset, { fields: [fheInput.datasetId], references: [dataset.id] }),
}));

export const memberRelations = relations(member, ({ one, many }) => ({
  task: one(task, { fields: [member.taskId], references: [task.id] }),
  dataset: one(dataset, { fields: [member.datasetId], references: [dataset.id] }),
  account: one(account, { fields: [member.node], references: [account.id] }),
  updates: many(update),
  slash: one(slashing, { fields: [member.id], references: [slashing.memberId] }),
}));

export const roundRelations = relations(round, ({ one, many }) => ({
  task: one(task, { fields: [round.taskId], references: [task.id] }),
  attempts: many(roundAttempt),
  updates: many(update),
  reveals: many(reveal),
}));

export const roundAttemptRelations = relations(roundAttempt, ({ one, many }) => ({
  task: one(task, { fields: [roundAttempt.taskId], references: [task.id] }),
  roundInfo: one(round, { fields: [roundAttempt.roundId], references: [round.id] }),
  updates: many(update),
  reveals: many(reveal),
  shares: many(decryptionShare),
}));

export const updateRelations = relations(update, ({ one }) => ({
  task: one(task, { fields: [update.taskId], references: [task.id] }),
  roundInfo: one(round, { fields: [update.roundId], references: [round.id] }),
  roundAttempt: one(roundAttempt, { fields: [update.attemptId], references: [roundAttempt.id] }),
  member: one(member, { fields: [update.memberId], references: [member.id] }),
  account: one(account, { fields: [update.node], references: [account.id] }),
}));

export const revealRelations = relations(reveal, ({ one }) => ({
  roundInfo: one(round, { fields: [reveal.roundId], references: [round.id] }),
  roundAttempt: one(roundAttempt, { fields: [reveal.attemptId], references: [roundAttempt.id] }),
  member: one(member, { fields: [reveal.memberId], references: [member.id] }),
}));

export const settlementRelations = relations(settlement, ({ one }) => ({
  task: one(task, { fields: [settlement.taskId], references: [task.id] }),
}));

export const disputeRelations = relations(dispute, ({ one }) => ({
  task: one(task, { fields: [dispute.taskId], references: [task.id] }),
}));

export const claimRelations = relations(claim, ({ one }) => ({
  task: one(task, { fields: [claim.taskId], references: [task.id] }),
  recipient: one(account, { fields: [claim.account], references: [account.id] }),
}));

export const slashingRelations = relations(slashing, ({ one }) => ({
  task: one(task, { fields: [slashing.taskId], references: [task.id] }),
  member: one(member, { fields: [slashing.memberId], references: [member.id] }),
}));

export const refundRelations = relations(refund, ({ one }) => ({
  task: one(task, { fields: [refund.taskId], references: [task.id] }),
}));

export const accountRelations = relations(account, ({ many }) => ({
  datasets: many(dataset),
  tasksCreated: many(task),
  memberships: many(member),
  updates: many(update),
  claims: many(claim),
  committeeMemberships: many(committeeMember),
}));

export const committeeRelations = relations(committee, ({ one, many }) => ({
  creatorAccount: one(account, { fields: [committee.creator], references: [account.id] }),
  members: many(committeeMember),
  shares: many(decryptionShare),
  tasks: many(task),
}));

export const fheKeyRelations = relations(fheKey, ({ one }) => ({
  committee: one(committee, { fields: [fheKey.committeeId], references: [committee.id] }),
}));

export const committeeMemberRelations = relations(committeeMember, ({ one, many }) => ({
  committee: one(committee, { fields: [committeeMember.committeeId], references: [committee.id] }),
  memberAccount: one(account, { fields: [committeeMember.account], references: [account.id] }),
  shares: many(decryptionShare),
}));

export const decryptionShareRelations = relations(decryptionShare, ({ one }) => ({
  task: one(task, { fields: [decryptionShare.taskId], references: [task.id] }),
  roundAttempt: one(roundAttempt, { fields: [decryptionShare.attemptId], references: [roundAttempt.id] }),
  committee: one(committee, { fields: [decryptionShare.committeeId], references: [committee.id] }),
  committeeMember: one(committeeMember, { fields: [decryptionShare.committeeMemberId], references: [committeeMember.id] }),
}));
