package app_test

import (
	"math/rand"
	"strings"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/stretchr/testify/require"

	sdkmath "cosmossdk.io/math"

	simtestutil "github.com/cosmos/cosmos-sdk/testutil/sims"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/healthchain/healthd/internal/unixfs"
	claimstypes "github.com/healthchain/healthd/x/claims/types"
	consenttypes "github.com/healthchain/healthd/x/consent/types"
	recordstypes "github.com/healthchain/healthd/x/records/types"
)

// signed signs msgs with the named account at its current sequence.
func (c *testChain) signed(signer string, msgs ...sdk.Msg) []byte {
	c.t.Helper()
	acc := c.app.AccountKeeper.GetAccount(c.ctx(), c.accs[signer].addr)
	require.NotNil(c.t, acc, "account %s", signer)
	tx, err := simtestutil.GenSignedMockTx(rand.New(rand.NewSource(c.height)), c.app.TxConfig(), msgs,
		sdk.NewCoins(), 2_000_000, chainID, []uint64{acc.GetAccountNumber()}, []uint64{acc.GetSequence()}, c.accs[signer].priv)
	require.NoError(c.t, err)
	bz, err := c.app.TxConfig().TxEncoder()(tx)
	require.NoError(c.t, err)
	return bz
}

// TestConsentRefusedAtCheckTx: a consent's stateless checks (purpose and
// category vocabularies, the period, the accounts, reason codes) refuse the
// transaction at CheckTx, with the registered error, before any block: the
// CLI's sync broadcast shows it at once. A well-formed one passes CheckTx
// (its stateful checks run in the block).
func TestConsentRefusedAtCheckTx(t *testing.T) {
	c := newTestChain(t)
	patient, grantee := c.accs["outsider"].addr.String(), c.accs["hospital"].addr.String()
	end := c.time.Add(30 * 24 * time.Hour)
	grant := func(f func(m *consenttypes.MsgGrantConsent)) *consenttypes.MsgGrantConsent {
		m := &consenttypes.MsgGrantConsent{Signer: patient, Patient: patient, Grantee: grantee, Purpose: "TREAT",
			Categories: []string{"Observation"}, End: end}
		f(m)
		return m
	}
	checkTx := func(msg sdk.Msg) *abci.ResponseCheckTx {
		res, err := c.app.CheckTx(&abci.RequestCheckTx{Tx: c.signed("outsider", msg), Type: abci.CheckTxType_New})
		require.NoError(t, err)
		return res
	}
	for name, tc := range map[string]struct {
		msg  sdk.Msg
		want uint32
	}{
		"purpose FOO":           {grant(func(m *consenttypes.MsgGrantConsent) { m.Purpose = "FOO" }), consenttypes.ErrUnknownPurpose.ABCICode()},
		"unknown category":      {grant(func(m *consenttypes.MsgGrantConsent) { m.Categories = []string{"Gossip"} }), consenttypes.ErrInvalidCategory.ABCICode()},
		"end before start":      {grant(func(m *consenttypes.MsgGrantConsent) { s := end.Add(time.Hour); m.Start = &s }), consenttypes.ErrInvalidPeriod.ABCICode()},
		"grantee is patient":    {grant(func(m *consenttypes.MsgGrantConsent) { m.Grantee = patient }), consenttypes.ErrGranteeIsPatient.ABCICode()},
		"grantee not bech32":    {grant(func(m *consenttypes.MsgGrantConsent) { m.Grantee = "hospital" }), consenttypes.ErrInvalidAddress.ABCICode()},
		"revoke without reason": {&consenttypes.MsgRevokeConsent{Signer: patient, ConsentID: 1}, consenttypes.ErrInvalidReason.ABCICode()},
		// the justification goes sealed: without a commitment and an age
		// ciphertext the message never reaches a block
		"break glass, justification not sealed": {&consenttypes.MsgBreakGlass{Member: grantee, Patient: patient,
			JustificationCommitment: make([]byte, 32), JustificationCiphertext: []byte("patient-unconscious")}, consenttypes.ErrInvalidJustification.ABCICode()},
	} {
		t.Run(name, func(t *testing.T) {
			res := checkTx(tc.msg)
			require.Equal(t, consenttypes.ModuleName, res.Codespace, res.Log)
			require.Equal(t, tc.want, res.Code, res.Log)
		})
	}
	ok := checkTx(grant(func(*consenttypes.MsgGrantConsent) {}))
	require.Zero(t, ok.Code, ok.Log)
}

// TestRecordsRefusedAtCheckTx: a record anchor or access request that fails
// its stateless checks is refused at CheckTx with the registered error.
func TestRecordsRefusedAtCheckTx(t *testing.T) {
	c := newTestChain(t)
	author, patient := c.accs["hospital"].addr.String(), c.accs["outsider"].addr.String()
	digest := make([]byte, 32)
	for name, tc := range map[string]struct {
		msg       sdk.Msg
		codespace string
		want      uint32
	}{
		"anchor: unknown category": {&recordstypes.MsgAnchorRecord{Author: author, Patient: patient, Format: recordstypes.Format_FORMAT_FHIR_R4,
			Kind: "Observation", Category: "Gossip", Commitment: digest, CID: unixfs.SumBytes([]byte("x")), BlobSize: 1},
			recordstypes.ModuleName, recordstypes.ErrInvalidCategory.ABCICode()},
		"anchor: CIDv0": {&recordstypes.MsgAnchorRecord{Author: author, Patient: patient, Format: recordstypes.Format_FORMAT_FHIR_R4,
			Kind: "Observation", Category: "laboratory", Commitment: digest, CID: "QmaozNR7DZHQK1ZcU9p7QdrshMvXqWK6gpu5rmrkPdT3L4", BlobSize: 1},
			recordstypes.ModuleName, recordstypes.ErrInvalidCID.ABCICode()},
		"access: purpose FOO": {&recordstypes.MsgRequestAccess{Grantee: author, RecordID: 1, Purpose: "FOO"},
			consenttypes.ModuleName, consenttypes.ErrUnknownPurpose.ABCICode()},
		"erase: record 0": {&recordstypes.MsgEraseRecord{Signer: patient},
			recordstypes.ModuleName, recordstypes.ErrRecordNotFound.ABCICode()},
	} {
		t.Run(name, func(t *testing.T) {
			res, err := c.app.CheckTx(&abci.RequestCheckTx{Tx: c.signed("hospital", tc.msg), Type: abci.CheckTxType_New})
			require.NoError(t, err)
			require.Equal(t, tc.codespace, res.Codespace, res.Log)
			require.Equal(t, tc.want, res.Code, res.Log)
		})
	}
}

// TestClaimsRefusedAtCheckTx: a claim or plan that fails its stateless checks
// is refused at CheckTx with the registered error.
func TestClaimsRefusedAtCheckTx(t *testing.T) {
	c := newTestChain(t)
	provider, patient := c.accs["hospital"].addr.String(), c.accs["outsider"].addr.String()
	for name, tc := range map[string]struct {
		msg  sdk.Msg
		want uint32
	}{
		"claim: diagnoses in clear": {&claimstypes.MsgSubmitClaim{Provider: provider, Patient: patient, CoverageID: 1, ServiceDate: c.time,
			DiagnosesCommitment: make([]byte, claimstypes.DiagnosesCommitmentSize),
			DiagnosesCiphertext: []byte(`["diabetes"]` + strings.Repeat(" ", claimstypes.MinDiagnosesCiphertext)),
			Lines:               []claimstypes.ClaimLine{{System: claimstypes.CodeSystem_CODE_SYSTEM_CPT, Code: "99213", Units: 1, Charge: sdkmath.NewInt(200)}}},
			claimstypes.ErrInvalidDiagnoses.ABCICode()},
		"plan: no services": {&claimstypes.MsgCreatePlan{Payer: provider, Name: "Bronze", Deductible: sdkmath.ZeroInt(),
			OutOfPocketMax: sdkmath.ZeroInt(), ReviewThreshold: sdkmath.ZeroInt()}, claimstypes.ErrInvalidPlan.ABCICode()},
	} {
		t.Run(name, func(t *testing.T) {
			res, err := c.app.CheckTx(&abci.RequestCheckTx{Tx: c.signed("hospital", tc.msg), Type: abci.CheckTxType_New})
			require.NoError(t, err)
			require.Equal(t, claimstypes.ModuleName, res.Codespace, res.Log)
			require.Equal(t, tc.want, res.Code, res.Log)
		})
	}
}
