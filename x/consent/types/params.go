package types

import (
	"time"

	errorsmod "cosmossdk.io/errors"
)

// DefaultParams: consents up to two years, four hours of break-glass access, at
// most five break-glass openings per member per day, 500 expirations per block,
// 64 active consents per patient and grantee.
func DefaultParams() Params {
	return Params{
		MaxDuration:            2 * 365 * 24 * time.Hour,
		BreakGlassWindow:       4 * time.Hour,
		BreakGlassRateWindow:   24 * time.Hour,
		BreakGlassMaxPerWindow: 5,
		MaxExpirationsPerBlock: 500,
		MaxActivePerPair:       64,
	}
}

// Validate checks that every bound is positive and that break-glass access is short.
func (p Params) Validate() error {
	switch {
	case p.MaxDuration <= 0:
		return errorsmod.Wrap(ErrInvalidParams, "max_duration must be positive")
	case p.BreakGlassWindow <= 0 || p.BreakGlassWindow > 72*time.Hour:
		return errorsmod.Wrap(ErrInvalidParams, "break_glass_window must be positive and at most 72h")
	case p.BreakGlassRateWindow <= 0:
		return errorsmod.Wrap(ErrInvalidParams, "break_glass_rate_window must be positive")
	case p.BreakGlassMaxPerWindow == 0:
		return errorsmod.Wrap(ErrInvalidParams, "break_glass_max_per_window must be positive")
	case p.MaxExpirationsPerBlock == 0 || p.MaxExpirationsPerBlock > 10_000:
		return errorsmod.Wrap(ErrInvalidParams, "max_expirations_per_block must be in 1..10000")
	case p.MaxActivePerPair == 0 || p.MaxActivePerPair > 1_000:
		return errorsmod.Wrap(ErrInvalidParams, "max_active_per_pair must be in 1..1000")
	}
	return nil
}
