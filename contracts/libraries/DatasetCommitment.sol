// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title DatasetCommitment
/// @notice The one definition of a dataset version's on-chain commitment.
library DatasetCommitment {
    /// @dev keccak256(abi.encode(root, manifestRoot, rows, keyId)).
    function hash(bytes32 root, bytes32 manifestRoot, uint64 rows, bytes32 keyId) internal pure returns (bytes32) {
        return keccak256(abi.encode(root, manifestRoot, rows, keyId));
    }
}
