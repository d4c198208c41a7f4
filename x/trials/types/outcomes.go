package types

import (
	errorsmod "cosmossdk.io/errors"

	"github.com/healthchain/healthd/internal/text"
)

// ValidateOutcome checks an outcome as registered or reported new: a kind, and
// either a code (LOINC with its check digit, or a SNOMED CT concept id with
// its Verhoeff check digit) or a short measure and time frame. Text is
// limited to the chain's character set; it describes the trial, never a subject.
func ValidateOutcome(o Outcome) error {
	if o.Kind != OutcomeKind_OUTCOME_KIND_PRIMARY && o.Kind != OutcomeKind_OUTCOME_KIND_SECONDARY {
		return errorsmod.Wrapf(ErrInvalidOutcome, "kind %d: primary or secondary", int32(o.Kind))
	}
	coded := o.CodeSystem != CodeSystem_CODE_SYSTEM_UNSPECIFIED || o.Code != ""
	if coded {
		if err := ValidateCode(o.CodeSystem, o.Code); err != nil {
			return err
		}
	}
	if o.Measure != "" || !coded {
		if err := text.Check(o.Measure, MaxMeasureLength); err != nil {
			return errorsmod.Wrapf(ErrInvalidOutcome, "measure %s", err)
		}
	}
	if o.TimeFrame != "" || !coded {
		if err := text.Check(o.TimeFrame, MaxTimeFrame); err != nil {
			return errorsmod.Wrapf(ErrInvalidOutcome, "time frame %s", err)
		}
	}
	return nil
}

// ValidateCode checks a coded outcome.
func ValidateCode(system CodeSystem, code string) error {
	if len(code) == 0 || len(code) > MaxCodeLength {
		return errorsmod.Wrapf(ErrInvalidOutcome, "code of %d characters, 1 to %d", len(code), MaxCodeLength)
	}
	switch system {
	case CodeSystem_CODE_SYSTEM_LOINC:
		return validateLOINC(code)
	case CodeSystem_CODE_SYSTEM_SNOMED_CT:
		return validateSNOMED(code)
	}
	return errorsmod.Wrapf(ErrInvalidOutcome, "code system %d: LOINC or SNOMED CT", int32(system))
}

// validateLOINC accepts NNNNN-C: one to seven digits, a hyphen and the mod-10
// check digit LOINC computes over them (the Luhn rule).
func validateLOINC(code string) error {
	n := len(code)
	if n < 3 || code[n-2] != '-' || !digits(code[:n-2]) || !digits(code[n-1:]) || n-2 > 7 {
		return errorsmod.Wrapf(ErrInvalidOutcome, "LOINC code %q: digits, a hyphen and a check digit", code)
	}
	sum, double := 0, true
	for i := n - 3; i >= 0; i-- {
		d := int(code[i] - '0')
		if double {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	if want := byte('0' + (10-sum%10)%10); code[n-1] != want {
		return errorsmod.Wrapf(ErrInvalidOutcome, "LOINC code %q: check digit should be %c", code, want)
	}
	return nil
}

var (
	verhoeffD = [10][10]int{
		{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, {1, 2, 3, 4, 0, 6, 7, 8, 9, 5}, {2, 3, 4, 0, 1, 7, 8, 9, 5, 6},
		{3, 4, 0, 1, 2, 8, 9, 5, 6, 7}, {4, 0, 1, 2, 3, 9, 5, 6, 7, 8}, {5, 9, 8, 7, 6, 0, 4, 3, 2, 1},
		{6, 5, 9, 8, 7, 1, 0, 4, 3, 2}, {7, 6, 5, 9, 8, 2, 1, 0, 4, 3}, {8, 7, 6, 5, 9, 3, 2, 1, 0, 4},
		{9, 8, 7, 6, 5, 4, 3, 2, 1, 0},
	}
	// verhoeffP[i] is the permutation (1 5 7 6 2 8 3 0 9 4) applied i times.
	verhoeffP = func() (p [8][10]int) {
		step := [10]int{1, 5, 7, 6, 2, 8, 3, 0, 9, 4}
		for x := range 10 {
			p[0][x] = x
		}
		for i := 1; i < 8; i++ {
			for x := range 10 {
				p[i][x] = step[p[i-1][x]]
			}
		}
		return p
	}()
)

// validateSNOMED accepts a SNOMED CT concept id: 6 to 18 digits, no leading
// zero, partition identifier 00 (or 10, long form) and a Verhoeff check digit.
func validateSNOMED(code string) error {
	n := len(code)
	if n < 6 || n > 18 || !digits(code) || code[0] == '0' {
		return errorsmod.Wrapf(ErrInvalidOutcome, "SNOMED CT id %q: 6 to 18 digits", code)
	}
	if p := code[n-3 : n-1]; p != "00" && p != "10" {
		return errorsmod.Wrapf(ErrInvalidOutcome, "SNOMED CT id %q: partition %s is not a concept's", code, p)
	}
	c := 0
	for i := 0; i < n; i++ {
		c = verhoeffD[c][verhoeffP[i%8][code[n-1-i]-'0']]
	}
	if c != 0 {
		return errorsmod.Wrapf(ErrInvalidOutcome, "SNOMED CT id %q: Verhoeff check digit fails", code)
	}
	return nil
}

func digits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// ValidateOutcomes checks a registration's outcomes: 1 to MaxOutcomes, each
// valid, numbered 1..n in order (or all 0, to be numbered), at least one
// primary.
func ValidateOutcomes(outcomes []Outcome) error {
	if len(outcomes) == 0 || len(outcomes) > MaxOutcomes {
		return errorsmod.Wrapf(ErrInvalidOutcome, "%d outcomes, 1 to %d", len(outcomes), MaxOutcomes)
	}
	primary := false
	for i, o := range outcomes {
		if o.Number != 0 && o.Number != uint32(i+1) {
			return errorsmod.Wrapf(ErrInvalidOutcome, "outcome %d numbered %d", i+1, o.Number)
		}
		if err := ValidateOutcome(o); err != nil {
			return errorsmod.Wrapf(err, "outcome %d", i+1)
		}
		primary = primary || o.Kind == OutcomeKind_OUTCOME_KIND_PRIMARY
	}
	if !primary {
		return errorsmod.Wrap(ErrInvalidOutcome, "no primary outcome")
	}
	return nil
}

// ValidateSwitchReason checks a switch reason code.
func ValidateSwitchReason(r SwitchReason) error {
	if _, ok := SwitchReason_name[int32(r)]; !ok || r == SwitchReason_SWITCH_REASON_UNSPECIFIED {
		return errorsmod.Wrapf(ErrInvalidReason, "switch reason %d", int32(r))
	}
	return nil
}

// checkReported runs the stateless checks of reported results: bounds,
// content anchors, well-formed new outcomes, no outcome named twice.
func checkReported(reported []ReportedOutcome, omissions []Omission) error {
	if len(reported) == 0 || len(reported)+len(omissions) > 2*MaxOutcomes {
		return errorsmod.Wrapf(ErrInvalidResults, "%d outcomes and %d omissions: 1 to %d outcomes in all", len(reported), len(omissions), 2*MaxOutcomes)
	}
	seen := map[uint32]bool{}
	for i, r := range reported {
		if err := ValidateContent(r.Commitment, r.CID); err != nil {
			return errorsmod.Wrapf(err, "reported outcome %d", i+1)
		}
		if _, ok := SwitchReason_name[int32(r.Reason)]; !ok {
			return errorsmod.Wrapf(ErrInvalidReason, "reported outcome %d: switch reason %d", i+1, int32(r.Reason))
		}
		o := r.Outcome
		if o.Number == 0 {
			if err := ValidateOutcome(o); err != nil {
				return errorsmod.Wrapf(err, "reported outcome %d", i+1)
			}
			continue
		}
		if o.Kind != OutcomeKind_OUTCOME_KIND_PRIMARY && o.Kind != OutcomeKind_OUTCOME_KIND_SECONDARY {
			return errorsmod.Wrapf(ErrInvalidOutcome, "reported outcome %d: kind %d", i+1, int32(o.Kind))
		}
		if o.Measure != "" || o.TimeFrame != "" || o.Code != "" || o.CodeSystem != CodeSystem_CODE_SYSTEM_UNSPECIFIED {
			return errorsmod.Wrapf(ErrInvalidResults, "reported outcome %d: a pre-specified outcome is named by its number only", i+1)
		}
		if seen[o.Number] {
			return errorsmod.Wrapf(ErrInvalidResults, "outcome %d reported twice", o.Number)
		}
		seen[o.Number] = true
	}
	for _, om := range omissions {
		if om.Number == 0 {
			return errorsmod.Wrap(ErrInvalidResults, "omission of outcome 0: name a pre-specified outcome")
		}
		if seen[om.Number] {
			return errorsmod.Wrapf(ErrInvalidResults, "outcome %d both reported and omitted, or omitted twice", om.Number)
		}
		seen[om.Number] = true
		if err := ValidateSwitchReason(om.Reason); err != nil {
			return errorsmod.Wrapf(err, "omission of outcome %d", om.Number)
		}
	}
	return nil
}

// DetectSwitches compares reported outcomes with the pre-specified ones and
// returns the outcome switches, numbered from 1: a primary reported that was
// not pre-specified as primary, a secondary reported that was not
// pre-specified, a pre-specified primary reported as secondary or omitted, a
// pre-specified secondary omitted. Every switch needs the sponsor's reason
// (ErrUnexplainedSwitch); a reason on an outcome reported as pre-specified is
// refused, and a pre-specified outcome neither reported nor omitted is an
// unexplained switch.
func DetectSwitches(trialID uint64, prespecified []Outcome, reported []ReportedOutcome, omissions []Omission) ([]OutcomeSwitch, error) {
	if err := checkReported(reported, omissions); err != nil {
		return nil, err
	}
	n := uint32(len(prespecified))
	var out []OutcomeSwitch
	add := func(kind SwitchKind, o Outcome, reason SwitchReason) {
		out = append(out, OutcomeSwitch{TrialID: trialID, Seq: uint32(len(out) + 1), Kind: kind, Outcome: o, Reason: reason})
	}
	covered := make([]bool, n+1)
	for _, r := range reported {
		o := r.Outcome
		var kind SwitchKind
		switch {
		case o.Number > n:
			return nil, errorsmod.Wrapf(ErrInvalidResults, "outcome %d: the trial pre-specified %d", o.Number, n)
		case o.Number == 0 && o.Kind == OutcomeKind_OUTCOME_KIND_PRIMARY:
			kind = SwitchKind_SWITCH_KIND_ADDED_PRIMARY
		case o.Number == 0:
			kind = SwitchKind_SWITCH_KIND_ADDED_SECONDARY
		default:
			covered[o.Number] = true
			pre := prespecified[o.Number-1]
			switch {
			case pre.Kind == o.Kind:
			case o.Kind == OutcomeKind_OUTCOME_KIND_PRIMARY:
				kind = SwitchKind_SWITCH_KIND_ADDED_PRIMARY
			default:
				kind = SwitchKind_SWITCH_KIND_OMITTED_PRIMARY
			}
			o = pre
		}
		if kind == SwitchKind_SWITCH_KIND_UNSPECIFIED {
			if r.Reason != SwitchReason_SWITCH_REASON_UNSPECIFIED {
				return nil, errorsmod.Wrapf(ErrInvalidResults, "outcome %d is reported as pre-specified: no switch reason", o.Number)
			}
			continue
		}
		if r.Reason == SwitchReason_SWITCH_REASON_UNSPECIFIED {
			return nil, errorsmod.Wrapf(ErrUnexplainedSwitch, "%s of outcome %d", kind, o.Number)
		}
		add(kind, o, r.Reason)
	}
	for _, om := range omissions {
		if om.Number > n {
			return nil, errorsmod.Wrapf(ErrInvalidResults, "omission of outcome %d: the trial pre-specified %d", om.Number, n)
		}
		covered[om.Number] = true
		pre := prespecified[om.Number-1]
		kind := SwitchKind_SWITCH_KIND_OMITTED_SECONDARY
		if pre.Kind == OutcomeKind_OUTCOME_KIND_PRIMARY {
			kind = SwitchKind_SWITCH_KIND_OMITTED_PRIMARY
		}
		add(kind, pre, om.Reason)
	}
	for i := uint32(1); i <= n; i++ {
		if !covered[i] {
			return nil, errorsmod.Wrapf(ErrUnexplainedSwitch, "pre-specified outcome %d is neither reported nor omitted with a reason", i)
		}
	}
	return out, nil
}
