package types

import (
	"bytes"
	"time"

	errorsmod "cosmossdk.io/errors"

	"github.com/cosmos/cosmos-sdk/crypto/keys/ed25519"
	"github.com/cosmos/cosmos-sdk/crypto/keys/secp256k1"
	cryptotypes "github.com/cosmos/cosmos-sdk/crypto/types"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/healthchain/healthd/internal/isbt128"
	recordstypes "github.com/healthchain/healthd/x/records/types"
)

// The stateless rules shared by ValidateBasic (msgs.go), genesis and the
// keeper, which repeats them.

// FIN is the facility code of a DIN in its canonical form (ParseDIN's
// result): its first five characters, which x/consortium registers to the
// facility ICCBBA assigned them to.
func FIN(din string) string {
	if len(din) < isbt128.FINLength {
		return ""
	}
	return din[:isbt128.FINLength]
}

// ParseDIN reads a DIN (eye-readable with its check character, or barcode
// data content) and returns its canonical eye-readable form, the key under
// which the donation is stored.
func ParseDIN(s string) (string, error) {
	d, err := isbt128.Parse(s)
	if err != nil {
		return "", errorsmod.Wrapf(ErrInvalidDIN, "%q: %s", truncate(s), err)
	}
	return d.String(), nil
}

// truncate keeps an error's quote of outside input short.
func truncate(s string) string {
	if len(s) > 32 {
		return s[:32] + "…"
	}
	return s
}

// CheckOrganTypeCode checks an organ type code's spelling: 1..16 upper-case
// letters, digits or underscores, beginning with a letter.
func CheckOrganTypeCode(code string) error {
	if len(code) == 0 || len(code) > MaxOrganTypeLength {
		return errorsmod.Wrapf(ErrInvalidOrganType, "organ type must be 1..%d characters", MaxOrganTypeLength)
	}
	for i := 0; i < len(code); i++ {
		c := code[i]
		if !(c >= 'A' && c <= 'Z' || i > 0 && (c >= '0' && c <= '9' || c == '_')) {
			return errorsmod.Wrapf(ErrInvalidOrganType, "organ type %q: upper-case letters, digits and _ only, beginning with a letter", truncate(code))
		}
	}
	return nil
}

// CheckOrgan checks a message's DIN and organ type spelling.
func CheckOrgan(din, organType string) error {
	if _, err := ParseDIN(din); err != nil {
		return err
	}
	return CheckOrganTypeCode(organType)
}

// CheckABO accepts O, A, B and AB.
func CheckABO(a ABO) error {
	if a == ABO_ABO_UNSPECIFIED {
		return errorsmod.Wrap(ErrInvalidABO, "blood group not given")
	}
	if _, ok := ABO_name[int32(a)]; !ok {
		return errorsmod.Wrapf(ErrInvalidABO, "unknown blood group %d", int32(a))
	}
	return nil
}

// Compatible reports whether an organ of a donor of blood group donor may go
// to a recipient of blood group recipient: O gives to all, A to A and AB, B
// to B and AB, AB to AB.
func Compatible(donor, recipient ABO) bool {
	switch donor {
	case ABO_ABO_O:
		return recipient == ABO_ABO_O || recipient == ABO_ABO_A || recipient == ABO_ABO_B || recipient == ABO_ABO_AB
	case ABO_ABO_A:
		return recipient == ABO_ABO_A || recipient == ABO_ABO_AB
	case ABO_ABO_B:
		return recipient == ABO_ABO_B || recipient == ABO_ABO_AB
	case ABO_ABO_AB:
		return recipient == ABO_ABO_AB
	}
	return false
}

// CheckCommitment accepts 32 bytes that are not all zero.
func CheckCommitment(field string, c []byte) error {
	if len(c) != CommitmentLength {
		return errorsmod.Wrapf(ErrInvalidCommitment, "%s must be %d bytes, got %d", field, CommitmentLength, len(c))
	}
	if bytes.Equal(c, make([]byte, CommitmentLength)) {
		return errorsmod.Wrapf(ErrInvalidCommitment, "%s is all zero", field)
	}
	return nil
}

// CheckSalt checks a living donor's salt: recordstypes.SaltSize (32) bytes,
// not all zero (a fixed salt would let anyone test every account against the
// commitment; a zero one is the usual way of forgetting to draw it).
func CheckSalt(salt []byte) error {
	if len(salt) != recordstypes.SaltSize {
		return errorsmod.Wrapf(ErrInvalidBasis, "donor salt must be %d random bytes, got %d", recordstypes.SaltSize, len(salt))
	}
	if bytes.Equal(salt, make([]byte, recordstypes.SaltSize)) {
		return errorsmod.Wrap(ErrInvalidBasis, "donor salt is all zero: draw it at random")
	}
	return nil
}

// DonorCommitment is a living donor's commitment, SHA-256(salt ‖ the donor's
// account bytes): x/records' commitment construction, so the OPO, which
// keeps the salt, can show which account consented, and nobody else can
// tell it from the case.
func DonorCommitment(salt []byte, donor sdk.AccAddress) []byte {
	return recordstypes.Commitment(salt, donor)
}

// Times in messages lie in [MinTime, MaxTime]: a later or earlier one is a
// mistake, and the bounds keep every sum of a time and a params duration
// far from overflow.
var (
	MinTime = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	MaxTime = time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)
)

// ValidateTime checks a message's time: within [MinTime, MaxTime], whole seconds.
func ValidateTime(field string, t time.Time) error {
	if t.Before(MinTime) || t.After(MaxTime) {
		return errorsmod.Wrapf(ErrInvalidTime, "%s %s outside %s..%s", field, t.UTC().Format(time.RFC3339), MinTime.Format("2006"), MaxTime.Format("2006"))
	}
	if t.Nanosecond() != 0 {
		return errorsmod.Wrapf(ErrInvalidTime, "%s must be whole seconds", field)
	}
	return nil
}

// CheckLoggerID accepts 1..64 characters: letters, digits and - _ . :
func CheckLoggerID(id string) error {
	if len(id) == 0 || len(id) > MaxLoggerIDLength {
		return errorsmod.Wrapf(ErrInvalidLogger, "logger id must be 1..%d characters", MaxLoggerIDLength)
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.' || c == ':') {
			return errorsmod.Wrapf(ErrInvalidLogger, "logger id: character %q not allowed", c)
		}
	}
	return nil
}

// LoggerPubKey decodes a logger's key: 33 bytes are a compressed secp256k1
// key, 32 an ed25519 key.
func LoggerPubKey(bz []byte) (cryptotypes.PubKey, error) {
	switch len(bz) {
	case secp256k1.PubKeySize:
		if bz[0] != 2 && bz[0] != 3 {
			return nil, errorsmod.Wrap(ErrInvalidLogger, "secp256k1 key is not compressed")
		}
		return &secp256k1.PubKey{Key: bytes.Clone(bz)}, nil
	case ed25519.PubKeySize:
		return &ed25519.PubKey{Key: bytes.Clone(bz)}, nil
	}
	return nil, errorsmod.Wrapf(ErrInvalidLogger, "key of %d bytes: a compressed secp256k1 key (33) or an ed25519 key (32)", len(bz))
}

// SignBytes is what the logger signs for a MsgPostReadings on chain chainID.
func SignBytes(chainID string, m *MsgPostReadings) ([]byte, error) {
	doc := ReadingsDocument{ChainID: chainID, Logger: m.Logger, DIN: m.DIN, OrganType: m.OrganType, Readings: m.Readings}
	return doc.Marshal()
}

// CheckReadings checks a message's readings: 1..MaxReadingsLimit, times
// valid and not decreasing, seq strictly increasing from 1 or more,
// temperatures within the bounds any params allow.
func CheckReadings(rs []Reading) error {
	if len(rs) == 0 {
		return errorsmod.Wrap(ErrInvalidReading, "no readings")
	}
	if len(rs) > MaxReadingsLimit {
		return errorsmod.Wrapf(ErrTooMany, "%d readings, never more than %d per message", len(rs), MaxReadingsLimit)
	}
	for i, r := range rs {
		if err := ValidateTime("reading time", r.Time); err != nil {
			return err
		}
		if r.CentiCelsius < 10*MinCentiCelsiusBound || r.CentiCelsius > 10*MaxCentiCelsiusBound {
			return errorsmod.Wrapf(ErrInvalidReading, "reading %d: %d centi-°C is not a container temperature", r.Seq, r.CentiCelsius)
		}
		if r.Seq == 0 {
			return errorsmod.Wrap(ErrInvalidReading, "reading seq starts at 1")
		}
		if i > 0 && (r.Seq <= rs[i-1].Seq || r.Time.Before(rs[i-1].Time)) {
			return errorsmod.Wrapf(ErrInvalidReading, "reading %d: seq must increase and time must not go back", r.Seq)
		}
	}
	return nil
}
