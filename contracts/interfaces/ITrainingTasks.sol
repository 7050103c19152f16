// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IDatasetIndex} from "./IDatasetIndex.sol";

/// @title ITrainingTasks
/// @notice The Task contract: every training job (federated learning or FHE compute) with its escrowed budget,
/// staked nodes, rounds, update commitments, settlement by payout Merkle root, claims and slashing.
/// @dev Over 250 lines on purpose: this is the contract's whole external surface (types, events, errors, functions
/// and views) with its NatSpec, in one place, as OpenZeppelin and v4-core interfaces do. Splitting it would move
/// the types to another name and change the ABI's internal type names that the generated ABIs carry.
interface ITrainingTasks {
    /// @notice FL: federated learning (members train on their own datasets, an aggregator sums masked updates).
    /// FHE: one compute node evaluates on CKKS-encrypted input datasets.
    enum TaskKind {
        FL,
        FHE
    }

    /// @dev Open: nodes join. Running: rounds. Finished: all rounds finalized, waiting for settlement.
    /// Settled: payout root posted (claims open after the challenge window, close after the claim period).
    /// Disputed: a staked member proposed another payout root; the task's resolver picks one of the candidates
    /// before the resolve deadline, and its silence leaves the original settlement standing (claimable from that
    /// deadline). Cancelled: never started. Abandoned: nobody settled or finalized in time.
    enum TaskStatus {
        None,
        Open,
        Running,
        Finished,
        Settled,
        Disputed,
        Cancelled,
        Abandoned
    }

    /// @notice What a task creator chooses. Times are in seconds.
    struct TaskParams {
        TaskKind kind;
        uint32 schemaId;
        bytes32 modelRoot;
        uint16 rounds;
        uint16 minNodes;
        uint16 maxNodes;
        uint128 stake;
        IERC20 rewardToken;
        uint128 budget;
        uint64 joinDeadline;
        uint32 roundDuration;
        uint32 revealDuration;
        uint32 aggregatorWindow;
        uint32 challengeWindow;
        uint32 claimPeriod;
        address aggregator;
        address resolver;
        uint16 dataShareBps;
        uint16 computeDecayBps;
        uint16 dataDecayBps;
    }

    /// @notice Bounds on a task's terms, fixed at deployment (a local chain may allow short windows; a public one
    /// needs windows long enough to dispute and short enough that nobody's stake is held hostage). Seconds.
    struct TermLimits {
        uint32 minWindow;
        uint32 maxWindow;
        uint32 minChallengeWindow;
        uint32 maxChallengeWindow;
        uint32 maxJoinPeriod;
        uint32 minClaimPeriod;
        uint32 maxClaimPeriod;
    }

    /// @notice The bounded task terms, named in {TrainingTasksTermOutOfRange}.
    enum Term {
        JoinPeriod,
        RoundDuration,
        RevealDuration,
        AggregatorWindow,
        ChallengeWindow,
        ClaimPeriod
    }

    /// @notice What {TrainingTasksInvalidParam} refuses: RewardToken, Aggregator, ModelRoot zero; Budget zero;
    /// Escrow: budget + maxNodes × stake above 2^128 − 1; Rounds: 0 or above 1000; JoinDeadline not in the future;
    /// Bps above 10000; Decay zero; Schema unknown; Nodes: FL minNodes < 3 or maxNodes < minNodes, FHE not exactly
    /// one round and one node; FheInputs: none for FHE, some for FL; Samples above 2^48 − 1; TermLimits inconsistent;
    /// DpTerms: a DP task that is not FL, a zero noise multiplier, δ zero or above {MAX_DP_DELTA_E18}.
    enum Param {
        RewardToken,
        Aggregator,
        ModelRoot,
        Budget,
        Escrow,
        Rounds,
        JoinDeadline,
        Bps,
        Decay,
        Schema,
        Nodes,
        FheInputs,
        Samples,
        TermLimits,
        DpTerms
    }

    /// @notice Differential-privacy terms of an FL task (docs/fl.md "Differential privacy"): each node adds discrete
    /// Gaussian noise so that `minNodes` survivors carry noise `noiseMultiplierE6 / 1e6` × the update sensitivity;
    /// ε is reported at δ = `deltaE18 / 1e18`. With the task's minNodes and each round's submissions they give ε.
    struct DpTerms {
        uint32 noiseMultiplierE6;
        uint64 deltaE18;
    }

    /// @notice An input dataset of an FHE task with the values of its current commitment.
    struct FheInput {
        uint256 datasetId;
        bytes32 root;
        bytes32 manifestRoot;
        uint64 rows;
    }

    /// @notice The state of a round's current attempt (one slot). `samples` sums the submitted sample counts.
    struct RoundState {
        uint64 start;
        uint16 attempt;
        uint16 members;
        uint16 submissions;
        uint16 reveals;
        bool finalized;
        uint64 samples;
    }

    /// @notice A member of a task, in one slot: its dataset (0 for an FHE compute node), its join index (1-based;
    /// 0 = not a member), whether it was slashed, took its stake back, or disputed the settlement.
    struct Member {
        uint64 datasetId;
        uint16 joinIndex;
        bool slashed;
        bool stakeWithdrawn;
        bool disputed;
    }

    /// @notice A task was created and its budget escrowed. Every parameter is in the event.
    event TaskCreated(uint256 indexed taskId, address indexed creator, TaskParams params);
    /// @notice The input datasets of an FHE task, all encrypted under `keyId`.
    event FheInputsSet(uint256 indexed taskId, bytes32 indexed keyId, uint256[] datasetIds);
    /// @notice An FL task created with differential privacy (right after its {TaskCreated}).
    event DpTermsSet(uint256 indexed taskId, uint32 noiseMultiplierE6, uint64 deltaE18);
    /// @notice A node joined with its stake, dataset and secure-aggregation public key.
    event MemberJoined(
        uint256 indexed taskId, address indexed node, uint256 indexed datasetId, bytes32 saPublicKey, uint128 stake
    );
    /// @notice Attempt `attempt` of round `round` started with `members` active members.
    event RoundStarted(
        uint256 indexed taskId,
        uint16 indexed round,
        uint16 attempt,
        uint64 start,
        uint64 submitDeadline,
        uint64 revealDeadline,
        uint64 finalizeDeadline,
        uint16 members
    );
    /// @notice A member committed its (masked) update for a round.
    event UpdateSubmitted(
        uint256 indexed taskId, uint16 indexed round, address indexed node, uint16 attempt, bytes32 updateRoot, uint64 samples
    );
    /// @notice A member published the round seeds it shared with the members that dropped.
    event SeedsRevealed(
        uint256 indexed taskId, uint16 indexed round, address indexed node, uint16 attempt, bytes32 revealRoot
    );
    /// @notice The aggregator published a round's model (FHE: the published, rounded result).
    event RoundFinalized(
        uint256 indexed taskId,
        uint16 indexed round,
        uint16 attempt,
        bytes32 modelRoot,
        uint16 submissions,
        uint64 samples,
        uint32 lossE6,
        uint32 accuracyE6
    );
    /// @notice A round attempt that could not be finalized is re-run with fresh seeds.
    event RoundRestarted(uint256 indexed taskId, uint16 indexed round, uint16 attempt);
    /// @notice All rounds are finalized; settlement is due before `settleDeadline`.
    event TaskFinished(uint256 indexed taskId, uint64 settleDeadline);
    /// @notice A payout root was posted; claims open at `claimsOpenAt` unless disputed.
    event TaskSettled(
        uint256 indexed taskId, address indexed settler, bytes32 payoutRoot, uint256 total, uint64 claimsOpenAt
    );
    /// @notice A staked member disputed the settlement and proposed (`proposedRoot`, `proposedTotal`) instead. The
    /// resolver may pick a candidate until `resolveDeadline`; from then on the original settlement stands.
    event SettlementDisputed(
        uint256 indexed taskId, address indexed member, bytes32 proposedRoot, uint256 proposedTotal, uint64 resolveDeadline
    );
    /// @notice The resolver picked the settlement that pays out; claims open at `claimsOpenAt`.
    event SettlementResolved(
        uint256 indexed taskId, address indexed resolver, bytes32 payoutRoot, uint256 total, uint64 claimsOpenAt
    );
    /// @notice `account` claimed `amount` by Merkle proof (leaf `index`).
    event RewardClaimed(uint256 indexed taskId, address indexed account, uint256 index, uint256 amount);
    /// @notice A node's stake went to the reward pool for a missed round.
    event MemberSlashed(uint256 indexed taskId, address indexed node, uint16 indexed round, uint128 amount, address slasher);
    /// @notice A member took its stake back.
    event StakeWithdrawn(uint256 indexed taskId, address indexed node, uint128 amount);
    /// @notice The creator took back budget that was not paid out.
    event RefundWithdrawn(uint256 indexed taskId, address indexed creator, uint256 amount);
    /// @notice A task was cancelled before it started.
    event TaskCancelled(uint256 indexed taskId);
    /// @notice A task was abandoned because its aggregator missed a deadline.
    event TaskAbandoned(uint256 indexed taskId, address indexed caller);

    /// @notice A task parameter (or the deployment's term limits) is invalid; `param` says which (see {Param}).
    error TrainingTasksInvalidParam(Param param);
    /// @notice No task has id `taskId`.
    error TrainingTasksUnknownTask(uint256 taskId);
    /// @notice The task is in `status`, where this call is not allowed.
    error TrainingTasksWrongStatus(uint256 taskId, TaskStatus status);
    /// @notice Only the task's creator may do this (for a cancel: before the join deadline).
    error TrainingTasksNotCreator(uint256 taskId, address account);
    /// @notice Only the task's aggregator may do this.
    error TrainingTasksNotAggregator(uint256 taskId, address account);
    /// @notice `account` is not an active (joined, unslashed) member of the task, or has no stake left in it.
    error TrainingTasksNotMember(uint256 taskId, address account);
    /// @notice `account` already joined the task.
    error TrainingTasksAlreadyMember(uint256 taskId, address account);
    /// @notice The task already has `maxNodes` members.
    error TrainingTasksTaskFull(uint256 taskId, uint16 maxNodes);
    /// @notice The join deadline `joinDeadline` has passed.
    error TrainingTasksJoinClosed(uint256 taskId, uint64 joinDeadline);
    /// @notice `members` active members are fewer than the `minNodes` needed to start (or to re-run a round).
    error TrainingTasksNotEnoughMembers(uint256 taskId, uint16 members, uint16 minNodes);
    /// @notice Dataset `datasetId` cannot be used by this task: unknown, retired, of another schema, not the caller's
    /// (FL), not committed as given under the key (FHE), or non-zero for an FHE compute node.
    error TrainingTasksDatasetMismatch(uint256 taskId, uint256 datasetId);
    /// @notice `round` is not the task's current round `currentRound`.
    error TrainingTasksWrongRound(uint256 taskId, uint16 round, uint16 currentRound);
    /// @notice The window for this call closed at `deadline`: a round's submit, reveal or finalize deadline; for
    /// settle and resolve, the members' settle deadline or the resolve deadline.
    error TrainingTasksRoundClosed(uint256 taskId, uint16 round, uint64 deadline);
    /// @notice Too early: the call is allowed from `notBefore`.
    error TrainingTasksTooEarly(uint256 taskId, uint64 notBefore);
    /// @notice `node` already submitted (or revealed) in this attempt of `round`.
    error TrainingTasksAlreadySubmitted(uint256 taskId, uint16 round, address node);
    /// @notice `node` has no update in this attempt of `round`, so it has no seeds to reveal.
    error TrainingTasksNotSubmitted(uint256 taskId, uint16 round, address node);
    /// @notice Every member submitted in this attempt of `round`: there is nothing to reveal.
    error TrainingTasksNoDropouts(uint256 taskId, uint16 round);
    /// @notice `round` has `submissions` updates, fewer than the `required` to finalize (FL 3, FHE 1).
    error TrainingTasksNotEnoughSubmissions(uint256 taskId, uint16 round, uint16 submissions, uint16 required);
    /// @notice A member dropped and only `reveals` of the `submissions` submitters revealed their seeds: the masks
    /// cannot be removed yet.
    error TrainingTasksMissingReveals(uint256 taskId, uint16 round, uint16 reveals, uint16 submissions);
    /// @notice `round` already ran `maxAttempts` attempts.
    error TrainingTasksTooManyAttempts(uint256 taskId, uint16 round, uint16 maxAttempts);
    /// @notice A root (update, reveal, model or payout) is zero.
    error TrainingTasksZeroRoot();
    /// @notice A payout `total` above the task's `pool` (budget + slashed stakes).
    error TrainingTasksPayoutExceedsPool(uint256 taskId, uint256 total, uint256 pool);
    /// @notice Claims (and refunds of a settled task) open at `claimsOpenAt`.
    error TrainingTasksClaimsNotOpen(uint256 taskId, uint64 claimsOpenAt);
    /// @notice The challenge window ended at `claimsOpenAt`: no more disputes.
    error TrainingTasksChallengeWindowClosed(uint256 taskId, uint64 claimsOpenAt);
    /// @notice `account` may not dispute: no stake in the task, or the creator or the aggregator.
    error TrainingTasksCannotDispute(uint256 taskId, address account);
    /// @notice `account` already disputed this settlement.
    error TrainingTasksAlreadyDisputed(uint256 taskId, address account);
    /// @notice Only the task's resolver may resolve a dispute.
    error TrainingTasksNotResolver(uint256 taskId, address account);
    /// @notice (`payoutRoot`, `total`) is neither the original settlement nor a disputed proposal.
    error TrainingTasksUnknownProposal(uint256 taskId, bytes32 payoutRoot, uint256 total);
    /// @notice The claim period ended at `claimsCloseAt`.
    error TrainingTasksClaimsClosed(uint256 taskId, uint64 claimsCloseAt);
    /// @notice Task term `term` is `value`, outside the deployment's [`min`, `max`].
    error TrainingTasksTermOutOfRange(Term term, uint256 value, uint256 min, uint256 max);
    /// @notice `resolver` cannot be this task's resolver: zero, the creator or the aggregator (and a resolver may not
    /// join).
    error TrainingTasksInvalidResolver(address resolver);
    /// @notice `token` moved `moved` instead of `amount` on one side of a transfer (fee-on-transfer tokens are
    /// refused).
    error TrainingTasksUnsupportedToken(IERC20 token, uint256 amount, uint256 moved);
    /// @notice After dropping the listed members `activeMembers` remain, not `expected`: the list misses a member
    /// that failed the attempt.
    error TrainingTasksMissingDropouts(uint256 taskId, uint16 round, uint16 activeMembers, uint16 expected);
    /// @notice Payout leaf `index` was already claimed.
    error TrainingTasksAlreadyClaimed(uint256 taskId, uint256 index);
    /// @notice The proof does not show (`account`, `amount`) as a leaf of the payout root.
    error TrainingTasksInvalidProof(uint256 taskId, address account, uint256 amount);
    /// @notice The claims would reach `claimed`, above the posted payout `total`.
    error TrainingTasksClaimExceedsTotal(uint256 taskId, uint256 claimed, uint256 total);
    /// @notice `node` did not objectively miss `round` (see {slash}).
    error TrainingTasksNotSlashable(uint256 taskId, address node, uint16 round);
    /// @notice `account` has nothing (more) to withdraw from the task.
    error TrainingTasksNothingToWithdraw(uint256 taskId, address account);
    /// @notice The deadline `deadline` has not passed: the task cannot be abandoned yet.
    error TrainingTasksDeadlineNotMissed(uint256 taskId, uint64 deadline);

    /// @notice Creates a task and pulls `params.budget` of `params.rewardToken` into escrow.
    /// @dev Requirements: valid params (rounds >= 1; FL: 3 <= minNodes <= maxNodes; FHE: rounds == minNodes ==
    /// maxNodes == 1 and `fheInputs` non-empty, all CKKS under `keyId`, committed as given and not retired;
    /// bps <= 10000; joinDeadline in the future and at most `maxJoinPeriod` away; round, reveal and aggregator
    /// windows, challenge window and claim period within the deployment's {TermLimits}; non-zero aggregator and
    /// token; a resolver that is neither zero, the creator nor the aggregator; budget + maxNodes * stake fits in
    /// uint128); allowance for the budget; a token that moves exactly the amount (no fee on either side).
    /// Emits {TaskCreated} (and {FheInputsSet} for FHE tasks).
    function createTask(TaskParams calldata params, FheInput[] calldata fheInputs, bytes32 keyId)
        external
        returns (uint256 taskId);

    /// @notice Creates an FL task with differential-privacy terms, as {createTask} with no FHE inputs.
    /// @dev Requirements: those of {createTask} for an FL task; `dp.noiseMultiplierE6` > 0 and
    /// 0 < `dp.deltaE18` <= {MAX_DP_DELTA_E18}. Emits {TaskCreated} then {DpTermsSet}.
    function createDpTask(TaskParams calldata params, DpTerms calldata dp) external returns (uint256 taskId);

    /// @notice The DP terms of a task (zeros: no DP).
    function getDpTerms(uint256 taskId) external view returns (DpTerms memory);

    /// @notice Joins an open task: pulls the stake and records the dataset and the secure-aggregation key.
    /// @dev Requirements: task Open, before the join deadline, not full, caller not a member nor the resolver; FL: the dataset exists,
    /// is owned by the caller, not retired and of the task's schema (FHE compute nodes pass datasetId 0).
    /// Starts round 1 when the task becomes full. Emits {MemberJoined} (and {RoundStarted}).
    function joinTask(uint256 taskId, uint256 datasetId, bytes32 saPublicKey) external;

    /// @notice Starts round 1 of an open task with enough members.
    /// @dev Requirements: task Open, members >= minNodes, and the join deadline passed or the caller is the
    /// creator. Emits {RoundStarted}.
    function startTask(uint256 taskId) external;

    /// @notice Commits the caller's (masked) update for the current round.
    /// @dev Requirements: caller is an active member, `round` is current, before the submit deadline, once per
    /// attempt, non-zero root, samples <= 2^48 - 1 (so the round's uint64 sum cannot overflow). Emits {UpdateSubmitted}.
    function submitUpdate(uint256 taskId, uint16 round, bytes32 updateRoot, uint64 samples) external;

    /// @notice Publishes the round seeds the caller shared with the members that dropped.
    /// @dev Requirements: caller submitted in this attempt, some member did not, inside the reveal window, once.
    /// Emits {SeedsRevealed}.
    function revealSeeds(uint256 taskId, uint16 round, bytes32 revealRoot) external;

    /// @notice Publishes the aggregated model of the current round and starts the next one (or finishes the task).
    /// Members without an update in this attempt are dropped: `dropped` lists them, each is slashed (its stake
    /// joins the reward pool) and the next round does not wait for them.
    /// @dev Requirements: caller is the aggregator; FL needs >= 3 submissions (FHE: 1); when every member
    /// submitted it may finalize at once, otherwise after the submit deadline with every submitter's reveal;
    /// `dropped` names exactly the active members without an update (each once).
    /// Emits {MemberSlashed} per dropped member, {RoundFinalized} and {RoundStarted} or {TaskFinished}.
    function finalizeRound(
        uint256 taskId,
        uint16 round,
        bytes32 modelRoot,
        uint32 lossE6,
        uint32 accuracyE6,
        address[] calldata dropped
    ) external;

    /// @notice Re-runs the current round with fresh seeds when it cannot be finalized, dropping (and slashing) the
    /// members that objectively missed the attempt: no update, or no reveal while some member dropped.
    /// @dev Requirements: caller is the aggregator, the reveal window is over and the finalize window is not,
    /// attempts left, `dropped` names exactly the members that missed the attempt, and enough members are left
    /// to finalize a re-run (FL: 3, FHE: 1; otherwise the task can only be abandoned).
    /// Emits {MemberSlashed} per dropped member, {RoundRestarted} and {RoundStarted}.
    function restartRound(uint256 taskId, address[] calldata dropped) external;

    /// @notice Posts the payout Merkle root; claims open after the challenge window.
    /// @dev Requirements: task Finished; the aggregator before the settle deadline, or — if it stayed silent — any
    /// staked member in the aggregator window after it; non-zero root; `total` <= budget + slashed stakes. Gas does
    /// not depend on the number of participants. Emits {TaskSettled}.
    function settle(uint256 taskId, bytes32 payoutRoot, uint256 total) external;

    /// @notice Disputes a settlement inside its challenge window by proposing the payout the caller recomputed.
    /// The first dispute moves claims to the resolve deadline (challenge end + challenge window).
    /// @dev Requirements: task Settled or Disputed, before the challenge window ends; caller is a member with its
    /// stake in the task (not slashed, not withdrawn), neither the creator nor the aggregator, and has not
    /// disputed before; non-zero root; `proposedTotal` <= budget + slashed stakes. Emits {SettlementDisputed}.
    function dispute(uint256 taskId, bytes32 proposedRoot, uint256 proposedTotal) external;

    /// @notice The task's resolver picks the settlement that pays out: the original or one of the proposals.
    /// Claims open at once.
    /// @dev Requirements: caller is the task's resolver, task Disputed, challenge window over and resolve deadline
    /// not passed, (`payoutRoot`, `total`) is a candidate. Emits {SettlementResolved}.
    function resolve(uint256 taskId, bytes32 payoutRoot, uint256 total) external;

    /// @notice Pays `amount` to `account` for leaf (`index`, `account`, `amount`) of the payout tree.
    /// @dev Leaf = keccak256(bytes.concat(keccak256(abi.encode(index, account, amount)))) (OpenZeppelin
    /// StandardMerkleTree, ["uint256","address","uint256"]). Anyone may submit a claim; tokens go to `account`.
    /// Requirements: claims open (settled and past the challenge window, or disputed and past the resolve deadline)
    /// and not closed (claim period), leaf not claimed, valid proof, total claimed <= total, and the token moves
    /// exactly `amount`. Emits {RewardClaimed}.
    function claim(uint256 taskId, uint256 index, address account, uint256 amount, bytes32[] calldata proof) external;

    /// @notice Moves a member's stake into the reward pool for an objectively missed round.
    /// @dev Missed = no update in the round's final attempt after its submit deadline, or an update without a
    /// reveal after the reveal deadline in an attempt where some member did not submit. Requirements: task Running
    /// or Finished, member not slashed. Emits {MemberSlashed}.
    function slash(uint256 taskId, address node, uint16 round) external;

    /// @notice {slash} for many members of one round at once: how an aggregator drops more members than fit one
    /// finalizeRound/restartRound transaction (~12k gas each, ~30k for the first; transactions are capped at
    /// 2^24 gas).
    /// @dev Same requirements as {slash} for every node; reverts as a whole. Emits {MemberSlashed} per node.
    function slashMany(uint256 taskId, uint16 round, address[] calldata nodes) external;

    /// @notice Returns the caller's stake.
    /// @dev Requirements: caller is a member, not slashed, stake not withdrawn, task Settled, Disputed, Cancelled or
    /// Abandoned. Emits {StakeWithdrawn}.
    function withdrawStake(uint256 taskId) external;

    /// @notice Returns to the creator what will not be paid out: the budget of a cancelled task, budget + slashed
    /// stakes of an abandoned one, pool − total of a settled one once claims are open, and pool − claimed once the
    /// claim period is over (unclaimed payouts expire).
    /// @dev Requirements: caller is the creator, something left. Emits {RefundWithdrawn}.
    function withdrawRefund(uint256 taskId) external;

    /// @notice Cancels a task that has not started: by its creator, or by anyone after the join deadline when too
    /// few nodes joined. Emits {TaskCancelled}.
    function cancelTask(uint256 taskId) external;

    /// @notice The safety valve: once the aggregator missed a finalize deadline, or nobody settled a finished task
    /// (aggregator nor members) in time, anyone can abandon the task; members then withdraw their stakes and the
    /// creator its budget. Emits {TaskAbandoned}.
    function abandonTask(uint256 taskId) external;

    // ─── Views ──────────────────────────────────────────────────────────────────────────────────────────────────

    /// @notice The DatasetIndex contract members' datasets are checked against.
    function datasetIndex() external view returns (IDatasetIndex);

    /// @notice Number of tasks (ids are 1..taskCount).
    function taskCount() external view returns (uint256);

    /// @notice A task's parameters. Reverts {TrainingTasksUnknownTask} for an unknown id, as do getTaskState,
    /// getTaskFunds and getSettlement (the per-round, per-member and per-leaf lookups return zeros instead).
    function getTaskParams(uint256 taskId) external view returns (TaskParams memory);

    /// @notice A task's creator, status, current round and number of active (joined, unslashed) members.
    function getTaskState(uint256 taskId)
        external
        view
        returns (address creator, TaskStatus status, uint16 currentRound, uint16 activeMembers);

    /// @notice A task's money: budget, staked, slashed, stakes withdrawn, payout total, claimed, refunded.
    function getTaskFunds(uint256 taskId)
        external
        view
        returns (
            uint256 budget,
            uint256 staked,
            uint256 slashed,
            uint256 stakesWithdrawn,
            uint256 payoutTotal,
            uint256 claimed,
            uint256 refunded
        );

    /// @notice A task's settlement: payout root and total, when claims open and close, when disputes close, and the
    /// aggregator's settle deadline. While Disputed, `claimsOpenAt` is the resolve deadline.
    function getSettlement(uint256 taskId)
        external
        view
        returns (
            bytes32 payoutRoot,
            uint256 total,
            uint64 claimsOpenAt,
            uint64 claimsCloseAt,
            uint64 challengeEnd,
            uint64 settleDeadline
        );

    /// @notice Whether (`payoutRoot`, `total`) was proposed by a dispute of the task (a candidate for the resolver).
    function isProposed(uint256 taskId, bytes32 payoutRoot, uint256 total) external view returns (bool);

    /// @notice The bounds on task terms this deployment enforces.
    function termLimits() external view returns (TermLimits memory);

    /// @notice The key id an FHE task's inputs are encrypted under (as in {FheInputsSet}): a single key holder's, or
    /// a committee's collective key (then {IFheCommittees} decrypts the result). Zero for FL tasks and unknown ids.
    function getFheKeyId(uint256 taskId) external view returns (bytes32);

    /// @notice The state of a round's current (or final) attempt.
    function getRound(uint256 taskId, uint16 round) external view returns (RoundState memory);

    /// @notice A member's dataset, join index (0 = not a member), slashed, withdrawn and disputed flags.
    function getMember(uint256 taskId, address node) external view returns (Member memory);

    /// @notice The update root a node committed in a round attempt (zero if none).
    function updateOf(uint256 taskId, uint16 round, uint16 attempt, address node) external view returns (bytes32);

    /// @notice The reveal root a node committed in a round attempt (zero if none).
    function revealOf(uint256 taskId, uint16 round, uint16 attempt, address node) external view returns (bytes32);

    /// @notice Whether payout leaf `index` of a task has been claimed.
    function isClaimed(uint256 taskId, uint256 index) external view returns (bool);
}
