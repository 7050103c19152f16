// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {BitMaps} from "@openzeppelin/contracts/utils/structs/BitMaps.sol";
import {IDatasetIndex} from "./interfaces/IDatasetIndex.sol";
import {ITrainingTasks} from "./interfaces/ITrainingTasks.sol";
import {RoundSchedule} from "./libraries/RoundSchedule.sol";
import {PayoutLeaf} from "./libraries/PayoutLeaf.sol";

/// @title TrainingTasks
/// @notice One contract holding every training task (a singleton, like Uniswap v4's PoolManager): escrowed budgets,
/// staked nodes, rounds with update commitments, settlement by payout Merkle root, claims and slashing.
/// @dev Money rules: a task can never pay out more than it took in. Per task, the contract holds
/// budget + staked − claimed − refunded − stakesWithdrawn; claims are bounded by the posted total, the total by
/// budget + slashed, stake withdrawals by the member's unslashed stake. Every function follows
/// checks-effects-interactions (state is final before any token transfer), and tokens whose transfers do not move
/// exactly the amount on both sides (fee-on-transfer, fees charged to the sender) are refused on deposits and
/// payouts, so the accounting above always matches the balance.
/// Who decides a payout: the aggregator (or, if it stays silent, a staked member) posts it; staked members may
/// dispute it by proposing another; the resolver named at creation — neither creator nor aggregator — picks one of
/// the candidates, and its silence leaves the original standing. Every state ends by a deadline bounded at
/// deployment ({TermLimits}); unclaimed payouts return to the creator after the claim period.
contract TrainingTasks is ITrainingTasks {
    using SafeERC20 for IERC20;
    using BitMaps for BitMaps.BitMap;

    /// @dev Packing: slot 0 = creator | status | kind | currentRound | activeMembers (26 B);
    /// slot 1 = settleDeadline | claimsOpenAt | slashed; slot 2 = staked | stakesWithdrawn;
    /// slot 3 = payoutTotal | claimed; slot 4 = refunded; slot 5 = payoutRoot; then the params.
    struct Task {
        address creator;
        TaskStatus status;
        TaskKind kind;
        uint16 currentRound;
        uint16 activeMembers;
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

    /// @dev One slot: datasetId | joinIndex (1-based; 0 = not a member) | slashed | stakeWithdrawn | disputed.
    struct Member {
        uint64 datasetId;
        uint16 joinIndex;
        bool slashed;
        bool stakeWithdrawn;
        bool disputed;
    }

    /// @dev What `claim` needs besides the root and totals, in one slot (token 20 B | opensAt 8 B | claimPeriod
    /// 4 B), so a claim reads three slots instead of five. Written by settle; a dispute moves opensAt to the
    /// resolve deadline, a resolution to its own time. opensAt == 0: no settlement yet.
    struct ClaimWindow {
        IERC20 token;
        uint64 opensAt;
        uint32 claimPeriod;
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

    uint32 private immutable _minWindow;
    uint32 private immutable _maxWindow;
    uint32 private immutable _minChallengeWindow;
    uint32 private immutable _maxChallengeWindow;
    uint32 private immutable _maxJoinPeriod;
    uint32 private immutable _minClaimPeriod;
    uint32 private immutable _maxClaimPeriod;

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
    /// @dev keccak256(payoutRoot, total) of every payout proposed by a dispute: the resolver's candidates.
    mapping(uint256 taskId => mapping(bytes32 proposal => bool)) private _proposals;

    /// @param index The DatasetIndex members' datasets are checked against.
    /// @param limits Bounds on every task's windows, join period and claim period (see {TermLimits}).
    constructor(IDatasetIndex index, TermLimits memory limits) {
        if (
            limits.minWindow == 0 || limits.minWindow > limits.maxWindow || limits.minChallengeWindow == 0
                || limits.minChallengeWindow > limits.maxChallengeWindow || limits.maxJoinPeriod == 0
                || limits.minClaimPeriod == 0 || limits.minClaimPeriod > limits.maxClaimPeriod
        ) revert TrainingTasksInvalidParam(Param.TermLimits);
        datasetIndex = index;
        _minWindow = limits.minWindow;
        _maxWindow = limits.maxWindow;
        _minChallengeWindow = limits.minChallengeWindow;
        _maxChallengeWindow = limits.maxChallengeWindow;
        _maxJoinPeriod = limits.maxJoinPeriod;
        _minClaimPeriod = limits.minClaimPeriod;
        _maxClaimPeriod = limits.maxClaimPeriod;
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
        // The resolver decides disputes about members' payouts: it may not be one.
        if (msg.sender == params.resolver) revert TrainingTasksInvalidResolver(msg.sender);
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
            // After the aggregator's settle deadline, members have one more aggregator window to settle.
            deadline = task.settleDeadline + task.params.aggregatorWindow;
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
        if (samples > _MAX_SAMPLES) revert TrainingTasksInvalidParam(Param.Samples);
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
    function finalizeRound(
        uint256 taskId,
        uint16 round,
        bytes32 modelRoot,
        uint32 lossE6,
        uint32 accuracyE6,
        address[] calldata dropped
    ) external {
        if (modelRoot == bytes32(0)) revert TrainingTasksZeroRoot();
        (Task storage task, RoundState storage state) = _currentRound(taskId, round);
        _onlyAggregator(taskId, task);
        uint16 submissions = _checkFinalizable(taskId, task, state, round);
        // Whoever has no update is dropped now, so no later round waits for it: then every active member submitted.
        _dropMembers(taskId, task, round, dropped);
        if (task.activeMembers != submissions) {
            revert TrainingTasksMissingDropouts(taskId, round, task.activeMembers, submissions);
        }

        state.finalized = true;
        emit RoundFinalized(taskId, round, state.attempt, modelRoot, submissions, state.samples, lossE6, accuracyE6);
        if (round == task.params.rounds) {
            uint64 settleDeadline = uint64(block.timestamp) + task.params.aggregatorWindow;
            task.status = TaskStatus.Finished;
            task.settleDeadline = settleDeadline;
            emit TaskFinished(taskId, settleDeadline);
        } else {
            task.currentRound = round + 1;
            _startRound(taskId, task, round + 1, 0);
        }
    }

    /// @inheritdoc ITrainingTasks
    function restartRound(uint256 taskId, address[] calldata dropped) external {
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
        // Drop who missed this attempt (no update; or no reveal while some member dropped); the rest must be exactly
        // the members that did their part, so the re-run waits for nobody who already failed.
        _dropMembers(taskId, task, round, dropped);
        uint16 expected = state.submissions < state.members ? state.reveals : state.submissions;
        if (task.activeMembers != expected) {
            revert TrainingTasksMissingDropouts(taskId, round, task.activeMembers, expected);
        }
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
        _slash(taskId, task, node, round);
    }

    /// @inheritdoc ITrainingTasks
    function slashMany(uint256 taskId, uint16 round, address[] calldata nodes) external {
        Task storage task = _task(taskId);
        if (task.status != TaskStatus.Running && task.status != TaskStatus.Finished) {
            revert TrainingTasksWrongStatus(taskId, task.status);
        }
        _dropMembers(taskId, task, round, nodes);
    }

    // ─── Settlement ─────────────────────────────────────────────────────────────────────────────────────────────

    /// @inheritdoc ITrainingTasks
    function settle(uint256 taskId, bytes32 payoutRoot, uint256 total) external {
        Task storage task = _taskWithStatus(taskId, TaskStatus.Finished);
        uint64 settleDeadline = task.settleDeadline;
        if (block.timestamp <= settleDeadline) {
            _onlyAggregator(taskId, task);
        } else {
            // The aggregator stayed silent: a staked member may settle instead of letting the task be abandoned
            // (which would hand the budget back to the creator although the members did the work).
            if (!_hasStake(_members[taskId][msg.sender])) revert TrainingTasksNotMember(taskId, msg.sender);
            uint64 memberDeadline = settleDeadline + task.params.aggregatorWindow;
            if (block.timestamp > memberDeadline) revert TrainingTasksRoundClosed(taskId, task.params.rounds, memberDeadline);
        }
        _checkPayout(taskId, task, payoutRoot, total);

        uint64 claimsOpenAt = uint64(block.timestamp) + task.params.challengeWindow;
        task.status = TaskStatus.Settled;
        task.payoutRoot = payoutRoot;
        task.payoutTotal = uint128(total);
        task.claimsOpenAt = claimsOpenAt;
        _claimWindows[taskId] =
            ClaimWindow({token: task.params.rewardToken, opensAt: claimsOpenAt, claimPeriod: task.params.claimPeriod});
        emit TaskSettled(taskId, msg.sender, payoutRoot, total, claimsOpenAt);
    }

    /// @inheritdoc ITrainingTasks
    function dispute(uint256 taskId, bytes32 proposedRoot, uint256 proposedTotal) external {
        Task storage task = _task(taskId);
        TaskStatus status = task.status;
        if (status != TaskStatus.Settled && status != TaskStatus.Disputed) revert TrainingTasksWrongStatus(taskId, status);
        uint64 challengeEnd = _challengeEnd(task);
        if (block.timestamp >= challengeEnd) revert TrainingTasksChallengeWindowClosed(taskId, challengeEnd);
        Member storage member = _members[taskId][msg.sender];
        // Only who has something at stake may dispute, and never the parties whose own settlement it is.
        if (!_hasStake(member) || msg.sender == task.creator || msg.sender == task.params.aggregator) {
            revert TrainingTasksCannotDispute(taskId, msg.sender);
        }
        if (member.disputed) revert TrainingTasksAlreadyDisputed(taskId, msg.sender);
        _checkPayout(taskId, task, proposedRoot, proposedTotal);

        member.disputed = true;
        _proposals[taskId][_proposalKey(proposedRoot, proposedTotal)] = true;
        uint64 resolveDeadline = challengeEnd + task.params.challengeWindow;
        if (status == TaskStatus.Settled) {
            // Claims of the original wait for the resolver; if it stays silent they open at the resolve deadline.
            task.status = TaskStatus.Disputed;
            task.claimsOpenAt = resolveDeadline;
            _claimWindows[taskId].opensAt = resolveDeadline;
        }
        emit SettlementDisputed(taskId, msg.sender, proposedRoot, proposedTotal, resolveDeadline);
    }

    /// @inheritdoc ITrainingTasks
    function resolve(uint256 taskId, bytes32 payoutRoot, uint256 total) external {
        Task storage task = _taskWithStatus(taskId, TaskStatus.Disputed);
        if (msg.sender != task.params.resolver) revert TrainingTasksNotResolver(taskId, msg.sender);
        uint64 challengeEnd = _challengeEnd(task);
        if (block.timestamp < challengeEnd) revert TrainingTasksTooEarly(taskId, challengeEnd);
        uint64 resolveDeadline = task.claimsOpenAt;
        if (block.timestamp >= resolveDeadline) revert TrainingTasksRoundClosed(taskId, task.params.rounds, resolveDeadline);
        bool original = payoutRoot == task.payoutRoot && total == task.payoutTotal;
        if (!original && !_proposals[taskId][_proposalKey(payoutRoot, total)]) {
            revert TrainingTasksUnknownProposal(taskId, payoutRoot, total);
        }

        uint64 claimsOpenAt = uint64(block.timestamp);
        task.status = TaskStatus.Settled;
        task.payoutRoot = payoutRoot;
        task.payoutTotal = uint128(total);
        task.claimsOpenAt = claimsOpenAt;
        _claimWindows[taskId].opensAt = claimsOpenAt;
        emit SettlementResolved(taskId, msg.sender, payoutRoot, total, claimsOpenAt);
    }

    /// @inheritdoc ITrainingTasks
    function claim(uint256 taskId, uint256 index, address account, uint256 amount, bytes32[] calldata proof) external {
        ClaimWindow memory window = _claimWindows[taskId];
        if (window.opensAt == 0) revert TrainingTasksWrongStatus(taskId, _task(taskId).status);
        if (block.timestamp < window.opensAt) revert TrainingTasksClaimsNotOpen(taskId, window.opensAt);
        uint64 closesAt = window.opensAt + window.claimPeriod;
        if (block.timestamp >= closesAt) revert TrainingTasksClaimsClosed(taskId, closesAt);
        Task storage task = _tasks[taskId];
        BitMaps.BitMap storage claimed = _claimedLeaves[taskId];
        if (claimed.get(index)) revert TrainingTasksAlreadyClaimed(taskId, index);
        if (!MerkleProof.verifyCalldata(proof, task.payoutRoot, PayoutLeaf.hash(index, account, amount))) {
            revert TrainingTasksInvalidProof(taskId, account, amount);
        }
        uint256 claimedTotal = task.claimed + amount;
        if (claimedTotal > task.payoutTotal) revert TrainingTasksClaimExceedsTotal(taskId, claimedTotal, task.payoutTotal);

        claimed.set(index);
        task.claimed = uint128(claimedTotal);
        emit RewardClaimed(taskId, account, index, amount);
        _push(window.token, account, amount);
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
        _push(task.params.rewardToken, msg.sender, stake);
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
        } else if (task.status == TaskStatus.Settled || task.status == TaskStatus.Disputed) {
            // Disputed: claimsOpenAt is the resolve deadline, after which the original settlement stands.
            uint64 opensAt = task.claimsOpenAt;
            if (block.timestamp < opensAt) revert TrainingTasksClaimsNotOpen(taskId, opensAt);
            // Once the claim period is over, what was not claimed will never be: it returns to the creator.
            bool expired = block.timestamp >= opensAt + task.params.claimPeriod;
            owed = _pool(task) - (expired ? task.claimed : task.payoutTotal);
        } else {
            revert TrainingTasksWrongStatus(taskId, task.status);
        }
        uint256 amount = owed - task.refunded;
        if (amount == 0) revert TrainingTasksNothingToWithdraw(taskId, msg.sender);

        task.refunded = uint128(owed);
        emit RefundWithdrawn(taskId, msg.sender, amount);
        _push(task.params.rewardToken, msg.sender, amount);
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
        )
    {
        Task storage task = _task(taskId);
        uint64 opensAt = task.claimsOpenAt;
        return (
            task.payoutRoot,
            task.payoutTotal,
            opensAt,
            opensAt == 0 ? 0 : opensAt + task.params.claimPeriod,
            opensAt == 0 ? 0 : _challengeEnd(task),
            task.settleDeadline
        );
    }

    /// @notice Whether (`payoutRoot`, `total`) was proposed by a dispute of the task (a candidate for the resolver).
    function isProposed(uint256 taskId, bytes32 payoutRoot, uint256 total) external view returns (bool) {
        return _proposals[taskId][_proposalKey(payoutRoot, total)];
    }

    /// @notice The bounds on task terms this deployment enforces.
    function termLimits() external view returns (TermLimits memory) {
        return TermLimits({
            minWindow: _minWindow,
            maxWindow: _maxWindow,
            minChallengeWindow: _minChallengeWindow,
            maxChallengeWindow: _maxChallengeWindow,
            maxJoinPeriod: _maxJoinPeriod,
            minClaimPeriod: _minClaimPeriod,
            maxClaimPeriod: _maxClaimPeriod
        });
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
        if (address(p.rewardToken) == address(0)) revert TrainingTasksInvalidParam(Param.RewardToken);
        if (p.aggregator == address(0)) revert TrainingTasksInvalidParam(Param.Aggregator);
        if (p.modelRoot == bytes32(0)) revert TrainingTasksInvalidParam(Param.ModelRoot);
        if (p.budget == 0) revert TrainingTasksInvalidParam(Param.Budget);
        // Everything a task can ever hold (budget + all stakes) must fit the uint128 accounting fields; otherwise
        // pool = budget + slashed could exceed 2^128 and truncate `refunded`/`payoutTotal` (repeatable refunds).
        if (uint256(p.budget) + uint256(p.stake) * p.maxNodes > type(uint128).max) {
            revert TrainingTasksInvalidParam(Param.Escrow);
        }
        if (p.rounds == 0) revert TrainingTasksInvalidParam(Param.Rounds);
        if (p.rounds > _MAX_ROUNDS) revert TrainingTasksInvalidParam(Param.Rounds);
        if (p.joinDeadline <= block.timestamp) revert TrainingTasksInvalidParam(Param.JoinDeadline);
        _checkTerm(Term.JoinPeriod, p.joinDeadline - block.timestamp, 1, _maxJoinPeriod);
        _checkTerm(Term.RoundDuration, p.roundDuration, _minWindow, _maxWindow);
        _checkTerm(Term.RevealDuration, p.revealDuration, _minWindow, _maxWindow);
        _checkTerm(Term.AggregatorWindow, p.aggregatorWindow, _minWindow, _maxWindow);
        _checkTerm(Term.ChallengeWindow, p.challengeWindow, _minChallengeWindow, _maxChallengeWindow);
        _checkTerm(Term.ClaimPeriod, p.claimPeriod, _minClaimPeriod, _maxClaimPeriod);
        if (p.resolver == address(0) || p.resolver == msg.sender || p.resolver == p.aggregator) {
            revert TrainingTasksInvalidResolver(p.resolver);
        }
        if (p.dataShareBps > _BPS || p.computeDecayBps > _BPS || p.dataDecayBps > _BPS) {
            revert TrainingTasksInvalidParam(Param.Bps);
        }
        if (p.computeDecayBps == 0 || p.dataDecayBps == 0) revert TrainingTasksInvalidParam(Param.Decay);
        if (p.schemaId == 0 || p.schemaId > datasetIndex.schemaCount()) {
            revert TrainingTasksInvalidParam(Param.Schema);
        }
        if (p.kind == TaskKind.FL) {
            if (p.minNodes < _FL_MIN_SUBMISSIONS) revert TrainingTasksInvalidParam(Param.Nodes);
            if (p.maxNodes < p.minNodes) revert TrainingTasksInvalidParam(Param.Nodes);
            if (fheInputCount != 0) revert TrainingTasksInvalidParam(Param.FheInputs);
        } else {
            if (p.rounds != 1 || p.minNodes != 1 || p.maxNodes != 1) {
                revert TrainingTasksInvalidParam(Param.Nodes);
            }
            if (fheInputCount == 0) revert TrainingTasksInvalidParam(Param.FheInputs);
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

    /// @dev The round can be finalized now: inside its finalize window, with enough submissions, and — when some
    /// member dropped — after the submit deadline with every submitter's reveal (or the masks cannot be removed).
    function _checkFinalizable(uint256 taskId, Task storage task, RoundState storage state, uint16 round)
        private
        view
        returns (uint16 submissions)
    {
        TaskParams storage p = task.params;
        uint64 finalizeDeadline =
            RoundSchedule.finalizeDeadline(state.start, p.roundDuration, p.revealDuration, p.aggregatorWindow);
        if (block.timestamp > finalizeDeadline) revert TrainingTasksRoundClosed(taskId, round, finalizeDeadline);
        submissions = state.submissions;
        uint16 required = _minSubmissions(task.kind);
        if (submissions < required) revert TrainingTasksNotEnoughSubmissions(taskId, round, submissions, required);
        if (submissions < state.members) {
            uint64 submitDeadline = RoundSchedule.submitDeadline(state.start, p.roundDuration);
            if (block.timestamp <= submitDeadline) revert TrainingTasksTooEarly(taskId, submitDeadline + 1);
            if (task.kind == TaskKind.FL && state.reveals < submissions) {
                revert TrainingTasksMissingReveals(taskId, round, state.reveals, submissions);
            }
        }
    }

    function _checkTerm(Term term, uint256 value, uint256 min, uint256 max) private pure {
        if (value < min || value > max) revert TrainingTasksTermOutOfRange(term, value, min, max);
    }

    function _checkPayout(uint256 taskId, Task storage task, bytes32 payoutRoot, uint256 total) private view {
        if (payoutRoot == bytes32(0)) revert TrainingTasksZeroRoot();
        uint256 pool = _pool(task);
        if (total > pool) revert TrainingTasksPayoutExceedsPool(taskId, total, pool);
    }

    /// @dev Slashes every listed member for missing `round` (objectively, see {_missedRound}).
    function _dropMembers(uint256 taskId, Task storage task, uint16 round, address[] calldata nodes) private {
        for (uint256 i = 0; i < nodes.length; ++i) {
            _slash(taskId, task, nodes[i], round);
        }
    }

    function _slash(uint256 taskId, Task storage task, address node, uint16 round) private {
        Member storage member = _activeMember(taskId, node);
        if (!_missedRound(taskId, task, node, round)) revert TrainingTasksNotSlashable(taskId, node, round);

        uint128 stake = task.params.stake;
        member.slashed = true;
        task.activeMembers -= 1;
        task.slashed += stake;
        emit MemberSlashed(taskId, node, round, stake, msg.sender);
    }

    /// @dev While Disputed, claimsOpenAt holds the resolve deadline = challenge end + challenge window.
    function _challengeEnd(Task storage task) private view returns (uint64) {
        return task.status == TaskStatus.Disputed ? task.claimsOpenAt - task.params.challengeWindow : task.claimsOpenAt;
    }

    function _hasStake(Member storage member) private view returns (bool) {
        return member.joinIndex != 0 && !member.slashed && !member.stakeWithdrawn;
    }

    function _proposalKey(bytes32 payoutRoot, uint256 total) private pure returns (bytes32) {
        return keccak256(abi.encode(payoutRoot, total));
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

    /// @dev Pulls `amount` from the caller. Refuses tokens whose transfer does not move exactly `amount` out of the
    /// sender and into this contract (fees on either side), which would break the escrow accounting.
    function _pull(IERC20 token, uint256 amount) private {
        if (amount == 0) return;
        uint256 senderBefore = token.balanceOf(msg.sender);
        uint256 before = token.balanceOf(address(this));
        token.safeTransferFrom(msg.sender, address(this), amount);
        uint256 received = token.balanceOf(address(this)) - before;
        if (received != amount) revert TrainingTasksUnsupportedToken(token, amount, received);
        uint256 sent = senderBefore - token.balanceOf(msg.sender);
        if (sent != amount) revert TrainingTasksUnsupportedToken(token, amount, sent);
    }

    /// @dev Pays `amount` to `to`, refusing a transfer that costs this contract more (a fee charged to the sender)
    /// or delivers less: either would make one task's payout come out of another task's escrow.
    function _push(IERC20 token, address to, uint256 amount) private {
        if (amount == 0) return;
        uint256 before = token.balanceOf(address(this));
        uint256 toBefore = token.balanceOf(to);
        token.safeTransfer(to, amount);
        uint256 spent = before - token.balanceOf(address(this));
        if (spent != amount) revert TrainingTasksUnsupportedToken(token, amount, spent);
        uint256 delivered = token.balanceOf(to) - toBefore;
        if (delivered != amount) revert TrainingTasksUnsupportedToken(token, amount, delivered);
    }
}
