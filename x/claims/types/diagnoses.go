package types

import (
	"bytes"
	"strings"

	errorsmod "cosmossdk.io/errors"

	recordstypes "github.com/healthchain/healthd/x/records/types"
)

// A claim's diagnoses (ICD-10-CM codes) are not used by adjudication, so they
// stay off chain in clear: the provider's client checks them, commits to them
// as x/records commits to a record (SHA-256 of a random salt and canonical
// bytes) and encrypts the salt and the codes to the payer's and its own
// x/records encryption keys. The chain keeps the commitment and the
// ciphertext and checks only their sizes and form.
const (
	// DiagnosesCommitmentSize is the length of a diagnoses commitment.
	DiagnosesCommitmentSize = recordstypes.CommitmentSize
	// DiagnosesPadding is the block the sealed plaintext is padded to, so that
	// the ciphertext's length does not tell how many codes a claim has: every
	// claim of up to 21 codes (more than the default max_diagnoses, 12) seals
	// to one block.
	DiagnosesPadding = 256
	// MaxDiagnosesCiphertext bounds a claim's diagnoses ciphertext: 99 codes
	// (the largest max_diagnoses) pad to 1024 bytes, about 1,330 with the
	// header for two recipients.
	MaxDiagnosesCiphertext = 2048
	// MinDiagnosesCiphertext is the age header's first line and one padded
	// block: no sealed diagnoses are shorter.
	MinDiagnosesCiphertext = len(ageHeader) + DiagnosesPadding
)

// ageHeader starts every age file (age-encryption.org/v1).
const ageHeader = "age-encryption.org/v1\n"

// diagnosesTag starts the canonical bytes: it names what is committed to.
const diagnosesTag = "healthd/claims/diagnoses/v1\n"

// ValidateDiagnoses checks a claim's diagnoses as the client does before it
// seals them: 1..max ICD-10-CM codes, each with the dot (ValidateDiagnosis).
func ValidateDiagnoses(codes []string, max uint32) error {
	if len(codes) == 0 {
		return errorsmod.Wrap(ErrInvalidClaim, "a claim has at least one diagnosis")
	}
	if max > 0 && uint32(len(codes)) > max {
		return errorsmod.Wrapf(ErrInvalidClaim, "1..%d diagnoses", max)
	}
	for _, d := range codes {
		if err := ValidateDiagnosis(d); err != nil {
			return err
		}
	}
	return nil
}

// CanonicalDiagnoses is what a diagnoses commitment is over: the tag line,
// then each code, in the claim's order (the principal diagnosis first),
// ended by a newline. A valid code holds no newline, so the encoding is
// unambiguous.
func CanonicalDiagnoses(codes []string) []byte {
	var b bytes.Buffer
	b.WriteString(diagnosesTag)
	for _, c := range codes {
		b.WriteString(c)
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// ParseCanonicalDiagnoses reads CanonicalDiagnoses back and checks the codes.
func ParseCanonicalDiagnoses(b []byte) ([]string, error) {
	rest, ok := bytes.CutPrefix(b, []byte(diagnosesTag))
	if !ok || len(rest) == 0 || rest[len(rest)-1] != '\n' {
		return nil, errorsmod.Wrap(ErrInvalidDiagnoses, "not canonical diagnoses")
	}
	codes := strings.Split(string(rest[:len(rest)-1]), "\n")
	if err := ValidateDiagnoses(codes, 0); err != nil {
		return nil, err
	}
	return codes, nil
}

// DiagnosesCommitment is SHA-256(salt ‖ CanonicalDiagnoses(codes)), with
// x/records' commitment function; the salt (recordstypes.SaltSize random
// bytes) is what keeps a guess of the codes from being checked against it.
func DiagnosesCommitment(salt []byte, codes []string) []byte {
	return recordstypes.Commitment(salt, CanonicalDiagnoses(codes))
}

// VerifyDiagnosesCommitment reports whether commitment is that of codes under salt.
func VerifyDiagnosesCommitment(commitment, salt []byte, codes []string) bool {
	return recordstypes.VerifyCommitment(commitment, salt, CanonicalDiagnoses(codes))
}

// ValidateSealedDiagnoses is the chain's check of a claim's diagnoses: a
// commitment of DiagnosesCommitmentSize bytes and an age ciphertext of
// MinDiagnosesCiphertext..MaxDiagnosesCiphertext bytes. The chain cannot
// read the ciphertext, nor check that it opens for the payer; the payer's
// client checks it against the commitment when it opens it.
func ValidateSealedDiagnoses(commitment, ciphertext []byte) error {
	switch {
	case len(commitment) != DiagnosesCommitmentSize:
		return errorsmod.Wrapf(ErrInvalidDiagnoses, "diagnoses_commitment is %d bytes, want %d", len(commitment), DiagnosesCommitmentSize)
	case len(ciphertext) < MinDiagnosesCiphertext || len(ciphertext) > MaxDiagnosesCiphertext:
		return errorsmod.Wrapf(ErrInvalidDiagnoses, "diagnoses_ciphertext is %d bytes, want %d..%d", len(ciphertext), MinDiagnosesCiphertext, MaxDiagnosesCiphertext)
	case !bytes.HasPrefix(ciphertext, []byte(ageHeader)):
		return errorsmod.Wrap(ErrInvalidDiagnoses, "diagnoses_ciphertext is not an age file (the diagnoses go encrypted; `healthd tx claims submit` seals them)")
	}
	return nil
}
