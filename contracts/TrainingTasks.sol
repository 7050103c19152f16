// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {IDatasetIndex} from "./interfaces/IDatasetIndex.sol";
import {ITrainingTasks} from "./interfaces/ITrainingTasks.sol";
import {Task} from "./libraries/Task.sol";
import {TaskTerms} from "./libraries/TaskTerms.sol";
import {TaskJoin} from "./libraries/TaskJoin.sol";
import {RoundSubmissions} from "./libraries/RoundSubmissions.sol";
import {RoundFinalize} from "./libraries/RoundFinalize.sol";
import {Settlement} from "./libraries/Settlement.sol";
import {RoundSchedule} from "./libraries/RoundSchedule.sol";

/// @title TrainingTasks
/// @notice One contract holding every training task (a singleton, like Uniswap v4's PoolManager): escrowed budgets,
/// staked nodes, rounds with update commitments, settlement by payout Merkle root, claims and slashing.
/// @dev Built like v4's PoolManager: each function checks roles, calls the flow's library on the task's
/// `Task.State`, emits the events and moves the tokens — always last (checks-effects-interactions: state is final
/// before any token transfer). TaskTerms, TaskJoin, RoundFinalize and Settlement are linked at deployment (external
/// functions, so their code does not count against this contract's EIP-170 size); RoundSubmissions and
/// Settlement.claim, the hot paths, are inlined. Over 250 lines because it is the entry point of 17 functions and 13
/// views (each a few lines, formatted one parameter per line); no rule of a flow is left here.
/// Money rules: a task can never pay out more than it took in. Per task, the contract holds
/// budget + staked − claimed − refunded − stakesWithdrawn; claims are bounded by the posted total, the total by
/// budget + slashed, stake withdrawals by the member's unslashed stake. Tokens whose transfers do not move exactly
/// the amount on both sides (fee-on-transfer, fees charged to the sender) are refused on deposits and payouts, so
/// the accounting above always matches the balance.
/// Who decides a payout: the aggregator (or, if it stays silent, a staked member) posts it; staked members may
/// dispute it by proposing another; the resolver named at creation — neither creator nor aggregator — picks one of
/// the candidates, and its silence leaves the original standing. Every state ends by a deadline bounded at
/// deployment ({TermLimits}); unclaimed payouts return to the creator after the claim period.
contract TrainingTasks is ITrainingTasks {
    using SafeERC20 for IERC20;

    /// @inheritdoc ITrainingTasks
    IDatasetIndex public immutable datasetIndex;

    uint32 private immutable _minWindow;
    uint32 private immutable _maxWindow;
    uint32 private immutable _minChallengeWindow;
    uint32 private immutable _maxChallengeWindow;
    uint32 private immutable _maxJoinPeriod;
    uint32 private immutable _minClaimPeriod;
    uint32 private immutable _maxClaimPeriod;

    uint256 private _taskCount;
    mapping(uint256 taskId => Task.State) private _tasks;
    mapping(uint256 taskId => DpTerms) private _dpTerms;

    /// @notice Largest δ a DP task may report ε at (0.1: anything larger is no guarantee).
    uint64 public constant MAX_DP_DELTA_E18 = 1e17;

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
        taskId = _createTask(params, fheInputs.length);
        if (params.kind == TaskKind.FHE) {
            uint256[] memory ids = TaskTerms.checkFheInputs(datasetIndex, taskId, params.schemaId, fheInputs, keyId);
            _tasks[taskId].fheKeyId = keyId;
            emit FheInputsSet(taskId, keyId, ids);
        }
        _pull(params.rewardToken, params.budget);
    }

    /// @inheritdoc ITrainingTasks
    function createDpTask(TaskParams calldata params, DpTerms calldata dp) external returns (uint256 taskId) {
        if (
            params.kind != TaskKind.FL || dp.noiseMultiplierE6 == 0 || dp.deltaE18 == 0
                || dp.deltaE18 > MAX_DP_DELTA_E18
        ) revert TrainingTasksInvalidParam(Param.DpTerms);
        taskId = _createTask(params, 0);
        _dpTerms[taskId] = dp;
        emit DpTermsSet(taskId, dp.noiseMultiplierE6, dp.deltaE18);
        _pull(params.rewardToken, params.budget);
    }

    function _createTask(TaskParams calldata params, uint256 fheInputs) private returns (uint256 taskId) {
        taskId = ++_taskCount;
        TaskTerms.create(_tasks[taskId], params, fheInputs, termLimits(), datasetIndex);
        emit TaskCreated(taskId, msg.sender, params);
    }

    /// @inheritdoc ITrainingTasks
    function joinTask(uint256 taskId, uint256 datasetId, bytes32 saPublicKey) external {
        Task.State storage task = _tasks[taskId];
        bool started = TaskJoin.join(task, taskId, datasetId, datasetIndex);
        uint128 stake = task.params.stake;
        emit MemberJoined(taskId, msg.sender, datasetId, saPublicKey, stake);
        if (started) _emitRoundStarted(taskId, task, 1);
        _pull(task.params.rewardToken, stake);
    }

    /// @inheritdoc ITrainingTasks
    function startTask(uint256 taskId) external {
        Task.State storage task = _tasks[taskId];
        TaskJoin.start(task, taskId);
        _emitRoundStarted(taskId, task, 1);
    }

    /// @inheritdoc ITrainingTasks
    function cancelTask(uint256 taskId) external {
        TaskJoin.cancel(_tasks[taskId], taskId);
        emit TaskCancelled(taskId);
    }

    /// @inheritdoc ITrainingTasks
    function abandonTask(uint256 taskId) external {
        RoundFinalize.abandon(_tasks[taskId], taskId);
        emit TaskAbandoned(taskId, msg.sender);
    }

    // ─── Rounds ─────────────────────────────────────────────────────────────────────────────────────────────────

    /// @inheritdoc ITrainingTasks
    function submitUpdate(uint256 taskId, uint16 round, bytes32 updateRoot, uint64 samples) external {
        uint16 attempt = RoundSubmissions.submitUpdate(_tasks[taskId], taskId, round, updateRoot, samples);
        emit UpdateSubmitted(taskId, round, msg.sender, attempt, updateRoot, samples);
    }

    /// @inheritdoc ITrainingTasks
    function revealSeeds(uint256 taskId, uint16 round, bytes32 revealRoot) external {
        uint16 attempt = RoundSubmissions.revealSeeds(_tasks[taskId], taskId, round, revealRoot);
        emit SeedsRevealed(taskId, round, msg.sender, attempt, revealRoot);
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
        Task.State storage task = _tasks[taskId];
        Task.requireCurrentRound(task, taskId, round);
        _onlyAggregator(taskId, task);
        (uint16 submissions, bool finished) = RoundFinalize.finalize(task, taskId, round, dropped);
        _emitSlashed(taskId, task, round, dropped);
        RoundState storage state = task.rounds[round];
        emit RoundFinalized(taskId, round, state.attempt, modelRoot, submissions, state.samples, lossE6, accuracyE6);
        if (finished) emit TaskFinished(taskId, task.settleDeadline);
        else _emitRoundStarted(taskId, task, round + 1);
    }

    /// @inheritdoc ITrainingTasks
    function restartRound(uint256 taskId, address[] calldata dropped) external {
        Task.State storage task = _tasks[taskId];
        Task.requireStatus(task, taskId, TaskStatus.Running);
        _onlyAggregator(taskId, task);
        (uint16 round, uint16 attempt) = RoundFinalize.restart(task, taskId, dropped);
        _emitSlashed(taskId, task, round, dropped);
        emit RoundRestarted(taskId, round, attempt);
        _emitRoundStarted(taskId, task, round);
    }

    /// @inheritdoc ITrainingTasks
    function slash(uint256 taskId, address node, uint16 round) external {
        Task.State storage task = _tasks[taskId];
        RoundFinalize.slash(task, taskId, round, node);
        emit MemberSlashed(taskId, node, round, task.params.stake, msg.sender);
    }

    /// @inheritdoc ITrainingTasks
    function slashMany(uint256 taskId, uint16 round, address[] calldata nodes) external {
        Task.State storage task = _tasks[taskId];
        RoundFinalize.slashMany(task, taskId, round, nodes);
        _emitSlashed(taskId, task, round, nodes);
    }

    // ─── Settlement ─────────────────────────────────────────────────────────────────────────────────────────────

    /// @inheritdoc ITrainingTasks
    function settle(uint256 taskId, bytes32 payoutRoot, uint256 total) external {
        Task.State storage task = _tasks[taskId];
        Task.requireStatus(task, taskId, TaskStatus.Finished);
        uint64 settleDeadline = task.settleDeadline;
        if (block.timestamp <= settleDeadline) {
            _onlyAggregator(taskId, task);
        } else {
            // The aggregator stayed silent: a staked member may settle instead of letting the task be abandoned
            // (which would hand the budget back to the creator although the members did the work).
            if (!Task.hasStake(task.members[msg.sender])) revert TrainingTasksNotMember(taskId, msg.sender);
            uint64 memberDeadline = settleDeadline + task.params.aggregatorWindow;
            if (block.timestamp > memberDeadline) {
                revert TrainingTasksRoundClosed(taskId, task.params.rounds, memberDeadline);
            }
        }
        uint64 claimsOpenAt = Settlement.settle(task, taskId, payoutRoot, total);
        emit TaskSettled(taskId, msg.sender, payoutRoot, total, claimsOpenAt);
    }

    /// @inheritdoc ITrainingTasks
    function dispute(uint256 taskId, bytes32 proposedRoot, uint256 proposedTotal) external {
        uint64 resolveDeadline = Settlement.dispute(_tasks[taskId], taskId, proposedRoot, proposedTotal);
        emit SettlementDisputed(taskId, msg.sender, proposedRoot, proposedTotal, resolveDeadline);
    }

    /// @inheritdoc ITrainingTasks
    function resolve(uint256 taskId, bytes32 payoutRoot, uint256 total) external {
        Task.State storage task = _tasks[taskId];
        Task.requireStatus(task, taskId, TaskStatus.Disputed);
        if (msg.sender != task.params.resolver) revert TrainingTasksNotResolver(taskId, msg.sender);
        uint64 claimsOpenAt = Settlement.resolve(task, taskId, payoutRoot, total);
        emit SettlementResolved(taskId, msg.sender, payoutRoot, total, claimsOpenAt);
    }

    /// @inheritdoc ITrainingTasks
    function claim(uint256 taskId, uint256 index, address account, uint256 amount, bytes32[] calldata proof) external {
        IERC20 token = Settlement.claim(_tasks[taskId], taskId, index, account, amount, proof);
        emit RewardClaimed(taskId, account, index, amount);
        _push(token, account, amount);
    }

    /// @inheritdoc ITrainingTasks
    function withdrawStake(uint256 taskId) external {
        Task.State storage task = _tasks[taskId];
        uint128 stake = Settlement.withdrawStake(task, taskId);
        emit StakeWithdrawn(taskId, msg.sender, stake);
        _push(task.params.rewardToken, msg.sender, stake);
    }

    /// @inheritdoc ITrainingTasks
    function withdrawRefund(uint256 taskId) external {
        Task.State storage task = _tasks[taskId];
        Task.requireExists(task, taskId);
        if (msg.sender != task.creator) revert TrainingTasksNotCreator(taskId, msg.sender);
        uint256 amount = Settlement.withdrawRefund(task, taskId);
        emit RefundWithdrawn(taskId, msg.sender, amount);
        _push(task.params.rewardToken, msg.sender, amount);
    }

    // ─── Views ──────────────────────────────────────────────────────────────────────────────────────────────────

    /// @inheritdoc ITrainingTasks
    function taskCount() external view returns (uint256) {
        return _taskCount;
    }

    /// @inheritdoc ITrainingTasks
    function getTaskParams(uint256 taskId) external view returns (TaskParams memory) {
        return _task(taskId).params;
    }

    /// @inheritdoc ITrainingTasks
    function getTaskState(uint256 taskId)
        external
        view
        returns (address creator, TaskStatus status, uint16 currentRound, uint16 activeMembers)
    {
        Task.State storage task = _task(taskId);
        return (task.creator, task.status, task.currentRound, task.activeMembers);
    }

    /// @inheritdoc ITrainingTasks
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
        Task.State storage task = _task(taskId);
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

    /// @inheritdoc ITrainingTasks
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
        Task.State storage task = _task(taskId);
        uint64 opensAt = task.claimsOpenAt;
        return (
            task.payoutRoot,
            task.payoutTotal,
            opensAt,
            opensAt == 0 ? 0 : opensAt + task.params.claimPeriod,
            opensAt == 0 ? 0 : Task.challengeEnd(task),
            task.settleDeadline
        );
    }

    /// @inheritdoc ITrainingTasks
    function isProposed(uint256 taskId, bytes32 payoutRoot, uint256 total) external view returns (bool) {
        return _tasks[taskId].proposals[Task.proposalKey(payoutRoot, total)];
    }

    /// @inheritdoc ITrainingTasks
    function termLimits() public view returns (TermLimits memory) {
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

    /// @inheritdoc ITrainingTasks
    function getFheKeyId(uint256 taskId) external view returns (bytes32) {
        return _tasks[taskId].fheKeyId;
    }

    /// @inheritdoc ITrainingTasks
    function getDpTerms(uint256 taskId) external view returns (DpTerms memory) {
        return _dpTerms[taskId];
    }

    /// @inheritdoc ITrainingTasks
    function getRound(uint256 taskId, uint16 round) external view returns (RoundState memory) {
        return _tasks[taskId].rounds[round];
    }

    /// @inheritdoc ITrainingTasks
    function getMember(uint256 taskId, address node) external view returns (Member memory) {
        return _tasks[taskId].members[node];
    }

    /// @inheritdoc ITrainingTasks
    function updateOf(uint256 taskId, uint16 round, uint16 attempt, address node) external view returns (bytes32) {
        return _tasks[taskId].updates[RoundSchedule.key(round, attempt)][node];
    }

    /// @inheritdoc ITrainingTasks
    function revealOf(uint256 taskId, uint16 round, uint16 attempt, address node) external view returns (bytes32) {
        return _tasks[taskId].reveals[RoundSchedule.key(round, attempt)][node];
    }

    /// @inheritdoc ITrainingTasks
    function isClaimed(uint256 taskId, uint256 index) external view returns (bool) {
        return Task.isClaimed(_tasks[taskId], index);
    }

    // ─── Internals ──────────────────────────────────────────────────────────────────────────────────────────────

    function _task(uint256 taskId) private view returns (Task.State storage task) {
        task = _tasks[taskId];
        Task.requireExists(task, taskId);
    }

    function _onlyAggregator(uint256 taskId, Task.State storage task) private view {
        if (msg.sender != task.params.aggregator) revert TrainingTasksNotAggregator(taskId, msg.sender);
    }

    /// @dev {MemberSlashed} for every node a library call just dropped (each lost the task's stake).
    function _emitSlashed(uint256 taskId, Task.State storage task, uint16 round, address[] calldata nodes) private {
        uint128 stake = task.params.stake;
        for (uint256 i = 0; i < nodes.length; ++i) {
            emit MemberSlashed(taskId, nodes[i], round, stake, msg.sender);
        }
    }

    /// @dev {RoundStarted} for the attempt of `round` a library call just started.
    function _emitRoundStarted(uint256 taskId, Task.State storage task, uint16 round) private {
        RoundState storage state = task.rounds[round];
        TaskParams storage p = task.params;
        uint64 start = state.start;
        emit RoundStarted(
            taskId,
            round,
            state.attempt,
            start,
            RoundSchedule.submitDeadline(start, p.roundDuration),
            RoundSchedule.revealDeadline(start, p.roundDuration, p.revealDuration),
            RoundSchedule.finalizeDeadline(start, p.roundDuration, p.revealDuration, p.aggregatorWindow),
            state.members
        );
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
