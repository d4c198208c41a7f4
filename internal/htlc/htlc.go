// Package htlc holds the rules healthd applies to a hash-time-locked payment
// on Ethereum (evm/contracts/HashedTimelockERC20.sol) that a claim (x/claims)
// or a shipment (x/drugtrace) is settled by: the lock's fields as the
// contract has them, the healthd deadline and the preimage check. The
// modules wrap its errors in their own registered errors.
package htlc

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/big"
	"regexp"
	"strings"
)

// Sizes of the lock's fields, as the contract has them: hashlock = sha256 of
// a 32-byte preimage, lockId a bytes32.
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

// Error is a refusal of this package: Preimage says whether it is about the
// preimage (the modules' ErrPreimageMismatch) or the lock's fields
// (ErrInvalidSettlement).
type Error struct {
	Preimage bool
	msg      string
}

func (e *Error) Error() string { return e.msg }

func invalid(format string, args ...any) error {
	return &Error{msg: fmt.Sprintf(format, args...)}
}

var evmAddress = regexp.MustCompile(`^0x[0-9a-fA-F]{40}$`)

// maxUint256 is the largest ERC-20 amount.
var maxUint256 = new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 256), big.NewInt(1))

// NormalizeAddress checks a 0x-prefixed 20-byte hex address (any case, the
// checksum is not checked) and returns it in lower case. The zero address is
// refused: the contract refuses it as receiver, and it has no token code.
func NormalizeAddress(field, s string) (string, error) {
	if !evmAddress.MatchString(s) {
		return "", invalid("%s %q: want 0x and 40 hex digits", field, s)
	}
	s = strings.ToLower(s)
	if s == "0x"+strings.Repeat("0", 40) {
		return "", invalid("%s is the zero address", field)
	}
	return s, nil
}

// ValidateAmount checks a token amount in base units: a decimal integer
// without sign or leading zeros, from 1 to 2^256-1.
func ValidateAmount(s string) error {
	if s == "" || len(s) > 78 || s[0] == '0' {
		return invalid("evm_amount %q: want a positive decimal integer without leading zeros", s)
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return invalid("evm_amount %q: want a positive decimal integer", s)
		}
	}
	if n, _ := new(big.Int).SetString(s, 10); n.Cmp(maxUint256) > 0 {
		return invalid("evm_amount %s is above 2^256-1", s)
	}
	return nil
}

// Lock is what a lock message declares of the payment on Ethereum.
type Lock struct {
	Hashlock    []byte
	EVMLockID   []byte
	EVMTimelock uint64
	EVMReceiver string
	EVMToken    string
	EVMAmount   string
}

// Normalize checks the lock's fields (lengths, formats, bounds) and returns it
// with the addresses in lower case.
func (l Lock) Normalize() (Lock, error) {
	if len(l.Hashlock) != HashlockLength {
		return l, invalid("hashlock is %d bytes, want %d", len(l.Hashlock), HashlockLength)
	}
	if len(l.EVMLockID) != EVMLockIDLength {
		return l, invalid("evm_lock_id is %d bytes, want %d", len(l.EVMLockID), EVMLockIDLength)
	}
	if l.EVMTimelock == 0 || l.EVMTimelock > MaxEVMTimelock {
		return l, invalid("evm_timelock %d: want unix seconds in 1..%d", l.EVMTimelock, uint64(MaxEVMTimelock))
	}
	var err error
	if l.EVMReceiver, err = NormalizeAddress("evm_receiver", l.EVMReceiver); err != nil {
		return l, err
	}
	if l.EVMToken, err = NormalizeAddress("evm_token", l.EVMToken); err != nil {
		return l, err
	}
	return l, ValidateAmount(l.EVMAmount)
}

// Deadline is t_h = evm_timelock - margin: a reveal is accepted only in a
// block whose time is before it, so the receiver has at least margin seconds
// on Ethereum after the last possible reveal. ok is false when the timelock
// is not after the margin.
func Deadline(evmTimelock, margin uint64) (deadline uint64, ok bool) {
	if evmTimelock <= margin {
		return 0, false
	}
	return evmTimelock - margin, true
}

// CheckPreimage checks that preimage opens hashlock: 32 bytes whose SHA-256
// is the hashlock.
func CheckPreimage(preimage, hashlock []byte) error {
	if len(preimage) != PreimageLength {
		return &Error{Preimage: true, msg: fmt.Sprintf("preimage is %d bytes, want %d", len(preimage), PreimageLength)}
	}
	sum := sha256.Sum256(preimage)
	if !bytes.Equal(sum[:], hashlock) {
		return &Error{Preimage: true, msg: fmt.Sprintf("sha256(preimage) = %x, hashlock %x", sum, hashlock)}
	}
	return nil
}

// Hex is how settlement bytes appear in events: lower-case hex without 0x.
func Hex(b []byte) string { return hex.EncodeToString(b) }

// Stored is the part of a stored settlement that both modules check the same
// way (genesis): its lock, deadline, status and what goes with the status.
type Stored struct {
	Lock     Lock
	Deadline uint64
	// Locked, Revealed, Lapsed: the status (exactly one is true for a valid one).
	Locked, Revealed, Lapsed bool
	Preimage                 []byte
	LapsedReason             string
}

// Validate checks s: the lock's fields with its addresses stored in lower
// case, a deadline before the timelock, and a status consistent with the
// preimage and the lapse reason, which must be one of reasons.
func (s Stored) Validate(reasons ...string) error {
	l, err := s.Lock.Normalize()
	if err != nil {
		return err
	}
	switch {
	case l.EVMReceiver != s.Lock.EVMReceiver || l.EVMToken != s.Lock.EVMToken:
		return invalid("addresses are stored in lower case")
	case s.Deadline == 0 || s.Deadline >= s.Lock.EVMTimelock:
		return invalid("deadline %d must be before the timelock %d", s.Deadline, s.Lock.EVMTimelock)
	}
	switch {
	case s.Locked:
		if len(s.Preimage) != 0 || s.LapsedReason != "" {
			return invalid("a locked settlement has no preimage and no lapse reason")
		}
	case s.Revealed:
		if s.LapsedReason != "" {
			return invalid("a revealed settlement has no lapse reason")
		}
		return CheckPreimage(s.Preimage, s.Lock.Hashlock)
	case s.Lapsed:
		found := false
		for _, r := range reasons {
			found = found || r == s.LapsedReason
		}
		if !found {
			return invalid("lapse reason %q", s.LapsedReason)
		}
		if len(s.Preimage) != 0 {
			return invalid("a lapsed settlement has no preimage")
		}
	default:
		return invalid("no such status")
	}
	return nil
}
