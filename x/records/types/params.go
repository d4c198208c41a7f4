package types

import (
	"time"

	errorsmod "cosmossdk.io/errors"
)

// DefaultParams: an access grant lasts at most 24 hours (and never beyond its
// consent); an amendment chain holds at most 100 versions.
func DefaultParams() Params {
	return Params{AccessTtl: 24 * time.Hour, MaxVersions: 100}
}

// Validate checks the bounds.
func (p Params) Validate() error {
	switch {
	case p.AccessTtl < time.Minute || p.AccessTtl > 30*24*time.Hour:
		return errorsmod.Wrap(ErrInvalidParams, "access_ttl must be between 1m and 720h")
	case p.MaxVersions == 0 || p.MaxVersions > 10_000:
		return errorsmod.Wrap(ErrInvalidParams, "max_versions must be in 1..10000")
	}
	return nil
}
