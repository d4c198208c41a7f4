package types_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/base32"
	"strings"
	"testing"
	"time"

	"filippo.io/age"
	"github.com/stretchr/testify/require"

	addresscodec "github.com/cosmos/cosmos-sdk/codec/address"

	"github.com/healthchain/healthd/internal/unixfs"
	"github.com/healthchain/healthd/x/records/types"
)

var b32 = base32.StdEncoding.WithPadding(base32.NoPadding)

// cidFromRaw renders raw CID bytes as multibase base32 lower case.
func cidFromRaw(raw ...[]byte) string {
	var all []byte
	for _, r := range raw {
		all = append(all, r...)
	}
	return "b" + strings.ToLower(b32.EncodeToString(all))
}

func TestParseFormat(t *testing.T) {
	good := map[string]types.Format{
		"fhir": types.Format_FORMAT_FHIR_R4, "fhir-r4": types.Format_FORMAT_FHIR_R4, "FORMAT_FHIR_R4": types.Format_FORMAT_FHIR_R4,
		"hl7v2": types.Format_FORMAT_HL7_V2, "hl7-v2": types.Format_FORMAT_HL7_V2, "FORMAT_HL7_V2": types.Format_FORMAT_HL7_V2,
		"dicom": types.Format_FORMAT_DICOM, "FORMAT_DICOM": types.Format_FORMAT_DICOM,
	}
	for in, want := range good {
		got, err := types.ParseFormat(in)
		require.NoError(t, err, in)
		require.Equal(t, want, got, in)
	}
	for _, in := range []string{"", "FHIR", "fhir-r5", "hl7", "HL7v2", "DICOM", "FORMAT_UNSPECIFIED", "0", "1", " fhir"} {
		got, err := types.ParseFormat(in)
		require.ErrorIs(t, err, types.ErrInvalidFormat, in)
		require.Equal(t, types.Format_FORMAT_UNSPECIFIED, got, in)
	}
}

func TestValidateKind(t *testing.T) {
	fhir, hl7, dicom := types.Format_FORMAT_FHIR_R4, types.Format_FORMAT_HL7_V2, types.Format_FORMAT_DICOM
	cases := []struct {
		format types.Format
		kind   string
		want   error // nil: valid
	}{
		{fhir, "Observation", nil},
		{fhir, "Condition", nil},
		{fhir, "Bundle", nil},
		{fhir, "Patient", nil},
		{fhir, "DiagnosticReport", nil},
		{fhir, "Unicorn", types.ErrInvalidKind},
		{fhir, "observation", types.ErrInvalidKind},
		{fhir, "laboratory", types.ErrInvalidKind}, // an observation category, not a resource type
		{fhir, "Organization", types.ErrInvalidKind},
		{fhir, "Practitioner", types.ErrInvalidKind},
		{fhir, "Observation ", types.ErrInvalidKind},
		{fhir, "", types.ErrInvalidKind},
		{hl7, "ORU^R01", nil},
		{hl7, "ADT^A08", nil},
		{hl7, "MDM^T02", nil},
		{hl7, "ORU-R01", types.ErrInvalidKind},
		{hl7, "oru^r01", types.ErrInvalidKind},
		{hl7, "ORU^R01^ORU_R01", types.ErrInvalidKind},
		{hl7, "ORUR01", types.ErrInvalidKind},
		{hl7, "OR^R01", types.ErrInvalidKind},
		{hl7, "ORU^R0", types.ErrInvalidKind},
		{hl7, "\nORU^R01", types.ErrInvalidKind},
		{hl7, "ORU^R01\n", types.ErrInvalidKind},
		{hl7, "Observation", types.ErrInvalidKind},
		{dicom, "1.2.840.10008.5.1.4.1.1.2", nil},
		{dicom, "1.2", nil},
		{dicom, "0.0", nil},
		{dicom, "1.2.0.3", nil},
		{dicom, "1.2.03", types.ErrInvalidKind},
		{dicom, "01.2", types.ErrInvalidKind},
		{dicom, "1", types.ErrInvalidKind},
		{dicom, "1..2", types.ErrInvalidKind},
		{dicom, "1.2.", types.ErrInvalidKind},
		{dicom, ".1.2", types.ErrInvalidKind},
		{dicom, "1.2.a", types.ErrInvalidKind},
		{dicom, "1.2\n", types.ErrInvalidKind},
		{dicom, "ImagingStudy", types.ErrInvalidKind},
		{dicom, "1.2." + strings.Repeat("1", types.MaxKindLength-4), nil},
		{dicom, "1.2." + strings.Repeat("1", types.MaxKindLength-3), types.ErrInvalidKind},
		{types.Format_FORMAT_UNSPECIFIED, "Observation", types.ErrInvalidFormat},
		{types.Format(42), "Observation", types.ErrInvalidFormat},
	}
	for _, c := range cases {
		err := types.ValidateKind(c.format, c.kind)
		if c.want == nil {
			require.NoError(t, err, "%s %q", c.format, c.kind)
		} else {
			require.ErrorIs(t, err, c.want, "%s %q", c.format, c.kind)
		}
	}
}

func TestValidateCategory(t *testing.T) {
	for _, c := range []string{"Observation", "Condition", "ImagingStudy", "MedicationRequest", "laboratory", "imaging", "vital-signs", "social-history"} {
		require.NoError(t, types.ValidateCategory(c), c)
	}
	for _, c := range []string{"", "*", "Unicorn", "Laboratory", "observation", "Bundle", "Organization", "lab"} {
		require.ErrorIs(t, types.ValidateCategory(c), types.ErrInvalidCategory, c)
	}
}

func TestValidateContent(t *testing.T) {
	sum := sha256.Sum256([]byte("x"))
	digest := sum[:]
	goodCID := unixfs.SumBytes([]byte("blob"))
	require.NoError(t, types.ValidateContent(digest, goodCID, 1))
	require.NoError(t, types.ValidateContent(digest, unixfs.SumBytes(make([]byte, 1<<20)), 1<<20+100))
	require.NoError(t, types.ValidateContent(digest, cidFromRaw([]byte{0x01, 0x55, 0x12, 0x20}, digest), 1))
	require.NoError(t, types.ValidateContent(digest, cidFromRaw([]byte{0x01, 0x70, 0x12, 0x20}, digest), 1))

	cases := []struct {
		name       string
		commitment []byte
		cid        string
		size       uint64
		want       error
	}{
		{"commitment of 31 bytes", digest[:31], goodCID, 1, types.ErrInvalidCommitment},
		{"commitment of 33 bytes", append(append([]byte{}, digest...), 0), goodCID, 1, types.ErrInvalidCommitment},
		{"no commitment", nil, goodCID, 1, types.ErrInvalidCommitment},
		{"CIDv0", digest, "QmaozNR7DZHQK1ZcU9p7QdrshMvXqWK6gpu5rmrkPdT3L4", 1, types.ErrInvalidCID},
		{"upper case", digest, strings.ToUpper(goodCID), 1, types.ErrInvalidCID},
		{"base58 prefix", digest, "z" + goodCID[1:], 1, types.ErrInvalidCID},
		{"codec dag-cbor", digest, cidFromRaw([]byte{0x01, 0x71, 0x12, 0x20}, digest), 1, types.ErrInvalidCID},
		{"hash sha2-512", digest, cidFromRaw([]byte{0x01, 0x55, 0x13, 0x20}, digest), 1, types.ErrInvalidCID},
		{"version 0", digest, cidFromRaw([]byte{0x00, 0x55, 0x12, 0x20}, digest), 1, types.ErrInvalidCID},
		{"truncated digest", digest, cidFromRaw([]byte{0x01, 0x55, 0x12, 0x20}, digest[:31]), 1, types.ErrInvalidCID},
		{"empty", digest, "", 1, types.ErrInvalidCID},
		{"too long", digest, "b" + strings.Repeat("a", types.MaxCIDLength), 1, types.ErrInvalidCID},
		{"size 0", digest, goodCID, 0, types.ErrInvalidSize},
	}
	for _, c := range cases {
		require.ErrorIs(t, types.ValidateContent(c.commitment, c.cid, c.size), c.want, c.name)
	}
}

func TestValidateRecipient(t *testing.T) {
	id, err := age.GenerateX25519Identity()
	require.NoError(t, err)
	r := id.Recipient().String()
	require.NoError(t, types.ValidateRecipient(r))
	for name, bad := range map[string]string{
		"empty":      "",
		"identity":   id.String(),
		"truncated":  r[:len(r)-1],
		"extra":      r + "q",
		"wrong hrp":  "age2" + r[4:],
		"ssh key":    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHsKLqeplhpW+uObz5dvMgjz1OxfM/XXUB+VHtZ6isGN",
		"space":      " " + r,
		"an account": account(t, 7),
	} {
		require.ErrorIs(t, types.ValidateRecipient(bad), types.ErrInvalidEncryptionKey, name)
	}
}

func TestParamsValidate(t *testing.T) {
	require.NoError(t, types.DefaultParams().Validate())
	require.Equal(t, types.Params{AccessTtl: 24 * time.Hour, MaxVersions: 100}, types.DefaultParams())
	good := []types.Params{
		{AccessTtl: time.Minute, MaxVersions: 1},
		{AccessTtl: 720 * time.Hour, MaxVersions: 10_000},
		{AccessTtl: time.Hour, MaxVersions: 50},
	}
	for _, p := range good {
		require.NoError(t, p.Validate(), "%+v", p)
	}
	bad := []types.Params{
		{AccessTtl: time.Minute - time.Nanosecond, MaxVersions: 1},
		{AccessTtl: 0, MaxVersions: 1},
		{AccessTtl: -time.Hour, MaxVersions: 1},
		{AccessTtl: 720*time.Hour + time.Nanosecond, MaxVersions: 1},
		{AccessTtl: time.Hour, MaxVersions: 0},
		{AccessTtl: time.Hour, MaxVersions: 10_001},
		{},
	}
	for _, p := range bad {
		require.ErrorIs(t, p.Validate(), types.ErrInvalidParams, "%+v", p)
	}
}

// account returns the bech32 "health" address of 20 bytes of b.
func account(t *testing.T, b byte) string {
	t.Helper()
	s, err := addresscodec.NewBech32Codec("health").BytesToString(bytes.Repeat([]byte{b}, 20))
	require.NoError(t, err)
	return s
}

func TestDefaultGenesisValidates(t *testing.T) {
	gs := types.DefaultGenesisState()
	require.NoError(t, gs.Validate(addresscodec.NewBech32Codec("health")))
	require.Equal(t, uint64(1), gs.NextRecordID)
	require.Equal(t, uint64(1), gs.NextGrantID)
	require.Empty(t, gs.Records)
	require.Equal(t, types.DefaultParams(), gs.Params)
}

// TestGenesisRequiresCanonicalAddresses: records compare addresses as
// strings, so an address in upper case would not match its owner.
func TestGenesisRequiresCanonicalAddresses(t *testing.T) {
	ac := addresscodec.NewBech32Codec("health")
	sum := sha256.Sum256([]byte("x"))
	id, err := age.GenerateX25519Identity()
	require.NoError(t, err)
	valid := func() *types.GenesisState {
		gs := types.DefaultGenesisState()
		gs.NextRecordID = 2
		gs.Records = []types.Record{{
			ID: 1, Patient: account(t, 1), Author: account(t, 2), Format: types.Format_FORMAT_FHIR_R4, Kind: "Observation",
			Category: "laboratory", Commitment: sum[:], CID: unixfs.SumBytes([]byte("blob")), BlobSize: 10, Version: 1, RootID: 1,
		}}
		gs.EncryptionKeys = []types.EncryptionKey{{Owner: account(t, 1), Recipient: id.Recipient().String()}}
		return gs
	}
	require.NoError(t, valid().Validate(ac))
	for name, malleate := range map[string]func(*types.GenesisState){
		"patient":   func(gs *types.GenesisState) { gs.Records[0].Patient = strings.ToUpper(gs.Records[0].Patient) },
		"author":    func(gs *types.GenesisState) { gs.Records[0].Author = strings.ToUpper(gs.Records[0].Author) },
		"key owner": func(gs *types.GenesisState) { gs.EncryptionKeys[0].Owner = strings.ToUpper(gs.EncryptionKeys[0].Owner) },
	} {
		gs := valid()
		malleate(gs)
		err := gs.Validate(ac)
		require.ErrorIs(t, err, types.ErrInvalidGenesis, name)
		require.ErrorContains(t, err, "canonical", name)
	}
}
