package keeper_test

import (
	"time"

	"cosmossdk.io/collections"

	sdk "github.com/cosmos/cosmos-sdk/types"

	clienttypes "github.com/cosmos/ibc-go/v11/modules/core/02-client/types"
	connectiontypes "github.com/cosmos/ibc-go/v11/modules/core/03-connection/types"
	commitmenttypes "github.com/cosmos/ibc-go/v11/modules/core/23-commitment/types"
	ibctm "github.com/cosmos/ibc-go/v11/modules/light-clients/07-tendermint"
	ics23 "github.com/cosmos/ics23/go"

	"github.com/healthchain/healthd/internal/testkit"
	"github.com/healthchain/healthd/x/bridge/types"
	drugtracetypes "github.com/healthchain/healthd/x/drugtrace/types"
)

// drugRecall is the recall x/drugtrace hands AfterRecall.
func drugRecall(gtin, lot string) drugtracetypes.Recall {
	return drugtracetypes.Recall{GTIN: gtin, Lot: lot, By: "", Reason: "contamination", At: blockTime}
}

// TestBeforeDispense: on the pharma chain a dispense of a prescription-only
// product, and any dispense naming a prescription, must match an open
// prescription; the match decrements it and sends one confirmation, which
// carries the product's NDC. A confirmation this chain cannot build (an
// invalid packet) refuses the dispense; one the channel will not take is
// kept (TestBeforeDispenseNotSent).
func (s *KeeperTestSuite) TestBeforeDispense() {
	var (
		d      drugtracetypes.Dispensation
		openID uint64
	)
	// setPrescription rewrites the open prescription in state.
	setPrescription := func(f func(p *types.Prescription)) {
		p := s.prescription(openID)
		f(&p)
		s.Require().NoError(s.k.Prescriptions.Set(s.ctx, openID, p))
	}
	otc := func() { d.Product.PrescriptionOnly = false }
	testCases := []struct {
		name     string
		malleate func()
		// expErr nil and noop: accepted without touching the bridge.
		noop        bool
		expErr      error
		afterWrites bool
	}{
		{"success", func() {}, false, nil, false},
		{"success: GTIN matches, product NDC differs", func() { d.Product.NDC = otcNDC }, false, nil, false},
		{"success: product without an NDC", func() { d.Product.NDC = "" }, false, nil, false},
		{"success: NDC prescription, product NDC matches", func() {
			setPrescription(func(p *types.Prescription) { p.GTIN, p.NDC = "", rxNDC })
			d.Unit.GTIN = otcGTIN
		}, false, nil, false},
		{"success: over the counter, naming a prescription", otc, false, nil, false},
		{"success: a second before valid_until", func() { s.setBlockTime(s.validUntil.Add(-time.Second)) }, false, nil, false},
		{"no-op: over the counter, no prescription", func() { otc(); d.PrescriptionID = 0 }, true, nil, false},
		{"no-op: hospital chain", func() { s.setRole(s.T(), hospital); d.PrescriptionID = 0 }, true, nil, false},
		{"no-op: hospital chain, a pharmacy's own prescription", func() {
			s.setRole(s.T(), hospital)
			d.PrescriptionID, d.PrescriptionCommitment = 0, rxCommitment
		}, true, nil, false},
		{"no-op: hospital chain, unknown id", func() { s.setRole(s.T(), hospital); d.PrescriptionID = 99 }, true, nil, false},
		{"no-op: bridge off", func() { s.setRole(s.T(), unspecified); d.PrescriptionID = 0 }, true, nil, false},
		{"prescription-only without a prescription", func() { d.PrescriptionID = 0 }, false, types.ErrPrescriptionNeeded, false},
		{"a pharmacy's own prescription", func() { d.PrescriptionID, d.PrescriptionCommitment = 0, rxCommitment }, false, types.ErrPrescriptionNotFound, false},
		{"over the counter, a pharmacy's own prescription", func() {
			otc()
			d.PrescriptionID, d.PrescriptionCommitment = 0, rxCommitment
		}, false, types.ErrPrescriptionNotFound, false},
		{"unknown id", func() { d.PrescriptionID = 99 }, false, types.ErrPrescriptionNotFound, false},
		{"not open: closed", func() {
			setPrescription(func(p *types.Prescription) { p.Status = types.PrescriptionStatus_PRESCRIPTION_STATUS_CLOSED })
		}, false, types.ErrPrescriptionStatus, false},
		{"expired: at valid_until", func() { s.setBlockTime(s.validUntil) }, false, types.ErrPrescriptionStatus, false},
		{"expired: after valid_until", func() { s.setBlockTime(s.validUntil.Add(day)) }, false, types.ErrPrescriptionStatus, false},
		{"another patient", func() { d.Patient = s.patient2 }, false, types.ErrMismatch, false},
		{"another product", func() { d.Unit.GTIN, d.Product.GTIN, d.Product.NDC = otcGTIN, otcGTIN, otcNDC }, false, types.ErrMismatch, false},
		{"another product without an NDC", func() { d.Unit.GTIN, d.Product.GTIN, d.Product.NDC = otcGTIN, otcGTIN, "" }, false, types.ErrMismatch, false},
		{"NDC prescription, another NDC", func() {
			setPrescription(func(p *types.Prescription) { p.GTIN, p.NDC = "", rxNDC })
			d.Product.NDC = otcNDC
		}, false, types.ErrMismatch, false},
		{"no unit left", func() { setPrescription(func(p *types.Prescription) { p.Dispensed = 2 }) }, false, types.ErrPrescriptionStatus, false},
		// The prescription is decremented before the confirmation is built.
		{"invalid confirmation: product NDC not an NDC", func() { d.Product.NDC = "12-345" }, false, types.ErrInvalidPacket, true},
		{"invalid confirmation: pharmacy not an account", func() { d.Pharmacy = "Pharmacy-1" }, false, types.ErrInvalidPacket, true},
	}
	for _, tc := range testCases {
		s.Run(tc.name, func() {
			s.setup(pharma)
			openID = s.openOnPharma(5, s.patient1, rxGTIN, "", 1, 1) // two units
			d = s.dispensation(openID, s.patient1, "RX1")
			tc.malleate()
			s.freshEvents()
			switch {
			case tc.expErr != nil:
				s.refusal(tc.expErr, tc.afterWrites, func(ctx sdk.Context) error { return s.k.BeforeDispense(ctx, d) })
			case tc.noop:
				gs, raw := s.export(), s.dump()
				s.Require().NoError(s.beforeDispense(d))
				s.Require().Equal(gs, s.export())
				s.Require().Equal(raw, s.dump())
				s.Require().Empty(s.ics4.sent)
				s.Require().Empty(s.ctx.EventManager().Events())
			default:
				before := s.prescription(openID)
				s.Require().NoError(s.beforeDispense(d))
				p := s.prescription(openID)
				s.Require().Equal(before.Dispensed+1, p.Dispensed)
				s.Require().Equal(types.PrescriptionStatus_PRESCRIPTION_STATUS_OPEN, p.Status)
				s.Require().Len(s.ics4.sent, 1, "one confirmation")
				pkt := s.ics4.sent[0]
				s.Require().Equal(chanA, pkt.SourceChannel, "on the channel the prescription came by")
				s.Require().Equal(uint64(s.ctx.BlockTime().Add(10*time.Minute).UnixNano()), pkt.TimeoutTimestamp)
				s.Require().Equal(&types.DispensePacket{PrescriptionID: 5, Patient: s.patient1, GTIN: d.Unit.GTIN, Serial: "RX1", Lot: lotA,
					Expiry: expiryS, Pharmacy: s.pharmacy, DispensedAt: s.ctx.BlockTime().Unix(), NDC: d.Product.NDC}, s.decodeSent(pkt).GetDispense())
				s.Require().Empty(s.export().Undelivered)
				s.Require().Equal([]types.PendingPacket{{ChannelID: chanA, CounterpartyChainID: cpA, Sequence: pkt.Sequence, Kind: types.PacketKind_PACKET_KIND_DISPENSE,
					Ref: openID, SentAt: s.ctx.BlockTime()}}, s.export().Pending)
			}
		})
	}
}

// channelFault is a way a channel refuses a notice, with its repair.
type channelFault struct {
	name           string
	break_, repair func()
	expErr         error // what the send fails with
	// allChannels: the fault is the light client's (connA's), so it hits
	// every channel of the test environment, not only the one named.
	allChannels bool
	// closes: the channel leaves Channels, so a recall no longer goes to it.
	closes bool
}

// channelFaults are the ways a channel refuses a notice.
func (s *KeeperTestSuite) channelFaults(channel string) []channelFault {
	return []channelFault{
		{name: "channel closed since", closes: true,
			break_: func() { s.Require().NoError(s.k.Channels.Remove(s.ctx, channel)) },
			repair: func() { s.openChannel(s.T(), channel) }, expErr: types.ErrInvalidChannel},
		{name: "channel keeper refuses (client expired)",
			break_: func() { s.ics4.failWith, s.ics4.failOn = errClientExpired, channel },
			repair: func() { s.ics4.failWith = nil }, expErr: clienttypes.ErrClientNotActive},
		{name: "channel unknown to the channel keeper",
			break_: func() { s.chans.missing[channel] = true },
			repair: func() { delete(s.chans.missing, channel) }, expErr: types.ErrInvalidChannel},
		{name: "counterparty no longer trusted", allChannels: true,
			break_: func() { s.distrust(s.T()) },
			repair: func() { s.setRole(s.T(), pharma) }, expErr: types.ErrUntrustedClient},
		{name: "counterparty pinned to another header", allChannels: true,
			break_: func() {
				p, err := s.k.Params.Get(s.ctx)
				s.Require().NoError(err)
				for i := range p.TrustedCounterparties {
					p.TrustedCounterparties[i].RevisionHeight++
				}
				s.Require().NoError(s.k.Params.Set(s.ctx, p))
			},
			repair: func() { s.setRole(s.T(), pharma) }, expErr: types.ErrUntrustedClient},
		{name: "connections gone", allChannels: true,
			break_: func() { delete(s.conns, connA); delete(s.conns, connB) },
			repair: func() {
				s.conns[connA] = connectiontypes.ConnectionEnd{ClientId: trustedClient, State: connectiontypes.OPEN}
				s.conns[connB] = connectiontypes.ConnectionEnd{ClientId: clientB, State: connectiontypes.OPEN}
			}, expErr: types.ErrInvalidChannel},
	}
}

// TestBeforeDispenseNotSent: a confirmation the channel will not take (the
// channel closed, its light client expired or no longer trusted) does not
// stop the dispense, which happened at the counter: the prescription is
// decremented, nothing is sent, and the confirmation is kept as undelivered
// (NOT_SENT) until a member re-sends it once the channel works again.
func (s *KeeperTestSuite) TestBeforeDispenseNotSent() {
	for _, tc := range s.channelFaults(chanA) {
		s.Run(tc.name, func() {
			s.setup(pharma)
			openID := s.openOnPharma(5, s.patient1, rxGTIN, "", 1, 1)
			tc.break_()
			s.freshEvents()
			s.Require().NoError(s.beforeDispense(s.dispensation(openID, s.patient1, "RX1")))

			p := s.prescription(openID)
			s.Require().EqualValues(1, p.Dispensed, "the dispense stands")
			s.Require().Empty(s.ics4.sent)
			want := types.PacketData{Flow: &types.PacketData_Dispense{Dispense: &types.DispensePacket{PrescriptionID: 5, Patient: s.patient1,
				GTIN: rxGTIN, Serial: "RX1", Lot: lotA, Expiry: expiryS, Pharmacy: s.pharmacy, DispensedAt: blockTime.Unix(), NDC: rxNDC}}}
			gs := s.export()
			s.Require().Empty(gs.Pending)
			lastTried := chanA
			if tc.closes {
				lastTried = "" // no open channel to the counterparty to try
			}
			s.Require().Equal([]types.Undelivered{{ID: 1, ChannelID: lastTried, CounterpartyChainID: cpA, Kind: types.PacketKind_PACKET_KIND_DISPENSE,
				Reason: types.UndeliveredReason_UNDELIVERED_REASON_NOT_SENT, Data: encode(s, want), At: blockTime}}, gs.Undelivered)
			s.Require().Equal([]*types.EventUndelivered{{ID: 1, Kind: types.PacketKind_PACKET_KIND_DISPENSE,
				Reason: types.UndeliveredReason_UNDELIVERED_REASON_NOT_SENT}}, eventsOf[*types.EventUndelivered](s))
			s.Require().NoError(gs.Validate(), "the kept notice is valid genesis")

			// The next unit closes the prescription; its confirmation is kept too.
			s.Require().NoError(s.beforeDispense(s.dispensation(openID, s.patient1, "RX2")))
			s.Require().Equal(types.PrescriptionStatus_PRESCRIPTION_STATUS_CLOSED, s.prescription(openID).Status)
			s.Require().Len(s.export().Undelivered, 2)

			// Re-sent while the channel still refuses: refused, kept.
			refuseMsg(s, s.ms.ResendNotice, &types.MsgResendNotice{Sender: s.pharmacy, ID: 1}, tc.expErr, false)

			// Once the channel works again, it is re-sent unchanged.
			tc.repair()
			res := mustRun(s, s.ms.ResendNotice, &types.MsgResendNotice{Sender: s.pharmacy, ID: 1})
			pkt := s.lastSent()
			s.Require().Equal(chanA, pkt.SourceChannel)
			s.Require().Equal(encode(s, want), pkt.Data)
			s.Require().Equal(pkt.Sequence, res.Sequence)
			gs = s.export()
			s.Require().Len(gs.Undelivered, 1)
			s.Require().EqualValues(2, gs.Undelivered[0].ID)
			s.Require().Equal([]types.PendingPacket{{ChannelID: chanA, CounterpartyChainID: cpA, Sequence: res.Sequence, Kind: types.PacketKind_PACKET_KIND_DISPENSE,
				SentAt: blockTime}}, gs.Pending)
			s.Require().EqualValues(2, s.prescription(openID).Dispensed, "re-sending counts nothing again")
		})
	}
	// An invalid confirmation is refused even when the channel is fine.
	s.Run("invalid confirmation on a working channel", func() {
		s.setup(pharma)
		openID := s.openOnPharma(5, s.patient1, rxGTIN, "", 1, 1)
		d := s.dispensation(openID, s.patient1, "RX1")
		d.Product.NDC = "12-345"
		s.refuseAfterWrites(types.ErrInvalidPacket, func(ctx sdk.Context) error { return s.k.BeforeDispense(ctx, d) })
	})
}

// TestBeforeDispenseClosesAtTotal: the last unit closes the prescription and
// each unit sends its own confirmation; nothing more is dispensed.
func (s *KeeperTestSuite) TestBeforeDispenseClosesAtTotal() {
	s.setup(pharma)
	openID := s.openOnPharma(5, s.patient1, rxGTIN, "", 1, 1)
	s.freshEvents()
	s.Require().NoError(s.beforeDispense(s.dispensation(openID, s.patient1, "RX1")))
	s.Require().Empty(eventsOf[*types.EventPrescriptionStatus](s))
	s.Require().NoError(s.beforeDispense(s.dispensation(openID, s.patient1, "RX2")))
	p := s.prescription(openID)
	s.Require().EqualValues(2, p.Dispensed)
	s.Require().Equal(types.PrescriptionStatus_PRESCRIPTION_STATUS_CLOSED, p.Status)
	s.Require().Equal([]*types.EventPrescriptionStatus{{ID: openID, From: types.PrescriptionStatus_PRESCRIPTION_STATUS_OPEN,
		To: types.PrescriptionStatus_PRESCRIPTION_STATUS_CLOSED}}, eventsOf[*types.EventPrescriptionStatus](s))
	s.Require().Len(s.ics4.sent, 2)
	s.Require().Equal([]uint64{1, 2}, []uint64{s.ics4.sent[0].Sequence, s.ics4.sent[1].Sequence})
	s.Require().Equal("RX2", s.decodeSent(s.ics4.sent[1]).GetDispense().Serial)
	s.Require().Len(s.export().Pending, 2)

	s.refuse(types.ErrPrescriptionStatus, func(ctx sdk.Context) error {
		return s.k.BeforeDispense(ctx, s.dispensation(openID, s.patient1, "RX3"))
	})

	// The confirmations open and close the prescription on the hospital chain too.
	hosp := &KeeperTestSuite{}
	hosp.SetT(s.T())
	hosp.setup(hospital)
	id := hosp.sendOpen(hosp.prescriptionMsg(), openID)
	s.Require().EqualValues(5, id+4, "ids line up with the prescription packet above")
	for i, pkt := range s.ics4.sent {
		dp := s.decodeSent(pkt).GetDispense()
		dp.PrescriptionID = id
		ack := hosp.mustRecv(incoming(encode(hosp, types.PacketData{Flow: &types.PacketData_Dispense{Dispense: dp}}), chanA, uint64(i+1)))
		s.Require().EqualValues(1-i, ack.GetDispense().Remaining)
	}
	s.Require().Equal(types.PrescriptionStatus_PRESCRIPTION_STATUS_CLOSED, hosp.prescription(id).Status)
	s.Require().Len(hosp.historyOf(s.patient1), 2)
}

// TestAfterRecall: on the pharma chain a recall sends one notice per open
// bridge channel; elsewhere nothing. A channel that will not take its notice
// does not stop the recall: its notice is kept as NOT_SENT.
func (s *KeeperTestSuite) TestAfterRecall() {
	s.Run("one notice per open channel", func() {
		s.setup(pharma)
		s.Require().NoError(s.afterRecall(drugRecall(rxGTIN, lotA)))
		s.Require().Len(s.ics4.sent, 2)
		want := &types.RecallPacket{GTIN: rxGTIN, Lot: lotA, Reason: "contamination", RecalledAt: blockTime.Unix()}
		var channels []string
		var pending []types.PendingPacket
		for _, p := range s.ics4.sent {
			s.Require().Equal(want, s.decodeSent(p).GetRecall())
			channels = append(channels, p.SourceChannel)
			pending = append(pending, types.PendingPacket{ChannelID: p.SourceChannel, Sequence: p.Sequence,
				Kind: types.PacketKind_PACKET_KIND_RECALL, SentAt: blockTime, CounterpartyChainID: cpOf(p.SourceChannel)})
		}
		s.Require().ElementsMatch([]string{chanA, chanB}, channels)
		s.Require().ElementsMatch(pending, s.export().Pending)
	})
	s.Run("no open channel", func() {
		s.setup(pharma)
		for _, c := range []string{chanA, chanB} {
			s.Require().NoError(s.k.Channels.Remove(s.ctx, c))
		}
		s.Require().NoError(s.afterRecall(drugRecall(rxGTIN, lotA)))
		s.Require().Empty(s.ics4.sent)
		s.Require().Empty(s.export().Pending)
	})
	for _, role := range []types.ChainRole{hospital, unspecified} {
		s.Run("no-op on "+role.String(), func() {
			s.setup(role)
			gs, raw := s.export(), s.dump()
			s.Require().NoError(s.afterRecall(drugRecall(rxGTIN, lotA)))
			s.Require().Empty(s.ics4.sent)
			s.Require().Equal(gs, s.export())
			s.Require().Equal(raw, s.dump())
		})
	}
	want := types.PacketData{Flow: &types.PacketData_Recall{Recall: &types.RecallPacket{
		GTIN: rxGTIN, Lot: lotA, Reason: "contamination", RecalledAt: blockTime.Unix()}}}
	for _, tc := range s.channelFaults(chanB) {
		if tc.allChannels || tc.closes {
			continue
		}
		s.Run("one channel refuses: "+tc.name, func() {
			s.setup(pharma)
			tc.break_()
			s.freshEvents()
			s.Require().NoError(s.afterRecall(drugRecall(rxGTIN, lotA)), "the recall stands")
			s.Require().Len(s.ics4.sent, 1, "one notice sent")
			s.Require().Equal(chanA, s.ics4.sent[0].SourceChannel)
			s.Require().Equal(encode(s, want), s.ics4.sent[0].Data)
			gs := s.export()
			s.Require().Equal([]types.PendingPacket{{ChannelID: chanA, CounterpartyChainID: cpA, Sequence: s.ics4.sent[0].Sequence,
				Kind: types.PacketKind_PACKET_KIND_RECALL, SentAt: blockTime}}, gs.Pending)
			s.Require().Equal([]types.Undelivered{{ID: 1, ChannelID: chanB, CounterpartyChainID: cpB, Kind: types.PacketKind_PACKET_KIND_RECALL,
				Reason: types.UndeliveredReason_UNDELIVERED_REASON_NOT_SENT, Data: encode(s, want), At: blockTime}}, gs.Undelivered)
			s.Require().Equal([]*types.EventUndelivered{{ID: 1, Kind: types.PacketKind_PACKET_KIND_RECALL,
				Reason: types.UndeliveredReason_UNDELIVERED_REASON_NOT_SENT}}, eventsOf[*types.EventUndelivered](s))

			tc.repair()
			res := mustRun(s, s.ms.ResendNotice, &types.MsgResendNotice{Sender: s.manufacturer, ID: 1})
			s.Require().Equal(chanB, s.lastSent().SourceChannel)
			s.Require().Equal(encode(s, want), s.lastSent().Data)
			s.Require().Equal(res.Sequence, s.lastSent().Sequence)
			s.Require().Empty(s.export().Undelivered)
			s.Require().Len(s.export().Pending, 2)
		})
	}
	for _, tc := range s.channelFaults(chanB) {
		if !tc.allChannels {
			continue
		}
		s.Run("every channel refuses: "+tc.name, func() {
			s.setup(pharma)
			tc.break_()
			s.freshEvents()
			s.Require().NoError(s.afterRecall(drugRecall(rxGTIN, lotA)), "the recall stands")
			s.Require().Empty(s.ics4.sent)
			gs := s.export()
			s.Require().Empty(gs.Pending)
			s.Require().Len(gs.Undelivered, 2)
			for i, c := range []string{chanA, chanB} {
				s.Require().Equal(types.Undelivered{ID: uint64(i + 1), ChannelID: c, CounterpartyChainID: cpOf(c), Kind: types.PacketKind_PACKET_KIND_RECALL,
					Reason: types.UndeliveredReason_UNDELIVERED_REASON_NOT_SENT, Data: encode(s, want), At: blockTime}, gs.Undelivered[i])
			}
			s.Require().Len(eventsOf[*types.EventUndelivered](s), 2)
			tc.repair()
			for _, id := range []uint64{1, 2} {
				mustRun(s, s.ms.ResendNotice, &types.MsgResendNotice{Sender: s.manufacturer, ID: id})
			}
			s.Require().Len(s.ics4.sent, 2)
			s.Require().Empty(s.export().Undelivered)
		})
	}
	s.Run("invalid notice: the recall is refused", func() {
		s.setup(pharma)
		r := drugRecall(rxGTIN, lotA)
		r.Reason = ""
		s.refuse(types.ErrInvalidPacket, func(ctx sdk.Context) error { return s.k.AfterRecall(ctx, r) })
	})
}

// TestCounterpartyOf: a bridge channel opens only on a chain with a role,
// over one connection whose light client is of a trusted counterparty, was
// created from its pinned header (as recorded at the end of the block that
// created it) and has the parameters of a Cosmos SDK chain's client. A client
// of the right chain id created from anything else (an attacker's, with a
// forged consensus state, or an honest one from another header) is refused,
// whatever its id and whatever it shows later: nothing is trusted by client
// id, nor by the client's earliest state today. Nothing is written.
func (s *KeeperTestSuite) TestCounterpartyOf() {
	const fresh, freshConn = "07-tendermint-5", "connection-7"
	// created records a client created from c's first state (changed by f).
	created := func(f func(c *fakeClient)) func() {
		return func() {
			c := clientFrom(pinOf(cpA))
			f(&c)
			s.clients[fresh] = c
			s.Require().NoError(s.k.EndBlock(s.ctx))
		}
	}
	honest := func(*fakeClient) {}
	testCases := []struct {
		name     string
		role     types.ChainRole
		hops     []string
		expErr   error
		malleate func()
	}{
		{"hospital, the channel's client", hospital, []string{connA}, nil, nil},
		{"pharma, the channel's client", pharma, []string{connA}, nil, nil},
		{"honest client created from the pinned header", hospital, []string{freshConn}, nil, created(honest)},
		{"forged first state, later updated to a copy of the pinned header and pruned", hospital, []string{freshConn}, types.ErrUntrustedClient, func() {
			created(func(c *fakeClient) {
				c.height = clienttypes.NewHeight(1, 30)
				c.cons = &ibctm.ConsensusState{Timestamp: c.cons.Timestamp.Add(-time.Minute), Root: commitmenttypes.NewMerkleRoot(make([]byte, 32)), NextValidatorsHash: make([]byte, 32)}
			})()
			s.clients[fresh] = clientFrom(pinOf(cpA)) // its earliest state now looks pinned
		}},
		{"created and not recorded", hospital, []string{freshConn}, types.ErrUntrustedClient, func() { s.clients[fresh] = clientFrom(pinOf(cpA)) }},
		{"forged app hash", hospital, []string{freshConn}, types.ErrUntrustedClient, created(func(c *fakeClient) {
			c.cons = &ibctm.ConsensusState{Timestamp: c.cons.Timestamp, Root: commitmenttypes.NewMerkleRoot(make([]byte, 32)), NextValidatorsHash: c.cons.NextValidatorsHash}
		})},
		{"forged validator set", hospital, []string{freshConn}, types.ErrUntrustedClient, created(func(c *fakeClient) {
			c.cons = &ibctm.ConsensusState{Timestamp: c.cons.Timestamp, Root: c.cons.Root, NextValidatorsHash: make([]byte, 32)}
		})},
		{"forged time", hospital, []string{freshConn}, types.ErrUntrustedClient, created(func(c *fakeClient) {
			c.cons = &ibctm.ConsensusState{Timestamp: c.cons.Timestamp.Add(time.Second), Root: c.cons.Root, NextValidatorsHash: c.cons.NextValidatorsHash}
		})},
		{"starts at another height", hospital, []string{freshConn}, types.ErrUntrustedClient, created(func(c *fakeClient) { c.height = clienttypes.NewHeight(1, 41) })},
		{"another revision", hospital, []string{freshConn}, types.ErrUntrustedClient, created(func(c *fakeClient) { c.height = clienttypes.NewHeight(2, 40) })},
		{"chain not trusted", hospital, []string{freshConn}, types.ErrUntrustedClient, created(func(c *fakeClient) { c.chainID = "counterparty-z" })},
		{"no consensus state", hospital, []string{freshConn}, types.ErrUntrustedClient, created(func(c *fakeClient) { c.cons = nil })},
		{"other proof specs", hospital, []string{freshConn}, types.ErrUntrustedClient, created(func(c *fakeClient) {
			c.params = func(cs *ibctm.ClientState) { cs.ProofSpecs = cs.ProofSpecs[:1] }
		})},
		{"weakened proof spec", hospital, []string{freshConn}, types.ErrUntrustedClient, created(func(c *fakeClient) {
			c.params = func(cs *ibctm.ClientState) {
				spec := *cs.ProofSpecs[0]
				inner := *spec.InnerSpec
				inner.MaxPrefixLength = 64
				spec.InnerSpec = &inner
				cs.ProofSpecs = []*ics23.ProofSpec{&spec, cs.ProofSpecs[1]}
			}
		})},
		{"other upgrade path", hospital, []string{freshConn}, types.ErrUntrustedClient, created(func(c *fakeClient) {
			c.params = func(cs *ibctm.ClientState) { cs.UpgradePath = []string{"bank", "balances"} }
		})},
		{"frozen", hospital, []string{freshConn}, types.ErrUntrustedClient, created(func(c *fakeClient) {
			c.params = func(cs *ibctm.ClientState) { cs.FrozenHeight = clienttypes.NewHeight(1, 50) }
		})},
		{"not a tendermint client", hospital, []string{freshConn}, types.ErrUntrustedClient, func() { delete(s.clients, fresh) }},
		{"pin replaced since", hospital, []string{connA}, types.ErrUntrustedClient, func() {
			p, err := s.k.Params.Get(s.ctx)
			s.Require().NoError(err)
			p.TrustedCounterparties[0].AppHash = p.TrustedCounterparties[1].AppHash
			s.Require().NoError(s.k.Params.Set(s.ctx, p))
		}},
		{"bridge off", unspecified, []string{connA}, types.ErrWrongRole, nil},
		{"unknown connection", hospital, []string{"connection-9"}, types.ErrInvalidChannel, nil},
		{"no hop", hospital, nil, types.ErrInvalidChannel, nil},
		{"two hops", hospital, []string{connA, connA}, types.ErrInvalidChannel, nil},
	}
	for _, tc := range testCases {
		s.Run(tc.name, func() {
			s.setup(hospital)
			s.conns[freshConn] = connectiontypes.ConnectionEnd{ClientId: fresh, State: connectiontypes.OPEN}
			s.setRole(s.T(), tc.role)
			if tc.malleate != nil {
				tc.malleate()
			}
			gs, raw := s.export(), s.dump()
			got, clientID, err := s.k.CounterpartyOf(s.ctx, tc.hops)
			s.Require().Equal(gs, s.export())
			s.Require().Equal(raw, s.dump())
			if tc.expErr != nil {
				s.Require().ErrorIs(err, tc.expErr)
				return
			}
			s.Require().NoError(err)
			s.Require().Equal(cpA, got.ChainID)
			s.Require().Equal(s.conns[tc.hops[0]].ClientId, clientID)
		})
	}
}

// TestClientOrigins: the EndBlocker records each new 07-tendermint client's
// first state once, with an event, passes over other client types and
// clients no pin could match, and is exported and queried.
func (s *KeeperTestSuite) TestClientOrigins() {
	s.setup(hospital)
	s.clients["07-tendermint-2"] = clientFrom(pinOf(cpA))
	s.clients["06-solomachine-3"] = clientFrom(pinOf(cpA))
	bad := clientFrom(pinOf(cpA))
	bad.chainID = "has space"
	s.clients["07-tendermint-4"] = bad
	s.freshEvents()
	ctx := s.ctx.WithBlockHeight(9)
	s.Require().NoError(s.k.EndBlock(ctx))
	s.Require().Equal([]*types.EventClientOrigin{{ClientID: "07-tendermint-2", ChainID: cpA, RevisionNumber: 1, RevisionHeight: 40}}, eventsOf[*types.EventClientOrigin](s))
	res, err := s.qs.ClientOrigin(s.ctx, &types.QueryClientOriginRequest{ClientId: "07-tendermint-2"})
	s.Require().NoError(err)
	s.Require().Equal(types.ClientOrigin{ClientID: "07-tendermint-2", Origin: pinOf(cpA), CreatedAt: 9}, res.Origin)
	for _, id := range []string{"07-tendermint-4", "06-solomachine-3", "07-tendermint-3", ""} {
		_, err := s.qs.ClientOrigin(s.ctx, &types.QueryClientOriginRequest{ClientId: id})
		s.Require().Error(err, id)
	}
	gs := s.export()
	s.Require().Equal(uint64(5), gs.NextClientSeq)
	s.Require().Len(gs.ClientOrigins, 3)

	// Recorded once: a later block does not look at the client again, even
	// if its earliest state has changed since.
	s.clients["07-tendermint-2"] = clientFrom(pinOf(cpB))
	s.freshEvents()
	s.Require().NoError(s.k.EndBlock(s.ctx))
	s.Require().Empty(eventsOf[*types.EventClientOrigin](s))
	s.Require().Equal(gs, s.export())
}

// TestSeededPrescriptionsMatchReceived: the benchmark's shortcut writes the
// same bytes in the prescription collections as OnRecvPacket.
func (s *KeeperTestSuite) TestSeededPrescriptionsMatchReceived() {
	const n = 20
	s.setup(pharma)
	received := s.env
	for i := 0; i < n; i++ {
		p := openPrescription(s.env, uint64(i+1), uint64(i+1), patientOf(s.env, i), s.validUntil)
		s.mustRecv(incoming(encode(s, s.prescriptionPacket(p.SourceID, p.Patient, p.GTIN, "", p.Quantity, p.Refills)), chanA, uint64(i+1)))
	}
	seeded := newEnv(s.T(), pharma)
	seedOpenPrescriptions(s.T(), seeded, 1, n, s.validUntil)
	only := []collections.Prefix{types.PrescriptionSeqKey, types.PrescriptionsKey, types.PrescriptionsByPatient, types.OpenBySourceKey}
	s.Require().Len(testkit.Dump(received.ctx, received.key, only...), 3*n+1)
	s.Require().Equal(testkit.Dump(received.ctx, received.key, only...), testkit.Dump(seeded.ctx, seeded.key, only...))
}

// TestSeededLotIndexMatchesReceived: the benchmark's lot index entries are
// those recvDispense writes.
func (s *KeeperTestSuite) TestSeededLotIndexMatchesReceived() {
	const n = 10
	for i := 0; i < n; i++ {
		m := s.prescriptionMsg()
		m.Patient = patientOf(s.env, i)
		m.Quantity, m.Refills = 1, 0
		id := s.sendOpen(m, uint64(100+i))
		s.mustRecv(incoming(encode(s, s.dispensePacket(id, m.Patient, rxGTIN, "S1", lotA)), chanA, uint64(i+1)))
	}
	seeded := newEnv(s.T(), hospital)
	seedLot(s.T(), seeded, rxGTIN, lotA, 0, n)
	s.Require().Len(testkit.Dump(s.ctx, s.key, types.DispensedByLotKey), n)
	s.Require().Equal(testkit.Dump(s.ctx, s.key, types.DispensedByLotKey), testkit.Dump(seeded.ctx, seeded.key, types.DispensedByLotKey))
}
