package keeper_test

import (
	"slices"
	"time"

	"cosmossdk.io/collections"

	sdk "github.com/cosmos/cosmos-sdk/types"

	connectiontypes "github.com/cosmos/ibc-go/v11/modules/core/03-connection/types"
	channeltypes "github.com/cosmos/ibc-go/v11/modules/core/04-channel/types"

	"github.com/healthchain/healthd/internal/testkit"
	"github.com/healthchain/healthd/x/bridge/types"
	drugtracetypes "github.com/healthchain/healthd/x/drugtrace/types"
)

// --- OnRecvPacket: prescriptions (pharma chain) ------------------------------

// TestRecvPrescription: a prescription opens under the pharma chain's own id,
// indexed by patient and by (channel, hospital id).
func (s *KeeperTestSuite) TestRecvPrescription() {
	s.setup(pharma)
	pkt := incoming(encode(s, s.prescriptionPacket(5, s.patient1, rxGTIN, "", 2, 1)), chanA, 3)
	ack := s.mustRecv(pkt)
	s.Require().Equal(types.Ack{Result: &types.Ack_Prescription{Prescription: &types.PrescriptionAck{OpenID: 1}}}, ack)
	s.Require().Equal(types.Prescription{
		ID: 1, Prescriber: s.hospital, Patient: s.patient1, GTIN: rxGTIN, Quantity: 2, Refills: 1, ValidUntil: s.validUntil,
		IssuedAt: blockTime, Status: types.PrescriptionStatus_PRESCRIPTION_STATUS_OPEN, ChannelID: chanA, CounterpartyChainID: cpA, SourceID: 5,
	}, s.prescription(1))
	has, err := s.k.PrescriptionsByPatient.Has(s.ctx, collections.Join(s.patient1, uint64(1)))
	s.Require().NoError(err)
	s.Require().True(has)
	id, err := s.k.OpenBySource.Get(s.ctx, collections.Join(cpA, uint64(5)))
	s.Require().NoError(err)
	s.Require().EqualValues(1, id)
	s.Require().Equal([]*types.EventPrescriptionReceived{{ID: 1, ChannelID: chanA, SourceID: 5}}, eventsOf[*types.EventPrescriptionReceived](s))
	s.Require().Empty(s.ics4.sent, "receiving sends nothing")

	// The same prescription again (re-sent after a timeout the hospital
	// chain saw, under another sequence): the same id, nothing opened.
	gs, raw := s.export(), s.dump()
	s.freshEvents()
	again := pkt
	again.Sequence = 4
	s.Require().Equal(ack, s.mustRecv(again))
	s.Require().Equal(gs, s.export())
	s.Require().Equal(raw, s.dump())
	s.Require().Empty(s.ctx.EventManager().Events())

	// The same hospital id on another channel is another prescription; so is
	// another hospital id on the same channel.
	ack = s.mustRecv(incoming(pkt.Data, chanB, 3))
	s.Require().EqualValues(2, ack.GetPrescription().OpenID)
	ack = s.mustRecv(incoming(encode(s, s.prescriptionPacket(6, s.patient1, "", rxNDC, 1, 0)), chanA, 5))
	s.Require().EqualValues(3, ack.GetPrescription().OpenID)
	s.Require().Equal(rxNDC, s.prescription(3).NDC)
	s.Require().Len(s.export().Prescriptions, 3)
}

// TestRecvPrescriptionRefusals: each is an error (an error acknowledgement)
// and leaves the pharma chain's state as it was.
func (s *KeeperTestSuite) TestRecvPrescriptionRefusals() {
	var (
		pp           *types.PrescriptionPacket
		data, suffix []byte
	)
	testCases := []struct {
		name     string
		malleate func()
		expErr   error
	}{
		{"expired on arrival: valid_until is now", func() { pp.ValidUntil = blockTime.Unix() }, types.ErrInvalidPrescription},
		{"expired on arrival: a second ago", func() { pp.ValidUntil = blockTime.Unix() - 1 }, types.ErrInvalidPrescription},
		{"hospital chain", func() { s.setRole(s.T(), hospital) }, types.ErrWrongRole},
		{"bridge off", func() { s.setRole(s.T(), unspecified) }, types.ErrWrongRole},
		{"prescriber with another prefix", func() { pp.Prescriber = testkit.OtherPrefix(s.hospitalAddr) }, types.ErrInvalidAddress},
		{"patient with a bad checksum", func() { pp.Patient = badChecksum(pp.Patient) }, types.ErrInvalidAddress},
		{"patient upper case", func() { pp.Patient = "HEALTH1" }, types.ErrInvalidPacket},
		{"quantity 0", func() { pp.Quantity = 0 }, types.ErrInvalidPacket},
		{"both GTIN and NDC", func() { pp.NDC = rxNDC }, types.ErrInvalidPacket},
		{"id 0", func() { pp.ID = 0 }, types.ErrInvalidPacket},
		{"valid_until beyond year 9999", func() { pp.ValidUntil = types.MaxUnixTime + 1 }, types.ErrInvalidPacket},
		{"garbage", func() { data = []byte(`{"prescription":{}}`) }, types.ErrInvalidPacket},
		{"empty", func() { data = []byte{} }, types.ErrInvalidPacket},
		{"unknown trailing field", func() { suffix = []byte{0xf8, 0x06, 0x01} }, types.ErrInvalidPacket},
		{"oversize", func() { suffix = make([]byte, types.MaxPacketBytes) }, types.ErrInvalidPacket},
	}
	for _, tc := range testCases {
		s.Run(tc.name, func() {
			s.setup(pharma)
			s.openOnPharma(9, s.patient2, rxGTIN, "", 1, 0) // something in state
			s.freshEvents()
			d := s.prescriptionPacket(5, s.patient1, rxGTIN, "", 2, 1)
			pp, data, suffix = d.GetPrescription(), nil, nil
			tc.malleate()
			if data == nil {
				bz, err := d.Marshal()
				s.Require().NoError(err)
				data = append(bz, suffix...)
			}
			s.refuse(tc.expErr, func(ctx sdk.Context) error {
				_, err := s.k.OnRecvPacket(ctx, incoming(data, chanA, 3))
				return err
			})
		})
	}
}

// badChecksum changes the last character of a bech32 string.
func badChecksum(a string) string {
	last := a[len(a)-1]
	if last == 'q' {
		return a[:len(a)-1] + "p"
	}
	return a[:len(a)-1] + "q"
}

// --- OnRecvPacket: verification (pharma chain) -------------------------------

func (s *KeeperTestSuite) TestRecvVerify() {
	s.setup(pharma)
	unit := rxGTIN + "/RX1"
	pkt := incoming(encode(s, types.PacketData{Flow: &types.PacketData_Verify{Verify: &types.VerifyPacket{RequestID: 4, Unit: unit}}}), chanA, 1)

	s.dt.verdict = drugtracetypes.Verdict_VERDICT_RECALLED
	gs := s.export()
	ack := s.mustRecv(pkt)
	s.Require().Equal(types.Ack{Result: &types.Ack_Verify{Verify: &types.VerifyAck{
		Verdict: drugtracetypes.Verdict_VERDICT_RECALLED, VerifiedAt: blockTime.Unix()}}}, ack)
	s.Require().Equal([]string{unit}, s.dt.asked)
	s.Require().Equal(gs, s.export(), "a verification changes nothing on the pharma chain")
	_, err := types.DecodeAck(types.EncodeAck(ack))
	s.Require().NoError(err, "the hospital chain reads the answer")

	// x/drugtrace's error is the refusal.
	s.dt.err = drugtracetypes.ErrInvalidUnitRef
	s.refuse(drugtracetypes.ErrInvalidUnitRef, func(ctx sdk.Context) error { _, err := s.k.OnRecvPacket(ctx, pkt); return err })

	// The hospital chain does not answer verifications; it does not ask drugtrace.
	s.dt.err, s.dt.asked = nil, nil
	s.setRole(s.T(), hospital)
	s.refuse(types.ErrWrongRole, func(ctx sdk.Context) error { _, err := s.k.OnRecvPacket(ctx, pkt); return err })
	s.Require().Empty(s.dt.asked)
}

// --- OnRecvPacket: dispense confirmations (hospital chain) -------------------

// TestRecvDispense: a confirmation counts against the prescription sent on
// that channel, lands in the patient's history and the lot index, and closes
// the prescription at its total.
func (s *KeeperTestSuite) TestRecvDispense() {
	id := s.sendOpen(s.prescriptionMsg(), 40) // 1 unit + 1 refill
	s.freshEvents()

	ack := s.mustRecv(incoming(encode(s, s.dispensePacket(id, s.patient1, rxGTIN, "RX1", lotA)), chanA, 1))
	s.Require().Equal(types.Ack{Result: &types.Ack_Dispense{Dispense: &types.DispenseAck{Remaining: 1}}}, ack)
	p := s.prescription(id)
	s.Require().EqualValues(1, p.Dispensed)
	s.Require().Equal(types.PrescriptionStatus_PRESCRIPTION_STATUS_OPEN, p.Status)
	entry := types.MedicationEntry{Patient: s.patient1, Seq: 1, PrescriptionID: id, GTIN: rxGTIN, Serial: "RX1", Lot: lotA,
		Expiry: expiryS, Pharmacy: s.pharmacy, DispensedAt: blockTime.Add(-time.Minute), ChannelID: chanA}
	s.Require().Equal([]types.MedicationEntry{entry}, s.historyOf(s.patient1))
	has, err := s.k.DispensedByLot.Has(s.ctx, collections.Join3(rxGTIN, lotA, s.patient1))
	s.Require().NoError(err)
	s.Require().True(has)
	s.Require().Equal([]*types.EventDispenseRecorded{{PrescriptionID: id, GTIN: rxGTIN, Serial: "RX1"}},
		eventsOf[*types.EventDispenseRecorded](s))
	s.Require().Empty(eventsOf[*types.EventPrescriptionStatus](s))

	// The refill, of another lot, closes it.
	ack = s.mustRecv(incoming(encode(s, s.dispensePacket(id, s.patient1, rxGTIN, "RX7", lotB)), chanA, 2))
	s.Require().EqualValues(0, ack.GetDispense().Remaining)
	p = s.prescription(id)
	s.Require().EqualValues(2, p.Dispensed)
	s.Require().Equal(types.PrescriptionStatus_PRESCRIPTION_STATUS_CLOSED, p.Status)
	s.Require().Equal([]*types.EventPrescriptionStatus{{ID: id, From: types.PrescriptionStatus_PRESCRIPTION_STATUS_OPEN,
		To: types.PrescriptionStatus_PRESCRIPTION_STATUS_CLOSED}}, eventsOf[*types.EventPrescriptionStatus](s))
	h := s.historyOf(s.patient1)
	s.Require().Len(h, 2)
	s.Require().EqualValues(2, h[1].Seq)
	s.Require().Equal(lotB, h[1].Lot)

	res, err := s.qs.MedicationHistory(s.ctx, &types.QueryMedicationHistoryRequest{Patient: s.patient1})
	s.Require().NoError(err)
	s.Require().Equal(h, res.Entries)

	// A prescription by NDC takes the GTIN the pharma chain dispensed, the
	// product's NDC matching (the confirmation carries it).
	m := s.prescriptionMsg()
	m.GTIN, m.NDC, m.Patient = "", rxNDC, s.patient2
	ndcID := s.sendOpen(m, 41)
	ndcDispense := s.dispensePacket(ndcID, s.patient2, otcGTIN, "OTC1", lotA)
	ndcDispense.GetDispense().NDC = rxNDC
	s.mustRecv(incoming(encode(s, ndcDispense), chanA, 3))
	s.Require().EqualValues(1, s.prescription(ndcID).Dispensed)
	s.Require().Equal(otcGTIN, s.historyOf(s.patient2)[0].GTIN)

	// A prescription by GTIN ignores the NDC the confirmation carries.
	m = s.prescriptionMsg()
	m.Patient = s.patient3
	gtinID := s.sendOpen(m, 42)
	withNDC := s.dispensePacket(gtinID, s.patient3, rxGTIN, "RX8", lotA)
	withNDC.GetDispense().NDC = otcNDC
	s.mustRecv(incoming(encode(s, withNDC), chanA, 4))
	s.Require().EqualValues(1, s.prescription(gtinID).Dispensed)
}

// TestConfirmationBeforeAck: the channel is unordered, so a relayer may
// deliver the pharma chain's dispense confirmations before the
// acknowledgement of the prescription itself. The hospital chain counts a
// confirmation for a PENDING prescription sent on that channel (the pharma
// chain only confirms prescriptions it opened); the late acknowledgement then
// opens it, or, if the confirmations closed it meanwhile, only records the
// remote id.
func (s *KeeperTestSuite) TestConfirmationBeforeAck() {
	s.Run("one confirmation overtakes the ack", func() {
		s.SetupTest()
		id, prescriptionPkt := s.send(s.prescriptionMsg()) // 1 unit + 1 refill
		s.freshEvents()
		ack := s.mustRecv(incoming(encode(s, s.dispensePacket(id, s.patient1, rxGTIN, "RX1", lotA)), chanA, 1))
		s.Require().EqualValues(1, ack.GetDispense().Remaining)
		p := s.prescription(id)
		s.Require().Equal(types.PrescriptionStatus_PRESCRIPTION_STATUS_PENDING, p.Status, "still waiting for its ack")
		s.Require().EqualValues(1, p.Dispensed)
		s.Require().Len(s.historyOf(s.patient1), 1)
		s.Require().Empty(eventsOf[*types.EventPrescriptionStatus](s))
		s.Require().Len(eventsOf[*types.EventDispenseRecorded](s), 1)

		s.Require().NoError(s.ack(prescriptionPkt, prescriptionAck(40)))
		p = s.prescription(id)
		s.Require().Equal(types.PrescriptionStatus_PRESCRIPTION_STATUS_OPEN, p.Status)
		s.Require().EqualValues(40, p.RemoteID)
		s.Require().EqualValues(1, p.Dispensed)
		s.Require().Empty(s.export().Pending)
		s.Require().Equal([]*types.EventPrescriptionStatus{{ID: id, From: types.PrescriptionStatus_PRESCRIPTION_STATUS_PENDING,
			To: types.PrescriptionStatus_PRESCRIPTION_STATUS_OPEN}}, eventsOf[*types.EventPrescriptionStatus](s))

		// The refill then closes it as usual.
		s.mustRecv(incoming(encode(s, s.dispensePacket(id, s.patient1, rxGTIN, "RX2", lotA)), chanA, 2))
		s.Require().Equal(types.PrescriptionStatus_PRESCRIPTION_STATUS_CLOSED, s.prescription(id).Status)
	})
	s.Run("every confirmation overtakes the ack: it stays closed", func() {
		s.SetupTest()
		id, prescriptionPkt := s.send(s.prescriptionMsg())
		s.mustRecv(incoming(encode(s, s.dispensePacket(id, s.patient1, rxGTIN, "RX1", lotA)), chanA, 1))
		s.freshEvents()
		ack := s.mustRecv(incoming(encode(s, s.dispensePacket(id, s.patient1, rxGTIN, "RX2", lotB)), chanA, 2))
		s.Require().Zero(ack.GetDispense().Remaining)
		s.Require().Equal(types.PrescriptionStatus_PRESCRIPTION_STATUS_CLOSED, s.prescription(id).Status)
		s.Require().Equal([]*types.EventPrescriptionStatus{{ID: id, From: types.PrescriptionStatus_PRESCRIPTION_STATUS_PENDING,
			To: types.PrescriptionStatus_PRESCRIPTION_STATUS_CLOSED}}, eventsOf[*types.EventPrescriptionStatus](s))

		before := s.prescription(id)
		s.freshEvents()
		s.Require().NoError(s.ack(prescriptionPkt, prescriptionAck(40)))
		p := s.prescription(id)
		s.Require().Equal(types.PrescriptionStatus_PRESCRIPTION_STATUS_CLOSED, p.Status, "the late ack does not reopen it")
		s.Require().EqualValues(40, p.RemoteID)
		before.RemoteID = 40
		s.Require().Equal(before, p, "the ack sets remote_id only")
		s.Require().Empty(s.ctx.EventManager().Events(), "no status change")
		s.Require().Empty(s.export().Pending)
		s.Require().Len(s.historyOf(s.patient1), 2)
		s.assertSettledOnce(prescriptionPkt)

		// Nothing more is dispensed against it.
		s.refuse(types.ErrPrescriptionStatus, func(ctx sdk.Context) error {
			_, err := s.k.OnRecvPacket(ctx, incoming(encode(s, s.dispensePacket(id, s.patient1, rxGTIN, "RX3", lotA)), chanA, 3))
			return err
		})
	})
	s.Run("a pending prescription confirmed on another channel", func() {
		s.SetupTest()
		id, _ := s.send(s.prescriptionMsg())
		s.refuse(types.ErrMismatch, func(ctx sdk.Context) error {
			_, err := s.k.OnRecvPacket(ctx, incoming(encode(s, s.dispensePacket(id, s.patient1, rxGTIN, "RX1", lotA)), chanB, 1))
			return err
		})
	})
}

// TestRecvDispenseRefusals: each is an error and changes nothing.
func (s *KeeperTestSuite) TestRecvDispenseRefusals() {
	var (
		id  uint64
		dp  *types.DispensePacket
		dst string
	)
	sendWithStatus := func(status types.PrescriptionStatus) {
		m := s.prescriptionMsg()
		m.Quantity, m.Refills = 1, 0
		var pkt sentPacket
		id, pkt = s.send(m)
		switch status {
		case types.PrescriptionStatus_PRESCRIPTION_STATUS_UNDELIVERED:
			s.Require().NoError(s.timeout(pkt))
		case types.PrescriptionStatus_PRESCRIPTION_STATUS_REFUSED:
			s.Require().NoError(s.ack(pkt, channeltypes.NewErrorAcknowledgement(types.ErrInvalidPrescription)))
		case types.PrescriptionStatus_PRESCRIPTION_STATUS_CLOSED:
			s.Require().NoError(s.ack(pkt, prescriptionAck(50)))
			s.mustRecv(incoming(encode(s, s.dispensePacket(id, s.patient1, rxGTIN, "RX9", lotA)), chanA, 9))
		}
		s.Require().Equal(status, s.prescription(id).Status)
		dp.PrescriptionID = id
	}
	// sendNDC opens a prescription by NDC for the packet's patient; the
	// packet, of another GTIN, carries the prescribed NDC.
	sendNDC := func() {
		m := s.prescriptionMsg()
		m.GTIN, m.NDC = "", rxNDC
		id = s.sendOpen(m, 60)
		dp.PrescriptionID, dp.GTIN, dp.NDC = id, otcGTIN, rxNDC
	}
	testCases := []struct {
		name     string
		malleate func()
		expErr   error
	}{
		{"not found", func() { dp.PrescriptionID = 99 }, types.ErrPrescriptionNotFound},
		{"received on another channel", func() { dst = chanB }, types.ErrMismatch},
		{"pending, received on another channel", func() {
			sendWithStatus(types.PrescriptionStatus_PRESCRIPTION_STATUS_PENDING)
			dst = chanB
		}, types.ErrMismatch},
		{"pending, another patient", func() {
			sendWithStatus(types.PrescriptionStatus_PRESCRIPTION_STATUS_PENDING)
			dp.Patient = s.patient2
		}, types.ErrMismatch},
		{"not open: undelivered", func() { sendWithStatus(types.PrescriptionStatus_PRESCRIPTION_STATUS_UNDELIVERED) }, types.ErrPrescriptionStatus},
		{"not open: refused", func() { sendWithStatus(types.PrescriptionStatus_PRESCRIPTION_STATUS_REFUSED) }, types.ErrPrescriptionStatus},
		{"fully dispensed: closed", func() { sendWithStatus(types.PrescriptionStatus_PRESCRIPTION_STATUS_CLOSED) }, types.ErrPrescriptionStatus},
		{"fully dispensed: open with nothing left", func() {
			p := s.prescription(id)
			p.Dispensed = 2
			s.Require().NoError(s.k.Prescriptions.Set(s.ctx, id, p))
		}, types.ErrPrescriptionStatus},
		{"another patient", func() { dp.Patient = s.patient2 }, types.ErrMismatch},
		{"another product", func() { dp.GTIN = otcGTIN }, types.ErrMismatch},
		{"NDC prescription, another NDC", func() { sendNDC(); dp.NDC = otcNDC }, types.ErrMismatch},
		{"NDC prescription, no NDC", func() { sendNDC(); dp.NDC = "" }, types.ErrMismatch},
		{"NDC prescription, NDC in another format", func() { sendNDC(); dp.NDC = "12345067890" }, types.ErrMismatch},
		{"NDC not an NDC", func() { dp.NDC = "12-345" }, types.ErrInvalidPacket},
		{"counterparty no longer trusted", func() { s.distrust(s.T()) }, types.ErrUntrustedClient},
		{"channel unknown to the channel keeper", func() { s.chans.missing[chanA] = true }, types.ErrInvalidChannel},
		{"pharma chain", func() { s.setRole(s.T(), pharma) }, types.ErrWrongRole},
		{"lot not a GS1 lot", func() { dp.Lot = "LOT A" }, types.ErrInvalidPacket},
		{"expiry not a date", func() { dp.Expiry = "2030-02-30" }, types.ErrInvalidPacket},
		{"pharmacy empty", func() { dp.Pharmacy = "" }, types.ErrInvalidPacket},
	}
	for _, tc := range testCases {
		s.Run(tc.name, func() {
			s.SetupTest()
			id = s.sendOpen(s.prescriptionMsg(), 40)
			s.mustRecv(incoming(encode(s, s.dispensePacket(id, s.patient1, rxGTIN, "RX1", lotA)), chanA, 1))
			d := s.dispensePacket(id, s.patient1, rxGTIN, "RX2", lotA)
			dp, dst = d.GetDispense(), chanA
			tc.malleate()
			s.freshEvents()
			bz, err := d.Marshal()
			s.Require().NoError(err)
			s.refuse(tc.expErr, func(ctx sdk.Context) error {
				_, err := s.k.OnRecvPacket(ctx, incoming(bz, dst, 2))
				return err
			})
		})
	}
}

// --- OnRecvPacket: recall notices (hospital chain) ---------------------------

// TestRecvRecall: patients 1 and 2 received units of (rx, lot A), patient 1
// twice; patient 3 of lot B; patient 4 of lot "LOTA10" and of (otc, lot A).
// The notice for (rx, lot A) notifies patients 1 and 2, once each; a second
// notice notifies no one.
func (s *KeeperTestSuite) TestRecvRecall() {
	give := func(patient, gtin, lot string, serials ...string) {
		m := s.prescriptionMsg()
		m.Patient, m.GTIN, m.Quantity, m.Refills = patient, gtin, uint32(len(serials)), 0
		id := s.sendOpen(m, 70)
		for _, sr := range serials {
			s.mustRecv(incoming(encode(s, s.dispensePacket(id, patient, gtin, sr, lot)), chanA, 1))
		}
	}
	give(s.patient1, rxGTIN, lotA, "RX1", "RX2")
	give(s.patient2, rxGTIN, lotA, "RX3")
	give(s.patient3, rxGTIN, lotB, "RX7")
	give(s.patient4, rxGTIN, "LOTA10", "RX8")
	give(s.patient4, otcGTIN, lotA, "OTC1")
	s.freshEvents()

	ack := s.mustRecv(incoming(encode(s, s.recallPacket(rxGTIN, lotA)), chanA, 7))
	s.Require().Equal(types.Ack{Result: &types.Ack_Recall{Recall: &types.RecallAck{Patients: 2}}}, ack)
	var notified []string
	for _, e := range eventsOf[*types.EventRecallNotification](s) {
		s.Require().Equal(&types.EventRecallNotification{Patient: e.Patient}, e, "the patient only: no drug beside it")
		notified = append(notified, e.Patient)
	}
	want := []string{s.patient1, s.patient2}
	slices.Sort(want)
	s.Require().Equal(want, notified, "exactly the affected patients, once each")

	notice := types.RecallNotice{GTIN: rxGTIN, Lot: lotA, Reason: "contamination", RecalledAt: blockTime.Add(-time.Minute),
		ReceivedAt: blockTime, ChannelID: chanA, Patients: 2}
	got, err := s.k.RecallNotices.Get(s.ctx, collections.Join(rxGTIN, lotA))
	s.Require().NoError(err)
	s.Require().Equal(notice, got)
	q, err := s.qs.RecallNotice(s.ctx, &types.QueryRecallNoticeRequest{Gtin: rxGTIN, Lot: lotA})
	s.Require().NoError(err)
	s.Require().Equal(want, q.AffectedPatients)

	// A second notice for the lot (from another channel, later) notifies no one.
	gs, raw := s.export(), s.dump()
	s.freshEvents()
	s.setBlockTime(blockTime.Add(time.Hour))
	ack = s.mustRecv(incoming(encode(s, s.recallPacket(rxGTIN, lotA)), chanB, 8))
	s.Require().EqualValues(2, ack.GetRecall().Patients)
	s.Require().Empty(s.ctx.EventManager().Events())
	s.Require().Equal(gs, s.export())
	s.Require().Equal(raw, s.dump())

	// A lot no patient received: no one notified, the notice kept.
	ack = s.mustRecv(incoming(encode(s, s.recallPacket(rxGTIN, "LOTZ9")), chanA, 9))
	s.Require().Zero(ack.GetRecall().Patients)
	s.Require().Empty(eventsOf[*types.EventRecallNotification](s))
	s.Require().Len(s.export().RecallNotices, 2)

	// The pharma chain does not take recall notices.
	s.setRole(s.T(), pharma)
	s.refuse(types.ErrWrongRole, func(ctx sdk.Context) error {
		_, err := s.k.OnRecvPacket(ctx, incoming(encode(s, s.recallPacket(rxGTIN, lotB)), chanA, 10))
		return err
	})
}

// TestRecvWrongFlowForRole: each chain accepts only the flows its role receives.
func (s *KeeperTestSuite) TestRecvWrongFlowForRole() {
	verify := types.PacketData{Flow: &types.PacketData_Verify{Verify: &types.VerifyPacket{RequestID: 1, Unit: rxGTIN + "/RX1"}}}
	cases := []struct {
		role types.ChainRole
		data types.PacketData
	}{
		{hospital, s.prescriptionPacket(1, s.patient1, rxGTIN, "", 1, 0)},
		{hospital, verify},
		{pharma, s.dispensePacket(1, s.patient1, rxGTIN, "RX1", lotA)},
		{pharma, s.recallPacket(rxGTIN, lotA)},
		{unspecified, s.prescriptionPacket(1, s.patient1, rxGTIN, "", 1, 0)},
		{unspecified, verify},
		{unspecified, s.dispensePacket(1, s.patient1, rxGTIN, "RX1", lotA)},
		{unspecified, s.recallPacket(rxGTIN, lotA)},
	}
	for _, tc := range cases {
		s.Run(tc.role.String()+"/"+tc.data.Kind().String(), func() {
			s.setup(tc.role)
			s.refuse(types.ErrWrongRole, func(ctx sdk.Context) error {
				_, err := s.k.OnRecvPacket(ctx, incoming(encode(s, tc.data), chanA, 1))
				return err
			})
		})
	}
}

// TestRecvUntrustedChannel: every packet received re-checks that the
// channel's light client is still trusted. Once the authority takes the client
// out of params.trusted_counterparties (its pin), or on a channel the channel keeper does not
// know, every flow is refused (an error acknowledgement) and changes nothing.
func (s *KeeperTestSuite) TestRecvUntrustedChannel() {
	verify := types.PacketData{Flow: &types.PacketData_Verify{Verify: &types.VerifyPacket{RequestID: 1, Unit: rxGTIN + "/RX1"}}}
	flows := []struct {
		role types.ChainRole
		data func(id uint64) types.PacketData
	}{
		{pharma, func(uint64) types.PacketData { return s.prescriptionPacket(5, s.patient1, rxGTIN, "", 1, 0) }},
		{pharma, func(uint64) types.PacketData { return verify }},
		{hospital, func(id uint64) types.PacketData { return s.dispensePacket(id, s.patient1, rxGTIN, "RX1", lotA) }},
		{hospital, func(uint64) types.PacketData { return s.recallPacket(rxGTIN, lotA) }},
	}
	for _, f := range flows {
		for _, tc := range []struct {
			name     string
			malleate func()
			expErr   error
		}{
			{"counterparty no longer trusted", func() { s.distrust(s.T()) }, types.ErrUntrustedClient},
			{"channel retired", func() { s.Require().NoError(s.k.Channels.Remove(s.ctx, chanA)) }, types.ErrInvalidChannel},
			{"connection gone", func() { delete(s.conns, connA) }, types.ErrInvalidChannel},
			{"channel unknown to the channel keeper", func() { s.chans.missing[chanA] = true }, types.ErrInvalidChannel},
		} {
			s.Run(f.role.String()+"/"+f.data(1).Kind().String()+"/"+tc.name, func() {
				s.setup(f.role)
				var id uint64
				if f.role == hospital {
					id = s.sendOpen(s.prescriptionMsg(), 40)
				}
				pkt := incoming(encode(s, f.data(id)), chanA, 1)
				tc.malleate()
				s.freshEvents()
				s.refuse(tc.expErr, func(ctx sdk.Context) error {
					_, err := s.k.OnRecvPacket(ctx, pkt)
					return err
				})
				s.Require().Empty(s.dt.asked, "x/drugtrace is not asked")
			})
		}
		// The same packet on a trusted channel is accepted (the control).
		s.Run(f.role.String()+"/"+f.data(1).Kind().String()+"/trusted", func() {
			s.setup(f.role)
			var id uint64
			if f.role == hospital {
				id = s.sendOpen(s.prescriptionMsg(), 40)
			}
			s.mustRecv(incoming(encode(s, f.data(id)), chanA, 1))
		})
	}
	// A channel the channel keeper does not know is refused even if another
	// channel over the same client is fine.
	s.SetupTest()
	s.chans.missing[chanB] = true
	s.refuse(types.ErrInvalidChannel, func(ctx sdk.Context) error {
		_, err := s.k.OnRecvPacket(ctx, incoming(encode(s, s.recallPacket(rxGTIN, lotA)), chanB, 1))
		return err
	})
	s.mustRecv(incoming(encode(s, s.recallPacket(rxGTIN, lotA)), chanA, 1))
}

// TestChannelTrusted: the check every packet sent or received goes through:
// channel, open in the bridge's list → its connection → its light client,
// bound to a counterparty still trusted with the same pin, on a chain with a
// role.
func (s *KeeperTestSuite) TestChannelTrusted() {
	testCases := []struct {
		name     string
		malleate func()
		expErr   error
	}{
		{"trusted", func() {}, nil},
		{"counterparty no longer trusted", func() { s.distrust(s.T()) }, types.ErrUntrustedClient},
		{"no counterparty trusted", func() {
			p, err := s.k.Params.Get(s.ctx)
			s.Require().NoError(err)
			p.TrustedCounterparties = nil
			s.Require().NoError(s.k.Params.Set(s.ctx, p))
		}, types.ErrUntrustedClient},
		{"client origin gone", func() { s.Require().NoError(s.k.ClientOrigins.Remove(s.ctx, trustedClient)) }, types.ErrUntrustedClient},
		{"channel retired", func() { s.Require().NoError(s.k.Channels.Remove(s.ctx, chanA)) }, types.ErrInvalidChannel},
		{"connection now leads to another counterparty's client", func() {
			s.conns[connA] = connectiontypes.ConnectionEnd{ClientId: clientB, State: connectiontypes.OPEN}
		}, types.ErrUntrustedClient},
		{"connection unknown", func() { delete(s.conns, connA) }, types.ErrInvalidChannel},
		{"channel unknown", func() { s.chans.missing[chanA] = true }, types.ErrInvalidChannel},
		{"channel recorded over another counterparty's client", func() {
			bc, err := s.k.Channels.Get(s.ctx, chanA)
			s.Require().NoError(err)
			bc.ClientID = clientB
			s.Require().NoError(s.k.Channels.Set(s.ctx, chanA, bc))
		}, types.ErrUntrustedClient},
		{"bridge off", func() { s.setRole(s.T(), unspecified) }, types.ErrWrongRole},
	}
	for _, tc := range testCases {
		s.Run(tc.name, func() {
			s.SetupTest()
			tc.malleate()
			err := s.k.ChannelTrusted(s.ctx, chanA)
			if tc.expErr == nil {
				s.Require().NoError(err)
			} else {
				s.Require().ErrorIs(err, tc.expErr)
			}
		})
	}
}

// --- OnAcknowledgementPacket / OnTimeoutPacket -------------------------------

// TestSettlePrescription: a success acknowledgement opens the prescription
// with the pharma chain's id; an error acknowledgement, or a result this chain
// cannot read, refuses it; a timeout leaves it undelivered. Each removes the
// pending record.
func (s *KeeperTestSuite) TestSettlePrescription() {
	notRead := func(bz []byte) channeltypes.Acknowledgement { return channeltypes.NewResultAcknowledgement(bz) }
	testCases := []struct {
		name     string
		ack      *channeltypes.Acknowledgement // nil: timeout
		expState types.PrescriptionStatus
		remoteID uint64
	}{
		{"success ack", ptr(prescriptionAck(40)), types.PrescriptionStatus_PRESCRIPTION_STATUS_OPEN, 40},
		{"error ack", ptr(channeltypes.NewErrorAcknowledgement(types.ErrInvalidPrescription)), types.PrescriptionStatus_PRESCRIPTION_STATUS_REFUSED, 0},
		{"error ack with codespace", ptr(channeltypes.NewErrorAcknowledgementWithCodespace(types.ErrWrongRole)), types.PrescriptionStatus_PRESCRIPTION_STATUS_REFUSED, 0},
		{"unreadable result", ptr(notRead([]byte("garbage"))), types.PrescriptionStatus_PRESCRIPTION_STATUS_REFUSED, 0},
		{"result of another flow", ptr(successAck(types.Ack{Result: &types.Ack_Dispense{Dispense: &types.DispenseAck{Remaining: 1}}})), types.PrescriptionStatus_PRESCRIPTION_STATUS_REFUSED, 0},
		{"result without an id", ptr(notRead([]byte{0x0a, 0x00})), types.PrescriptionStatus_PRESCRIPTION_STATUS_REFUSED, 0},
		{"result with a trailing field", ptr(notRead(append(types.EncodeAck(types.Ack{Result: &types.Ack_Prescription{Prescription: &types.PrescriptionAck{OpenID: 40}}}), 0xf8, 0x06, 0x01))), types.PrescriptionStatus_PRESCRIPTION_STATUS_REFUSED, 0},
		{"timeout", nil, types.PrescriptionStatus_PRESCRIPTION_STATUS_UNDELIVERED, 0},
	}
	for _, tc := range testCases {
		s.Run(tc.name, func() {
			s.SetupTest()
			id, pkt := s.send(s.prescriptionMsg())
			s.freshEvents()
			sent := len(s.ics4.sent)
			if tc.ack == nil {
				s.Require().NoError(s.timeout(pkt))
			} else {
				s.Require().NoError(s.ack(pkt, *tc.ack))
			}
			p := s.prescription(id)
			s.Require().Equal(tc.expState, p.Status)
			s.Require().Equal(tc.remoteID, p.RemoteID)
			s.Require().Empty(s.export().Pending)
			s.Require().Len(s.ics4.sent, sent, "settling sends nothing")
			s.Require().Equal([]*types.EventPrescriptionStatus{{ID: id, From: types.PrescriptionStatus_PRESCRIPTION_STATUS_PENDING, To: tc.expState}},
				eventsOf[*types.EventPrescriptionStatus](s))
			s.assertSettledOnce(pkt)
		})
	}
}

// TestSettleVerification: answered with the verdict and time, failed on an
// error acknowledgement or an unreadable result, timed out on a timeout.
func (s *KeeperTestSuite) TestSettleVerification() {
	answer := func(v drugtracetypes.Verdict, at int64) *channeltypes.Acknowledgement {
		return ptr(successAck(types.Ack{Result: &types.Ack_Verify{Verify: &types.VerifyAck{Verdict: v, VerifiedAt: at}}}))
	}
	at := blockTime.Add(-time.Minute)
	testCases := []struct {
		name    string
		ack     *channeltypes.Acknowledgement
		status  types.VerificationStatus
		verdict drugtracetypes.Verdict
	}{
		{"answered", answer(drugtracetypes.Verdict_VERDICT_ALREADY_DISPENSED, at.Unix()), types.VerificationStatus_VERIFICATION_STATUS_ANSWERED, drugtracetypes.Verdict_VERDICT_ALREADY_DISPENSED},
		{"error ack", ptr(channeltypes.NewErrorAcknowledgement(drugtracetypes.ErrInvalidUnitRef)), types.VerificationStatus_VERIFICATION_STATUS_FAILED, 0},
		{"unreadable result", ptr(channeltypes.NewResultAcknowledgement([]byte{0xff})), types.VerificationStatus_VERIFICATION_STATUS_FAILED, 0},
		{"verdict unspecified", answer(drugtracetypes.Verdict_VERDICT_UNSPECIFIED, at.Unix()), types.VerificationStatus_VERIFICATION_STATUS_FAILED, 0},
		{"verdict unknown", answer(drugtracetypes.Verdict(99), at.Unix()), types.VerificationStatus_VERIFICATION_STATUS_FAILED, 0},
		{"no time", answer(drugtracetypes.Verdict_VERDICT_AUTHENTIC_SALEABLE, 0), types.VerificationStatus_VERIFICATION_STATUS_FAILED, 0},
		{"result of another flow", ptr(prescriptionAck(3)), types.VerificationStatus_VERIFICATION_STATUS_FAILED, 0},
		{"timeout", nil, types.VerificationStatus_VERIFICATION_STATUS_TIMED_OUT, 0},
	}
	for _, tc := range testCases {
		s.Run(tc.name, func() {
			s.SetupTest()
			res := mustRun(s, s.ms.RequestVerification, &types.MsgRequestVerification{Requester: s.hospital, ChannelID: chanA, Unit: rxGTIN + "/RX1"})
			pkt := s.lastSent()
			s.freshEvents()
			if tc.ack == nil {
				s.Require().NoError(s.timeout(pkt))
			} else {
				s.Require().NoError(s.ack(pkt, *tc.ack))
			}
			v, err := s.k.Verifications.Get(s.ctx, res.ID)
			s.Require().NoError(err)
			s.Require().Equal(tc.status, v.Status)
			s.Require().Equal(tc.verdict, v.Verdict)
			if tc.status == types.VerificationStatus_VERIFICATION_STATUS_ANSWERED {
				s.Require().Equal(at, v.AnsweredAt)
			} else {
				s.Require().True(v.AnsweredAt.IsZero())
			}
			s.Require().Empty(s.export().Pending)
			s.Require().Equal([]*types.EventVerification{{ID: res.ID, Status: tc.status, Verdict: tc.verdict}}, eventsOf[*types.EventVerification](s))
			s.assertSettledOnce(pkt)
		})
	}
}

// TestSettleNotices: on the pharma chain a dispense confirmation or recall
// notice acknowledged with success is done; one refused (or answered with an
// unreadable result) is kept as REFUSED, one timed out as TIMEOUT, with its
// packet data.
func (s *KeeperTestSuite) TestSettleNotices() {
	type settle struct {
		name   string
		ack    *channeltypes.Acknowledgement
		reason types.UndeliveredReason // unspecified: nothing kept
	}
	for _, kind := range []types.PacketKind{types.PacketKind_PACKET_KIND_DISPENSE, types.PacketKind_PACKET_KIND_RECALL} {
		ok := successAck(types.Ack{Result: &types.Ack_Dispense{Dispense: &types.DispenseAck{Remaining: 1}}})
		if kind == types.PacketKind_PACKET_KIND_RECALL {
			ok = successAck(types.Ack{Result: &types.Ack_Recall{Recall: &types.RecallAck{Patients: 3}}})
		}
		for _, tc := range []settle{
			{"success ack", &ok, types.UndeliveredReason_UNDELIVERED_REASON_UNSPECIFIED},
			{"error ack", ptr(channeltypes.NewErrorAcknowledgementWithCodespace(types.ErrMismatch)), types.UndeliveredReason_UNDELIVERED_REASON_REFUSED},
			{"unreadable result", ptr(channeltypes.NewResultAcknowledgement([]byte("?"))), types.UndeliveredReason_UNDELIVERED_REASON_REFUSED},
			{"timeout", nil, types.UndeliveredReason_UNDELIVERED_REASON_TIMEOUT},
		} {
			s.Run(kind.String()+"/"+tc.name, func() {
				s.setup(pharma)
				if kind == types.PacketKind_PACKET_KIND_DISPENSE {
					openID := s.openOnPharma(5, s.patient1, rxGTIN, "", 2, 0)
					s.Require().NoError(s.beforeDispense(s.dispensation(openID, s.patient1, "RX1")))
				} else {
					s.Require().NoError(s.k.Channels.Remove(s.ctx, chanB))
					s.Require().NoError(s.afterRecall(drugRecall(rxGTIN, lotA)))
				}
				pkt := s.lastSent()
				s.Require().Len(s.export().Pending, 1)
				prescriptions := s.export().Prescriptions
				s.freshEvents()
				if tc.ack == nil {
					s.Require().NoError(s.timeout(pkt))
				} else {
					s.Require().NoError(s.ack(pkt, *tc.ack))
				}
				gs := s.export()
				s.Require().Empty(gs.Pending)
				s.Require().Equal(prescriptions, gs.Prescriptions, "the dispense stands either way")
				if tc.reason == types.UndeliveredReason_UNDELIVERED_REASON_UNSPECIFIED {
					s.Require().Empty(gs.Undelivered)
					s.Require().Empty(s.ctx.EventManager().Events())
				} else {
					s.Require().Equal([]types.Undelivered{{ID: 1, ChannelID: chanA, CounterpartyChainID: cpA, Kind: kind, Reason: tc.reason, Data: pkt.Data, At: blockTime}}, gs.Undelivered)
					s.Require().Equal([]*types.EventUndelivered{{ID: 1, Kind: kind, Reason: tc.reason}}, eventsOf[*types.EventUndelivered](s))
				}
				s.assertSettledOnce(pkt)
			})
		}
	}
}

// assertSettledOnce: a packet already settled is unknown to both callbacks.
func (s *KeeperTestSuite) assertSettledOnce(pkt sentPacket) {
	s.T().Helper()
	s.refuse(types.ErrUnknownPacket, func(ctx sdk.Context) error {
		return s.k.OnAcknowledgementPacket(ctx, outgoing(pkt), prescriptionAck(1))
	})
	s.refuse(types.ErrUnknownPacket, func(ctx sdk.Context) error { return s.k.OnTimeoutPacket(ctx, outgoing(pkt)) })
}

// TestUnknownPacket: acknowledgements and timeouts of packets that are not
// pending (never sent, another channel, another sequence) are refused and
// change nothing.
func (s *KeeperTestSuite) TestUnknownPacket() {
	for _, role := range []types.ChainRole{hospital, pharma} {
		s.Run(role.String(), func() {
			s.setup(role)
			var pkt sentPacket
			if role == hospital {
				_, pkt = s.send(s.prescriptionMsg())
			} else {
				s.Require().NoError(s.afterRecall(drugRecall(rxGTIN, lotA)))
				pkt = s.ics4.sent[0]
			}
			for name, p := range map[string]sentPacket{
				"another sequence": func() sentPacket { q := pkt; q.Sequence += 10; return q }(),
				"another channel":  func() sentPacket { q := pkt; q.SourceChannel = chanX; return q }(),
				"sequence 0":       func() sentPacket { q := pkt; q.Sequence = 0; return q }(),
			} {
				s.Run(name, func() {
					s.refuse(types.ErrUnknownPacket, func(ctx sdk.Context) error {
						return s.k.OnAcknowledgementPacket(ctx, outgoing(p), prescriptionAck(1))
					})
					s.refuse(types.ErrUnknownPacket, func(ctx sdk.Context) error {
						return s.k.OnAcknowledgementPacket(ctx, outgoing(p), channeltypes.NewErrorAcknowledgement(types.ErrMismatch))
					})
					s.refuse(types.ErrUnknownPacket, func(ctx sdk.Context) error { return s.k.OnTimeoutPacket(ctx, outgoing(p)) })
				})
			}
			s.Require().NotEmpty(s.export().Pending, "the real packet is still pending")
		})
	}
}

func ptr[T any](v T) *T { return &v }
