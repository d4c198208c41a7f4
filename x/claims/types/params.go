package types

import (
	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"
)

// DefaultParams: claims settle in uhealth; at most 50 lines, 12 diagnoses (as
// on an 837P), 16 supporting records per claim, 500 services per plan; a
// hash-time-locked settlement's healthd deadline is one hour before its
// Ethereum timelock, and at least ten minutes away when it is recorded.
func DefaultParams() Params {
	return Params{SettlementDenom: "uhealth", MaxLines: 50, MaxDiagnoses: 12, MaxRecords: 16, MaxServices: 500,
		EVMSettlementMargin: DefaultEVMSettlementMargin, EVMMinRevealWindow: DefaultEVMMinRevealWindow}
}

// Defaults of the settlement timing params, in seconds.
const (
	DefaultEVMSettlementMargin = 3600
	DefaultEVMMinRevealWindow  = 600
)

// Validate checks the denom and the bounds.
func (p Params) Validate() error {
	if err := sdk.ValidateDenom(p.SettlementDenom); err != nil {
		return errorsmod.Wrapf(ErrInvalidParams, "settlement_denom: %s", err)
	}
	switch {
	case p.MaxLines == 0 || p.MaxLines > 999:
		return errorsmod.Wrap(ErrInvalidParams, "max_lines must be in 1..999")
	case p.MaxDiagnoses == 0 || p.MaxDiagnoses > 99:
		return errorsmod.Wrap(ErrInvalidParams, "max_diagnoses must be in 1..99")
	case p.MaxRecords > 100:
		return errorsmod.Wrap(ErrInvalidParams, "max_records must be at most 100")
	case p.MaxServices == 0 || p.MaxServices > 10_000:
		return errorsmod.Wrap(ErrInvalidParams, "max_services must be in 1..10000")
	case p.EVMSettlementMargin == 0 || p.EVMSettlementMargin > MaxEVMSettlementSeconds:
		return errorsmod.Wrapf(ErrInvalidParams, "evm_settlement_margin must be in 1..%d seconds", MaxEVMSettlementSeconds)
	case p.EVMMinRevealWindow == 0 || p.EVMMinRevealWindow > MaxEVMSettlementSeconds:
		return errorsmod.Wrapf(ErrInvalidParams, "evm_min_reveal_window must be in 1..%d seconds", MaxEVMSettlementSeconds)
	}
	return nil
}
