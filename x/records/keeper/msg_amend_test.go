package keeper_test

import (
	"time"

	"cosmossdk.io/collections"

	sdk "github.com/cosmos/cosmos-sdk/types"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"

	"github.com/healthchain/healthd/internal/testkit"
	consortiumtypes "github.com/healthchain/healthd/x/consortium/types"
	"github.com/healthchain/healthd/x/records/types"
)

func (s *KeeperTestSuite) TestAmendRecord() {
	v1 := s.anchor(s.patient, "v1")
	s.advance(time.Hour)
	s.freshEvents()
	msg := s.amendMsg(s.hospital, v1, "v2")
	msg.Kind, msg.Category = "DiagnosticReport", "imaging"
	res, err := s.ms.AmendRecord(s.ctx, msg)
	s.Require().NoError(err)
	s.Require().Equal(&types.MsgAmendRecordResponse{ID: 2, Version: 2}, res)

	want := types.Record{
		ID: 2, Patient: s.addr(s.patient), Author: s.addr(s.hospital), Format: types.Format_FORMAT_FHIR_R4,
		Kind: "DiagnosticReport", Category: "imaging", Commitment: commitment("v2"), CID: cidOf("v2"), BlobSize: 2345,
		Version: 2, Supersedes: v1, RootID: v1, AnchoredAt: blockTime.Add(time.Hour),
	}
	s.Require().Equal(want, s.record(2))
	s.requireIndexed(want)

	// the old version stays, unchanged but for the pointer to its successor
	old := s.record(v1)
	s.Require().Equal(uint64(2), old.SupersededBy)
	s.Require().Equal(uint32(1), old.Version)
	s.Require().Equal(commitment("v1"), old.Commitment)
	s.Require().Equal(blockTime, old.AnchoredAt)
	s.requireIndexed(old)
	s.Require().Equal([4]int{2, 2, 2, 2}, s.indexSizes())

	ev, attrs := event[*types.EventRecordAnchored](s)
	s.Require().Equal(&types.EventRecordAnchored{
		ID: 2, Patient: want.Patient, Author: want.Author, Version: 2, Supersedes: v1,
	}, ev)
	s.requireAttrs(attrs, "id", "patient", "author", "version", "supersedes")
	s.requireNoContent(attrs, want)
	s.requireNoContent(attrs, old)

	// a third version continues the chain from the current one
	v3 := s.amend(s.hospital, 2, "v3")
	r3 := s.record(v3)
	s.Require().Equal(uint32(3), r3.Version)
	s.Require().Equal(uint64(2), r3.Supersedes)
	s.Require().Equal(v1, r3.RootID)
	s.Require().Equal(v3, s.record(2).SupersededBy)
	s.Require().Zero(r3.SupersededBy)
	s.requireIndexed(r3)
}

func (s *KeeperTestSuite) TestAmendKeepsFormat() {
	msg := s.anchorMsg(s.lab, s.patient, "hl7")
	msg.Format, msg.Kind = types.Format_FORMAT_HL7_V2, "ORU^R01"
	id := s.anchorWith(msg)
	amend := s.amendMsg(s.lab, id, "hl7-2")
	amend.Kind = "ORU^R01"
	res, err := s.ms.AmendRecord(s.ctx, amend)
	s.Require().NoError(err)
	s.Require().Equal(types.Format_FORMAT_HL7_V2, s.record(res.ID).Format)

	// a FHIR kind is no HL7 v2 message type
	s.freshEvents()
	s.refuse(types.ErrInvalidKind, testkit.Call(s.ms.AmendRecord, s.amendMsg(s.lab, res.ID, "fhir")))
}

func (s *KeeperTestSuite) TestAmendRecordRefusals() {
	cases := []struct {
		name string
		// setup returns the id to amend; malleate changes the message.
		setup    func() uint64
		malleate func(m *types.MsgAmendRecord)
		want     error
	}{
		{"empty author", nil, func(m *types.MsgAmendRecord) { m.Author = "" }, types.ErrInvalidAddress},
		{"author with another prefix", nil, func(m *types.MsgAmendRecord) { m.Author = testkit.OtherPrefix(s.hospital) }, types.ErrInvalidAddress},
		{"author not an address", nil, func(m *types.MsgAmendRecord) { m.Author = "x" }, types.ErrInvalidAddress},
		{"unknown record", nil, func(m *types.MsgAmendRecord) { m.Supersedes = 99 }, types.ErrRecordNotFound},
		{"record zero", nil, func(m *types.MsgAmendRecord) { m.Supersedes = 0 }, types.ErrRecordNotFound},
		{"FHIR kind Unicorn", nil, func(m *types.MsgAmendRecord) { m.Kind = "Unicorn" }, types.ErrInvalidKind},
		{"HL7 kind on a FHIR record", nil, func(m *types.MsgAmendRecord) { m.Kind = "ORU^R01" }, types.ErrInvalidKind},
		{"empty kind", nil, func(m *types.MsgAmendRecord) { m.Kind = "" }, types.ErrInvalidKind},
		{"category Unicorn", nil, func(m *types.MsgAmendRecord) { m.Category = "Unicorn" }, types.ErrInvalidCategory},
		{"commitment of 31 bytes", nil, func(m *types.MsgAmendRecord) { m.Commitment = m.Commitment[:31] }, types.ErrInvalidCommitment},
		{"CIDv0", nil, func(m *types.MsgAmendRecord) { m.CID = "QmaozNR7DZHQK1ZcU9p7QdrshMvXqWK6gpu5rmrkPdT3L4" }, types.ErrInvalidCID},
		{"CID codec dag-cbor", nil, func(m *types.MsgAmendRecord) {
			m.CID = rawCID(append([]byte{0x01, 0x71, 0x12, 0x20}, commitment("x")...))
		}, types.ErrInvalidCID},
		{"size 0", nil, func(m *types.MsgAmendRecord) { m.BlobSize = 0 }, types.ErrInvalidSize},
		{"CID of the version it amends", nil, func(m *types.MsgAmendRecord) { m.CID = cidOf("default") }, types.ErrCIDInUse},
		{"CID of another patient's record", func() uint64 {
			s.anchorWith(s.anchorMsg(s.lab, s.patient2, "victim"))
			return s.anchor(s.patient, "default-2")
		}, func(m *types.MsgAmendRecord) { m.CID = cidOf("victim") }, types.ErrCIDInUse},
		{"another author", nil, func(m *types.MsgAmendRecord) { m.Author = s.addr(s.lab) }, types.ErrNotAuthor},
		{"the patient", nil, func(m *types.MsgAmendRecord) { m.Author = s.addr(s.patient) }, types.ErrNotAuthor},
		{"a superseded version", func() uint64 {
			id := s.anchor(s.patient, "chain")
			s.amend(s.hospital, id, "chain-2")
			return id
		}, nil, types.ErrSuperseded},
		{"beyond max_versions", func() uint64 {
			s.setParams(func(p *types.Params) { p.MaxVersions = 2 })
			id := s.anchor(s.patient, "chain")
			return s.amend(s.hospital, id, "chain-2")
		}, nil, types.ErrTooManyVersions},
		{"author suspended since", func() uint64 {
			id := s.anchor(s.patient, "chain")
			s.suspend(s.hospital)
			return id
		}, nil, consortiumtypes.ErrNotMember},
		{"author now a pharmacy", func() uint64 {
			id := s.anchor(s.patient, "chain")
			s.members.SetRoles(s.hospital, consortiumtypes.Role_ROLE_PHARMACY)
			return id
		}, nil, consortiumtypes.ErrMissingRole},
	}
	for _, c := range cases {
		s.Run(c.name, func() {
			s.SetupTest()
			id := s.anchor(s.patient, "default")
			if c.setup != nil {
				id = c.setup()
			}
			msg := s.amendMsg(s.hospital, id, "amended")
			if c.malleate != nil {
				c.malleate(msg)
			}
			s.freshEvents()
			s.refuse(c.want, testkit.Call(s.ms.AmendRecord, msg))
		})
	}
}

func (s *KeeperTestSuite) TestMaxVersionsBound() {
	s.setParams(func(p *types.Params) { p.MaxVersions = 3 })
	id := s.anchor(s.patient, "v1")
	id = s.amend(s.hospital, id, "v2")
	id = s.amend(s.hospital, id, "v3")
	s.Require().Equal(uint32(3), s.record(id).Version)
	s.freshEvents()
	s.refuse(types.ErrTooManyVersions, testkit.Call(s.ms.AmendRecord, s.amendMsg(s.hospital, id, "v4")))

	// raising the bound lets the chain grow again
	s.setParams(func(p *types.Params) { p.MaxVersions = 4 })
	v4 := s.amend(s.hospital, id, "v4")
	s.Require().Equal(uint32(4), s.record(v4).Version)
	id4, err := s.k.Records.Indexes.Version.MatchExact(s.ctx, collections.Join(uint64(1), uint64(4)))
	s.Require().NoError(err)
	s.Require().Equal(v4, id4)
}

// ---------------------------------------------------------------------------
// RegisterEncryptionKey
// ---------------------------------------------------------------------------

func (s *KeeperTestSuite) TestRegisterEncryptionKey() {
	recipient := newRecipient(s.T())
	// any account may publish a key: here a patient who is no member
	_, err := s.ms.RegisterEncryptionKey(s.ctx, &types.MsgRegisterEncryptionKey{Owner: s.addr(s.patient), Recipient: recipient})
	s.Require().NoError(err)
	key, err := s.k.EncryptionKeys.Get(s.ctx, s.patient)
	s.Require().NoError(err)
	s.Require().Equal(types.EncryptionKey{Owner: s.addr(s.patient), Recipient: recipient, RegisteredAt: blockTime}, key)
	ev, attrs := event[*types.EventEncryptionKeyRegistered](s)
	s.Require().Equal(&types.EventEncryptionKeyRegistered{Owner: s.addr(s.patient)}, ev)
	s.requireAttrs(attrs, "owner")

	// a new key replaces the old one
	s.advance(time.Hour)
	s.freshEvents()
	recipient2 := newRecipient(s.T())
	_, err = s.ms.RegisterEncryptionKey(s.ctx, &types.MsgRegisterEncryptionKey{Owner: s.addr(s.patient), Recipient: recipient2})
	s.Require().NoError(err)
	key, err = s.k.EncryptionKeys.Get(s.ctx, s.patient)
	s.Require().NoError(err)
	s.Require().Equal(types.EncryptionKey{Owner: s.addr(s.patient), Recipient: recipient2, RegisteredAt: blockTime.Add(time.Hour)}, key)
	s.Require().Equal([]string{evKey}, s.recordsEvents())

	// members register theirs too, each under its own address
	_, err = s.ms.RegisterEncryptionKey(s.ctx, &types.MsgRegisterEncryptionKey{Owner: s.addr(s.clinic), Recipient: recipient})
	s.Require().NoError(err)
	n := 0
	s.Require().NoError(s.k.EncryptionKeys.Walk(s.ctx, nil, func(_ sdk.AccAddress, _ types.EncryptionKey) (bool, error) { n++; return false, nil }))
	s.Require().Equal(2, n)
}

func (s *KeeperTestSuite) TestRegisterEncryptionKeyRefusals() {
	id, err := ageIdentityString()
	s.Require().NoError(err)
	good := newRecipient(s.T())
	cases := []struct {
		name, owner, recipient string
		want                   error
	}{
		{"empty owner", "", good, types.ErrInvalidAddress},
		{"owner with another prefix", testkit.OtherPrefix(s.patient), good, types.ErrInvalidAddress},
		{"owner not an address", "patient", good, types.ErrInvalidAddress},
		{"empty recipient", s.addr(s.patient), "", types.ErrInvalidEncryptionKey},
		{"truncated recipient", s.addr(s.patient), good[:len(good)-2], types.ErrInvalidEncryptionKey},
		{"recipient with a bad checksum", s.addr(s.patient), good[:len(good)-1] + flip(good[len(good)-1]), types.ErrInvalidEncryptionKey},
		{"an identity, not a recipient", s.addr(s.patient), id, types.ErrInvalidEncryptionKey},
		{"an ssh key", s.addr(s.patient), "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHsKLqeplhpW+uObz5dvMgjz1OxfM/XXUB+VHtZ6isGN", types.ErrInvalidEncryptionKey},
		{"a bech32 account", s.addr(s.patient), s.addr(s.patient), types.ErrInvalidEncryptionKey},
	}
	for _, c := range cases {
		s.Run(c.name, func() {
			s.SetupTest()
			_, err := s.ms.RegisterEncryptionKey(s.ctx, &types.MsgRegisterEncryptionKey{Owner: s.addr(s.patient), Recipient: good})
			s.Require().NoError(err)
			s.freshEvents()
			s.refuse(c.want, testkit.Call(s.ms.RegisterEncryptionKey, &types.MsgRegisterEncryptionKey{Owner: c.owner, Recipient: c.recipient}))
		})
	}
}

// flip returns another bech32 character than c.
func flip(c byte) string {
	if c == 'q' {
		return "p"
	}
	return "q"
}

// ---------------------------------------------------------------------------
// UpdateParams
// ---------------------------------------------------------------------------

func (s *KeeperTestSuite) TestUpdateParams() {
	s.Require().Equal(types.DefaultParams(), s.params())
	p := types.Params{AccessTtl: 2 * time.Hour, MaxVersions: 7}
	_, err := s.ms.UpdateParams(s.ctx, &types.MsgUpdateParams{Authority: testkit.Gov, Params: p})
	s.Require().NoError(err)
	s.Require().Equal(p, s.params())
	res, err := s.qs.Params(s.ctx, &types.QueryParamsRequest{})
	s.Require().NoError(err)
	s.Require().Equal(p, res.Params)
	s.Require().Empty(s.recordsEvents())

	// the bounds themselves are accepted
	for _, p := range []types.Params{{AccessTtl: time.Minute, MaxVersions: 1}, {AccessTtl: 720 * time.Hour, MaxVersions: 10_000}} {
		_, err := s.ms.UpdateParams(s.ctx, &types.MsgUpdateParams{Authority: testkit.Gov, Params: p})
		s.Require().NoError(err)
		s.Require().Equal(p, s.params())
	}
}

func (s *KeeperTestSuite) TestUpdateParamsRefusals() {
	cases := []struct {
		name     string
		malleate func(m *types.MsgUpdateParams)
		want     error
	}{
		{"a stranger", func(m *types.MsgUpdateParams) { m.Authority = s.addr(s.stranger) }, sdkerrors.ErrUnauthorized},
		{"a hospital", func(m *types.MsgUpdateParams) { m.Authority = s.addr(s.hospital) }, sdkerrors.ErrUnauthorized},
		{"empty authority", func(m *types.MsgUpdateParams) { m.Authority = "" }, sdkerrors.ErrUnauthorized},
		{"gov with another prefix", func(m *types.MsgUpdateParams) {
			bz, err := testkit.AddressCodec.StringToBytes(testkit.Gov)
			s.Require().NoError(err)
			m.Authority = testkit.OtherPrefix(bz)
		}, sdkerrors.ErrUnauthorized},
		{"zero ttl", func(m *types.MsgUpdateParams) { m.Params.AccessTtl = 0 }, types.ErrInvalidParams},
		{"negative ttl", func(m *types.MsgUpdateParams) { m.Params.AccessTtl = -time.Hour }, types.ErrInvalidParams},
		{"ttl under a minute", func(m *types.MsgUpdateParams) { m.Params.AccessTtl = time.Minute - time.Nanosecond }, types.ErrInvalidParams},
		{"ttl over 720h", func(m *types.MsgUpdateParams) { m.Params.AccessTtl = 720*time.Hour + time.Nanosecond }, types.ErrInvalidParams},
		{"zero max versions", func(m *types.MsgUpdateParams) { m.Params.MaxVersions = 0 }, types.ErrInvalidParams},
		{"too many max versions", func(m *types.MsgUpdateParams) { m.Params.MaxVersions = 10_001 }, types.ErrInvalidParams},
		{"empty params", func(m *types.MsgUpdateParams) { m.Params = types.Params{} }, types.ErrInvalidParams},
	}
	for _, c := range cases {
		s.Run(c.name, func() {
			s.SetupTest()
			msg := &types.MsgUpdateParams{Authority: testkit.Gov, Params: types.Params{AccessTtl: time.Hour, MaxVersions: 5}}
			c.malleate(msg)
			s.refuse(c.want, testkit.Call(s.ms.UpdateParams, msg))
		})
	}
}
