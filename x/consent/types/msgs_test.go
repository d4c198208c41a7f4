package types_test

import (
	"testing"
	"time"

	"filippo.io/age"
	"github.com/stretchr/testify/require"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/healthchain/healthd/internal/testkit"
	"github.com/healthchain/healthd/x/consent/client/consentclient"
	"github.com/healthchain/healthd/x/consent/types"
)

// sealJustification seals a justification as the CLI does, to a fresh key.
func sealJustification(t *testing.T) *consentclient.SealedJustification {
	t.Helper()
	id, err := age.GenerateX25519Identity()
	require.NoError(t, err)
	sealed, err := consentclient.SealJustification(types.JustificationCode_JUSTIFICATION_CODE_LIFE_THREATENING, id.Recipient())
	require.NoError(t, err)
	return sealed
}

func addr(seed byte) string { return sdk.AccAddress(make20(seed)).String() }

func make20(seed byte) []byte {
	b := make([]byte, 20)
	for i := range b {
		b[i] = seed + byte(i)
	}
	return b
}

// TestValidateBasic: each stateless check of each message refuses with its
// registered error; what passes here is left to the msg server's stateful
// checks. These run at CheckTx (app TestConsentRefusedAtCheckTx).
func TestValidateBasic(t *testing.T) {
	patient, grantee, guardian := addr(1), addr(40), addr(80)
	start := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	end := start.AddDate(0, 6, 0)
	sealed := sealJustification(t)
	grant := func(f func(m *types.MsgGrantConsent)) *types.MsgGrantConsent {
		m := &types.MsgGrantConsent{Signer: patient, Patient: patient, Grantee: grantee, Purpose: "TREAT",
			Categories: []string{"laboratory"}, Start: &start, End: end}
		f(m)
		return m
	}
	testkit.ValidateBasic(t, map[string]testkit.BasicCase{
		"grant: valid":                       testkit.Case(grant(func(*types.MsgGrantConsent) {}), nil),
		"grant: no start (now)":              testkit.Case(grant(func(m *types.MsgGrantConsent) { m.Start = nil }), nil),
		"grant: all categories":              testkit.Case(grant(func(m *types.MsgGrantConsent) { m.Categories, m.AllCategories = nil, true }), nil),
		"grant: unknown purpose":             testkit.Case(grant(func(m *types.MsgGrantConsent) { m.Purpose = "FOO" }), types.ErrUnknownPurpose),
		"grant: unknown category":            testkit.Case(grant(func(m *types.MsgGrantConsent) { m.Categories = []string{"Gossip"} }), types.ErrInvalidCategory),
		"grant: no category":                 testkit.Case(grant(func(m *types.MsgGrantConsent) { m.Categories = nil }), types.ErrInvalidCategory),
		"grant: end before start":            testkit.Case(grant(func(m *types.MsgGrantConsent) { m.End = start.Add(-time.Hour) }), types.ErrInvalidPeriod),
		"grant: end equals start":            testkit.Case(grant(func(m *types.MsgGrantConsent) { m.End = start }), types.ErrInvalidPeriod),
		"grant: no end":                      testkit.Case(grant(func(m *types.MsgGrantConsent) { m.End = time.Time{} }), types.ErrInvalidPeriod),
		"grant: grantee is the patient":      testkit.Case(grant(func(m *types.MsgGrantConsent) { m.Grantee = patient }), types.ErrGranteeIsPatient),
		"grant: patient not an address":      testkit.Case(grant(func(m *types.MsgGrantConsent) { m.Patient = "patient-1" }), types.ErrInvalidAddress),
		"grant: grantee with a bad checksum": testkit.Case(grant(func(m *types.MsgGrantConsent) { m.Grantee = grantee[:len(grantee)-1] + "x" }), types.ErrInvalidAddress),
		"grant: signer empty":                testkit.Case(grant(func(m *types.MsgGrantConsent) { m.Signer = "" }), types.ErrInvalidAddress),
		"amend: valid":                       testkit.Case(&types.MsgAmendConsent{Signer: patient, ConsentID: 3, Categories: []string{"laboratory"}, End: end}, nil),
		"amend: consent 0":                   testkit.Case(&types.MsgAmendConsent{Signer: patient, Categories: []string{"laboratory"}, End: end}, types.ErrConsentNotFound),
		"amend: bad category":                testkit.Case(&types.MsgAmendConsent{Signer: patient, ConsentID: 3, Categories: []string{"x"}, End: end}, types.ErrInvalidCategory),
		"amend: no end":                      testkit.Case(&types.MsgAmendConsent{Signer: patient, ConsentID: 3, AllCategories: true}, types.ErrInvalidPeriod),
		"revoke: valid":                      testkit.Case(&types.MsgRevokeConsent{Signer: patient, ConsentID: 3, Reason: types.RevocationReason_REVOCATION_REASON_PATIENT_REQUEST}, nil),
		"revoke: no reason":                  testkit.Case(&types.MsgRevokeConsent{Signer: patient, ConsentID: 3}, types.ErrInvalidReason),
		"revoke: unknown reason":             testkit.Case(&types.MsgRevokeConsent{Signer: patient, ConsentID: 3, Reason: 99}, types.ErrInvalidReason),
		"revoke: signer bad":                 testkit.Case(&types.MsgRevokeConsent{Signer: "me", ConsentID: 3, Reason: 1}, types.ErrInvalidAddress),
		"revoke all: valid":                  testkit.Case(&types.MsgRevokeAllForGrantee{Signer: patient, Patient: patient, Grantee: grantee, Reason: 1}, nil),
		"revoke all: grantee bad":            testkit.Case(&types.MsgRevokeAllForGrantee{Signer: patient, Patient: patient, Grantee: "x", Reason: 1}, types.ErrInvalidAddress),
		"guardian: valid":                    testkit.Case(&types.MsgAppointGuardian{Patient: patient, Guardian: guardian, End: end}, nil),
		"guardian: self":                     testkit.Case(&types.MsgAppointGuardian{Patient: patient, Guardian: patient, End: end}, types.ErrInvalidAddress),
		"guardian: no end":                   testkit.Case(&types.MsgAppointGuardian{Patient: patient, Guardian: guardian}, types.ErrInvalidPeriod),
		"remove guardian: valid":             testkit.Case(&types.MsgRemoveGuardian{Patient: patient, Guardian: guardian}, nil),
		"remove guardian: empty":             testkit.Case(&types.MsgRemoveGuardian{Patient: patient}, types.ErrInvalidAddress),
		"break glass: valid":                 testkit.Case(&types.MsgBreakGlass{Member: grantee, Patient: patient, JustificationCommitment: sealed.Commitment, JustificationCiphertext: sealed.Ciphertext}, nil),
		"break glass: no justification":      testkit.Case(&types.MsgBreakGlass{Member: grantee, Patient: patient}, types.ErrInvalidJustification),
		"break glass: no ciphertext":         testkit.Case(&types.MsgBreakGlass{Member: grantee, Patient: patient, JustificationCommitment: sealed.Commitment}, types.ErrInvalidJustification),
		"break glass: clear ciphertext":      testkit.Case(&types.MsgBreakGlass{Member: grantee, Patient: patient, JustificationCommitment: sealed.Commitment, JustificationCiphertext: make([]byte, len(sealed.Ciphertext))}, types.ErrInvalidJustification),
		"break glass: member bad":            testkit.Case(&types.MsgBreakGlass{Member: "x", Patient: patient, JustificationCommitment: sealed.Commitment, JustificationCiphertext: sealed.Ciphertext}, types.ErrInvalidAddress),
		"params: valid":                      testkit.Case(&types.MsgUpdateParams{Authority: guardian, Params: types.DefaultParams()}, nil),
		"params: invalid":                    testkit.Case(&types.MsgUpdateParams{Authority: guardian}, types.ErrInvalidParams),
	})
}
