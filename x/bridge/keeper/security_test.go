package keeper_test

import (
	"math"
	"strings"

	"cosmossdk.io/collections"

	cmtproto "github.com/cometbft/cometbft/proto/tendermint/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"

	connectiontypes "github.com/cosmos/ibc-go/v11/modules/core/03-connection/types"
	channeltypes "github.com/cosmos/ibc-go/v11/modules/core/04-channel/types"

	"github.com/healthchain/healthd/internal/testkit"
	"github.com/healthchain/healthd/x/bridge"
	"github.com/healthchain/healthd/x/bridge/types"
)

// TestRetireChannel: only the authority retires a bridge channel; every other
// actor, and an unknown or already retired channel, is refused with nothing
// changed. A retired channel sends and accepts nothing more; a packet already
// in flight on it still settles.
func (s *KeeperTestSuite) TestRetireChannel() {
	withConsensusAuthority := func(a string) {
		s.ctx = s.ctx.WithConsensusParams(cmtproto.ConsensusParams{Authority: &cmtproto.AuthorityParams{Authority: a}})
	}
	var msg *types.MsgRetireChannel
	refusals := []struct {
		name     string
		malleate func()
		expErr   error
	}{
		{"a hospital", func() { msg.Authority = s.hospital }, sdkerrors.ErrUnauthorized},
		{"a pharmacy", func() { msg.Authority = s.pharmacy }, sdkerrors.ErrUnauthorized},
		{"a suspended member", func() { msg.Authority = s.suspended }, sdkerrors.ErrUnauthorized},
		{"a stranger", func() { msg.Authority = s.stranger }, sdkerrors.ErrUnauthorized},
		{"empty authority", func() { msg.Authority = "" }, sdkerrors.ErrUnauthorized},
		{"gov address upper case", func() { msg.Authority = strings.ToUpper(testkit.Gov) }, sdkerrors.ErrUnauthorized},
		{"gov when the consensus params name another authority", func() { withConsensusAuthority(s.hospital2) }, sdkerrors.ErrUnauthorized},
		{"unknown channel", func() { msg.ChannelID = chanX }, types.ErrInvalidChannel},
		{"empty channel", func() { msg.ChannelID = "" }, types.ErrInvalidChannel},
		{"already retired", func() { s.Require().NoError(s.k.Channels.Remove(s.ctx, chanA)) }, types.ErrInvalidChannel},
	}
	for _, tc := range refusals {
		s.Run(tc.name, func() {
			s.SetupTest()
			msg = &types.MsgRetireChannel{Authority: testkit.Gov, ChannelID: chanA}
			tc.malleate()
			refuseMsg(s, s.ms.RetireChannel, msg, tc.expErr, false)
		})
	}

	s.Run("the consensus params' authority retires", func() {
		s.SetupTest()
		withConsensusAuthority(s.hospital2)
		mustRun(s, s.ms.RetireChannel, &types.MsgRetireChannel{Authority: s.hospital2, ChannelID: chanA})
		s.Require().Equal([]types.BridgeChannel{{ChannelID: chanB, CounterpartyChainID: cpB, ClientID: clientB}}, s.export().Channels)
	})

	s.Run("a retired channel sends and accepts nothing; in-flight packets settle", func() {
		s.SetupTest()
		_, inFlight := s.send(s.prescriptionMsg())
		s.freshEvents()
		mustRun(s, s.ms.RetireChannel, &types.MsgRetireChannel{Authority: testkit.Gov, ChannelID: chanA})
		s.Require().Equal([]*types.EventChannelRetired{{ChannelID: chanA, CounterpartyChainID: cpA}}, eventsOf[*types.EventChannelRetired](s))
		refuseMsg(s, s.ms.SendPrescription, s.prescriptionMsg(), types.ErrInvalidChannel, false)
		s.refuse(types.ErrInvalidChannel, func(ctx sdk.Context) error {
			_, err := s.k.OnRecvPacket(ctx, incoming(encode(s, s.recallPacket(rxGTIN, lotA)), chanA, 1))
			return err
		})
		s.Require().NoError(s.ack(inFlight, prescriptionAck(9)))
		s.Require().Equal(types.PrescriptionStatus_PRESCRIPTION_STATUS_OPEN, s.prescription(1).Status)
		// chanB, to the other counterparty, is untouched.
		s.mustRecv(incoming(encode(s, s.recallPacket(rxGTIN, lotA)), chanB, 1))
	})
}

// TestOneChannelPerCounterparty: while a bridge channel to a counterparty is
// open, a second handshake over the same trusted connection (or another
// client of the same chain) is refused at every step, with nothing changed;
// once the authority retires the first, a new one opens. A recall sends one
// notice per counterparty, however many handshakes outsiders tried.
func (s *KeeperTestSuite) TestOneChannelPerCounterparty() {
	s.setup(pharma)
	im := bridge.NewIBCModule(s.k)
	cp := channeltypes.NewCounterparty(types.PortID, "channel-44")
	const second = "channel-5"
	s.chans.over[second] = connA
	// another honest client of cpA, from the same pinned header
	s.clients["07-tendermint-7"] = clientFrom(pinOf(cpA))
	s.Require().NoError(s.k.EndBlock(s.ctx)) // the block that created it records its origin
	s.conns["connection-7"] = connectiontypes.ConnectionEnd{ClientId: "07-tendermint-7", State: connectiontypes.OPEN}

	// Over either client the refusal writes nothing.
	for _, hops := range [][]string{{connA}, {"connection-7"}} {
		s.refuse(types.ErrChannelExists, func(ctx sdk.Context) error {
			_, err := im.OnChanOpenInit(ctx, channeltypes.UNORDERED, hops, types.PortID, second, cp, types.Version)
			return err
		})
		s.refuse(types.ErrChannelExists, func(ctx sdk.Context) error {
			_, err := im.OnChanOpenTry(ctx, channeltypes.UNORDERED, hops, types.PortID, second, cp, types.Version)
			return err
		})
	}
	s.refuse(types.ErrChannelExists, func(ctx sdk.Context) error {
		return im.OnChanOpenAck(ctx, types.PortID, second, "channel-44", types.Version)
	})
	s.refuse(types.ErrChannelExists, func(ctx sdk.Context) error { return im.OnChanOpenConfirm(ctx, types.PortID, second) })

	s.Require().NoError(s.afterRecall(drugRecall(rxGTIN, lotA)))
	s.Require().Len(s.ics4.sent, 2, "one notice per counterparty")

	// Retired by the authority, the first gives way to a new one.
	mustRun(s, s.ms.RetireChannel, &types.MsgRetireChannel{Authority: testkit.Gov, ChannelID: chanA})
	s.Require().NoError(s.exec(func(ctx sdk.Context) error {
		_, err := im.OnChanOpenInit(ctx, channeltypes.UNORDERED, []string{connA}, types.PortID, second, cp, types.Version)
		return err
	}))
	s.Require().NoError(s.exec(func(ctx sdk.Context) error {
		return im.OnChanOpenAck(ctx, types.PortID, second, "channel-44", types.Version)
	}))
	bc, err := s.k.Channels.Get(s.ctx, second)
	s.Require().NoError(err)
	s.Require().Equal(types.BridgeChannel{ChannelID: second, CounterpartyChainID: cpA, ClientID: trustedClient}, bc)
	s.ics4.sent = nil
	s.Require().NoError(s.afterRecall(drugRecall(rxGTIN, lotB)))
	var to []string
	for _, p := range s.ics4.sent {
		to = append(to, p.SourceChannel)
	}
	s.Require().ElementsMatch([]string{second, chanB}, to)
}

// TestTrustCounterparty: only the authority pins a counterparty; an invalid
// pin or a 17th counterparty is refused with nothing changed. A new pin for a
// chain id replaces the old one.
func (s *KeeperTestSuite) TestTrustCounterparty() {
	var msg *types.MsgTrustCounterparty
	refusals := []struct {
		name     string
		malleate func()
		expErr   error
	}{
		{"a hospital", func() { msg.Authority = s.hospital }, sdkerrors.ErrUnauthorized},
		{"a pharmacy", func() { msg.Authority = s.pharmacy }, sdkerrors.ErrUnauthorized},
		{"a stranger", func() { msg.Authority = s.stranger }, sdkerrors.ErrUnauthorized},
		{"empty authority", func() { msg.Authority = "" }, sdkerrors.ErrUnauthorized},
		{"bad app hash", func() { msg.Counterparty.AppHash = "00" }, types.ErrInvalidParams},
		{"height 0", func() { msg.Counterparty.RevisionHeight = 0 }, types.ErrInvalidParams},
		{"a 17th counterparty", func() {
			p, err := s.k.Params.Get(s.ctx)
			s.Require().NoError(err)
			for i := 0; len(p.TrustedCounterparties) < types.MaxTrustedCounterparties; i++ {
				p.TrustedCounterparties = append(p.TrustedCounterparties, pinOf("counterparty-"+string(rune('c'+i))))
			}
			s.Require().NoError(s.k.Params.Set(s.ctx, p))
		}, types.ErrInvalidParams},
	}
	for _, tc := range refusals {
		s.Run(tc.name, func() {
			s.SetupTest()
			msg = &types.MsgTrustCounterparty{Authority: testkit.Gov, Counterparty: pinOf("pharma-9")}
			tc.malleate()
			refuseMsg(s, s.ms.TrustCounterparty, msg, tc.expErr, false)
		})
	}
	s.Run("add, then replace", func() {
		s.SetupTest()
		mustRun(s, s.ms.TrustCounterparty, &types.MsgTrustCounterparty{Authority: testkit.Gov, Counterparty: pinOf("pharma-9")})
		moved := pinOf(cpA)
		moved.RevisionHeight = 99
		mustRun(s, s.ms.TrustCounterparty, &types.MsgTrustCounterparty{Authority: testkit.Gov, Counterparty: moved})
		p, err := s.k.Params.Get(s.ctx)
		s.Require().NoError(err)
		s.Require().Equal([]types.TrustedCounterparty{pinOf(cpB), pinOf("pharma-9"), moved}, p.TrustedCounterparties)
		// chanA's client was checked against the old pin: it stops.
		refuseMsg(s, s.ms.SendPrescription, s.prescriptionMsg(), types.ErrUntrustedClient, true)
	})
}

// TestCountersDoNotWrap: every id sequence (holding the next id) refuses to
// hand out MaxUint64 (before, the sequence wrapped to 0 and id 0 was handed
// out), with nothing changed; an export after it still has a next id that
// did not wrap. The recall's patient count saturates, and a prescription's
// remaining units are computed without wrapping.
func (s *KeeperTestSuite) TestCountersDoNotWrap() {
	full := func(seq collections.Sequence) func() {
		return func() { s.Require().NoError(seq.Set(s.ctx, math.MaxUint64)) }
	}
	s.Run("prescription id", func() {
		s.SetupTest()
		full(s.k.PrescriptionSeq)()
		refuseMsg(s, s.ms.SendPrescription, s.prescriptionMsg(), types.ErrOverflow, false)
		s.Require().NoError(s.k.PrescriptionSeq.Set(s.ctx, math.MaxUint64-1))
		res := mustRun(s, s.ms.SendPrescription, s.prescriptionMsg())
		s.Require().Equal(uint64(math.MaxUint64-1), res.ID)
		refuseMsg(s, s.ms.SendPrescription, s.prescriptionMsg(), types.ErrOverflow, false)
		gs := s.export()
		s.Require().Equal(uint64(math.MaxUint64), gs.NextPrescriptionID)
		s.Require().NoError(gs.Validate())
	})
	s.Run("verification id", func() {
		s.SetupTest()
		full(s.k.VerificationSeq)()
		refuseMsg(s, s.ms.RequestVerification, &types.MsgRequestVerification{Requester: s.hospital, ChannelID: chanA, Unit: rxGTIN + "/RX1"}, types.ErrOverflow, false)
	})
	s.Run("opened prescription id (pharma)", func() {
		s.setup(pharma)
		full(s.k.PrescriptionSeq)()
		s.refuse(types.ErrOverflow, func(ctx sdk.Context) error {
			_, err := s.k.OnRecvPacket(ctx, incoming(encode(s, s.prescriptionPacket(1, s.patient1, rxGTIN, "", 1, 0)), chanA, 1))
			return err
		})
	})
	s.Run("history seq (hospital)", func() {
		s.SetupTest()
		id := s.sendOpen(s.prescriptionMsg(), 40)
		full(s.k.HistorySeq)()
		s.refuseAfterWrites(types.ErrOverflow, func(ctx sdk.Context) error {
			_, err := s.k.OnRecvPacket(ctx, incoming(encode(s, s.dispensePacket(id, s.patient1, rxGTIN, "RX1", lotA)), chanA, 1))
			return err
		})
	})
	s.Run("undelivered id (pharma)", func() {
		s.setup(pharma)
		full(s.k.UndeliveredSeq)()
		s.ics4.failWith = errClientExpired
		s.Require().ErrorIs(s.afterRecall(drugRecall(rxGTIN, lotA)), types.ErrOverflow)
	})
	s.Run("recall patient count saturates", func() {
		s.SetupTest()
		s.Require().NoError(s.k.RecallNotices.Set(s.ctx, collections.Join(rxGTIN, lotA), types.RecallNotice{
			GTIN: rxGTIN, Lot: lotA, Reason: "contamination", RecalledAt: blockTime, ReceivedAt: blockTime, ChannelID: chanA,
			Patients: math.MaxUint32,
		}))
		id := s.sendOpen(s.prescriptionMsg(), 40)
		s.mustRecv(incoming(encode(s, s.dispensePacket(id, s.patient1, rxGTIN, "RX1", lotA)), chanA, 1))
		n, err := s.k.RecallNotices.Get(s.ctx, collections.Join(rxGTIN, lotA))
		s.Require().NoError(err)
		s.Require().Equal(uint32(math.MaxUint32), n.Patients, "the count wrapped")
	})
	s.Run("remaining units computed in 64 bits", func() {
		s.SetupTest()
		id := s.sendOpen(s.prescriptionMsg(), 40)
		p := s.prescription(id)
		p.Quantity, p.Refills = 1<<31, 1 // 2^32 units: 32-bit arithmetic says none are left
		s.Require().NoError(s.k.Prescriptions.Set(s.ctx, id, p))
		ack := s.mustRecv(incoming(encode(s, s.dispensePacket(id, s.patient1, rxGTIN, "RX1", lotA)), chanA, 1))
		s.Require().Equal(uint32(math.MaxUint32), ack.GetDispense().Remaining)
	})
}

// TestRetiredChannelSuccessor: what was tied to a retired channel follows the
// counterparty to its successor channel. On the pharma chain a dispense
// against a prescription opened over the retired channel confirms over the
// successor, a notice kept for the retired one is re-sent over it, and the
// prescription re-sent over it is not opened twice. On the hospital chain an
// undelivered prescription is re-sent over the successor and a confirmation
// arriving there is accepted; one from another counterparty is not.
func (s *KeeperTestSuite) TestRetiredChannelSuccessor() {
	const successor = "channel-5"

	s.Run("pharma chain", func() {
		s.setup(pharma)
		openID := s.openOnPharma(5, s.patient1, rxGTIN, "", 3, 0)
		s.Require().Equal(cpA, s.prescription(openID).CounterpartyChainID)
		// A dispense while no channel to cpA is open keeps its confirmation.
		mustRun(s, s.ms.RetireChannel, &types.MsgRetireChannel{Authority: testkit.Gov, ChannelID: chanA})
		s.Require().NoError(s.beforeDispense(s.dispensation(openID, s.patient1, "RX1")))
		kept := s.export().Undelivered
		s.Require().Len(kept, 1)
		s.Require().Equal(cpA, kept[0].CounterpartyChainID)
		s.Require().Empty(kept[0].ChannelID, "no channel was open to try")

		s.chans.over[successor] = connA
		s.openChannel(s.T(), successor)
		s.ics4.sent = nil
		s.Require().NoError(s.beforeDispense(s.dispensation(openID, s.patient1, "RX2")))
		s.Require().Equal(successor, s.lastSent().SourceChannel, "the next confirmation goes over the successor")

		mustRun(s, s.ms.ResendNotice, &types.MsgResendNotice{Sender: s.pharmacy, ID: kept[0].ID})
		s.Require().Equal(successor, s.lastSent().SourceChannel, "the kept one too")
		s.Require().Empty(s.export().Undelivered)

		// The hospital chain re-sends prescription 5 over the successor: the
		// same prescription, acknowledged with the same id.
		ack := s.mustRecv(incoming(encode(s, s.prescriptionPacket(5, s.patient1, rxGTIN, "", 3, 0)), successor, 1))
		s.Require().Equal(openID, ack.GetPrescription().OpenID)
		s.Require().Len(s.export().Prescriptions, 1)
	})

	s.Run("hospital chain", func() {
		s.setup(hospital)
		id, pkt := s.send(s.prescriptionMsg())
		s.Require().NoError(s.timeout(pkt))
		s.Require().Equal(types.PrescriptionStatus_PRESCRIPTION_STATUS_UNDELIVERED, s.prescription(id).Status)
		// With the channel retired and no successor, the re-send is refused.
		mustRun(s, s.ms.RetireChannel, &types.MsgRetireChannel{Authority: testkit.Gov, ChannelID: chanA})
		refuseMsg(s, s.ms.ResendPrescription, &types.MsgResendPrescription{Prescriber: s.hospital, ID: id}, types.ErrInvalidChannel, false)

		s.chans.over[successor] = connA
		s.openChannel(s.T(), successor)
		mustRun(s, s.ms.ResendPrescription, &types.MsgResendPrescription{Prescriber: s.hospital, ID: id})
		s.Require().Equal(successor, s.lastSent().SourceChannel)
		p := s.prescription(id)
		s.Require().Equal(successor, p.ChannelID)
		s.Require().Equal(types.PrescriptionStatus_PRESCRIPTION_STATUS_PENDING, p.Status)

		// A confirmation over the successor counts; over chanB (another
		// counterparty) it is refused.
		s.refuse(types.ErrMismatch, func(ctx sdk.Context) error {
			_, err := s.k.OnRecvPacket(ctx, incoming(encode(s, s.dispensePacket(id, s.patient1, rxGTIN, "RX1", lotA)), chanB, 1))
			return err
		})
		s.mustRecv(incoming(encode(s, s.dispensePacket(id, s.patient1, rxGTIN, "RX1", lotA)), successor, 1))
		s.Require().EqualValues(1, s.prescription(id).Dispensed)
	})
}
