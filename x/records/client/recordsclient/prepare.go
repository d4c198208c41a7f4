// Package recordsclient is the records client library: it validates a
// record, canonicalises it, commits to it with a salt, encrypts it under a
// fresh per-record key, uploads it to the vault and anchors it on chain; and
// the reverse. The `healthd records` commands (x/records/client/cli), the
// tests, the gateway and other tools all call it, so every one of them
// prepares, seals, wraps and verifies a record the same way. The commitment
// itself is a chain rule and lives in x/records/types.
package recordsclient

import (
	"bytes"
	"crypto/rand"
	"errors"
	"fmt"

	"github.com/healthchain/healthd/internal/dicom"
	"github.com/healthchain/healthd/internal/fhirr4"
	"github.com/healthchain/healthd/internal/hl7v2"
	"github.com/healthchain/healthd/internal/jcs"
	consenttypes "github.com/healthchain/healthd/x/consent/types"
	"github.com/healthchain/healthd/x/records/types"
)

// ErrInvalidRecord is returned for input that is not a valid record of its format.
var ErrInvalidRecord = errors.New("invalid record")

// Prepared is a validated record ready to commit to.
type Prepared struct {
	Format types.Format
	Kind   string
	// Category is the consent category the record falls under by default
	// ("" when the format does not imply one and the caller must choose).
	Category string
	// Canonical is what the commitment covers: RFC 8785 JSON for FHIR (decimal
	// literals kept as written), segments ended by CR for HL7 v2, the file as
	// is for DICOM.
	Canonical []byte
}

// DetectFormat guesses a record's format from its first bytes.
func DetectFormat(b []byte) (types.Format, error) {
	switch {
	case len(b) >= 132 && string(b[128:132]) == "DICM":
		return types.Format_FORMAT_DICOM, nil
	case bytes.HasPrefix(b, []byte("MSH")):
		return types.Format_FORMAT_HL7_V2, nil
	case len(bytes.TrimLeft(b, " \t\r\n")) > 0 && bytes.TrimLeft(b, " \t\r\n")[0] == '{':
		return types.Format_FORMAT_FHIR_R4, nil
	}
	return types.Format_FORMAT_UNSPECIFIED, fmt.Errorf("%w: neither FHIR R4 JSON, an HL7 v2 message (MSH...) nor a DICOM Part 10 file (DICM at byte 128); give --format", ErrInvalidRecord)
}

// Prepare validates b as a record of format f (detected when unspecified) and
// canonicalises it. Nothing is returned for invalid input.
func Prepare(b []byte, f types.Format) (*Prepared, error) {
	if f == types.Format_FORMAT_UNSPECIFIED {
		var err error
		if f, err = DetectFormat(b); err != nil {
			return nil, err
		}
	}
	p := &Prepared{Format: f}
	switch f {
	case types.Format_FORMAT_FHIR_R4:
		res, err := fhirr4.Validate(b)
		if err != nil {
			return nil, fmt.Errorf("%w: FHIR R4: %w", ErrInvalidRecord, err)
		}
		if p.Canonical, err = jcs.Canonicalize(b); err != nil {
			return nil, fmt.Errorf("%w: FHIR R4 JSON: %w", ErrInvalidRecord, err)
		}
		p.Kind = res.ResourceType
		if consenttypes.CategorySystem(res.ResourceType) != "" {
			p.Category = res.ResourceType
		}
	case types.Format_FORMAT_HL7_V2:
		msg, err := hl7v2.Parse(b)
		if err != nil {
			return nil, fmt.Errorf("%w: HL7 v2: %w", ErrInvalidRecord, err)
		}
		if p.Canonical, err = hl7v2.Canonical(b); err != nil {
			return nil, fmt.Errorf("%w: HL7 v2: %w", ErrInvalidRecord, err)
		}
		p.Kind = msg.MessageType
		p.Category = hl7Category(msg.MessageType)
	case types.Format_FORMAT_DICOM:
		file, err := dicom.Parse(b)
		if err != nil {
			return nil, fmt.Errorf("%w: DICOM: %w", ErrInvalidRecord, err)
		}
		p.Kind, p.Category, p.Canonical = file.SOPClassUID, "imaging", b
	default:
		return nil, fmt.Errorf("%w: unknown format %s", ErrInvalidRecord, f)
	}
	if err := types.ValidateKind(p.Format, p.Kind); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidRecord, err)
	}
	return p, nil
}

// hl7Category maps an HL7 v2 message type to the consent category it implies.
func hl7Category(messageType string) string {
	switch messageType[:3] {
	case "ORU", "OUL", "ORL", "OML":
		return "laboratory"
	case "ADT":
		return "Encounter"
	case "RDE", "RDS", "RAS", "RGV":
		return "MedicationRequest"
	case "VXU":
		return "Immunization"
	case "MDM":
		return "DocumentReference"
	}
	return ""
}

// NewSalt draws a commitment salt of types.SaltSize random bytes. It is a
// client's job: the chain never draws randomness.
func NewSalt() ([]byte, error) {
	salt := make([]byte, types.SaltSize)
	if _, err := rand.Read(salt); err != nil {
		return nil, err
	}
	return salt, nil
}
