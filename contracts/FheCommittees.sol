// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {IFheCommittees} from "./interfaces/IFheCommittees.sol";
import {ITrainingTasks} from "./interfaces/ITrainingTasks.sol";
import {RoundSchedule} from "./libraries/RoundSchedule.sol";

/// @title FheCommittees
/// @notice The committee registry of threshold FHE (see {IFheCommittees}): staked members set up a collective CKKS
/// key by commit-then-confirm and post their decryption shares of the results of FHE tasks under that key.
/// @dev Reads {ITrainingTasks} through its views only (a task's key id, state, parameters and round 1); it never
/// calls a state-changing function there, so TrainingTasks' rules are untouched. Decisions:
/// - the creator need not be a member (it may retire the committee, nothing else);
/// - a Retired or Broken committee still accepts shares while its stakes unbond (until endedAt + unbondingPeriod):
///   results computed before the retirement can still be decrypted, and silence about them is still slashable;
/// - a member is slashable for a result only if it could post during the result's whole window (reveal deadline at
///   or before the end of unbonding), and only while its stake is in the contract;
/// - slashed members can neither post nor withdraw; their stake is credited to the task's creator (pull payment).
/// Money rule, per token: balanceOf(this) == Σ stakes committed, not withdrawn, not slashed + Σ credits not
/// withdrawn. Tokens whose transfers do not move exactly the amount on both sides are refused, so the accounting
/// always matches the balance. Loops only over one committee's member list (at most {MAX_MEMBERS}, at creation).
contract FheCommittees is IFheCommittees {
    using SafeERC20 for IERC20;

    /// @notice The largest committee (the creation loop is bounded by it).
    uint16 public constant MAX_MEMBERS = 16;

    /// @inheritdoc IFheCommittees
    ITrainingTasks public immutable tasks;

    uint32 private immutable _maxSetupPeriod;
    uint32 private immutable _minUnbondingPeriod;
    uint32 private immutable _maxUnbondingPeriod;

    uint256 private _committeeCount;
    mapping(uint256 committeeId => Committee) private _committees;
    mapping(uint256 committeeId => address[]) private _members;
    mapping(uint256 committeeId => mapping(address account => Seat)) private _seats;
    mapping(bytes32 keyId => uint256 committeeId) private _committeeOfKey;
    mapping(uint256 taskId => mapping(uint16 attempt => mapping(address member => Share))) private _shares;
    mapping(uint256 taskId => mapping(uint16 attempt => uint16)) private _shareCounts;
    mapping(IERC20 token => mapping(address account => uint256)) private _credits;

    /// @param trainingTasks The task registry whose FHE tasks the committees decrypt.
    /// @param limits Bounds on every committee's setup period and unbonding period (see {CommitteeLimits}):
    /// maxSetupPeriod > 0 and 0 < minUnbondingPeriod <= maxUnbondingPeriod.
    constructor(ITrainingTasks trainingTasks, CommitteeLimits memory limits) {
        if (limits.maxSetupPeriod == 0) revert FheCommitteesTermOutOfRange(0, 1, type(uint32).max);
        if (limits.minUnbondingPeriod == 0 || limits.minUnbondingPeriod > limits.maxUnbondingPeriod) {
            revert FheCommitteesTermOutOfRange(limits.minUnbondingPeriod, 1, limits.maxUnbondingPeriod);
        }
        tasks = trainingTasks;
        _maxSetupPeriod = limits.maxSetupPeriod;
        _minUnbondingPeriod = limits.minUnbondingPeriod;
        _maxUnbondingPeriod = limits.maxUnbondingPeriod;
    }

    // ─── Setup ──────────────────────────────────────────────────────────────────────────────────────────────────

    /// @inheritdoc IFheCommittees
    function createCommittee(address[] calldata members, CommitteeParams calldata params)
        external
        returns (uint256 committeeId)
    {
        uint256 n = members.length;
        if (n == 0 || n > MAX_MEMBERS) revert FheCommitteesInvalidMembers();
        if (params.threshold != n) revert FheCommitteesUnsupportedThreshold(params.threshold, uint16(n));
        if (address(params.stakeToken) == address(0) || params.stake == 0) revert FheCommitteesInvalidStake();
        if (params.setupDeadline <= block.timestamp || params.setupDeadline > block.timestamp + _maxSetupPeriod) {
            revert FheCommitteesTermOutOfRange(params.setupDeadline, block.timestamp + 1, block.timestamp + _maxSetupPeriod);
        }
        if (params.unbondingPeriod < _minUnbondingPeriod || params.unbondingPeriod > _maxUnbondingPeriod) {
            revert FheCommitteesTermOutOfRange(params.unbondingPeriod, _minUnbondingPeriod, _maxUnbondingPeriod);
        }
        committeeId = ++_committeeCount;
        mapping(address account => Seat) storage seats = _seats[committeeId];
        for (uint256 i = 0; i < n; ++i) {
            address member = members[i];
            // A zero address or a second seat for the same account (its index is already set) is refused.
            if (member == address(0) || seats[member].index != 0) revert FheCommitteesInvalidMembers();
            seats[member].index = uint16(i + 1);
        }
        _members[committeeId] = members;
        Committee storage c = _committees[committeeId];
        c.creator = msg.sender;
        c.status = CommitteeStatus.Forming;
        c.members = uint16(n);
        c.threshold = params.threshold;
        c.setupDeadline = params.setupDeadline;
        c.unbondingPeriod = params.unbondingPeriod;
        c.stakeToken = params.stakeToken;
        c.stake = params.stake;
        c.seed = keccak256(abi.encode(block.chainid, address(this), committeeId));
        emit CommitteeCreated(committeeId, msg.sender, c.seed, members, params);
    }

    /// @inheritdoc IFheCommittees
    function commitKeyShare(uint256 committeeId, bytes32 keyShareRoot) external {
        if (keyShareRoot == bytes32(0)) revert FheCommitteesZeroRoot();
        Committee storage c = _setupCommittee(committeeId, CommitteeStatus.Forming);
        Seat storage seat = _seat(committeeId, msg.sender);
        if (seat.committed) revert FheCommitteesAlreadyDone(committeeId, msg.sender);
        seat.committed = true;
        seat.keyShareRoot = keyShareRoot;
        uint16 commits = ++c.commits;
        uint128 stake = c.stake;
        emit KeyShareCommitted(committeeId, msg.sender, keyShareRoot, stake);
        if (commits == c.members) {
            c.status = CommitteeStatus.Confirming;
            emit KeySharesComplete(committeeId);
        }
        _pull(c.stakeToken, stake);
    }

    /// @inheritdoc IFheCommittees
    function confirmKeys(uint256 committeeId, bytes32 keyId, bytes32 keysRoot) external {
        if (keyId == bytes32(0) || keysRoot == bytes32(0)) revert FheCommitteesZeroRoot();
        Committee storage c = _setupCommittee(committeeId, CommitteeStatus.Confirming);
        Seat storage seat = _seat(committeeId, msg.sender);
        if (seat.confirmed) revert FheCommitteesAlreadyDone(committeeId, msg.sender);
        bytes32 candidate = keccak256(abi.encode(keyId, keysRoot));
        if (c.candidate == bytes32(0)) c.candidate = candidate;
        else if (c.candidate != candidate) revert FheCommitteesKeyMismatch(committeeId, keyId, keysRoot);
        uint256 holder = _committeeOfKey[keyId];
        if (holder != 0) revert FheCommitteesKeyTaken(keyId, holder);
        seat.confirmed = true;
        uint16 confirmations = ++c.confirmations;
        emit KeysConfirmed(committeeId, msg.sender, keyId, keysRoot);
        if (confirmations == c.members) {
            c.status = CommitteeStatus.Active;
            c.keyId = keyId;
            c.keysRoot = keysRoot;
            _committeeOfKey[keyId] = committeeId;
            emit CommitteeActivated(committeeId, keyId, keysRoot);
        }
    }

    /// @inheritdoc IFheCommittees
    function failSetup(uint256 committeeId) external {
        Committee storage c = _committee(committeeId);
        if (c.status != CommitteeStatus.Forming && c.status != CommitteeStatus.Confirming) {
            revert FheCommitteesWrongStatus(committeeId, c.status);
        }
        if (block.timestamp <= c.setupDeadline) revert FheCommitteesSetupOpen(committeeId, c.setupDeadline);
        c.status = CommitteeStatus.Failed;
        c.endedAt = uint64(block.timestamp);
        emit CommitteeFailed(committeeId);
    }

    /// @inheritdoc IFheCommittees
    function retireCommittee(uint256 committeeId) external {
        Committee storage c = _committee(committeeId);
        if (c.status != CommitteeStatus.Active) revert FheCommitteesWrongStatus(committeeId, c.status);
        // An Active committee has no slashed member (a slash breaks it), so every seat counts.
        if (msg.sender != c.creator && _seats[committeeId][msg.sender].index == 0) {
            revert FheCommitteesNotMember(committeeId, msg.sender);
        }
        c.status = CommitteeStatus.Retired;
        c.endedAt = uint64(block.timestamp);
        emit CommitteeRetired(committeeId, msg.sender, c.endedAt + c.unbondingPeriod);
    }

    // ─── Decryption shares ──────────────────────────────────────────────────────────────────────────────────────

    /// @inheritdoc IFheCommittees
    function postShare(uint256 taskId, bytes32 root, bool declined) external {
        if (root == bytes32(0)) revert FheCommitteesZeroRoot();
        (uint256 committeeId, Committee storage c) = _taskCommittee(taskId);
        if (block.timestamp > _servingUntil(c)) revert FheCommitteesNotCommitteeTask(taskId);
        (, ITrainingTasks.TaskStatus status,,) = tasks.getTaskState(taskId);
        if (status != ITrainingTasks.TaskStatus.Running) revert FheCommitteesNoResult(taskId);
        (uint16 attempt, uint64 deadline) = _result(taskId);
        if (block.timestamp > deadline) revert FheCommitteesShareClosed(taskId, deadline);
        // An unslashed seat of a committee that was Active has committed its key share (and its stake).
        _seat(committeeId, msg.sender);
        Share storage share = _shares[taskId][attempt][msg.sender];
        if (share.root != bytes32(0)) revert FheCommitteesAlreadyShared(taskId, msg.sender);
        share.root = root;
        share.declined = declined;
        ++_shareCounts[taskId][attempt];
        emit SharePosted(taskId, committeeId, msg.sender, attempt, root, declined);
    }

    /// @inheritdoc IFheCommittees
    /// @dev The task may be in any status (Running, Abandoned because the share was missing, Finished…): what counts
    /// is that its current round-1 attempt has a result, the member's window for it is over, and the member could
    /// post during the whole window (its committee was Active or unbonding until the reveal deadline).
    function slashMissingShare(uint256 taskId, address member) external {
        (uint256 committeeId, Committee storage c) = _taskCommittee(taskId);
        (uint16 attempt, uint64 deadline) = _result(taskId);
        Seat storage seat = _seats[committeeId][member];
        if (seat.index == 0 || seat.slashed) revert FheCommitteesNotMember(committeeId, member);
        if (
            block.timestamp <= deadline || deadline > _servingUntil(c) || seat.stakeWithdrawn
                || _shares[taskId][attempt][member].root != bytes32(0)
        ) revert FheCommitteesNotSlashable(taskId, member, deadline);
        (address creator,,,) = tasks.getTaskState(taskId);
        seat.slashed = true;
        uint128 amount = c.stake;
        _credits[c.stakeToken][creator] += amount;
        if (c.status == CommitteeStatus.Active) c.endedAt = uint64(block.timestamp);
        c.status = CommitteeStatus.Broken;
        emit MemberSlashed(committeeId, taskId, member, creator, amount, c.endedAt + c.unbondingPeriod);
    }

    // ─── Withdrawals ────────────────────────────────────────────────────────────────────────────────────────────

    /// @inheritdoc IFheCommittees
    function withdrawStake(uint256 committeeId) external {
        Committee storage c = _committee(committeeId);
        Seat storage seat = _seats[committeeId][msg.sender];
        if (seat.index == 0 || seat.slashed) revert FheCommitteesNotMember(committeeId, msg.sender);
        if (!seat.committed || seat.stakeWithdrawn) revert FheCommitteesNothingToWithdraw();
        CommitteeStatus status = c.status;
        if (status != CommitteeStatus.Failed) {
            uint64 unbondsAt = status == CommitteeStatus.Retired || status == CommitteeStatus.Broken
                ? c.endedAt + c.unbondingPeriod
                : 0;
            if (unbondsAt == 0 || block.timestamp < unbondsAt) revert FheCommitteesStakeLocked(committeeId, unbondsAt);
        }
        seat.stakeWithdrawn = true;
        uint128 stake = c.stake;
        emit StakeWithdrawn(committeeId, msg.sender, stake);
        _push(c.stakeToken, msg.sender, stake);
    }

    /// @inheritdoc IFheCommittees
    function withdrawCredit(IERC20 token) external {
        uint256 amount = _credits[token][msg.sender];
        if (amount == 0) revert FheCommitteesNothingToWithdraw();
        _credits[token][msg.sender] = 0;
        emit CreditWithdrawn(token, msg.sender, amount);
        _push(token, msg.sender, amount);
    }

    // ─── Views ──────────────────────────────────────────────────────────────────────────────────────────────────

    /// @inheritdoc IFheCommittees
    function committeeCount() external view returns (uint256) {
        return _committeeCount;
    }

    /// @inheritdoc IFheCommittees
    /// @dev Reverts {FheCommitteesUnknownCommittee} for an unknown id, as does {getMembers}.
    function getCommittee(uint256 committeeId) external view returns (Committee memory) {
        return _committee(committeeId);
    }

    /// @inheritdoc IFheCommittees
    function getMembers(uint256 committeeId) external view returns (address[] memory) {
        _committee(committeeId);
        return _members[committeeId];
    }

    /// @inheritdoc IFheCommittees
    function getSeat(uint256 committeeId, address account) external view returns (Seat memory) {
        return _seats[committeeId][account];
    }

    /// @inheritdoc IFheCommittees
    function committeeOfKey(bytes32 keyId) external view returns (uint256) {
        return _committeeOfKey[keyId];
    }

    /// @inheritdoc IFheCommittees
    function shareOf(uint256 taskId, uint16 attempt, address member) external view returns (Share memory) {
        return _shares[taskId][attempt][member];
    }

    /// @inheritdoc IFheCommittees
    function shareCount(uint256 taskId, uint16 attempt) external view returns (uint16) {
        return _shareCounts[taskId][attempt];
    }

    /// @inheritdoc IFheCommittees
    function creditOf(IERC20 token, address account) external view returns (uint256) {
        return _credits[token][account];
    }

    /// @inheritdoc IFheCommittees
    function committeeLimits() external view returns (CommitteeLimits memory) {
        return CommitteeLimits({
            maxSetupPeriod: _maxSetupPeriod,
            minUnbondingPeriod: _minUnbondingPeriod,
            maxUnbondingPeriod: _maxUnbondingPeriod
        });
    }

    // ─── Internals ──────────────────────────────────────────────────────────────────────────────────────────────

    function _committee(uint256 committeeId) private view returns (Committee storage c) {
        c = _committees[committeeId];
        if (c.status == CommitteeStatus.None) revert FheCommitteesUnknownCommittee(committeeId);
    }

    /// @dev A committee in setup step `status`, before its setup deadline.
    function _setupCommittee(uint256 committeeId, CommitteeStatus status) private view returns (Committee storage c) {
        c = _committee(committeeId);
        if (c.status != status) revert FheCommitteesWrongStatus(committeeId, c.status);
        if (block.timestamp > c.setupDeadline) revert FheCommitteesSetupClosed(committeeId, c.setupDeadline);
    }

    /// @dev `account`'s unslashed seat in the committee.
    function _seat(uint256 committeeId, address account) private view returns (Seat storage seat) {
        seat = _seats[committeeId][account];
        if (seat.index == 0 || seat.slashed) revert FheCommitteesNotMember(committeeId, account);
    }

    /// @dev The committee whose key `taskId` (an FHE task) is under; it must have been Active at some point.
    function _taskCommittee(uint256 taskId) private view returns (uint256 committeeId, Committee storage c) {
        bytes32 keyId = tasks.getFheKeyId(taskId);
        committeeId = keyId == bytes32(0) ? 0 : _committeeOfKey[keyId];
        if (committeeId == 0) revert FheCommitteesNotCommitteeTask(taskId);
        c = _committees[committeeId];
    }

    /// @dev Until when the committee serves: forever while Active, to the end of unbonding once Retired or Broken.
    /// (A committee reached through {_taskCommittee} was Active, so it is Active, Retired or Broken.)
    function _servingUntil(Committee storage c) private view returns (uint256) {
        return c.status == CommitteeStatus.Active ? type(uint256).max : uint256(c.endedAt) + c.unbondingPeriod;
    }

    /// @dev The result to decrypt: the current attempt of `taskId`'s round 1 (an FHE task has one round), which must
    /// have the compute node's submission, and that attempt's reveal deadline (the members' share deadline).
    function _result(uint256 taskId) private view returns (uint16 attempt, uint64 deadline) {
        ITrainingTasks.RoundState memory round = tasks.getRound(taskId, 1);
        if (round.submissions == 0) revert FheCommitteesNoResult(taskId);
        ITrainingTasks.TaskParams memory p = tasks.getTaskParams(taskId);
        return (round.attempt, RoundSchedule.revealDeadline(round.start, p.roundDuration, p.revealDuration));
    }

    /// @dev Pulls `amount` from the caller. Refuses tokens whose transfer does not move exactly `amount` out of the
    /// sender and into this contract (fees on either side), which would break the escrow accounting.
    function _pull(IERC20 token, uint256 amount) private {
        uint256 senderBefore = token.balanceOf(msg.sender);
        uint256 before = token.balanceOf(address(this));
        token.safeTransferFrom(msg.sender, address(this), amount);
        uint256 received = token.balanceOf(address(this)) - before;
        if (received != amount) revert FheCommitteesUnsupportedToken(token, amount, received);
        uint256 sent = senderBefore - token.balanceOf(msg.sender);
        if (sent != amount) revert FheCommitteesUnsupportedToken(token, amount, sent);
    }

    /// @dev Pays `amount` to `to`, refusing a transfer that costs this contract more (a fee charged to the sender)
    /// or delivers less: either would pay one member's stake out of another's.
    function _push(IERC20 token, address to, uint256 amount) private {
        uint256 before = token.balanceOf(address(this));
        uint256 toBefore = token.balanceOf(to);
        token.safeTransfer(to, amount);
        uint256 spent = before - token.balanceOf(address(this));
        if (spent != amount) revert FheCommitteesUnsupportedToken(token, amount, spent);
        uint256 delivered = token.balanceOf(to) - toBefore;
        if (delivered != amount) revert FheCommitteesUnsupportedToken(token, amount, delivered);
    }
}
