package keeper_test

import (
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"

	"github.com/healthchain/healthd/internal/testkit"
	"github.com/healthchain/healthd/x/consortium/types"
)

// TestFINRegistry: the authority assigns ISBT 128 FINs to members at
// admission or with MsgUpdateIdentifiers; a FIN belongs to one member, the
// index answers OwnerOfFIN and the MemberByFIN query, and every wrong signer
// or input is refused with the state unchanged.
func (s *KeeperTestSuite) TestFINRegistry() {
	opo, opo2, hospital := testkit.Addr("fin-opo"), testkit.Addr("fin-opo-2"), testkit.Addr("fin-hospital")
	msg := s.admitMsg(opo, "Lakeside OPO", types.Role_ROLE_ORGAN_PROCUREMENT)
	msg.FINs = []string{"G1234", "A0001"}
	_, err := s.msgServer.AdmitMember(s.ctx, msg)
	s.Require().NoError(err)
	s.admit(hospital, "Hospital", types.Role_ROLE_HOSPITAL)
	m, err := s.keeper.GetMember(s.ctx, opo)
	s.Require().NoError(err)
	s.Require().Equal([]string{"A0001", "G1234"}, m.FINs, "stored sorted")
	s.Require().Equal(s.addrStr(opo), s.indexOwner(types.IdentifierFIN, "G1234"))

	owner, err := s.keeper.OwnerOfFIN(s.ctx, "G1234")
	s.Require().NoError(err)
	s.Require().Equal(opo, owner)
	_, err = s.keeper.OwnerOfFIN(s.ctx, "G1235")
	s.Require().ErrorIs(err, types.ErrMemberNotFound)
	_, err = s.keeper.OwnerOfFIN(s.ctx, "g1234")
	s.Require().ErrorIs(err, types.ErrInvalidIdentifier)

	res, err := s.queryServer.MemberByFIN(s.ctx, &types.QueryMemberByFINRequest{Fin: "A0001"})
	s.Require().NoError(err)
	s.Require().Equal(s.addrStr(opo), res.Member.Address)
	_, err = s.queryServer.MemberByFIN(s.ctx, &types.QueryMemberByFINRequest{Fin: "B0001"})
	s.Require().Equal(codes.NotFound, status.Code(err))
	_, err = s.queryServer.MemberByFIN(s.ctx, &types.QueryMemberByFINRequest{Fin: "O1234"})
	s.Require().Equal(codes.InvalidArgument, status.Code(err))
	_, err = s.queryServer.MemberByFIN(s.ctx, nil)
	s.Require().Equal(codes.InvalidArgument, status.Code(err))

	// Admission with another member's FIN, or a malformed one.
	for name, tc := range map[string]struct {
		fins []string
		want error
	}{
		"another member's FIN":     {[]string{"G1234"}, types.ErrIdentifierTaken},
		"a free and a taken FIN":   {[]string{"B0001", "A0001"}, types.ErrIdentifierTaken},
		"four characters":          {[]string{"G123"}, types.ErrInvalidIdentifier},
		"six characters":           {[]string{"G12345"}, types.ErrInvalidIdentifier},
		"beginning with O":         {[]string{"O1234"}, types.ErrInvalidIdentifier},
		"beginning with 0":         {[]string{"01234"}, types.ErrInvalidIdentifier},
		"lower case":               {[]string{"g1234"}, types.ErrInvalidIdentifier},
		"a letter after the first": {[]string{"G12A4"}, types.ErrInvalidIdentifier},
		"twice":                    {[]string{"B0001", "B0001"}, types.ErrInvalidIdentifier},
	} {
		s.Run("admit: "+name, func() {
			s.freshEvents()
			m := s.admitMsg(opo2, "Second OPO", types.Role_ROLE_ORGAN_PROCUREMENT)
			m.FINs = tc.fins
			s.refuse(tc.want, testkit.Call(s.msgServer.AdmitMember, m))
		})
	}

	// Only the authority assigns FINs: no member, not the FIN's holder, can.
	update := func(signer string, fins ...string) *types.MsgUpdateIdentifiers {
		return &types.MsgUpdateIdentifiers{Authority: signer, Address: s.addrStr(hospital), NPI: s.admitMsg(hospital, "").NPI, FINs: fins}
	}
	for name, tc := range map[string]struct {
		msg  *types.MsgUpdateIdentifiers
		want error
	}{
		"signed by the member itself": {update(s.addrStr(hospital), "C0001"), sdkerrors.ErrUnauthorized},
		"signed by the FIN's holder":  {update(s.addrStr(opo), "G1234"), sdkerrors.ErrUnauthorized},
		"signed by a stranger":        {update(s.addrStr(testkit.Addr("stranger")), "C0001"), sdkerrors.ErrUnauthorized},
		"another member's FIN":        {update(s.govAddr, "G1234"), types.ErrIdentifierTaken},
		"malformed FIN":               {update(s.govAddr, "G12"), types.ErrInvalidIdentifier},
		"more than MaxFINs": {update(s.govAddr, "C0001", "C0002", "C0003", "C0004", "C0005", "C0006", "C0007", "C0008", "C0009",
			"C0010", "C0011", "C0012", "C0013", "C0014", "C0015", "C0016", "C0017"), types.ErrInvalidIdentifier},
	} {
		s.Run("update: "+name, func() {
			s.freshEvents()
			s.refuse(tc.want, testkit.Call(s.msgServer.UpdateIdentifiers, tc.msg))
		})
	}

	// The authority moves a FIN: cleared from the OPO (identifiers not given
	// are cleared), then given to the hospital.
	s.freshEvents()
	_, err = s.msgServer.UpdateIdentifiers(s.ctx, &types.MsgUpdateIdentifiers{Authority: s.govAddr, Address: s.addrStr(opo), NPI: msg.NPI, FINs: []string{"A0001"}})
	s.Require().NoError(err)
	ev := event[*types.EventMemberIdentifiersChanged](s)
	s.Require().Equal([]string{"A0001"}, ev.FINs)
	s.Require().Empty(s.indexOwner(types.IdentifierFIN, "G1234"))
	_, err = s.msgServer.UpdateIdentifiers(s.ctx, update(s.govAddr, "G1234"))
	s.Require().NoError(err)
	owner, err = s.keeper.OwnerOfFIN(s.ctx, "G1234")
	s.Require().NoError(err)
	s.Require().Equal(hospital, owner)
}

// TestFINGenesis: FINs travel with their members through export and import,
// the index is rebuilt (same store bytes), and a genesis giving one FIN to
// two members, or a malformed or unsorted one, is refused.
func (s *KeeperTestSuite) TestFINGenesis() {
	a, b := validMemberRecord(s, "fin-a", validNPI), validMemberRecord(s, "fin-b", validNPI2)
	a.FINs = []string{"A0001", "G1234"}
	s.Require().NoError(s.keeper.InitGenesis(s.ctx, &types.GenesisState{Members: []types.Member{a, b}}))
	owner, err := s.keeper.OwnerOfFIN(s.ctx, "G1234")
	s.Require().NoError(err)
	s.Require().Equal(a.Address, s.addrStr(owner))
	before := s.dumpState()
	gs, err := s.keeper.ExportGenesis(s.ctx)
	s.Require().NoError(err)
	s.SetupTest()
	s.Require().NoError(s.keeper.InitGenesis(s.ctx, gs))
	s.Require().Equal(before, s.dumpState())
	// After import, the FIN still belongs to a only.
	m := s.admitMsg(testkit.Addr("late"), "Late", types.Role_ROLE_ORGAN_PROCUREMENT)
	m.FINs = []string{"G1234"}
	s.refuse(types.ErrIdentifierTaken, testkit.Call(s.msgServer.AdmitMember, m))

	for name, mutate := range map[string]func(a, b *types.Member){
		"one FIN, two members": func(_, b *types.Member) { b.FINs = []string{"G1234"} },
		"malformed FIN":        func(a, _ *types.Member) { a.FINs = []string{"G12"} },
		"unsorted FINs":        func(a, _ *types.Member) { a.FINs = []string{"G1234", "A0001"} },
	} {
		s.Run(name, func() {
			a2, b2 := a, b
			a2.FINs = append([]string(nil), a.FINs...)
			mutate(&a2, &b2)
			s.Require().ErrorIs(types.GenesisState{Members: []types.Member{a2, b2}}.Validate(testkit.AddressCodec), types.ErrInvalidGenesis)
		})
	}
}
