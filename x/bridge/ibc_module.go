package bridge

import (
	"errors"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"
	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"

	sdk "github.com/cosmos/cosmos-sdk/types"

	channeltypes "github.com/cosmos/ibc-go/v11/modules/core/04-channel/types"
	porttypes "github.com/cosmos/ibc-go/v11/modules/core/05-port/types"
	ibcexported "github.com/cosmos/ibc-go/v11/modules/core/exported"

	"github.com/healthchain/healthd/x/bridge/keeper"
	"github.com/healthchain/healthd/x/bridge/types"
)

var _ porttypes.IBCModule = IBCModule{}

// IBCModule is the bridge's IBC application: the ICS-26 callbacks of port
// "bridge".
type IBCModule struct {
	keeper *keeper.Keeper
}

// NewIBCModule returns the bridge's IBC application.
func NewIBCModule(k *keeper.Keeper) IBCModule { return IBCModule{keeper: k} }

// checkChannel enforces what a bridge channel must be: unordered (one lost
// packet must not close it), port "bridge" at both ends, over a connection to
// a light client created from a trusted counterparty's pinned header, on a
// chain that has a role, and the only one to that counterparty: a second is
// refused while one is open.
func (im IBCModule) checkChannel(ctx sdk.Context, order channeltypes.Order, hops []string, portID string, counterparty channeltypes.Counterparty) error {
	if order != channeltypes.UNORDERED {
		return errorsmod.Wrapf(channeltypes.ErrInvalidChannelOrdering, "bridge channels are %s, not %s", channeltypes.UNORDERED, order)
	}
	if portID != types.PortID {
		return errorsmod.Wrapf(types.ErrInvalidChannel, "port %q, want %q", portID, types.PortID)
	}
	if counterparty.PortId != types.PortID {
		return errorsmod.Wrapf(types.ErrInvalidChannel, "counterparty port %q, want %q", counterparty.PortId, types.PortID)
	}
	tc, _, err := im.keeper.CounterpartyOf(ctx, hops)
	if err != nil {
		return err
	}
	return im.noOpenChannel(ctx, tc.ChainID)
}

// noOpenChannel refuses a channel to a counterparty that has one open.
func (im IBCModule) noOpenChannel(ctx sdk.Context, chainID string) error {
	open, err := im.keeper.Channels.Indexes.Counterparty.MatchExact(ctx, chainID)
	if err == nil {
		return errorsmod.Wrapf(types.ErrChannelExists, "%s is open to %s; the authority retires it first", open, chainID)
	} else if !errors.Is(err, collections.ErrNotFound) {
		return err
	}
	return nil
}

// opened records a channel whose handshake completed, once more checking its
// counterparty and that no other channel to it opened meanwhile (a second
// handshake may have started before the first finished).
func (im IBCModule) opened(ctx sdk.Context, channelID string) error {
	ch, found := im.keeper.ChannelKeeper().GetChannel(ctx, types.PortID, channelID)
	if !found {
		return errorsmod.Wrapf(types.ErrInvalidChannel, "%q not found", channelID)
	}
	tc, clientID, err := im.keeper.CounterpartyOf(ctx, ch.ConnectionHops)
	if err != nil {
		return err
	}
	if err := im.noOpenChannel(ctx, tc.ChainID); err != nil {
		return err
	}
	bc := types.BridgeChannel{ChannelID: channelID, CounterpartyChainID: tc.ChainID, ClientID: clientID}
	if err := im.keeper.Channels.Set(ctx, channelID, bc); err != nil {
		return err
	}
	return ctx.EventManager().EmitTypedEvent(&types.EventChannelOpened{ChannelID: channelID, CounterpartyChainID: tc.ChainID})
}

// OnChanOpenInit implements porttypes.IBCModule.
func (im IBCModule) OnChanOpenInit(ctx sdk.Context, order channeltypes.Order, connectionHops []string, portID, _ string,
	counterparty channeltypes.Counterparty, version string,
) (string, error) {
	if version != "" && version != types.Version {
		return "", errorsmod.Wrapf(types.ErrInvalidChannel, "version %q, want %q", version, types.Version)
	}
	if err := im.checkChannel(ctx, order, connectionHops, portID, counterparty); err != nil {
		return "", err
	}
	return types.Version, nil
}

// OnChanOpenTry implements porttypes.IBCModule.
func (im IBCModule) OnChanOpenTry(ctx sdk.Context, order channeltypes.Order, connectionHops []string, portID, _ string,
	counterparty channeltypes.Counterparty, counterpartyVersion string,
) (string, error) {
	if counterpartyVersion != types.Version {
		return "", errorsmod.Wrapf(types.ErrInvalidChannel, "counterparty version %q, want %q", counterpartyVersion, types.Version)
	}
	if err := im.checkChannel(ctx, order, connectionHops, portID, counterparty); err != nil {
		return "", err
	}
	return types.Version, nil
}

// OnChanOpenAck implements porttypes.IBCModule.
func (im IBCModule) OnChanOpenAck(ctx sdk.Context, _, channelID, _, counterpartyVersion string) error {
	if counterpartyVersion != types.Version {
		return errorsmod.Wrapf(types.ErrInvalidChannel, "counterparty version %q, want %q", counterpartyVersion, types.Version)
	}
	return im.opened(ctx, channelID)
}

// OnChanOpenConfirm implements porttypes.IBCModule.
func (im IBCModule) OnChanOpenConfirm(ctx sdk.Context, _, channelID string) error {
	return im.opened(ctx, channelID)
}

// OnChanCloseInit implements porttypes.IBCModule: nobody closes a bridge
// channel from this end; prescriptions in flight depend on it. The authority
// retires one with MsgRetireChannel instead.
func (IBCModule) OnChanCloseInit(sdk.Context, string, string) error {
	return errorsmod.Wrap(types.ErrInvalidChannel, "bridge channels cannot be closed")
}

// OnChanCloseConfirm implements porttypes.IBCModule.
// A retired channel is no longer in the bridge's list.
func (im IBCModule) OnChanCloseConfirm(ctx sdk.Context, _, channelID string) error {
	if err := im.keeper.Channels.Remove(ctx, channelID); err != nil && !errors.Is(err, collections.ErrNotFound) {
		return err
	}
	return nil
}

// OnRecvPacket implements porttypes.IBCModule. It never panics on bad input:
// every failure is an error acknowledgement that carries the error's code and
// codespace only, never its text.
func (im IBCModule) OnRecvPacket(ctx sdk.Context, _ string, packet channeltypes.Packet, _ sdk.AccAddress) (ack ibcexported.Acknowledgement) {
	defer func() {
		if r := recover(); r != nil {
			if _, isGas := r.(storetypes.ErrorOutOfGas); isGas {
				panic(r)
			}
			im.keeper.Logger(ctx).Error("bridge: packet handling panicked", "channel", packet.DestinationChannel, "sequence", packet.Sequence)
			ack = channeltypes.NewErrorAcknowledgementWithCodespace(errorsmod.Wrap(types.ErrInvalidPacket, "panic"))
		}
	}()
	result, err := im.keeper.OnRecvPacket(ctx, packet)
	if err != nil {
		codespace, code, _ := errorsmod.ABCIInfo(err, false)
		im.keeper.Logger(ctx).Info("bridge: packet refused", "channel", packet.DestinationChannel, "sequence", packet.Sequence, "codespace", codespace, "code", code)
		return channeltypes.NewErrorAcknowledgementWithCodespace(err)
	}
	return channeltypes.NewResultAcknowledgement(types.EncodeAck(result))
}

// OnAcknowledgementPacket implements porttypes.IBCModule.
func (im IBCModule) OnAcknowledgementPacket(ctx sdk.Context, _ string, packet channeltypes.Packet, acknowledgement []byte, _ sdk.AccAddress) error {
	var ack channeltypes.Acknowledgement
	if err := channeltypes.SubModuleCdc.UnmarshalJSON(acknowledgement, &ack); err != nil {
		return errorsmod.Wrap(types.ErrInvalidAck, "not an ICS-04 acknowledgement")
	}
	if err := ack.ValidateBasic(); err != nil {
		return errorsmod.Wrap(types.ErrInvalidAck, err.Error())
	}
	return im.keeper.OnAcknowledgementPacket(ctx, packet, ack)
}

// OnTimeoutPacket implements porttypes.IBCModule.
func (im IBCModule) OnTimeoutPacket(ctx sdk.Context, _ string, packet channeltypes.Packet, _ sdk.AccAddress) error {
	return im.keeper.OnTimeoutPacket(ctx, packet)
}

// SetICS4Wrapper implements porttypes.IBCModule.
func (im IBCModule) SetICS4Wrapper(w porttypes.ICS4Wrapper) { im.keeper.SetICS4Wrapper(w) }
