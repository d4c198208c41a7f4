package types_test

import (
	"fmt"
	"testing"
	"time"

	"cosmossdk.io/math"
	"github.com/stretchr/testify/require"

	"github.com/healthchain/healthd/x/claims/types"
)

// The fixture plan: a deductible of 100 and an out-of-pocket maximum of 500
// per plan year, no review threshold, and these services:
//
//	CPT 99213          allowed 150/unit  copay 20  coinsurance 20%
//	CPT 97110          allowed 100/unit  copay 15  coinsurance 20%
//	CPT 70553          allowed 1000/unit copay 0   coinsurance 20%  prior auth required
//	CPT 0042T          allowed 300/unit  copay 0   coinsurance 0    manual review
//	HCPCS J1100        allowed 10/unit   copay 0   coinsurance 10%
//	NDC 00093-4155-73  allowed 5/unit    copay 10  coinsurance 0
//
// The coverage runs from 2026-01-01 to 2027-01-01 (end exclusive); services
// are on 2026-03-01 10:00 UTC. Prior authorisation 7 allows 3 units of 70553
// from 2026-02-01 to 2026-04-01.

var (
	serviceDate = time.Date(2026, time.March, 1, 10, 0, 0, 0, time.UTC)
	covStart    = time.Date(2026, time.January, 1, 0, 0, 0, 0, time.UTC)
	covEnd      = time.Date(2027, time.January, 1, 0, 0, 0, 0, time.UTC)
)

const (
	cpt   = types.CodeSystem_CODE_SYSTEM_CPT
	hcpcs = types.CodeSystem_CODE_SYSTEM_HCPCS
	ndc   = types.CodeSystem_CODE_SYSTEM_NDC

	statusPended   = types.ClaimStatus_CLAIM_STATUS_PENDED
	statusApproved = types.ClaimStatus_CLAIM_STATUS_APPROVED
	statusPartial  = types.ClaimStatus_CLAIM_STATUS_PARTIALLY_APPROVED
	statusDenied   = types.ClaimStatus_CLAIM_STATUS_DENIED
)

func n(i int64) math.Int { return math.NewInt(i) }

func svc(system types.CodeSystem, code string, allowed, copay int64, bps uint32) types.CoveredService {
	return types.CoveredService{System: system, Code: code, AllowedPerUnit: n(allowed), Copay: n(copay), CoinsuranceBps: bps}
}

func fixturePlan() types.Plan {
	mri := svc(cpt, "70553", 1000, 0, 2000)
	mri.PriorAuthRequired = true
	manual := svc(cpt, "0042T", 300, 0, 0)
	manual.ManualReview = true
	return types.Plan{
		ID: 1, Payer: "payer", Name: "Silver",
		Services: []types.CoveredService{
			svc(cpt, "99213", 150, 20, 2000), svc(cpt, "97110", 100, 15, 2000), mri, manual,
			svc(hcpcs, "J1100", 10, 0, 1000), svc(ndc, "00093-4155-73", 5, 10, 0),
		},
		Deductible: n(100), OutOfPocketMax: n(500), ReviewThreshold: n(0),
	}
}

func fixturePA() types.PriorAuth {
	return types.PriorAuth{
		ID: 7, CoverageID: 3, Code: "70553", Units: 3,
		Start: time.Date(2026, time.February, 1, 0, 0, 0, 0, time.UTC), End: time.Date(2026, time.April, 1, 0, 0, 0, 0, time.UTC),
	}
}

func acc(ded, oop int64) types.Accumulator {
	return types.Accumulator{DeductibleMet: n(ded), OutOfPocketMet: n(oop)}
}

func cl(system types.CodeSystem, code string, units uint32, charge int64) types.ClaimLine {
	return types.ClaimLine{System: system, Code: code, Units: units, Charge: n(charge)}
}

// baseInput is one line of 99213 (charge 150) with nothing met, no prior
// authorisation, no duplicate, records in order.
func baseInput() types.AdjudicationInput {
	return types.AdjudicationInput{
		Plan:        fixturePlan(),
		Coverage:    types.Coverage{ID: 3, PlanID: 1, Start: covStart, End: covEnd},
		ServiceDate: serviceDate,
		Lines:       []types.ClaimLine{cl(cpt, "99213", 1, 150)},
		Accumulator: acc(0, 0),
		PriorAuths:  map[string]types.PriorAuth{},
		Duplicates:  map[int]bool{},
		RecordsOK:   true,
	}
}

// lineView is a LineResult with amounts as strings, so that equal amounts
// compare equal whatever their big.Int representation.
type lineView struct {
	Approved                                                        bool
	Allowed, Deductible, Copay, Coinsurance, PlanPays, PatientShare string
	Reasons                                                         []string
	PriorAuthID                                                     uint64
}

func view(r types.LineResult) lineView {
	v := lineView{
		Approved: r.Approved, Allowed: r.Allowed.String(), Deductible: r.Deductible.String(), Copay: r.Copay.String(),
		Coinsurance: r.Coinsurance.String(), PlanPays: r.PlanPays.String(), PatientShare: r.PatientResponsibility.String(),
		PriorAuthID: r.PriorAuthID,
	}
	if len(r.Reasons) > 0 {
		v.Reasons = r.Reasons
	}
	return v
}

// ok is an approved line: allowed, deductible, copay, coinsurance, patient
// responsibility, plan pays, then the CARC reasons in order.
func ok(allowed, ded, copay, coins, patient, plan int64, reasons ...string) lineView {
	s := func(i int64) string { return fmt.Sprint(i) }
	v := lineView{Approved: true, Allowed: s(allowed), Deductible: s(ded), Copay: s(copay), Coinsurance: s(coins), PatientShare: s(patient), PlanPays: s(plan)}
	if len(reasons) > 0 {
		v.Reasons = reasons
	}
	return v
}

func (v lineView) pa(id uint64) lineView { v.PriorAuthID = id; return v }

// deny is a denied line: every amount 0, the reasons given.
func deny(reasons ...string) lineView {
	return lineView{Allowed: "0", Deductible: "0", Copay: "0", Coinsurance: "0", PlanPays: "0", PatientShare: "0", Reasons: reasons}
}

type adjCase struct {
	name    string
	edit    func(in *types.AdjudicationInput)
	lines   []lineView
	acc     types.Accumulator
	paUsed  map[uint64]uint32
	pend    []string
	outcome types.ClaimStatus
}

func adjCases() []adjCase {
	const (
		ded, coins, copay, above = types.CARCDeductible, types.CARCCoinsurance, types.CARCCopay, types.CARCAboveFeeSchedule
	)
	withPA := func(used uint32, edit func(*types.PriorAuth)) func(*types.AdjudicationInput) {
		return func(in *types.AdjudicationInput) {
			pa := fixturePA()
			pa.UnitsUsed = used
			if edit != nil {
				edit(&pa)
			}
			in.PriorAuths = map[string]types.PriorAuth{pa.Code: pa}
		}
	}
	lines := func(ls ...types.ClaimLine) []types.ClaimLine { return ls }
	none := map[uint64]uint32{}
	return []adjCase{
		// --- cost sharing -------------------------------------------------
		{
			name: "deductible not met: deductible, copay, coinsurance",
			edit: func(in *types.AdjudicationInput) { in.Lines = lines(cl(cpt, "99213", 1, 200)) },
			// allowed 150 = min(200, 1×150), 45; deductible 100 of 100 left → 50;
			// copay 20 → 30; coinsurance 20% of 30 = 6; patient 126; plan 24.
			lines: []lineView{ok(150, 100, 20, 6, 126, 24, above, ded, copay, coins)},
			acc:   acc(100, 126), paUsed: none, outcome: statusApproved,
		},
		{
			name: "deductible partly met",
			edit: func(in *types.AdjudicationInput) {
				in.Lines, in.Accumulator = lines(cl(cpt, "99213", 1, 200)), acc(40, 40)
			},
			// allowed 150 = min(200, 150), 45; deductible 60 of 60 left → 90;
			// copay 20 → 70; coinsurance 20% of 70 = 14; patient 94; plan 56.
			lines: []lineView{ok(150, 60, 20, 14, 94, 56, above, ded, copay, coins)},
			acc:   acc(100, 134), paUsed: none, outcome: statusApproved,
		},
		{
			name: "deductible carried from line to line",
			edit: func(in *types.AdjudicationInput) {
				in.Lines = lines(cl(hcpcs, "J1100", 6, 60), cl(cpt, "97110", 1, 100))
			},
			// line 1: allowed 60 = min(60, 6×10); deductible 60 of 100 → 0 left
			// to share; coinsurance 10% of 0 = 0; patient 60; plan 0.
			// line 2: allowed 100; deductible 40 (the rest) → 60; copay 15 → 45;
			// coinsurance 20% of 45 = 9; patient 64; plan 36.
			lines: []lineView{ok(60, 60, 0, 0, 60, 0, ded), ok(100, 40, 15, 9, 64, 36, ded, copay, coins)},
			acc:   acc(100, 124), paUsed: none, outcome: statusApproved,
		},
		{
			name: "coinsurance only: deductible met, no copay",
			edit: func(in *types.AdjudicationInput) {
				in.Lines, in.Accumulator = lines(cl(hcpcs, "J1100", 10, 100)), acc(100, 100)
			},
			// allowed 100 = min(100, 10×10); deductible met; copay 0;
			// coinsurance 10% of 100 = 10; patient 10; plan 90.
			lines: []lineView{ok(100, 0, 0, 10, 10, 90, coins)},
			acc:   acc(100, 110), paUsed: none, outcome: statusApproved,
		},
		{
			name: "copay only",
			edit: func(in *types.AdjudicationInput) {
				in.Lines, in.Accumulator = lines(cl(ndc, "00093-4155-73", 30, 150)), acc(100, 100)
			},
			// allowed 150 = min(150, 30×5); copay 10 → 140; coinsurance 0%;
			// patient 10; plan 140.
			lines: []lineView{ok(150, 0, 10, 0, 10, 140, copay)},
			acc:   acc(100, 110), paUsed: none, outcome: statusApproved,
		},
		{
			name: "charge below allowed",
			edit: func(in *types.AdjudicationInput) {
				in.Lines, in.Accumulator = lines(cl(cpt, "99213", 1, 120)), acc(100, 100)
			},
			// allowed 120 = min(120, 150), no 45; copay 20 → 100; coinsurance
			// 20% of 100 = 20; patient 40; plan 80.
			lines: []lineView{ok(120, 0, 20, 20, 40, 80, copay, coins)},
			acc:   acc(100, 140), paUsed: none, outcome: statusApproved,
		},
		{
			name: "coinsurance rounds down",
			edit: func(in *types.AdjudicationInput) {
				in.Lines, in.Accumulator = lines(cl(cpt, "97110", 1, 48)), acc(100, 100)
			},
			// allowed 48; copay 15 → 33; coinsurance 20% of 33 = 6.6 → 6;
			// patient 21; plan 27.
			lines: []lineView{ok(48, 0, 15, 6, 21, 27, copay, coins)},
			acc:   acc(100, 121), paUsed: none, outcome: statusApproved,
		},
		{
			name: "zero deductible plan",
			edit: func(in *types.AdjudicationInput) { in.Plan.Deductible = n(0) },
			// allowed 150; deductible 0; copay 20 → 130; coinsurance 20% of
			// 130 = 26; patient 46; plan 104.
			lines: []lineView{ok(150, 0, 20, 26, 46, 104, copay, coins)},
			acc:   acc(0, 46), paUsed: none, outcome: statusApproved,
		},
		{
			name: "out-of-pocket maximum reached mid-claim",
			edit: func(in *types.AdjudicationInput) {
				in.Accumulator = acc(100, 430) // room 70
				in.Lines = lines(cl(cpt, "99213", 1, 150), cl(cpt, "97110", 1, 100), cl(hcpcs, "J1100", 10, 100))
			},
			// line 1: copay 20 (room 50), coinsurance 20% of 130 = 26 (room 24);
			// patient 46; plan 104.
			// line 2: copay 15 (room 9), coinsurance 20% of 85 = 17 capped at 9
			// (room 0); patient 24; plan 76.
			// line 3: coinsurance 10% of 100 = 10 capped at 0; patient 0; plan 100.
			lines: []lineView{
				ok(150, 0, 20, 26, 46, 104, copay, coins),
				ok(100, 0, 15, 9, 24, 76, copay, coins),
				ok(100, 0, 0, 0, 0, 100),
			},
			acc: acc(100, 500), paUsed: none, outcome: statusApproved,
		},
		{
			name: "out-of-pocket maximum caps the deductible",
			edit: func(in *types.AdjudicationInput) { in.Accumulator = acc(20, 480) }, // room 20
			// allowed 150; deductible 80 left, capped at 20 (room 0); copay and
			// coinsurance 0; patient 20; plan 130.
			lines: []lineView{ok(150, 20, 0, 0, 20, 130, ded)},
			acc:   acc(40, 500), paUsed: none, outcome: statusApproved,
		},
		{
			name: "out-of-pocket maximum already met",
			edit: func(in *types.AdjudicationInput) {
				in.Lines, in.Accumulator = lines(cl(cpt, "99213", 1, 200)), acc(100, 500)
			},
			// allowed 150 = min(200, 150), 45; no room: patient 0; plan 150.
			lines: []lineView{ok(150, 0, 0, 0, 0, 150, above)},
			acc:   acc(100, 500), paUsed: none, outcome: statusApproved,
		},
		{
			name: "met above a maximum the payer lowered since",
			edit: func(in *types.AdjudicationInput) { in.Accumulator = acc(100, 600) },
			// room 500 - 600 < 0 counts as 0: patient 0; plan 150.
			lines: []lineView{ok(150, 0, 0, 0, 0, 150)},
			acc:   acc(100, 600), paUsed: none, outcome: statusApproved,
		},

		// --- coverage of codes --------------------------------------------
		{
			name:  "uncovered code",
			edit:  func(in *types.AdjudicationInput) { in.Lines = lines(cl(cpt, "99999", 1, 150)) },
			lines: []lineView{deny(types.CARCNotCovered)},
			acc:   acc(0, 0), paUsed: none, outcome: statusDenied,
		},
		{
			name: "uncovered and covered lines",
			edit: func(in *types.AdjudicationInput) {
				in.Lines, in.Accumulator = lines(cl(cpt, "99999", 1, 150), cl(hcpcs, "J1100", 10, 100)), acc(100, 100)
			},
			// line 2: allowed 100; coinsurance 10% = 10; patient 10; plan 90.
			lines: []lineView{deny(types.CARCNotCovered), ok(100, 0, 0, 10, 10, 90, coins)},
			acc:   acc(100, 110), paUsed: none, outcome: statusPartial,
		},
		{
			name: "a code is covered in its own system only",
			edit: func(in *types.AdjudicationInput) {
				in.Lines, in.Accumulator = lines(cl(cpt, "J1100", 10, 100)), acc(100, 100)
			},
			lines: []lineView{deny(types.CARCNotCovered)},
			acc:   acc(100, 100), paUsed: none, outcome: statusDenied,
		},

		// --- prior authorisation ------------------------------------------
		{
			name: "prior auth present",
			edit: func(in *types.AdjudicationInput) {
				withPA(0, nil)(in)
				in.Lines, in.Accumulator = lines(cl(cpt, "70553", 1, 1200)), acc(100, 100)
			},
			// allowed 1000 = min(1200, 1000), 45; coinsurance 20% of 1000 = 200;
			// patient 200; plan 800; 1 of 3 units used.
			lines: []lineView{ok(1000, 0, 0, 200, 200, 800, above, coins).pa(7)},
			acc:   acc(100, 300), paUsed: map[uint64]uint32{7: 1}, outcome: statusApproved,
		},
		{
			name: "prior auth missing",
			edit: func(in *types.AdjudicationInput) {
				in.Lines, in.Accumulator = lines(cl(cpt, "70553", 1, 1200)), acc(100, 100)
			},
			lines: []lineView{deny(types.CARCNoPriorAuth)},
			acc:   acc(100, 100), paUsed: none, outcome: statusDenied,
		},
		{
			name: "prior auth for another code only",
			edit: func(in *types.AdjudicationInput) {
				pa := fixturePA()
				pa.Code = "97110"
				in.PriorAuths = map[string]types.PriorAuth{"97110": pa}
				in.Lines = lines(cl(cpt, "70553", 1, 1200))
			},
			lines: []lineView{deny(types.CARCNoPriorAuth)},
			acc:   acc(0, 0), paUsed: none, outcome: statusDenied,
		},
		{
			name: "prior auth expired on the service date",
			edit: func(in *types.AdjudicationInput) {
				withPA(0, func(pa *types.PriorAuth) { pa.End = serviceDate })(in)
				in.Lines = lines(cl(cpt, "70553", 1, 1200))
			},
			lines: []lineView{deny(types.CARCNoPriorAuth)},
			acc:   acc(0, 0), paUsed: none, outcome: statusDenied,
		},
		{
			name: "prior auth not yet in force",
			edit: func(in *types.AdjudicationInput) {
				withPA(0, func(pa *types.PriorAuth) { pa.Start = serviceDate.Add(time.Second) })(in)
				in.Lines = lines(cl(cpt, "70553", 1, 1200))
			},
			lines: []lineView{deny(types.CARCNoPriorAuth)},
			acc:   acc(0, 0), paUsed: none, outcome: statusDenied,
		},
		{
			name: "prior auth in force from the service date",
			edit: func(in *types.AdjudicationInput) {
				withPA(0, func(pa *types.PriorAuth) { pa.Start = serviceDate })(in)
				in.Lines, in.Accumulator = lines(cl(cpt, "70553", 1, 1000)), acc(100, 100)
			},
			// allowed 1000; coinsurance 200; patient 200; plan 800.
			lines: []lineView{ok(1000, 0, 0, 200, 200, 800, coins).pa(7)},
			acc:   acc(100, 300), paUsed: map[uint64]uint32{7: 1}, outcome: statusApproved,
		},
		{
			name: "prior auth units exhausted",
			edit: func(in *types.AdjudicationInput) {
				withPA(3, nil)(in)
				in.Lines = lines(cl(cpt, "70553", 1, 1200))
			},
			lines: []lineView{deny(types.CARCNoPriorAuth)},
			acc:   acc(0, 0), paUsed: none, outcome: statusDenied,
		},
		{
			name: "prior auth with fewer units left than billed",
			edit: func(in *types.AdjudicationInput) {
				withPA(1, nil)(in) // 2 left
				in.Lines = lines(cl(cpt, "70553", 3, 3000))
			},
			lines: []lineView{deny(types.CARCNoPriorAuth)},
			acc:   acc(0, 0), paUsed: none, outcome: statusDenied,
		},
		{
			name: "two lines share a prior auth: the second exceeds it",
			edit: func(in *types.AdjudicationInput) {
				withPA(1, nil)(in) // 2 left
				in.Lines, in.Accumulator = lines(cl(cpt, "70553", 1, 1000), cl(cpt, "70553", 2, 2000)), acc(100, 100)
			},
			// line 1: 1+0+1 ≤ 3; allowed 1000; coinsurance 200; patient 200;
			// plan 800. line 2: 1+1+2 = 4 > 3 → 197.
			lines: []lineView{ok(1000, 0, 0, 200, 200, 800, coins).pa(7), deny(types.CARCNoPriorAuth)},
			acc:   acc(100, 300), paUsed: map[uint64]uint32{7: 1}, outcome: statusPartial,
		},
		{
			name: "two lines share a prior auth: both fit",
			edit: func(in *types.AdjudicationInput) {
				withPA(0, nil)(in)
				in.Lines, in.Accumulator = lines(cl(cpt, "70553", 1, 1000), cl(cpt, "70553", 2, 2000)), acc(100, 100)
			},
			// line 1: coinsurance 200 (room 400 → 200); patient 200; plan 800.
			// line 2: allowed 2000 = min(2000, 2×1000); coinsurance 20% of 2000 =
			// 400 capped at 200; patient 200; plan 1800. 3 of 3 units used.
			lines: []lineView{ok(1000, 0, 0, 200, 200, 800, coins).pa(7), ok(2000, 0, 0, 200, 200, 1800, coins).pa(7)},
			acc:   acc(100, 500), paUsed: map[uint64]uint32{7: 3}, outcome: statusApproved,
		},

		// --- coverage period ----------------------------------------------
		{
			name: "coverage not yet started",
			edit: func(in *types.AdjudicationInput) {
				in.Coverage.Start = serviceDate.Add(time.Second)
				in.Lines = lines(cl(cpt, "99213", 1, 150), cl(cpt, "99999", 1, 10))
			},
			lines: []lineView{deny(types.CARCBeforeCoverage), deny(types.CARCBeforeCoverage)},
			acc:   acc(0, 0), paUsed: none, outcome: statusDenied,
		},
		{
			name: "coverage starting on the service date",
			edit: func(in *types.AdjudicationInput) { in.Coverage.Start = serviceDate },
			// as "deductible not met" with a charge of 150: deductible 100 → 50;
			// copay 20 → 30; coinsurance 6; patient 126; plan 24.
			lines: []lineView{ok(150, 100, 20, 6, 126, 24, ded, copay, coins)},
			acc:   acc(100, 126), paUsed: none, outcome: statusApproved,
		},
		{
			name:  "coverage ended on the service date (end is exclusive)",
			edit:  func(in *types.AdjudicationInput) { in.Coverage.End = serviceDate },
			lines: []lineView{deny(types.CARCAfterCoverage)},
			acc:   acc(0, 0), paUsed: none, outcome: statusDenied,
		},
		{
			name: "coverage ended before the service date",
			edit: func(in *types.AdjudicationInput) {
				in.Coverage.End = covStart.AddDate(0, 1, 0)
				in.Lines = lines(cl(cpt, "99213", 1, 150), cl(hcpcs, "J1100", 1, 10))
			},
			lines: []lineView{deny(types.CARCAfterCoverage), deny(types.CARCAfterCoverage)},
			acc:   acc(0, 0), paUsed: none, outcome: statusDenied,
		},

		// --- duplicates and records ---------------------------------------
		{
			name: "duplicate line",
			edit: func(in *types.AdjudicationInput) {
				in.Lines, in.Accumulator = lines(cl(cpt, "99213", 1, 150), cl(cpt, "97110", 1, 100)), acc(100, 100)
				in.Duplicates = map[int]bool{1: true}
			},
			// line 1: copay 20; coinsurance 26; patient 46; plan 104.
			lines: []lineView{ok(150, 0, 20, 26, 46, 104, copay, coins), deny(types.CARCDuplicate)},
			acc:   acc(100, 146), paUsed: none, outcome: statusPartial,
		},
		{
			name: "uncovered comes before duplicate",
			edit: func(in *types.AdjudicationInput) {
				in.Lines, in.Duplicates = lines(cl(cpt, "99999", 1, 150)), map[int]bool{0: true}
			},
			lines: []lineView{deny(types.CARCNotCovered)},
			acc:   acc(0, 0), paUsed: none, outcome: statusDenied,
		},
		{
			name: "duplicate comes before prior auth and uses no units",
			edit: func(in *types.AdjudicationInput) {
				withPA(0, nil)(in)
				in.Lines, in.Duplicates = lines(cl(cpt, "70553", 1, 1000)), map[int]bool{0: true}
			},
			lines: []lineView{deny(types.CARCDuplicate)},
			acc:   acc(0, 0), paUsed: none, outcome: statusDenied,
		},
		{
			name: "records missing or of another patient",
			edit: func(in *types.AdjudicationInput) {
				in.RecordsOK = false
				in.Lines = lines(cl(cpt, "99213", 1, 150), cl(hcpcs, "J1100", 10, 100))
			},
			lines: []lineView{deny(types.CARCLacksInformation), deny(types.CARCLacksInformation)},
			acc:   acc(0, 0), paUsed: none, outcome: statusDenied,
		},
		{
			name: "coverage period comes before records",
			edit: func(in *types.AdjudicationInput) {
				in.RecordsOK = false
				in.Coverage.End = serviceDate
			},
			lines: []lineView{deny(types.CARCAfterCoverage)},
			acc:   acc(0, 0), paUsed: none, outcome: statusDenied,
		},

		// --- pending --------------------------------------------------------
		{
			name: "over the review threshold pends",
			edit: func(in *types.AdjudicationInput) {
				in.Plan.ReviewThreshold, in.Accumulator = n(100), acc(100, 100)
			},
			// plan pays 104 > 100.
			lines: []lineView{ok(150, 0, 20, 26, 46, 104, copay, coins)},
			acc:   acc(100, 146), paUsed: none, pend: []string{types.PendOverThreshold}, outcome: statusPended,
		},
		{
			name: "at the review threshold does not pend",
			edit: func(in *types.AdjudicationInput) {
				in.Plan.ReviewThreshold, in.Accumulator = n(104), acc(100, 100)
			},
			lines: []lineView{ok(150, 0, 20, 26, 46, 104, copay, coins)},
			acc:   acc(100, 146), paUsed: none, outcome: statusApproved,
		},
		{
			name: "over the threshold with a denied line still pends",
			edit: func(in *types.AdjudicationInput) {
				in.Plan.ReviewThreshold, in.Accumulator = n(100), acc(100, 100)
				in.Lines = lines(cl(cpt, "99999", 1, 10), cl(cpt, "99213", 1, 150))
			},
			lines: []lineView{deny(types.CARCNotCovered), ok(150, 0, 20, 26, 46, 104, copay, coins)},
			acc:   acc(100, 146), paUsed: none, pend: []string{types.PendOverThreshold}, outcome: statusPended,
		},
		{
			name: "manual review pends",
			edit: func(in *types.AdjudicationInput) {
				in.Lines, in.Accumulator = lines(cl(cpt, "0042T", 1, 300)), acc(100, 100)
			},
			// allowed 300; no copay or coinsurance; plan 300.
			lines: []lineView{ok(300, 0, 0, 0, 0, 300)},
			acc:   acc(100, 100), paUsed: none, pend: []string{types.PendManualReview}, outcome: statusPended,
		},
		{
			name: "a manual-review line followed by other lines pends",
			edit: func(in *types.AdjudicationInput) {
				in.Lines, in.Accumulator = lines(cl(cpt, "0042T", 1, 300), cl(hcpcs, "J1100", 10, 100)), acc(100, 100)
			},
			// line 2: coinsurance 10% of 100 = 10; patient 10; plan 90.
			lines: []lineView{ok(300, 0, 0, 0, 0, 300), ok(100, 0, 0, 10, 10, 90, coins)},
			acc:   acc(100, 110), paUsed: none, pend: []string{types.PendManualReview}, outcome: statusPended,
		},
		{
			name: "manual review and threshold",
			edit: func(in *types.AdjudicationInput) {
				in.Plan.ReviewThreshold, in.Accumulator = n(100), acc(100, 100)
				in.Lines = lines(cl(cpt, "0042T", 1, 300))
			},
			lines: []lineView{ok(300, 0, 0, 0, 0, 300)},
			acc:   acc(100, 100), paUsed: none, pend: []string{types.PendManualReview, types.PendOverThreshold}, outcome: statusPended,
		},
		{
			name: "reviewed skips pending",
			edit: func(in *types.AdjudicationInput) {
				in.Plan.ReviewThreshold, in.Accumulator, in.Reviewed = n(100), acc(100, 100), true
				in.Lines = lines(cl(cpt, "0042T", 1, 300))
			},
			lines: []lineView{ok(300, 0, 0, 0, 0, 300)},
			acc:   acc(100, 100), paUsed: none, outcome: statusApproved,
		},
		{
			name: "a denied manual-review line does not pend",
			edit: func(in *types.AdjudicationInput) {
				in.Lines, in.Accumulator = lines(cl(cpt, "0042T", 1, 300), cl(hcpcs, "J1100", 10, 100)), acc(100, 100)
				in.Duplicates = map[int]bool{0: true}
			},
			lines: []lineView{deny(types.CARCDuplicate), ok(100, 0, 0, 10, 10, 90, coins)},
			acc:   acc(100, 110), paUsed: none, outcome: statusPartial,
		},
		{
			name: "all lines denied never pends",
			edit: func(in *types.AdjudicationInput) {
				in.Plan.ReviewThreshold = n(1)
				in.Lines, in.Duplicates = lines(cl(cpt, "0042T", 1, 300)), map[int]bool{0: true}
			},
			lines: []lineView{deny(types.CARCDuplicate)},
			acc:   acc(0, 0), paUsed: none, outcome: statusDenied,
		},

		// --- the payer's review ---------------------------------------------
		{
			name: "review denies a line",
			edit: func(in *types.AdjudicationInput) {
				in.Lines, in.Accumulator = lines(cl(cpt, "99213", 1, 150), cl(cpt, "97110", 1, 100)), acc(100, 100)
				in.Denied, in.Reviewed = map[int]string{1: types.CARCNotMedNecessary}, true
			},
			lines: []lineView{ok(150, 0, 20, 26, 46, 104, copay, coins), deny(types.CARCNotMedNecessary)},
			acc:   acc(100, 146), paUsed: none, outcome: statusPartial,
		},
		{
			name: "review denies every line",
			edit: func(in *types.AdjudicationInput) {
				in.Lines = lines(cl(cpt, "99213", 1, 150), cl(cpt, "97110", 1, 100))
				in.Denied, in.Reviewed = map[int]string{0: "50", 1: "50"}, true
			},
			lines: []lineView{deny("50"), deny("50")},
			acc:   acc(0, 0), paUsed: none, outcome: statusDenied,
		},
		{
			name: "review denial of a prior-auth line uses no units",
			edit: func(in *types.AdjudicationInput) {
				withPA(0, nil)(in)
				in.Lines = lines(cl(cpt, "70553", 1, 1000))
				in.Denied, in.Reviewed = map[int]string{0: "50"}, true
			},
			lines: []lineView{deny("50")},
			acc:   acc(0, 0), paUsed: none, outcome: statusDenied,
		},
		{
			name: "automatic reasons come before the review's",
			edit: func(in *types.AdjudicationInput) {
				in.Lines = lines(cl(cpt, "99999", 1, 10), cl(cpt, "99213", 1, 150))
				in.Duplicates = map[int]bool{1: true}
				in.Denied, in.Reviewed = map[int]string{0: "50", 1: "50"}, true
			},
			lines: []lineView{deny(types.CARCNotCovered), deny(types.CARCDuplicate)},
			acc:   acc(0, 0), paUsed: none, outcome: statusDenied,
		},
	}
}

func TestAdjudicate(t *testing.T) {
	for _, tc := range adjCases() {
		t.Run(tc.name, func(t *testing.T) {
			in := baseInput()
			if tc.edit != nil {
				tc.edit(&in)
			}
			before := fmt.Sprintf("%+v", in)
			out := types.Adjudicate(in)
			require.Equal(t, before, fmt.Sprintf("%+v", in), "Adjudicate changed its input")

			require.Len(t, out.Results, len(in.Lines))
			got := make([]lineView, len(out.Results))
			planPays := math.ZeroInt()
			for i, r := range out.Results {
				got[i] = view(r)
				if r.Approved {
					// the identities every approved line keeps
					require.Equal(t, r.PatientResponsibility.String(), r.Deductible.Add(r.Copay).Add(r.Coinsurance).String(), "line %d", i)
					require.Equal(t, r.Allowed.String(), r.PlanPays.Add(r.PatientResponsibility).String(), "line %d", i)
					planPays = planPays.Add(r.PlanPays)
				}
			}
			require.Equal(t, tc.lines, got)
			require.Equal(t, tc.acc.DeductibleMet.String(), out.Accumulator.DeductibleMet.String(), "deductible met after")
			require.Equal(t, tc.acc.OutOfPocketMet.String(), out.Accumulator.OutOfPocketMet.String(), "out of pocket after")
			require.Equal(t, tc.paUsed, out.PriorAuthUsed)
			require.Equal(t, tc.pend, out.PendReasons)
			require.Equal(t, tc.outcome, out.Outcome, "outcome %s", out.Outcome)
			require.Equal(t, planPays.String(), out.PlanPays().String())
		})
	}
}

// TestAdjudicateDeterministic adjudicates every case twice, from inputs built
// afresh (maps filled anew), and wants deep-equal results.
func TestAdjudicateDeterministic(t *testing.T) {
	for _, tc := range adjCases() {
		run := func() types.Adjudication {
			in := baseInput()
			if tc.edit != nil {
				tc.edit(&in)
			}
			return types.Adjudicate(in)
		}
		first := run()
		for range 3 {
			require.Equal(t, first, run(), tc.name)
		}
	}
}

func TestSumPlanPaysCountsApprovedLinesOnly(t *testing.T) {
	results := []types.LineResult{
		{Approved: true, PlanPays: n(10)},
		{Approved: false, PlanPays: n(1000)}, // never set by Adjudicate, but not counted
		{Approved: true, PlanPays: n(5)},
	}
	require.Equal(t, "15", types.SumPlanPays(results).String())
	require.Equal(t, "0", types.SumPlanPays(nil).String())
}

func TestPlanYearAndServiceDay(t *testing.T) {
	// 2026-12-31 23:30 in New York is 2027-01-01 04:30 UTC: plan year 2027.
	ny := time.FixedZone("EST", -5*3600)
	late := time.Date(2026, time.December, 31, 23, 30, 0, 0, ny)
	require.Equal(t, int32(2027), types.PlanYear(late))
	require.Equal(t, time.Date(2027, time.January, 1, 0, 0, 0, 0, time.UTC), types.ServiceDay(late))
	require.Equal(t, int32(2026), types.PlanYear(serviceDate))
	require.Equal(t, time.Date(2026, time.March, 1, 0, 0, 0, 0, time.UTC), types.ServiceDay(serviceDate))
}

// TestAdjudicatePriorAuthUnitsDoNotWrap: with 1 of 2 units used, a line of
// 4,294,967,295 units made 1 + 4,294,967,295 wrap to 0 in uint32 and passed
// the check before the fix; so did two lines that together wrap.
func TestAdjudicatePriorAuthUnitsDoNotWrap(t *testing.T) {
	for name, lines := range map[string][]types.ClaimLine{
		"one line":            {cl(cpt, "70553", math32Max, 1000)},
		"two lines that wrap": {cl(cpt, "70553", 1, 1000), cl(cpt, "70553", math32Max, 1000)},
	} {
		t.Run(name, func(t *testing.T) {
			in := baseInput()
			pa := fixturePA()
			pa.Units, pa.UnitsUsed = 2, 1
			in.PriorAuths["70553"] = pa
			in.Lines = lines
			out := types.Adjudicate(in)
			last := out.Results[len(lines)-1]
			require.False(t, last.Approved)
			require.Equal(t, []string{types.CARCNoPriorAuth}, last.Reasons)
			require.LessOrEqual(t, uint64(pa.UnitsUsed)+uint64(out.PriorAuthUsed[pa.ID]), uint64(pa.Units))
		})
	}
}

const math32Max = 1<<32 - 1

// TestValidateAmountsBounded: plan amounts and line charges above MaxAmount,
// and line units above MaxUnitsPerLine, are refused.
func TestValidateAmountsBounded(t *testing.T) {
	over := types.MaxAmount.AddRaw(1)
	require.ErrorIs(t, types.ValidatePlanAmounts(over, over, n(0)), types.ErrInvalidPlan)
	require.ErrorIs(t, types.ValidatePlanAmounts(n(0), over, n(0)), types.ErrInvalidPlan)
	require.ErrorIs(t, types.ValidatePlanAmounts(n(0), n(0), over), types.ErrInvalidPlan)
	require.NoError(t, types.ValidatePlanAmounts(types.MaxAmount, types.MaxAmount, types.MaxAmount))
	s := svc(cpt, "99213", 1, 0, 0)
	s.AllowedPerUnit = over
	_, err := types.NormalizeServices([]types.CoveredService{s}, 10)
	require.ErrorIs(t, err, types.ErrInvalidPlan)
	s.AllowedPerUnit, s.Copay = n(1), over
	_, err = types.NormalizeServices([]types.CoveredService{s}, 10)
	require.ErrorIs(t, err, types.ErrInvalidPlan)
	require.ErrorIs(t, types.ValidateLine(types.ClaimLine{System: cpt, Code: "99213", Units: types.MaxUnitsPerLine + 1, Charge: n(1)}), types.ErrInvalidClaim)
	require.ErrorIs(t, types.ValidateLine(types.ClaimLine{System: cpt, Code: "99213", Units: 1, Charge: over}), types.ErrInvalidClaim)
	require.NoError(t, types.ValidateLine(types.ClaimLine{System: cpt, Code: "99213", Units: types.MaxUnitsPerLine, Charge: types.MaxAmount}))
}
