package types_test

import (
	"crypto/sha256"
	"testing"

	"filippo.io/age"
	"github.com/stretchr/testify/require"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/healthchain/healthd/internal/testkit"
	"github.com/healthchain/healthd/internal/unixfs"
	consenttypes "github.com/healthchain/healthd/x/consent/types"
	"github.com/healthchain/healthd/x/records/types"
)

// TestValidateBasic: each stateless check refuses with its registered error.
// These run at CheckTx, so such a transaction never reaches a block.
func TestValidateBasic(t *testing.T) {
	author, patient := sdk.AccAddress(make([]byte, 20)).String(), sdk.AccAddress(sha256.New().Sum(nil)[:20]).String()
	digest := sha256.Sum256([]byte("record"))
	cid := unixfs.SumBytes([]byte("blob"))
	id, err := age.GenerateX25519Identity()
	require.NoError(t, err)
	anchor := func(f func(m *types.MsgAnchorRecord)) *types.MsgAnchorRecord {
		m := &types.MsgAnchorRecord{Author: author, Patient: patient, Format: types.Format_FORMAT_FHIR_R4, Kind: "Observation",
			Category: "laboratory", Commitment: digest[:], CID: cid, BlobSize: 4}
		f(m)
		return m
	}
	amend := func(f func(m *types.MsgAmendRecord)) *types.MsgAmendRecord {
		m := &types.MsgAmendRecord{Author: author, Supersedes: 1, Kind: "Observation", Category: "laboratory",
			Commitment: digest[:], CID: cid, BlobSize: 4}
		f(m)
		return m
	}
	testkit.ValidateBasic(t, map[string]testkit.BasicCase{
		"anchor: valid":                  testkit.Case(anchor(func(*types.MsgAnchorRecord) {}), nil),
		"anchor: HL7 v2":                 testkit.Case(anchor(func(m *types.MsgAnchorRecord) { m.Format, m.Kind = types.Format_FORMAT_HL7_V2, "ORU^R01" }), nil),
		"anchor: no format":              testkit.Case(anchor(func(m *types.MsgAnchorRecord) { m.Format = 0 }), types.ErrInvalidFormat),
		"anchor: kind of another format": testkit.Case(anchor(func(m *types.MsgAnchorRecord) { m.Kind = "ORU^R01" }), types.ErrInvalidKind),
		"anchor: unknown category":       testkit.Case(anchor(func(m *types.MsgAnchorRecord) { m.Category = "Gossip" }), types.ErrInvalidCategory),
		"anchor: short commitment":       testkit.Case(anchor(func(m *types.MsgAnchorRecord) { m.Commitment = digest[:16] }), types.ErrInvalidCommitment),
		"anchor: CIDv0":                  testkit.Case(anchor(func(m *types.MsgAnchorRecord) { m.CID = "QmaozNR7DZHQK1ZcU9p7QdrshMvXqWK6gpu5rmrkPdT3L4" }), types.ErrInvalidCID),
		"anchor: empty blob":             testkit.Case(anchor(func(m *types.MsgAnchorRecord) { m.BlobSize = 0 }), types.ErrInvalidSize),
		"anchor: patient not bech32":     testkit.Case(anchor(func(m *types.MsgAnchorRecord) { m.Patient = "patient-7" }), types.ErrInvalidAddress),
		"anchor: author empty":           testkit.Case(anchor(func(m *types.MsgAnchorRecord) { m.Author = "" }), types.ErrInvalidAddress),
		"amend: valid":                   testkit.Case(amend(func(*types.MsgAmendRecord) {}), nil),
		"amend: record 0":                testkit.Case(amend(func(m *types.MsgAmendRecord) { m.Supersedes = 0 }), types.ErrRecordNotFound),
		"amend: bad CID":                 testkit.Case(amend(func(m *types.MsgAmendRecord) { m.CID = "bafy" }), types.ErrInvalidCID),
		"access: valid":                  testkit.Case(&types.MsgRequestAccess{Grantee: author, RecordID: 3, Purpose: "TREAT"}, nil),
		"access: unknown purpose":        testkit.Case(&types.MsgRequestAccess{Grantee: author, RecordID: 3, Purpose: "FOO"}, consenttypes.ErrUnknownPurpose),
		"access: record 0":               testkit.Case(&types.MsgRequestAccess{Grantee: author, Purpose: "TREAT"}, types.ErrRecordNotFound),
		"erase: valid":                   testkit.Case(&types.MsgEraseRecord{Signer: author, RecordID: 3, LatestVersion: 2}, nil),
		"erase: record 0":                testkit.Case(&types.MsgEraseRecord{Signer: author}, types.ErrRecordNotFound),
		"erase: no latest version":       testkit.Case(&types.MsgEraseRecord{Signer: author, RecordID: 3}, types.ErrNotLatestVersion),
		"erase: signer not bech32":       testkit.Case(&types.MsgEraseRecord{Signer: "patient-7", RecordID: 3}, types.ErrInvalidAddress),
		"key: valid":                     testkit.Case(&types.MsgRegisterEncryptionKey{Owner: author, Recipient: id.Recipient().String()}, nil),
		"key: not age":                   testkit.Case(&types.MsgRegisterEncryptionKey{Owner: author, Recipient: "ssh-ed25519 AAAA"}, types.ErrInvalidEncryptionKey),
		"params: valid":                  testkit.Case(&types.MsgUpdateParams{Authority: author, Params: types.DefaultParams()}, nil),
		"params: invalid":                testkit.Case(&types.MsgUpdateParams{Authority: author}, types.ErrInvalidParams),
	})
}
