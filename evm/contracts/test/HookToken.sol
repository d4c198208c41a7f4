// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import "../TestToken.sol";

/// @title HookToken
/// @notice A hostile test token: on its next token move it calls a target with
/// calldata set beforehand (once) and records the outcome, to try re-entering the
/// HTLC. It can also skim a fee off transferFrom, to stand for fee-on-transfer tokens.
contract HookToken is TestToken {
    address public hookTarget;
    bytes public hookData;
    bool public hookCalled;
    bool public hookOK;
    bytes public hookResult;
    uint256 public feeOnTransferFrom;

    constructor() TestToken("Hook", "HOOK") {}

    /// @notice setHook arms a one-shot call to target with data on the next move.
    function setHook(address target, bytes calldata data) external {
        hookTarget = target;
        hookData = data;
    }

    /// @notice setFee makes transferFrom deliver amount - fee.
    function setFee(uint256 fee) external {
        feeOnTransferFrom = fee;
    }

    function transferFrom(address from, address to, uint256 amount) external override returns (bool) {
        _spend(from, amount);
        uint256 fee = feeOnTransferFrom;
        if (fee > 0) {
            _move(from, address(0xdead), fee);
        }
        _move(from, to, amount - fee);
        return true;
    }

    function _move(address from, address to, uint256 amount) internal override {
        super._move(from, to, amount);
        address target = hookTarget;
        if (target != address(0)) {
            hookTarget = address(0);
            hookCalled = true;
            (hookOK, hookResult) = target.call(hookData);
        }
    }
}
