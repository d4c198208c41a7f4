package keeper

import (
	"context"
	"errors"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/healthchain/healthd/x/bridge/types"
)

// countDispense records one unit dispensed against p, closing it at the last.
// Both chains count: the pharma chain when it dispenses, the hospital chain
// when the confirmation arrives.
func (k *Keeper) countDispense(ctx context.Context, p *types.Prescription) error {
	p.Dispensed++
	if p.Remaining() == 0 {
		return k.setStatus(ctx, p, types.PrescriptionStatus_PRESCRIPTION_STATUS_CLOSED)
	}
	return k.Prescriptions.Set(ctx, p.ID, *p)
}

// setStatus moves p to a status its transition table allows, stores it and
// emits the change.
func (k *Keeper) setStatus(ctx context.Context, p *types.Prescription, to types.PrescriptionStatus) error {
	from := p.Status
	if !types.CanTransitionPrescription(from, to) {
		return errorsmod.Wrapf(types.ErrPrescriptionStatus, "prescription %d cannot go from %s to %s", p.ID, from, to)
	}
	p.Status = to
	if err := k.Prescriptions.Set(ctx, p.ID, *p); err != nil {
		return err
	}
	return sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventPrescriptionStatus{ID: p.ID, From: from, To: to})
}

// counterpartyOfChannel is the chain an open bridge channel leads to.
func (k *Keeper) counterpartyOfChannel(ctx context.Context, channelID string) (string, error) {
	bc, err := k.Channels.Get(ctx, channelID)
	if errors.Is(err, collections.ErrNotFound) {
		return "", errorsmod.Wrapf(types.ErrInvalidChannel, "%q is not an open bridge channel", channelID)
	}
	return bc.CounterpartyChainID, err
}

// channelTo is the open bridge channel to a counterparty chain: what
// prescriptions, confirmations and notices tied to that chain travel on, so
// that retiring a channel and opening its successor re-routes them.
func (k *Keeper) channelTo(ctx context.Context, chainID string) (string, error) {
	ch, err := k.Channels.Indexes.Counterparty.MatchExact(ctx, chainID)
	if errors.Is(err, collections.ErrNotFound) {
		return "", errorsmod.Wrapf(types.ErrInvalidChannel, "no open bridge channel to %q", chainID)
	}
	return ch, err
}
