// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

/// @title RewardToken
/// @notice A plain ERC20 (+ EIP-2612 permit) for local chains and testnets; on mainnet tasks pay in a real token.
contract RewardToken is ERC20, ERC20Permit, Ownable {
    constructor(address initialOwner) ERC20("2PM Reward", "TPM") ERC20Permit("2PM Reward") Ownable(initialOwner) {}

    /// @notice Mints `amount` tokens to `to`.
    /// @dev Requirements: caller is the owner. Emits {Transfer}.
    function mint(address to, uint256 amount) external onlyOwner {
        _mint(to, amount);
    }
}
