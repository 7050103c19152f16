// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IFheCommittees} from "../../../contracts/interfaces/IFheCommittees.sol";
import {ITrainingTasks} from "../../../contracts/interfaces/ITrainingTasks.sol";
import {FheCommittees} from "../../../contracts/FheCommittees.sol";
import {CommitteesFixture} from "../utils/CommitteesFixture.sol";
import {SenderFeeToken} from "../../contracts/mocks/SenderFeeToken.sol";

/// @notice Drives FheCommittees (with a real TrainingTasks for the FHE tasks) with bounded random actions for the
/// invariant test: committees of 1–4 of six actors staking in a plain token or one that may start charging senders a
/// fee, commits, confirmations (sometimes rogue), failed setups, retirements, FHE tasks with results, shares,
/// slashes, finalizations, abandonment and withdrawals at random times. Failures are allowed and ignored; what
/// succeeds is added to ghost sums kept independently of the contract.
contract FheCommitteesHandler is CommitteesFixture {
    uint256 internal constant ACTORS = 6;
    uint256 internal constant MAX_COMMITTEES = 4;
    uint256 internal constant MAX_TASKS = 4;

    SenderFeeToken public immutable feeToken;
    address[ACTORS] internal _actors;
    address public constant COMMITTEE_CREATOR = address(0xC0C0);
    uint256[] internal _taskIds;

    /// @dev block.timestamp does not carry over between the calls of an invariant run; keep it here.
    uint256 public currentTime = 1_700_000_000;

    /// @dev Per token: stakes paid in, stakes paid out, credits paid out (slashes only move stakes into credits).
    mapping(IERC20 token => uint256) public ghostIn;
    mapping(IERC20 token => uint256) public ghostOut;
    mapping(IERC20 token => uint256) public ghostSlashed;

    /// @dev Successful calls per action, to check that the sequences reach every state.
    mapping(bytes32 action => uint256) public calls;

    modifier useTime() {
        vm.warp(currentTime);
        _;
    }

    constructor() {
        vm.warp(currentTime);
        _deploy();
        feeToken = new SenderFeeToken(0);
        for (uint256 i = 0; i < ACTORS; ++i) _actors[i] = vm.addr(0x2000 + i);
    }

    /// @notice Starting state (called once from setUp, not a fuzzed action): committee 1 (two members, plain token)
    /// Active with an FHE task whose result awaits shares, committee 2 (three members, fee token) Active, committee 3
    /// (one member) Forming — so 30-call sequences reach shares, slashes, retirements and withdrawals.
    function bootstrap() external useTime {
        // termSeed: size − 1 | token (k % 3 == 0: fee token) << 8 | setup deadline << 16 | unbonding << 64.
        uint256 terms = (23 hours << 16) + (2 hours << 64);
        createCommittee(0, 1 + (1 << 8) + terms, 1e18);
        createCommittee(2, 2 + (3 << 8) + terms, 2e18);
        createCommittee(5, 0 + (1 << 8) + terms, 3e18);
        progress(0, 0);
        progress(0, 0);
        progress(1, 0);
        progress(1, 0);
        progress(0, 0);
        require(committees.getCommittee(1).status == IFheCommittees.CommitteeStatus.Active, "bootstrap: committee 1");
        require(committees.getCommittee(2).status == IFheCommittees.CommitteeStatus.Active, "bootstrap: committee 2");
        require(_taskIds.length == 1, "bootstrap: task");
    }

    /// @notice The action selectors the invariant runner may call.
    function actions() external pure returns (bytes4[] memory s) {
        s = new bytes4[](15);
        s[14] = this.progress.selector;
        s[0] = this.createCommittee.selector;
        s[1] = this.commit.selector;
        s[2] = this.confirm.selector;
        s[3] = this.failSetup.selector;
        s[4] = this.retire.selector;
        s[5] = this.openTask.selector;
        s[6] = this.postShare.selector;
        s[7] = this.slash.selector;
        s[8] = this.finalize.selector;
        s[9] = this.abandon.selector;
        s[10] = this.withdrawStake.selector;
        s[11] = this.withdrawCredit.selector;
        s[12] = this.warp.selector;
        s[13] = this.toggleFee.selector;
    }

    // ─── Actions ────────────────────────────────────────────────────────────────────────────────────────────────

    function createCommittee(uint256 memberSeed, uint256 termSeed, uint128 stake) public useTime {
        if (committees.committeeCount() >= MAX_COMMITTEES) return;
        uint256 n = bound(termSeed, 1, 4);
        address[] memory members = new address[](n);
        for (uint256 k = 0; k < n; ++k) members[k] = _actors[(memberSeed + k) % ACTORS];
        IFheCommittees.CommitteeParams memory terms = IFheCommittees.CommitteeParams({
            stakeToken: IERC20((termSeed >> 8) % 3 == 0 ? address(feeToken) : address(token)),
            stake: uint128(bound(stake, 1, 1e24)),
            setupDeadline: uint64(block.timestamp + bound(termSeed >> 16, 1 minutes, 1 days)),
            unbondingPeriod: uint32(bound(termSeed >> 64, MIN_UNBONDING, 3 hours)),
            threshold: uint16(n)
        });
        vm.prank(COMMITTEE_CREATOR);
        try committees.createCommittee(members, terms) {
            _count("createCommittee");
        } catch {}
    }

    function commit(uint256 committeeSeed, uint256 memberSeed) public useTime {
        (uint256 id, IFheCommittees.Committee memory c) = _pickCommittee(committeeSeed);
        if (id == 0) return;
        address member = _pickMember(id, memberSeed);
        _fund(c.stakeToken, member, c.stake);
        vm.prank(member);
        try committees.commitKeyShare(id, keccak256(abi.encode("key share", id, member))) {
            ghostIn[c.stakeToken] += c.stake;
            _count("commit");
        } catch {}
    }

    function confirm(uint256 committeeSeed, uint256 memberSeed, uint256 rogue) public useTime {
        (uint256 id,) = _pickCommittee(committeeSeed);
        if (id == 0) return;
        // Sometimes a rogue member's own keys, or another committee's key (refused as taken once it is Active).
        bytes32 keyId = rogue % 8 == 0 ? keccak256(abi.encode(rogue)) : rogue % 8 == 1 ? _keyId(1) : _keyId(id);
        vm.prank(_pickMember(id, memberSeed));
        try committees.confirmKeys(id, keyId, _keysRoot(id)) {
            _count("confirm");
        } catch {}
    }

    function failSetup(uint256 committeeSeed) public useTime {
        (uint256 id,) = _pickCommittee(committeeSeed);
        if (id == 0) return;
        try committees.failSetup(id) {
            _count("failSetup");
        } catch {}
    }

    function retire(uint256 committeeSeed, uint256 who) public useTime {
        (uint256 id,) = _pickCommittee(committeeSeed);
        if (id == 0) return;
        vm.prank(who % 3 == 0 ? COMMITTEE_CREATOR : who % 3 == 1 ? _pickMember(id, who >> 8) : _actors[(who >> 8) % ACTORS]);
        try committees.retireCommittee(id) {
            _count("retire");
        } catch {}
    }

    /// @notice An FHE task under a committee's key (any committee that has one) with its result submitted.
    function openTask(uint256 committeeSeed) public useTime {
        if (_taskIds.length >= MAX_TASKS) return;
        (uint256 id, IFheCommittees.Committee memory c) = _pickCommittee(committeeSeed);
        if (id == 0 || c.keyId == bytes32(0)) return;
        (uint256 taskId,) = _taskWithResult(c.keyId);
        _taskIds.push(taskId);
        _count("openTask");
    }

    function postShare(uint256 taskSeed, uint256 memberSeed, bool declined) public useTime {
        (uint256 taskId, uint256 id) = _pickTask(taskSeed);
        if (taskId == 0) return;
        vm.prank(_pickMember(id, memberSeed));
        try committees.postShare(taskId, keccak256(abi.encode("share", taskId, memberSeed)), declined) {
            _count("postShare");
        } catch {}
    }

    function slash(uint256 taskSeed, uint256 memberSeed) public useTime {
        (uint256 taskId, uint256 id) = _pickTask(taskSeed);
        if (taskId == 0) return;
        IFheCommittees.Committee memory c = committees.getCommittee(id);
        try committees.slashMissingShare(taskId, _pickMember(id, memberSeed)) {
            ghostSlashed[c.stakeToken] += c.stake;
            _count("slash");
        } catch {}
    }

    /// @notice The publisher finalizes (a finished task takes no more shares).
    function finalize(uint256 taskSeed) public useTime {
        (uint256 taskId,) = _pickTask(taskSeed);
        if (taskId == 0) return;
        vm.prank(aggregator);
        try tasks.finalizeRound(taskId, 1, keccak256("publication"), 0, 0, new address[](0)) {
            _count("finalize");
        } catch {}
    }

    function abandon(uint256 taskSeed) public useTime {
        (uint256 taskId,) = _pickTask(taskSeed);
        if (taskId == 0) return;
        try tasks.abandonTask(taskId) {
            _count("abandon");
        } catch {}
    }

    function withdrawStake(uint256 committeeSeed, uint256 memberSeed) public useTime {
        (uint256 id, IFheCommittees.Committee memory c) = _pickCommittee(committeeSeed);
        if (id == 0) return;
        vm.prank(_pickMember(id, memberSeed));
        try committees.withdrawStake(id) {
            ghostOut[c.stakeToken] += c.stake;
            _count("withdrawStake");
        } catch {}
    }

    function withdrawCredit(bool fee) public useTime {
        IERC20 paid = IERC20(fee ? address(feeToken) : address(token));
        uint256 credit = committees.creditOf(paid, taskCreator);
        vm.prank(taskCreator);
        try committees.withdrawCredit(paid) {
            ghostOut[paid] += credit;
            _count("withdrawCredit");
        } catch {}
    }

    /// @notice The next natural step of a random committee: every member commits (Forming) or confirms
    /// (Confirming); an Active one gets a task with a result (or, for an odd seed, is retired); an unbonding one's
    /// members withdraw.
    function progress(uint256 committeeSeed, uint256 seed) public useTime {
        (uint256 id, IFheCommittees.Committee memory c) = _pickCommittee(committeeSeed);
        if (id == 0) return;
        address[] memory members = committees.getMembers(id);
        for (uint256 i = 0; i < members.length; ++i) {
            if (c.status == IFheCommittees.CommitteeStatus.Forming) {
                commit(id - 1, i << 8);
            } else if (c.status == IFheCommittees.CommitteeStatus.Confirming) {
                confirm(id - 1, i << 8, 2);
            } else if (c.status == IFheCommittees.CommitteeStatus.Retired || c.status == IFheCommittees.CommitteeStatus.Broken) {
                withdrawStake(id - 1, i << 8);
            }
        }
        if (c.status == IFheCommittees.CommitteeStatus.Active) {
            if (seed % 2 == 0) openTask(id - 1);
            else retire(id - 1, 0);
        }
        _count("progress");
    }

    function warp(uint256 seconds_) public {
        // Mostly steps inside a share window; sometimes past every window and unbonding.
        currentTime += seconds_ % 6 == 0 ? bound(seconds_ >> 8, 3 hours, 2 days) : bound(seconds_ >> 8, 1, 40 minutes);
    }

    function toggleFee(uint256 seed) public {
        feeToken.setFeeBps(feeToken.feeBps() == 0 ? 100 : seed % 2 == 0 ? 0 : 100);
    }

    // ─── Views for the invariants ───────────────────────────────────────────────────────────────────────────────

    function fheCommittees() external view returns (FheCommittees) {
        return committees;
    }

    function tasksContract() external view returns (ITrainingTasks) {
        return tasks;
    }

    function plainToken() external view returns (IERC20) {
        return token;
    }

    function creditor() external view returns (address) {
        return taskCreator;
    }

    function taskIds() external view returns (uint256[] memory) {
        return _taskIds;
    }

    // ─── Internals ──────────────────────────────────────────────────────────────────────────────────────────────

    function _fund(IERC20 stakeToken, address member, uint256 amount) internal override {
        if (address(stakeToken) == address(feeToken)) feeToken.mint(member, amount);
        else token.mint(member, amount);
        vm.prank(member);
        stakeToken.approve(address(committees), amount);
    }

    function _pickCommittee(uint256 seed) internal view returns (uint256 id, IFheCommittees.Committee memory c) {
        uint256 count = committees.committeeCount();
        if (count == 0) return (0, c);
        id = 1 + seed % count;
        c = committees.getCommittee(id);
    }

    /// @dev Mostly a member of committee `id`, sometimes any actor (access checks).
    function _pickMember(uint256 id, uint256 seed) internal view returns (address) {
        address[] memory members = committees.getMembers(id);
        return seed % 5 == 4 ? _actors[(seed >> 8) % ACTORS] : members[(seed >> 8) % members.length];
    }

    function _pickTask(uint256 seed) internal view returns (uint256 taskId, uint256 committeeId) {
        if (_taskIds.length == 0) return (0, 0);
        taskId = _taskIds[seed % _taskIds.length];
        committeeId = committees.committeeOfKey(tasks.getFheKeyId(taskId));
    }

    function _count(bytes32 action) internal {
        ++calls[action];
    }
}
