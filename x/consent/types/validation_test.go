package types_test

import (
	"crypto/sha256"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	addresscodec "github.com/cosmos/cosmos-sdk/codec/address"

	"github.com/healthchain/healthd/x/consent/types"
)

// Helpers here are prefixed "vt" to stay clear of other files of this package.

func vtAddr(t *testing.T, seed string) string {
	t.Helper()
	h := sha256.Sum256([]byte("consent-types-test/" + seed))
	s, err := addresscodec.NewBech32Codec("health").BytesToString(h[:20])
	require.NoError(t, err)
	return s
}

func TestDefaultParamsValid(t *testing.T) {
	p := types.DefaultParams()
	require.NoError(t, p.Validate())
	require.Equal(t, 2*365*24*time.Hour, p.MaxDuration)
	require.Equal(t, 4*time.Hour, p.BreakGlassWindow)
	require.Equal(t, 24*time.Hour, p.BreakGlassRateWindow)
	require.Equal(t, uint32(5), p.BreakGlassMaxPerWindow)
	require.Equal(t, uint32(500), p.MaxExpirationsPerBlock)
	require.Equal(t, uint32(64), p.MaxActivePerPair)
}

func TestParamsValidate(t *testing.T) {
	testCases := []struct {
		name     string
		malleate func(p *types.Params)
		valid    bool
	}{
		{"default", func(*types.Params) {}, true},
		{"break-glass window exactly 72h", func(p *types.Params) { p.BreakGlassWindow = 72 * time.Hour }, true},
		{"1 expiration per block", func(p *types.Params) { p.MaxExpirationsPerBlock = 1 }, true},
		{"10000 expirations per block", func(p *types.Params) { p.MaxExpirationsPerBlock = 10_000 }, true},
		{"1000 active per pair", func(p *types.Params) { p.MaxActivePerPair = 1000 }, true},
		{"1 ns max duration", func(p *types.Params) { p.MaxDuration = time.Nanosecond }, true},
		{"zero max duration", func(p *types.Params) { p.MaxDuration = 0 }, false},
		{"negative max duration", func(p *types.Params) { p.MaxDuration = -1 }, false},
		{"zero break-glass window", func(p *types.Params) { p.BreakGlassWindow = 0 }, false},
		{"negative break-glass window", func(p *types.Params) { p.BreakGlassWindow = -time.Hour }, false},
		{"break-glass window above 72h", func(p *types.Params) { p.BreakGlassWindow = 72*time.Hour + 1 }, false},
		{"zero rate window", func(p *types.Params) { p.BreakGlassRateWindow = 0 }, false},
		{"zero max per window", func(p *types.Params) { p.BreakGlassMaxPerWindow = 0 }, false},
		{"zero expirations per block", func(p *types.Params) { p.MaxExpirationsPerBlock = 0 }, false},
		{"10001 expirations per block", func(p *types.Params) { p.MaxExpirationsPerBlock = 10_001 }, false},
		{"zero active per pair", func(p *types.Params) { p.MaxActivePerPair = 0 }, false},
		{"1001 active per pair", func(p *types.Params) { p.MaxActivePerPair = 1001 }, false},
	}
	for _, tc := range testCases {
		t.Run(tc.name, func(t *testing.T) {
			p := types.DefaultParams()
			tc.malleate(&p)
			err := p.Validate()
			if tc.valid {
				require.NoError(t, err)
			} else {
				require.ErrorIs(t, err, types.ErrInvalidParams)
			}
		})
	}
}

func TestValidatePurpose(t *testing.T) {
	for _, code := range []string{"TREAT", "ETREAT", "HPAYMT", "HOPERAT", "HRESCH", "PUBHLTH", "PATRQT", "CAREMGT", "COVERAGE", "FAMRQT", "PWATRNY", "CLINTRL"} {
		require.NoError(t, types.ValidatePurpose(code), code)
	}
	for _, code := range []string{"", "FOO", "treat", "Treat", " TREAT", "TREAT ", "*", "ETREAT\x00"} {
		require.ErrorIs(t, types.ValidatePurpose(code), types.ErrUnknownPurpose, "%q", code)
	}
	codes := types.PurposeCodes()
	require.Len(t, codes, len(types.Purposes))
	require.True(t, slices.IsSorted(codes))
}

func TestCategorySystem(t *testing.T) {
	require.Equal(t, types.ResourceTypeSystem, types.CategorySystem("Observation"))
	require.Equal(t, types.ResourceTypeSystem, types.CategorySystem("MedicationRequest"))
	require.Equal(t, types.ObservationCategorySystem, types.CategorySystem("vital-signs"))
	require.Equal(t, types.ObservationCategorySystem, types.CategorySystem("laboratory"))
	for _, c := range []string{"", "*", "observation", "Vital-Signs", "Organization", "Practitioner", "Xray"} {
		require.Empty(t, types.CategorySystem(c), "%q", c)
	}
}

func TestNormalizeCategories(t *testing.T) {
	many := func(n int) []string {
		all := []string{
			"AllergyIntolerance", "AdverseEvent", "Appointment", "CarePlan", "CareTeam", "Claim", "ClaimResponse",
			"ClinicalImpression", "Communication", "Composition", "Condition", "Coverage", "DetectedIssue", "DeviceRequest",
			"DeviceUseStatement", "DiagnosticReport", "DocumentReference", "Encounter", "EpisodeOfCare",
			"ExplanationOfBenefit", "FamilyMemberHistory", "Flag", "Goal", "ImagingStudy", "Immunization",
			"ImmunizationRecommendation", "List", "Media", "Medication", "MedicationAdministration", "MedicationDispense",
			"MedicationRequest", "MedicationStatement",
		}
		return all[:n]
	}
	testCases := []struct {
		name string
		in   []string
		all  bool
		want []string
		err  bool
	}{
		{"all", nil, true, nil, false},
		{"all with empty list", []string{}, true, nil, false},
		{"one", []string{"Observation"}, false, []string{"Observation"}, false},
		{"sorted", []string{"Observation", "Condition", "laboratory"}, false, []string{"Condition", "Observation", "laboratory"}, false},
		{"32 categories", many(32), false, slices.Sorted(slices.Values(many(32))), false},
		{"empty is not all", nil, false, nil, true},
		{"empty slice is not all", []string{}, false, nil, true},
		{"list with all", []string{"Observation"}, true, nil, true},
		{"unknown", []string{"Observation", "Foo"}, false, nil, true},
		{"star", []string{"*"}, false, nil, true},
		{"empty string", []string{""}, false, nil, true},
		{"duplicate", []string{"Condition", "Observation", "Condition"}, false, nil, true},
		{"33 categories", many(33), false, nil, true},
	}
	for _, tc := range testCases {
		t.Run(tc.name, func(t *testing.T) {
			in := slices.Clone(tc.in)
			got, err := types.NormalizeCategories(tc.in, tc.all)
			require.Equal(t, in, tc.in, "the input must not be modified")
			if tc.err {
				require.ErrorIs(t, err, types.ErrInvalidCategory)
				require.Nil(t, got)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tc.want, got)
		})
	}
}

func TestIndexCategories(t *testing.T) {
	require.Equal(t, []string{types.AllCategories}, types.Consent{AllCategories: true}.IndexCategories())
	require.Equal(t, []string{"Condition", "Observation"}, types.Consent{Categories: []string{"Condition", "Observation"}}.IndexCategories())
}

func TestGenesisValidate(t *testing.T) {
	ac := addresscodec.NewBech32Codec("health")
	require.NoError(t, types.DefaultGenesisState().Validate(ac))

	t0 := time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)
	patient, grantee, guardian, member := vtAddr(t, "patient"), vtAddr(t, "grantee"), vtAddr(t, "guardian"), vtAddr(t, "member")
	consent := func(id uint64) types.Consent {
		return types.Consent{
			ID: id, Patient: patient, Grantee: grantee, Purpose: "TREAT", Categories: []string{"Observation"},
			Start: t0, End: t0.Add(time.Hour), Status: types.ConsentStatus_CONSENT_STATUS_ACTIVE, GrantedBy: patient, GrantedAt: t0, Version: 1,
		}
	}
	sealed := sealJustification(t)
	valid := func() *types.GenesisState {
		gs := types.DefaultGenesisState()
		gs.Consents = []types.Consent{consent(1), consent(2), consent(5)}
		gs.Consents[1].Status = types.ConsentStatus_CONSENT_STATUS_REVOKED
		gs.Consents[2].Status = types.ConsentStatus_CONSENT_STATUS_EXPIRED
		gs.Guardians = []types.Guardianship{{Patient: patient, Guardian: guardian, Start: t0, End: t0.Add(time.Hour)}}
		gs.BreakGlasses = []types.BreakGlass{{ID: 1, Patient: patient, Member: member, JustificationCommitment: sealed.Commitment, JustificationCiphertext: sealed.Ciphertext, OpenedAt: t0, ExpiresAt: t0.Add(time.Hour)}}
		gs.Audit = []types.AuditEntry{{Seq: 1, Patient: patient, Action: types.AuditAction_AUDIT_ACTION_GRANTED, Actor: patient, ConsentID: 1, Time: t0}}
		gs.RateWindows = []types.MemberRateWindow{{Member: member, Window: types.RateWindow{Start: t0, Count: 1}}}
		gs.NextConsentID, gs.NextBreakGlassID, gs.NextAuditSeq = 6, 2, 2
		return gs
	}
	require.NoError(t, valid().Validate(ac))

	testCases := []struct {
		name     string
		malleate func(gs *types.GenesisState)
	}{
		{"invalid params", func(gs *types.GenesisState) { gs.Params.MaxActivePerPair = 0 }},
		{"next consent id 0", func(gs *types.GenesisState) { gs.NextConsentID = 0 }},
		{"next break-glass id 0", func(gs *types.GenesisState) { gs.NextBreakGlassID = 0 }},
		{"next audit seq 0", func(gs *types.GenesisState) { gs.NextAuditSeq = 0 }},
		{"duplicate consent ids", func(gs *types.GenesisState) { gs.Consents[1].ID = 1 }},
		{"unordered consent ids", func(gs *types.GenesisState) { gs.Consents[0], gs.Consents[2] = gs.Consents[2], gs.Consents[0] }},
		{"consent id 0", func(gs *types.GenesisState) { gs.Consents[0].ID = 0 }},
		{"consent id == next id", func(gs *types.GenesisState) { gs.NextConsentID = 5 }},
		{"consent patient invalid", func(gs *types.GenesisState) { gs.Consents[0].Patient = "cosmos1xyz" }},
		{"consent grantee empty", func(gs *types.GenesisState) { gs.Consents[0].Grantee = "" }},
		{"consent purpose unknown", func(gs *types.GenesisState) { gs.Consents[0].Purpose = "FOO" }},
		{"consent with no category", func(gs *types.GenesisState) { gs.Consents[0].Categories = nil }},
		{"consent with categories and all", func(gs *types.GenesisState) { gs.Consents[0].AllCategories = true }},
		{"consent end == start", func(gs *types.GenesisState) { gs.Consents[0].End = gs.Consents[0].Start }},
		{"consent status unspecified", func(gs *types.GenesisState) { gs.Consents[0].Status = types.ConsentStatus_CONSENT_STATUS_UNSPECIFIED }},
		{"consent status out of range", func(gs *types.GenesisState) { gs.Consents[0].Status = 9 }},
		{"guardian invalid", func(gs *types.GenesisState) { gs.Guardians[0].Guardian = "x" }},
		{"guardian patient invalid", func(gs *types.GenesisState) { gs.Guardians[0].Patient = "" }},
		{"break-glass id 0", func(gs *types.GenesisState) { gs.BreakGlasses[0].ID = 0 }},
		{"break-glass id == next", func(gs *types.GenesisState) { gs.NextBreakGlassID = 1 }},
		{"break-glass member invalid", func(gs *types.GenesisState) { gs.BreakGlasses[0].Member = "x" }},
		{"break-glass commitment without ciphertext", func(gs *types.GenesisState) { gs.BreakGlasses[0].JustificationCiphertext = nil }},
		{"break-glass ciphertext without commitment", func(gs *types.GenesisState) { gs.BreakGlasses[0].JustificationCommitment = nil }},
		{"break-glass ciphertext not age", func(gs *types.GenesisState) { gs.BreakGlasses[0].JustificationCiphertext = make([]byte, 400) }},
		{"audit seq == next", func(gs *types.GenesisState) { gs.NextAuditSeq = 1 }},
		{"audit patient invalid", func(gs *types.GenesisState) { gs.Audit[0].Patient = "x" }},
		{"rate window member invalid", func(gs *types.GenesisState) { gs.RateWindows[0].Member = "" }},
	}
	for _, tc := range testCases {
		t.Run(tc.name, func(t *testing.T) {
			gs := valid()
			tc.malleate(gs)
			require.ErrorIs(t, gs.Validate(ac), types.ErrInvalidGenesis)
		})
	}

	// An access opened before v0.2.0 (its clear justification dropped by the
	// 1→2 migration, nothing sealed): both fields empty, accepted, so that an
	// upgraded chain's export imports.
	legacy := valid()
	legacy.BreakGlasses[0].JustificationCommitment, legacy.BreakGlasses[0].JustificationCiphertext = nil, nil
	require.NoError(t, legacy.Validate(ac))
}

// Two active consents covering the same (patient, grantee, purpose, category)
// cannot both be indexed: InitGenesis would keep one in Active and both in
// ActiveByPair and the expiry queue. Validate must refuse them.
func TestGenesisValidateRefusesOverlappingActiveConsents(t *testing.T) {
	ac := addresscodec.NewBech32Codec("health")
	t0 := time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)
	patient, grantee := vtAddr(t, "patient"), vtAddr(t, "grantee")
	c := types.Consent{
		ID: 1, Patient: patient, Grantee: grantee, Purpose: "TREAT", Categories: []string{"Observation"},
		Start: t0, End: t0.Add(time.Hour), Status: types.ConsentStatus_CONSENT_STATUS_ACTIVE, GrantedBy: patient, GrantedAt: t0, Version: 1,
	}
	c2 := c
	c2.ID, c2.Categories = 2, []string{"Condition", "Observation"}
	gs := types.DefaultGenesisState()
	gs.Consents = []types.Consent{c, c2}
	gs.NextConsentID = 3
	require.ErrorIs(t, gs.Validate(ac), types.ErrInvalidGenesis)
}
