package types_test

import (
	"net"
	"strconv"
	"strings"
	"testing"

	"github.com/cometbft/cometbft/crypto/ed25519"
	"github.com/cometbft/cometbft/crypto/secp256k1"
	"github.com/cometbft/cometbft/p2p"
	"github.com/stretchr/testify/require"

	"github.com/healthchain/healthd/internal/testkit"
	"github.com/healthchain/healthd/x/consortium/types"
)

func nodeKey(seed string) ed25519.PrivKey { return ed25519.GenPrivKeyFromSecret([]byte(seed)) }

// TestNodeIDOfPubKeyIsCometBFTs: the id the chain derives from a node key is
// the one CometBFT gives the node and names in the peer filter query.
func TestNodeIDOfPubKeyIsCometBFTs(t *testing.T) {
	for _, seed := range []string{"a", "hospital-validator", "pharma sentry"} {
		key := nodeKey(seed)
		id, err := types.NodeIDOfPubKey(key.PubKey().Bytes())
		require.NoError(t, err)
		require.Equal(t, string(p2p.PubKeyToID(key.PubKey())), id)
		require.Equal(t, string((&p2p.NodeKey{PrivKey: key}).ID()), id)
		require.NoError(t, types.ValidateNodeID(id))
	}
	_, err := types.NodeIDOfPubKey(make([]byte, 33))
	require.ErrorIs(t, err, types.ErrNodeKeyMismatch)
}

func TestValidateNodeID(t *testing.T) {
	id := string(p2p.PubKeyToID(nodeKey("x").PubKey()))
	require.NoError(t, types.ValidateNodeID(id))
	for name, bad := range map[string]string{
		"empty":              "",
		"39 digits":          id[:39],
		"41 digits":          id + "0",
		"upper case":         strings.ToUpper(id),
		"one upper-case hex": "A" + id[1:],
		"non-hex letter":     "g" + id[1:],
		"with address":       id + "@127.0.0.1:26656",
		"space":              " " + id[1:],
		"multi-byte":         "é" + id[2:],
	} {
		require.ErrorIs(t, types.ValidateNodeID(bad), types.ErrInvalidNodeID, name)
	}
}

func TestValidateNodeAddress(t *testing.T) {
	for _, ok := range []string{
		"", "127.0.0.1:26656", "node1.riverside.example:26656", "sentry-2.example.org:1", "localhost:65535",
		"[::1]:26656", "[2001:db8::7]:26656", "N0DE.Example.ORG:443",
	} {
		require.NoError(t, types.ValidateNodeAddress(ok), ok)
	}
	for _, bad := range []string{
		"127.0.0.1", "node.example.org", ":26656", "node.example.org:", "node.example.org:0", "node.example.org:65536",
		"node.example.org:026656", "node.example.org:+80", "node.example.org:port", "::1:26656", "[::1]", "[fe80::1%eth0]:26656",
		"[node.example.org]:26656", "-node.example.org:26656", "node-.example.org:26656", "node..example.org:26656",
		"node_1.example.org:26656", "node example.org:26656", "nöde.example.org:26656", "id@node.example.org:26656",
		"tcp://node.example.org:26656", "node.example.org:26656\n", strings.Repeat("a", 64) + ".org:26656",
		strings.Repeat("a.", 127) + "org:26656",
	} {
		require.ErrorIs(t, types.ValidateNodeAddress(bad), types.ErrInvalidNodeAddress, "%q", bad)
	}
}

func TestParseNodeAddress(t *testing.T) {
	id := string(p2p.PubKeyToID(nodeKey("x").PubKey()))
	gotID, addr, err := types.ParseNodeAddress(id)
	require.NoError(t, err)
	require.Equal(t, id, gotID)
	require.Empty(t, addr)
	gotID, addr, err = types.ParseNodeAddress(id + "@127.0.0.1:26656")
	require.NoError(t, err)
	require.Equal(t, id, gotID)
	require.Equal(t, "127.0.0.1:26656", addr)

	_, _, err = types.ParseNodeAddress(id + "@")
	require.ErrorIs(t, err, types.ErrInvalidNodeAddress)
	_, _, err = types.ParseNodeAddress(id + "@127.0.0.1")
	require.ErrorIs(t, err, types.ErrInvalidNodeAddress)
	_, _, err = types.ParseNodeAddress("@127.0.0.1:26656")
	require.ErrorIs(t, err, types.ErrInvalidNodeID)
	_, _, err = types.ParseNodeAddress(strings.ToUpper(id))
	require.ErrorIs(t, err, types.ErrInvalidNodeID)
}

// TestNodeRegistrationSignature: the node key signs one member's registration
// on one chain; the signature proves nothing else.
func TestNodeRegistrationSignature(t *testing.T) {
	member := testkit.String(testkit.Addr("distributor"))
	other := testkit.String(testkit.Addr("pharmacy"))
	msg, err := types.NewMsgRegisterNode(member, "node.atlas.example:26656", "pharma-1", nodeKey("distributor-node"))
	require.NoError(t, err)
	require.Equal(t, string(p2p.PubKeyToID(nodeKey("distributor-node").PubKey())), msg.NodeID)
	require.NoError(t, msg.VerifyNodeKey("pharma-1", member))

	require.ErrorIs(t, msg.VerifyNodeKey("hospital-1", member), types.ErrNodeKeyMismatch, "another chain")
	require.ErrorIs(t, msg.VerifyNodeKey("pharma-1", other), types.ErrNodeKeyMismatch, "another member")
	forged := *msg
	forged.NodeID = string(p2p.PubKeyToID(nodeKey("pharmacy-node").PubKey()))
	require.ErrorIs(t, forged.VerifyNodeKey("pharma-1", member), types.ErrNodeKeyMismatch, "another node's id")
	forged = *msg
	forged.Signature = nil
	require.ErrorIs(t, forged.VerifyNodeKey("pharma-1", member), types.ErrNodeKeyMismatch, "no signature")

	// The statement: the member and node end it, so no chain id can shift them.
	require.Equal(t, "healthd node registration\nchain-id: pharma-1\nmember: "+member+"\nnode-id: "+msg.NodeID+"\n",
		string(types.NodeRegistrationStatement("pharma-1", member, msg.NodeID)))

	_, err = types.NewMsgRegisterNode(member, "", "pharma-1", secp256k1.GenPrivKey())
	require.ErrorIs(t, err, types.ErrNodeKeyMismatch, "a node key is ed25519")
	_, err = types.NewMsgRegisterNode(member, "", "pharma-1", nil)
	require.ErrorIs(t, err, types.ErrNodeKeyMismatch)
	_, err = types.NewMsgRegisterNode(member, "node.atlas.example", "pharma-1", nodeKey("distributor-node"))
	require.ErrorIs(t, err, types.ErrInvalidNodeAddress)
}

// TestNodeMessagesValidateBasic: CheckTx refuses malformed node messages.
func TestNodeMessagesValidateBasic(t *testing.T) {
	member := testkit.String(testkit.Addr("distributor"))
	ok, err := types.NewMsgRegisterNode(member, "", "pharma-1", nodeKey("n"))
	require.NoError(t, err)
	with := func(f func(m *types.MsgRegisterNode)) *types.MsgRegisterNode {
		m := *ok
		m.PubKey = append([]byte(nil), ok.PubKey...)
		f(&m)
		return &m
	}
	otherKey := nodeKey("m").PubKey().Bytes()
	testkit.ValidateBasic(t, map[string]testkit.BasicCase{
		"register: ok":                    testkit.Case(ok, nil),
		"register: with address":          testkit.Case(with(func(m *types.MsgRegisterNode) { m.Address = "[::1]:26656" }), nil),
		"register: no member":             testkit.Case(with(func(m *types.MsgRegisterNode) { m.Member = "" }), types.ErrInvalidAddress),
		"register: upper-case id":         testkit.Case(with(func(m *types.MsgRegisterNode) { m.NodeID = strings.ToUpper(m.NodeID) }), types.ErrInvalidNodeID),
		"register: bad address":           testkit.Case(with(func(m *types.MsgRegisterNode) { m.Address = "node:0" }), types.ErrInvalidNodeAddress),
		"register: key of another node":   testkit.Case(with(func(m *types.MsgRegisterNode) { m.PubKey = otherKey }), types.ErrNodeKeyMismatch),
		"register: no key":                testkit.Case(with(func(m *types.MsgRegisterNode) { m.PubKey = nil }), types.ErrNodeKeyMismatch),
		"register: short signature":       testkit.Case(with(func(m *types.MsgRegisterNode) { m.Signature = m.Signature[:10] }), types.ErrNodeKeyMismatch),
		"remove: ok":                      testkit.Case(&types.MsgRemoveNode{Signer: member, NodeID: ok.NodeID}, nil),
		"remove: no signer":               testkit.Case(&types.MsgRemoveNode{NodeID: ok.NodeID}, types.ErrInvalidAddress),
		"remove: malformed id":            testkit.Case(&types.MsgRemoveNode{Signer: member, NodeID: ok.NodeID[1:]}, types.ErrInvalidNodeID),
		"update params: ok":               testkit.Case(&types.MsgUpdateParams{Params: types.DefaultParams()}, nil),
		"update params: zero":             testkit.Case(&types.MsgUpdateParams{}, types.ErrInvalidParams),
		"update params: above the limit":  testkit.Case(&types.MsgUpdateParams{Params: types.Params{MaxNodesPerMember: types.MaxNodesPerMemberLimit + 1}}, types.ErrInvalidParams),
		"update params: at the limit":     testkit.Case(&types.MsgUpdateParams{Params: types.Params{MaxNodesPerMember: types.MaxNodesPerMemberLimit}}, nil),
		"update params: one node":         testkit.Case(&types.MsgUpdateParams{Params: types.Params{MaxNodesPerMember: 1}}, nil),
		"register: id with @host:port":    testkit.Case(with(func(m *types.MsgRegisterNode) { m.NodeID += "@127.0.0.1:26656" }), types.ErrInvalidNodeID),
		"register: address given as peer": testkit.Case(with(func(m *types.MsgRegisterNode) { m.Address = m.NodeID + "@127.0.0.1:26656" }), types.ErrInvalidNodeAddress),
	})
}

func TestGenesisNodes(t *testing.T) {
	valid := func(t *testing.T) *types.GenesisState {
		m1, m2 := validMember(t, 1), validMember(t, 40)
		return &types.GenesisState{
			Members: []types.Member{m1, m2},
			Nodes: []types.Node{
				{NodeID: string(p2p.PubKeyToID(nodeKey("a").PubKey())), Member: m1.Address, Address: "127.0.0.1:26656"},
				{NodeID: string(p2p.PubKeyToID(nodeKey("b").PubKey())), Member: m1.Address},
				{NodeID: string(p2p.PubKeyToID(nodeKey("c").PubKey())), Member: m2.Address},
			},
		}
	}
	cases := []struct {
		name     string
		malleate func(gs *types.GenesisState)
		want     error // nil: valid
	}{
		{"valid", func(*types.GenesisState) {}, nil},
		{"params given", func(gs *types.GenesisState) { gs.Params = &types.Params{MaxNodesPerMember: 1} }, nil},
		{"more nodes than the cap (the cap is for registrations)", func(gs *types.GenesisState) { gs.Params = &types.Params{MaxNodesPerMember: 1} }, nil},
		{"node of a suspended member", func(gs *types.GenesisState) {
			gs.Members[1].Status, gs.Members[1].SuspensionReason = types.MemberStatus_MEMBER_STATUS_SUSPENDED, "audit"
		}, nil},
		{"zero params", func(gs *types.GenesisState) { gs.Params = &types.Params{} }, types.ErrInvalidParams},
		{"node listed twice", func(gs *types.GenesisState) { gs.Nodes[2].NodeID = gs.Nodes[0].NodeID }, types.ErrNodeTaken},
		{"node listed twice by the same member", func(gs *types.GenesisState) { gs.Nodes = append(gs.Nodes, gs.Nodes[0]) }, types.ErrNodeTaken},
		{"node of no member", func(gs *types.GenesisState) { gs.Nodes[1].Member = testkit.String(testkit.Addr("nobody")) }, types.ErrMemberNotFound},
		{"node member in upper case", func(gs *types.GenesisState) { gs.Nodes[1].Member = strings.ToUpper(gs.Nodes[1].Member) }, types.ErrInvalidAddress},
		{"node member of another chain", func(gs *types.GenesisState) { gs.Nodes[1].Member = testkit.OtherPrefix(testkit.Addr("x")) }, types.ErrInvalidAddress},
		{"malformed node id", func(gs *types.GenesisState) { gs.Nodes[0].NodeID = strings.ToUpper(gs.Nodes[0].NodeID) }, types.ErrInvalidNodeID},
		{"malformed node address", func(gs *types.GenesisState) { gs.Nodes[0].Address = "127.0.0.1" }, types.ErrInvalidNodeAddress},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			gs := valid(t)
			tc.malleate(gs)
			err := gs.Validate(healthCodec)
			if tc.want == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, types.ErrInvalidGenesis)
			require.ErrorIs(t, err, tc.want)
		})
	}
}

// FuzzNodeAddress: the node id and address checks take any bytes a
// transaction carries; they never panic, what they accept is a host and a
// port CometBFT can dial, and their errors stay short.
func FuzzNodeAddress(f *testing.F) {
	id := string(p2p.PubKeyToID(nodeKey("x").PubKey()))
	for _, s := range []string{id, id + "@127.0.0.1:26656", id + "@[::1]:1", "@", "[", "a:1", id + "@" + strings.Repeat("a", 300) + ":1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		nodeID, addr, err := types.ParseNodeAddress(s)
		if err != nil {
			require.Less(t, len(err.Error()), 400)
			return
		}
		require.NoError(t, types.ValidateNodeID(nodeID))
		require.LessOrEqual(t, len(addr), types.MaxNodeAddressLength)
		if addr != "" {
			host, port, err := net.SplitHostPort(addr)
			require.NoError(t, err)
			require.NotEmpty(t, host)
			p, err := strconv.Atoi(port)
			require.NoError(t, err)
			require.True(t, p >= 1 && p <= 65535, "%q", addr)
			require.NotContains(t, addr, "@")
		}
	})
}
