package keeper

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"slices"
	"strings"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	clienttypes "github.com/cosmos/ibc-go/v11/modules/core/02-client/types"
	commitmenttypes "github.com/cosmos/ibc-go/v11/modules/core/23-commitment/types"
	ibcexported "github.com/cosmos/ibc-go/v11/modules/core/exported"
	ibctm "github.com/cosmos/ibc-go/v11/modules/light-clients/07-tendermint"

	"github.com/healthchain/healthd/x/bridge/types"
)

// How a channel's light client earns trust.
//
// Anyone can create a light client of any chain id, from any first header,
// and a client believes whatever can be proven from the states it has. Every
// state after the first was verified against the validators of one before
// it, so a client follows the real chain if and only if its first state is a
// real header. The authority checks a header against the counterparty's own
// node and pins it; a channel opens, and packets flow, only over a client
// whose first state is that pinned header.
//
// The first state is recorded by this module's EndBlocker, in the block that
// created the client (recordClientOrigins), and never read from the client
// again: the client prunes expired states, and a client made from a forged
// first state, updated to a copy of the pinned header and left until the
// forged state expires, would otherwise show the pinned header as its
// earliest. Within one block nothing a client was created with can be pruned:
// ibc-go creates a client only if its state is unexpired and prunes a state
// only once expired, against the same block time.

// upgradePath is where a Cosmos SDK counterparty commits its upgraded client
// (ibc-go's default, set by relayers).
var upgradePath = []string{"upgrade", "upgradedIBCState"}

// recordClientOrigins records the first consensus state of every 07-tendermint
// light client created since the last call: run at the end of every block.
// A client whose first state could never equal a valid pin (an unusable chain
// id, a zero height) is passed over.
func (k *Keeper) recordClientOrigins(ctx sdk.Context) error {
	if k.clients == nil {
		return nil
	}
	next := k.clients.NextClientSequence(ctx)
	seen, err := k.ClientSeq.Get(ctx)
	if err != nil && !errors.Is(err, collections.ErrNotFound) {
		return err
	}
	for seq := seen; seq < next; seq++ {
		clientID := clienttypes.FormatClientIdentifier(ibcexported.Tendermint, seq)
		origin, ok := originOf(ctx, k.clients, clientID)
		if !ok {
			continue // another client type, or nothing a pin could match
		}
		if err := k.ClientOrigins.Set(ctx, clientID, types.ClientOrigin{ClientID: clientID, Origin: origin, CreatedAt: ctx.BlockHeight()}); err != nil {
			return err
		}
		if err := ctx.EventManager().EmitTypedEvent(&types.EventClientOrigin{
			ClientID: clientID, ChainID: origin.ChainID, RevisionNumber: origin.RevisionNumber, RevisionHeight: origin.RevisionHeight,
		}); err != nil {
			return err
		}
	}
	if next == seen {
		return nil
	}
	return k.ClientSeq.Set(ctx, next)
}

// originOf is a client's earliest consensus state in the shape of a pin.
func originOf(ctx sdk.Context, clients types.ClientReader, clientID string) (types.TrustedCounterparty, bool) {
	cs, ok := clients.TendermintClient(ctx, clientID)
	if !ok {
		return types.TrustedCounterparty{}, false
	}
	h, cons, ok := clients.EarliestConsensusState(ctx, clientID)
	if !ok || cons == nil || cons.Root.GetHash() == nil {
		return types.TrustedCounterparty{}, false
	}
	origin := types.TrustedCounterparty{
		ChainID: cs.ChainId, RevisionNumber: h.RevisionNumber, RevisionHeight: h.RevisionHeight,
		AppHash:            strings.ToUpper(hex.EncodeToString(cons.Root.GetHash())),
		NextValidatorsHash: strings.ToUpper(hex.EncodeToString(cons.NextValidatorsHash)),
		Timestamp:          cons.Timestamp.UTC(),
	}
	return origin, origin.Validate() == nil
}

// ChannelTrusted checks, for every packet sent or received, that the channel
// is an open bridge channel (not retired) whose light client was created
// from the pin of a trusted counterparty: taking the counterparty out of
// params, or changing its pin, stops its channels at once. A channel's
// connection and client never change, so this reads the bridge's own record
// of the channel and the client's origin, not ibc-go's channel, connection
// and client.
func (k *Keeper) ChannelTrusted(ctx sdk.Context, channelID string) error {
	params, err := k.Params.Get(ctx)
	if err != nil {
		return err
	}
	_, err = k.channelTrusted(ctx, params, channelID)
	return err
}

// channelTrusted is ChannelTrusted with the params read; it returns the
// bridge's record of the channel.
func (k *Keeper) channelTrusted(ctx context.Context, params types.Params, channelID string) (types.BridgeChannel, error) {
	var none types.BridgeChannel
	if params.Role == types.ChainRole_CHAIN_ROLE_UNSPECIFIED {
		return none, errorsmod.Wrap(types.ErrWrongRole, "the bridge is off on this chain (no role in params)")
	}
	bc, err := k.Channels.Get(ctx, channelID)
	if errors.Is(err, collections.ErrNotFound) {
		return none, errorsmod.Wrapf(types.ErrInvalidChannel, "%q is not an open bridge channel", channelID)
	} else if err != nil {
		return none, err
	}
	tc, trusted := params.Counterparty(bc.CounterpartyChainID)
	if !trusted {
		return none, errorsmod.Wrapf(types.ErrUntrustedClient, "channel %s leads to %s, which is no longer a trusted counterparty", channelID, bc.CounterpartyChainID)
	}
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	ch, found := k.channels.GetChannel(sdkCtx, types.PortID, channelID)
	if !found {
		return none, errorsmod.Wrapf(types.ErrInvalidChannel, "%q not found", channelID)
	}
	if len(ch.ConnectionHops) != 1 {
		return none, errorsmod.Wrapf(types.ErrInvalidChannel, "%d connection hops, want 1", len(ch.ConnectionHops))
	}
	conn, found := k.connections.GetConnection(sdkCtx, ch.ConnectionHops[0])
	if !found {
		return none, errorsmod.Wrapf(types.ErrInvalidChannel, "connection %q not found", ch.ConnectionHops[0])
	}
	if conn.ClientId != bc.ClientID {
		return none, errorsmod.Wrapf(types.ErrUntrustedClient, "channel %s was opened over %s, its connection is now over %s", channelID, bc.ClientID, conn.ClientId)
	}
	return bc, k.originMatches(ctx, bc.ClientID, tc)
}

// originMatches checks that clientID was created from tc's pinned header.
func (k *Keeper) originMatches(ctx context.Context, clientID string, tc types.TrustedCounterparty) error {
	o, err := k.ClientOrigins.Get(ctx, clientID)
	if errors.Is(err, collections.ErrNotFound) {
		return errorsmod.Wrapf(types.ErrUntrustedClient, "light client %s: its first header was not recorded when it was created", clientID)
	} else if err != nil {
		return err
	}
	if !samePin(o.Origin, tc) {
		return errorsmod.Wrapf(types.ErrUntrustedClient, "light client %s was created from %s at %d-%d, not from the pinned header of %s (%d-%d)",
			clientID, o.Origin.ChainID, o.Origin.RevisionNumber, o.Origin.RevisionHeight, tc.ChainID, tc.RevisionNumber, tc.RevisionHeight)
	}
	return nil
}

// CounterpartyOf returns the trusted counterparty a channel's (single)
// connection leads to and its light client, which must have been created
// from the counterparty's pinned header, with the proof specs and upgrade
// path of a Cosmos SDK chain, and not be frozen. The channel handshake calls
// it; packets use ChannelTrusted.
func (k *Keeper) CounterpartyOf(ctx sdk.Context, hops []string) (types.TrustedCounterparty, string, error) {
	var none types.TrustedCounterparty
	params, err := k.Params.Get(ctx)
	if err != nil {
		return none, "", err
	}
	if params.Role == types.ChainRole_CHAIN_ROLE_UNSPECIFIED {
		return none, "", errorsmod.Wrap(types.ErrWrongRole, "the bridge is off on this chain (no role in params)")
	}
	if len(hops) != 1 {
		return none, "", errorsmod.Wrapf(types.ErrInvalidChannel, "%d connection hops, want 1", len(hops))
	}
	conn, found := k.connections.GetConnection(ctx, hops[0])
	if !found {
		return none, "", errorsmod.Wrapf(types.ErrInvalidChannel, "connection %q not found", hops[0])
	}
	clientID := conn.ClientId
	if k.clients == nil {
		return none, "", errorsmod.Wrap(types.ErrUntrustedClient, "no light-client reader is wired")
	}
	cs, ok := k.clients.TendermintClient(ctx, clientID)
	if !ok {
		return none, "", errorsmod.Wrapf(types.ErrUntrustedClient, "%q is not a 07-tendermint light client", clientID)
	}
	tc, trusted := params.Counterparty(cs.ChainId)
	if !trusted {
		return none, "", errorsmod.Wrapf(types.ErrUntrustedClient, "light client %s is of chain %q, which is not a trusted counterparty", clientID, cs.ChainId)
	}
	if err := checkClientParams(clientID, cs); err != nil {
		return none, "", err
	}
	if err := k.originMatches(ctx, clientID, tc); err != nil {
		return none, "", err
	}
	return tc, clientID, nil
}

// checkClientParams refuses a client whose creator chose what a pin does not
// cover: proof specs other than a Cosmos SDK chain's (they decide what a
// proof proves), an upgrade path other than the default (where an upgrade
// proof is read), or a frozen client.
func checkClientParams(clientID string, cs *ibctm.ClientState) error {
	if !cs.FrozenHeight.IsZero() {
		return errorsmod.Wrapf(types.ErrUntrustedClient, "light client %s is frozen (misbehaviour at %s)", clientID, cs.FrozenHeight)
	}
	if !sameSpecs(cs) {
		return errorsmod.Wrapf(types.ErrUntrustedClient, "light client %s: its proof specs are not a Cosmos SDK chain's", clientID)
	}
	if !slices.Equal(cs.UpgradePath, upgradePath) {
		return errorsmod.Wrapf(types.ErrUntrustedClient, "light client %s: upgrade path %q, want %q", clientID, cs.UpgradePath, upgradePath)
	}
	return nil
}

func sameSpecs(cs *ibctm.ClientState) bool {
	want := commitmenttypes.GetSDKSpecs()
	if len(cs.ProofSpecs) != len(want) {
		return false
	}
	for i, s := range cs.ProofSpecs {
		if s == nil {
			return false
		}
		a, err1 := s.Marshal()
		b, err2 := want[i].Marshal()
		if err1 != nil || err2 != nil || !bytes.Equal(a, b) {
			return false
		}
	}
	return true
}

func samePin(a, b types.TrustedCounterparty) bool {
	x, err1 := a.Marshal()
	y, err2 := b.Marshal()
	return err1 == nil && err2 == nil && bytes.Equal(x, y)
}
