package types

import (
	"fmt"

	errorsmod "cosmossdk.io/errors"

	"github.com/healthchain/healthd/internal/addrs"
)

// DefaultGenesisState has default params and no donations.
func DefaultGenesisState() *GenesisState {
	return &GenesisState{Params: DefaultParams()}
}

func genesisErr(format string, args ...any) error {
	return errorsmod.Wrapf(ErrInvalidGenesis, format, args...)
}

// Validate checks every entry and that the lists agree with the organs'
// counters: ranks, hand-off indexes and reading indexes are those the
// keeper would have given, so the indexes and counters rebuilt from it are
// the ones exported.
func (gs GenesisState) Validate() error {
	if err := gs.Params.Validate(); err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidGenesis, err)
	}
	staff := map[string]bool{}
	for _, s := range gs.Staff {
		if err := addrs.CheckAll(ErrInvalidAddress, "staff account", s.Account, "staff member", s.Member); err != nil || s.Account == s.Member || staff[s.Account] {
			return genesisErr("staff %q invalid or listed twice", s.Account)
		}
		staff[s.Account] = true
	}
	loggers := map[string]bool{}
	for _, l := range gs.Loggers {
		_, keyErr := LoggerPubKey(l.PubKey)
		if CheckLoggerID(l.ID) != nil || keyErr != nil || addrs.Check(ErrInvalidAddress, "owner", l.Owner) != nil || loggers[l.ID] {
			return genesisErr("logger %q invalid or listed twice", l.ID)
		}
		loggers[l.ID] = true
	}
	cases := map[string]Case{}
	for _, c := range gs.Cases {
		if din, err := ParseDIN(c.DIN); err != nil || din != c.DIN {
			return genesisErr("case %q: not a DIN in its eye-readable form", c.DIN)
		}
		if _, dup := cases[c.DIN]; dup {
			return genesisErr("case %s listed twice", c.DIN)
		}
		basis := CheckCommitment("authorisation commitment", c.AuthorisationCommitment) == nil && len(c.DonorCommitment) == 0
		if c.ConsentID != 0 {
			basis = CheckCommitment("donor commitment", c.DonorCommitment) == nil && len(c.AuthorisationCommitment) == 0
		}
		if addrs.Check(ErrInvalidAddress, "opo", c.OPO) != nil || !basis {
			return genesisErr("case %s: OPO, donor commitment, consent or authorisation invalid", c.DIN)
		}
		if c.ABORecordedBy != "" && CheckABO(c.ABO) != nil || c.ABORecordedBy == "" && (c.ABO != ABO_ABO_UNSPECIFIED || c.ABOConfirmedBy != "") ||
			c.ABOConfirmedBy != "" && c.ABOConfirmedBy == c.ABORecordedBy {
			return genesisErr("case %s: blood group entries inconsistent", c.DIN)
		}
		cases[c.DIN] = c
	}
	organs := map[string]Organ{}
	for _, o := range gs.Organs {
		key := o.DIN + "/" + o.OrganType
		if _, ok := cases[o.DIN]; !ok || CheckOrganTypeCode(o.OrganType) != nil {
			return genesisErr("organ %s: unknown case or invalid type", key)
		}
		if _, dup := organs[key]; dup {
			return genesisErr("organ %s listed twice", key)
		}
		if _, ok := OrganStatus_name[int32(o.Status)]; !ok || o.Status == OrganStatus_ORGAN_STATUS_UNSPECIFIED ||
			(o.Status == OrganStatus_ORGAN_STATUS_RECOVERED) != (o.Outcome == nil) {
			return genesisErr("organ %s: status %d and outcome disagree", key, o.Status)
		}
		if o.Logger != "" && !loggers[o.Logger] {
			return genesisErr("organ %s: logger %q not registered", key, o.Logger)
		}
		if addrs.Check(ErrInvalidAddress, "holder", o.Holder) != nil || ValidateTime("cross-clamp", o.CrossClamp) != nil ||
			o.MaxColdIschaemia <= 0 || o.MaxColdIschaemia > MaxIschaemiaLimit {
			return genesisErr("organ %s: holder, cross-clamp or limit invalid", key)
		}
		if o.Candidates > MaxCandidatesLimit || o.Candidates > 0 && (o.NextRank == 0 || o.NextRank > o.Candidates+1) ||
			o.Candidates == 0 && o.NextRank != 0 || o.OfferedRank > o.Candidates || o.AcceptedRank > o.Candidates ||
			o.OfferedRank != 0 && o.OfferedRank != o.NextRank || o.AcceptedRank != 0 && o.Centre == "" ||
			o.Handoffs > MaxHandOffsLimit || o.Excursions > o.Readings {
			return genesisErr("organ %s: counters inconsistent", key)
		}
		organs[key] = o
	}
	// Each organ has at most one list of each kind.
	seenCandidates, seenHandOffs, seenReadings := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, oc := range gs.Candidates {
		key := oc.DIN + "/" + oc.OrganType
		o, ok := organs[key]
		if !ok || seenCandidates[key] || len(oc.Candidates) != int(o.Candidates) {
			return genesisErr("candidates of %s: unknown organ, listed twice or not %d candidates", key, o.Candidates)
		}
		seenCandidates[key] = true
		for i, c := range oc.Candidates {
			if c.Rank != uint32(i+1) || CheckCommitment("commitment", c.Commitment) != nil || CheckABO(c.ABO) != nil ||
				addrs.Check(ErrInvalidAddress, "centre", c.Centre) != nil {
				return genesisErr("candidate %d of %s invalid or out of order", i+1, key)
			}
		}
	}
	for _, oh := range gs.HandOffs {
		key := oh.DIN + "/" + oh.OrganType
		o, ok := organs[key]
		if !ok || seenHandOffs[key] || len(oh.HandOffs) != int(o.Handoffs) {
			return genesisErr("hand-offs of %s: unknown organ, listed twice or not %d hand-offs", key, o.Handoffs)
		}
		for i, h := range oh.HandOffs {
			if h.Index != uint32(i+1) || addrs.CheckAll(ErrInvalidAddress, "from", h.From, "to", h.To) != nil {
				return genesisErr("hand-off %d of %s invalid or out of order", i+1, key)
			}
		}
		seenHandOffs[key] = true
	}
	// An organ's attachments: by hand-off index, each but the last closed
	// when the next opens, the last open and the organ's logger; an organ
	// that never had a logger has none.
	attached := map[string]map[string]bool{}
	for _, oa := range gs.Attachments {
		key := oa.DIN + "/" + oa.OrganType
		o, ok := organs[key]
		if !ok || attached[key] != nil || len(oa.Attachments) == 0 {
			return genesisErr("attachments of %s: unknown organ, listed twice or empty", key)
		}
		attached[key] = map[string]bool{}
		for i, a := range oa.Attachments {
			last := i == len(oa.Attachments)-1
			if !loggers[a.Logger] || a.HandOff > o.Handoffs || ValidateTime("attached from", a.From) != nil ||
				i > 0 && (a.HandOff <= oa.Attachments[i-1].HandOff || oa.Attachments[i-1].Until == nil || !a.From.Equal(*oa.Attachments[i-1].Until)) ||
				last != (a.Until == nil) || a.Until != nil && a.Until.Before(a.From) || last && a.Logger != o.Logger {
				return genesisErr("attachment %d of %s invalid, out of order or not the organ's logger", i+1, key)
			}
			attached[key][a.Logger] = true
		}
	}
	for _, o := range gs.Organs {
		if key := o.DIN + "/" + o.OrganType; o.Logger != "" && attached[key] == nil {
			return genesisErr("organ %s: logger %q has no attachment", key, o.Logger)
		}
	}
	for _, or := range gs.Readings {
		key := or.DIN + "/" + or.OrganType
		o, ok := organs[key]
		if !ok || seenReadings[key] || uint64(len(or.Readings)) != o.Readings {
			return genesisErr("readings of %s: unknown organ, listed twice or not %d readings", key, o.Readings)
		}
		seenReadings[key] = true
		var excursions uint64
		for i, r := range or.Readings {
			if r.Index != uint64(i+1) || !loggers[r.Logger] || !attached[key][r.Logger] {
				return genesisErr("reading %d of %s invalid or out of order", i+1, key)
			}
			if r.Excursion {
				excursions++
			}
		}
		if excursions != o.Excursions {
			return genesisErr("readings of %s: %d excursions, the organ counts %d", key, excursions, o.Excursions)
		}
	}
	return nil
}
