// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {DatasetIndex} from "../../contracts/DatasetIndex.sol";
import {TrainingTasks} from "../../contracts/TrainingTasks.sol";
import {ITrainingTasks} from "../../contracts/interfaces/ITrainingTasks.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {TestBase, FuzzSelector} from "./utils/Vm.sol";
import {TrainingTasksHandler} from "./handlers/TrainingTasksHandler.sol";

/// @notice Invariants of TrainingTasks over random sequences of every external action (see the handler): the
/// escrow always equals the per-task accounting (per token, with a token that may start charging senders a fee),
/// and no task pays out more than it took in — through disputes, resolutions, member settlements and expiry.
contract TrainingTasksInvariantTest is TestBase {
    DatasetIndex internal index;
    TrainingTasks internal tasks;
    TrainingTasksHandler internal handler;

    function setUp() public {
        index = new DatasetIndex();
        tasks = _deployTasks(index);
        handler = new TrainingTasksHandler(index, tasks);
        handler.bootstrap();
    }

    /// @dev Overridden to run the same invariants against a modified copy of the contract.
    function _deployTasks(DatasetIndex index_) internal virtual returns (TrainingTasks) {
        return new TrainingTasks(index_, limits());
    }

    /// @dev Short bounds, so that sequences reach expiry and every window; the handler sometimes asks for terms
    /// outside them (refused).
    function limits() internal pure returns (ITrainingTasks.TermLimits memory) {
        return ITrainingTasks.TermLimits({
            minWindow: 1 minutes,
            maxWindow: 7 days,
            minChallengeWindow: 1 minutes,
            maxChallengeWindow: 2 days,
            maxJoinPeriod: 3 days,
            minClaimPeriod: 1 hours,
            maxClaimPeriod: 3 days
        });
    }

    function targetContracts() public view returns (address[] memory targets) {
        targets = new address[](1);
        targets[0] = address(handler);
    }

    function targetSelectors() public view returns (FuzzSelector[] memory selectors) {
        selectors = new FuzzSelector[](1);
        selectors[0] = FuzzSelector({addr: address(handler), selectors: handler.actions()});
    }

    /// @notice Per token: token.balanceOf(TrainingTasks) == Σ over its tasks (budget + staked − claimed − refunded −
    /// stakesWithdrawn).
    function invariant_escrowEqualsTaskAccounting() public view {
        _assertEscrow(address(handler.token()));
        _assertEscrow(address(handler.feeToken()));
    }

    function _assertEscrow(address token) internal view {
        // Summed as "in" and "out" so that a broken task reports values instead of an underflow panic.
        uint256 paidIn;
        uint256 paidOut;
        uint256 count = tasks.taskCount();
        for (uint256 id = 1; id <= count; ++id) {
            if (address(tasks.getTaskParams(id).rewardToken) != token) continue;
            (uint256 budget, uint256 staked,, uint256 stakesWithdrawn,, uint256 claimed, uint256 refunded) =
                tasks.getTaskFunds(id);
            paidIn += budget + staked;
            paidOut += claimed + refunded + stakesWithdrawn;
        }
        assertEq(IERC20(token).balanceOf(address(tasks)) + paidOut, paidIn, "escrow balance + paid out vs paid in");
    }

    /// @notice Per task: claimed <= payoutTotal <= budget + slashed, refunds and stake withdrawals within bounds.
    function invariant_noTaskPaysMoreThanItTookIn() public view {
        uint256 count = tasks.taskCount();
        for (uint256 id = 1; id <= count; ++id) {
            (
                uint256 budget,
                uint256 staked,
                uint256 slashed,
                uint256 stakesWithdrawn,
                uint256 payoutTotal,
                uint256 claimed,
                uint256 refunded
            ) = tasks.getTaskFunds(id);
            assertLe(claimed, payoutTotal, "claimed > payoutTotal");
            assertLe(payoutTotal, budget + slashed, "payoutTotal > budget + slashed");
            assertLe(claimed + refunded, budget + slashed, "claimed + refunded > pool");
            assertLe(stakesWithdrawn + slashed, staked, "stakes withdrawn + slashed > staked");
        }
    }

    /// @notice The contract's records match what the handler saw move (ghost sums).
    function invariant_recordsMatchGhostSums() public view {
        uint256 count = tasks.taskCount();
        uint256[6] memory sums;
        for (uint256 id = 1; id <= count; ++id) {
            (uint256 budget, uint256 staked, uint256 slashed, uint256 stakesWithdrawn,, uint256 claimed, uint256 refunded)
            = tasks.getTaskFunds(id);
            sums[0] += budget;
            sums[1] += staked;
            sums[2] += slashed;
            sums[3] += stakesWithdrawn;
            sums[4] += claimed;
            sums[5] += refunded;
        }
        assertEq(sums[0], handler.ghostBudgets(), "budgets");
        assertEq(sums[1], handler.ghostStakes(), "stakes");
        assertEq(sums[2], handler.ghostSlashed(), "slashed");
        assertEq(sums[3], handler.ghostStakesWithdrawn(), "stakes withdrawn");
        assertEq(sums[4], handler.ghostClaimed(), "claimed");
        assertEq(sums[5], handler.ghostRefunded(), "refunded");
        uint256 paidIn = handler.ghostBudgets() + handler.ghostStakes();
        uint256 paidOut = handler.ghostClaimed() + handler.ghostRefunded() + handler.ghostStakesWithdrawn();
        assertEq(handler.escrowBalance(), paidIn - paidOut, "escrow vs ghost in - out");
    }
}
