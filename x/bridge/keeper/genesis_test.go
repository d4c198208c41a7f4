package keeper_test

import (
	"maps"
	"time"

	"cosmossdk.io/collections"

	channeltypes "github.com/cosmos/ibc-go/v11/modules/core/04-channel/types"

	"github.com/healthchain/healthd/internal/testkit"
	"github.com/healthchain/healthd/x/bridge/types"
	drugtracetypes "github.com/healthchain/healthd/x/drugtrace/types"
)

// stateful is every collection but the sequences (an unused sequence is
// absent before an import and 0 after it; ExportGenesis reads both as "next
// id 1").
var stateful = []collections.Prefix{
	types.ParamsKey, types.PrescriptionsKey, types.PrescriptionsByPatient, types.OpenBySourceKey, types.HistoryKey,
	types.DispensedByLotKey, types.VerificationsKey, types.RecallNoticesKey, types.PendingKey, types.UndeliveredKey,
	types.ChannelsKey, types.ChannelByCounterpartyKey, types.ClientOriginsKey, types.ClientSeqKey, types.NotifyingKey,
}

// roundTrip exports the state, passes it through JSON as a genesis file does,
// imports it into a fresh keeper and checks that the fresh keeper exports the
// same genesis and holds the same store entries, indexes included (so
// InitGenesis rebuilt them). It returns the fresh environment.
func (s *KeeperTestSuite) roundTrip() *env {
	s.T().Helper()
	gs := s.export()
	s.Require().NoError(gs.Validate())
	bz := s.cdc.MustMarshalJSON(gs)
	var decoded types.GenesisState
	s.cdc.MustUnmarshalJSON(bz, &decoded)
	s.Require().Equal(string(bz), string(s.cdc.MustMarshalJSON(&decoded)))

	fresh := newEnv(s.T(), unspecified)
	// The same consortium, and the channel keeper's sequences carry on.
	fresh.members.CopyFrom(s.members)
	fresh.ics4.next = maps.Clone(s.ics4.next)
	s.Require().NoError(fresh.k.InitGenesis(fresh.ctx, &decoded))
	again, err := fresh.k.ExportGenesis(fresh.ctx)
	s.Require().NoError(err)
	s.Require().Equal(gs, again)
	s.Require().Equal(testkit.Dump(s.ctx, s.key, stateful...), testkit.Dump(fresh.ctx, fresh.key, stateful...))
	return fresh
}

// TestGenesisHospital: prescriptions in every status, a medication history
// and its lot index, verifications, a recall notice and packets in flight
// survive an export and import; the imported chain settles the packets in
// flight and continues the ids.
func (s *KeeperTestSuite) TestGenesisHospital() {
	msg := func(patient, channel string, qty uint32) *types.MsgSendPrescription {
		m := s.prescriptionMsg()
		m.Patient, m.ChannelID, m.Quantity, m.Refills = patient, channel, qty, 0
		return m
	}
	closed := s.sendOpen(msg(s.patient1, chanA, 2), 40)
	s.mustRecv(incoming(encode(s, s.dispensePacket(closed, s.patient1, rxGTIN, "RX1", lotA)), chanA, 1))
	s.mustRecv(incoming(encode(s, s.dispensePacket(closed, s.patient1, rxGTIN, "RX2", lotB)), chanA, 2))
	open := s.sendOpen(msg(s.patient2, chanB, 3), 41)
	s.mustRecv(incoming(encode(s, s.dispensePacket(open, s.patient2, rxGTIN, "RX3", lotA)), chanB, 1))
	pending, inFlight := s.send(msg(s.patient3, chanA, 1))
	undelivered, pkt := s.send(msg(s.patient3, chanA, 1))
	s.Require().NoError(s.timeout(pkt))
	refused, pkt := s.send(msg(s.patient4, chanB, 1))
	s.Require().NoError(s.ack(pkt, channeltypes.NewErrorAcknowledgement(types.ErrInvalidPrescription)))
	mustRun(s, s.ms.RequestVerification, &types.MsgRequestVerification{Requester: s.hospital, ChannelID: chanA, Unit: rxGTIN + "/RX1"})
	s.Require().NoError(s.ack(s.lastSent(), successAck(types.Ack{Result: &types.Ack_Verify{Verify: &types.VerifyAck{
		Verdict: drugtracetypes.Verdict_VERDICT_ALREADY_DISPENSED, VerifiedAt: blockTime.Unix()}}})))
	verifying := mustRun(s, s.ms.RequestVerification, &types.MsgRequestVerification{Requester: s.pharmacy, ChannelID: chanB, Unit: rxGTIN + "/RX5"})
	verifyPkt := s.lastSent()
	s.mustRecv(incoming(encode(s, s.recallPacket(rxGTIN, lotB)), chanA, 3))

	gs := s.export()
	s.Require().Len(gs.Prescriptions, 5)
	for id, want := range map[uint64]types.PrescriptionStatus{
		closed: types.PrescriptionStatus_PRESCRIPTION_STATUS_CLOSED, open: types.PrescriptionStatus_PRESCRIPTION_STATUS_OPEN,
		pending: types.PrescriptionStatus_PRESCRIPTION_STATUS_PENDING, undelivered: types.PrescriptionStatus_PRESCRIPTION_STATUS_UNDELIVERED,
		refused: types.PrescriptionStatus_PRESCRIPTION_STATUS_REFUSED,
	} {
		s.Require().Equal(want, s.prescription(id).Status)
	}
	s.Require().Len(gs.MedicationHistory, 3)
	s.Require().Len(gs.Verifications, 2)
	s.Require().Len(gs.RecallNotices, 1)
	s.Require().Len(gs.Pending, 2)
	s.Require().Equal([]types.BridgeChannel{
		{ChannelID: chanA, CounterpartyChainID: cpA, ClientID: trustedClient},
		{ChannelID: chanB, CounterpartyChainID: cpB, ClientID: clientB},
	}, gs.Channels)
	s.Require().Equal([]types.ClientOrigin{{ClientID: trustedClient, Origin: pinOf(cpA), CreatedAt: 7}, {ClientID: clientB, Origin: pinOf(cpB), CreatedAt: 7}}, gs.ClientOrigins)
	s.Require().Equal(uint64(2), gs.NextClientSeq)

	fresh := s.roundTrip()
	for _, k := range []collections.Triple[string, string, string]{
		collections.Join3(rxGTIN, lotA, s.patient1), collections.Join3(rxGTIN, lotB, s.patient1), collections.Join3(rxGTIN, lotA, s.patient2),
	} {
		has, err := fresh.k.DispensedByLot.Has(fresh.ctx, k)
		s.Require().NoError(err)
		s.Require().True(has, "the lot index is rebuilt from the history: %v", k)
	}
	for _, k := range []collections.Pair[string, uint64]{
		collections.Join(s.patient1, closed), collections.Join(s.patient2, open), collections.Join(s.patient3, pending), collections.Join(s.patient4, refused),
	} {
		has, err := fresh.k.PrescriptionsByPatient.Has(fresh.ctx, k)
		s.Require().NoError(err)
		s.Require().True(has, "prescriptions by patient rebuilt: %v", k)
	}

	// The imported chain settles the packets in flight and continues the ids.
	s.env = fresh
	s.Require().NoError(s.ack(inFlight, prescriptionAck(42)))
	s.Require().Equal(types.PrescriptionStatus_PRESCRIPTION_STATUS_OPEN, s.prescription(pending).Status)
	s.Require().NoError(s.timeout(verifyPkt))
	v, err := s.k.Verifications.Get(s.ctx, verifying.ID)
	s.Require().NoError(err)
	s.Require().Equal(types.VerificationStatus_VERIFICATION_STATUS_TIMED_OUT, v.Status)
	s.Require().Empty(s.export().Pending)

	res := mustRun(s, s.ms.SendPrescription, msg(s.patient1, chanA, 1))
	s.Require().Equal(gs.NextPrescriptionID, res.ID)
	res2 := mustRun(s, s.ms.RequestVerification, &types.MsgRequestVerification{Requester: s.hospital, ChannelID: chanA, Unit: rxGTIN + "/RX1"})
	s.Require().Equal(gs.NextVerificationID, res2.ID)
	s.mustRecv(incoming(encode(s, s.dispensePacket(pending, s.patient3, rxGTIN, "RX9", lotA)), chanA, 9))
	h := s.historyOf(s.patient3)
	s.Require().Len(h, 1)
	s.Require().Equal(gs.NextHistorySeq, h[0].Seq)
}

// TestGenesisPharma: open prescriptions (and the (channel, hospital id) index
// that stops a re-sent prescription opening twice), undelivered notices and
// notices in flight survive an export and import.
func (s *KeeperTestSuite) TestGenesisPharma() {
	s.setup(pharma)
	a := s.openOnPharma(5, s.patient1, rxGTIN, "", 2, 0)
	ackB := s.mustRecv(incoming(encode(s, s.prescriptionPacket(5, s.patient2, "", rxNDC, 1, 0)), chanB, 1))
	b := ackB.GetPrescription().OpenID
	s.Require().NoError(s.beforeDispense(s.dispensation(a, s.patient1, "RX1")))
	s.Require().NoError(s.timeout(s.lastSent()))
	s.Require().NoError(s.beforeDispense(s.dispensation(a, s.patient1, "RX2")))
	s.Require().NoError(s.ack(s.lastSent(), channeltypes.NewErrorAcknowledgement(types.ErrMismatch)))
	s.Require().NoError(s.afterRecall(drugRecall(rxGTIN, lotA)))
	recallPkts := s.ics4.sent[len(s.ics4.sent)-2:]

	gs := s.export()
	s.Require().Len(gs.Prescriptions, 2)
	s.Require().Len(gs.Undelivered, 2)
	s.Require().Len(gs.Pending, 2)

	fresh := s.roundTrip()
	for cp, id := range map[string]uint64{cpA: a, cpB: b} {
		got, err := fresh.k.OpenBySource.Get(fresh.ctx, collections.Join(cp, uint64(5)))
		s.Require().NoError(err)
		s.Require().Equal(id, got, "open-by-source rebuilt")
	}

	s.env = fresh
	// The prescription re-sent by the hospital chain is not opened again.
	again := s.openOnPharma(5, s.patient1, rxGTIN, "", 2, 0)
	s.Require().Equal(a, again)
	s.Require().Equal(gs.NextPrescriptionID, s.openOnPharma(6, s.patient1, rxGTIN, "", 2, 0))
	// The undelivered notice is re-sent; the recall notices in flight settle.
	res := mustRun(s, s.ms.ResendNotice, &types.MsgResendNotice{Sender: s.pharmacy, ID: 1})
	s.Require().NotZero(res.Sequence)
	for _, p := range recallPkts {
		s.Require().NoError(s.timeout(p))
	}
	u := s.export().Undelivered
	s.Require().Len(u, 3)
	s.Require().Equal(gs.NextUndeliveredID, u[1].ID)
}

// TestGenesisDefault: a fresh chain's state round-trips too.
func (s *KeeperTestSuite) TestGenesisDefault() {
	s.setup(unspecified)
	gs := s.export()
	// Nothing but the origins of the two light clients the first block saw.
	s.Require().Equal(&types.GenesisState{Params: types.DefaultParams(), NextPrescriptionID: 1, NextVerificationID: 1,
		NextUndeliveredID: 1, NextHistorySeq: 1, NextClientSeq: 2, ClientOrigins: []types.ClientOrigin{
			{ClientID: trustedClient, Origin: pinOf(cpA), CreatedAt: 7}, {ClientID: clientB, Origin: pinOf(cpB), CreatedAt: 7},
		}}, gs)
	s.roundTrip()
	s.Require().NoError(types.DefaultGenesisState().Validate())
}

// TestInitGenesisInvalid: an invalid genesis is refused before anything is written.
func (s *KeeperTestSuite) TestInitGenesisInvalid() {
	s.sendOpen(s.prescriptionMsg(), 40)
	for name, malleate := range map[string]func(gs *types.GenesisState){
		"prescription id not below next": func(gs *types.GenesisState) { gs.NextPrescriptionID = 1 },
		"params":                         func(gs *types.GenesisState) { gs.Params.PacketTimeout = time.Second },
		"history entry without a seq":    func(gs *types.GenesisState) { gs.MedicationHistory = []types.MedicationEntry{{Patient: s.patient1}} },
		"channel": func(gs *types.GenesisState) {
			gs.Channels = append(gs.Channels, types.BridgeChannel{ChannelID: "chan", CounterpartyChainID: "c", ClientID: clientB})
		},
		"second channel to a counterparty": func(gs *types.GenesisState) {
			gs.Channels = append(gs.Channels, types.BridgeChannel{ChannelID: "channel-5", CounterpartyChainID: cpA, ClientID: trustedClient})
		},
		"origin with a bad header": func(gs *types.GenesisState) {
			gs.ClientOrigins = append(gs.ClientOrigins, types.ClientOrigin{ClientID: "07-tendermint-4", Origin: types.TrustedCounterparty{ChainID: cpA}})
		},
		"undelivered data": func(gs *types.GenesisState) { gs.Undelivered = []types.Undelivered{{ID: 1, Data: []byte{1}}} },
	} {
		s.Run(name, func() {
			gs := s.export()
			malleate(gs)
			fresh := newEnv(s.T(), unspecified)
			before := testkit.Dump(fresh.ctx, fresh.key)
			err := fresh.k.InitGenesis(fresh.ctx, gs)
			s.Require().Error(err)
			if name != "params" {
				s.Require().ErrorIs(err, types.ErrInvalidGenesis)
			} else {
				s.Require().ErrorIs(err, types.ErrInvalidParams)
			}
			s.Require().Equal(before, testkit.Dump(fresh.ctx, fresh.key))
		})
	}
}
