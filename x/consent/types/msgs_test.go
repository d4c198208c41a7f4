package types_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/healthchain/healthd/x/consent/types"
)

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
	grant := func(f func(m *types.MsgGrantConsent)) *types.MsgGrantConsent {
		m := &types.MsgGrantConsent{Signer: patient, Patient: patient, Grantee: grantee, Purpose: "TREAT",
			Categories: []string{"laboratory"}, Start: &start, End: end}
		f(m)
		return m
	}
	for name, tc := range map[string]struct {
		msg  sdk.HasValidateBasic
		want error
	}{
		"grant: valid":                       {grant(func(*types.MsgGrantConsent) {}), nil},
		"grant: no start (now)":              {grant(func(m *types.MsgGrantConsent) { m.Start = nil }), nil},
		"grant: all categories":              {grant(func(m *types.MsgGrantConsent) { m.Categories, m.AllCategories = nil, true }), nil},
		"grant: unknown purpose":             {grant(func(m *types.MsgGrantConsent) { m.Purpose = "FOO" }), types.ErrUnknownPurpose},
		"grant: unknown category":            {grant(func(m *types.MsgGrantConsent) { m.Categories = []string{"Gossip"} }), types.ErrInvalidCategory},
		"grant: no category":                 {grant(func(m *types.MsgGrantConsent) { m.Categories = nil }), types.ErrInvalidCategory},
		"grant: end before start":            {grant(func(m *types.MsgGrantConsent) { m.End = start.Add(-time.Hour) }), types.ErrInvalidPeriod},
		"grant: end equals start":            {grant(func(m *types.MsgGrantConsent) { m.End = start }), types.ErrInvalidPeriod},
		"grant: no end":                      {grant(func(m *types.MsgGrantConsent) { m.End = time.Time{} }), types.ErrInvalidPeriod},
		"grant: grantee is the patient":      {grant(func(m *types.MsgGrantConsent) { m.Grantee = patient }), types.ErrGranteeIsPatient},
		"grant: patient not an address":      {grant(func(m *types.MsgGrantConsent) { m.Patient = "patient-1" }), types.ErrInvalidAddress},
		"grant: grantee with a bad checksum": {grant(func(m *types.MsgGrantConsent) { m.Grantee = grantee[:len(grantee)-1] + "x" }), types.ErrInvalidAddress},
		"grant: signer empty":                {grant(func(m *types.MsgGrantConsent) { m.Signer = "" }), types.ErrInvalidAddress},
		"amend: valid":                       {&types.MsgAmendConsent{Signer: patient, ConsentID: 3, Categories: []string{"laboratory"}, End: end}, nil},
		"amend: consent 0":                   {&types.MsgAmendConsent{Signer: patient, Categories: []string{"laboratory"}, End: end}, types.ErrConsentNotFound},
		"amend: bad category":                {&types.MsgAmendConsent{Signer: patient, ConsentID: 3, Categories: []string{"x"}, End: end}, types.ErrInvalidCategory},
		"amend: no end":                      {&types.MsgAmendConsent{Signer: patient, ConsentID: 3, AllCategories: true}, types.ErrInvalidPeriod},
		"revoke: valid":                      {&types.MsgRevokeConsent{Signer: patient, ConsentID: 3, Reason: types.RevocationReason_REVOCATION_REASON_PATIENT_REQUEST}, nil},
		"revoke: no reason":                  {&types.MsgRevokeConsent{Signer: patient, ConsentID: 3}, types.ErrInvalidReason},
		"revoke: unknown reason":             {&types.MsgRevokeConsent{Signer: patient, ConsentID: 3, Reason: 99}, types.ErrInvalidReason},
		"revoke: signer bad":                 {&types.MsgRevokeConsent{Signer: "me", ConsentID: 3, Reason: 1}, types.ErrInvalidAddress},
		"revoke all: valid":                  {&types.MsgRevokeAllForGrantee{Signer: patient, Patient: patient, Grantee: grantee, Reason: 1}, nil},
		"revoke all: grantee bad":            {&types.MsgRevokeAllForGrantee{Signer: patient, Patient: patient, Grantee: "x", Reason: 1}, types.ErrInvalidAddress},
		"guardian: valid":                    {&types.MsgAppointGuardian{Patient: patient, Guardian: guardian, End: end}, nil},
		"guardian: self":                     {&types.MsgAppointGuardian{Patient: patient, Guardian: patient, End: end}, types.ErrInvalidAddress},
		"guardian: no end":                   {&types.MsgAppointGuardian{Patient: patient, Guardian: guardian}, types.ErrInvalidPeriod},
		"remove guardian: valid":             {&types.MsgRemoveGuardian{Patient: patient, Guardian: guardian}, nil},
		"remove guardian: empty":             {&types.MsgRemoveGuardian{Patient: patient}, types.ErrInvalidAddress},
		"break glass: valid":                 {&types.MsgBreakGlass{Member: grantee, Patient: patient, Justification: 1}, nil},
		"break glass: no justification":      {&types.MsgBreakGlass{Member: grantee, Patient: patient}, types.ErrInvalidReason},
		"params: valid":                      {&types.MsgUpdateParams{Authority: guardian, Params: types.DefaultParams()}, nil},
		"params: invalid":                    {&types.MsgUpdateParams{Authority: guardian}, types.ErrInvalidParams},
	} {
		t.Run(name, func(t *testing.T) {
			err := tc.msg.ValidateBasic()
			if tc.want == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, tc.want)
		})
	}
}
