package types

import (
	"fmt"

	"cosmossdk.io/core/address"
	errorsmod "cosmossdk.io/errors"
)

// DefaultGenesisState has default params and no consents. IDs start at 1:
// zero means "none" wherever an ID is optional.
func DefaultGenesisState() *GenesisState {
	return &GenesisState{Params: DefaultParams(), NextConsentID: 1, NextBreakGlassID: 1, NextAuditSeq: 1}
}

// Validate checks params, each record, and that IDs are unique, ordered and
// below the next sequence values.
func (gs GenesisState) Validate(ac address.Codec) error {
	if err := gs.Params.Validate(); err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidGenesis, err)
	}
	if gs.NextConsentID == 0 || gs.NextBreakGlassID == 0 || gs.NextAuditSeq == 0 {
		return errorsmod.Wrap(ErrInvalidGenesis, "next ids and sequence start at 1")
	}
	addr := func(what, s string) error {
		if _, err := ac.StringToBytes(s); err != nil {
			return errorsmod.Wrapf(ErrInvalidGenesis, "%s %q: %s", what, s, err)
		}
		return nil
	}
	var prev uint64
	activeKeys := map[string]uint64{}
	for i, c := range gs.Consents {
		if c.ID == 0 || (i > 0 && c.ID <= prev) || c.ID >= gs.NextConsentID {
			return errorsmod.Wrapf(ErrInvalidGenesis, "consent id %d out of order or not below next id %d", c.ID, gs.NextConsentID)
		}
		prev = c.ID
		if err := addr("patient", c.Patient); err != nil {
			return err
		}
		if err := addr("grantee", c.Grantee); err != nil {
			return err
		}
		if err := ValidatePurpose(c.Purpose); err != nil {
			return fmt.Errorf("%w: consent %d: %w", ErrInvalidGenesis, c.ID, err)
		}
		if _, err := NormalizeCategories(c.Categories, c.AllCategories); err != nil {
			return fmt.Errorf("%w: consent %d: %w", ErrInvalidGenesis, c.ID, err)
		}
		if !c.End.After(c.Start) {
			return errorsmod.Wrapf(ErrInvalidGenesis, "consent %d: end not after start", c.ID)
		}
		if _, ok := ConsentStatus_name[int32(c.Status)]; !ok || c.Status == ConsentStatus_CONSENT_STATUS_UNSPECIFIED {
			return errorsmod.Wrapf(ErrInvalidGenesis, "consent %d: status %d", c.ID, c.Status)
		}
		if c.Status == ConsentStatus_CONSENT_STATUS_ACTIVE {
			for _, cat := range c.IndexCategories() {
				key := c.Patient + "|" + c.Grantee + "|" + c.Purpose + "|" + cat
				if other, dup := activeKeys[key]; dup {
					return errorsmod.Wrapf(ErrInvalidGenesis, "active consents %d and %d both cover %s/%s", other, c.ID, c.Purpose, cat)
				}
				activeKeys[key] = c.ID
			}
		}
	}
	for _, g := range gs.Guardians {
		if err := addr("patient", g.Patient); err != nil {
			return err
		}
		if err := addr("guardian", g.Guardian); err != nil {
			return err
		}
	}
	prev = 0
	for i, bg := range gs.BreakGlasses {
		if bg.ID == 0 || (i > 0 && bg.ID <= prev) || bg.ID >= gs.NextBreakGlassID {
			return errorsmod.Wrapf(ErrInvalidGenesis, "break-glass id %d out of order or not below next id %d", bg.ID, gs.NextBreakGlassID)
		}
		prev = bg.ID
		if err := addr("patient", bg.Patient); err != nil {
			return err
		}
		if err := addr("member", bg.Member); err != nil {
			return err
		}
		// An access opened before v0.2.0 has no sealed justification: the
		// v0.1.0 clear code was dropped by the 1→2 migration and the chain
		// cannot seal it afterwards (the salt and the readers' keys are off
		// chain). Both fields empty marks it; anything else must be sealed.
		if len(bg.JustificationCommitment) == 0 && len(bg.JustificationCiphertext) == 0 {
			continue
		}
		if err := ValidateSealedJustification(bg.JustificationCommitment, bg.JustificationCiphertext); err != nil {
			return errorsmod.Wrapf(ErrInvalidGenesis, "break-glass %d: %s", bg.ID, err)
		}
	}
	for _, e := range gs.Audit {
		if e.Seq >= gs.NextAuditSeq {
			return errorsmod.Wrapf(ErrInvalidGenesis, "audit seq %d not below next seq %d", e.Seq, gs.NextAuditSeq)
		}
		if err := addr("patient", e.Patient); err != nil {
			return err
		}
	}
	for _, e := range gs.Latest {
		if err := addr("patient", e.Patient); err != nil {
			return err
		}
		if err := addr("grantee", e.Grantee); err != nil {
			return err
		}
		if e.ConsentID == 0 || e.ConsentID >= gs.NextConsentID {
			return errorsmod.Wrapf(ErrInvalidGenesis, "latest entry names consent %d", e.ConsentID)
		}
	}
	for _, rw := range gs.RateWindows {
		if err := addr("member", rw.Member); err != nil {
			return err
		}
	}
	return nil
}
