package types

import (
	"regexp"

	"filippo.io/age"

	errorsmod "cosmossdk.io/errors"

	"github.com/healthchain/healthd/internal/unixfs"
	consenttypes "github.com/healthchain/healthd/x/consent/types"
)

var (
	hl7MessageType = regexp.MustCompile(`^[A-Z0-9]{3}\^[A-Z0-9]{3}$`)
	dicomUID       = regexp.MustCompile(`^(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))+$`)
)

// ParseFormat reads a format name: fhir, hl7v2 or dicom (or the enum name).
func ParseFormat(s string) (Format, error) {
	switch s {
	case "fhir", "fhir-r4", "FORMAT_FHIR_R4":
		return Format_FORMAT_FHIR_R4, nil
	case "hl7v2", "hl7-v2", "FORMAT_HL7_V2":
		return Format_FORMAT_HL7_V2, nil
	case "dicom", "FORMAT_DICOM":
		return Format_FORMAT_DICOM, nil
	}
	return Format_FORMAT_UNSPECIFIED, errorsmod.Wrapf(ErrInvalidFormat, "%q: use fhir, hl7v2 or dicom", s)
}

// ValidateKind checks that kind names a record of format: a FHIR R4 resource
// type holding patient data (or Bundle), an HL7 v2 message type such as
// ORU^R01, or a DICOM SOP class UID.
func ValidateKind(f Format, kind string) error {
	if len(kind) == 0 || len(kind) > MaxKindLength {
		return errorsmod.Wrapf(ErrInvalidKind, "kind must be 1..%d characters", MaxKindLength)
	}
	switch f {
	case Format_FORMAT_FHIR_R4:
		if kind != "Bundle" && consenttypes.CategorySystem(kind) != consenttypes.ResourceTypeSystem {
			return errorsmod.Wrapf(ErrInvalidKind, "%q is not a FHIR R4 resource type holding patient data, nor Bundle", kind)
		}
	case Format_FORMAT_HL7_V2:
		if !hl7MessageType.MatchString(kind) {
			return errorsmod.Wrapf(ErrInvalidKind, "%q is not an HL7 v2 message type such as ORU^R01", kind)
		}
	case Format_FORMAT_DICOM:
		if !dicomUID.MatchString(kind) {
			return errorsmod.Wrapf(ErrInvalidKind, "%q is not a DICOM SOP class UID", kind)
		}
	default:
		return errorsmod.Wrapf(ErrInvalidFormat, "%s", f)
	}
	return nil
}

// ValidateCategory checks that category is one consents can name.
func ValidateCategory(category string) error {
	if consenttypes.CategorySystem(category) == "" {
		return errorsmod.Wrapf(ErrInvalidCategory, "%q is neither a FHIR R4 resource type holding patient data nor an observation category", category)
	}
	return nil
}

// ValidateContent checks a commitment, a CID and a blob size.
func ValidateContent(commitment []byte, cid string, size uint64) error {
	if len(commitment) != CommitmentSize {
		return errorsmod.Wrapf(ErrInvalidCommitment, "%d bytes, want %d (SHA-256)", len(commitment), CommitmentSize)
	}
	if err := ValidateCID(cid); err != nil {
		return err
	}
	if size == 0 {
		return errorsmod.Wrap(ErrInvalidSize, "an encrypted blob is never empty")
	}
	return nil
}

// ValidateCID checks a CID of an encrypted blob: a CIDv1 of the kind
// internal/unixfs computes, at most MaxCIDLength characters.
func ValidateCID(cid string) error {
	if len(cid) > MaxCIDLength {
		return errorsmod.Wrapf(ErrInvalidCID, "longer than %d characters", MaxCIDLength)
	}
	if err := unixfs.Validate(cid); err != nil {
		return errorsmod.Wrap(ErrInvalidCID, err.Error())
	}
	return nil
}

// ValidateRecipient checks an age X25519 recipient.
func ValidateRecipient(recipient string) error {
	if _, err := age.ParseX25519Recipient(recipient); err != nil {
		return errorsmod.Wrapf(ErrInvalidEncryptionKey, "not an age X25519 recipient (age1...): %s", err)
	}
	return nil
}

// IsBareTombstone reports whether r is a tombstone that keeps nothing but its
// id, its patient and its erasure: what an erased record version must be.
func (r Record) IsBareTombstone() bool {
	return r.Erased && r.ErasedAt != nil && r.ID != 0 && r.Patient != "" &&
		r.Author == "" && r.Format == Format_FORMAT_UNSPECIFIED && r.Kind == "" && r.Category == "" &&
		len(r.Commitment) == 0 && r.CID == "" && r.BlobSize == 0 && r.Version == 0 &&
		r.Supersedes == 0 && r.SupersededBy == 0 && r.RootID == 0 && r.AnchoredAt.IsZero()
}
