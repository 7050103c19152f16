// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @notice A plain Merkle tree with sorted-pair hashing, the pairing OpenZeppelin's MerkleProof verifies: level by
/// level, nodes (2k, 2k+1) are hashed as keccak256(min ‖ max); an odd last node moves up unchanged (its proof then
/// simply has no element for that level). Not the StandardMerkleTree layout, but every proof it emits verifies.
library Merkle {
    function hashPair(bytes32 a, bytes32 b) internal pure returns (bytes32) {
        return a < b ? keccak256(abi.encode(a, b)) : keccak256(abi.encode(b, a));
    }

    function root(bytes32[] memory leaves) internal pure returns (bytes32) {
        require(leaves.length > 0, "Merkle: no leaves");
        bytes32[] memory level = leaves;
        while (level.length > 1) level = _up(level);
        return level[0];
    }

    function proof(bytes32[] memory leaves, uint256 index) internal pure returns (bytes32[] memory path) {
        require(index < leaves.length, "Merkle: index out of range");
        bytes32[] memory buffer = new bytes32[](256);
        uint256 depth;
        bytes32[] memory level = leaves;
        while (level.length > 1) {
            uint256 sibling = index ^ 1;
            if (sibling < level.length) buffer[depth++] = level[sibling];
            level = _up(level);
            index >>= 1;
        }
        path = new bytes32[](depth);
        for (uint256 i = 0; i < depth; ++i) path[i] = buffer[i];
    }

    function _up(bytes32[] memory level) private pure returns (bytes32[] memory next) {
        uint256 n = level.length;
        next = new bytes32[]((n + 1) / 2);
        for (uint256 i = 0; i < n / 2; ++i) next[i] = hashPair(level[2 * i], level[2 * i + 1]);
        if (n % 2 == 1) next[n / 2] = level[n - 1];
    }
}
