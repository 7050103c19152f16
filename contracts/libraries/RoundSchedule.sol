// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title RoundSchedule
/// @notice The timeline of one round attempt: submit window, then reveal window, then the aggregator's window.
/// start ──roundDuration──► submitDeadline ──revealDuration──► revealDeadline ──aggregatorWindow──► finalizeDeadline
library RoundSchedule {
    function submitDeadline(uint64 start, uint32 roundDuration) internal pure returns (uint64) {
        return start + roundDuration;
    }

    function revealDeadline(uint64 start, uint32 roundDuration, uint32 revealDuration) internal pure returns (uint64) {
        return start + roundDuration + revealDuration;
    }

    function finalizeDeadline(uint64 start, uint32 roundDuration, uint32 revealDuration, uint32 aggregatorWindow)
        internal
        pure
        returns (uint64)
    {
        return start + roundDuration + revealDuration + aggregatorWindow;
    }

    /// @dev Key of a round attempt in the update and reveal mappings.
    function key(uint16 round, uint16 attempt) internal pure returns (uint256) {
        return (uint256(round) << 16) | attempt;
    }
}
