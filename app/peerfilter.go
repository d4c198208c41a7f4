package app

import (
	"context"
	"encoding/json"
	"os"
	"strings"
	"sync/atomic"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/cometbft/cometbft/p2p"

	errorsmod "cosmossdk.io/errors"
	"cosmossdk.io/log/v2"

	sdk "github.com/cosmos/cosmos-sdk/types"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"

	genutiltypes "github.com/cosmos/cosmos-sdk/x/genutil/types"

	consortiumtypes "github.com/healthchain/healthd/x/consortium/types"
)

// Only members hold the ledger. With filter_peers = true in config.toml
// (`healthd init` writes it), CometBFT asks the app about every peer before it
// adds it, inbound or outbound, with the ABCI query /p2p/filter/id/<node id>;
// BaseApp hands the id to the filter set with SetIDPeerFilter. The filter
// accepts a node registered in x/consortium to an active member
// (ConsortiumKeeper.AllowPeer) and refuses every other one, so a node nobody
// registered, a removed node, or a node of a suspended member never receives a
// block, a transaction or a vote from this node.
//
// CometBFT runs the filter when a peer connects, never again: SweepPeers asks
// it about the peers already connected, and `healthd start` runs it after
// every committed block (RunPeerSweep), so that a suspension or removal also
// disconnects the member's nodes.

// IDPeerFilterPrefix is the ABCI query path CometBFT asks about a peer's id.
const IDPeerFilterPrefix = "/p2p/filter/id/"

// peerFilter answers CometBFT's ID filter query from the latest committed
// state.
type peerFilter struct {
	app *App
	// genesis holds the ids AllowPeer accepted on the state InitChain left,
	// for the time before the first block is committed: there is no committed
	// state to read then, and the founders' nodes must accept each other to
	// produce that block. InitChain runs during CometBFT's handshake, before
	// the node dials or accepts a peer.
	genesis atomic.Pointer[map[string]struct{}]
}

func newPeerFilter(app *App) *peerFilter { return &peerFilter{app: app} }

// initChainer runs next, then records the node ids the genesis allows.
func (f *peerFilter) initChainer(next sdk.InitChainer) sdk.InitChainer {
	return func(ctx sdk.Context, req *abci.RequestInitChain) (*abci.ResponseInitChain, error) {
		res, err := next(ctx, req)
		if err != nil {
			return res, err
		}
		ids, err := f.app.ConsortiumKeeper.AllowedNodeIDs(ctx)
		if err != nil {
			return nil, err
		}
		set := make(map[string]struct{}, len(ids))
		for _, id := range ids {
			set[id] = struct{}{}
		}
		f.genesis.Store(&set)
		return res, nil
	}
}

// loadGenesisFile records the node ids a genesis file allows (nodes of
// active members), for a node that has no state and will not run
// InitChain: one that joins by state sync, whose app stays empty until the
// snapshot is restored. Without it such a node refuses every peer and never
// finds a snapshot. InitChain, when it runs, replaces the set.
func (f *peerFilter) loadGenesisFile(path string) error {
	if _, err := os.Stat(path); err != nil {
		return err
	}
	g, err := genutiltypes.AppGenesisFromFile(path)
	if err != nil {
		return err
	}
	var state map[string]json.RawMessage
	if err := json.Unmarshal(g.AppState, &state); err != nil {
		return err
	}
	var gs consortiumtypes.GenesisState
	if raw, ok := state[consortiumtypes.ModuleName]; ok {
		if err := f.app.AppCodec().UnmarshalJSON(raw, &gs); err != nil {
			return err
		}
	}
	active := map[string]bool{}
	for _, m := range gs.Members {
		active[m.Address] = m.Status == consortiumtypes.MemberStatus_MEMBER_STATUS_ACTIVE
	}
	set := map[string]struct{}{}
	for _, n := range gs.Nodes {
		if active[n.Member] {
			set[n.NodeID] = struct{}{}
		}
	}
	f.genesis.Store(&set)
	return nil
}

// filterID is the app's ID peer filter (BaseApp.SetIDPeerFilter): code 0
// accepts the peer, any other code refuses it, with the consortium's
// registered error.
func (f *peerFilter) filterID(id string) *abci.ResponseQuery {
	if err := f.allow(id); err != nil {
		return sdkerrors.QueryResult(err, false)
	}
	return &abci.ResponseQuery{}
}

func (f *peerFilter) allow(id string) error {
	if err := consortiumtypes.ValidateNodeID(id); err != nil {
		return err
	}
	if f.app.LastBlockHeight() == 0 {
		set := f.genesis.Load()
		if set == nil {
			return errorsmod.Wrap(consortiumtypes.ErrNodeNotFound, "no genesis yet: every peer is refused")
		}
		if _, ok := (*set)[id]; !ok {
			return errorsmod.Wrapf(consortiumtypes.ErrNodeNotFound, "node %s is not among the genesis nodes of active members", id)
		}
		return nil
	}
	// The latest committed state, whatever block is being executed: CometBFT
	// serialises this query with FinalizeBlock and Commit.
	ctx, err := f.app.CreateQueryContextWithCheckHeader(0, false, false)
	if err != nil {
		return err
	}
	return f.app.ConsortiumKeeper.AllowPeer(ctx, id)
}

// PeerSwitch is what the peer sweep needs of CometBFT's p2p.Switch
// (node.Node.Switch()).
type PeerSwitch interface {
	Peers() p2p.IPeerSet
	StopPeerForError(peer p2p.Peer, reason any)
}

// ABCIQuerier is CometBFT's query connection to the app
// (node.Node.ProxyApp().Query()), through which the sweep asks the same filter
// CometBFT asks when a peer connects.
type ABCIQuerier interface {
	Info(ctx context.Context, req *abci.RequestInfo) (*abci.ResponseInfo, error)
	Query(ctx context.Context, req *abci.RequestQuery) (*abci.ResponseQuery, error)
}

// SweepPeers asks the ID peer filter about every connected peer and stops
// those it now refuses; CometBFT then redials a persistent peer, which the
// filter refuses again until it is allowed. It returns the ids it stopped. A
// query that fails (rather than refuses) stops nobody.
func SweepPeers(ctx context.Context, sw PeerSwitch, q ABCIQuerier) ([]p2p.ID, error) {
	var stopped []p2p.ID
	for _, peer := range sw.Peers().Copy() {
		res, err := q.Query(ctx, &abci.RequestQuery{Path: IDPeerFilterPrefix + string(peer.ID())})
		if err != nil {
			return stopped, err
		}
		if res.IsOK() {
			continue
		}
		sw.StopPeerForError(peer, "refused by the peer filter: "+strings.TrimSpace(res.Log))
		stopped = append(stopped, peer.ID())
	}
	return stopped, nil
}

// RunPeerSweep sweeps the connected peers each time the app has committed a
// new block, checking every interval, until ctx ends: a member's nodes are
// disconnected within a block of its suspension or of their removal.
func RunPeerSweep(ctx context.Context, sw PeerSwitch, q ABCIQuerier, interval time.Duration, logger log.Logger) {
	ticker := time.NewTicker(interval)
	defer ticker.Stop()
	swept := int64(-1)
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
		info, err := q.Info(ctx, &abci.RequestInfo{})
		if err != nil {
			logger.Error("peer sweep: app info", "err", err)
			continue
		}
		if info.LastBlockHeight == swept {
			continue
		}
		stopped, err := SweepPeers(ctx, sw, q)
		for _, id := range stopped {
			logger.Info("disconnected a peer the peer filter now refuses", "peer", id, "height", info.LastBlockHeight)
		}
		if err != nil {
			logger.Error("peer sweep", "err", err)
			continue
		}
		swept = info.LastBlockHeight
	}
}
