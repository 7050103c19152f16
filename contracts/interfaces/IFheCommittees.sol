// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ITrainingTasks} from "./ITrainingTasks.sol";

/// @title IFheCommittees
/// @notice The committee registry of threshold FHE: n members, each staked, jointly hold a CKKS key whose secret
/// exists nowhere (member i holds s_i, the key is under s = Σ s_i). Contributors encrypt under the committee's
/// collective public key; an FHE task on {ITrainingTasks} whose inputs are under that key is decrypted by the
/// members' decryption shares, posted here, one per member per result.
/// @dev Key setup is commit-then-confirm, against rogue keys: every member first commits the storage root of its key
/// share file (binding; the file stays private until every member has committed), then uploads it; each member
/// assembles the collective keys from the committed shares and confirms the same (keyId, keysRoot) — the committee
/// is Active only when all n agree, so one honest member suffices to refuse a wrong assembly. keyId = keccak256 of
/// the collective public key (the {ITrainingTasks} FHE key id); keysRoot is the storage root of the committee keys
/// file (public key + Galois keys), deterministic in the shares, so anyone can re-derive and check it.
/// n-of-n only for now (threshold == members): one silent member blocks a decryption, so each member stakes and a
/// member that posts nothing for a task's result by the result's reveal deadline is slashable; its stake is credited
/// to the task's creator (pull payment) and the committee is Broken (it can no longer decrypt anything new).
interface IFheCommittees {
    /// @dev Forming: members commit key shares (and stake). Confirming: every share committed, members upload and
    /// confirm the assembled keys. Active: keys confirmed, tasks may use them. Failed: setup missed its deadline.
    /// Retired: a member or the creator ended it (stakes unbond). Broken: a member was slashed (stakes unbond).
    enum CommitteeStatus {
        None,
        Forming,
        Confirming,
        Active,
        Failed,
        Retired,
        Broken
    }

    /// @notice What a committee's creator chooses. Times in seconds.
    struct CommitteeParams {
        /// @dev Token of the members' stakes.
        IERC20 stakeToken;
        /// @dev Each member's stake (> 0).
        uint128 stake;
        /// @dev Members must have committed and confirmed by then (now < setupDeadline <= now + maxSetupPeriod).
        uint64 setupDeadline;
        /// @dev After retirement or breakage, stakes stay slashable this long (>= minUnbondingPeriod).
        uint32 unbondingPeriod;
        /// @dev Shares needed to decrypt; must equal the member count (n-of-n).
        uint16 threshold;
    }

    /// @notice A committee's state.
    struct Committee {
        address creator;
        CommitteeStatus status;
        uint16 members;
        uint16 threshold;
        uint16 commits;
        uint16 confirmations;
        uint64 setupDeadline;
        /// @dev When it was retired or broken (0 otherwise); stakes withdrawable from endedAt + unbondingPeriod.
        uint64 endedAt;
        uint32 unbondingPeriod;
        IERC20 stakeToken;
        uint128 stake;
        /// @dev Public seed of the common random polynomials: keccak256(abi.encode(chainid, this, committeeId)).
        bytes32 seed;
        /// @dev The collective key's id (set when Active).
        bytes32 keyId;
        /// @dev Storage root of the committee keys file (set when Active).
        bytes32 keysRoot;
        /// @dev keccak256(abi.encode(keyId, keysRoot)) of the first confirmation; every member must confirm the same.
        bytes32 candidate;
    }

    /// @notice A member's seat in a committee.
    struct Seat {
        /// @dev 1-based position in the member list (0: not a member). Member i of the key-share files is index − 1.
        uint16 index;
        bool committed;
        bool confirmed;
        bool slashed;
        bool stakeWithdrawn;
        /// @dev Storage root of the member's key share file.
        bytes32 keyShareRoot;
    }

    /// @notice A member's answer for one result of an FHE task.
    struct Share {
        /// @dev Storage root of the decryption share file, or of a statement why the member declined.
        bytes32 root;
        bool declined;
    }

    /// @notice Bounds fixed at deployment.
    struct CommitteeLimits {
        uint32 maxSetupPeriod;
        uint32 minUnbondingPeriod;
        uint32 maxUnbondingPeriod;
    }

    // ─── Events ─────────────────────────────────────────────────────────────────────────────────────────────────

    /// @notice A committee was created with its fixed member list (seed: the public seed of its key setup).
    event CommitteeCreated(
        uint256 indexed committeeId, address indexed creator, bytes32 seed, address[] members, CommitteeParams params
    );

    /// @notice `member` staked and committed the storage root of its key share file.
    event KeyShareCommitted(uint256 indexed committeeId, address indexed member, bytes32 keyShareRoot, uint128 stake);

    /// @notice Every member committed: members now upload their key shares and confirm the assembled keys.
    event KeySharesComplete(uint256 indexed committeeId);

    /// @notice `member` confirmed the collective keys it assembled.
    event KeysConfirmed(uint256 indexed committeeId, address indexed member, bytes32 keyId, bytes32 keysRoot);

    /// @notice Every member confirmed the same keys: the committee is Active under `keyId`.
    event CommitteeActivated(uint256 indexed committeeId, bytes32 indexed keyId, bytes32 keysRoot);

    /// @notice The setup missed its deadline; stakes are withdrawable.
    event CommitteeFailed(uint256 indexed committeeId);

    /// @notice The committee was retired by `by`; stakes are withdrawable from `unbondsAt`.
    event CommitteeRetired(uint256 indexed committeeId, address indexed by, uint64 unbondsAt);

    /// @notice `member` posted its decryption share (or declined, with a reason at `root`) for the result of
    /// `taskId`'s round-1 `attempt`.
    event SharePosted(
        uint256 indexed taskId,
        uint256 indexed committeeId,
        address indexed member,
        uint16 attempt,
        bytes32 root,
        bool declined
    );

    /// @notice `member` posted nothing for `taskId`'s result in time: its stake went to `beneficiary` (the task's
    /// creator) and the committee is Broken (stakes withdrawable from `unbondsAt`).
    event MemberSlashed(
        uint256 indexed committeeId,
        uint256 indexed taskId,
        address indexed member,
        address beneficiary,
        uint128 amount,
        uint64 unbondsAt
    );

    /// @notice `member` withdrew its stake.
    event StakeWithdrawn(uint256 indexed committeeId, address indexed member, uint128 amount);

    /// @notice `account` withdrew slashed stakes credited to it.
    event CreditWithdrawn(IERC20 indexed token, address indexed account, uint256 amount);

    // ─── Errors ─────────────────────────────────────────────────────────────────────────────────────────────────

    /// @notice No committee `committeeId`.
    error FheCommitteesUnknownCommittee(uint256 committeeId);
    /// @notice The member list is empty, longer than {MAX_MEMBERS}, or has address(0) or a duplicate.
    error FheCommitteesInvalidMembers();
    /// @notice Only n-of-n: `threshold` must equal `members`.
    error FheCommitteesUnsupportedThreshold(uint16 threshold, uint16 members);
    /// @notice Stake token address(0) or stake 0.
    error FheCommitteesInvalidStake();
    /// @notice A deadline or period outside the deployment's {CommitteeLimits}.
    error FheCommitteesTermOutOfRange(uint256 value, uint256 min, uint256 max);
    /// @notice A zero storage root or key id.
    error FheCommitteesZeroRoot();
    /// @notice The committee is `status`, which does not allow this.
    error FheCommitteesWrongStatus(uint256 committeeId, CommitteeStatus status);
    /// @notice `account` has no (unslashed) seat in the committee.
    error FheCommitteesNotMember(uint256 committeeId, address account);
    /// @notice `member` already committed or confirmed.
    error FheCommitteesAlreadyDone(uint256 committeeId, address member);
    /// @notice The setup deadline passed (or, for {failSetup}, has not passed yet: `deadline`).
    error FheCommitteesSetupClosed(uint256 committeeId, uint64 deadline);
    error FheCommitteesSetupOpen(uint256 committeeId, uint64 deadline);
    /// @notice A confirmation differs from the first one: the members assembled different keys.
    error FheCommitteesKeyMismatch(uint256 committeeId, bytes32 keyId, bytes32 keysRoot);
    /// @notice Another committee already holds `keyId`.
    error FheCommitteesKeyTaken(bytes32 keyId, uint256 committeeId);
    /// @notice Task `taskId` is not an FHE task under an Active (or unbonding) committee's key.
    error FheCommitteesNotCommitteeTask(uint256 taskId);
    /// @notice Task `taskId` has no result to share (no submission in its current round-1 attempt).
    error FheCommitteesNoResult(uint256 taskId);
    /// @notice The reveal deadline `deadline` of the result passed.
    error FheCommitteesShareClosed(uint256 taskId, uint64 deadline);
    /// @notice `member` already posted for this result.
    error FheCommitteesAlreadyShared(uint256 taskId, address member);
    /// @notice `member` posted in time, or the share window is still open (until `deadline`).
    error FheCommitteesNotSlashable(uint256 taskId, address member, uint64 deadline);
    /// @notice Stakes unbond until `unbondsAt` (or the committee is still Forming/Confirming/Active).
    error FheCommitteesStakeLocked(uint256 committeeId, uint64 unbondsAt);
    /// @notice Nothing to withdraw.
    error FheCommitteesNothingToWithdraw();
    /// @notice The token did not move exactly `amount` (`moved` instead): fee tokens are refused.
    error FheCommitteesUnsupportedToken(IERC20 token, uint256 amount, uint256 moved);

    // ─── Functions ──────────────────────────────────────────────────────────────────────────────────────────────

    /// @notice The task registry whose FHE tasks this registry's committees decrypt.
    function tasks() external view returns (ITrainingTasks);

    /// @notice Creates a committee of `members` (fixed) with `params`; status Forming.
    /// @dev Requirements: 1 <= members <= MAX_MEMBERS, distinct, non-zero; threshold == members; stake > 0; terms in
    /// {committeeLimits}. Emits {CommitteeCreated}.
    function createCommittee(address[] calldata members, CommitteeParams calldata params)
        external
        returns (uint256 committeeId);

    /// @notice A member stakes and commits the storage root of its key share file (generated with the committee's
    /// seed and its index). Pulls `stake` of `stakeToken` from the caller.
    /// @dev Requirements: Forming, before the setup deadline, caller a member that has not committed. Emits
    /// {KeyShareCommitted}, and {KeySharesComplete} when it was the last (status Confirming).
    function commitKeyShare(uint256 committeeId, bytes32 keyShareRoot) external;

    /// @notice A member confirms the collective keys it assembled from every committed key share.
    /// @dev Requirements: Confirming, before the setup deadline, caller a member that has not confirmed, the same
    /// (keyId, keysRoot) as every earlier confirmation, keyId not held by another committee. Emits {KeysConfirmed},
    /// and {CommitteeActivated} when it was the last (status Active).
    function confirmKeys(uint256 committeeId, bytes32 keyId, bytes32 keysRoot) external;

    /// @notice Ends a setup that missed its deadline (anyone); every staked member can withdraw at once.
    /// @dev Requirements: Forming or Confirming, after the setup deadline. Emits {CommitteeFailed}.
    function failSetup(uint256 committeeId) external;

    /// @notice Retires an Active committee (its creator or a member): no new work should use it; stakes stay
    /// slashable for the unbonding period. Emits {CommitteeRetired}.
    function retireCommittee(uint256 committeeId) external;

    /// @notice A member of the committee holding `taskId`'s key posts its decryption share of the task's result (the
    /// compute node's round-1 update in the current attempt), or declines with a reason (`declined`).
    /// @dev Requirements: the task is FHE under the key of a committee that is Active, Retired or Broken (in
    /// unbonding); the task is Running and its current attempt has a submission; now <= the attempt's reveal
    /// deadline; caller an unslashed member that has not posted for this attempt. Emits {SharePosted}.
    function postShare(uint256 taskId, bytes32 root, bool declined) external;

    /// @notice Slashes `member` for posting nothing for `taskId`'s result (current round-1 attempt with a
    /// submission) by its reveal deadline. Anyone may call. The stake is credited to the task's creator.
    /// @dev Emits {MemberSlashed}; the committee becomes Broken.
    function slashMissingShare(uint256 taskId, address member) external;

    /// @notice Withdraws the caller's stake: Failed committees at once; Retired/Broken after the unbonding period.
    /// @dev Emits {StakeWithdrawn}.
    function withdrawStake(uint256 committeeId) external;

    /// @notice Withdraws slashed stakes of `token` credited to the caller. Emits {CreditWithdrawn}.
    function withdrawCredit(IERC20 token) external;

    // ─── Views ──────────────────────────────────────────────────────────────────────────────────────────────────

    /// @notice Number of committees created (ids are 1..committeeCount).
    function committeeCount() external view returns (uint256);

    /// @notice A committee's state.
    function getCommittee(uint256 committeeId) external view returns (Committee memory);

    /// @notice The member list, in seat order.
    function getMembers(uint256 committeeId) external view returns (address[] memory);

    /// @notice `account`'s seat (index 0: not a member).
    function getSeat(uint256 committeeId, address account) external view returns (Seat memory);

    /// @notice The committee holding `keyId` (0: none).
    function committeeOfKey(bytes32 keyId) external view returns (uint256);

    /// @notice What `member` posted for the result of `taskId`'s round-1 `attempt` (root 0: nothing).
    function shareOf(uint256 taskId, uint16 attempt, address member) external view returns (Share memory);

    /// @notice How many members posted for the result of `taskId`'s round-1 `attempt`.
    function shareCount(uint256 taskId, uint16 attempt) external view returns (uint16);

    /// @notice Slashed stakes of `token` credited to `account`, not yet withdrawn.
    function creditOf(IERC20 token, address account) external view returns (uint256);

    /// @notice The deployment's bounds on committee terms.
    function committeeLimits() external view returns (CommitteeLimits memory);
}
