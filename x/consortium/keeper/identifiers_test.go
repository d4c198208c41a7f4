package keeper_test

import (
	"cosmossdk.io/collections"

	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"

	"github.com/healthchain/healthd/internal/testkit"
	"github.com/healthchain/healthd/x/consortium/keeper"
	"github.com/healthchain/healthd/x/consortium/types"
)

const evIdentifiersChanged = "healthd.consortium.v1.EventMemberIdentifiersChanged"

// indexOwner returns who the identifier index says holds (kind, value), or "".
func (s *KeeperTestSuite) indexOwner(kind, value string) string {
	s.T().Helper()
	owner, err := s.keeper.IdentifierIndex.Get(s.ctx, collections.Join(kind, value))
	if err != nil {
		s.Require().ErrorIs(err, collections.ErrNotFound)
		return ""
	}
	return s.addrStr(owner)
}

// TestAdmitMemberIdentifierTaken: an NPI, GLN, DEA number or GS1 company
// prefix of one member cannot be given to another (regression: a second member
// could be admitted with the first one's NPI).
func (s *KeeperTestSuite) TestAdmitMemberIdentifierTaken() {
	first := testkit.Addr("first-holder")
	msg := s.admitMsg(first, "First Holder", types.Role_ROLE_MANUFACTURER)
	msg.NPI, msg.GLN, msg.DEA, msg.GS1CompanyPrefixes = validNPI, validGLN, validDEA, []string{"0614141", "9506000"}
	_, err := s.msgServer.AdmitMember(s.ctx, msg)
	s.Require().NoError(err)
	s.Require().Equal(s.addrStr(first), s.indexOwner(types.IdentifierNPI, validNPI))
	s.Require().Equal(s.addrStr(first), s.indexOwner(types.IdentifierGS1Prefix, "9506000"))

	second := testkit.Addr("second-holder")
	cases := []struct {
		name     string
		malleate func(m *types.MsgAdmitMember)
	}{
		{"same NPI", func(m *types.MsgAdmitMember) { m.NPI = validNPI }},
		{"same GLN", func(m *types.MsgAdmitMember) { m.GLN = validGLN }},
		{"same DEA number", func(m *types.MsgAdmitMember) { m.DEA = validDEA }},
		{"same GS1 company prefix", func(m *types.MsgAdmitMember) { m.GS1CompanyPrefixes = []string{"0614141"} }},
		{"GS1 company prefix inside another's", func(m *types.MsgAdmitMember) { m.GS1CompanyPrefixes = []string{"06141415"} }},
		{"GS1 company prefix around another's", func(m *types.MsgAdmitMember) { m.GS1CompanyPrefixes = []string{"950600"} }},
		{"one free and one taken prefix", func(m *types.MsgAdmitMember) { m.GS1CompanyPrefixes = []string{"4006381", "950600012"} }},
	}
	for _, tc := range cases {
		s.Run(tc.name, func() {
			s.freshEvents()
			m := s.admitMsg(second, "Second Holder", types.Role_ROLE_MANUFACTURER)
			tc.malleate(m)
			err := s.refuse(types.ErrIdentifierTaken, testkit.Call(s.msgServer.AdmitMember, m))
			s.Require().Contains(err.Error(), s.addrStr(first))
		})
	}
	// Neighbouring prefixes that do not overlap are free.
	m := s.admitMsg(second, "Second Holder", types.Role_ROLE_MANUFACTURER)
	m.GS1CompanyPrefixes = []string{"061414", "95060011"}
	_, err = s.msgServer.AdmitMember(s.ctx, m)
	s.Require().ErrorIs(err, types.ErrIdentifierTaken, "061414 begins 0614141")
	m.GS1CompanyPrefixes = []string{"0614142", "95060011"}
	_, err = s.msgServer.AdmitMember(s.ctx, m)
	s.Require().NoError(err)
}

// TestUpdateIdentifiers replaces identifiers, keeps the index in step and
// refuses every wrong input with the state unchanged.
func (s *KeeperTestSuite) TestUpdateIdentifiers() {
	a, b := testkit.Addr("ident-a"), testkit.Addr("ident-b")
	s.admit(a, "Org A", types.Role_ROLE_MANUFACTURER)
	s.admit(b, "Org B", types.Role_ROLE_PHARMACY)
	oldNPI := s.admitMsg(a, "", types.Role_ROLE_MANUFACTURER).NPI
	valid := func() *types.MsgUpdateIdentifiers {
		return &types.MsgUpdateIdentifiers{Authority: s.govAddr, Address: s.addrStr(a), GLN: validGLN, GS1CompanyPrefixes: []string{"9506000", "0614141"}}
	}

	cases := []struct {
		name     string
		malleate func(m *types.MsgUpdateIdentifiers)
		expErr   error
	}{
		{"wrong signer", func(m *types.MsgUpdateIdentifiers) { m.Authority = s.addrStr(a) }, sdkerrors.ErrUnauthorized},
		{"member signs for itself", func(m *types.MsgUpdateIdentifiers) { m.Authority = s.addrStr(b) }, sdkerrors.ErrUnauthorized},
		{"unknown member", func(m *types.MsgUpdateIdentifiers) { m.Address = s.addrStr(testkit.Addr("nobody")) }, types.ErrMemberNotFound},
		{"malformed address", func(m *types.MsgUpdateIdentifiers) { m.Address = "health1xyz" }, types.ErrInvalidAddress},
		{"no identifier left", func(m *types.MsgUpdateIdentifiers) { m.GLN = "" }, types.ErrInvalidIdentifier},
		{"bad NPI", func(m *types.MsgUpdateIdentifiers) { m.NPI = badNPI }, types.ErrInvalidIdentifier},
		{"letters as NPI", func(m *types.MsgUpdateIdentifiers) { m.NPI = "ABCDEFGHIJ" }, types.ErrInvalidIdentifier},
		{"bad GLN", func(m *types.MsgUpdateIdentifiers) { m.GLN = badGLN }, types.ErrInvalidIdentifier},
		{"prefix too short", func(m *types.MsgUpdateIdentifiers) { m.GS1CompanyPrefixes = []string{"12345"} }, types.ErrInvalidIdentifier},
		{"prefix too long", func(m *types.MsgUpdateIdentifiers) { m.GS1CompanyPrefixes = []string{"1234567890123"} }, types.ErrInvalidIdentifier},
		{"prefixes overlapping each other", func(m *types.MsgUpdateIdentifiers) { m.GS1CompanyPrefixes = []string{"0614141", "06141412"} }, types.ErrInvalidIdentifier},
		{"B's NPI", func(m *types.MsgUpdateIdentifiers) { m.NPI = s.admitMsg(b, "", types.Role_ROLE_PHARMACY).NPI }, types.ErrIdentifierTaken},
	}
	for _, tc := range cases {
		s.Run(tc.name, func() {
			s.freshEvents()
			m := valid()
			tc.malleate(m)
			s.refuse(tc.expErr, testkit.Call(s.msgServer.UpdateIdentifiers, m))
		})
	}

	s.freshEvents()
	_, err := s.msgServer.UpdateIdentifiers(s.ctx, valid())
	s.Require().NoError(err)
	got, err := s.keeper.GetMember(s.ctx, a)
	s.Require().NoError(err)
	s.Require().Empty(got.NPI)
	s.Require().Equal(validGLN, got.GLN)
	s.Require().Equal([]string{"0614141", "9506000"}, got.GS1CompanyPrefixes, "stored sorted")
	ev := event[*types.EventMemberIdentifiersChanged](s)
	s.Require().Equal(s.addrStr(a), ev.Address)
	s.Require().Equal(validGLN, ev.GLN)
	// The index follows: the old NPI is free, the new identifiers are A's.
	s.Require().Empty(s.indexOwner(types.IdentifierNPI, oldNPI))
	s.Require().Equal(s.addrStr(a), s.indexOwner(types.IdentifierGLN, validGLN))
	s.Require().Equal(s.addrStr(a), s.indexOwner(types.IdentifierGS1Prefix, "9506000"))
	// A may keep its own identifiers (no clash with itself).
	_, err = s.msgServer.UpdateIdentifiers(s.ctx, valid())
	s.Require().NoError(err)
	// B may now take A's old NPI.
	_, err = s.msgServer.UpdateIdentifiers(s.ctx, &types.MsgUpdateIdentifiers{Authority: s.govAddr, Address: s.addrStr(b), NPI: oldNPI})
	s.Require().NoError(err)
	s.Require().Equal(s.addrStr(b), s.indexOwner(types.IdentifierNPI, oldNPI))
	// Role changes keep the identifier index.
	_, err = s.msgServer.UpdateRoles(s.ctx, &types.MsgUpdateRoles{Authority: s.govAddr, Address: s.addrStr(a), Roles: []types.Role{types.Role_ROLE_DISTRIBUTOR}})
	s.Require().NoError(err)
	s.Require().Equal(s.addrStr(a), s.indexOwner(types.IdentifierGLN, validGLN))
}

// TestInitGenesisIndexesIdentifiers: genesis builds the identifier index, so
// an admission after import is checked against the founders.
func (s *KeeperTestSuite) TestInitGenesisIndexesIdentifiers() {
	founder := validMemberRecord(s, "founder", validNPI)
	founder.GS1CompanyPrefixes = []string{"0614141"}
	s.Require().NoError(s.keeper.InitGenesis(s.ctx, &types.GenesisState{Members: []types.Member{founder}}))
	m := s.admitMsg(testkit.Addr("late"), "Late", types.Role_ROLE_HOSPITAL)
	m.NPI = validNPI
	before := s.dumpState()
	s.refuse(types.ErrIdentifierTaken, testkit.Call(s.msgServer.AdmitMember, m))
	// Exported state imports to the same store, index included.
	gs, err := s.keeper.ExportGenesis(s.ctx)
	s.Require().NoError(err)
	s.SetupTest()
	s.Require().NoError(s.keeper.InitGenesis(s.ctx, gs))
	s.Require().Equal(before, s.dumpState())
}

// TestMigrate1to2 builds the identifier index of a version-1 store and refuses
// one where two members share an identifier.
func (s *KeeperTestSuite) TestMigrate1to2() {
	a, b := validMemberRecord(s, "mig-a", validNPI), validMemberRecord(s, "mig-b", validNPI2)
	a.GS1CompanyPrefixes = []string{"0614141"}
	for _, m := range []types.Member{a, b} {
		s.Require().NoError(s.keeper.Members.Set(s.ctx, s.acc(m.Address), m))
	}
	s.Require().Empty(s.indexOwner(types.IdentifierNPI, validNPI))
	s.Require().NoError(keeper.NewMigrator(s.keeper).Migrate1to2(s.ctx))
	s.Require().Equal(a.Address, s.indexOwner(types.IdentifierNPI, validNPI))
	s.Require().Equal(b.Address, s.indexOwner(types.IdentifierNPI, validNPI2))
	s.Require().Equal(a.Address, s.indexOwner(types.IdentifierGS1Prefix, "0614141"))

	s.SetupTest()
	b.NPI = validNPI
	for _, m := range []types.Member{a, b} {
		s.Require().NoError(s.keeper.Members.Set(s.ctx, s.acc(m.Address), m))
	}
	s.Require().ErrorIs(keeper.NewMigrator(s.keeper).Migrate1to2(s.ctx), types.ErrIdentifierTaken)
}

func validMemberRecord(s *KeeperTestSuite, seed, npi string) types.Member {
	return types.Member{Address: s.addrStr(testkit.Addr(seed)), Name: "Org " + seed, Roles: []types.Role{types.Role_ROLE_HOSPITAL},
		NPI: npi, Status: types.MemberStatus_MEMBER_STATUS_ACTIVE, AdmittedAt: blockTime, StatusChangedAt: blockTime}
}

func (s *KeeperTestSuite) acc(str string) []byte {
	bz, err := testkit.AddressCodec.StringToBytes(str)
	s.Require().NoError(err)
	return bz
}
