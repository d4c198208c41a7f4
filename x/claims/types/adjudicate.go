package types

import (
	"fmt"
	"sort"
	"time"

	errorsmod "cosmossdk.io/errors"
	"cosmossdk.io/math"
)

// CARC reason codes the adjudicator gives (X12 Claim Adjustment Reason Codes).
const (
	CARCDeductible       = "1"
	CARCCoinsurance      = "2"
	CARCCopay            = "3"
	CARCLacksInformation = "16"
	CARCDuplicate        = "18"
	CARCBeforeCoverage   = "26"
	CARCAfterCoverage    = "27"
	CARCAboveFeeSchedule = "45"
	CARCNotCovered       = "96"
	CARCNoPriorAuth      = "197"
	CARCNotMedNecessary  = "50"
)

// Pend reasons.
const (
	PendOverThreshold = "plan payment above the plan's review threshold"
	PendManualReview  = "a service the plan reviews manually"
)

// AdjudicationInput is everything adjudication reads. The keeper fills it
// from indexed lookups; Adjudicate itself reads nothing else, so the same
// input always gives the same result.
type AdjudicationInput struct {
	Plan        Plan
	Coverage    Coverage
	ServiceDate time.Time
	Lines       []ClaimLine
	// Accumulator is the coverage's for the plan year of the service date.
	Accumulator Accumulator
	// PriorAuths holds, by code, the coverage's latest prior authorisation.
	PriorAuths map[string]PriorAuth
	// Duplicates marks lines another live claim already billed.
	Duplicates map[int]bool
	// RecordsOK is false when a referenced record is missing or another patient's.
	RecordsOK bool
	// Denied are lines a payer's review denies, with the reason given.
	Denied map[int]string
	// Reviewed skips pending: the payer has decided.
	Reviewed bool
}

// Adjudication is the result: one LineResult per line, the accumulator after
// the claim, prior-authorisation units used, pend reasons and the outcome.
type Adjudication struct {
	Results       []LineResult
	Accumulator   Accumulator
	PriorAuthUsed map[uint64]uint32
	PendReasons   []string
	Outcome       ClaimStatus
}

// PlanPays is the total the plan pays.
func (a Adjudication) PlanPays() math.Int { return SumPlanPays(a.Results) }

// SumPlanPays adds the plan's payments of approved lines.
func SumPlanPays(results []LineResult) math.Int {
	total := math.ZeroInt()
	for _, r := range results {
		if r.Approved {
			total = total.Add(r.PlanPays)
		}
	}
	return total
}

func zeroLine() LineResult {
	z := math.ZeroInt()
	return LineResult{Allowed: z, Deductible: z, Copay: z, Coinsurance: z, PlanPays: z, PatientResponsibility: z}
}

func denied(reasons ...string) LineResult {
	r := zeroLine()
	r.Reasons = reasons
	return r
}

// Adjudicate prices a claim. Claim-level checks come first: coverage in force
// on the service date (else every line is denied, CARC 26 or 27) and records
// that belong to the patient (else CARC 16). Then each line in order: covered
// code (96), not a duplicate (18), prior authorisation with units left when
// the plan requires it (197); allowed = min(charge, units × allowed per unit)
// (45 when the charge is above it); then the deductible still unmet, the
// copay, and the coinsurance on what remains, each capped so the patient's
// total for the plan year never passes the out-of-pocket maximum; the plan
// pays the rest. Accumulators carry from line to line, so a maximum reached
// mid-claim is honoured at once.
func Adjudicate(in AdjudicationInput) Adjudication {
	out := Adjudication{
		Results:       make([]LineResult, len(in.Lines)),
		Accumulator:   in.Accumulator,
		PriorAuthUsed: map[uint64]uint32{},
	}
	claimDenial := ""
	switch {
	case in.ServiceDate.Before(in.Coverage.Start):
		claimDenial = CARCBeforeCoverage
	case !in.ServiceDate.Before(in.Coverage.End):
		claimDenial = CARCAfterCoverage
	case !in.RecordsOK:
		claimDenial = CARCLacksInformation
	}
	services := make(map[string]CoveredService, len(in.Plan.Services))
	for _, s := range in.Plan.Services {
		services[serviceKey(s.System, s.Code)] = s
	}
	acc := in.Accumulator
	manual := false
	for i, line := range in.Lines {
		if claimDenial != "" {
			out.Results[i] = denied(claimDenial)
			continue
		}
		svc, covered := services[serviceKey(line.System, line.Code)]
		switch {
		case !covered:
			out.Results[i] = denied(CARCNotCovered)
			continue
		case in.Duplicates[i]:
			out.Results[i] = denied(CARCDuplicate)
			continue
		case in.Denied[i] != "":
			out.Results[i] = denied(in.Denied[i])
			continue
		}
		r := zeroLine()
		if svc.PriorAuthRequired {
			pa, ok := in.PriorAuths[line.Code]
			used := out.PriorAuthUsed[pa.ID]
			// In uint64, so no sum of uint32 units can wrap past the authorisation.
			if !ok || in.ServiceDate.Before(pa.Start) || !in.ServiceDate.Before(pa.End) ||
				uint64(pa.UnitsUsed)+uint64(used)+uint64(line.Units) > uint64(pa.Units) {
				out.Results[i] = denied(CARCNoPriorAuth)
				continue
			}
			// used + units <= pa.Units - pa.UnitsUsed, a uint32: no wrap.
			out.PriorAuthUsed[pa.ID] = used + line.Units
			r.PriorAuthID = pa.ID
		}
		manual = manual || svc.ManualReview

		r.Approved = true
		r.Allowed = math.MinInt(line.Charge, svc.AllowedPerUnit.MulRaw(int64(line.Units)))
		if line.Charge.GT(r.Allowed) {
			r.Reasons = append(r.Reasons, CARCAboveFeeSchedule)
		}
		room := in.Plan.OutOfPocketMax.Sub(acc.OutOfPocketMet)
		if room.IsNegative() {
			room = math.ZeroInt()
		}
		remaining := r.Allowed
		take := func(want math.Int) math.Int {
			got := math.MinInt(math.MinInt(want, remaining), room)
			remaining, room = remaining.Sub(got), room.Sub(got)
			return got
		}
		dedLeft := in.Plan.Deductible.Sub(acc.DeductibleMet)
		if dedLeft.IsNegative() {
			dedLeft = math.ZeroInt()
		}
		r.Deductible = take(dedLeft)
		r.Copay = take(svc.Copay)
		r.Coinsurance = take(remaining.MulRaw(int64(svc.CoinsuranceBps)).QuoRaw(10_000))
		r.PatientResponsibility = r.Deductible.Add(r.Copay).Add(r.Coinsurance)
		r.PlanPays = r.Allowed.Sub(r.PatientResponsibility)
		for _, part := range []struct {
			amount math.Int
			carc   string
		}{{r.Deductible, CARCDeductible}, {r.Copay, CARCCopay}, {r.Coinsurance, CARCCoinsurance}} {
			if part.amount.IsPositive() {
				r.Reasons = append(r.Reasons, part.carc)
			}
		}
		acc.DeductibleMet = acc.DeductibleMet.Add(r.Deductible)
		acc.OutOfPocketMet = acc.OutOfPocketMet.Add(r.PatientResponsibility)
		out.Results[i] = r
	}
	out.Accumulator = acc

	approved := 0
	for _, r := range out.Results {
		if r.Approved {
			approved++
		}
	}
	if approved > 0 && !in.Reviewed {
		if manual {
			out.PendReasons = append(out.PendReasons, PendManualReview)
		}
		if in.Plan.ReviewThreshold.IsPositive() && out.PlanPays().GT(in.Plan.ReviewThreshold) {
			out.PendReasons = append(out.PendReasons, PendOverThreshold)
		}
	}
	switch {
	case approved == 0:
		out.Outcome = ClaimStatus_CLAIM_STATUS_DENIED
	case len(out.PendReasons) > 0:
		out.Outcome = ClaimStatus_CLAIM_STATUS_PENDED
	case approved < len(in.Lines):
		out.Outcome = ClaimStatus_CLAIM_STATUS_PARTIALLY_APPROVED
	default:
		out.Outcome = ClaimStatus_CLAIM_STATUS_APPROVED
	}
	return out
}

func serviceKey(s CodeSystem, code string) string { return fmt.Sprintf("%d/%s", s, code) }

// PlanYear is the plan year of a service date: its calendar year in UTC.
func PlanYear(t time.Time) int32 { return int32(t.UTC().Year()) }

// ServiceDay is a service date truncated to its UTC day.
func ServiceDay(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// ZeroAccumulator is an accumulator with nothing met.
func ZeroAccumulator() Accumulator {
	return Accumulator{DeductibleMet: math.ZeroInt(), OutOfPocketMet: math.ZeroInt()}
}

// NormalizeServices validates a plan's services and returns them sorted by
// (system, code).
func NormalizeServices(services []CoveredService, max uint32) ([]CoveredService, error) {
	if len(services) == 0 {
		return nil, errorsmod.Wrap(ErrInvalidPlan, "a plan covers at least one service")
	}
	if uint32(len(services)) > max {
		return nil, errorsmod.Wrapf(ErrInvalidPlan, "%d services, at most %d", len(services), max)
	}
	out := append([]CoveredService(nil), services...)
	sort.Slice(out, func(i, j int) bool {
		if out[i].System != out[j].System {
			return out[i].System < out[j].System
		}
		return out[i].Code < out[j].Code
	})
	for i, s := range out {
		if err := ValidateServiceCode(s.System, s.Code); err != nil {
			return nil, err
		}
		if i > 0 && out[i-1].System == s.System && out[i-1].Code == s.Code {
			return nil, errorsmod.Wrapf(ErrInvalidPlan, "%s %s listed twice", SystemName(s.System), s.Code)
		}
		if !ValidAmount(s.AllowedPerUnit) || !s.AllowedPerUnit.IsPositive() {
			return nil, errorsmod.Wrapf(ErrInvalidPlan, "%s allowed_per_unit must be positive and at most %s", s.Code, MaxAmount)
		}
		if !ValidAmount(s.Copay) {
			return nil, errorsmod.Wrapf(ErrInvalidPlan, "%s copay must be in 0..%s", s.Code, MaxAmount)
		}
		if s.CoinsuranceBps > 10_000 {
			return nil, errorsmod.Wrapf(ErrInvalidPlan, "%s coinsurance_bps above 10000", s.Code)
		}
	}
	return out, nil
}

// ValidatePlanAmounts checks the deductible, out-of-pocket maximum and
// threshold: each in 0..MaxAmount, so no accumulator or comparison built on
// them can overflow math.Int.
func ValidatePlanAmounts(deductible, oopMax, threshold math.Int) error {
	switch {
	case !ValidAmount(deductible):
		return errorsmod.Wrapf(ErrInvalidPlan, "deductible must be in 0..%s", MaxAmount)
	case !ValidAmount(oopMax) || oopMax.LT(deductible):
		return errorsmod.Wrapf(ErrInvalidPlan, "out_of_pocket_max must be at least the deductible and at most %s", MaxAmount)
	case !ValidAmount(threshold):
		return errorsmod.Wrapf(ErrInvalidPlan, "review_threshold must be in 0..%s (0: never pend)", MaxAmount)
	}
	return nil
}

// ValidateLine checks a claim line's units (1..MaxUnitsPerLine) and charge
// (1..MaxAmount).
func ValidateLine(l ClaimLine) error {
	switch {
	case l.Units == 0 || l.Units > MaxUnitsPerLine:
		return errorsmod.Wrapf(ErrInvalidClaim, "units must be in 1..%d", MaxUnitsPerLine)
	case !ValidAmount(l.Charge) || !l.Charge.IsPositive():
		return errorsmod.Wrapf(ErrInvalidClaim, "charge must be in 1..%s", MaxAmount)
	}
	return nil
}
