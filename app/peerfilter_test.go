package app_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/cometbft/cometbft/crypto/ed25519"
	"github.com/cometbft/cometbft/p2p"
	"github.com/cometbft/cometbft/p2p/mock"
	dbm "github.com/cosmos/cosmos-db"
	"github.com/stretchr/testify/require"

	errorsmod "cosmossdk.io/errors"
	"cosmossdk.io/log/v2"

	"github.com/cosmos/cosmos-sdk/baseapp"
	"github.com/cosmos/cosmos-sdk/client/flags"
	sdked25519 "github.com/cosmos/cosmos-sdk/crypto/keys/ed25519"
	cryptotypes "github.com/cosmos/cosmos-sdk/crypto/types"
	"github.com/cosmos/cosmos-sdk/server"
	simtestutil "github.com/cosmos/cosmos-sdk/testutil/sims"
	sdk "github.com/cosmos/cosmos-sdk/types"
	genutiltypes "github.com/cosmos/cosmos-sdk/x/genutil/types"

	"github.com/healthchain/healthd/app"
	consortiumtypes "github.com/healthchain/healthd/x/consortium/types"
)

// testNode is a CometBFT node key, named by the node's role.
func testNode(seed string) ed25519.PrivKey {
	return ed25519.GenPrivKeyFromSecret([]byte("node/" + seed))
}

func testNodeID(seed string) string { return string(p2p.PubKeyToID(testNode(seed).PubKey())) }

// filterPeer asks the app about a peer as CometBFT does with filter_peers = true.
func filterPeer(t *testing.T, a *app.App, id string) *abci.ResponseQuery {
	t.Helper()
	res, err := a.Query(context.Background(), &abci.RequestQuery{Path: app.IDPeerFilterPrefix + id})
	require.NoError(t, err)
	return res
}

// requirePeerRefused checks the filter refuses id with the consortium's error want.
func requirePeerRefused(t *testing.T, a *app.App, id string, want *errorsmod.Error) {
	t.Helper()
	res := filterPeer(t, a, id)
	require.Equal(t, consortiumtypes.ModuleName, res.Codespace, "peer %s: %s", id, res.Log)
	require.Equal(t, want.ABCICode(), res.Code, "peer %s: %s", id, res.Log)
}

func requirePeerAccepted(t *testing.T, a *app.App, id string) {
	t.Helper()
	res := filterPeer(t, a, id)
	require.Zero(t, res.Code, "peer %s refused: %s", id, res.Log)
}

// registerNode has member register node seed, signed by the node's key.
func (c *testChain) registerNode(member, seed string) *abci.ExecTxResult {
	c.t.Helper()
	msg, err := consortiumtypes.NewMsgRegisterNode(c.accs[member].addr.String(), "", chainID, testNode(seed))
	require.NoError(c.t, err)
	return c.deliver(member, msg)
}

func (c *testChain) authorityTx(msg sdk.Msg) {
	c.t.Helper()
	res := c.deliver("authority", msg)
	require.Zero(c.t, res.Code, res.Log)
}

// TestPeerFilter: the app accepts a peer whose node id an active member
// registered, from the block that registers it, and refuses it as soon as the
// block suspending the member or removing the node is committed.
func TestPeerFilter(t *testing.T) {
	c := newTestChain(t)
	a, authority, lab := c.app, c.accs["authority"].addr.String(), c.accs["lab"].addr.String()
	labNode := testNodeID("lab-validator")

	requirePeerRefused(t, a, labNode, consortiumtypes.ErrNodeNotFound)
	for _, bad := range []string{"", strings.ToUpper(labNode), labNode[:39], labNode + "@127.0.0.1:26656", "../../store"} {
		requirePeerRefused(t, a, bad, consortiumtypes.ErrInvalidNodeID)
	}

	// A non-member cannot register a node, not even one whose key it holds.
	res := c.registerNode("outsider", "outsider-node")
	requireRefused(t, res, consortiumtypes.ModuleName, consortiumtypes.ErrNotMember.ABCICode())
	requirePeerRefused(t, a, testNodeID("outsider-node"), consortiumtypes.ErrNodeNotFound)

	res = c.registerNode("lab", "lab-validator")
	require.Zero(t, res.Code, res.Log)
	requirePeerAccepted(t, a, labNode)
	// Another member cannot take it over, even with its key.
	res = c.registerNode("hospital", "lab-validator")
	requireRefused(t, res, consortiumtypes.ModuleName, consortiumtypes.ErrNodeTaken.ABCICode())

	// Suspension: refused from the next query on, registration kept.
	c.authorityTx(&consortiumtypes.MsgSuspendMember{Authority: authority, Address: lab, Reason: "accreditation lapsed"})
	requirePeerRefused(t, a, labNode, consortiumtypes.ErrNotMember)
	_, err := a.ConsortiumKeeper.Nodes.Get(c.ctx(), labNode)
	require.NoError(t, err)

	c.authorityTx(&consortiumtypes.MsgReinstateMember{Authority: authority, Address: lab})
	requirePeerAccepted(t, a, labNode)

	c.authorityTx(&consortiumtypes.MsgRemoveNode{Signer: authority, NodeID: labNode})
	requirePeerRefused(t, a, labNode, consortiumtypes.ErrNodeNotFound)

	// Peers are filtered by id only: the address filter accepts every address,
	// since a member's node may move.
	addr, err := a.Query(context.Background(), &abci.RequestQuery{Path: "/p2p/filter/addr/127.0.0.1:26656"})
	require.NoError(t, err)
	require.Zero(t, addr.Code)
}

// TestPeerFilterBeforeFirstBlock: before the first block is committed there is
// no committed state to read; the filter answers from what InitChain left, so
// the founders' nodes named in genesis accept each other and make block 1.
func TestPeerFilterBeforeFirstBlock(t *testing.T) {
	accs := map[string]account{}
	for _, n := range accNames {
		accs[n] = newAccount(n)
	}
	valKeys := map[string]cryptotypes.PrivKey{}
	for _, op := range operators {
		valKeys[op] = sdked25519.GenPrivKeyFromSecret([]byte("val-" + op))
	}
	a := app.New(log.NewNopLogger(), dbm.NewMemDB(), true, simtestutil.EmptyAppOptions{}, baseapp.SetChainID(chainID))
	hospitalNode, labNode := testNodeID("hospital-validator"), testNodeID("lab-validator")

	// No InitChain yet: nobody is allowed.
	requirePeerRefused(t, a, hospitalNode, consortiumtypes.ErrNodeNotFound)

	state := genesis(t, a, accs, valKeys)
	var members consortiumtypes.GenesisState
	a.AppCodec().MustUnmarshalJSON(state[consortiumtypes.ModuleName], &members)
	members.Nodes = []consortiumtypes.Node{
		{NodeID: hospitalNode, Member: accs["hospital"].addr.String(), Address: "127.0.0.1:26656"},
		{NodeID: labNode, Member: accs["lab"].addr.String()},
	}
	state[consortiumtypes.ModuleName] = a.AppCodec().MustMarshalJSON(&members)
	stateBytes, err := json.Marshal(state)
	require.NoError(t, err)
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	_, err = a.InitChain(&abci.RequestInitChain{
		ChainId: chainID, Time: start, AppStateBytes: stateBytes, InitialHeight: 1,
		ConsensusParams: consensusParams(accs["authority"].addr),
	})
	require.NoError(t, err)
	require.Zero(t, a.LastBlockHeight())

	requirePeerAccepted(t, a, hospitalNode)
	requirePeerAccepted(t, a, labNode)
	requirePeerRefused(t, a, testNodeID("outsider-node"), consortiumtypes.ErrNodeNotFound)
	requirePeerRefused(t, a, "nonsense", consortiumtypes.ErrInvalidNodeID)

	// Block 1 committed: the same answers, now from the committed state.
	_, err = a.FinalizeBlock(&abci.RequestFinalizeBlock{Height: 1, Time: start.Add(5 * time.Second), ProposerAddress: valKeys["hospital"].PubKey().Address()})
	require.NoError(t, err)
	_, err = a.Commit()
	require.NoError(t, err)
	require.Equal(t, int64(1), a.LastBlockHeight())
	requirePeerAccepted(t, a, hospitalNode)
	requirePeerAccepted(t, a, labNode)
	requirePeerRefused(t, a, testNodeID("outsider-node"), consortiumtypes.ErrNodeNotFound)
}

// TestPeerFilterStateSyncJoiner: a node that joins by state sync has no
// state and never runs InitChain. Its filter accepts the nodes of active
// members named in the genesis file of its home (else it would refuse every
// peer and never find a snapshot), and refuses the others.
func TestPeerFilterStateSyncJoiner(t *testing.T) {
	accs := map[string]account{}
	for _, n := range accNames {
		accs[n] = newAccount(n)
	}
	valKeys := map[string]cryptotypes.PrivKey{}
	for _, op := range operators {
		valKeys[op] = sdked25519.GenPrivKeyFromSecret([]byte("val-" + op))
	}
	a := app.New(log.NewNopLogger(), dbm.NewMemDB(), true, simtestutil.EmptyAppOptions{}, baseapp.SetChainID(chainID))
	hospitalNode, labNode := testNodeID("hospital-validator"), testNodeID("lab-validator")
	state := genesis(t, a, accs, valKeys)
	var members consortiumtypes.GenesisState
	a.AppCodec().MustUnmarshalJSON(state[consortiumtypes.ModuleName], &members)
	members.Nodes = []consortiumtypes.Node{
		{NodeID: hospitalNode, Member: accs["hospital"].addr.String(), Address: "127.0.0.1:26656"},
		{NodeID: labNode, Member: accs["lab"].addr.String()},
	}
	state[consortiumtypes.ModuleName] = a.AppCodec().MustMarshalJSON(&members)
	stateBytes, err := json.Marshal(state)
	require.NoError(t, err)
	home := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(home, "config"), 0o700))
	require.NoError(t, genutiltypes.NewAppGenesisWithVersion(chainID, stateBytes).SaveAs(filepath.Join(home, "config", "genesis.json")))

	joiner := app.New(log.NewNopLogger(), dbm.NewMemDB(), true, simtestutil.AppOptionsMap{flags.FlagHome: home}, baseapp.SetChainID(chainID))
	require.Zero(t, joiner.LastBlockHeight())
	requirePeerAccepted(t, joiner, hospitalNode)
	requirePeerAccepted(t, joiner, labNode)
	requirePeerRefused(t, joiner, testNodeID("outsider-node"), consortiumtypes.ErrNodeNotFound)

	// Without a genesis file in its home: every peer refused, as before.
	lost := app.New(log.NewNopLogger(), dbm.NewMemDB(), true, simtestutil.AppOptionsMap{flags.FlagHome: t.TempDir()}, baseapp.SetChainID(chainID))
	requirePeerRefused(t, lost, hospitalNode, consortiumtypes.ErrNodeNotFound)
}

// sweepPeer is a connected peer with a chosen node id.
type sweepPeer struct {
	*mock.Peer
	id p2p.ID
}

func (p sweepPeer) ID() p2p.ID { return p.id }

// fakeSwitch is the peer set of a CometBFT switch; StopPeerForError removes
// the peer, as the switch does.
type fakeSwitch struct {
	mu      sync.Mutex
	peers   *p2p.PeerSet
	stopped []string
}

func newFakeSwitch(t *testing.T, seeds ...string) *fakeSwitch {
	sw := &fakeSwitch{peers: p2p.NewPeerSet()}
	for _, s := range seeds {
		require.NoError(t, sw.peers.Add(sweepPeer{Peer: mock.NewPeer(nil), id: p2p.ID(testNodeID(s))}))
	}
	return sw
}

func (s *fakeSwitch) Peers() p2p.IPeerSet { return s.peers }

func (s *fakeSwitch) StopPeerForError(p p2p.Peer, reason any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.peers.Remove(p)
	s.stopped = append(s.stopped, string(p.ID())+": "+reason.(string))
}

// lockedQuerier serialises the sweep's queries with the blocks the test
// commits, as CometBFT's local ABCI client does with one mutex.
type lockedQuerier struct {
	mu *sync.Mutex
	q  app.ABCIQuerier
}

func (l lockedQuerier) Info(ctx context.Context, req *abci.RequestInfo) (*abci.ResponseInfo, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.q.Info(ctx, req)
}

func (l lockedQuerier) Query(ctx context.Context, req *abci.RequestQuery) (*abci.ResponseQuery, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.q.Query(ctx, req)
}

func (s *fakeSwitch) stoppedPeers() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.stopped...)
}

// TestPeerSweep: CometBFT filters a peer only when it connects; the sweep asks
// the same filter about the connected peers after each block and stops those
// now refused: a suspended member's node, a removed node, a node never
// registered. Allowed peers stay connected.
func TestPeerSweep(t *testing.T) {
	c := newTestChain(t)
	authority, lab := c.accs["authority"].addr.String(), c.accs["lab"].addr.String()
	for member, seed := range map[string]string{"hospital": "hospital-validator", "lab": "lab-validator"} {
		res := c.registerNode(member, seed)
		require.Zero(t, res.Code, res.Log)
	}
	res := c.registerNode("hospital", "hospital-sentry")
	require.Zero(t, res.Code, res.Log)
	q := server.NewCometABCIWrapper(c.app)

	sw := newFakeSwitch(t, "hospital-validator", "hospital-sentry", "lab-validator", "stranger")
	stopped, err := app.SweepPeers(context.Background(), sw, q)
	require.NoError(t, err)
	require.Equal(t, []p2p.ID{p2p.ID(testNodeID("stranger"))}, stopped)
	require.Equal(t, 3, sw.Peers().Size())
	require.Contains(t, sw.stoppedPeers()[0], "not registered")

	// Running after each block: the suspension disconnects the lab's node,
	// the removal the hospital's sentry; the hospital's validator stays.
	abciMu := &sync.Mutex{}
	inBlock := func(f func()) {
		abciMu.Lock()
		defer abciMu.Unlock()
		f()
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		app.RunPeerSweep(ctx, sw, lockedQuerier{mu: abciMu, q: q}, 5*time.Millisecond, log.NewNopLogger())
	}()
	t.Cleanup(func() { cancel(); <-done })

	inBlock(func() {
		c.authorityTx(&consortiumtypes.MsgSuspendMember{Authority: authority, Address: lab, Reason: "accreditation lapsed"})
	})
	require.Eventually(t, func() bool { return !sw.Peers().Has(p2p.ID(testNodeID("lab-validator"))) }, 10*time.Second, 5*time.Millisecond)
	require.Contains(t, sw.stoppedPeers()[1], "is suspended")

	inBlock(func() {
		c.authorityTx(&consortiumtypes.MsgRemoveNode{Signer: authority, NodeID: testNodeID("hospital-sentry")})
	})
	require.Eventually(t, func() bool { return !sw.Peers().Has(p2p.ID(testNodeID("hospital-sentry"))) }, 10*time.Second, 5*time.Millisecond)

	inBlock(func() { c.nextBlock(); c.nextBlock() })
	stopped, err = app.SweepPeers(context.Background(), sw, lockedQuerier{mu: abciMu, q: q})
	require.NoError(t, err)
	require.Empty(t, stopped)
	require.True(t, sw.Peers().Has(p2p.ID(testNodeID("hospital-validator"))), "an allowed peer stays connected")
	require.Len(t, sw.stoppedPeers(), 3)
}
