// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title PayoutLeaf
/// @notice The one definition of a payout tree leaf, identical to OpenZeppelin's StandardMerkleTree leaf for
/// types ["uint256", "address", "uint256"] = (index, account, amount). The index lets claims use a bitmap.
library PayoutLeaf {
    function hash(uint256 index, address account, uint256 amount) internal pure returns (bytes32) {
        return keccak256(bytes.concat(keccak256(abi.encode(index, account, amount))));
    }
}
