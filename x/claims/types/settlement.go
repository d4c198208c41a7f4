package types

import (
	"errors"

	errorsmod "cosmossdk.io/errors"

	"github.com/healthchain/healthd/internal/htlc"
)

// The hash-time-locked settlement's rules are internal/htlc's, shared with
// x/drugtrace; this file gives them the module's registered errors.

// Sizes and bounds of the settlement's fields (internal/htlc).
const (
	HashlockLength          = htlc.HashlockLength
	PreimageLength          = htlc.PreimageLength
	EVMLockIDLength         = htlc.EVMLockIDLength
	MaxEVMTimelock          = htlc.MaxEVMTimelock
	MaxEVMSettlementSeconds = htlc.MaxEVMSettlementSeconds
)

// Reasons a settlement lapses (Settlement.lapsed_reason, EventClaimSettlementLapsed.reason).
const (
	LapseDenied    = "denied"
	LapseWithdrawn = "withdrawn"
	LapseCancelled = "cancelled"
	LapseExpired   = "expired"
)

// PendSettlement is the pend reason of a claim the engine would approve under
// an EVM_HTLC plan: the payer locks the payment on Ethereum, records it
// (MsgLockClaimSettlement), then approves with the preimage.
const PendSettlement = "settlement by hash-time-locked payment on Ethereum"

// settlementErr wraps a refusal of internal/htlc in the module's registered
// error: ErrPreimageMismatch for the preimage, ErrInvalidSettlement otherwise.
func settlementErr(err error) error {
	var he *htlc.Error
	switch {
	case err == nil:
		return nil
	case errors.As(err, &he) && he.Preimage:
		return errorsmod.Wrap(ErrPreimageMismatch, he.Error())
	case errors.As(err, &he):
		return errorsmod.Wrap(ErrInvalidSettlement, he.Error())
	}
	return err
}

// NormalizeEVMAddress checks a 0x address and returns it in lower case (htlc.NormalizeAddress).
func NormalizeEVMAddress(field, s string) (string, error) {
	a, err := htlc.NormalizeAddress(field, s)
	return a, settlementErr(err)
}

// ValidateEVMAmount checks a token amount in base units (htlc.ValidateAmount).
func ValidateEVMAmount(s string) error { return settlementErr(htlc.ValidateAmount(s)) }

// SettlementLock is what a lock message declares of the payment on Ethereum.
type SettlementLock htlc.Lock

// Normalize checks the lock's fields and returns it with the addresses in
// lower case (htlc.Lock.Normalize).
func (l SettlementLock) Normalize() (SettlementLock, error) {
	n, err := htlc.Lock(l).Normalize()
	return SettlementLock(n), settlementErr(err)
}

// SettlementDeadline is t_h = evm_timelock - margin (htlc.Deadline).
func SettlementDeadline(evmTimelock, margin uint64) (deadline uint64, ok bool) {
	return htlc.Deadline(evmTimelock, margin)
}

// CheckPreimage checks that preimage opens hashlock (htlc.CheckPreimage).
func CheckPreimage(preimage, hashlock []byte) error {
	return settlementErr(htlc.CheckPreimage(preimage, hashlock))
}

// Hex is how settlement bytes appear in events: lower-case hex without 0x.
func Hex(b []byte) string { return htlc.Hex(b) }

// Validate checks a stored settlement on its own (genesis): its claim id,
// the lock's fields, a deadline before the timelock, and a status consistent
// with the preimage and the lapse reason (htlc.Stored).
func (s Settlement) Validate() error {
	if s.ClaimID == 0 {
		return errorsmod.Wrap(ErrInvalidSettlement, "claim id 0")
	}
	if _, ok := SettlementStatus_name[int32(s.Status)]; !ok || s.Status == SettlementStatus_SETTLEMENT_STATUS_UNSPECIFIED {
		return errorsmod.Wrapf(ErrInvalidSettlement, "status %s", s.Status)
	}
	return settlementErr(htlc.Stored{
		Lock:     htlc.Lock{Hashlock: s.Hashlock, EVMLockID: s.EVMLockID, EVMTimelock: s.EVMTimelock, EVMReceiver: s.EVMReceiver, EVMToken: s.EVMToken, EVMAmount: s.EVMAmount},
		Deadline: s.Deadline,
		Locked:   s.Status == SettlementStatus_SETTLEMENT_STATUS_LOCKED,
		Revealed: s.Status == SettlementStatus_SETTLEMENT_STATUS_REVEALED,
		Lapsed:   s.Status == SettlementStatus_SETTLEMENT_STATUS_LAPSED,
		Preimage: s.Preimage, LapsedReason: s.LapsedReason,
	}.Validate(LapseDenied, LapseWithdrawn, LapseCancelled, LapseExpired))
}
