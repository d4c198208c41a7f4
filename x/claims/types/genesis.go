package types

import (
	"fmt"

	"cosmossdk.io/core/address"
	errorsmod "cosmossdk.io/errors"
	"cosmossdk.io/math"
)

// DefaultGenesisState has default params and nothing else. IDs start at 1.
func DefaultGenesisState() *GenesisState {
	return &GenesisState{Params: DefaultParams(), NextPlanID: 1, NextCoverageID: 1, NextPriorAuthID: 1, NextClaimID: 1}
}

// Validate checks params, ids, addresses and references between records.
func (gs GenesisState) Validate(ac address.Codec) error {
	if err := gs.Params.Validate(); err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidGenesis, err)
	}
	if gs.NextPlanID == 0 || gs.NextCoverageID == 0 || gs.NextPriorAuthID == 0 || gs.NextClaimID == 0 {
		return errorsmod.Wrap(ErrInvalidGenesis, "next ids start at 1")
	}
	addr := func(what, s string) error {
		bz, err := ac.StringToBytes(s)
		if err != nil {
			return errorsmod.Wrapf(ErrInvalidGenesis, "%s %q: %s", what, s, err)
		}
		if canonical, err := ac.BytesToString(bz); err != nil || canonical != s {
			return errorsmod.Wrapf(ErrInvalidGenesis, "%s %q is not in canonical form", what, s)
		}
		return nil
	}
	ordered := func(what string, i int, id, prev, next uint64) error {
		if id == 0 || (i > 0 && id <= prev) || id >= next {
			return errorsmod.Wrapf(ErrInvalidGenesis, "%s id %d out of order or not below next id %d", what, id, next)
		}
		return nil
	}
	plans := map[uint64]Plan{}
	var prev uint64
	for i, p := range gs.Plans {
		if err := ordered("plan", i, p.ID, prev, gs.NextPlanID); err != nil {
			return err
		}
		prev = p.ID
		if err := addr("payer", p.Payer); err != nil {
			return err
		}
		if _, err := NormalizeServices(p.Services, gs.Params.MaxServices); err != nil {
			return fmt.Errorf("%w: plan %d: %w", ErrInvalidGenesis, p.ID, err)
		}
		if err := ValidatePlanAmounts(p.Deductible, p.OutOfPocketMax, p.ReviewThreshold); err != nil {
			return fmt.Errorf("%w: plan %d: %w", ErrInvalidGenesis, p.ID, err)
		}
		if err := ValidateSettlementMethod(p.Settlement); err != nil {
			return fmt.Errorf("%w: plan %d: %w", ErrInvalidGenesis, p.ID, err)
		}
		plans[p.ID] = p
	}
	coverages := map[uint64]Coverage{}
	prev = 0
	for i, c := range gs.Coverages {
		if err := ordered("coverage", i, c.ID, prev, gs.NextCoverageID); err != nil {
			return err
		}
		prev = c.ID
		p, ok := plans[c.PlanID]
		if !ok || p.Payer != c.Payer {
			return errorsmod.Wrapf(ErrInvalidGenesis, "coverage %d: plan %d unknown or of another payer", c.ID, c.PlanID)
		}
		if err := addr("patient", c.Patient); err != nil {
			return err
		}
		if err := ValidateMemberIDMAC(c.MemberIDMAC, c.MemberIDScheme); err != nil {
			return errorsmod.Wrapf(ErrInvalidGenesis, "coverage %d: bad member id MAC: %s", c.ID, err)
		}
		if !c.End.After(c.Start) {
			return errorsmod.Wrapf(ErrInvalidGenesis, "coverage %d: bad period", c.ID)
		}
		coverages[c.ID] = c
	}
	prev = 0
	for i, pa := range gs.PriorAuths {
		if err := ordered("prior authorisation", i, pa.ID, prev, gs.NextPriorAuthID); err != nil {
			return err
		}
		prev = pa.ID
		if _, ok := coverages[pa.CoverageID]; !ok || pa.UnitsUsed > pa.Units || pa.Units == 0 || pa.Units > MaxPriorAuthUnits || !pa.End.After(pa.Start) {
			return errorsmod.Wrapf(ErrInvalidGenesis, "prior authorisation %d: unknown coverage, bad units or period", pa.ID)
		}
	}
	claims := make(map[uint64]Claim, len(gs.Claims))
	prev = 0
	for i, c := range gs.Claims {
		claims[c.ID] = c
		if err := ordered("claim", i, c.ID, prev, gs.NextClaimID); err != nil {
			return err
		}
		prev = c.ID
		cov, ok := coverages[c.CoverageID]
		switch {
		case !ok || cov.Patient != c.Patient || cov.Payer != c.Payer || cov.PlanID != c.PlanID:
			return errorsmod.Wrapf(ErrInvalidGenesis, "claim %d does not match coverage %d", c.ID, c.CoverageID)
		case len(c.Lines) == 0 || len(c.Results) != len(c.Lines):
			return errorsmod.Wrapf(ErrInvalidGenesis, "claim %d: lines and results differ", c.ID)
		case len(c.Lines) > int(gs.Params.MaxLines):
			return errorsmod.Wrapf(ErrInvalidGenesis, "claim %d: %d lines, at most %d", c.ID, len(c.Lines), gs.Params.MaxLines)
		case !CanTransition(ClaimStatus_CLAIM_STATUS_UNSPECIFIED, c.Status) && c.Status != ClaimStatus_CLAIM_STATUS_APPEALED &&
			c.Status != ClaimStatus_CLAIM_STATUS_WITHDRAWN && c.Status != ClaimStatus_CLAIM_STATUS_CANCELLED:
			return errorsmod.Wrapf(ErrInvalidGenesis, "claim %d: status %s", c.ID, c.Status)
		case c.Paid.IsNil() || c.Paid.IsNegative() || (c.Paid.GT(SumPlanPays(c.Results)) && !c.Appealed):
			// A review after an appeal may approve less than was paid; it
			// never claws back, so only an appealed claim may hold more.
			return errorsmod.Wrapf(ErrInvalidGenesis, "claim %d: paid out of range", c.ID)
		}
		if err := addr("provider", c.Provider); err != nil {
			return err
		}
		if err := ValidateSealedDiagnoses(c.DiagnosesCommitment, c.DiagnosesCiphertext); err != nil {
			return errorsmod.Wrapf(ErrInvalidGenesis, "claim %d: %s", c.ID, err)
		}
		if _, ok := SettlementMethod_name[int32(c.Settlement)]; !ok {
			return errorsmod.Wrapf(ErrInvalidGenesis, "claim %d: settlement method %d", c.ID, int32(c.Settlement))
		}
		for i, l := range c.Lines {
			if err := ValidateLine(l); err != nil {
				return fmt.Errorf("%w: claim %d line %d: %w", ErrInvalidGenesis, c.ID, i+1, err)
			}
			r := c.Results[i]
			for _, a := range []math.Int{r.Allowed, r.Deductible, r.Copay, r.Coinsurance, r.PlanPays, r.PatientResponsibility} {
				if !ValidAmount(a) {
					return errorsmod.Wrapf(ErrInvalidGenesis, "claim %d line %d: result amount out of range", c.ID, i)
				}
			}
		}
	}
	if err := validateSettlements(gs.Settlements, gs.Hashlocks, claims); err != nil {
		return err
	}
	seenAcc := map[[2]int64]bool{}
	for _, a := range gs.Accumulators {
		k := [2]int64{int64(a.CoverageID), int64(a.Year)}
		if _, ok := coverages[a.CoverageID]; !ok || seenAcc[k] {
			return errorsmod.Wrapf(ErrInvalidGenesis, "accumulator of coverage %d, year %d: unknown coverage or listed twice", a.CoverageID, a.Year)
		}
		seenAcc[k] = true
		if a.Accumulator.DeductibleMet.IsNil() || a.Accumulator.DeductibleMet.IsNegative() || a.Accumulator.OutOfPocketMet.IsNil() || a.Accumulator.OutOfPocketMet.IsNegative() {
			return errorsmod.Wrapf(ErrInvalidGenesis, "accumulator of coverage %d: negative", a.CoverageID)
		}
	}
	seenPayer := map[string]bool{}
	for _, e := range gs.Escrows {
		if err := addr("escrow payer", e.Payer); err != nil {
			return err
		}
		if seenPayer[e.Payer] || e.Balance.IsNil() || e.Balance.IsNegative() {
			return errorsmod.Wrapf(ErrInvalidGenesis, "escrow of %s: listed twice or negative", e.Payer)
		}
		seenPayer[e.Payer] = true
	}
	return nil
}

// validateSettlements checks the settlements against their claims and the
// hashlock index: one settlement per claim, each well formed, LOCKED only on a
// pended or appealed claim and REVEALED only on a paid one, both settled by
// EVM_HTLC; every hashlock listed once, naming a claim with a settlement; and
// each settlement's own hashlock listed under its claim.
func validateSettlements(settlements []Settlement, hashlocks []HashlockEntry, claims map[uint64]Claim) error {
	index := make(map[string]uint64, len(hashlocks))
	for _, h := range hashlocks {
		if len(h.Hashlock) != HashlockLength {
			return errorsmod.Wrapf(ErrInvalidGenesis, "hashlock %x: %d bytes", h.Hashlock, len(h.Hashlock))
		}
		if _, dup := index[string(h.Hashlock)]; dup {
			return errorsmod.Wrapf(ErrInvalidGenesis, "hashlock %x listed twice", h.Hashlock)
		}
		index[string(h.Hashlock)] = h.ClaimID
	}
	seen := make(map[uint64]bool, len(settlements))
	for _, s := range settlements {
		if err := s.Validate(); err != nil {
			return errorsmod.Wrapf(ErrInvalidGenesis, "settlement of claim %d: %s", s.ClaimID, err)
		}
		c, ok := claims[s.ClaimID]
		if !ok || seen[s.ClaimID] {
			return errorsmod.Wrapf(ErrInvalidGenesis, "settlement of claim %d: unknown claim or listed twice", s.ClaimID)
		}
		seen[s.ClaimID] = true
		if owner, ok := index[string(s.Hashlock)]; !ok || owner != s.ClaimID {
			return errorsmod.Wrapf(ErrInvalidGenesis, "settlement of claim %d: hashlock %x not indexed under it", s.ClaimID, s.Hashlock)
		}
		htlc := c.Settlement == SettlementMethod_SETTLEMENT_METHOD_EVM_HTLC
		switch s.Status {
		case SettlementStatus_SETTLEMENT_STATUS_LOCKED:
			if !htlc || (c.Status != ClaimStatus_CLAIM_STATUS_PENDED && c.Status != ClaimStatus_CLAIM_STATUS_APPEALED) {
				return errorsmod.Wrapf(ErrInvalidGenesis, "settlement of claim %d is locked but the claim is %s (%s)", c.ID, c.Status, c.Settlement)
			}
		case SettlementStatus_SETTLEMENT_STATUS_REVEALED:
			if !htlc || c.Status != ClaimStatus_CLAIM_STATUS_PAID {
				return errorsmod.Wrapf(ErrInvalidGenesis, "settlement of claim %d is revealed but the claim is %s (%s)", c.ID, c.Status, c.Settlement)
			}
		}
	}
	for _, h := range hashlocks {
		if !seen[h.ClaimID] {
			return errorsmod.Wrapf(ErrInvalidGenesis, "hashlock %x names claim %d, which has no settlement", h.Hashlock, h.ClaimID)
		}
	}
	return nil
}
