package keeper_test

import (
	"strings"

	"github.com/cometbft/cometbft/crypto/ed25519"
	cmtproto "github.com/cometbft/cometbft/proto/tendermint/types"
	"google.golang.org/grpc/codes"

	sdk "github.com/cosmos/cosmos-sdk/types"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"
	"github.com/cosmos/cosmos-sdk/types/query"

	"github.com/healthchain/healthd/internal/testkit"
	"github.com/healthchain/healthd/x/consortium/types"
)

const (
	nodeChainID = "healthd-test"

	evNodeRegistered = "healthd.consortium.v1.EventNodeRegistered"
	evNodeRemoved    = "healthd.consortium.v1.EventNodeRemoved"
)

// nodeKey is a deterministic CometBFT node key, named by role ("hospital-validator").
func nodeKey(seed string) ed25519.PrivKey {
	return ed25519.GenPrivKeyFromSecret([]byte("node/" + seed))
}

// nodeID is the CometBFT node id of nodeKey(seed).
func nodeID(seed string) string {
	id, err := types.NodeIDOfPubKey(nodeKey(seed).PubKey().Bytes())
	if err != nil {
		panic(err)
	}
	return id
}

// registerMsg is member's registration of node seed on the test chain, signed by the node's key.
func (s *KeeperTestSuite) registerMsg(member sdk.AccAddress, seed, addr string) *types.MsgRegisterNode {
	s.T().Helper()
	msg, err := types.NewMsgRegisterNode(s.addrStr(member), addr, nodeChainID, nodeKey(seed))
	s.Require().NoError(err)
	return msg
}

func (s *KeeperTestSuite) registerNode(member sdk.AccAddress, seed, addr string) {
	s.T().Helper()
	_, err := s.msgServer.RegisterNode(s.ctx, s.registerMsg(member, seed, addr))
	s.Require().NoError(err)
}

// nodesOf lists the node ids the Member index holds for addr.
func (s *KeeperTestSuite) nodesOf(addr sdk.AccAddress) []string {
	s.T().Helper()
	res, err := s.queryServer.NodesByMember(s.ctx, &types.QueryNodesByMemberRequest{Member: s.addrStr(addr)})
	s.Require().NoError(err)
	out := []string{}
	for _, n := range res.Nodes {
		s.Require().Equal(s.addrStr(addr), n.Member)
		out = append(out, n.NodeID)
	}
	return out
}

// TestRegisterNode tries the registration with every wrong actor and every
// malformed field; each refusal leaves state unchanged and emits nothing.
func (s *KeeperTestSuite) TestRegisterNode() {
	distributor := testkit.Addr("distributor")
	pharmacy := testkit.Addr("pharmacy")
	suspended := testkit.Addr("suspended-lab")
	stranger := testkit.Addr("stranger")

	otherNodeSig := func(m *types.MsgRegisterNode) {
		other := s.registerMsg(pharmacy, "pharmacy-node", "")
		m.Signature = other.Signature
	}
	cases := []struct {
		name     string
		malleate func(m *types.MsgRegisterNode)
		expErr   error
	}{
		{"with an address", func(*types.MsgRegisterNode) {}, nil},
		{"without an address", func(m *types.MsgRegisterNode) { *m = *s.registerMsg(distributor, "distributor-node", "") }, nil},
		{"IPv4 address", func(m *types.MsgRegisterNode) { m.Address = "10.0.0.7:26656" }, nil},
		{"IPv6 address", func(m *types.MsgRegisterNode) { m.Address = "[2001:db8::7]:26656" }, nil},

		// wrong actors
		{"non-member", func(m *types.MsgRegisterNode) { *m = *s.registerMsg(stranger, "stranger-node", "") }, types.ErrNotMember},
		{"suspended member", func(m *types.MsgRegisterNode) { *m = *s.registerMsg(suspended, "lab-node", "") }, types.ErrNotMember},
		{"the authority, which is not a member", func(m *types.MsgRegisterNode) {
			msg, err := types.NewMsgRegisterNode(s.govAddr, "", nodeChainID, nodeKey("gov-node"))
			s.Require().NoError(err)
			*m = *msg
		}, types.ErrNotMember},
		{"another member's node, with that node's key", func(m *types.MsgRegisterNode) {
			*m = *s.registerMsg(distributor, "pharmacy-registered", "")
		}, types.ErrNodeTaken},

		// someone else's node id: the node key did not sign this registration
		{"another node's id with this node's key", func(m *types.MsgRegisterNode) { m.NodeID = nodeID("pharmacy-node") }, types.ErrNodeKeyMismatch},
		{"another node's key and id, signature by this node", func(m *types.MsgRegisterNode) {
			other := s.registerMsg(pharmacy, "pharmacy-node", "")
			m.NodeID, m.PubKey = other.NodeID, other.PubKey
		}, types.ErrNodeKeyMismatch},
		{"signature of another node", otherNodeSig, types.ErrNodeKeyMismatch},
		{"signature for another member (replayed)", func(m *types.MsgRegisterNode) {
			forPharmacy := s.registerMsg(pharmacy, "distributor-node", "")
			m.Signature = forPharmacy.Signature
		}, types.ErrNodeKeyMismatch},
		{"signature for another chain", func(m *types.MsgRegisterNode) {
			msg, err := types.NewMsgRegisterNode(m.Member, m.Address, "pharma-1", nodeKey("distributor-node"))
			s.Require().NoError(err)
			*m = *msg
		}, types.ErrNodeKeyMismatch},
		{"signature flipped", func(m *types.MsgRegisterNode) { m.Signature[3] ^= 1 }, types.ErrNodeKeyMismatch},
		{"short signature", func(m *types.MsgRegisterNode) { m.Signature = m.Signature[:63] }, types.ErrNodeKeyMismatch},
		{"no public key", func(m *types.MsgRegisterNode) { m.PubKey = nil }, types.ErrNodeKeyMismatch},
		{"33-byte public key", func(m *types.MsgRegisterNode) { m.PubKey = append(m.PubKey, 0) }, types.ErrNodeKeyMismatch},

		// malformed
		{"upper-case node id", func(m *types.MsgRegisterNode) { m.NodeID = strings.ToUpper(m.NodeID) }, types.ErrInvalidNodeID},
		{"node id of 39 digits", func(m *types.MsgRegisterNode) { m.NodeID = m.NodeID[:39] }, types.ErrInvalidNodeID},
		{"empty node id", func(m *types.MsgRegisterNode) { m.NodeID = "" }, types.ErrInvalidNodeID},
		{"id@host:port as node id", func(m *types.MsgRegisterNode) { m.NodeID += "@127.0.0.1:26656" }, types.ErrInvalidNodeID},
		{"address without port", func(m *types.MsgRegisterNode) { m.Address = "node.example.org" }, types.ErrInvalidNodeAddress},
		{"address with port 0", func(m *types.MsgRegisterNode) { m.Address = "node.example.org:0" }, types.ErrInvalidNodeAddress},
		{"address with port 65536", func(m *types.MsgRegisterNode) { m.Address = "node.example.org:65536" }, types.ErrInvalidNodeAddress},
		{"address with id@", func(m *types.MsgRegisterNode) { m.Address = m.NodeID + "@node.example.org:26656" }, types.ErrInvalidNodeAddress},
		{"address with a space", func(m *types.MsgRegisterNode) { m.Address = "node example.org:26656" }, types.ErrInvalidNodeAddress},
		{"address too long", func(m *types.MsgRegisterNode) {
			m.Address = strings.Repeat("a.", 130) + "org:26656"
		}, types.ErrInvalidNodeAddress},
		{"empty member", func(m *types.MsgRegisterNode) { m.Member = "" }, types.ErrInvalidAddress},
		{"malformed member", func(m *types.MsgRegisterNode) { m.Member = "health1notanaddress" }, types.ErrInvalidAddress},
		{"member of another chain", func(m *types.MsgRegisterNode) { m.Member = testkit.OtherPrefix(distributor) }, types.ErrInvalidAddress},
	}
	for _, tc := range cases {
		s.Run(tc.name, func() {
			s.SetupTest()
			s.ctx = s.ctx.WithChainID(nodeChainID)
			s.admit(distributor, "Atlas Pharma Distribution", types.Role_ROLE_DISTRIBUTOR)
			s.admit(pharmacy, "Harbour Pharmacy", types.Role_ROLE_PHARMACY)
			s.admit(suspended, "Suspended Lab", types.Role_ROLE_LABORATORY)
			s.registerNode(pharmacy, "pharmacy-registered", "")
			s.registerNode(suspended, "suspended-registered", "")
			s.suspend(suspended, "accreditation lapsed")

			msg := s.registerMsg(distributor, "distributor-node", "node1.atlas.example:26656")
			tc.malleate(msg)
			s.freshEvents()

			if tc.expErr != nil {
				s.refuse(tc.expErr, func(ctx sdk.Context) error {
					res, err := s.msgServer.RegisterNode(ctx, msg)
					s.Require().Nil(res)
					return err
				})
				return
			}
			s.Require().NoError(msg.ValidateBasic(), "a message the block accepts passes CheckTx")
			_, err := s.msgServer.RegisterNode(s.ctx, msg)
			s.Require().NoError(err)
			res, err := s.queryServer.Node(s.ctx, &types.QueryNodeRequest{NodeId: msg.NodeID})
			s.Require().NoError(err)
			s.Require().Equal(types.Node{NodeID: msg.NodeID, Member: s.addrStr(distributor), Address: msg.Address}, res.Node)
			s.Require().Equal([]string{msg.NodeID}, s.nodesOf(distributor))
			s.Require().NoError(s.keeper.AllowPeer(s.ctx, msg.NodeID))
			ev := event[*types.EventNodeRegistered](s)
			s.Require().Equal(&types.EventNodeRegistered{Member: s.addrStr(distributor), NodeID: msg.NodeID, Address: msg.Address}, ev)
			s.Require().Equal([]string{evNodeRegistered}, s.moduleEvents())
		})
	}
}

// TestRegisterNodeAgainReplacesAddress: the same member registering the same
// node again changes its address, not the count.
func (s *KeeperTestSuite) TestRegisterNodeAgainReplacesAddress() {
	s.ctx = s.ctx.WithChainID(nodeChainID)
	hospital := testkit.Addr("hospital")
	s.admit(hospital, "Riverside General Hospital", types.Role_ROLE_HOSPITAL)
	s.registerNode(hospital, "hospital-validator", "10.0.0.1:26656")
	s.registerNode(hospital, "hospital-validator", "validator.riverside.example:26656")
	s.registerNode(hospital, "hospital-validator", "")
	res, err := s.queryServer.Node(s.ctx, &types.QueryNodeRequest{NodeId: nodeID("hospital-validator")})
	s.Require().NoError(err)
	s.Require().Empty(res.Node.Address)
	s.Require().Equal([]string{nodeID("hospital-validator")}, s.nodesOf(hospital))
}

// TestRegisterNodeCap: a member registers at most max_nodes_per_member nodes;
// the authority may raise the cap, and lowering it keeps the nodes already
// registered while refusing new ones.
func (s *KeeperTestSuite) TestRegisterNodeCap() {
	s.ctx = s.ctx.WithChainID(nodeChainID)
	hospital, lab := testkit.Addr("hospital"), testkit.Addr("lab")
	s.admit(hospital, "Riverside General Hospital", types.Role_ROLE_HOSPITAL)
	s.admit(lab, "Northgate Clinical Laboratory", types.Role_ROLE_LABORATORY)
	seed := func(i int) string { return "hospital-node-" + string(rune('a'+i)) }
	for i := range types.DefaultMaxNodesPerMember {
		s.registerNode(hospital, seed(i), "")
	}
	s.Require().Len(s.nodesOf(hospital), types.DefaultMaxNodesPerMember)

	over := s.registerMsg(hospital, seed(types.DefaultMaxNodesPerMember), "")
	s.refuse(types.ErrTooManyNodes, func(ctx sdk.Context) error {
		_, err := s.msgServer.RegisterNode(ctx, over)
		return err
	})
	// Another member's count is its own; re-registering a counted node is no new node.
	s.registerNode(lab, "lab-node", "")
	s.registerNode(hospital, seed(0), "10.0.0.1:26656")

	s.updateParams(types.Params{MaxNodesPerMember: types.DefaultMaxNodesPerMember + 1})
	_, err := s.msgServer.RegisterNode(s.ctx, over)
	s.Require().NoError(err)

	s.updateParams(types.Params{MaxNodesPerMember: 2})
	s.Require().Len(s.nodesOf(hospital), types.DefaultMaxNodesPerMember+1, "a lowered cap keeps the registered nodes")
	s.refuse(types.ErrTooManyNodes, func(ctx sdk.Context) error {
		_, err := s.msgServer.RegisterNode(ctx, s.registerMsg(hospital, "hospital-node-late", ""))
		return err
	})
	s.registerNode(hospital, seed(1), "10.0.0.2:26656")
}

func (s *KeeperTestSuite) updateParams(p types.Params) {
	s.T().Helper()
	_, err := s.msgServer.UpdateParams(s.ctx, &types.MsgUpdateParams{Authority: s.govAddr, Params: p})
	s.Require().NoError(err)
}

// TestRemoveNode tries the removal with every actor: the node's member
// (active or suspended) and the chain authority may remove it, nobody else.
func (s *KeeperTestSuite) TestRemoveNode() {
	distributor := testkit.Addr("distributor")
	pharmacy := testkit.Addr("pharmacy")
	suspended := testkit.Addr("suspended-lab")
	stranger := testkit.Addr("stranger")
	noParams := func() *cmtproto.AuthorityParams { return nil }
	multisig := func() *cmtproto.AuthorityParams { return &cmtproto.AuthorityParams{Authority: s.multisigAddr} }

	cases := []struct {
		name      string
		signer    func() string
		node      string
		consensus func() *cmtproto.AuthorityParams
		expErr    error
	}{
		{"the node's member", func() string { return s.addrStr(distributor) }, "distributor-node", noParams, nil},
		{"the node's member, suspended", func() string { return s.addrStr(suspended) }, "lab-node", noParams, nil},
		{"x/gov authority", func() string { return s.govAddr }, "distributor-node", noParams, nil},
		{"consensus-params authority", func() string { return s.multisigAddr }, "distributor-node", multisig, nil},
		{"the authority, a suspended member's node", func() string { return s.govAddr }, "lab-node", noParams, nil},

		{"another member", func() string { return s.addrStr(pharmacy) }, "distributor-node", noParams, types.ErrNotNodeOwner},
		{"another member, suspended", func() string { return s.addrStr(suspended) }, "distributor-node", noParams, types.ErrNotNodeOwner},
		{"non-member", func() string { return s.addrStr(stranger) }, "distributor-node", noParams, types.ErrNotNodeOwner},
		{"x/gov while a consensus authority is set", func() string { return s.govAddr }, "distributor-node", multisig, types.ErrNotNodeOwner},
		{"multisig while no consensus authority is set", func() string { return s.multisigAddr }, "distributor-node", noParams, types.ErrNotNodeOwner},
		{"the node's member with another prefix", func() string { return testkit.OtherPrefix(distributor) }, "distributor-node", noParams, types.ErrInvalidAddress},
		{"empty signer", func() string { return "" }, "distributor-node", noParams, types.ErrInvalidAddress},
		{"unregistered node", func() string { return s.govAddr }, "unknown-node", noParams, types.ErrNodeNotFound},
	}
	for _, tc := range cases {
		s.Run(tc.name, func() {
			s.SetupTest()
			s.ctx = s.ctx.WithChainID(nodeChainID)
			s.admit(distributor, "Atlas Pharma Distribution", types.Role_ROLE_DISTRIBUTOR)
			s.admit(pharmacy, "Harbour Pharmacy", types.Role_ROLE_PHARMACY)
			s.admit(suspended, "Suspended Lab", types.Role_ROLE_LABORATORY)
			s.registerNode(distributor, "distributor-node", "")
			s.registerNode(pharmacy, "pharmacy-node", "")
			s.registerNode(suspended, "lab-node", "")
			s.suspend(suspended, "accreditation lapsed")
			if ap := tc.consensus(); ap != nil {
				s.ctx = s.ctx.WithConsensusParams(cmtproto.ConsensusParams{Authority: ap})
			}
			s.freshEvents()
			msg := &types.MsgRemoveNode{Signer: tc.signer(), NodeID: nodeID(tc.node)}

			if tc.expErr != nil {
				s.refuse(tc.expErr, func(ctx sdk.Context) error {
					res, err := s.msgServer.RemoveNode(ctx, msg)
					s.Require().Nil(res)
					return err
				})
				return
			}
			owner, err := s.queryServer.Node(s.ctx, &types.QueryNodeRequest{NodeId: msg.NodeID})
			s.Require().NoError(err)
			_, err = s.msgServer.RemoveNode(s.ctx, msg)
			s.Require().NoError(err)
			_, err = s.queryServer.Node(s.ctx, &types.QueryNodeRequest{NodeId: msg.NodeID})
			s.requireCode(err, codes.NotFound)
			s.Require().ErrorIs(s.keeper.AllowPeer(s.ctx, msg.NodeID), types.ErrNodeNotFound)
			s.Require().Equal(&types.EventNodeRemoved{Member: owner.Node.Member, NodeID: msg.NodeID, RemovedBy: msg.Signer}, event[*types.EventNodeRemoved](s))
			s.Require().Equal([]string{evNodeRemoved}, s.moduleEvents())
			s.Require().Equal([]string{nodeID("pharmacy-node")}, s.nodesOf(pharmacy), "other members' nodes stay")
		})
	}

	s.Run("malformed node id", func() {
		s.SetupTest()
		s.refuse(types.ErrInvalidNodeID, func(ctx sdk.Context) error {
			_, err := s.msgServer.RemoveNode(ctx, &types.MsgRemoveNode{Signer: s.govAddr, NodeID: strings.ToUpper(nodeID("x"))})
			return err
		})
	})
}

// TestUpdateParams: only the authority sets the params, and only valid ones.
func (s *KeeperTestSuite) TestUpdateParams() {
	member := testkit.Addr("hospital")
	s.admit(member, "Riverside General Hospital", types.Role_ROLE_HOSPITAL)
	res, err := s.queryServer.Params(s.ctx, &types.QueryParamsRequest{})
	s.Require().NoError(err)
	s.Require().Equal(types.DefaultParams(), res.Params, "absent params read as the defaults")

	for name, tc := range map[string]struct {
		msg    *types.MsgUpdateParams
		expErr error
	}{
		"member":        {&types.MsgUpdateParams{Authority: s.addrStr(member), Params: types.Params{MaxNodesPerMember: 3}}, sdkerrors.ErrUnauthorized},
		"zero cap":      {&types.MsgUpdateParams{Authority: s.govAddr, Params: types.Params{}}, types.ErrInvalidParams},
		"cap too large": {&types.MsgUpdateParams{Authority: s.govAddr, Params: types.Params{MaxNodesPerMember: types.MaxNodesPerMemberLimit + 1}}, types.ErrInvalidParams},
	} {
		s.Run(name, func() {
			s.refuse(tc.expErr, func(ctx sdk.Context) error {
				_, err := s.msgServer.UpdateParams(ctx, tc.msg)
				return err
			})
		})
	}
	s.Require().ErrorIs((&types.MsgUpdateParams{Params: types.Params{}}).ValidateBasic(), types.ErrInvalidParams)

	s.freshEvents()
	s.updateParams(types.Params{MaxNodesPerMember: types.MaxNodesPerMemberLimit})
	s.Require().Equal(&types.EventParamsUpdated{Params: types.Params{MaxNodesPerMember: types.MaxNodesPerMemberLimit}}, event[*types.EventParamsUpdated](s))
	res, err = s.queryServer.Params(s.ctx, &types.QueryParamsRequest{})
	s.Require().NoError(err)
	s.Require().Equal(uint32(types.MaxNodesPerMemberLimit), res.Params.MaxNodesPerMember)
}

// TestAllowPeer is the peer filter's rule: a node is allowed while its member
// is active, from the block that registers it until the block that suspends
// its member or removes it.
func (s *KeeperTestSuite) TestAllowPeer() {
	s.ctx = s.ctx.WithChainID(nodeChainID)
	hospital, lab := testkit.Addr("hospital"), testkit.Addr("lab")
	s.admit(hospital, "Riverside General Hospital", types.Role_ROLE_HOSPITAL)
	s.admit(lab, "Northgate Clinical Laboratory", types.Role_ROLE_LABORATORY)
	s.registerNode(hospital, "hospital-validator", "")
	s.registerNode(lab, "lab-validator", "")
	s.registerNode(lab, "lab-sentry", "")

	s.Require().NoError(s.keeper.AllowPeer(s.ctx, nodeID("hospital-validator")))
	s.Require().NoError(s.keeper.AllowPeer(s.ctx, nodeID("lab-sentry")))
	s.Require().ErrorIs(s.keeper.AllowPeer(s.ctx, nodeID("outsider")), types.ErrNodeNotFound)
	s.Require().ErrorIs(s.keeper.AllowPeer(s.ctx, "not-a-node-id"), types.ErrInvalidNodeID)
	s.Require().ErrorIs(s.keeper.AllowPeer(s.ctx, strings.ToUpper(nodeID("hospital-validator"))), types.ErrInvalidNodeID)
	ids, err := s.keeper.AllowedNodeIDs(s.ctx)
	s.Require().NoError(err)
	s.Require().ElementsMatch([]string{nodeID("hospital-validator"), nodeID("lab-validator"), nodeID("lab-sentry")}, ids)

	s.suspend(lab, "accreditation lapsed")
	for _, n := range []string{"lab-validator", "lab-sentry"} {
		s.Require().ErrorIs(s.keeper.AllowPeer(s.ctx, nodeID(n)), types.ErrNotMember, "a suspended member's node %s", n)
	}
	s.Require().NoError(s.keeper.AllowPeer(s.ctx, nodeID("hospital-validator")))
	ids, err = s.keeper.AllowedNodeIDs(s.ctx)
	s.Require().NoError(err)
	s.Require().Equal([]string{nodeID("hospital-validator")}, ids)
	s.Require().Len(s.nodesOf(lab), 2, "suspension keeps the registrations, for reinstatement")

	_, err = s.msgServer.ReinstateMember(s.ctx, &types.MsgReinstateMember{Authority: s.govAddr, Address: s.addrStr(lab)})
	s.Require().NoError(err)
	s.Require().NoError(s.keeper.AllowPeer(s.ctx, nodeID("lab-sentry")))
}

// TestQueryNodes: Node and NodesByMember answer from the index, paginated;
// malformed requests are InvalidArgument.
func (s *KeeperTestSuite) TestQueryNodes() {
	s.ctx = s.ctx.WithChainID(nodeChainID)
	hospital, lab := testkit.Addr("hospital"), testkit.Addr("lab")
	s.admit(hospital, "Riverside General Hospital", types.Role_ROLE_HOSPITAL)
	s.admit(lab, "Northgate Clinical Laboratory", types.Role_ROLE_LABORATORY)
	var want []string
	for _, seed := range []string{"h1", "h2", "h3", "h4", "h5"} {
		s.registerNode(hospital, seed, "")
		want = append(want, nodeID(seed))
	}
	s.registerNode(lab, "l1", "")

	var got []string
	var key []byte
	for {
		res, err := s.queryServer.NodesByMember(s.ctx, &types.QueryNodesByMemberRequest{
			Member: s.addrStr(hospital), Pagination: &query.PageRequest{Key: key, Limit: 2},
		})
		s.Require().NoError(err)
		s.Require().LessOrEqual(len(res.Nodes), 2)
		for _, n := range res.Nodes {
			got = append(got, n.NodeID)
		}
		if key = res.Pagination.NextKey; key == nil {
			break
		}
	}
	s.Require().ElementsMatch(want, got)
	s.Require().IsIncreasing(got, "ordered by node id")
	s.Require().Empty(s.nodesOf(testkit.Addr("nobody")))

	for name, tc := range map[string]struct {
		call func() error
		code codes.Code
	}{
		"node: nil request":  {func() error { _, err := s.queryServer.Node(s.ctx, nil); return err }, codes.InvalidArgument},
		"node: malformed id": {func() error { _, err := s.queryServer.Node(s.ctx, &types.QueryNodeRequest{NodeId: "xyz"}); return err }, codes.InvalidArgument},
		"node: not registered": {func() error {
			_, err := s.queryServer.Node(s.ctx, &types.QueryNodeRequest{NodeId: nodeID("none")})
			return err
		}, codes.NotFound},
		"nodes: nil request": {func() error { _, err := s.queryServer.NodesByMember(s.ctx, nil); return err }, codes.InvalidArgument},
		"nodes: empty member": {func() error {
			_, err := s.queryServer.NodesByMember(s.ctx, &types.QueryNodesByMemberRequest{})
			return err
		}, codes.InvalidArgument},
		"nodes: bad member": {func() error {
			_, err := s.queryServer.NodesByMember(s.ctx, &types.QueryNodesByMemberRequest{Member: testkit.OtherPrefix(hospital)})
			return err
		}, codes.InvalidArgument},
		"params: nil request": {func() error { _, err := s.queryServer.Params(s.ctx, nil); return err }, codes.InvalidArgument},
	} {
		s.Run(name, func() { s.requireCode(tc.call(), tc.code) })
	}
}
