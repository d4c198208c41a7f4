package types

import (
	"fmt"
	"strings"

	errorsmod "cosmossdk.io/errors"
)

// A recall names its class and its reason from two fixed vocabularies (the
// enums RecallClass and RecallReason in types.proto), so that nothing about a
// patient can be written into a recall, every party reads the same codes, and
// the hospital chain can act on the class.

// recallClassHelp says what each class means, for the CLI's help.
var recallClassHelp = []struct {
	class RecallClass
	help  string
}{
	{RecallClass_RECALL_CLASS_I, "use will probably cause serious adverse health consequences or death"},
	{RecallClass_RECALL_CLASS_II, "use may cause temporary or medically reversible adverse health consequences"},
	{RecallClass_RECALL_CLASS_III, "use is not likely to cause adverse health consequences"},
}

// recallReasonHelp says what each reason code covers, for the CLI's help.
var recallReasonHelp = []struct {
	reason RecallReason
	help   string
}{
	{RecallReason_RECALL_REASON_CONTAMINATION, "microbial, particulate or foreign matter, cross-contamination"},
	{RecallReason_RECALL_REASON_STERILITY, "sterility not assured"},
	{RecallReason_RECALL_REASON_POTENCY, "sub- or super-potent, failed assay or content uniformity"},
	{RecallReason_RECALL_REASON_IMPURITY, "impurity or degradant above its limit (e.g. a nitrosamine)"},
	{RecallReason_RECALL_REASON_FAILED_SPECIFICATION, "other failed specification: dissolution, stability, pH, appearance"},
	{RecallReason_RECALL_REASON_MISLABELLING, "label, carton or leaflet wrong: strength, lot, expiry, warnings"},
	{RecallReason_RECALL_REASON_PRODUCT_MIXUP, "another product or strength inside the pack"},
	{RecallReason_RECALL_REASON_PACKAGING, "defective container or closure, failed child resistance"},
	{RecallReason_RECALL_REASON_DEVICE_DEFECT, "delivery device fails: auto-injector, inhaler, pen, pump"},
	{RecallReason_RECALL_REASON_GMP_DEVIATION, "made or stored outside good manufacturing practice"},
	{RecallReason_RECALL_REASON_UNAPPROVED, "marketed without a valid marketing authorisation"},
	{RecallReason_RECALL_REASON_COUNTERFEIT_SUSPECTED, "counterfeit, diverted or tampered packs found in the lot"},
	{RecallReason_RECALL_REASON_OTHER_SAFETY, "another safety reason, given to the regulator off chain"},
}

const (
	recallClassPrefix  = "RECALL_"
	recallReasonPrefix = "RECALL_REASON_"
)

// ValidateRecall checks a recall's class and reason code against their
// vocabularies: UNSPECIFIED and unknown numbers are refused.
func ValidateRecall(class RecallClass, reason RecallReason) error {
	if _, ok := RecallClass_name[int32(class)]; !ok || class == RecallClass_RECALL_CLASS_UNSPECIFIED {
		return errorsmod.Wrapf(ErrInvalidRecall, "recall class %d: want class I, II or III", int32(class))
	}
	if _, ok := RecallReason_name[int32(reason)]; !ok || reason == RecallReason_RECALL_REASON_UNSPECIFIED {
		return errorsmod.Wrapf(ErrInvalidRecall, "recall reason %d is not in the list", int32(reason))
	}
	return nil
}

// RecallCode is the one-token code of a valid recall, "CLASS_<class>:<reason>"
// (e.g. "CLASS_II:CONTAMINATION"): Recall.reason, which x/bridge relays to the
// hospital chain (printable ASCII, at most 64 bytes).
func RecallCode(class RecallClass, reason RecallReason) string {
	return strings.TrimPrefix(class.String(), recallClassPrefix) + ":" + strings.TrimPrefix(reason.String(), recallReasonPrefix)
}

// RecallHelp lists the classes and reason codes as the CLI takes them.
func RecallHelp() string {
	var b strings.Builder
	b.WriteString("Class (FDA recall classification):\n")
	for _, c := range recallClassHelp {
		fmt.Fprintf(&b, "  %-22s class %s: %s\n", cliEnumName(c.class.String(), "RECALL_CLASS_"), strings.TrimPrefix(c.class.String(), "RECALL_CLASS_"), c.help)
	}
	b.WriteString("Reason code:\n")
	for _, r := range recallReasonHelp {
		fmt.Fprintf(&b, "  %-22s %s\n", cliEnumName(r.reason.String(), recallReasonPrefix), r.help)
	}
	return b.String()
}

// cliEnumName is how autocli spells an enum value: without the enum's prefix,
// lower case, "-" for "_".
func cliEnumName(name, prefix string) string {
	return strings.ReplaceAll(strings.ToLower(strings.TrimPrefix(name, prefix)), "_", "-")
}
