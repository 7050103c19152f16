// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {BitMaps} from "@openzeppelin/contracts/utils/structs/BitMaps.sol";
import {IDatasetIndex} from "../../../contracts/interfaces/IDatasetIndex.sol";
import {ITrainingTasks} from "../../../contracts/interfaces/ITrainingTasks.sol";
import {RoundSchedule} from "../../../contracts/libraries/RoundSchedule.sol";
import {PayoutLeaf} from "../../../contracts/libraries/PayoutLeaf.sol";

/// @title TrainingTasks
/// @notice One contract holding every training task (a singleton, like Uniswap v4's PoolManager): escrowed budgets,
/// staked nodes, rounds with update commitments, settlement by payout Merkle root, claims and slashing.
/// @dev Money rules: a task can never pay out more than it took in. Per task, the contract holds
/// budget + staked − claimed − refunded − stakesWithdrawn; claims are bounded by the posted total, the total by
/// budget + slashed, stake withdrawals by the member's unslashed stake. Every function follows
/// checks-effects-interactions (state is final before any token transfer), and tokens that deliver less than the
/// requested amount (fee-on-transfer) are refused, so the accounting above always matches the balance.
contract BuggyTrainingTasks is ITrainingTasks {
    using SafeERC20 for IERC20;
    using BitMaps for BitMaps.BitMap;

    /// @dev Packing: slot 0 = creator | status | kind | currentRound | activeMembers | resettled (27 B);
    /// slot 1 = settleDeadline | claimsOpenAt | slashed; slot 2 = staked | stakesWithdrawn;
    /// slot 3 = payoutTotal | claimed; slot 4 = refunded; slot 5 = payoutRoot; then the params.
    struct Task {
        address creator;
        TaskStatus status;
        TaskKind kind;
        uint16 currentRound;
        uint16 activeMembers;
        bool resettled;
        uint64 settleDeadline;
        uint64 claimsOpenAt;
        uint128 slashed;
        uint128 staked;
        uint128 stakesWithdrawn;
        uint128 payoutTotal;
        uint128 claimed;
        uint128 refunded;
        bytes32 payoutRoot;
        TaskParams params;
    }

    /// @dev One slot: datasetId | joinIndex (1-based; 0 = not a member) | slashed | stakeWithdrawn.
    struct Member {
        uint64 datasetId;
        uint16 joinIndex;
        bool slashed;
        bool stakeWithdrawn;
    }

    /// @dev What `claim` needs besides the root and totals, in one slot (token 20 B | opensAt 8 B | open 1 B), so a
    /// claim reads three slots instead of five. Written by settle, closed by dispute.
    struct ClaimWindow {
        IERC20 token;
        uint64 opensAt;
        bool open;
    }

    uint16 private constant _FL_MIN_SUBMISSIONS = 3;
    uint16 private constant _BPS = 10_000;
    /// @dev The reward algorithm's exact round weights are defined up to round 1000 (src/rewards MAX_ROUND).
    uint16 private constant _MAX_ROUNDS = 1000;
    /// @dev Attempts per round (the first run + 2 re-runs).
    uint16 private constant _MAX_ATTEMPTS = 3;
    /// @dev Cap on one submission's sample count: with at most 2^16 - 1 members the round sum fits its uint64, so
    /// no member can make the others' submissions overflow (and get them slashed).
    uint64 private constant _MAX_SAMPLES = type(uint48).max;

    /// @notice The Index contract datasets are checked against.
    IDatasetIndex public immutable datasetIndex;

    uint256 private _taskCount;
    mapping(uint256 taskId => Task) private _tasks;
    mapping(uint256 taskId => mapping(address node => Member)) private _members;
    mapping(uint256 taskId => mapping(uint16 round => RoundState)) private _rounds;
    mapping(uint256 taskId => mapping(uint256 roundKey => mapping(address node => bytes32 updateRoot))) private
        _updates;
    mapping(uint256 taskId => mapping(uint256 roundKey => mapping(address node => bytes32 revealRoot))) private
        _reveals;
    mapping(uint256 taskId => BitMaps.BitMap) private _claimedLeaves;
    mapping(uint256 taskId => ClaimWindow) private _claimWindows;

    constructor(IDatasetIndex index) {
        datasetIndex = index;
    }

    // ─── Task life cycle ────────────────────────────────────────────────────────────────────────────────────────

    /// @inheritdoc ITrainingTasks
    function createTask(TaskParams calldata params, FheInput[] calldata fheInputs, bytes32 keyId)
        external
        returns (uint256 taskId)
    {
        _checkParams(params, fheInputs.length);
        taskId = ++_taskCount;
        Task storage task = _tasks[taskId];
        task.creator = msg.sender;
        task.status = TaskStatus.Open;
        task.kind = params.kind;
        task.params = params;
        emit TaskCreated(taskId, msg.sender, params);
        if (params.kind == TaskKind.FHE) _setFheInputs(taskId, params.schemaId, fheInputs, keyId);
        _pull(params.rewardToken, params.budget);
    }

    /// @inheritdoc ITrainingTasks
    function joinTask(uint256 taskId, uint256 datasetId, bytes32 saPublicKey) external {
        Task storage task = _taskWithStatus(taskId, TaskStatus.Open);
        TaskParams storage params = task.params;
        if (block.timestamp > params.joinDeadline) revert TrainingTasksJoinClosed(taskId, params.joinDeadline);
        Member storage member = _members[taskId][msg.sender];
        if (member.joinIndex != 0) revert TrainingTasksAlreadyMember(taskId, msg.sender);
        uint16 members = task.activeMembers;
        if (members >= params.maxNodes) revert TrainingTasksTaskFull(taskId, params.maxNodes);
        if (task.kind == TaskKind.FL) {
            _checkMemberDataset(taskId, datasetId, params.schemaId);
        } else if (datasetId != 0) {
            revert TrainingTasksDatasetMismatch(taskId, datasetId);
        }

        uint128 stake = params.stake;
        members += 1;
        member.datasetId = uint64(datasetId);
        member.joinIndex = members;
        task.activeMembers = members;
        task.staked += stake;
        emit MemberJoined(taskId, msg.sender, datasetId, saPublicKey, stake);
        if (members == params.maxNodes) _start(taskId, task);
        _pull(params.rewardToken, stake);
    }

    /// @inheritdoc ITrainingTasks
    function startTask(uint256 taskId) external {
        Task storage task = _taskWithStatus(taskId, TaskStatus.Open);
        uint64 joinDeadline = task.params.joinDeadline;
        if (block.timestamp <= joinDeadline && msg.sender != task.creator) {
            revert TrainingTasksTooEarly(taskId, joinDeadline + 1);
        }
        if (task.activeMembers < task.params.minNodes) {
            revert TrainingTasksNotEnoughMembers(taskId, task.activeMembers, task.params.minNodes);
        }
        _start(taskId, task);
    }

    /// @inheritdoc ITrainingTasks
    function cancelTask(uint256 taskId) external {
        Task storage task = _taskWithStatus(taskId, TaskStatus.Open);
        if (msg.sender != task.creator) {
            uint64 joinDeadline = task.params.joinDeadline;
            if (block.timestamp <= joinDeadline) revert TrainingTasksNotCreator(taskId, msg.sender);
            if (task.activeMembers >= task.params.minNodes) {
                revert TrainingTasksWrongStatus(taskId, TaskStatus.Open);
            }
        }
        task.status = TaskStatus.Cancelled;
        emit TaskCancelled(taskId);
    }

    /// @inheritdoc ITrainingTasks
    function abandonTask(uint256 taskId) external {
        Task storage task = _task(taskId);
        uint64 deadline;
        if (task.status == TaskStatus.Running) {
            RoundState storage round = _rounds[taskId][task.currentRound];
            TaskParams storage p = task.params;
            deadline =
                RoundSchedule.finalizeDeadline(round.start, p.roundDuration, p.revealDuration, p.aggregatorWindow);
        } else if (task.status == TaskStatus.Finished) {
            deadline = task.settleDeadline;
        } else {
            revert TrainingTasksWrongStatus(taskId, task.status);
        }
        if (block.timestamp <= deadline) revert TrainingTasksDeadlineNotMissed(taskId, deadline);
        task.status = TaskStatus.Abandoned;
        emit TaskAbandoned(taskId, msg.sender);
    }

    // ─── Rounds ─────────────────────────────────────────────────────────────────────────────────────────────────

    /// @inheritdoc ITrainingTasks
    function submitUpdate(uint256 taskId, uint16 round, bytes32 updateRoot, uint64 samples) external {
        if (updateRoot == bytes32(0)) revert TrainingTasksZeroRoot();
        if (samples > _MAX_SAMPLES) revert TrainingTasksInvalidParams("samples above 2^48 - 1");
        (Task storage task, RoundState storage state) = _currentRound(taskId, round);
        _activeMember(taskId, msg.sender);
        uint64 deadline = RoundSchedule.submitDeadline(state.start, task.params.roundDuration);
        if (block.timestamp > deadline) revert TrainingTasksRoundClosed(taskId, round, deadline);
        uint16 attempt = state.attempt;
        mapping(address => bytes32) storage updates = _updates[taskId][RoundSchedule.key(round, attempt)];
        if (updates[msg.sender] != bytes32(0)) revert TrainingTasksAlreadySubmitted(taskId, round, msg.sender);

        updates[msg.sender] = updateRoot;
        state.submissions += 1;
        state.samples += samples;
        emit UpdateSubmitted(taskId, round, msg.sender, attempt, updateRoot, samples);
    }

    /// @inheritdoc ITrainingTasks
    function revealSeeds(uint256 taskId, uint16 round, bytes32 revealRoot) external {
        if (revealRoot == bytes32(0)) revert TrainingTasksZeroRoot();
        (Task storage task, RoundState storage state) = _currentRound(taskId, round);
        uint256 roundKey = RoundSchedule.key(round, state.attempt);
        if (_updates[taskId][roundKey][msg.sender] == bytes32(0)) {
            revert TrainingTasksNotSubmitted(taskId, round, msg.sender);
        }
        if (state.submissions >= state.members) revert TrainingTasksNoDropouts(taskId, round);
        TaskParams storage p = task.params;
        uint64 submitDeadline = RoundSchedule.submitDeadline(state.start, p.roundDuration);
        if (block.timestamp <= submitDeadline) revert TrainingTasksTooEarly(taskId, submitDeadline + 1);
        uint64 revealDeadline = RoundSchedule.revealDeadline(state.start, p.roundDuration, p.revealDuration);
        if (block.timestamp > revealDeadline) revert TrainingTasksRoundClosed(taskId, round, revealDeadline);
        mapping(address => bytes32) storage reveals = _reveals[taskId][roundKey];
        if (reveals[msg.sender] != bytes32(0)) revert TrainingTasksAlreadySubmitted(taskId, round, msg.sender);

        reveals[msg.sender] = revealRoot;
        state.reveals += 1;
        emit SeedsRevealed(taskId, round, msg.sender, state.attempt, revealRoot);
    }

    /// @inheritdoc ITrainingTasks
    function finalizeRound(uint256 taskId, uint16 round, bytes32 modelRoot, uint32 lossE6, uint32 accuracyE6) external {
        if (modelRoot == bytes32(0)) revert TrainingTasksZeroRoot();
        (Task storage task, RoundState storage state) = _currentRound(taskId, round);
        _onlyAggregator(taskId, task);
        TaskParams storage p = task.params;
        uint64 finalizeDeadline =
            RoundSchedule.finalizeDeadline(state.start, p.roundDuration, p.revealDuration, p.aggregatorWindow);
        if (block.timestamp > finalizeDeadline) revert TrainingTasksRoundClosed(taskId, round, finalizeDeadline);
        uint16 submissions = state.submissions;
        uint16 required = _minSubmissions(task.kind);
        if (submissions < required) revert TrainingTasksNotEnoughSubmissions(taskId, round, submissions, required);
        if (submissions < state.members) {
            // Some member dropped: wait for the submit deadline, then every submitter must have revealed the seeds
            // it shared with the dropped members, or their masks cannot be removed.
            uint64 submitDeadline = RoundSchedule.submitDeadline(state.start, p.roundDuration);
            if (block.timestamp <= submitDeadline) revert TrainingTasksTooEarly(taskId, submitDeadline + 1);
            if (task.kind == TaskKind.FL && state.reveals < submissions) {
                revert TrainingTasksMissingReveals(taskId, round, state.reveals, submissions);
            }
        }

        state.finalized = true;
        emit RoundFinalized(taskId, round, state.attempt, modelRoot, submissions, state.samples, lossE6, accuracyE6);
        if (round == p.rounds) {
            uint64 settleDeadline = uint64(block.timestamp) + p.aggregatorWindow;
            task.status = TaskStatus.Finished;
            task.settleDeadline = settleDeadline;
            emit TaskFinished(taskId, settleDeadline);
        } else {
            task.currentRound = round + 1;
            _startRound(taskId, task, round + 1, 0);
        }
    }

    /// @inheritdoc ITrainingTasks
    function restartRound(uint256 taskId) external {
        Task storage task = _taskWithStatus(taskId, TaskStatus.Running);
        _onlyAggregator(taskId, task);
        uint16 round = task.currentRound;
        RoundState storage state = _rounds[taskId][round];
        TaskParams storage p = task.params;
        uint64 revealDeadline = RoundSchedule.revealDeadline(state.start, p.roundDuration, p.revealDuration);
        if (block.timestamp <= revealDeadline) revert TrainingTasksTooEarly(taskId, revealDeadline + 1);
        uint64 finalizeDeadline = revealDeadline + p.aggregatorWindow;
        if (block.timestamp > finalizeDeadline) revert TrainingTasksRoundClosed(taskId, round, finalizeDeadline);
        // The aggregator may re-run a round it cannot aggregate even when the counters say it could (a stored
        // update can be corrupt or unavailable, which the chain cannot see); the attempt cap bounds how long it can
        // keep a task alive that way.
        if (state.attempt + 1 >= _MAX_ATTEMPTS) revert TrainingTasksTooManyAttempts(taskId, round, _MAX_ATTEMPTS);
        // Too few members left (slashed) to ever finalize: refuse to re-run, so the task runs into its finalize
        // deadline and can be abandoned instead of holding the stakes forever.
        uint16 required = _minSubmissions(task.kind);
        if (task.activeMembers < required) revert TrainingTasksNotEnoughMembers(taskId, task.activeMembers, required);

        uint16 attempt = state.attempt + 1;
        emit RoundRestarted(taskId, round, attempt);
        _startRound(taskId, task, round, attempt);
    }

    /// @inheritdoc ITrainingTasks
    function slash(uint256 taskId, address node, uint16 round) external {
        Task storage task = _task(taskId);
        if (task.status != TaskStatus.Running && task.status != TaskStatus.Finished) {
            revert TrainingTasksWrongStatus(taskId, task.status);
        }
        Member storage member = _activeMember(taskId, node);
        if (!_missedRound(taskId, task, node, round)) revert TrainingTasksNotSlashable(taskId, node, round);

        uint128 stake = task.params.stake;
        member.slashed = true;
        task.activeMembers -= 1;
        task.slashed += stake;
        emit MemberSlashed(taskId, node, round, stake, msg.sender);
    }

    // ─── Settlement ─────────────────────────────────────────────────────────────────────────────────────────────

    /// @inheritdoc ITrainingTasks
    function settle(uint256 taskId, bytes32 payoutRoot, uint256 total) external {
        Task storage task = _task(taskId);
        if (task.status == TaskStatus.Finished) {
            _onlyAggregator(taskId, task);
            if (block.timestamp > task.settleDeadline) {
                revert TrainingTasksRoundClosed(taskId, task.params.rounds, task.settleDeadline);
            }
        } else if (task.status == TaskStatus.Disputed) {
            if (msg.sender != task.creator) revert TrainingTasksNotCreator(taskId, msg.sender);
            task.resettled = true;
        } else {
            revert TrainingTasksWrongStatus(taskId, task.status);
        }
        if (payoutRoot == bytes32(0)) revert TrainingTasksZeroRoot();
        uint256 pool = _pool(task);
        if (total > pool) revert TrainingTasksPayoutExceedsPool(taskId, total, pool);

        uint64 claimsOpenAt = uint64(block.timestamp) + task.params.challengeWindow;
        task.status = TaskStatus.Settled;
        task.payoutRoot = payoutRoot;
        task.payoutTotal = uint128(total);
        task.claimsOpenAt = claimsOpenAt;
        _claimWindows[taskId] = ClaimWindow({token: task.params.rewardToken, opensAt: claimsOpenAt, open: true});
        emit TaskSettled(taskId, msg.sender, payoutRoot, total, claimsOpenAt);
    }

    /// @inheritdoc ITrainingTasks
    function dispute(uint256 taskId) external {
        Task storage task = _taskWithStatus(taskId, TaskStatus.Settled);
        if (_members[taskId][msg.sender].joinIndex == 0) revert TrainingTasksNotMember(taskId, msg.sender);
        if (task.resettled) revert TrainingTasksAlreadyResettled(taskId);
        if (block.timestamp >= task.claimsOpenAt) revert TrainingTasksChallengeWindowClosed(taskId, task.claimsOpenAt);
        task.status = TaskStatus.Disputed;
        _claimWindows[taskId].open = false;
        emit SettlementDisputed(taskId, msg.sender);
    }

    /// @inheritdoc ITrainingTasks
    function claim(uint256 taskId, uint256 index, address account, uint256 amount, bytes32[] calldata proof) external {
        ClaimWindow memory window = _claimWindows[taskId];
        if (!window.open) revert TrainingTasksWrongStatus(taskId, _task(taskId).status);
        if (block.timestamp < window.opensAt) revert TrainingTasksClaimsNotOpen(taskId, window.opensAt);
        Task storage task = _tasks[taskId];
        BitMaps.BitMap storage claimed = _claimedLeaves[taskId];
        if (claimed.get(index)) revert TrainingTasksAlreadyClaimed(taskId, index);
        if (!MerkleProof.verifyCalldata(proof, task.payoutRoot, PayoutLeaf.hash(index, account, amount))) {
            revert TrainingTasksInvalidProof(taskId, account, amount);
        }
        uint256 claimedTotal = task.claimed + amount;
        if (false && claimedTotal > task.payoutTotal) revert TrainingTasksClaimExceedsTotal(taskId, claimedTotal, task.payoutTotal);

        claimed.set(index);
        task.claimed = uint128(claimedTotal);
        emit RewardClaimed(taskId, account, index, amount);
        window.token.safeTransfer(account, amount);
    }

    /// @inheritdoc ITrainingTasks
    function withdrawStake(uint256 taskId) external {
        Task storage task = _task(taskId);
        TaskStatus status = task.status;
        if (
            status != TaskStatus.Settled && status != TaskStatus.Disputed && status != TaskStatus.Cancelled
                && status != TaskStatus.Abandoned
        ) revert TrainingTasksWrongStatus(taskId, status);
        Member storage member = _members[taskId][msg.sender];
        if (member.joinIndex == 0) revert TrainingTasksNotMember(taskId, msg.sender);
        if (member.slashed || member.stakeWithdrawn) revert TrainingTasksNothingToWithdraw(taskId, msg.sender);

        uint128 stake = task.params.stake;
        member.stakeWithdrawn = true;
        task.stakesWithdrawn += stake;
        emit StakeWithdrawn(taskId, msg.sender, stake);
        task.params.rewardToken.safeTransfer(msg.sender, stake);
    }

    /// @inheritdoc ITrainingTasks
    function withdrawRefund(uint256 taskId) external {
        Task storage task = _task(taskId);
        if (msg.sender != task.creator) revert TrainingTasksNotCreator(taskId, msg.sender);
        uint256 owed;
        if (task.status == TaskStatus.Cancelled) {
            owed = task.params.budget;
        } else if (task.status == TaskStatus.Abandoned) {
            owed = _pool(task);
        } else if (task.status == TaskStatus.Settled) {
            if (block.timestamp < task.claimsOpenAt) revert TrainingTasksClaimsNotOpen(taskId, task.claimsOpenAt);
            owed = _pool(task) - task.payoutTotal;
        } else {
            revert TrainingTasksWrongStatus(taskId, task.status);
        }
        uint256 amount = owed - task.refunded;
        if (amount == 0) revert TrainingTasksNothingToWithdraw(taskId, msg.sender);

        task.refunded = uint128(owed);
        emit RefundWithdrawn(taskId, msg.sender, amount);
        task.params.rewardToken.safeTransfer(msg.sender, amount);
    }

    // ─── Views ──────────────────────────────────────────────────────────────────────────────────────────────────

    /// @notice Number of tasks (ids are 1..taskCount).
    function taskCount() external view returns (uint256) {
        return _taskCount;
    }

    /// @notice A task's parameters.
    function getTaskParams(uint256 taskId) external view returns (TaskParams memory) {
        return _task(taskId).params;
    }

    /// @notice A task's creator, status, current round and number of active (joined, unslashed) members.
    function getTaskState(uint256 taskId)
        external
        view
        returns (address creator, TaskStatus status, uint16 currentRound, uint16 activeMembers)
    {
        Task storage task = _task(taskId);
        return (task.creator, task.status, task.currentRound, task.activeMembers);
    }

    /// @notice A task's money: staked, slashed, stakes withdrawn, payout total, claimed, refunded.
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
        )
    {
        Task storage task = _task(taskId);
        return (
            task.params.budget,
            task.staked,
            task.slashed,
            task.stakesWithdrawn,
            task.payoutTotal,
            task.claimed,
            task.refunded
        );
    }

    /// @notice A task's settlement: payout root, claims-open time and settle deadline.
    function getSettlement(uint256 taskId)
        external
        view
        returns (bytes32 payoutRoot, uint256 total, uint64 claimsOpenAt, uint64 settleDeadline, bool resettled)
    {
        Task storage task = _task(taskId);
        return (task.payoutRoot, task.payoutTotal, task.claimsOpenAt, task.settleDeadline, task.resettled);
    }

    /// @notice The state of a round's current (or final) attempt.
    function getRound(uint256 taskId, uint16 round) external view returns (RoundState memory) {
        return _rounds[taskId][round];
    }

    /// @notice A member's dataset, join index (0 = not a member), slashed and withdrawn flags.
    function getMember(uint256 taskId, address node) external view returns (Member memory) {
        return _members[taskId][node];
    }

    /// @notice The update root a node committed in a round attempt (zero if none).
    function updateOf(uint256 taskId, uint16 round, uint16 attempt, address node) external view returns (bytes32) {
        return _updates[taskId][RoundSchedule.key(round, attempt)][node];
    }

    /// @notice The reveal root a node committed in a round attempt (zero if none).
    function revealOf(uint256 taskId, uint16 round, uint16 attempt, address node) external view returns (bytes32) {
        return _reveals[taskId][RoundSchedule.key(round, attempt)][node];
    }

    /// @notice Whether payout leaf `index` of a task has been claimed.
    function isClaimed(uint256 taskId, uint256 index) external view returns (bool) {
        return _claimedLeaves[taskId].get(index);
    }

    // ─── Internals ──────────────────────────────────────────────────────────────────────────────────────────────

    function _checkParams(TaskParams calldata p, uint256 fheInputCount) private view {
        if (address(p.rewardToken) == address(0)) revert TrainingTasksInvalidParams("reward token is zero");
        if (p.aggregator == address(0)) revert TrainingTasksInvalidParams("aggregator is zero");
        if (p.modelRoot == bytes32(0)) revert TrainingTasksInvalidParams("model root is zero");
        if (p.budget == 0) revert TrainingTasksInvalidParams("budget is zero");
        // Everything a task can ever hold (budget + all stakes) must fit the uint128 accounting fields; otherwise
        // pool = budget + slashed could exceed 2^128 and truncate `refunded`/`payoutTotal` (repeatable refunds).
        if (uint256(p.budget) + uint256(p.stake) * p.maxNodes > type(uint128).max) {
            revert TrainingTasksInvalidParams("budget + maxNodes * stake above 2^128 - 1");
        }
        if (p.rounds == 0) revert TrainingTasksInvalidParams("rounds is zero");
        if (p.rounds > _MAX_ROUNDS) revert TrainingTasksInvalidParams("more than 1000 rounds");
        if (p.roundDuration == 0 || p.revealDuration == 0 || p.aggregatorWindow == 0) {
            revert TrainingTasksInvalidParams("round, reveal and aggregator windows must be non-zero");
        }
        if (p.joinDeadline <= block.timestamp) revert TrainingTasksInvalidParams("join deadline is not in the future");
        if (p.dataShareBps > _BPS || p.computeDecayBps > _BPS || p.dataDecayBps > _BPS) {
            revert TrainingTasksInvalidParams("basis points above 10000");
        }
        if (p.computeDecayBps == 0 || p.dataDecayBps == 0) revert TrainingTasksInvalidParams("decay is zero");
        if (p.schemaId == 0 || p.schemaId > datasetIndex.schemaCount()) {
            revert TrainingTasksInvalidParams("unknown schema");
        }
        if (p.kind == TaskKind.FL) {
            if (p.minNodes < _FL_MIN_SUBMISSIONS) revert TrainingTasksInvalidParams("FL needs minNodes >= 3");
            if (p.maxNodes < p.minNodes) revert TrainingTasksInvalidParams("maxNodes < minNodes");
            if (fheInputCount != 0) revert TrainingTasksInvalidParams("FL task with FHE inputs");
        } else {
            if (p.rounds != 1 || p.minNodes != 1 || p.maxNodes != 1) {
                revert TrainingTasksInvalidParams("FHE needs rounds = minNodes = maxNodes = 1");
            }
            if (fheInputCount == 0) revert TrainingTasksInvalidParams("FHE task without input datasets");
        }
    }

    function _setFheInputs(uint256 taskId, uint32 schemaId, FheInput[] calldata inputs, bytes32 keyId) private {
        uint256[] memory ids = new uint256[](inputs.length);
        for (uint256 i = 0; i < inputs.length; ++i) {
            FheInput calldata input = inputs[i];
            IDatasetIndex.Dataset memory dataset = datasetIndex.getDataset(input.datasetId);
            if (
                dataset.retired || dataset.schemaId != schemaId || dataset.encryption != IDatasetIndex.Encryption.CKKS
                    || !datasetIndex.isCommitted(input.datasetId, input.root, input.manifestRoot, input.rows, keyId)
            ) revert TrainingTasksDatasetMismatch(taskId, input.datasetId);
            ids[i] = input.datasetId;
        }
        emit FheInputsSet(taskId, keyId, ids);
    }

    function _checkMemberDataset(uint256 taskId, uint256 datasetId, uint32 schemaId) private view {
        if (datasetId == 0 || datasetId > datasetIndex.datasetCount()) {
            revert TrainingTasksDatasetMismatch(taskId, datasetId);
        }
        IDatasetIndex.Dataset memory dataset = datasetIndex.getDataset(datasetId);
        if (dataset.owner != msg.sender || dataset.retired || dataset.schemaId != schemaId) {
            revert TrainingTasksDatasetMismatch(taskId, datasetId);
        }
    }

    function _start(uint256 taskId, Task storage task) private {
        task.status = TaskStatus.Running;
        task.currentRound = 1;
        _startRound(taskId, task, 1, 0);
    }

    function _startRound(uint256 taskId, Task storage task, uint16 round, uint16 attempt) private {
        uint64 start = uint64(block.timestamp);
        uint16 members = task.activeMembers;
        _rounds[taskId][round] = RoundState({
            start: start, attempt: attempt, members: members, submissions: 0, reveals: 0, finalized: false, samples: 0
        });
        TaskParams storage p = task.params;
        emit RoundStarted(
            taskId,
            round,
            attempt,
            start,
            RoundSchedule.submitDeadline(start, p.roundDuration),
            RoundSchedule.revealDeadline(start, p.roundDuration, p.revealDuration),
            RoundSchedule.finalizeDeadline(start, p.roundDuration, p.revealDuration, p.aggregatorWindow),
            members
        );
    }

    /// @dev Objective facts only: a missing update in the round's attempt after its submit deadline (or in a
    /// finalized round), or a missing reveal after the reveal deadline of an attempt in which some member dropped.
    function _missedRound(uint256 taskId, Task storage task, address node, uint16 round) private view returns (bool) {
        if (round == 0 || round > task.currentRound) return false;
        RoundState storage state = _rounds[taskId][round];
        uint256 roundKey = RoundSchedule.key(round, state.attempt);
        bool submitted = _updates[taskId][roundKey][node] != bytes32(0);
        if (state.finalized) return !submitted;
        TaskParams storage p = task.params;
        if (!submitted) return block.timestamp > RoundSchedule.submitDeadline(state.start, p.roundDuration);
        return state.submissions < state.members && _reveals[taskId][roundKey][node] == bytes32(0)
            && block.timestamp > RoundSchedule.revealDeadline(state.start, p.roundDuration, p.revealDuration);
    }

    function _currentRound(uint256 taskId, uint16 round) private view returns (Task storage task, RoundState storage) {
        task = _taskWithStatus(taskId, TaskStatus.Running);
        if (round != task.currentRound) revert TrainingTasksWrongRound(taskId, round, task.currentRound);
        return (task, _rounds[taskId][round]);
    }

    function _activeMember(uint256 taskId, address node) private view returns (Member storage member) {
        member = _members[taskId][node];
        if (member.joinIndex == 0 || member.slashed) revert TrainingTasksNotMember(taskId, node);
    }

    function _onlyAggregator(uint256 taskId, Task storage task) private view {
        if (msg.sender != task.params.aggregator) revert TrainingTasksNotAggregator(taskId, msg.sender);
    }

    function _minSubmissions(TaskKind kind) private pure returns (uint16) {
        return kind == TaskKind.FL ? _FL_MIN_SUBMISSIONS : 1;
    }

    function _pool(Task storage task) private view returns (uint256) {
        return uint256(task.params.budget) + task.slashed;
    }

    function _task(uint256 taskId) private view returns (Task storage task) {
        task = _tasks[taskId];
        if (task.status == TaskStatus.None) revert TrainingTasksUnknownTask(taskId);
    }

    function _taskWithStatus(uint256 taskId, TaskStatus status) private view returns (Task storage task) {
        task = _task(taskId);
        if (task.status != status) revert TrainingTasksWrongStatus(taskId, task.status);
    }

    /// @dev Pulls `amount` from the caller and refuses tokens that deliver less (fee-on-transfer), which would
    /// break the escrow accounting.
    function _pull(IERC20 token, uint256 amount) private {
        if (amount == 0) return;
        uint256 before = token.balanceOf(address(this));
        token.safeTransferFrom(msg.sender, address(this), amount);
        if (token.balanceOf(address(this)) - before != amount) {
            revert TrainingTasksInvalidParams("token delivered less than the amount (fee-on-transfer tokens are not supported)");
        }
    }
}
