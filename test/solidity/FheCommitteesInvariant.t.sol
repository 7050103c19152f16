// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {FheCommittees} from "../../contracts/FheCommittees.sol";
import {IFheCommittees} from "../../contracts/interfaces/IFheCommittees.sol";
import {TestBase, FuzzSelector} from "./utils/Vm.sol";
import {FheCommitteesHandler} from "./handlers/FheCommitteesHandler.sol";

/// @notice Invariants of FheCommittees over random sequences of every action (see the handler): per token, the
/// escrow equals the stakes held plus the credits owed (with a token that may start charging senders a fee), the
/// records match what the handler saw move, and every committee's counters and key registration are consistent.
contract FheCommitteesInvariantTest is TestBase {
    FheCommitteesHandler internal handler;
    FheCommittees internal committees;

    function setUp() public {
        handler = new FheCommitteesHandler();
        handler.bootstrap();
        committees = handler.fheCommittees();
    }

    function targetContracts() public view returns (address[] memory targets) {
        targets = new address[](1);
        targets[0] = address(handler);
    }

    function targetSelectors() public view returns (FuzzSelector[] memory selectors) {
        selectors = new FuzzSelector[](1);
        selectors[0] = FuzzSelector({addr: address(handler), selectors: handler.actions()});
    }

    /// @notice Per token: balanceOf(FheCommittees) == Σ stakes committed, not withdrawn, not slashed + Σ credits.
    function invariant_escrowEqualsStakesHeldPlusCredits() public view {
        _assertEscrow(handler.plainToken());
        _assertEscrow(IERC20(address(handler.feeToken())));
    }

    function _assertEscrow(IERC20 token) internal view {
        uint256 held;
        uint256 count = committees.committeeCount();
        for (uint256 id = 1; id <= count; ++id) {
            IFheCommittees.Committee memory c = committees.getCommittee(id);
            if (c.stakeToken != token) continue;
            address[] memory members = committees.getMembers(id);
            for (uint256 i = 0; i < members.length; ++i) {
                IFheCommittees.Seat memory seat = committees.getSeat(id, members[i]);
                if (seat.committed && !seat.stakeWithdrawn && !seat.slashed) held += c.stake;
            }
        }
        uint256 credits = committees.creditOf(token, handler.creditor());
        assertEq(token.balanceOf(address(committees)), held + credits, "escrow != stakes held + credits");
        // The same from the handler's own view: everything paid in, minus everything paid out.
        assertEq(token.balanceOf(address(committees)) + handler.ghostOut(token), handler.ghostIn(token), "escrow + out != in");
        assertLe(credits, handler.ghostSlashed(token), "credits above the slashed stakes");
    }

    /// @notice Counters match the seats; a seat is never both slashed and withdrawn; a committee holding a key is
    /// the one registered for it, and only committees that reached Active hold one.
    function invariant_committeeRecordsAreConsistent() public view {
        uint256 count = committees.committeeCount();
        for (uint256 id = 1; id <= count; ++id) {
            IFheCommittees.Committee memory c = committees.getCommittee(id);
            address[] memory members = committees.getMembers(id);
            assertEq(members.length, c.members, "member count");
            uint256 commits;
            uint256 confirmations;
            for (uint256 i = 0; i < members.length; ++i) {
                IFheCommittees.Seat memory seat = committees.getSeat(id, members[i]);
                assertEq(seat.index, i + 1, "seat index");
                assertTrue(!(seat.slashed && seat.stakeWithdrawn), "slashed and withdrawn");
                assertTrue(seat.committed || !(seat.confirmed || seat.slashed || seat.stakeWithdrawn), "uncommitted seat acted");
                if (seat.committed) ++commits;
                if (seat.confirmed) ++confirmations;
            }
            assertEq(commits, c.commits, "commits");
            assertEq(confirmations, c.confirmations, "confirmations");
            bool served = c.status == IFheCommittees.CommitteeStatus.Active || c.status == IFheCommittees.CommitteeStatus.Retired
                || c.status == IFheCommittees.CommitteeStatus.Broken;
            if (served) {
                assertEq(confirmations, c.members, "a serving committee was confirmed by all");
                assertEq(committees.committeeOfKey(c.keyId), id, "key registration");
            } else {
                assertEq(c.keyId, bytes32(0), "key before activation");
            }
        }
    }

    /// @notice Each result's share count equals the members that posted for it.
    function invariant_shareCountsMatchPosts() public view {
        uint256[] memory taskIds = handler.taskIds();
        for (uint256 t = 0; t < taskIds.length; ++t) {
            uint256 id = committees.committeeOfKey(handler.tasksContract().getFheKeyId(taskIds[t]));
            address[] memory members = committees.getMembers(id);
            for (uint16 attempt = 0; attempt < 3; ++attempt) {
                uint256 posted;
                for (uint256 i = 0; i < members.length; ++i) {
                    if (committees.shareOf(taskIds[t], attempt, members[i]).root != bytes32(0)) ++posted;
                }
                assertEq(committees.shareCount(taskIds[t], attempt), posted, "share count");
            }
        }
    }
}
