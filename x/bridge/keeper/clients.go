package keeper

import (
	sdk "github.com/cosmos/cosmos-sdk/types"

	clientkeeper "github.com/cosmos/ibc-go/v11/modules/core/02-client/keeper"
	clienttypes "github.com/cosmos/ibc-go/v11/modules/core/02-client/types"
	ibcexported "github.com/cosmos/ibc-go/v11/modules/core/exported"
	ibctm "github.com/cosmos/ibc-go/v11/modules/light-clients/07-tendermint"

	"github.com/healthchain/healthd/x/bridge/types"
)

// IBCClients reads light clients from ibc-go's client keeper.
type IBCClients struct{ k *clientkeeper.Keeper }

var _ types.ClientReader = IBCClients{}

// NewIBCClients returns the bridge's reader of ibc-go's light clients.
func NewIBCClients(k *clientkeeper.Keeper) IBCClients { return IBCClients{k: k} }

// TendermintClient implements types.ClientReader.
func (c IBCClients) TendermintClient(ctx sdk.Context, clientID string) (*ibctm.ClientState, bool) {
	cs, found := c.k.GetClientState(ctx, clientID)
	if !found {
		return nil, false
	}
	tm, ok := cs.(*ibctm.ClientState)
	return tm, ok
}

// NextClientSequence implements types.ClientReader.
func (c IBCClients) NextClientSequence(ctx sdk.Context) uint64 { return c.k.GetNextClientSequence(ctx) }

// EarliestConsensusState implements types.ClientReader: the 07-tendermint
// client keeps an iteration index of its consensus states in ascending height.
func (c IBCClients) EarliestConsensusState(ctx sdk.Context, clientID string) (clienttypes.Height, *ibctm.ConsensusState, bool) {
	store := c.k.ClientStore(ctx, clientID)
	var first ibcexported.Height
	ibctm.IterateConsensusStateAscending(store, func(h ibcexported.Height) bool {
		first = h
		return true
	})
	if first == nil {
		return clienttypes.Height{}, nil, false
	}
	h, ok := first.(clienttypes.Height)
	if !ok {
		return clienttypes.Height{}, nil, false
	}
	cs, found := ibctm.GetConsensusState(store, c.k.Codec(), h)
	return h, cs, found
}
