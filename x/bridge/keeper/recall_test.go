package keeper_test

import (
	"slices"
	"time"

	"cosmossdk.io/collections"

	"github.com/healthchain/healthd/x/bridge/types"
)

// --- recall notices: batches, the EndBlocker, late confirmations -------------

const perBlock = types.MaxRecallNotificationsPerBlock

// seedLotHistory gives patients i in from..from+n-1 (patientOf: 1 to 4 are
// Pt1 to Pt4) a unit of (gtin, lot):
// the medication history entry and lot index entry recvDispense writes (no
// prescription behind them: nothing here reads it), so the state also
// survives a genesis round trip. It returns the patients sorted, the order
// the lot index holds them in.
func (s *KeeperTestSuite) seedLotHistory(gtin, lot string, from, n int) []string {
	s.T().Helper()
	patients := make([]string, 0, n)
	for i := from; i < from+n; i++ {
		seq, err := s.k.HistorySeq.Next(s.ctx)
		s.Require().NoError(err)
		e := types.MedicationEntry{Patient: patientOf(s.env, i), Seq: seq, PrescriptionID: 1, GTIN: gtin, Serial: "S1", Lot: lot,
			Expiry: expiryS, Pharmacy: s.pharmacy, DispensedAt: blockTime.Add(-day), ChannelID: chanA}
		s.Require().NoError(s.k.History.Set(s.ctx, collections.Join(e.Patient, e.Seq), e))
		s.Require().NoError(s.k.DispensedByLot.Set(s.ctx, collections.Join3(gtin, lot, e.Patient)))
		patients = append(patients, e.Patient)
	}
	slices.Sort(patients)
	return patients
}

// notifiedOf is the patients the events so far notify who received a unit
// of (gtin, lot), in order. A notification names only the patient (no event
// pairs a patient with a drug), so the lot is the lot index's: tests that
// tell lots apart give each lot its own patients.
func (s *KeeperTestSuite) notifiedOf(gtin, lot string) []string {
	s.T().Helper()
	var out []string
	for _, e := range eventsOf[*types.EventRecallNotification](s) {
		has, err := s.k.DispensedByLot.Has(s.ctx, collections.Join3(gtin, lot, e.Patient))
		s.Require().NoError(err)
		if has {
			out = append(out, e.Patient)
		}
	}
	return out
}

// recvRecall receives a recall notice for (gtin, lot) on chanA with fresh
// events and returns the patients it notified now.
func (s *KeeperTestSuite) recvRecall(gtin, lot string) (types.RecallAck, []string) {
	s.T().Helper()
	s.freshEvents()
	ack := s.mustRecv(incoming(encode(s, s.recallPacket(gtin, lot)), chanA, 1))
	s.Require().NotNil(ack.GetRecall())
	return *ack.GetRecall(), s.notifiedOf(gtin, lot)
}

// endBlock runs the module's EndBlocker with fresh events and returns every
// notification it emitted.
func (s *KeeperTestSuite) endBlock() []*types.EventRecallNotification {
	s.T().Helper()
	s.freshEvents()
	s.Require().NoError(s.k.EndBlock(s.ctx))
	out := eventsOf[*types.EventRecallNotification](s)
	s.Require().LessOrEqual(len(out), perBlock, "at most %d notifications per block in all", perBlock)
	s.Require().Len(s.ctx.EventManager().Events(), len(out), "the EndBlocker only notifies")
	return out
}

func (s *KeeperTestSuite) recallNotice(gtin, lot string) types.RecallNotice {
	s.T().Helper()
	n, err := s.k.RecallNotices.Get(s.ctx, collections.Join(gtin, lot))
	s.Require().NoError(err)
	return n
}

// notifyingIndex is the (GTIN, lot) keys of the Notifying index.
func (s *KeeperTestSuite) notifyingIndex() []collections.Pair[string, string] {
	s.T().Helper()
	var out []collections.Pair[string, string]
	s.Require().NoError(s.k.Notifying.Walk(s.ctx, nil, func(k collections.Pair[string, string]) (bool, error) {
		out = append(out, k)
		return false, nil
	}))
	return out
}

func patientsOf(events []*types.EventRecallNotification) []string {
	out := make([]string, len(events))
	for i, e := range events {
		out[i] = e.Patient
	}
	return out
}

// TestRecallNotifiedInBatches: 450 patients received units of the lot. The
// transaction that receives the notice notifies the first 200 (in lot index
// order) and stores the notice notifying, with a cursor; the EndBlocker
// notifies 200 in the next block and the last 50 in the one after, and clears
// the notice's progress. Every patient is notified exactly once.
func (s *KeeperTestSuite) TestRecallNotifiedInBatches() {
	want := s.seedLotHistory(rxGTIN, lotA, 0, 450)
	s.seedLotHistory(rxGTIN, lotB, 0, 3) // another lot of the same patients

	ack, got := s.recvRecall(rxGTIN, lotA)
	s.Require().EqualValues(perBlock, ack.Patients, "the ack counts those notified so far")
	s.Require().Equal(want[:200], got)
	all := slices.Clone(got)
	notice := types.RecallNotice{GTIN: rxGTIN, Lot: lotA, Reason: "contamination", RecalledAt: blockTime.Add(-time.Minute),
		ReceivedAt: blockTime, ChannelID: chanA, Patients: 200, Notifying: true, NextPatient: want[200]}
	s.Require().Equal(notice, s.recallNotice(rxGTIN, lotA))
	s.Require().Equal([]collections.Pair[string, string]{collections.Join(rxGTIN, lotA)}, s.notifyingIndex())

	// A second notice for the lot meanwhile notifies no one and changes nothing.
	gs, raw := s.export(), s.dump()
	s.freshEvents()
	second := s.mustRecv(incoming(encode(s, s.recallPacket(rxGTIN, lotA)), chanB, 2))
	s.Require().EqualValues(200, second.GetRecall().Patients)
	s.Require().Empty(s.ctx.EventManager().Events())
	s.Require().Equal(gs, s.export())
	s.Require().Equal(raw, s.dump())

	// Next block: 200 more, from the cursor on.
	s.setBlockTime(blockTime.Add(5 * time.Second))
	got = patientsOf(s.endBlock())
	s.Require().Equal(want[200:400], got)
	all = append(all, got...)
	notice.Patients, notice.NextPatient = 400, want[400]
	s.Require().Equal(notice, s.recallNotice(rxGTIN, lotA))
	s.Require().Len(s.notifyingIndex(), 1)

	// The block after: the last 50; the notice is done.
	got = patientsOf(s.endBlock())
	s.Require().Equal(want[400:], got)
	all = append(all, got...)
	notice.Patients, notice.Notifying, notice.NextPatient = 450, false, ""
	s.Require().Equal(notice, s.recallNotice(rxGTIN, lotA))
	s.Require().Empty(s.notifyingIndex())

	s.Require().Equal(want, all, "every affected patient notified exactly once, in order")
	s.Require().Empty(s.notifiedOf(rxGTIN, lotB))

	// Nothing left: the EndBlocker does nothing.
	gs, raw = s.export(), s.dump()
	s.Require().Empty(s.endBlock())
	s.Require().Equal(gs, s.export())
	s.Require().Equal(raw, s.dump())

	q, err := s.qs.RecallNotice(s.ctx, &types.QueryRecallNoticeRequest{Gtin: rxGTIN, Lot: lotA})
	s.Require().NoError(err)
	s.Require().Equal(notice, q.Notice)
}

// TestRecallBatchBoundaries: around the per-block cap, the receiving
// transaction notifies min(n, 200), the notice notifies on only while
// patients remain, and the EndBlocker needs ceil((n-200)/200) blocks.
func (s *KeeperTestSuite) TestRecallBatchBoundaries() {
	for _, tc := range []struct{ n, blocks int }{{0, 0}, {1, 0}, {199, 0}, {200, 0}, {201, 1}, {400, 1}, {401, 2}} {
		s.Run(strU(uint64(tc.n)), func() {
			s.SetupTest()
			want := s.seedLotHistory(rxGTIN, lotA, 0, tc.n)
			ack, all := s.recvRecall(rxGTIN, lotA)
			s.Require().EqualValues(min(tc.n, perBlock), ack.Patients)
			n := s.recallNotice(rxGTIN, lotA)
			s.Require().Equal(tc.n > perBlock, n.Notifying)
			if tc.n > perBlock {
				s.Require().Equal(want[perBlock], n.NextPatient)
				s.Require().Len(s.notifyingIndex(), 1)
			} else {
				s.Require().Empty(n.NextPatient)
				s.Require().Empty(s.notifyingIndex())
			}
			for b := 0; b < tc.blocks; b++ {
				s.Require().True(s.recallNotice(rxGTIN, lotA).Notifying, "block %d", b)
				got := patientsOf(s.endBlock())
				s.Require().NotEmpty(got)
				all = append(all, got...)
			}
			n = s.recallNotice(rxGTIN, lotA)
			s.Require().False(n.Notifying)
			s.Require().Empty(n.NextPatient)
			s.Require().EqualValues(tc.n, n.Patients)
			s.Require().Empty(s.notifyingIndex())
			s.Require().Empty(s.endBlock())
			if tc.n == 0 {
				s.Require().Empty(all)
			} else {
				s.Require().Equal(want, all)
			}
		})
	}
}

// TestRecallEndBlockSharesBudget: the EndBlocker's 200 notifications a block
// are shared by every notice still notifying, in (GTIN, lot) order.
func (s *KeeperTestSuite) TestRecallEndBlockSharesBudget() {
	wantA := s.seedLotHistory(rxGTIN, lotA, 0, 250)
	wantB := s.seedLotHistory(rxGTIN, lotB, 1000, 400)
	wantOTC := s.seedLotHistory(otcGTIN, lotA, 2000, 220)

	// Each receiving transaction notifies its own first 200.
	_, a := s.recvRecall(rxGTIN, lotA)
	_, b := s.recvRecall(rxGTIN, lotB)
	_, o := s.recvRecall(otcGTIN, lotA)
	s.Require().Len(a, 200)
	s.Require().Len(b, 200)
	s.Require().Len(o, 200)
	// Left: A 50, B 200, OTC 20. Index order: (otc, A), (rx, A), (rx, B).
	s.Require().Equal([]collections.Pair[string, string]{
		collections.Join(otcGTIN, lotA), collections.Join(rxGTIN, lotA), collections.Join(rxGTIN, lotB),
	}, s.notifyingIndex())

	ev := s.endBlock()
	s.Require().Len(ev, 200, "the whole budget, shared")
	o = append(o, s.notifiedOf(otcGTIN, lotA)...)
	a = append(a, s.notifiedOf(rxGTIN, lotA)...)
	b = append(b, s.notifiedOf(rxGTIN, lotB)...)
	s.Require().Len(s.notifiedOf(otcGTIN, lotA), 20)
	s.Require().Len(s.notifiedOf(rxGTIN, lotA), 50)
	s.Require().Len(s.notifiedOf(rxGTIN, lotB), 130)
	s.Require().Equal([]collections.Pair[string, string]{collections.Join(rxGTIN, lotB)}, s.notifyingIndex())
	s.Require().Equal(wantB[330], s.recallNotice(rxGTIN, lotB).NextPatient)

	ev = s.endBlock()
	s.Require().Len(ev, 70)
	b = append(b, s.notifiedOf(rxGTIN, lotB)...)
	s.Require().Empty(s.notifyingIndex())

	s.Require().Equal(wantA, a)
	s.Require().Equal(wantB, b)
	s.Require().Equal(wantOTC, o)
	for gtinLot, n := range map[[2]string]int{{rxGTIN, lotA}: 250, {rxGTIN, lotB}: 400, {otcGTIN, lotA}: 220} {
		notice := s.recallNotice(gtinLot[0], gtinLot[1])
		s.Require().EqualValues(n, notice.Patients)
		s.Require().False(notice.Notifying)
	}
}

// TestConfirmationAfterRecallNotice: a dispense confirmation of a lot whose
// recall notice the hospital chain already holds (relayed out of order on the
// unordered channel, or re-sent after a timeout) notifies its patient on
// arrival and counts them in the notice, unless the patient is already in
// the lot index (notified already, or to be) or still ahead of the
// EndBlocker's cursor (it will reach them).
func (s *KeeperTestSuite) TestConfirmationAfterRecallNotice() {
	confirm := func(id uint64, patient, gtin, serial, lot string, seq uint64) {
		s.T().Helper()
		s.freshEvents()
		s.mustRecv(incoming(encode(s, s.dispensePacket(id, patient, gtin, serial, lot)), chanA, seq))
	}
	rxFor := func(patient string, openID uint64) uint64 {
		m := s.prescriptionMsg()
		m.Patient, m.Quantity, m.Refills = patient, 3, 0
		return s.sendOpen(m, openID)
	}

	s.Run("the notice is complete: the patient is notified at once", func() {
		s.SetupTest()
		id := rxFor(s.patient1, 40)
		ack, got := s.recvRecall(rxGTIN, lotA)
		s.Require().Zero(ack.Patients)
		s.Require().Empty(got)

		confirm(id, s.patient1, rxGTIN, "RX1", lotA, 2)
		s.Require().Len(s.historyOf(s.patient1), 1)
		s.Require().Equal([]*types.EventRecallNotification{{Patient: s.patient1}},
			eventsOf[*types.EventRecallNotification](s))
		n := s.recallNotice(rxGTIN, lotA)
		s.Require().EqualValues(1, n.Patients)
		s.Require().False(n.Notifying)
		s.Require().Empty(s.notifyingIndex())
		q, err := s.qs.RecallNotice(s.ctx, &types.QueryRecallNoticeRequest{Gtin: rxGTIN, Lot: lotA})
		s.Require().NoError(err)
		s.Require().Equal([]string{s.patient1}, q.AffectedPatients)

		// Another unit of the lot to the same patient: already notified.
		confirm(id, s.patient1, rxGTIN, "RX2", lotA, 3)
		s.Require().Empty(eventsOf[*types.EventRecallNotification](s))
		s.Require().EqualValues(1, s.recallNotice(rxGTIN, lotA).Patients)

		// A unit of another lot, or of another product's lot A: no notice, no one notified.
		confirm(id, s.patient1, rxGTIN, "RX3", lotB, 4)
		s.Require().Empty(eventsOf[*types.EventRecallNotification](s))
		m := s.prescriptionMsg()
		m.GTIN, m.NDC, m.Patient, m.Refills = "", rxNDC, s.patient2, 0
		ndcID := s.sendOpen(m, 41)
		d := s.dispensePacket(ndcID, s.patient2, otcGTIN, "OTC1", lotA)
		d.GetDispense().NDC = rxNDC
		s.freshEvents()
		s.mustRecv(incoming(encode(s, d), chanA, 5))
		s.Require().Empty(eventsOf[*types.EventRecallNotification](s))
		s.Require().EqualValues(1, s.recallNotice(rxGTIN, lotA).Patients)

		// A second notice for the lot notifies no one again.
		s.freshEvents()
		again := s.mustRecv(incoming(encode(s, s.recallPacket(rxGTIN, lotA)), chanB, 6))
		s.Require().EqualValues(1, again.GetRecall().Patients)
		s.Require().Empty(eventsOf[*types.EventRecallNotification](s))
	})

	s.Run("the patient was notified by the notice: not again", func() {
		s.SetupTest()
		id := rxFor(s.patient1, 40)
		confirm(id, s.patient1, rxGTIN, "RX1", lotA, 1)
		ack, got := s.recvRecall(rxGTIN, lotA)
		s.Require().EqualValues(1, ack.Patients)
		s.Require().Equal([]string{s.patient1}, got)
		gs := s.export().RecallNotices

		confirm(id, s.patient1, rxGTIN, "RX2", lotA, 2)
		s.Require().Empty(eventsOf[*types.EventRecallNotification](s))
		s.Require().Equal(gs, s.export().RecallNotices, "the notice is unchanged")
	})

	s.Run("the notice is still notifying: before the cursor now, at or after it by the EndBlocker", func() {
		s.SetupTest()
		lot := s.seedLotHistory(rxGTIN, lotA, 0, 250)
		_, all := s.recvRecall(rxGTIN, lotA)
		cursor := s.recallNotice(rxGTIN, lotA).NextPatient
		s.Require().Equal(lot[200], cursor)

		// Two patients new to the lot, one sorting before the cursor and one after.
		var before, after string
		for i := 5000; before == "" || after == ""; i++ {
			p := patientOf(s.env, i)
			switch {
			case p < cursor && before == "":
				before = p
			case p > cursor && after == "":
				after = p
			}
		}
		idBefore, idAfter, idCursor := rxFor(before, 50), rxFor(after, 51), rxFor(cursor, 52)

		confirm(idBefore, before, rxGTIN, "RX1", lotA, 1)
		s.Require().Equal([]string{before}, s.notifiedOf(rxGTIN, lotA), "behind the cursor: notified at once")
		all = append(all, before)
		n := s.recallNotice(rxGTIN, lotA)
		s.Require().EqualValues(201, n.Patients)
		s.Require().True(n.Notifying)
		s.Require().Equal(cursor, n.NextPatient)

		confirm(idAfter, after, rxGTIN, "RX2", lotA, 2)
		s.Require().Empty(s.notifiedOf(rxGTIN, lotA), "ahead of the cursor: left to the EndBlocker")
		s.Require().EqualValues(201, s.recallNotice(rxGTIN, lotA).Patients)

		confirm(idCursor, cursor, rxGTIN, "RX3", lotA, 3)
		s.Require().Empty(s.notifiedOf(rxGTIN, lotA), "at the cursor (and in the lot index): left to the EndBlocker")
		s.Require().EqualValues(201, s.recallNotice(rxGTIN, lotA).Patients)

		got := patientsOf(s.endBlock())
		s.Require().Len(got, 51, "the last 50 and the patient after the cursor")
		s.Require().Contains(got, after)
		s.Require().NotContains(got, before)
		all = append(all, got...)
		n = s.recallNotice(rxGTIN, lotA)
		s.Require().False(n.Notifying)
		s.Require().EqualValues(252, n.Patients)

		wantAll := append(slices.Clone(lot), before, after)
		slices.Sort(wantAll)
		slices.Sort(all)
		s.Require().Equal(wantAll, all, "every patient of the lot notified exactly once")
	})

	s.Run("a new patient exactly at the cursor: left to the EndBlocker", func() {
		// The cursor is normally a patient already in the lot index; a
		// genesis may hold one that is not (yet): their first unit waits for
		// the EndBlocker, which starts at the cursor.
		s.SetupTest()
		lot := s.seedLotHistory(rxGTIN, lotA, 100, 3) // patients 100.. are not Pt1..Pt4
		id := rxFor(s.patient1, 40)
		n := types.RecallNotice{GTIN: rxGTIN, Lot: lotA, Reason: "contamination", RecalledAt: blockTime, ReceivedAt: blockTime,
			ChannelID: chanA, Patients: 1, Notifying: true, NextPatient: s.patient1}
		s.Require().NoError(s.k.RecallNotices.Set(s.ctx, collections.Join(rxGTIN, lotA), n))
		s.Require().NoError(s.k.Notifying.Set(s.ctx, collections.Join(rxGTIN, lotA)))

		confirm(id, s.patient1, rxGTIN, "RX1", lotA, 1)
		s.Require().Empty(s.notifiedOf(rxGTIN, lotA))
		s.Require().EqualValues(1, s.recallNotice(rxGTIN, lotA).Patients)

		var wantEB []string
		for _, p := range append(slices.Clone(lot), s.patient1) {
			if p >= s.patient1 {
				wantEB = append(wantEB, p)
			}
		}
		slices.Sort(wantEB)
		s.Require().Equal(wantEB, patientsOf(s.endBlock()), "from the cursor on, the new patient once")
		s.Require().False(s.recallNotice(rxGTIN, lotA).Notifying)
	})
}

// TestGenesisRecallNotifying: a notice still notifying survives an export
// and import with its cursor, the Notifying index is rebuilt from it, and the
// imported chain's EndBlocker finishes it where the exporting chain stopped.
func (s *KeeperTestSuite) TestGenesisRecallNotifying() {
	want := s.seedLotHistory(rxGTIN, lotA, 0, 250)
	s.seedLotHistory(rxGTIN, lotB, 0, 2)
	_, notified := s.recvRecall(rxGTIN, lotA)
	s.recvRecall(rxGTIN, lotB) // complete at once

	gs := s.export()
	s.Require().Len(gs.RecallNotices, 2)
	s.Require().True(gs.RecallNotices[0].Notifying)
	s.Require().Equal(want[200], gs.RecallNotices[0].NextPatient)
	s.Require().False(gs.RecallNotices[1].Notifying)

	fresh := s.roundTrip()
	for lot, notifying := range map[string]bool{lotA: true, lotB: false} {
		has, err := fresh.k.Notifying.Has(fresh.ctx, collections.Join(rxGTIN, lot))
		s.Require().NoError(err)
		s.Require().Equal(notifying, has, "Notifying index rebuilt: %s", lot)
	}

	s.env = fresh
	got := patientsOf(s.endBlock())
	s.Require().Equal(want[200:], got, "the imported chain carries on from the cursor")
	s.Require().Equal(want, append(notified, got...))
	n := s.recallNotice(rxGTIN, lotA)
	s.Require().False(n.Notifying)
	s.Require().EqualValues(250, n.Patients)
	s.Require().Empty(s.notifyingIndex())
}
