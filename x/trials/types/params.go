package types

import (
	"time"

	errorsmod "cosmossdk.io/errors"
)

// Day is 24 hours: the clocks count calendar days as regulators do.
const Day = 24 * time.Hour

// DefaultParams: 7 days for fatal or life-threatening unexpected reactions,
// 15 days for other serious adverse events (ICH E2A, EU CTR art. 42), results
// 12 months after primary completion (FDAAA 801).
func DefaultParams() Params {
	return Params{SAEExpeditedWindow: 7 * Day, SAEStandardWindow: 15 * Day, ResultsDueAfter: 365 * Day}
}

// Validate checks that the windows are positive, the expedited one no longer
// than the standard one, and none above ten years (a due time never overflows).
func (p Params) Validate() error {
	const most = 10 * 365 * Day
	switch {
	case p.SAEExpeditedWindow <= 0 || p.SAEExpeditedWindow > most:
		return errorsmod.Wrap(ErrInvalidParams, "sae_expedited_window must be positive and at most 10 years")
	case p.SAEStandardWindow <= 0 || p.SAEStandardWindow > most:
		return errorsmod.Wrap(ErrInvalidParams, "sae_standard_window must be positive and at most 10 years")
	case p.SAEExpeditedWindow > p.SAEStandardWindow:
		return errorsmod.Wrap(ErrInvalidParams, "sae_expedited_window must not exceed sae_standard_window")
	case p.ResultsDueAfter <= 0 || p.ResultsDueAfter > most:
		return errorsmod.Wrap(ErrInvalidParams, "results_due_after must be positive and at most 10 years")
	}
	return nil
}

// SAEWindow is the reporting window of an SAE: expedited for a fatal or
// life-threatening unexpected reaction.
func (p Params) SAEWindow(expedited bool) time.Duration {
	if expedited {
		return p.SAEExpeditedWindow
	}
	return p.SAEStandardWindow
}
