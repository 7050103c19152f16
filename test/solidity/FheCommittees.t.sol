// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IFheCommittees} from "../../contracts/interfaces/IFheCommittees.sol";
import {CommitteesFixture} from "./utils/CommitteesFixture.sol";

/// @notice FheCommittees fuzzed: stakes come back exactly (or go to the task's creator when slashed) whatever the
/// committee size, stake, silent members and timing; every window (share, slash, unbonding, setup) opens and closes
/// at its second; terms outside the deployment's limits are refused.
contract FheCommitteesTest is CommitteesFixture {
    uint256 internal constant T0 = 1_700_000_000;

    function setUp() public {
        vm.warp(T0);
        _deploy();
    }

    function _members(uint256 n) internal pure returns (address[] memory members) {
        members = new address[](n);
        for (uint256 i = 0; i < n; ++i) members[i] = vm.addr(0x100 + i);
    }

    /// @dev Random size, stake and silent members: after slashing the silent ones and unbonding, every unslashed
    /// member withdraws exactly its stake, the task's creator exactly the slashed stakes, and nothing is left.
    function testFuzz_stakes_comeBackExactlyOrGoToTheTaskCreator(
        uint256 nSeed,
        uint128 stake,
        uint256 silentMask,
        uint256 slashDelay,
        uint32 unbonding
    ) public {
        uint256 n = bound(nSeed, 1, 16);
        stake = uint128(bound(stake, 1, 1e30));
        unbonding = uint32(bound(unbonding, MIN_UNBONDING, MAX_UNBONDING));
        address[] memory members = _members(n);
        uint256 committeeId = _active(members, stake, unbonding);
        (uint256 taskId, uint64 deadline) = _taskWithResult(_keyId(committeeId));
        uint256 silent;
        for (uint256 i = 0; i < n; ++i) {
            if ((silentMask >> i) & 1 == 1) {
                ++silent;
                continue;
            }
            vm.prank(members[i]);
            committees.postShare(taskId, keccak256(abi.encode("share", i)), i % 3 == 0);
        }
        assertEq(committees.shareCount(taskId, 0), n - silent, "share count");
        vm.warp(uint256(deadline) + 1 + bound(slashDelay, 0, 1 days));
        for (uint256 i = 0; i < n; ++i) {
            if ((silentMask >> i) & 1 == 1) committees.slashMissingShare(taskId, members[i]);
        }
        if (silent == 0) {
            vm.prank(members[0]);
            committees.retireCommittee(committeeId);
        }
        assertEq(committees.creditOf(token, taskCreator), silent * stake, "credit");
        assertEq(token.balanceOf(address(committees)), n * stake, "everything still held");

        IFheCommittees.Committee memory c = committees.getCommittee(committeeId);
        assertTrue(c.status == (silent == 0 ? IFheCommittees.CommitteeStatus.Retired : IFheCommittees.CommitteeStatus.Broken), "status");
        uint64 unbondsAt = c.endedAt + unbonding;
        vm.warp(unbondsAt - 1);
        for (uint256 i = 0; i < n; ++i) {
            if ((silentMask >> i) & 1 == 1) continue;
            vm.expectRevert(abi.encodeWithSelector(IFheCommittees.FheCommitteesStakeLocked.selector, committeeId, unbondsAt));
            vm.prank(members[i]);
            committees.withdrawStake(committeeId);
        }
        vm.warp(unbondsAt);
        for (uint256 i = 0; i < n; ++i) {
            bool slashed = (silentMask >> i) & 1 == 1;
            if (slashed) {
                vm.expectRevert(abi.encodeWithSelector(IFheCommittees.FheCommitteesNotMember.selector, committeeId, members[i]));
            }
            vm.prank(members[i]);
            committees.withdrawStake(committeeId);
            assertEq(token.balanceOf(members[i]), slashed ? 0 : stake, "member balance");
        }
        if (silent > 0) {
            vm.prank(taskCreator);
            committees.withdrawCredit(token);
        }
        assertEq(token.balanceOf(taskCreator), silent * stake, "creator got the slashed stakes");
        assertEq(token.balanceOf(address(committees)), 0, "nothing left behind");
    }

    /// @dev A share is accepted up to the reveal deadline of the result's attempt, inclusive, and refused after.
    function testFuzz_postShare_openUntilTheRevealDeadline(uint256 delay) public {
        uint256 committeeId = _active(_members(2), 1e18, 1 hours);
        (uint256 taskId, uint64 deadline) = _taskWithResult(_keyId(committeeId));
        uint256 t = block.timestamp + bound(delay, 0, 2 * (ROUND + REVEAL));
        vm.warp(t);
        if (t > deadline) {
            vm.expectRevert(abi.encodeWithSelector(IFheCommittees.FheCommitteesShareClosed.selector, taskId, deadline));
        }
        vm.prank(vm.addr(0x100));
        committees.postShare(taskId, keccak256("share"), false);
    }

    /// @dev A member is slashable only after the deadline, and only if it posted nothing.
    function testFuzz_slash_onlyAfterTheDeadlineAndOnlyTheSilent(uint256 delay, bool posted) public {
        address[] memory members = _members(3);
        uint256 committeeId = _active(members, 1e18, 1 hours);
        (uint256 taskId, uint64 deadline) = _taskWithResult(_keyId(committeeId));
        if (posted) {
            vm.prank(members[1]);
            committees.postShare(taskId, keccak256("share"), false);
        }
        uint256 t = block.timestamp + bound(delay, 0, 2 * (ROUND + REVEAL));
        vm.warp(t);
        bool slashable = !posted && t > deadline;
        if (!slashable) {
            vm.expectRevert(abi.encodeWithSelector(IFheCommittees.FheCommitteesNotSlashable.selector, taskId, members[1], deadline));
        }
        committees.slashMissingShare(taskId, members[1]);
        assertEq(committees.creditOf(token, taskCreator), slashable ? 1e18 : 0, "credit");
    }

    /// @dev After retirement, stakes unlock at exactly endedAt + unbondingPeriod.
    function testFuzz_withdrawStake_onlyAfterUnbonding(uint32 unbonding, uint256 delay) public {
        unbonding = uint32(bound(unbonding, MIN_UNBONDING, MAX_UNBONDING));
        address[] memory members = _members(2);
        uint256 committeeId = _active(members, 5e18, unbonding);
        vm.prank(members[1]);
        committees.retireCommittee(committeeId);
        uint256 retiredAt = block.timestamp;
        uint256 d = bound(delay, 0, 2 * uint256(unbonding));
        vm.warp(retiredAt + d);
        if (d < unbonding) {
            vm.expectRevert(abi.encodeWithSelector(IFheCommittees.FheCommitteesStakeLocked.selector, committeeId, uint64(retiredAt + unbonding)));
        }
        vm.prank(members[0]);
        committees.withdrawStake(committeeId);
        assertEq(token.balanceOf(members[0]), d < unbonding ? 0 : 5e18, "withdrawn");
    }

    /// @dev A failed setup gives every committed member its stake back at once; the others have nothing to take.
    function testFuzz_failSetup_refundsExactlyTheCommittedMembers(uint256 nSeed, uint256 commitMask, uint128 stake) public {
        uint256 n = bound(nSeed, 1, 16);
        stake = uint128(bound(stake, 1, 1e30));
        address[] memory members = _members(n);
        IFheCommittees.CommitteeParams memory terms = _terms(IERC20(address(token)), stake, uint16(n), 1 hours);
        uint256 committeeId = committees.createCommittee(members, terms);
        uint256 committed;
        for (uint256 i = 0; i < n; ++i) {
            if ((commitMask >> i) & 1 == 0) continue;
            _commit(committeeId, members[i]);
            ++committed;
        }
        if (committed == n) {
            // All committed: the setup is Confirming and fails the same way.
            assertTrue(committees.getCommittee(committeeId).status == IFheCommittees.CommitteeStatus.Confirming, "confirming");
        }
        vm.warp(terms.setupDeadline + 1);
        committees.failSetup(committeeId);
        for (uint256 i = 0; i < n; ++i) {
            bool did = (commitMask >> i) & 1 == 1;
            if (!did) vm.expectRevert(IFheCommittees.FheCommitteesNothingToWithdraw.selector);
            vm.prank(members[i]);
            committees.withdrawStake(committeeId);
            assertEq(token.balanceOf(members[i]), did ? stake : 0, "member balance");
        }
        assertEq(token.balanceOf(address(committees)), 0, "nothing left behind");
    }

    /// @dev Setup deadlines and unbonding periods are accepted exactly within the deployment's limits.
    function testFuzz_createCommittee_termsWithinLimits(uint256 deadlineOffset, uint256 unbonding) public {
        uint256 offset = bound(deadlineOffset, 0, 2 * uint256(MAX_SETUP));
        uint256 period = bound(unbonding, 0, 2 * uint256(MAX_UNBONDING));
        IFheCommittees.CommitteeParams memory terms = _terms(IERC20(address(token)), 1, 1, uint32(period));
        terms.setupDeadline = uint64(block.timestamp + offset);
        if (offset == 0 || offset > MAX_SETUP) {
            vm.expectRevert(
                abi.encodeWithSelector(
                    IFheCommittees.FheCommitteesTermOutOfRange.selector, terms.setupDeadline, block.timestamp + 1, block.timestamp + MAX_SETUP
                )
            );
        } else if (period < MIN_UNBONDING || period > MAX_UNBONDING) {
            vm.expectRevert(
                abi.encodeWithSelector(IFheCommittees.FheCommitteesTermOutOfRange.selector, period, MIN_UNBONDING, MAX_UNBONDING)
            );
        }
        committees.createCommittee(_members(1), terms);
    }
}
