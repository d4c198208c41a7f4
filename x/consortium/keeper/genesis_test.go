package keeper_test

import (
	"slices"
	"strings"
	"time"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/healthchain/healthd/internal/testkit"
	"github.com/healthchain/healthd/x/consortium/types"
)

// TestGenesisRoundTrip builds state through the Msg service, exports it,
// imports it into a fresh store and checks the stores are identical, role
// index included.
func (s *KeeperTestSuite) TestGenesisRoundTrip() {
	a, b, c, d := testkit.Addr("g-a"), testkit.Addr("g-b"), testkit.Addr("g-c"), testkit.Addr("g-d")
	s.admit(a, "Genesis A", types.Role_ROLE_HOSPITAL, types.Role_ROLE_LABORATORY)
	s.admit(b, "Genesis B", types.Role_ROLE_PHARMACY)
	s.ctx = s.ctx.WithBlockTime(blockTime.Add(time.Hour))
	s.admit(c, "Genesis C", types.Role_ROLE_RESEARCH_SPONSOR)
	s.admit(d, "Genesis D", types.Role_ROLE_PAYER)
	s.suspend(b, "pending inspection")
	_, err := s.msgServer.UpdateRoles(s.ctx, &types.MsgUpdateRoles{Authority: s.govAddr, Address: s.addrStr(c), Roles: []types.Role{types.Role_ROLE_REGULATOR, types.Role_ROLE_LABORATORY}})
	s.Require().NoError(err)
	s.suspend(d, "x")
	_, err = s.msgServer.ReinstateMember(s.ctx, &types.MsgReinstateMember{Authority: s.govAddr, Address: s.addrStr(d)})
	s.Require().NoError(err)

	exported := s.dumpState()
	s.Require().Len(exported.Genesis.Members, 4)
	s.Require().NoError(exported.Genesis.Validate(testkit.AddressCodec))

	// Import into a fresh store, at another block time: exported times are kept.
	s.SetupTest()
	s.ctx = s.ctx.WithBlockTime(blockTime.Add(1000 * time.Hour)).WithBlockHeight(0)
	s.Require().Empty(s.dumpState().RawKV)
	s.Require().NoError(s.keeper.InitGenesis(s.ctx, exported.Genesis))
	imported := s.dumpState()
	s.Require().Equal(exported.Genesis, imported.Genesis)
	s.Require().Equal(exported.RoleIndex, imported.RoleIndex)
	s.Require().Equal(exported.RawKV, imported.RawKV, "the store differs after an export/import round trip")

	// And the imported state behaves.
	s.Require().NoError(s.keeper.RequireRole(s.ctx, c, types.Role_ROLE_REGULATOR))
	s.Require().ErrorIs(s.keeper.RequireRole(s.ctx, c, types.Role_ROLE_RESEARCH_SPONSOR), types.ErrMissingRole)
	s.Require().ErrorIs(s.keeper.RequireRole(s.ctx, b, types.Role_ROLE_PHARMACY), types.ErrNotMember)
	s.Require().NoError(s.keeper.RequireRole(s.ctx, d, types.Role_ROLE_PAYER))
}

func (s *KeeperTestSuite) TestGenesisDefault() {
	gs := types.DefaultGenesisState()
	s.Require().Empty(gs.Members)
	s.Require().NoError(gs.Validate(testkit.AddressCodec))
	s.Require().NoError(s.keeper.InitGenesis(s.ctx, gs))
	exported, err := s.keeper.ExportGenesis(s.ctx)
	s.Require().NoError(err)
	s.Require().Equal(gs, exported)
	s.Require().Empty(s.dumpState().RawKV)
}

// TestInitGenesisFounders: founders listed without admission time are admitted
// at the genesis block time; their roles are indexed.
func (s *KeeperTestSuite) TestInitGenesisFounders() {
	genesisTime := time.Date(2026, time.January, 1, 0, 0, 0, 0, time.UTC)
	s.ctx = s.ctx.WithBlockTime(genesisTime).WithBlockHeight(0)
	earlier := genesisTime.Add(-48 * time.Hour)
	gs := &types.GenesisState{Members: []types.Member{
		{Address: s.addrStr(testkit.Addr("founder-1")), Name: "Founder One", Roles: []types.Role{types.Role_ROLE_HOSPITAL, types.Role_ROLE_REGULATOR}, NPI: validNPI, Status: types.MemberStatus_MEMBER_STATUS_ACTIVE},
		{Address: s.addrStr(testkit.Addr("founder-2")), Name: "Founder Two", Roles: []types.Role{types.Role_ROLE_LABORATORY}, GLN: validGLN, Status: types.MemberStatus_MEMBER_STATUS_ACTIVE},
		{Address: s.addrStr(testkit.Addr("founder-3")), Name: "Founder Three", Roles: []types.Role{types.Role_ROLE_PHARMACY}, DEA: validDEA, Status: types.MemberStatus_MEMBER_STATUS_ACTIVE, AdmittedAt: earlier, StatusChangedAt: earlier},
	}}
	s.Require().NoError(s.keeper.InitGenesis(s.ctx, gs))

	for i, seed := range []string{"founder-1", "founder-2", "founder-3"} {
		m, err := s.keeper.GetMember(s.ctx, testkit.Addr(seed))
		s.Require().NoError(err)
		want := gs.Members[i]
		if i < 2 {
			want.AdmittedAt, want.StatusChangedAt = genesisTime, genesisTime
		}
		s.Require().Equal(want, m)
		s.Require().Equal(want.Roles, s.indexedRoles(testkit.Addr(seed)))
	}
	s.Require().Equal(map[string][]string{
		"hospital":   {s.addrStr(testkit.Addr("founder-1"))},
		"regulator":  {s.addrStr(testkit.Addr("founder-1"))},
		"laboratory": {s.addrStr(testkit.Addr("founder-2"))},
		"pharmacy":   {s.addrStr(testkit.Addr("founder-3"))},
	}, s.roleIndex())
}

// TestInitGenesisRefusesInvalidState: an invalid genesis writes nothing, even
// when the invalid member comes after valid ones.
func (s *KeeperTestSuite) TestInitGenesisRefusesInvalidState() {
	valid := types.Member{Address: s.addrStr(testkit.Addr("ok")), Name: "OK", Roles: []types.Role{types.Role_ROLE_HOSPITAL}, NPI: validNPI, Status: types.MemberStatus_MEMBER_STATUS_ACTIVE}
	cases := []struct {
		name     string
		malleate func(m *types.Member)
	}{
		{"unsorted roles", func(m *types.Member) { m.Roles = []types.Role{types.Role_ROLE_PAYER, types.Role_ROLE_HOSPITAL} }},
		{"suspended without reason", func(m *types.Member) { m.Status = types.MemberStatus_MEMBER_STATUS_SUSPENDED }},
		{"duplicate of the first member", func(m *types.Member) { m.Address = valid.Address }},
		{"bad identifier", func(m *types.Member) { m.NPI = badNPI }},
	}
	for _, tc := range cases {
		s.Run(tc.name, func() {
			s.SetupTest()
			bad := valid
			bad.Address = s.addrStr(testkit.Addr("bad"))
			bad.Roles = []types.Role{types.Role_ROLE_LABORATORY}
			tc.malleate(&bad)
			before := s.dumpState()
			err := s.keeper.InitGenesis(s.ctx, &types.GenesisState{Members: []types.Member{valid, bad}})
			s.Require().ErrorIs(err, types.ErrInvalidGenesis)
			s.Require().Equal(before, s.dumpState())
			s.Require().Empty(s.dumpState().RawKV)
		})
	}
}

// TestExportGenesisOrder: members are exported ordered by address bytes,
// whatever the admission order.
func (s *KeeperTestSuite) TestExportGenesisOrder() {
	addrs := s.admitFive()
	gs, err := s.keeper.ExportGenesis(s.ctx)
	s.Require().NoError(err)
	s.Require().Len(gs.Members, len(addrs))
	for i, a := range addrs {
		s.Require().Equal(s.addrStr(a), gs.Members[i].Address)
	}
}

// TestGenesisRoundTripNodes: nodes (of active and suspended members) and
// params survive an export and import byte for byte, index included, and the
// peer rule answers the same on the imported state.
func (s *KeeperTestSuite) TestGenesisRoundTripNodes() {
	s.ctx = s.ctx.WithChainID(nodeChainID)
	hospital, lab, pharmacy := testkit.Addr("hospital"), testkit.Addr("lab"), testkit.Addr("pharmacy")
	s.admit(hospital, "Riverside General Hospital", types.Role_ROLE_HOSPITAL)
	s.admit(lab, "Northgate Clinical Laboratory", types.Role_ROLE_LABORATORY)
	s.admit(pharmacy, "Harbour Pharmacy", types.Role_ROLE_PHARMACY)
	s.registerNode(hospital, "hospital-validator", "validator.riverside.example:26656")
	s.registerNode(hospital, "hospital-sentry", "")
	s.registerNode(lab, "lab-validator", "[2001:db8::2]:26656")
	s.suspend(lab, "accreditation lapsed")
	s.updateParams(types.Params{MaxNodesPerMember: 4})

	exported := s.dumpState()
	s.Require().Len(exported.Genesis.Nodes, 3)
	s.Require().Equal(&types.Params{MaxNodesPerMember: 4}, exported.Genesis.Params)
	s.Require().NoError(exported.Genesis.Validate(testkit.AddressCodec))
	s.Require().True(slices.IsSortedFunc(exported.Genesis.Nodes, func(a, b types.Node) int { return strings.Compare(a.NodeID, b.NodeID) }))

	s.SetupTest()
	s.ctx = s.ctx.WithChainID(nodeChainID).WithBlockHeight(0)
	s.Require().NoError(s.keeper.InitGenesis(s.ctx, exported.Genesis))
	imported := s.dumpState()
	s.Require().Equal(exported.Genesis, imported.Genesis)
	s.Require().Equal(exported.RawKV, imported.RawKV, "the store differs after an export/import round trip")

	s.Require().NoError(s.keeper.AllowPeer(s.ctx, nodeID("hospital-sentry")))
	s.Require().ErrorIs(s.keeper.AllowPeer(s.ctx, nodeID("lab-validator")), types.ErrNotMember)
	s.Require().Equal([]string{nodeID("lab-validator")}, s.nodesOf(lab))
	s.updateParams(types.Params{MaxNodesPerMember: 2})
	s.refuse(types.ErrTooManyNodes, func(ctx sdk.Context) error {
		_, err := s.msgServer.RegisterNode(ctx, s.registerMsg(hospital, "hospital-third", ""))
		return err
	})
}

// TestInitGenesisNodes: founders' nodes named in genesis are allowed from the
// start; a node listed for no member, twice, or already another member's in
// the store is refused and nothing is written.
func (s *KeeperTestSuite) TestInitGenesisNodes() {
	founder := types.Member{Address: s.addrStr(testkit.Addr("founder")), Name: "Founder", Roles: []types.Role{types.Role_ROLE_HOSPITAL}, NPI: validNPI, Status: types.MemberStatus_MEMBER_STATUS_ACTIVE}
	node := types.Node{NodeID: nodeID("founder-validator"), Member: founder.Address, Address: "127.0.0.1:26656"}

	s.Require().NoError(s.keeper.InitGenesis(s.ctx, &types.GenesisState{Members: []types.Member{founder}, Nodes: []types.Node{node}}))
	s.Require().NoError(s.keeper.AllowPeer(s.ctx, node.NodeID))
	ids, err := s.keeper.AllowedNodeIDs(s.ctx)
	s.Require().NoError(err)
	s.Require().Equal([]string{node.NodeID}, ids)
	p, err := s.keeper.GetParams(s.ctx)
	s.Require().NoError(err)
	s.Require().Equal(types.DefaultParams(), p)
	gs, err := s.keeper.ExportGenesis(s.ctx)
	s.Require().NoError(err)
	s.Require().Nil(gs.Params, "params absent from genesis stay absent")

	for name, gs := range map[string]*types.GenesisState{
		"node of no member": {Members: []types.Member{founder}, Nodes: []types.Node{{NodeID: nodeID("x"), Member: s.addrStr(testkit.Addr("nobody"))}}},
		"node twice":        {Members: []types.Member{founder}, Nodes: []types.Node{node, node}},
		"invalid params":    {Members: []types.Member{founder}, Nodes: []types.Node{node}, Params: &types.Params{}},
	} {
		s.Run(name, func() {
			s.SetupTest()
			err := s.keeper.InitGenesis(s.ctx, gs)
			s.Require().ErrorIs(err, types.ErrInvalidGenesis)
			s.Require().Empty(s.dumpState().RawKV)
		})
	}

	s.Run("node already another member's in the store", func() {
		s.SetupTest()
		s.ctx = s.ctx.WithChainID(nodeChainID)
		other := testkit.Addr("other")
		s.admit(other, "Other Hospital", types.Role_ROLE_HOSPITAL)
		s.registerNode(other, "founder-validator", "")
		err := s.keeper.InitGenesis(s.ctx, &types.GenesisState{Members: []types.Member{founder}, Nodes: []types.Node{node}})
		s.Require().ErrorIs(err, types.ErrNodeTaken)
	})
}
