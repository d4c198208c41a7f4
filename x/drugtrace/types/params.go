package types

import errorsmod "cosmossdk.io/errors"

// DefaultParams: batches of up to 10,000 units, 2,000 gas per unit; a
// hash-time-locked payment's healthd deadline is one hour before its
// Ethereum timelock, and at least ten minutes away when it is recorded.
func DefaultParams() Params {
	return Params{MaxBatchUnits: 10_000, GasPerUnit: 2_000,
		EVMSettlementMargin: DefaultEVMSettlementMargin, EVMMinRevealWindow: DefaultEVMMinRevealWindow}
}

// Defaults of the settlement timing params, in seconds.
const (
	DefaultEVMSettlementMargin = 3600
	DefaultEVMMinRevealWindow  = 600
)

// MaxBatchUnitsLimit is the highest max_batch_units the params allow: no
// message may name more items than this, whatever the params are, so
// ValidateBasic refuses a longer list before the params are read.
const MaxBatchUnitsLimit = 100_000

// MaxGasPerUnit bounds gas_per_unit so that a full batch (100,000 units at
// most) costs at most about 1.1·10^17 gas: the product can never wrap a uint64.
const MaxGasPerUnit = 1 << 40

// Validate checks the batch cap and per-unit gas.
func (p Params) Validate() error {
	if p.MaxBatchUnits == 0 || p.MaxBatchUnits > MaxBatchUnitsLimit {
		return errorsmod.Wrapf(ErrInvalidParams, "max_batch_units must be in 1..%d", MaxBatchUnitsLimit)
	}
	if p.GasPerUnit == 0 || p.GasPerUnit > MaxGasPerUnit {
		return errorsmod.Wrapf(ErrInvalidParams, "gas_per_unit must be in 1..%d", MaxGasPerUnit)
	}
	if p.EVMSettlementMargin == 0 || p.EVMSettlementMargin > MaxEVMSettlementSeconds {
		return errorsmod.Wrapf(ErrInvalidParams, "evm_settlement_margin must be in 1..%d seconds", MaxEVMSettlementSeconds)
	}
	if p.EVMMinRevealWindow == 0 || p.EVMMinRevealWindow > MaxEVMSettlementSeconds {
		return errorsmod.Wrapf(ErrInvalidParams, "evm_min_reveal_window must be in 1..%d seconds", MaxEVMSettlementSeconds)
	}
	return nil
}
