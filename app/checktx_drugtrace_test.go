package app_test

import (
	"strconv"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/stretchr/testify/require"

	sdk "github.com/cosmos/cosmos-sdk/types"

	drugtracetypes "github.com/healthchain/healthd/x/drugtrace/types"
)

// TestDrugtraceRefusedAtCheckTx: a drugtrace message that fails its stateless
// checks (addresses, GTIN and SSCC check digits, serial, lot and expiry
// formats, unit identifiers, references, vocabularies, ids, list sizes and
// duplicates) is refused at CheckTx, with the registered error, before any
// block. A well-formed one passes CheckTx (its stateful checks, roles first,
// run in the block).
func TestDrugtraceRefusedAtCheckTx(t *testing.T) {
	c := newTestChain(t)
	me, other := c.accs["outsider"].addr.String(), c.accs["hospital"].addr.String()
	const gtin, badGTIN, lot = "09506000134352", "09506000134353", "LOT24A"
	const sscc, badSSCC = "106141411234567897", "106141411234567898"
	commission := func(f func(m *drugtracetypes.MsgCommission)) *drugtracetypes.MsgCommission {
		m := &drugtracetypes.MsgCommission{Manufacturer: me, GTIN: gtin, Lot: lot, Expiry: "2028-06-30", Serials: []string{"SN1", "SN2"}}
		f(m)
		return m
	}
	recall := func(f func(m *drugtracetypes.MsgRecall)) *drugtracetypes.MsgRecall {
		m := &drugtracetypes.MsgRecall{Actor: me, GTIN: gtin, Lot: lot,
			Class: drugtracetypes.RecallClass_RECALL_CLASS_II, ReasonCode: drugtracetypes.RecallReason_RECALL_REASON_CONTAMINATION}
		f(m)
		return m
	}
	tooMany := make([]string, drugtracetypes.MaxBatchUnitsLimit+1)
	for i := range tooMany {
		tooMany[i] = strconv.Itoa(i)
	}
	checkTx := func(msg sdk.Msg) *abci.ResponseCheckTx {
		res, err := c.app.CheckTx(&abci.RequestCheckTx{Tx: c.signed("outsider", msg), Type: abci.CheckTxType_New})
		require.NoError(t, err)
		return res
	}
	for name, tc := range map[string]struct {
		msg  sdk.Msg
		code uint32
	}{
		"address: recipient not bech32": {msg: &drugtracetypes.MsgShip{Actor: me, To: "pharmacy", Units: []string{gtin + "/SN1"}},
			code: drugtracetypes.ErrInvalidAddress.ABCICode()},
		"address: shipping to oneself": {msg: &drugtracetypes.MsgShip{Actor: me, To: me, Units: []string{gtin + "/SN1"}},
			code: drugtracetypes.ErrInvalidRecipient.ABCICode()},
		"GTIN: check digit": {msg: commission(func(m *drugtracetypes.MsgCommission) { m.GTIN = badGTIN }),
			code: drugtracetypes.ErrInvalidGTIN.ABCICode()},
		"product: no name": {msg: &drugtracetypes.MsgRegisterProduct{Manufacturer: me, GTIN: gtin},
			code: drugtracetypes.ErrInvalidProduct.ABCICode()},
		"serial: outside GS1 set 82": {msg: commission(func(m *drugtracetypes.MsgCommission) { m.Serials = []string{"SN 1"} }),
			code: drugtracetypes.ErrInvalidSerial.ABCICode()},
		"lot: empty": {msg: commission(func(m *drugtracetypes.MsgCommission) { m.Lot = "" }),
			code: drugtracetypes.ErrInvalidLot.ABCICode()},
		"expiry: not YYYY-MM-DD": {msg: commission(func(m *drugtracetypes.MsgCommission) { m.Expiry = "280630" }),
			code: drugtracetypes.ErrInvalidExpiry.ABCICode()},
		"list: serial twice": {msg: commission(func(m *drugtracetypes.MsgCommission) { m.Serials = []string{"SN1", "SN1"} }),
			code: drugtracetypes.ErrDuplicateSerial.ABCICode()},
		"list: empty": {msg: &drugtracetypes.MsgShip{Actor: me, To: other},
			code: drugtracetypes.ErrEmptyBatch.ABCICode()},
		"list: over the limit": {msg: commission(func(m *drugtracetypes.MsgCommission) { m.Serials = tooMany }),
			code: drugtracetypes.ErrBatchTooLarge.ABCICode()},
		"SSCC: check digit": {msg: &drugtracetypes.MsgPack{Actor: me, SSCC: badSSCC, Units: []string{gtin + "/SN1"}},
			code: drugtracetypes.ErrInvalidSSCC.ABCICode()},
		"unit: not an identifier": {msg: &drugtracetypes.MsgDispense{Actor: me, Unit: "(01)" + gtin, PatientRef: other},
			code: drugtracetypes.ErrInvalidUnitRef.ABCICode()},
		"unit and lot both named": {msg: &drugtracetypes.MsgQuarantine{Actor: me, Unit: gtin + "/SN1", GTIN: gtin, Lot: lot},
			code: drugtracetypes.ErrInvalidUnitRef.ABCICode()},
		"reference: patient named": {msg: &drugtracetypes.MsgDispense{Actor: me, Unit: gtin + "/SN1", PatientRef: "Jane Doe"},
			code: drugtracetypes.ErrInvalidReference.ABCICode()},
		"enum: no decommission reason": {msg: &drugtracetypes.MsgDecommission{Actor: me, Unit: gtin + "/SN1"},
			code: drugtracetypes.ErrInvalidStatus.ABCICode()},
		"enum: recall without class": {msg: recall(func(m *drugtracetypes.MsgRecall) { m.Class = 0 }),
			code: drugtracetypes.ErrInvalidRecall.ABCICode()},
		"enum: recall reason unknown": {msg: recall(func(m *drugtracetypes.MsgRecall) { m.ReasonCode = 99 }),
			code: drugtracetypes.ErrInvalidRecall.ABCICode()},
		"id: shipment 0": {msg: &drugtracetypes.MsgReceive{Actor: me},
			code: drugtracetypes.ErrShipmentNotFound.ABCICode()},
		"params: out of range": {msg: &drugtracetypes.MsgUpdateParams{Authority: me, Params: drugtracetypes.Params{MaxBatchUnits: 0, GasPerUnit: 1}},
			code: drugtracetypes.ErrInvalidParams.ABCICode()},
		"container twice": {msg: &drugtracetypes.MsgShip{Actor: me, To: other, Containers: []string{sscc, "(00)" + sscc}},
			code: drugtracetypes.ErrInvalidSSCC.ABCICode()},
	} {
		t.Run(name, func(t *testing.T) {
			res := checkTx(tc.msg)
			require.Equal(t, drugtracetypes.ModuleName, res.Codespace, res.Log)
			require.Equal(t, tc.code, res.Code, res.Log)
		})
	}

	// Well formed: CheckTx lets them through (the outsider's missing role is
	// for the block to refuse). A GTIN-13 is well formed.
	for name, msg := range map[string]sdk.Msg{
		"recall":     recall(func(*drugtracetypes.MsgRecall) {}),
		"commission": commission(func(m *drugtracetypes.MsgCommission) { m.GTIN = gtin[1:] }),
		"dispense": &drugtracetypes.MsgDispense{Actor: me, Unit: "(01)" + gtin + "(17)280630(10)" + lot + "(21)SN1", PatientRef: other,
			PrescriptionCommitment: drugtracetypes.PrescriptionCommitment(drugtracetypes.PrescriptionSalt(make([]byte, 32), gtin+"/SN1"), "RX-42")},
	} {
		ok := checkTx(msg)
		require.Zero(t, ok.Code, "%s: %s", name, ok.Log)
	}
}
