package types

import (
	"bytes"
	"crypto/sha256"
	"strings"

	errorsmod "cosmossdk.io/errors"
)

// A break-glass justification says something about the patient's health (the
// patient is unconscious, their life is threatened), so it is not stored in
// clear, as x/claims does not store diagnoses: the member's client commits to
// it (SHA-256 of a random salt and canonical bytes, as x/records commits to a
// record) and encrypts the salt and the code with age to its own key and to
// the x/records encryption keys the patient and the patient's live guardians
// registered. The chain keeps the commitment and the ciphertext and checks
// only their sizes and form.
const (
	// JustificationSaltSize is the length of the commitment's salt.
	JustificationSaltSize = 32
	// JustificationCommitmentSize is the length of a justification commitment.
	JustificationCommitmentSize = sha256.Size
	// JustificationPadding is the block the sealed plaintext is padded to, so
	// that the ciphertext's length does not tell which code it holds: every
	// code seals to one block.
	JustificationPadding = 128
	// MaxJustificationCiphertext bounds the ciphertext: one padded block and
	// the age header for the member, the patient and MaxGuardiansPerPatient
	// guardians (about 100 bytes each) stay well below it.
	MaxJustificationCiphertext = 2048
	// MinJustificationCiphertext is the age header's first line and one
	// padded block: no sealed justification is shorter.
	MinJustificationCiphertext = len(ageHeader) + JustificationPadding
)

// ageHeader starts every age file (age-encryption.org/v1).
const ageHeader = "age-encryption.org/v1\n"

// justificationTag starts the canonical bytes: it names what is committed to.
const justificationTag = "healthd/consent/break-glass-justification/v1\n"

// JustificationName is a code's name on the command line and in the sealed
// plaintext: the enum name without its prefix, lower case, with dashes
// (JUSTIFICATION_CODE_PATIENT_UNCONSCIOUS is "patient-unconscious").
func JustificationName(j JustificationCode) string {
	return strings.ReplaceAll(strings.ToLower(strings.TrimPrefix(j.String(), "JUSTIFICATION_CODE_")), "_", "-")
}

// ParseJustification reads a code by its name ("patient-unconscious") or its
// enum name, in any case; "unconscious" is short for "patient-unconscious".
func ParseJustification(s string) (JustificationCode, error) {
	name := strings.ReplaceAll(strings.ToUpper(strings.TrimSpace(s)), "-", "_")
	if name == "UNCONSCIOUS" {
		name = "PATIENT_UNCONSCIOUS"
	}
	if !strings.HasPrefix(name, "JUSTIFICATION_CODE_") {
		name = "JUSTIFICATION_CODE_" + name
	}
	j := JustificationCode(JustificationCode_value[name])
	if err := ValidateJustification(j); err != nil {
		return j, errorsmod.Wrapf(ErrInvalidReason, "justification %q: one of patient-unconscious, life-threatening, no-capacity-no-guardian, critical-continuity-of-care", s)
	}
	return j, nil
}

// CanonicalJustification is what a justification commitment is over: the tag
// line, then the code's name and a newline.
func CanonicalJustification(j JustificationCode) []byte {
	return []byte(justificationTag + JustificationName(j) + "\n")
}

// ParseCanonicalJustification reads CanonicalJustification back.
func ParseCanonicalJustification(b []byte) (JustificationCode, error) {
	rest, ok := bytes.CutPrefix(b, []byte(justificationTag))
	name, nl := bytes.CutSuffix(rest, []byte("\n"))
	if !ok || !nl || bytes.ContainsAny(name, "\n") {
		return 0, errorsmod.Wrap(ErrInvalidJustification, "not a canonical break-glass justification")
	}
	j, err := ParseJustification(string(name))
	if err != nil || JustificationName(j) != string(name) {
		return 0, errorsmod.Wrap(ErrInvalidJustification, "not a canonical break-glass justification")
	}
	return j, nil
}

// JustificationCommitment is SHA-256(salt ‖ CanonicalJustification(j)); the
// salt (JustificationSaltSize random bytes) keeps the four codes from being
// tried against it.
func JustificationCommitment(salt []byte, j JustificationCode) []byte {
	h := sha256.New()
	h.Write(salt)
	h.Write(CanonicalJustification(j))
	return h.Sum(nil)
}

// ValidateSealedJustification is the chain's check of a break-glass
// justification: a commitment of JustificationCommitmentSize bytes and an age
// ciphertext of MinJustificationCiphertext..MaxJustificationCiphertext bytes.
// The chain cannot read the ciphertext; its readers check it against the
// commitment when they open it.
func ValidateSealedJustification(commitment, ciphertext []byte) error {
	switch {
	case len(commitment) != JustificationCommitmentSize:
		return errorsmod.Wrapf(ErrInvalidJustification, "justification_commitment is %d bytes, want %d", len(commitment), JustificationCommitmentSize)
	case len(ciphertext) < MinJustificationCiphertext || len(ciphertext) > MaxJustificationCiphertext:
		return errorsmod.Wrapf(ErrInvalidJustification, "justification_ciphertext is %d bytes, want %d..%d", len(ciphertext), MinJustificationCiphertext, MaxJustificationCiphertext)
	case !bytes.HasPrefix(ciphertext, []byte(ageHeader)):
		return errorsmod.Wrap(ErrInvalidJustification, "justification_ciphertext is not an age file (the justification goes encrypted; `healthd tx consent break-glass` seals it)")
	}
	return nil
}
