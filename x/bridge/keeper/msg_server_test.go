package keeper_test

import (
	"fmt"
	"strings"
	"time"

	"cosmossdk.io/collections"

	cmtproto "github.com/cometbft/cometbft/proto/tendermint/types"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"

	clienttypes "github.com/cosmos/ibc-go/v11/modules/core/02-client/types"
	channeltypes "github.com/cosmos/ibc-go/v11/modules/core/04-channel/types"

	"github.com/healthchain/healthd/internal/testkit"
	"github.com/healthchain/healthd/x/bridge/types"
	consortiumtypes "github.com/healthchain/healthd/x/consortium/types"
)

const (
	hospital    = types.ChainRole_CHAIN_ROLE_HOSPITAL
	pharma      = types.ChainRole_CHAIN_ROLE_PHARMA
	unspecified = types.ChainRole_CHAIN_ROLE_UNSPECIFIED
	day         = 24 * time.Hour
)

// TestSendPrescription: a hospital member sends a prescription on an open
// bridge channel; it is stored PENDING under the packet's sequence, indexed by
// patient, recorded as pending, and the packet carries it.
func (s *KeeperTestSuite) TestSendPrescription() {
	var msg *types.MsgSendPrescription
	testCases := []struct {
		name     string
		malleate func()
		expErr   error
		// afterWrites: the keeper consumes the id before the channel refuses
		// the packet; the failed transaction discards it.
		afterWrites bool
	}{
		{"success: by GTIN", func() {}, nil, false},
		{"success: by NDC, 1000 units, 12 refills", func() { msg.GTIN, msg.NDC, msg.Quantity, msg.Refills = "", rxNDC, 1000, 12 }, nil, false},
		{"success: valid for exactly 366 days", func() { msg.ValidUntil = blockTime.Add(366 * day) }, nil, false},
		{"success: valid for one second", func() { msg.ValidUntil = blockTime.Add(time.Second) }, nil, false},
		{"success: on the second channel", func() { msg.ChannelID = chanB }, nil, false},
		{"success: valid_until in another time zone", func() { msg.ValidUntil = s.validUntil.In(time.FixedZone("X", 3600)) }, nil, false},
		{"success: valid_until with a fraction of a second, stored truncated", func() { msg.ValidUntil = s.validUntil.Add(700 * time.Millisecond) }, nil, false},
		{"success: 366 days and half a second, truncated to 366 days", func() { msg.ValidUntil = blockTime.Add(366*day + 500*time.Millisecond) }, nil, false},
		{"success: a second and a half", func() { msg.ValidUntil = blockTime.Add(1500 * time.Millisecond) }, nil, false},
		{"pharma chain", func() { s.setRole(s.T(), pharma) }, types.ErrWrongRole, false},
		{"bridge off", func() { s.setRole(s.T(), unspecified) }, types.ErrWrongRole, false},
		{"prescriber not a member", func() { msg.Prescriber = s.stranger }, consortiumtypes.ErrNotMember, false},
		{"prescriber suspended", func() { msg.Prescriber = s.suspended }, consortiumtypes.ErrNotMember, false},
		{"prescriber a pharmacy", func() { msg.Prescriber = s.pharmacy }, consortiumtypes.ErrMissingRole, false},
		{"prescriber empty", func() { msg.Prescriber = "" }, types.ErrInvalidAddress, false},
		{"prescriber with another prefix", func() { msg.Prescriber = testkit.OtherPrefix(s.hospitalAddr) }, types.ErrInvalidAddress, false},
		{"patient not an address", func() { msg.Patient = "patient-jane" }, types.ErrInvalidAddress, false},
		{"patient empty", func() { msg.Patient = "" }, types.ErrInvalidAddress, false},
		{"patient with another prefix", func() { msg.Patient = testkit.OtherPrefix(testkit.Addr("patient-1")) }, types.ErrInvalidAddress, false},
		{"no product", func() { msg.GTIN = "" }, types.ErrInvalidPrescription, false},
		{"both GTIN and NDC", func() { msg.NDC = rxNDC }, types.ErrInvalidPrescription, false},
		{"GTIN check digit", func() { msg.GTIN = badGTIN }, types.ErrInvalidPrescription, false},
		{"GTIN-13", func() { msg.GTIN = rxGTIN[1:] }, types.ErrInvalidPrescription, false},
		{"NDC shape", func() { msg.GTIN, msg.NDC = "", "12-345" }, types.ErrInvalidPrescription, false},
		{"quantity 0", func() { msg.Quantity = 0 }, types.ErrInvalidPrescription, false},
		{"quantity 1001", func() { msg.Quantity = 1001 }, types.ErrInvalidPrescription, false},
		{"refills 13", func() { msg.Refills = 13 }, types.ErrInvalidPrescription, false},
		{"valid_until now", func() { msg.ValidUntil = blockTime }, types.ErrInvalidPrescription, false},
		{"valid_until within the current second", func() { msg.ValidUntil = blockTime.Add(999 * time.Millisecond) }, types.ErrInvalidPrescription, false},
		{"valid_until past", func() { msg.ValidUntil = blockTime.Add(-time.Hour) }, types.ErrInvalidPrescription, false},
		{"valid_until zero", func() { msg.ValidUntil = time.Time{} }, types.ErrInvalidPrescription, false},
		{"valid_until 366 days and a second", func() { msg.ValidUntil = blockTime.Add(366*day + time.Second) }, types.ErrInvalidPrescription, false},
		{"channel not a bridge channel", func() { msg.ChannelID = chanX }, types.ErrInvalidChannel, false},
		{"channel empty", func() { msg.ChannelID = "" }, types.ErrInvalidChannel, false},
		{"channel retired", func() { s.Require().NoError(s.k.Channels.Remove(s.ctx, chanA)) }, types.ErrInvalidChannel, false},
		{"channel keeper refuses the packet", func() { s.ics4.failWith = errClientExpired }, clienttypes.ErrClientNotActive, true},
		{"counterparty no longer trusted", func() { s.distrust(s.T()) }, types.ErrUntrustedClient, true},
		{"channel unknown to the channel keeper", func() { s.chans.missing[chanA] = true }, types.ErrInvalidChannel, true},
	}
	for _, tc := range testCases {
		s.Run(tc.name, func() {
			s.SetupTest()
			msg = s.prescriptionMsg()
			tc.malleate()
			if tc.expErr != nil {
				refuseMsg(s, s.ms.SendPrescription, msg, tc.expErr, tc.afterWrites)
				s.Require().Empty(s.export().Prescriptions)
				return
			}
			res := mustRun(s, s.ms.SendPrescription, msg)
			s.Require().Equal(&types.MsgSendPrescriptionResponse{ID: 1, Sequence: 1}, res)

			validUntil := msg.ValidUntil.UTC().Truncate(time.Second)
			s.Require().True(validUntil.After(blockTime), "what is stored is still valid")
			s.Require().Equal(types.Prescription{
				ID: 1, Prescriber: s.hospital, Patient: s.patient1, GTIN: msg.GTIN, NDC: msg.NDC, Quantity: msg.Quantity, Refills: msg.Refills,
				ValidUntil: validUntil, IssuedAt: blockTime, Status: types.PrescriptionStatus_PRESCRIPTION_STATUS_PENDING,
				ChannelID: msg.ChannelID, Sequence: 1, CounterpartyChainID: cpOf(msg.ChannelID),
			}, s.prescription(1))
			has, err := s.k.PrescriptionsByPatient.Has(s.ctx, collections.Join(s.patient1, uint64(1)))
			s.Require().NoError(err)
			s.Require().True(has, "indexed by patient")

			gs := s.export()
			s.Require().Equal([]types.PendingPacket{{ChannelID: msg.ChannelID, Sequence: 1,
				Kind: types.PacketKind_PACKET_KIND_PRESCRIPTION, Ref: 1, SentAt: blockTime, CounterpartyChainID: cpOf(msg.ChannelID)}}, gs.Pending)
			s.Require().Len(gs.Prescriptions, 1)
			s.Require().EqualValues(2, gs.NextPrescriptionID)

			s.Require().Len(s.ics4.sent, 1)
			pkt := s.ics4.sent[0]
			s.Require().Equal(types.PortID, pkt.SourcePort)
			s.Require().Equal(msg.ChannelID, pkt.SourceChannel)
			s.Require().Equal(clienttypes.ZeroHeight(), pkt.TimeoutHeight)
			s.Require().Equal(uint64(blockTime.Add(10*time.Minute).UnixNano()), pkt.TimeoutTimestamp)
			s.Require().Equal(&types.PrescriptionPacket{ID: 1, Prescriber: s.hospital, Patient: s.patient1, GTIN: msg.GTIN, NDC: msg.NDC,
				Quantity: msg.Quantity, Refills: msg.Refills, ValidUntil: validUntil.Unix()}, s.decodeSent(pkt).GetPrescription())

			s.Require().Equal([]*types.EventPrescriptionSent{{ID: 1, ChannelID: msg.ChannelID, Sequence: 1, Prescriber: s.hospital}},
				eventsOf[*types.EventPrescriptionSent](s))
			s.Require().Equal([]*types.EventPrescriptionStatus{{ID: 1, From: types.PrescriptionStatus_PRESCRIPTION_STATUS_UNSPECIFIED,
				To: types.PrescriptionStatus_PRESCRIPTION_STATUS_PENDING}}, eventsOf[*types.EventPrescriptionStatus](s))
		})
	}
}

// TestSendPrescriptionSubSecondValidUntil: valid_until is checked as it is
// stored and sent, truncated to the second. With a block time of 09:30:00.6
// a valid_until of 09:30:00.9 would be stored (and sent) as 09:30:00, before
// the block time, and the pharma chain would refuse it as expired: it is
// refused here. One of 09:30:01.2 is stored as 09:30:01 and opens on the
// pharma chain.
func (s *KeeperTestSuite) TestSendPrescriptionSubSecondValidUntil() {
	now := blockTime.Add(600 * time.Millisecond)
	s.setBlockTime(now)
	msg := s.prescriptionMsg()
	msg.ValidUntil = blockTime.Add(900 * time.Millisecond)
	refuseMsg(s, s.ms.SendPrescription, msg, types.ErrInvalidPrescription, false)
	s.Require().Empty(s.export().Prescriptions)

	msg.ValidUntil = blockTime.Add(1200 * time.Millisecond)
	id, pkt := s.send(msg)
	p := s.prescription(id)
	s.Require().Equal(blockTime.Add(time.Second), p.ValidUntil)
	s.Require().True(p.ValidUntil.After(now))
	s.Require().Equal(blockTime.Add(time.Second).Unix(), s.decodeSent(pkt).GetPrescription().ValidUntil)

	s.setup(pharma)
	s.setBlockTime(now)
	ack := s.mustRecv(incoming(pkt.Data, chanA, 1))
	s.Require().NotZero(ack.GetPrescription().OpenID, "the pharma chain opens it")
}

// TestNewPrescriptionStatusEvent: a new prescription's status event reads
// from UNSPECIFIED to PENDING, as any consumer following the transitions
// reads it; a re-sent one from UNDELIVERED to PENDING.
func (s *KeeperTestSuite) TestNewPrescriptionStatusEvent() {
	_, pkt := s.send(s.prescriptionMsg())
	s.Require().Equal([]*types.EventPrescriptionStatus{{ID: 1, From: types.PrescriptionStatus_PRESCRIPTION_STATUS_UNSPECIFIED,
		To: types.PrescriptionStatus_PRESCRIPTION_STATUS_PENDING}}, eventsOf[*types.EventPrescriptionStatus](s))

	s.Require().NoError(s.timeout(pkt))
	s.freshEvents()
	mustRun(s, s.ms.ResendPrescription, &types.MsgResendPrescription{Prescriber: s.hospital, ID: 1})
	s.Require().Equal([]*types.EventPrescriptionStatus{{ID: 1, From: types.PrescriptionStatus_PRESCRIPTION_STATUS_UNDELIVERED,
		To: types.PrescriptionStatus_PRESCRIPTION_STATUS_PENDING}}, eventsOf[*types.EventPrescriptionStatus](s))
}

// TestSendUntrustedChannel: every packet sent re-checks the channel's light
// client. With its pin taken out of params.trusted_counterparties, the client's channels stop at
// once: a prescription is refused and leaves no trace (the id it took is
// discarded with the failed transaction), until the client is trusted again.
func (s *KeeperTestSuite) TestSendUntrustedChannel() {
	s.send(s.prescriptionMsg())
	s.distrust(s.T())
	gs, raw := s.export(), s.dump()
	refuseMsg(s, s.ms.SendPrescription, s.prescriptionMsg(), types.ErrUntrustedClient, true)
	refuseMsg(s, s.ms.RequestVerification, &types.MsgRequestVerification{Requester: s.hospital, ChannelID: chanA, Unit: rxGTIN + "/RX1"},
		types.ErrUntrustedClient, true)
	s.Require().Equal(gs, s.export())
	s.Require().Equal(raw, s.dump())
	s.Require().Len(s.ics4.sent, 1)

	s.setRole(s.T(), hospital) // trusted again
	res := mustRun(s, s.ms.SendPrescription, s.prescriptionMsg())
	s.Require().EqualValues(2, res.ID, "the refused attempt used no id")
	s.Require().Len(s.ics4.sent, 2)
}

// TestSendPrescriptionIDsAndSequences: ids count up over the chain, sequences
// per channel, and the packet timeout follows params.
func (s *KeeperTestSuite) TestSendPrescriptionIDsAndSequences() {
	p, err := s.k.Params.Get(s.ctx)
	s.Require().NoError(err)
	p.PacketTimeout = time.Hour
	s.Require().NoError(s.k.Params.Set(s.ctx, p))

	for i, want := range []struct {
		channel string
		id, seq uint64
	}{{chanA, 1, 1}, {chanB, 2, 1}, {chanA, 3, 2}} {
		msg := s.prescriptionMsg()
		msg.ChannelID = want.channel
		msg.Patient = []string{s.patient1, s.patient2, s.patient1}[i]
		res := mustRun(s, s.ms.SendPrescription, msg)
		s.Require().Equal(want.id, res.ID)
		s.Require().Equal(want.seq, res.Sequence)
		s.Require().Equal(uint64(blockTime.Add(time.Hour).UnixNano()), s.lastSent().TimeoutTimestamp)
	}
	res, err := s.qs.PrescriptionsByPatient(s.ctx, &types.QueryPrescriptionsByPatientRequest{Patient: s.patient1})
	s.Require().NoError(err)
	s.Require().Len(res.Prescriptions, 2)
	s.Require().EqualValues(1, res.Prescriptions[0].ID)
	s.Require().EqualValues(3, res.Prescriptions[1].ID)
	s.Require().Len(s.export().Pending, 3)
}

// TestResendPrescription: only an undelivered prescription, only by its
// prescriber (still an active hospital member), only while it is valid; it
// goes again under a new sequence.
func (s *KeeperTestSuite) TestResendPrescription() {
	var (
		msg   *types.MsgResendPrescription
		first sentPacket
	)
	// byStatus sends another prescription and brings it to a status.
	byStatus := func(status types.PrescriptionStatus) {
		m := s.prescriptionMsg()
		m.Quantity, m.Refills = 1, 0
		id, pkt := s.send(m)
		switch status {
		case types.PrescriptionStatus_PRESCRIPTION_STATUS_OPEN:
			s.Require().NoError(s.ack(pkt, prescriptionAck(9)))
		case types.PrescriptionStatus_PRESCRIPTION_STATUS_REFUSED:
			s.Require().NoError(s.ack(pkt, channeltypes.NewErrorAcknowledgement(types.ErrInvalidPrescription)))
		case types.PrescriptionStatus_PRESCRIPTION_STATUS_CLOSED:
			s.Require().NoError(s.ack(pkt, prescriptionAck(9)))
			s.mustRecv(incoming(encode(s, s.dispensePacket(id, s.patient1, rxGTIN, "RX1", lotA)), chanA, 1))
		}
		s.Require().Equal(status, s.prescription(id).Status)
		msg.ID = id
	}
	testCases := []struct {
		name     string
		malleate func()
		expErr   error
	}{
		{"success", func() {}, nil},
		{"success: at the last second of validity", func() { s.setBlockTime(s.validUntil.Add(-time.Second)) }, nil},
		{"not found", func() { msg.ID = 99 }, types.ErrPrescriptionNotFound},
		{"id 0", func() { msg.ID = 0 }, types.ErrPrescriptionNotFound},
		{"another hospital", func() { msg.Prescriber = s.hospital2 }, types.ErrNotPrescriber},
		{"prescriber suspended since", func() { s.members.Suspend(s.hospitalAddr) }, consortiumtypes.ErrNotMember},
		{"prescriber no longer a hospital", func() { s.members.SetRoles(s.hospitalAddr, consortiumtypes.Role_ROLE_PHARMACY) }, consortiumtypes.ErrMissingRole},
		{"not a member", func() { msg.Prescriber = s.stranger }, consortiumtypes.ErrNotMember},
		{"prescriber not an address", func() { msg.Prescriber = "dr-who" }, types.ErrInvalidAddress},
		{"pharma chain", func() { s.setRole(s.T(), pharma) }, types.ErrWrongRole},
		{"still pending", func() { byStatus(types.PrescriptionStatus_PRESCRIPTION_STATUS_PENDING) }, types.ErrPrescriptionStatus},
		{"open", func() { byStatus(types.PrescriptionStatus_PRESCRIPTION_STATUS_OPEN) }, types.ErrPrescriptionStatus},
		{"refused", func() { byStatus(types.PrescriptionStatus_PRESCRIPTION_STATUS_REFUSED) }, types.ErrPrescriptionStatus},
		{"closed", func() { byStatus(types.PrescriptionStatus_PRESCRIPTION_STATUS_CLOSED) }, types.ErrPrescriptionStatus},
		{"at valid_until", func() { s.setBlockTime(s.validUntil) }, types.ErrPrescriptionStatus},
		{"after valid_until", func() { s.setBlockTime(s.validUntil.Add(day)) }, types.ErrPrescriptionStatus},
		{"channel closed since", func() { s.Require().NoError(s.k.Channels.Remove(s.ctx, chanA)) }, types.ErrInvalidChannel},
		{"channel keeper refuses the packet", func() { s.ics4.failWith = errClientExpired }, clienttypes.ErrClientNotActive},
		{"counterparty no longer trusted", func() { s.distrust(s.T()) }, types.ErrUntrustedClient},
		{"channel unknown to the channel keeper", func() { s.chans.missing[chanA] = true }, types.ErrInvalidChannel},
	}
	for _, tc := range testCases {
		s.Run(tc.name, func() {
			s.SetupTest()
			var id uint64
			id, first = s.send(s.prescriptionMsg())
			s.Require().NoError(s.timeout(first))
			s.Require().Equal(types.PrescriptionStatus_PRESCRIPTION_STATUS_UNDELIVERED, s.prescription(id).Status)
			msg = &types.MsgResendPrescription{Prescriber: s.hospital, ID: id}
			tc.malleate()
			s.freshEvents()
			if tc.expErr != nil {
				refuseMsg(s, s.ms.ResendPrescription, msg, tc.expErr, false)
				return
			}
			sent := len(s.ics4.sent)
			res := mustRun(s, s.ms.ResendPrescription, msg)
			s.Require().EqualValues(2, res.Sequence, "a new sequence")
			s.Require().Len(s.ics4.sent, sent+1)
			again := s.lastSent()
			s.Require().Equal(first.Data, again.Data, "the same prescription goes again")
			s.Require().Equal(uint64(s.ctx.BlockTime().Add(10*time.Minute).UnixNano()), again.TimeoutTimestamp)

			p := s.prescription(id)
			s.Require().Equal(types.PrescriptionStatus_PRESCRIPTION_STATUS_PENDING, p.Status)
			s.Require().EqualValues(2, p.Sequence)
			s.Require().Equal([]types.PendingPacket{{ChannelID: chanA, CounterpartyChainID: cpA, Sequence: 2, Kind: types.PacketKind_PACKET_KIND_PRESCRIPTION,
				Ref: id, SentAt: s.ctx.BlockTime()}}, s.export().Pending)
			s.Require().Equal([]*types.EventPrescriptionStatus{{ID: id, From: types.PrescriptionStatus_PRESCRIPTION_STATUS_UNDELIVERED,
				To: types.PrescriptionStatus_PRESCRIPTION_STATUS_PENDING}}, eventsOf[*types.EventPrescriptionStatus](s))

			// The re-sent prescription is acknowledged like the first.
			s.Require().NoError(s.ack(again, prescriptionAck(12)))
			p = s.prescription(id)
			s.Require().Equal(types.PrescriptionStatus_PRESCRIPTION_STATUS_OPEN, p.Status)
			s.Require().EqualValues(12, p.RemoteID)
			s.Require().Empty(s.export().Pending)
		})
	}
}

// TestRequestVerification: a hospital or pharmacy member asks the pharma chain
// about a unit; the request is stored PENDING and sent.
func (s *KeeperTestSuite) TestRequestVerification() {
	var msg *types.MsgRequestVerification
	testCases := []struct {
		name        string
		malleate    func()
		expErr      error
		afterWrites bool
	}{
		{"success: hospital, GTIN/serial", func() {}, nil, false},
		{"success: pharmacy", func() { msg.Requester = s.pharmacy }, nil, false},
		{"success: GS1 element string", func() { msg.Unit = "(01)" + rxGTIN + "(17)300630(10)" + lotA + "(21)RX3" }, nil, false},
		{"success: GS1 Digital Link", func() { msg.Unit = "https://id.gs1.org/01/" + rxGTIN + "/21/RX1" }, nil, false},
		{"manufacturer", func() { msg.Requester = s.manufacturer }, consortiumtypes.ErrMissingRole, false},
		{"not a member", func() { msg.Requester = s.stranger }, consortiumtypes.ErrNotMember, false},
		{"suspended", func() { msg.Requester = s.suspended }, consortiumtypes.ErrNotMember, false},
		{"requester not an address", func() { msg.Requester = "nurse" }, types.ErrInvalidAddress, false},
		{"requester empty", func() { msg.Requester = "" }, types.ErrInvalidAddress, false},
		{"pharma chain", func() { s.setRole(s.T(), pharma) }, types.ErrWrongRole, false},
		{"bridge off", func() { s.setRole(s.T(), unspecified) }, types.ErrWrongRole, false},
		{"unit empty", func() { msg.Unit = "" }, types.ErrInvalidUnit, false},
		{"unit of 257 bytes", func() { msg.Unit = rxGTIN + "/" + strings.Repeat("1", 242) }, types.ErrInvalidUnit, false},
		{"unit with a newline", func() { msg.Unit = rxGTIN + "/RX1\n" }, types.ErrInvalidUnit, false},
		{"unit not a unit reference", func() { msg.Unit = "not a unit" }, types.ErrInvalidUnit, false},
		{"unit with a bad GTIN", func() { msg.Unit = badGTIN + "/RX1" }, types.ErrInvalidUnit, false},
		{"channel not a bridge channel", func() { msg.ChannelID = chanX }, types.ErrInvalidChannel, true},
		{"channel keeper refuses the packet", func() { s.ics4.failWith = errClientExpired }, clienttypes.ErrClientNotActive, true},
		{"counterparty no longer trusted", func() { s.distrust(s.T()) }, types.ErrUntrustedClient, true},
		{"channel unknown to the channel keeper", func() { s.chans.missing[chanA] = true }, types.ErrInvalidChannel, true},
	}
	for _, tc := range testCases {
		s.Run(tc.name, func() {
			s.SetupTest()
			msg = &types.MsgRequestVerification{Requester: s.hospital, ChannelID: chanA, Unit: rxGTIN + "/RX1"}
			tc.malleate()
			if tc.expErr != nil {
				refuseMsg(s, s.ms.RequestVerification, msg, tc.expErr, tc.afterWrites)
				return
			}
			res := mustRun(s, s.ms.RequestVerification, msg)
			s.Require().Equal(&types.MsgRequestVerificationResponse{ID: 1, Sequence: 1}, res)
			v, err := s.k.Verifications.Get(s.ctx, 1)
			s.Require().NoError(err)
			s.Require().Equal(types.Verification{ID: 1, Requester: msg.Requester, Unit: msg.Unit, ChannelID: chanA, Sequence: 1,
				Status: types.VerificationStatus_VERIFICATION_STATUS_PENDING, AskedAt: blockTime}, v)
			s.Require().Equal([]types.PendingPacket{{ChannelID: chanA, CounterpartyChainID: cpA, Sequence: 1, Kind: types.PacketKind_PACKET_KIND_VERIFY,
				Ref: 1, SentAt: blockTime}}, s.export().Pending)
			s.Require().Len(s.ics4.sent, 1)
			s.Require().Equal(&types.VerifyPacket{RequestID: 1, Unit: msg.Unit}, s.decodeSent(s.ics4.sent[0]).GetVerify())
			s.Require().Equal([]*types.EventVerification{{ID: 1, Status: types.VerificationStatus_VERIFICATION_STATUS_PENDING}},
				eventsOf[*types.EventVerification](s))
		})
	}
}

// noticeWorld puts on a pharma chain: an open prescription (3 units) from
// hospital id 5; undelivered notice 1 (a dispense confirmation that timed
// out), 2 (one the hospital chain refused) and 3 (a recall notice on chanB
// that timed out). It returns the packets of notices 1 and 3.
func (s *KeeperTestSuite) noticeWorld() (dispense, recall sentPacket) {
	s.setup(pharma)
	openID := s.openOnPharma(5, s.patient1, rxGTIN, "", 3, 0)
	s.Require().NoError(s.beforeDispense(s.dispensation(openID, s.patient1, "RX1")))
	dispense = s.lastSent()
	s.Require().NoError(s.timeout(dispense))
	s.Require().NoError(s.beforeDispense(s.dispensation(openID, s.patient1, "RX2")))
	s.Require().NoError(s.ack(s.lastSent(), channeltypes.NewErrorAcknowledgementWithCodespace(types.ErrMismatch)))
	s.Require().NoError(s.afterRecall(drugRecall(rxGTIN, lotA)))
	for _, p := range s.ics4.sent[len(s.ics4.sent)-2:] {
		if p.SourceChannel == chanB {
			recall = p
			s.Require().NoError(s.timeout(p))
		} else {
			s.Require().NoError(s.ack(p, successAck(types.Ack{Result: &types.Ack_Recall{Recall: &types.RecallAck{}}})))
		}
	}
	gs := s.export()
	s.Require().Len(gs.Undelivered, 3)
	s.Require().Empty(gs.Pending)
	for i, want := range []struct {
		kind   types.PacketKind
		reason types.UndeliveredReason
	}{
		{types.PacketKind_PACKET_KIND_DISPENSE, types.UndeliveredReason_UNDELIVERED_REASON_TIMEOUT},
		{types.PacketKind_PACKET_KIND_DISPENSE, types.UndeliveredReason_UNDELIVERED_REASON_REFUSED},
		{types.PacketKind_PACKET_KIND_RECALL, types.UndeliveredReason_UNDELIVERED_REASON_TIMEOUT},
	} {
		s.Require().EqualValues(i+1, gs.Undelivered[i].ID)
		s.Require().Equal(want.kind, gs.Undelivered[i].Kind)
		s.Require().Equal(want.reason, gs.Undelivered[i].Reason)
	}
	s.freshEvents()
	return dispense, recall
}

// TestResendNotice: any active member re-sends a notice that timed out (or
// was never sent: TestResendNoticeNotSent); one the hospital chain refused is
// not re-sent.
func (s *KeeperTestSuite) TestResendNotice() {
	var (
		msg              *types.MsgResendNotice
		dispense, recall sentPacket
		want             *sentPacket
	)
	testCases := []struct {
		name     string
		malleate func()
		expErr   error
	}{
		{"success: dispense confirmation, by the pharmacy", func() {}, nil},
		{"success: by a manufacturer", func() { msg.Sender = s.manufacturer }, nil},
		{"success: by a member with any role", func() { msg.Sender = s.hospital }, nil},
		{"success: recall notice", func() { msg.ID, want = 3, &recall }, nil},
		{"refused by the hospital chain", func() { msg.ID = 2 }, types.ErrNotResendable},
		{"unknown id", func() { msg.ID = 99 }, types.ErrNotFound},
		{"id 0", func() { msg.ID = 0 }, types.ErrNotFound},
		{"not a member", func() { msg.Sender = s.stranger }, consortiumtypes.ErrNotMember},
		{"suspended member", func() { msg.Sender = s.suspended }, consortiumtypes.ErrNotMember},
		{"sender not an address", func() { msg.Sender = "pharmacist" }, types.ErrInvalidAddress},
		{"hospital chain", func() { s.setRole(s.T(), hospital) }, types.ErrWrongRole},
		{"bridge off", func() { s.setRole(s.T(), unspecified) }, types.ErrWrongRole},
		{"channel closed since", func() { s.Require().NoError(s.k.Channels.Remove(s.ctx, chanA)) }, types.ErrInvalidChannel},
		{"channel keeper refuses the packet", func() { s.ics4.failWith = errClientExpired }, clienttypes.ErrClientNotActive},
		{"counterparty no longer trusted", func() { s.distrust(s.T()) }, types.ErrUntrustedClient},
		{"channel unknown to the channel keeper", func() { s.chans.missing[chanA] = true }, types.ErrInvalidChannel},
		{"recall notice, its channel unknown to the channel keeper", func() { msg.ID = 3; s.chans.missing[chanB] = true }, types.ErrInvalidChannel},
	}
	for _, tc := range testCases {
		s.Run(tc.name, func() {
			dispense, recall = s.noticeWorld()
			want = &dispense
			msg = &types.MsgResendNotice{Sender: s.pharmacy, ID: 1}
			tc.malleate()
			if tc.expErr != nil {
				refuseMsg(s, s.ms.ResendNotice, msg, tc.expErr, false)
				return
			}
			before := s.export()
			res := mustRun(s, s.ms.ResendNotice, msg)
			pkt := s.lastSent()
			s.Require().Equal(want.Data, pkt.Data, "the notice goes again, unchanged")
			s.Require().Equal(want.SourceChannel, pkt.SourceChannel)
			s.Require().Equal(pkt.Sequence, res.Sequence)
			s.Require().Greater(res.Sequence, want.Sequence)

			after := s.export()
			s.Require().Len(after.Undelivered, 2)
			for _, u := range after.Undelivered {
				s.Require().NotEqual(msg.ID, u.ID, "the re-sent notice left the undelivered list")
			}
			s.Require().Equal([]types.PendingPacket{{ChannelID: want.SourceChannel, Sequence: res.Sequence,
				Kind: s.decodeSent(*want).Kind(), SentAt: blockTime, CounterpartyChainID: cpOf(want.SourceChannel)}}, after.Pending)
			s.Require().Equal(before.Prescriptions, after.Prescriptions, "the dispense is not counted again")

			// Once sent it is no longer undelivered.
			refuseMsg(s, s.ms.ResendNotice, msg, types.ErrNotFound, false)
			// Acknowledged, it is done; timed out again, it is kept again under a new id.
			s.Require().NoError(s.timeout(pkt))
			last := s.export().Undelivered
			s.Require().Equal(types.Undelivered{ID: 4, ChannelID: want.SourceChannel, CounterpartyChainID: cpOf(want.SourceChannel), Kind: s.decodeSent(*want).Kind(),
				Reason: types.UndeliveredReason_UNDELIVERED_REASON_TIMEOUT, Data: want.Data, At: blockTime}, last[len(last)-1])
		})
	}
}

// TestUpdateParams: only the authority (sdk.ValidateAuthority: the consensus
// params' authority when set, else the keeper's), and only valid params.
func (s *KeeperTestSuite) TestUpdateParams() {
	var msg *types.MsgUpdateParams
	pins := func(n int) []types.TrustedCounterparty {
		out := make([]types.TrustedCounterparty, n)
		for i := range out {
			out[i] = pinOf(fmt.Sprintf("counterparty-%d", i))
		}
		return out
	}
	first := func(f func(c *types.TrustedCounterparty)) func() {
		return func() { f(&msg.Params.TrustedCounterparties[0]) }
	}
	withConsensusAuthority := func(a string) {
		s.ctx = s.ctx.WithConsensusParams(cmtproto.ConsensusParams{Authority: &cmtproto.AuthorityParams{Authority: a}})
	}
	testCases := []struct {
		name     string
		malleate func()
		expErr   error
	}{
		{"success", func() {}, nil},
		{"success: bridge off", func() { msg.Params = types.DefaultParams() }, nil},
		{"success: 16 trusted counterparties", func() { msg.Params.TrustedCounterparties = pins(16) }, nil},
		{"success: 1 minute timeout", func() { msg.Params.PacketTimeout = time.Minute }, nil},
		{"success: 168 hour timeout", func() { msg.Params.PacketTimeout = 168 * time.Hour }, nil},
		{"success: the consensus params' authority", func() { withConsensusAuthority(s.hospital2); msg.Authority = s.hospital2 }, nil},
		{"success: empty consensus params' authority falls back to gov", func() { withConsensusAuthority("") }, nil},
		{"gov when the consensus params name another authority", func() { withConsensusAuthority(s.hospital2) }, sdkerrors.ErrUnauthorized},
		{"a hospital", func() { msg.Authority = s.hospital }, sdkerrors.ErrUnauthorized},
		{"empty authority", func() { msg.Authority = "" }, sdkerrors.ErrUnauthorized},
		{"gov address upper case", func() { msg.Authority = strings.ToUpper(testkit.Gov) }, sdkerrors.ErrUnauthorized},
		{"wrong authority and invalid params", func() { msg.Authority = s.hospital; msg.Params.PacketTimeout = 0 }, sdkerrors.ErrUnauthorized},
		{"timeout 59s", func() { msg.Params.PacketTimeout = 59 * time.Second }, types.ErrInvalidParams},
		{"timeout 168h and a second", func() { msg.Params.PacketTimeout = 168*time.Hour + time.Second }, types.ErrInvalidParams},
		{"unknown role", func() { msg.Params.Role = types.ChainRole(3) }, types.ErrInvalidParams},
		{"counterparty twice", func() { msg.Params.TrustedCounterparties[1] = msg.Params.TrustedCounterparties[0] }, types.ErrInvalidParams},
		{"17 counterparties", func() { msg.Params.TrustedCounterparties = pins(17) }, types.ErrInvalidParams},
		{"empty chain id", first(func(c *types.TrustedCounterparty) { c.ChainID = "" }), types.ErrInvalidParams},
		{"chain id with a space", first(func(c *types.TrustedCounterparty) { c.ChainID = "pharma 1" }), types.ErrInvalidParams},
		{"chain id of 51 bytes", first(func(c *types.TrustedCounterparty) { c.ChainID = strings.Repeat("p", 51) }), types.ErrInvalidParams},
		{"height 0", first(func(c *types.TrustedCounterparty) { c.RevisionHeight = 0 }), types.ErrInvalidParams},
		{"app hash lower case", first(func(c *types.TrustedCounterparty) { c.AppHash = strings.ToLower(c.AppHash) }), types.ErrInvalidParams},
		{"app hash short", first(func(c *types.TrustedCounterparty) { c.AppHash = c.AppHash[2:] }), types.ErrInvalidParams},
		{"validators hash not hex", first(func(c *types.TrustedCounterparty) { c.NextValidatorsHash = strings.Repeat("G", 64) }), types.ErrInvalidParams},
		{"no timestamp", first(func(c *types.TrustedCounterparty) { c.Timestamp = time.Time{} }), types.ErrInvalidParams},
	}
	for _, tc := range testCases {
		s.Run(tc.name, func() {
			s.SetupTest()
			msg = &types.MsgUpdateParams{Authority: testkit.Gov, Params: types.Params{Role: pharma,
				TrustedCounterparties: []types.TrustedCounterparty{pinOf(cpA), pinOf(cpB)}, PacketTimeout: time.Hour}}
			tc.malleate()
			if tc.expErr != nil {
				refuseMsg(s, s.ms.UpdateParams, msg, tc.expErr, false)
				return
			}
			mustRun(s, s.ms.UpdateParams, msg)
			got, err := s.k.Params.Get(s.ctx)
			s.Require().NoError(err)
			s.Require().Equal(msg.Params, got)
		})
	}
}
