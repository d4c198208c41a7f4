package types

import (
	"time"

	errorsmod "cosmossdk.io/errors"
)

// Bounds every params must respect. Times in messages are bounded too (see
// ValidateTime), so no time plus a duration here can overflow.
const (
	// MaxIschaemiaLimit is the longest cold-ischaemia limit an organ type may have.
	MaxIschaemiaLimit = 7 * 24 * time.Hour
	// MaxOfferTimeout is the longest offer timeout.
	MaxOfferTimeout = 7 * 24 * time.Hour
	// Temperatures are bounded to what a container can hold (-50 °C .. +50 °C).
	MinCentiCelsiusBound = -5000
	MaxCentiCelsiusBound = 5000
)

// DefaultOrganTypes are the organ types and their cold-ischaemia limits
// (heart 6 h, lungs 8 h, liver and pancreas 12 h, intestine 8 h, kidneys 36 h).
func DefaultOrganTypes() []OrganType {
	h := time.Hour
	return []OrganType{
		{Code: "HEART", MaxColdIschaemia: 6 * h},
		{Code: "LUNG_L", MaxColdIschaemia: 8 * h},
		{Code: "LUNG_R", MaxColdIschaemia: 8 * h},
		{Code: "LIVER", MaxColdIschaemia: 12 * h},
		{Code: "PANCREAS", MaxColdIschaemia: 12 * h},
		{Code: "INTESTINE", MaxColdIschaemia: 8 * h},
		{Code: "KIDNEY_L", MaxColdIschaemia: 36 * h},
		{Code: "KIDNEY_R", MaxColdIschaemia: 36 * h},
	}
}

// DefaultParams: the default organ types, static cold storage at 2–8 °C, an
// hour to answer an offer, up to 100 candidates, 10 hand-offs, 100 readings
// per message.
func DefaultParams() Params {
	return Params{
		OrganTypes:      DefaultOrganTypes(),
		MinCentiCelsius: 200, MaxCentiCelsius: 800,
		OfferTimeout:  time.Hour,
		MaxCandidates: 100, MaxHandoffs: 10, MaxReadings: 100,
	}
}

// OrganLimit returns the organ type's cold-ischaemia limit.
func (p Params) OrganLimit(code string) (time.Duration, bool) {
	for _, t := range p.OrganTypes {
		if t.Code == code {
			return t.MaxColdIschaemia, true
		}
	}
	return 0, false
}

// Validate checks every bound.
func (p Params) Validate() error {
	if len(p.OrganTypes) == 0 || len(p.OrganTypes) > MaxOrganTypes {
		return errorsmod.Wrapf(ErrInvalidParams, "1..%d organ types, got %d", MaxOrganTypes, len(p.OrganTypes))
	}
	seen := map[string]bool{}
	for _, t := range p.OrganTypes {
		if err := CheckOrganTypeCode(t.Code); err != nil {
			return errorsmod.Wrapf(ErrInvalidParams, "%s", err)
		}
		if seen[t.Code] {
			return errorsmod.Wrapf(ErrInvalidParams, "organ type %s listed twice", t.Code)
		}
		seen[t.Code] = true
		if t.MaxColdIschaemia <= 0 || t.MaxColdIschaemia > MaxIschaemiaLimit || t.MaxColdIschaemia%time.Second != 0 {
			return errorsmod.Wrapf(ErrInvalidParams, "%s: cold-ischaemia limit must be whole seconds in (0, %s]", t.Code, MaxIschaemiaLimit)
		}
	}
	if p.MinCentiCelsius < MinCentiCelsiusBound || p.MaxCentiCelsius > MaxCentiCelsiusBound || p.MinCentiCelsius >= p.MaxCentiCelsius {
		return errorsmod.Wrapf(ErrInvalidParams, "temperature range must satisfy %d <= min < max <= %d", MinCentiCelsiusBound, MaxCentiCelsiusBound)
	}
	if p.OfferTimeout <= 0 || p.OfferTimeout > MaxOfferTimeout || p.OfferTimeout%time.Second != 0 {
		return errorsmod.Wrapf(ErrInvalidParams, "offer timeout must be whole seconds in (0, %s]", MaxOfferTimeout)
	}
	for _, b := range []struct {
		name string
		v    uint32
		max  uint32
	}{{"max_candidates", p.MaxCandidates, MaxCandidatesLimit}, {"max_handoffs", p.MaxHandoffs, MaxHandOffsLimit}, {"max_readings", p.MaxReadings, MaxReadingsLimit}} {
		if b.v == 0 || b.v > b.max {
			return errorsmod.Wrapf(ErrInvalidParams, "%s must be in 1..%d", b.name, b.max)
		}
	}
	return nil
}
