package types

import (
	"context"

	sdk "github.com/cosmos/cosmos-sdk/types"

	clienttypes "github.com/cosmos/ibc-go/v11/modules/core/02-client/types"
	connectiontypes "github.com/cosmos/ibc-go/v11/modules/core/03-connection/types"
	channeltypes "github.com/cosmos/ibc-go/v11/modules/core/04-channel/types"
	ibctm "github.com/cosmos/ibc-go/v11/modules/light-clients/07-tendermint"

	consortiumtypes "github.com/healthchain/healthd/x/consortium/types"
	drugtracetypes "github.com/healthchain/healthd/x/drugtrace/types"
)

// ConsortiumKeeper answers role checks.
type ConsortiumKeeper interface {
	RequireRole(ctx context.Context, addr sdk.AccAddress, roles ...consortiumtypes.Role) error
	RequireActive(ctx context.Context, addr sdk.AccAddress) error
}

// DrugtraceKeeper gives the verdict on a unit (pharma chain).
type DrugtraceKeeper interface {
	VerifyRef(ctx context.Context, ref string, asker sdk.AccAddress) (drugtracetypes.Verdict, drugtracetypes.Unit, error)
}

// ChannelKeeper finds a channel's connection.
type ChannelKeeper interface {
	GetChannel(ctx sdk.Context, portID, channelID string) (channeltypes.Channel, bool)
}

// ConnectionKeeper finds the light client under a connection.
type ConnectionKeeper interface {
	GetConnection(ctx sdk.Context, connectionID string) (connectiontypes.ConnectionEnd, bool)
}

// ClientReader reads the light clients the bridge's connections rest on.
type ClientReader interface {
	// TendermintClient returns the client's state if it is a 07-tendermint client.
	TendermintClient(ctx sdk.Context, clientID string) (*ibctm.ClientState, bool)
	// EarliestConsensusState returns the client's lowest stored consensus
	// state: in the block that created the client, the one it was created
	// with (a state is pruned only once expired, and a client is created only
	// with an unexpired one).
	EarliestConsensusState(ctx sdk.Context, clientID string) (clienttypes.Height, *ibctm.ConsensusState, bool)
	// NextClientSequence is the sequence ibc-go gives the next client it creates.
	NextClientSequence(ctx sdk.Context) uint64
}
