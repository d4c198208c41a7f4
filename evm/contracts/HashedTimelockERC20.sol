// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @notice The part of ERC-20 the HTLC calls. Only used to build calldata: replies
/// are checked by hand, because some tokens return nothing.
interface IERC20Minimal {
    function transfer(address to, uint256 amount) external returns (bool);
    function transferFrom(address from, address to, uint256 amount) external returns (bool);
    function balanceOf(address who) external view returns (uint256);
}

/// @title HashedTimelockERC20
/// @notice Hash-time-locked ERC-20 payments, the Ethereum half of healthd's settlement
/// bridge. A payer locks tokens for a receiver under sha256(preimage) until a
/// deadline. Before the deadline anyone holding the preimage may call withdraw, which
/// pays the receiver (the preimage is revealed on healthd, so a relay or the receiver
/// carries it here). From the deadline on only the sender may refund. The two windows
/// do not overlap and leave no gap: withdraw needs block.timestamp < timelock, refund
/// needs block.timestamp >= timelock.
/// @dev sha256 rather than keccak256 so that healthd (Go crypto/sha256) computes the
/// same hashlock. Tokens that return no bool from transfer/transferFrom are accepted;
/// tokens that deliver less than the amount asked (fee on transfer) are refused, so
/// every open lock is backed one for one.
contract HashedTimelockERC20 {
    /// @notice State of a lock. None means no lock has that id.
    enum State {
        None,
        Open,
        Withdrawn,
        Refunded
    }

    /// @notice Lock is one locked payment. Field order packs sender, timelock and
    /// state into one storage slot.
    struct Lock {
        address sender;
        uint64 timelock;
        State state;
        address receiver;
        address token;
        uint256 amount;
        bytes32 hashlock;
    }

    /// @notice Emitted when tokens are locked. The relay finds the lock for a hash
    /// revealed on healthd by filtering on hashlock.
    event Locked(
        bytes32 indexed lockId,
        bytes32 indexed hashlock,
        address indexed receiver,
        address sender,
        address token,
        uint256 amount,
        uint64 timelock
    );

    /// @notice Emitted when a lock pays its receiver. Carries the preimage so that
    /// whoever watches Ethereum learns it.
    event Withdrawn(
        bytes32 indexed lockId,
        bytes32 indexed hashlock,
        address indexed receiver,
        bytes32 preimage,
        address token,
        uint256 amount
    );

    /// @notice Emitted when a lock pays its sender back after the deadline.
    event Refunded(
        bytes32 indexed lockId,
        bytes32 indexed hashlock,
        address indexed sender,
        address token,
        uint256 amount
    );

    error ZeroReceiver();
    error ZeroAmount();
    error TimelockNotInFuture(uint64 timelock, uint256 now_);
    error NotAContract(address token);
    error TokenCallFailed(address token);
    error AmountNotReceived(uint256 expected, uint256 received);
    error UnknownLock(bytes32 lockId);
    error NotOpen(bytes32 lockId, State state);
    error WrongPreimage(bytes32 lockId);
    error Expired(bytes32 lockId, uint64 timelock);
    error NotExpired(bytes32 lockId, uint64 timelock);
    error NotSender(bytes32 lockId, address sender);
    error Reentrant();

    /// @notice locks by id.
    mapping(bytes32 => Lock) private _locks;

    /// @notice nonces counts the locks each sender has made; it goes into the lock id
    /// so two otherwise identical locks get different ids.
    mapping(address => uint256) public nonces;

    // Plain storage rather than transient storage, so the contract also runs on
    // permissioned networks that have not adopted Cancun (compiled for Paris).
    uint256 private _entered = 1;

    modifier nonReentrant() {
        if (_entered != 1) revert Reentrant();
        _entered = 2;
        _;
        _entered = 1;
    }

    /// @notice lock pulls amount of token from the caller (who must have approved this
    /// contract) and holds it for receiver under hashlock until timelock (unix seconds).
    /// @return lockId the id of the new lock, also in the Locked event.
    function lock(address token, address receiver, uint256 amount, bytes32 hashlock, uint64 timelock)
        external
        nonReentrant
        returns (bytes32 lockId)
    {
        if (receiver == address(0)) revert ZeroReceiver();
        if (amount == 0) revert ZeroAmount();
        if (timelock <= block.timestamp) revert TimelockNotInFuture(timelock, block.timestamp);

        uint256 nonce = nonces[msg.sender]++;
        lockId = keccak256(
            abi.encode(block.chainid, address(this), msg.sender, nonce, token, receiver, amount, hashlock, timelock)
        );
        _locks[lockId] = Lock({
            sender: msg.sender,
            timelock: timelock,
            state: State.Open,
            receiver: receiver,
            token: token,
            amount: amount,
            hashlock: hashlock
        });
        emit Locked(lockId, hashlock, receiver, msg.sender, token, amount, timelock);

        uint256 before = _balanceOf(token, address(this));
        _callToken(token, abi.encodeCall(IERC20Minimal.transferFrom, (msg.sender, address(this), amount)));
        uint256 received = _balanceOf(token, address(this)) - before;
        if (received != amount) revert AmountNotReceived(amount, received);
    }

    /// @notice withdraw pays an open lock to its receiver. Anyone may call it with the
    /// preimage before the deadline; the money goes only to the receiver.
    function withdraw(bytes32 lockId, bytes32 preimage) external nonReentrant {
        Lock storage l = _open(lockId);
        if (block.timestamp >= l.timelock) revert Expired(lockId, l.timelock);
        if (sha256(abi.encodePacked(preimage)) != l.hashlock) revert WrongPreimage(lockId);

        l.state = State.Withdrawn;
        (address token, address receiver, uint256 amount) = (l.token, l.receiver, l.amount);
        emit Withdrawn(lockId, l.hashlock, receiver, preimage, token, amount);

        _callToken(token, abi.encodeCall(IERC20Minimal.transfer, (receiver, amount)));
    }

    /// @notice refund pays an open lock back to its sender once the deadline has
    /// passed. Only the sender may call it: the payer decides when to take its money
    /// back, so its books see a refund exactly when it asks for one, and nobody can
    /// push tokens back onto a payer (a contract, say) that did not ask.
    function refund(bytes32 lockId) external nonReentrant {
        Lock storage l = _open(lockId);
        if (msg.sender != l.sender) revert NotSender(lockId, l.sender);
        if (block.timestamp < l.timelock) revert NotExpired(lockId, l.timelock);

        l.state = State.Refunded;
        (address token, address sender, uint256 amount) = (l.token, l.sender, l.amount);
        emit Refunded(lockId, l.hashlock, sender, token, amount);

        _callToken(token, abi.encodeCall(IERC20Minimal.transfer, (sender, amount)));
    }

    /// @notice getLock returns a lock; state None means the id is unknown.
    function getLock(bytes32 lockId) external view returns (Lock memory) {
        return _locks[lockId];
    }

    function _open(bytes32 lockId) private view returns (Lock storage l) {
        l = _locks[lockId];
        if (l.state == State.None) revert UnknownLock(lockId);
        if (l.state != State.Open) revert NotOpen(lockId, l.state);
    }

    // _callToken calls token and accepts success with no return data (tokens written
    // before ERC-20 settled on returning bool) or with a 32-byte true. A call to an
    // address without code succeeds with no data, hence the code check.
    function _callToken(address token, bytes memory data) private {
        if (token.code.length == 0) revert NotAContract(token);
        (bool ok, bytes memory ret) = token.call(data);
        if (!ok) revert TokenCallFailed(token);
        if (ret.length != 0 && (ret.length < 32 || abi.decode(ret, (uint256)) != 1)) revert TokenCallFailed(token);
    }

    function _balanceOf(address token, address who) private view returns (uint256) {
        if (token.code.length == 0) revert NotAContract(token);
        (bool ok, bytes memory ret) = token.staticcall(abi.encodeCall(IERC20Minimal.balanceOf, (who)));
        if (!ok || ret.length < 32) revert TokenCallFailed(token);
        return abi.decode(ret, (uint256));
    }
}
