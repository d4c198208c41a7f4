package types

import (
	"fmt"
	"slices"

	"cosmossdk.io/core/address"
	errorsmod "cosmossdk.io/errors"

	"github.com/healthchain/healthd/internal/text"
	consenttypes "github.com/healthchain/healthd/x/consent/types"
)

// DefaultGenesisState has default params and no trials. IDs start at 1: zero
// means "none" wherever an ID is optional.
func DefaultGenesisState() *GenesisState {
	return &GenesisState{Params: DefaultParams(), NextTrialID: 1, NextDataID: 1, NextSAEID: 1}
}

func genesisErr(format string, args ...any) error {
	return errorsmod.Wrapf(ErrInvalidGenesis, format, args...)
}

// Validate checks params and each record: ids unique, ordered and below the
// next ids, addresses canonical, references to trials that exist, version
// numbers consistent with their trial, counts that add up.
func (gs GenesisState) Validate(ac address.Codec) error {
	if err := gs.Params.Validate(); err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidGenesis, err)
	}
	if gs.NextTrialID == 0 || gs.NextDataID == 0 || gs.NextSAEID == 0 {
		return genesisErr("next ids start at 1")
	}
	canonical := func(what, s string) error {
		bz, err := ac.StringToBytes(s)
		if err != nil {
			return genesisErr("%s %q: %s", what, s, err)
		}
		if back, _ := ac.BytesToString(bz); back != s {
			return genesisErr("%s %q is not canonical", what, s)
		}
		return nil
	}
	trials := map[uint64]Trial{}
	registry := map[string]bool{}
	var prev uint64
	for i, t := range gs.Trials {
		if t.ID == 0 || (i > 0 && t.ID <= prev) || t.ID >= gs.NextTrialID {
			return genesisErr("trial id %d out of order or not below next id %d", t.ID, gs.NextTrialID)
		}
		prev = t.ID
		if rid, err := ParseRegistryID(t.RegistryID); err != nil || rid != t.RegistryID {
			return genesisErr("trial %d: registry id %q", t.ID, t.RegistryID)
		}
		// Several trials may be registered under one id; one at most holds it.
		if err := validateClaim(t); err != nil {
			return err
		}
		if t.RegistryClaim == RegistryClaim_REGISTRY_CLAIM_HELD {
			if registry[t.RegistryID] {
				return genesisErr("trial %d: registry id %s held twice", t.ID, t.RegistryID)
			}
			registry[t.RegistryID] = true
		}
		for _, a := range append([]string{t.Sponsor, t.EthicsCommittee}, t.Sites...) {
			if err := canonical("trial member", a); err != nil {
				return err
			}
		}
		if sites, err := NormalizeSites(t.Sites); err != nil || !slices.Equal(sites, t.Sites) {
			return genesisErr("trial %d: sites must be 1 to %d accounts, sorted, each once", t.ID, MaxSites)
		}
		if err := ValidateOutcomes(t.Outcomes); err != nil {
			return fmt.Errorf("%w: trial %d: %w", ErrInvalidGenesis, t.ID, err)
		}
		for j, o := range t.Outcomes {
			if o.Number != uint32(j+1) {
				return genesisErr("trial %d: outcome %d numbered %d", t.ID, j+1, o.Number)
			}
		}
		if consenttypes.CategorySystem(t.ConsentCategory) == "" {
			return genesisErr("trial %d: consent category %q", t.ID, t.ConsentCategory)
		}
		if _, ok := TrialStatus_name[int32(t.Status)]; !ok || t.Status == TrialStatus_TRIAL_STATUS_UNSPECIFIED {
			return genesisErr("trial %d: status %d", t.ID, t.Status)
		}
		if t.LatestVersion == 0 || t.LatestVersion > MaxVersions || t.CurrentVersion > t.LatestVersion || t.ReconsentVersion > t.CurrentVersion {
			return genesisErr("trial %d: versions latest %d, current %d, re-consent %d", t.ID, t.LatestVersion, t.CurrentVersion, t.ReconsentVersion)
		}
		if (t.CurrentVersion == 0) != (t.Status == TrialStatus_TRIAL_STATUS_REGISTERED) {
			return genesisErr("trial %d: status %s with version %d in force", t.ID, t.Status, t.CurrentVersion)
		}
		trials[t.ID] = t
	}
	versions := map[uint64]uint32{}
	for _, v := range gs.Versions {
		t, ok := trials[v.TrialID]
		if !ok {
			return genesisErr("version %d of unknown trial %d", v.Number, v.TrialID)
		}
		if v.Number != versions[v.TrialID]+1 {
			return genesisErr("trial %d: version %d out of order", v.TrialID, v.Number)
		}
		versions[v.TrialID] = v.Number
		if err := ValidateContent(v.Commitment, v.CID); err != nil {
			return fmt.Errorf("%w: trial %d version %d: %w", ErrInvalidGenesis, v.TrialID, v.Number, err)
		}
		if _, ok := VersionStatus_name[int32(v.Status)]; !ok || v.Status == VersionStatus_VERSION_STATUS_UNSPECIFIED {
			return genesisErr("trial %d version %d: status %d", v.TrialID, v.Number, v.Status)
		}
		if v.Number == t.CurrentVersion && v.Status != VersionStatus_VERSION_STATUS_APPROVED {
			return genesisErr("trial %d: version %d in force but %s", t.ID, v.Number, v.Status)
		}
	}
	for id, t := range trials {
		if versions[id] != t.LatestVersion {
			return genesisErr("trial %d: %d versions, latest %d", id, versions[id], t.LatestVersion)
		}
	}
	enrolled := map[uint64]uint64{}
	subjects := map[string]bool{}
	for _, e := range gs.Enrolments {
		t, ok := trials[e.TrialID]
		if !ok {
			return genesisErr("enrolment in unknown trial %d", e.TrialID)
		}
		if err := canonical("subject", e.Subject); err != nil {
			return err
		}
		if _, found := slices.BinarySearch(t.Sites, e.Site); !found {
			return genesisErr("trial %d: enrolment at %s, not a site", t.ID, e.Site)
		}
		key := fmt.Sprintf("%d/%s", e.TrialID, e.Subject)
		if subjects[key] {
			return genesisErr("trial %d: subject %s enrolled twice", t.ID, e.Subject)
		}
		subjects[key] = true
		if _, ok := EnrolmentStatus_name[int32(e.Status)]; !ok || e.Status == EnrolmentStatus_ENROLMENT_STATUS_UNSPECIFIED {
			return genesisErr("trial %d: enrolment status %d", t.ID, e.Status)
		}
		if e.ConsentedVersion == 0 || e.ConsentedVersion > t.CurrentVersion || e.EnrolledVersion > t.CurrentVersion || e.ConsentID == 0 ||
			!slices.Contains(ConsentPurposes, e.Purpose) {
			return genesisErr("trial %d: enrolment of %s: version, consent or purpose", t.ID, e.Subject)
		}
		if e.EnrolledVersion != 0 {
			enrolled[e.TrialID]++
		}
	}
	for id, t := range trials {
		if enrolled[id] != t.Enrolled {
			return genesisErr("trial %d: %d subjects enrolled, the trial says %d", id, enrolled[id], t.Enrolled)
		}
	}
	visits := map[string]uint32{}
	prev = 0
	for i, d := range gs.Data {
		if d.ID == 0 || (i > 0 && d.ID <= prev) || d.ID >= gs.NextDataID {
			return genesisErr("data id %d out of order or not below next id %d", d.ID, gs.NextDataID)
		}
		prev = d.ID
		if !subjects[fmt.Sprintf("%d/%s", d.TrialID, d.Subject)] {
			return genesisErr("data %d: subject not in trial %d", d.ID, d.TrialID)
		}
		if err := ValidateVisit(d.Visit); err != nil {
			return fmt.Errorf("%w: data %d: %w", ErrInvalidGenesis, d.ID, err)
		}
		if err := ValidateContent(d.Commitment, d.CID); err != nil {
			return fmt.Errorf("%w: data %d: %w", ErrInvalidGenesis, d.ID, err)
		}
		key := fmt.Sprintf("%d/%s/%s", d.TrialID, d.Subject, d.Visit)
		if d.Version != visits[key]+1 {
			return genesisErr("data %d: version %d out of order", d.ID, d.Version)
		}
		visits[key] = d.Version
	}
	prev = 0
	for i, c := range gs.SAEClocks {
		if c.ID == 0 || (i > 0 && c.ID <= prev) || c.ID >= gs.NextSAEID {
			return genesisErr("SAE id %d out of order or not below next id %d", c.ID, gs.NextSAEID)
		}
		prev = c.ID
		if _, ok := trials[c.TrialID]; !ok {
			return genesisErr("SAE %d of unknown trial %d", c.ID, c.TrialID)
		}
		if c.ReportedAt == nil && c.Late {
			return genesisErr("SAE %d: late but not reported", c.ID)
		}
	}
	reported := map[uint64]bool{}
	for _, r := range gs.Results {
		t, ok := trials[r.TrialID]
		if !ok || t.Status != TrialStatus_TRIAL_STATUS_RESULTS_REPORTED || reported[r.TrialID] {
			return genesisErr("results of trial %d: unknown, not reported or twice", r.TrialID)
		}
		reported[r.TrialID] = true
	}
	seqs := map[uint64]uint32{}
	for _, s := range gs.Switches {
		if !reported[s.TrialID] || s.Seq != seqs[s.TrialID]+1 {
			return genesisErr("outcome switch %d of trial %d: no results or out of order", s.Seq, s.TrialID)
		}
		seqs[s.TrialID] = s.Seq
	}
	for id, t := range trials {
		if (t.Status == TrialStatus_TRIAL_STATUS_RESULTS_REPORTED) != reported[id] {
			return genesisErr("trial %d: status %s and results disagree", id, t.Status)
		}
	}
	return nil
}

// validateClaim checks that a trial holds its registry id, or held it, only
// once a version was approved, and that a release says when and why.
func validateClaim(t Trial) error {
	released := t.RegistryClaim == RegistryClaim_REGISTRY_CLAIM_RELEASED
	switch {
	case RegistryClaim_name[int32(t.RegistryClaim)] == "":
		return genesisErr("trial %d: registry claim %d", t.ID, t.RegistryClaim)
	case (t.CurrentVersion == 0) != (t.RegistryClaim == RegistryClaim_REGISTRY_CLAIM_UNSPECIFIED):
		return genesisErr("trial %d: registry claim %s with version %d in force", t.ID, t.RegistryClaim, t.CurrentVersion)
	case released != (t.RegistryReleasedAt != nil):
		return genesisErr("trial %d: registry claim %s and release time disagree", t.ID, t.RegistryClaim)
	case released && text.Check(t.RegistryReleaseReason, MaxReleaseReasonLength) != nil,
		!released && t.RegistryReleaseReason != "":
		return genesisErr("trial %d: registry release reason", t.ID)
	}
	return nil
}
