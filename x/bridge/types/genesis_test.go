package types_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/healthchain/healthd/x/bridge/types"
	drugtracetypes "github.com/healthchain/healthd/x/drugtrace/types"
)

var genesisTime = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// validGenesis has one of everything.
func validGenesis() types.GenesisState {
	return types.GenesisState{
		Params: validParams(),
		Prescriptions: []types.Prescription{{
			ID: 1, Prescriber: addrA, Patient: addrB, GTIN: gtinA, Quantity: 2, Refills: 1,
			ValidUntil: genesisTime.AddDate(0, 6, 0), IssuedAt: genesisTime,
			Status: types.PrescriptionStatus_PRESCRIPTION_STATUS_OPEN, Dispensed: 4,
			ChannelID: "channel-0", CounterpartyChainID: "pharma-1", Sequence: 1, RemoteID: 9,
		}},
		MedicationHistory: []types.MedicationEntry{{
			Patient: addrB, Seq: 1, PrescriptionID: 1, GTIN: gtinA, Serial: "SN-0001", Lot: "LOT42",
			Expiry: "2027-06-30", Pharmacy: addrC, DispensedAt: genesisTime, ChannelID: "channel-0",
		}},
		Verifications: []types.Verification{{
			ID: 1, Requester: addrA, Unit: gtinA + "/SN-0001", ChannelID: "channel-0", Sequence: 2,
			Status:  types.VerificationStatus_VERIFICATION_STATUS_ANSWERED,
			Verdict: drugtracetypes.Verdict_VERDICT_AUTHENTIC_SALEABLE, AskedAt: genesisTime, AnsweredAt: genesisTime,
		}},
		RecallNotices: []types.RecallNotice{{
			GTIN: gtinA, Lot: "LOT42", Reason: "QUALITY_DEFECT", RecalledAt: genesisTime, ReceivedAt: genesisTime,
			ChannelID: "channel-0", Patients: 1,
		}},
		Pending: []types.PendingPacket{{
			ChannelID: "channel-0", CounterpartyChainID: "pharma-1", Sequence: 3, Kind: types.PacketKind_PACKET_KIND_VERIFY, Ref: 1, SentAt: genesisTime,
		}},
		Undelivered: []types.Undelivered{{
			ID: 1, ChannelID: "channel-0", CounterpartyChainID: "pharma-1", Kind: types.PacketKind_PACKET_KIND_DISPENSE,
			Reason: types.UndeliveredReason_UNDELIVERED_REASON_TIMEOUT, Data: enc(dispenseData()), At: genesisTime,
		}},
		Channels:           []types.BridgeChannel{{ChannelID: "channel-0", CounterpartyChainID: "pharma-1", ClientID: "07-tendermint-0"}},
		ClientOrigins:      []types.ClientOrigin{{ClientID: "07-tendermint-0", Origin: pin("pharma-1"), CreatedAt: 3}},
		NextClientSeq:      1,
		NextPrescriptionID: 2, NextVerificationID: 2, NextUndeliveredID: 2, NextHistorySeq: 2,
	}
}

func TestGenesisValidate(t *testing.T) {
	with := func(m func(*types.GenesisState)) types.GenesisState {
		gs := validGenesis()
		m(&gs)
		return gs
	}
	presc := func(m func(*types.Prescription)) types.GenesisState {
		return with(func(gs *types.GenesisState) { m(&gs.Prescriptions[0]) })
	}

	valid := map[string]types.GenesisState{
		"default":              *types.DefaultGenesisState(),
		"one of everything":    validGenesis(),
		"pharma role":          with(func(gs *types.GenesisState) { gs.Params.Role = types.ChainRole_CHAIN_ROLE_PHARMA }),
		"prescription by ndc":  presc(func(p *types.Prescription) { p.GTIN, p.NDC = "", ndcA }),
		"nothing dispensed":    presc(func(p *types.Prescription) { p.Dispensed = 0 }),
		"pending prescription": presc(func(p *types.Prescription) { p.Status = types.PrescriptionStatus_PRESCRIPTION_STATUS_PENDING }),
		"closed prescription":  presc(func(p *types.Prescription) { p.Status = types.PrescriptionStatus_PRESCRIPTION_STATUS_CLOSED }),
		"undelivered recall": with(func(gs *types.GenesisState) {
			gs.Undelivered[0].Data, gs.Undelivered[0].Kind = enc(recallData()), types.PacketKind_PACKET_KIND_RECALL
		}),
		"same seq, two patients": with(func(gs *types.GenesisState) {
			gs.MedicationHistory = append(gs.MedicationHistory, types.MedicationEntry{Patient: addrA, Seq: 1})
		}),
		"same sequence, two channels": with(func(gs *types.GenesisState) {
			gs.Pending = append(gs.Pending, types.PendingPacket{ChannelID: "channel-1", Sequence: 3, Kind: types.PacketKind_PACKET_KIND_RECALL})
		}),
		"two prescriptions": with(func(gs *types.GenesisState) {
			p := gs.Prescriptions[0]
			p.ID = 5
			gs.Prescriptions = append(gs.Prescriptions, p)
			gs.NextPrescriptionID = 6
		}),
	}
	for name, gs := range valid {
		t.Run("valid "+name, func(t *testing.T) { require.NoError(t, gs.Validate()) })
	}

	invalidParams := map[string]types.GenesisState{
		"role 7":      with(func(gs *types.GenesisState) { gs.Params.Role = 7 }),
		"timeout 30s": with(func(gs *types.GenesisState) { gs.Params.PacketTimeout = 30 * time.Second }),
		"bad pin": with(func(gs *types.GenesisState) {
			gs.Params.TrustedCounterparties = []types.TrustedCounterparty{{ChainID: "pharma-1"}}
		}),
		"zero params": with(func(gs *types.GenesisState) { gs.Params = types.Params{} }),
		"17 pins":     with(func(gs *types.GenesisState) { gs.Params.TrustedCounterparties = pins(17) }),
		"pin twice": with(func(gs *types.GenesisState) {
			gs.Params.TrustedCounterparties = []types.TrustedCounterparty{pin("pharma-1"), pin("pharma-1")}
		}),
	}
	for name, gs := range invalidParams {
		t.Run("invalid params "+name, func(t *testing.T) {
			require.ErrorIs(t, gs.Validate(), types.ErrInvalidParams)
		})
	}

	invalid := map[string]types.GenesisState{
		"prescription on a bad channel": presc(func(p *types.Prescription) { p.ChannelID = "Not A Channel" }),
		"same source opened twice": with(func(gs *types.GenesisState) {
			gs.Prescriptions[0].SourceID = 4
			p := gs.Prescriptions[0]
			p.ID = 2
			gs.Prescriptions = append(gs.Prescriptions, p)
			gs.NextPrescriptionID = 3
		}),
		"pending verification not in genesis": with(func(gs *types.GenesisState) { gs.Pending[0].Ref = 7 }),
		"pending prescription not in genesis": with(func(gs *types.GenesisState) {
			gs.Pending[0].Kind, gs.Pending[0].Ref = types.PacketKind_PACKET_KIND_PRESCRIPTION, 7
		}),
		"undelivered kind unspecified":             with(func(gs *types.GenesisState) { gs.Undelivered[0].Kind = types.PacketKind_PACKET_KIND_UNSPECIFIED }),
		"undelivered kind disagrees with data":     with(func(gs *types.GenesisState) { gs.Undelivered[0].Kind = types.PacketKind_PACKET_KIND_RECALL }),
		"undelivered on a bad channel":             with(func(gs *types.GenesisState) { gs.Undelivered[0].ChannelID = "x" }),
		"recall notice with a bad GTIN":            with(func(gs *types.GenesisState) { gs.RecallNotices[0].GTIN = "bogus" }),
		"recall notice notifying without a cursor": with(func(gs *types.GenesisState) { gs.RecallNotices[0].Notifying = true }),
		"recall notice cursor without notifying":   with(func(gs *types.GenesisState) { gs.RecallNotices[0].NextPatient = addrA }),
		"recall notice twice": with(func(gs *types.GenesisState) {
			gs.RecallNotices = append(gs.RecallNotices, gs.RecallNotices[0])
		}),
		"prescription id 0":           presc(func(p *types.Prescription) { p.ID = 0 }),
		"prescription id = next id":   presc(func(p *types.Prescription) { p.ID = 2 }),
		"prescription id > next id":   presc(func(p *types.Prescription) { p.ID = 100 }),
		"prescription with next id 0": with(func(gs *types.GenesisState) { gs.NextPrescriptionID = 0 }),
		"prescription duplicate id": with(func(gs *types.GenesisState) {
			gs.Prescriptions = append(gs.Prescriptions, gs.Prescriptions[0])
			gs.NextPrescriptionID = 3
		}),
		"prescription status unspec":   presc(func(p *types.Prescription) { p.Status = types.PrescriptionStatus_PRESCRIPTION_STATUS_UNSPECIFIED }),
		"prescription status 99":       presc(func(p *types.Prescription) { p.Status = 99 }),
		"prescription missing patient": presc(func(p *types.Prescription) { p.Patient = "" }),
		"prescription no prescriber":   presc(func(p *types.Prescription) { p.Prescriber = "" }),
		"prescription gtin and ndc":    presc(func(p *types.Prescription) { p.NDC = ndcA }),
		"prescription no product":      presc(func(p *types.Prescription) { p.GTIN = "" }),
		"prescription bad gtin":        presc(func(p *types.Prescription) { p.GTIN = "09506000134353" }),
		"prescription bad ndc":         presc(func(p *types.Prescription) { p.GTIN, p.NDC = "", "1-2-3" }),
		"prescription quantity 0":      presc(func(p *types.Prescription) { p.Quantity = 0; p.Dispensed = 0 }),
		"prescription quantity 1001":   presc(func(p *types.Prescription) { p.Quantity = 1001 }),
		"prescription refills 13":      presc(func(p *types.Prescription) { p.Refills = 13 }),
		"prescription over-dispensed":  presc(func(p *types.Prescription) { p.Dispensed = 5 }),
		"prescription huge dispensed":  presc(func(p *types.Prescription) { p.Dispensed = ^uint32(0) }),

		"history seq = next seq": with(func(gs *types.GenesisState) { gs.MedicationHistory[0].Seq = 2 }),
		"history seq > next seq": with(func(gs *types.GenesisState) { gs.MedicationHistory[0].Seq = 50 }),
		"history seq 0":          with(func(gs *types.GenesisState) { gs.MedicationHistory[0].Seq = 0 }),
		"history no patient":     with(func(gs *types.GenesisState) { gs.MedicationHistory[0].Patient = "" }),
		"history duplicate": with(func(gs *types.GenesisState) {
			gs.MedicationHistory = append(gs.MedicationHistory, gs.MedicationHistory[0])
		}),
		"history with next seq 0": with(func(gs *types.GenesisState) { gs.NextHistorySeq = 0 }),
		"verification duplicate": with(func(gs *types.GenesisState) {
			gs.Verifications = append(gs.Verifications, gs.Verifications[0])
			gs.NextVerificationID = 3
		}),
		"verification id 0":        with(func(gs *types.GenesisState) { gs.Verifications[0].ID = 0 }),
		"verification id = next":   with(func(gs *types.GenesisState) { gs.Verifications[0].ID = 2 }),
		"undelivered garbage data": with(func(gs *types.GenesisState) { gs.Undelivered[0].Data = []byte("garbage") }),
		"undelivered empty data":   with(func(gs *types.GenesisState) { gs.Undelivered[0].Data = nil }),
		"undelivered invalid data": with(func(gs *types.GenesisState) {
			gs.Undelivered[0].Data = enc(dispenseData(func(p *types.DispensePacket) { p.Serial = "" }))
		}),
		"undelivered non-canonical": with(func(gs *types.GenesisState) { gs.Undelivered[0].Data = cat(enc(dispenseData()), unknownField) }),
		"undelivered id 0":          with(func(gs *types.GenesisState) { gs.Undelivered[0].ID = 0 }),
		"undelivered id = next":     with(func(gs *types.GenesisState) { gs.Undelivered[0].ID = 2 }),
		"undelivered duplicate": with(func(gs *types.GenesisState) {
			gs.Undelivered = append(gs.Undelivered, gs.Undelivered[0])
			gs.NextUndeliveredID = 3
		}),
		"pending channel x":        with(func(gs *types.GenesisState) { gs.Pending[0].ChannelID = "x" }),
		"pending channel empty":    with(func(gs *types.GenesisState) { gs.Pending[0].ChannelID = "" }),
		"pending channel space":    with(func(gs *types.GenesisState) { gs.Pending[0].ChannelID = "channel 0" }),
		"pending sequence 0":       with(func(gs *types.GenesisState) { gs.Pending[0].Sequence = 0 }),
		"pending kind unspecified": with(func(gs *types.GenesisState) { gs.Pending[0].Kind = types.PacketKind_PACKET_KIND_UNSPECIFIED }),
		"pending kind 9":           with(func(gs *types.GenesisState) { gs.Pending[0].Kind = 9 }),
		"pending duplicate":        with(func(gs *types.GenesisState) { gs.Pending = append(gs.Pending, gs.Pending[0]) }),
		"channel x":                with(func(gs *types.GenesisState) { gs.Channels[0].ChannelID = "x" }),
		"channel with slash":       with(func(gs *types.GenesisState) { gs.Channels[0].ChannelID = "channel/1" }),
		"channel empty":            with(func(gs *types.GenesisState) { gs.Channels[0].ChannelID = "" }),
		"channel twice": with(func(gs *types.GenesisState) {
			gs.Channels = append(gs.Channels, types.BridgeChannel{ChannelID: "channel-0", CounterpartyChainID: "pharma-2", ClientID: "07-tendermint-1"})
		}),
		"second channel to a counterparty": with(func(gs *types.GenesisState) {
			gs.Channels = append(gs.Channels, types.BridgeChannel{ChannelID: "channel-1", CounterpartyChainID: "pharma-1", ClientID: "07-tendermint-1"})
		}),
		"channel without counterparty":  with(func(gs *types.GenesisState) { gs.Channels[0].CounterpartyChainID = "" }),
		"channel with a bad client":     with(func(gs *types.GenesisState) { gs.Channels[0].ClientID = "x" }),
		"origin client bad":             with(func(gs *types.GenesisState) { gs.ClientOrigins[0].ClientID = "07 tendermint" }),
		"origin twice":                  with(func(gs *types.GenesisState) { gs.ClientOrigins = append(gs.ClientOrigins, gs.ClientOrigins[0]) }),
		"origin with a bad header":      with(func(gs *types.GenesisState) { gs.ClientOrigins[0].Origin.AppHash = "00" }),
		"origin created before block 0": with(func(gs *types.GenesisState) { gs.ClientOrigins[0].CreatedAt = -1 }),
	}
	for name, gs := range invalid {
		t.Run("invalid "+name, func(t *testing.T) {
			err := gs.Validate()
			require.ErrorIs(t, err, types.ErrInvalidGenesis)
		})
	}
}

func TestDefaultGenesisState(t *testing.T) {
	gs := types.DefaultGenesisState()
	require.Equal(t, types.DefaultParams(), gs.Params)
	require.NoError(t, gs.Validate())
	require.Empty(t, gs.Prescriptions)
	require.Empty(t, gs.Channels)
}
