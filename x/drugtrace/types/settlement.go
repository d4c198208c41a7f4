package types

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"math/big"
	"regexp"
	"strings"

	errorsmod "cosmossdk.io/errors"
)

// A shipment's hash-time-locked payment (docs/settlement.md) follows the same
// rules as a claim's in x/claims; the two modules keep their own copies so
// that neither imports the other.

// Sizes of the hash-time-locked settlement's fields, as the HTLC contract
// (evm/contracts/HashedTimelockERC20.sol) has them: hashlock = sha256 of a
// 32-byte preimage, lockId a bytes32.
const (
	HashlockLength  = 32
	PreimageLength  = 32
	EVMLockIDLength = 32
	// MaxEVMTimelock is 9999-12-31T23:59:59Z: a timelock past it is a
	// mistake, and below it every sum with a margin stays far inside int64.
	MaxEVMTimelock = 253_402_300_799
	// MaxEVMSettlementSeconds bounds the two timing params (one year).
	MaxEVMSettlementSeconds = 365 * 24 * 3600
)

// Reasons a settlement lapses (Settlement.lapsed_reason, EventShipmentSettlementLapsed.reason).
const (
	LapseRefused = "refused"
	LapseExpired = "expired"
)

var evmAddress = regexp.MustCompile(`^0x[0-9a-fA-F]{40}$`)

// maxUint256 is the largest ERC-20 amount.
var maxUint256 = new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 256), big.NewInt(1))

// NormalizeEVMAddress checks a 0x-prefixed 20-byte hex address (any case, the
// checksum is not checked) and returns it in lower case. The zero address is
// refused: the contract refuses it as receiver, and it has no token code.
func NormalizeEVMAddress(field, s string) (string, error) {
	if !evmAddress.MatchString(s) {
		return "", errorsmod.Wrapf(ErrInvalidSettlement, "%s %q: want 0x and 40 hex digits", field, s)
	}
	s = strings.ToLower(s)
	if s == "0x"+strings.Repeat("0", 40) {
		return "", errorsmod.Wrapf(ErrInvalidSettlement, "%s is the zero address", field)
	}
	return s, nil
}

// ValidateEVMAmount checks a token amount in base units: a decimal integer
// without sign or leading zeros, from 1 to 2^256-1.
func ValidateEVMAmount(s string) error {
	if s == "" || len(s) > 78 || s[0] == '0' {
		return errorsmod.Wrapf(ErrInvalidSettlement, "evm_amount %q: want a positive decimal integer without leading zeros", s)
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return errorsmod.Wrapf(ErrInvalidSettlement, "evm_amount %q: want a positive decimal integer", s)
		}
	}
	if n, _ := new(big.Int).SetString(s, 10); n.Cmp(maxUint256) > 0 {
		return errorsmod.Wrapf(ErrInvalidSettlement, "evm_amount %s is above 2^256-1", s)
	}
	return nil
}

// SettlementLock is what a lock message declares of the payment on Ethereum.
type SettlementLock struct {
	Hashlock    []byte
	EVMLockID   []byte
	EVMTimelock uint64
	EVMReceiver string
	EVMToken    string
	EVMAmount   string
}

// Normalize checks the lock's fields (lengths, formats, bounds) and returns it
// with the addresses in lower case.
func (l SettlementLock) Normalize() (SettlementLock, error) {
	if len(l.Hashlock) != HashlockLength {
		return l, errorsmod.Wrapf(ErrInvalidSettlement, "hashlock is %d bytes, want %d", len(l.Hashlock), HashlockLength)
	}
	if len(l.EVMLockID) != EVMLockIDLength {
		return l, errorsmod.Wrapf(ErrInvalidSettlement, "evm_lock_id is %d bytes, want %d", len(l.EVMLockID), EVMLockIDLength)
	}
	if l.EVMTimelock == 0 || l.EVMTimelock > MaxEVMTimelock {
		return l, errorsmod.Wrapf(ErrInvalidSettlement, "evm_timelock %d: want unix seconds in 1..%d", l.EVMTimelock, uint64(MaxEVMTimelock))
	}
	var err error
	if l.EVMReceiver, err = NormalizeEVMAddress("evm_receiver", l.EVMReceiver); err != nil {
		return l, err
	}
	if l.EVMToken, err = NormalizeEVMAddress("evm_token", l.EVMToken); err != nil {
		return l, err
	}
	return l, ValidateEVMAmount(l.EVMAmount)
}

// SettlementDeadline is t_h = evm_timelock - margin: a reveal is accepted only
// in a block whose time is before it, so the receiver has at least margin
// seconds on Ethereum after the last possible reveal. ok is false when the
// timelock is not after the margin.
func SettlementDeadline(evmTimelock, margin uint64) (deadline uint64, ok bool) {
	if evmTimelock <= margin {
		return 0, false
	}
	return evmTimelock - margin, true
}

// CheckPreimage checks that preimage opens hashlock: 32 bytes whose SHA-256
// is the hashlock.
func CheckPreimage(preimage, hashlock []byte) error {
	if len(preimage) != PreimageLength {
		return errorsmod.Wrapf(ErrPreimageMismatch, "preimage is %d bytes, want %d", len(preimage), PreimageLength)
	}
	sum := sha256.Sum256(preimage)
	if !bytes.Equal(sum[:], hashlock) {
		return errorsmod.Wrapf(ErrPreimageMismatch, "sha256(preimage) = %x, hashlock %x", sum, hashlock)
	}
	return nil
}

// Hex is how settlement bytes appear in events: lower-case hex without 0x.
func Hex(b []byte) string { return hex.EncodeToString(b) }

// Validate checks a stored settlement on its own (genesis): the lock's
// fields, a deadline before the timelock, and a status consistent with the
// preimage and the lapse reason.
func (s Settlement) Validate() error {
	l, err := SettlementLock{s.Hashlock, s.EVMLockID, s.EVMTimelock, s.EVMReceiver, s.EVMToken, s.EVMAmount}.Normalize()
	if err != nil {
		return err
	}
	switch {
	case s.ShipmentID == 0:
		return errorsmod.Wrap(ErrInvalidSettlement, "shipment id 0")
	case l.EVMReceiver != s.EVMReceiver || l.EVMToken != s.EVMToken:
		return errorsmod.Wrap(ErrInvalidSettlement, "addresses are stored in lower case")
	case s.Deadline == 0 || s.Deadline >= s.EVMTimelock:
		return errorsmod.Wrapf(ErrInvalidSettlement, "deadline %d must be before the timelock %d", s.Deadline, s.EVMTimelock)
	}
	switch s.Status {
	case SettlementStatus_SETTLEMENT_STATUS_LOCKED:
		if len(s.Preimage) != 0 || s.LapsedReason != "" {
			return errorsmod.Wrap(ErrInvalidSettlement, "a locked settlement has no preimage and no lapse reason")
		}
	case SettlementStatus_SETTLEMENT_STATUS_REVEALED:
		if s.LapsedReason != "" {
			return errorsmod.Wrap(ErrInvalidSettlement, "a revealed settlement has no lapse reason")
		}
		return CheckPreimage(s.Preimage, s.Hashlock)
	case SettlementStatus_SETTLEMENT_STATUS_LAPSED:
		switch s.LapsedReason {
		case LapseRefused, LapseExpired:
		default:
			return errorsmod.Wrapf(ErrInvalidSettlement, "lapse reason %q", s.LapsedReason)
		}
		if len(s.Preimage) != 0 {
			return errorsmod.Wrap(ErrInvalidSettlement, "a lapsed settlement has no preimage")
		}
	default:
		return errorsmod.Wrapf(ErrInvalidSettlement, "status %s", s.Status)
	}
	return nil
}
