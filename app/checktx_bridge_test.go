package app_test

import (
	"strings"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/stretchr/testify/require"

	sdk "github.com/cosmos/cosmos-sdk/types"

	bridgetypes "github.com/healthchain/healthd/x/bridge/types"
)

// TestBridgeRefusedAtCheckTx: a bridge message's stateless checks (accounts,
// product, amounts, valid_until set, channel id form, unit reference, ids,
// params and pins) refuse the transaction at CheckTx, with the registered
// error, before any block. A well-formed prescription passes CheckTx although
// this chain has no bridge role and no channel: CheckTx does not run the msg
// server, whose stateful checks refuse it in the block.
func TestBridgeRefusedAtCheckTx(t *testing.T) {
	c := newTestChain(t)
	hospital, patient := c.accs["hospital"].addr.String(), c.accs["outsider"].addr.String()
	authority := c.accs["authority"].addr.String()
	send := func(f func(m *bridgetypes.MsgSendPrescription)) *bridgetypes.MsgSendPrescription {
		m := &bridgetypes.MsgSendPrescription{Prescriber: hospital, ChannelID: "channel-0", Patient: patient,
			GTIN: "09506000134352", Quantity: 1, ValidUntil: c.time.Add(30 * 24 * time.Hour)}
		f(m)
		return m
	}
	pin := bridgetypes.TrustedCounterparty{ChainID: "pharma-1", RevisionNumber: 1, RevisionHeight: 40,
		AppHash: strings.Repeat("9A", 32), NextValidatorsHash: strings.Repeat("4F", 32), Timestamp: c.time}
	checkTx := func(signer string, msg sdk.Msg) *abci.ResponseCheckTx {
		res, err := c.app.CheckTx(&abci.RequestCheckTx{Tx: c.signed(signer, msg), Type: abci.CheckTxType_New})
		require.NoError(t, err)
		return res
	}
	for name, tc := range map[string]struct {
		signer string
		msg    sdk.Msg
		want   uint32
	}{
		"send: patient not bech32": {"hospital", send(func(m *bridgetypes.MsgSendPrescription) { m.Patient = "patient-jane" }), bridgetypes.ErrInvalidAddress.ABCICode()},
		"send: GTIN check digit":   {"hospital", send(func(m *bridgetypes.MsgSendPrescription) { m.GTIN = "09506000134353" }), bridgetypes.ErrInvalidPrescription.ABCICode()},
		"send: quantity 0":         {"hospital", send(func(m *bridgetypes.MsgSendPrescription) { m.Quantity = 0 }), bridgetypes.ErrInvalidPrescription.ABCICode()},
		"send: no valid_until":     {"hospital", send(func(m *bridgetypes.MsgSendPrescription) { m.ValidUntil = time.Time{} }), bridgetypes.ErrInvalidPrescription.ABCICode()},
		"send: channel id bad":     {"hospital", send(func(m *bridgetypes.MsgSendPrescription) { m.ChannelID = "bridge/channel-0" }), bridgetypes.ErrInvalidChannel.ABCICode()},
		"verify: not a unit": {"hospital", &bridgetypes.MsgRequestVerification{Requester: hospital, ChannelID: "channel-0", Unit: "not a unit"},
			bridgetypes.ErrInvalidUnit.ABCICode()},
		"resend: prescription 0": {"hospital", &bridgetypes.MsgResendPrescription{Prescriber: hospital}, bridgetypes.ErrPrescriptionNotFound.ABCICode()},
		"resend notice: id 0":    {"hospital", &bridgetypes.MsgResendNotice{Sender: hospital}, bridgetypes.ErrNotFound.ABCICode()},
		"params: no timeout":     {"authority", &bridgetypes.MsgUpdateParams{Authority: authority}, bridgetypes.ErrInvalidParams.ABCICode()},
		"trust: pin without chain id": {"authority", &bridgetypes.MsgTrustCounterparty{Authority: authority, Counterparty: func() bridgetypes.TrustedCounterparty {
			p := pin
			p.ChainID = ""
			return p
		}()}, bridgetypes.ErrInvalidParams.ABCICode()},
		"retire: channel id bad": {"authority", &bridgetypes.MsgRetireChannel{Authority: authority, ChannelID: "ch"}, bridgetypes.ErrInvalidChannel.ABCICode()},
	} {
		t.Run(name, func(t *testing.T) {
			res := checkTx(tc.signer, tc.msg)
			require.Equal(t, bridgetypes.ModuleName, res.Codespace, res.Log)
			require.Equal(t, tc.want, res.Code, res.Log)
		})
	}
	trust := checkTx("authority", &bridgetypes.MsgTrustCounterparty{Authority: authority, Counterparty: pin})
	require.Zero(t, trust.Code, trust.Log)

	// The same transaction passes CheckTx and is refused in the block by the
	// msg server: the chain has no bridge role.
	tx := c.signed("hospital", send(func(*bridgetypes.MsgSendPrescription) {}))
	ok, err := c.app.CheckTx(&abci.RequestCheckTx{Tx: tx, Type: abci.CheckTxType_New})
	require.NoError(t, err)
	require.Zero(t, ok.Code, ok.Log)
	res := c.nextBlock(tx)[0]
	require.Equal(t, bridgetypes.ModuleName, res.Codespace, res.Log)
	require.Equal(t, bridgetypes.ErrWrongRole.ABCICode(), res.Code, res.Log)
}
