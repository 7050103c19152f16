// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {FeeOnTransferToken} from "./FeeOnTransferToken.sol";

/// @title SenderFeeToken
/// @notice Test-only ERC20 that charges the sender `feeBps` on top of every transfer between two non-zero addresses
/// (burned): the receiver gets exactly the amount, the sender pays more. A deposit check on the receiver alone
/// passes; every payout then costs the escrow more than it records. The fee can be switched on after tasks exist.
contract SenderFeeToken is FeeOnTransferToken {
    constructor(uint256 feeBps_) FeeOnTransferToken(feeBps_) {}

    function _update(address from, address to, uint256 value) internal override {
        // ERC20's own _update: the receiver gets the whole amount, the fee comes out of the sender on top.
        ERC20._update(from, to, value);
        if (from != address(0) && to != address(0) && feeBps != 0) ERC20._update(from, address(0), (value * feeBps) / 10_000);
    }
}
