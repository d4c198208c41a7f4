package keeper

import (
	"context"

	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/healthchain/healthd/x/drugtrace/types"
)

// The Msg service only parses a message's addresses, asks x/consortium for
// the roles types.RolesTo names, and calls the keeper, where the rules are:
// products.go, aggregation.go, shipping.go, dispense.go and holds.go.

type msgServer struct {
	Keeper
}

var _ types.MsgServer = msgServer{}

// NewMsgServerImpl returns the drugtrace Msg service.
func NewMsgServerImpl(k Keeper) types.MsgServer { return msgServer{Keeper: k} }

// member parses the address in field and checks that it may do act: an
// active consortium member holding one of types.RolesTo(act).
func (ms msgServer) member(ctx context.Context, field, addr string, act types.Action) (sdk.AccAddress, error) {
	acc, err := ms.parseAddress(field, addr)
	if err != nil {
		return nil, err
	}
	if err := ms.consortium.RequireRole(ctx, acc, types.RolesTo(act)...); err != nil {
		return nil, err
	}
	return acc, nil
}

// RegisterProduct implements types.MsgServer.
func (ms msgServer) RegisterProduct(ctx context.Context, msg *types.MsgRegisterProduct) (*types.MsgRegisterProductResponse, error) {
	mfr, err := ms.member(ctx, "manufacturer", msg.Manufacturer, types.ActionRegisterProduct)
	if err != nil {
		return nil, err
	}
	return &types.MsgRegisterProductResponse{}, ms.registerProduct(ctx, mfr, msg)
}

// Commission implements types.MsgServer.
func (ms msgServer) Commission(ctx context.Context, msg *types.MsgCommission) (*types.MsgCommissionResponse, error) {
	mfr, err := ms.member(ctx, "manufacturer", msg.Manufacturer, types.ActionCommission)
	if err != nil {
		return nil, err
	}
	n, err := ms.commission(ctx, mfr, msg)
	if err != nil {
		return nil, err
	}
	return &types.MsgCommissionResponse{Commissioned: n}, nil
}

// Pack implements types.MsgServer.
func (ms msgServer) Pack(ctx context.Context, msg *types.MsgPack) (*types.MsgPackResponse, error) {
	actor, err := ms.member(ctx, "actor", msg.Actor, types.ActionPack)
	if err != nil {
		return nil, err
	}
	return &types.MsgPackResponse{}, ms.pack(ctx, ms.addrString(actor), msg)
}

// Unpack implements types.MsgServer.
func (ms msgServer) Unpack(ctx context.Context, msg *types.MsgUnpack) (*types.MsgUnpackResponse, error) {
	actor, err := ms.member(ctx, "actor", msg.Actor, types.ActionPack)
	if err != nil {
		return nil, err
	}
	return &types.MsgUnpackResponse{}, ms.unpack(ctx, ms.addrString(actor), msg)
}

// Ship implements types.MsgServer. Naming a unit someone else holds refuses
// the shipment and raises an alert, in a successful transaction (Refused).
func (ms msgServer) Ship(ctx context.Context, msg *types.MsgShip) (*types.MsgShipResponse, error) {
	actor, err := ms.member(ctx, "actor", msg.Actor, types.ActionShip)
	if err != nil {
		return nil, err
	}
	to, err := ms.parseAddress("to", msg.To)
	if err != nil {
		return nil, err
	}
	if to.Equals(actor) {
		return nil, errorsmod.Wrap(types.ErrInvalidRecipient, "shipping to oneself")
	}
	if err := ms.consortium.RequireRole(ctx, to, types.RolesTo(types.ActionReceive)...); err != nil {
		return nil, errorsmod.Wrapf(types.ErrInvalidRecipient, "%s", err)
	}
	id, alertID, err := ms.ship(ctx, ms.addrString(actor), ms.addrString(to), msg)
	if err != nil {
		return nil, err
	}
	return &types.MsgShipResponse{ShipmentID: id, Refused: alertID != 0, AlertID: alertID}, nil
}

// Receive implements types.MsgServer.
func (ms msgServer) Receive(ctx context.Context, msg *types.MsgReceive) (*types.MsgReceiveResponse, error) {
	actor, err := ms.member(ctx, "actor", msg.Actor, types.ActionReceive)
	if err != nil {
		return nil, err
	}
	n, err := ms.receive(ctx, ms.addrString(actor), msg.ShipmentID, msg.SettlementPreimage)
	if err != nil {
		return nil, err
	}
	return &types.MsgReceiveResponse{Units: uint32(n)}, nil
}

// RefuseShipment implements types.MsgServer.
func (ms msgServer) RefuseShipment(ctx context.Context, msg *types.MsgRefuseShipment) (*types.MsgRefuseShipmentResponse, error) {
	actor, err := ms.member(ctx, "actor", msg.Actor, types.ActionReceive)
	if err != nil {
		return nil, err
	}
	return &types.MsgRefuseShipmentResponse{}, ms.refuse(ctx, ms.addrString(actor), msg.ShipmentID)
}

// Dispense implements types.MsgServer. A second dispense of a unit is
// refused with an alert, in a successful transaction (Refused).
func (ms msgServer) Dispense(ctx context.Context, msg *types.MsgDispense) (*types.MsgDispenseResponse, error) {
	pharmacy, err := ms.member(ctx, "actor", msg.Actor, types.ActionDispense)
	if err != nil {
		return nil, err
	}
	patient, err := ms.parseAddress("patient reference", msg.PatientRef)
	if err != nil {
		return nil, errorsmod.Wrap(types.ErrInvalidReference, "patient reference must be the patient's (pseudonymous) account address")
	}
	alertID, err := ms.dispense(ctx, pharmacy, ms.addrString(patient), msg)
	if err != nil {
		return nil, err
	}
	return &types.MsgDispenseResponse{Refused: alertID != 0, AlertID: alertID}, nil
}

// Decommission implements types.MsgServer.
func (ms msgServer) Decommission(ctx context.Context, msg *types.MsgDecommission) (*types.MsgDecommissionResponse, error) {
	actor, err := ms.parseAddress("actor", msg.Actor)
	if err != nil {
		return nil, err
	}
	disposition, ok := types.DecommissionDisposition(msg.Reason)
	if !ok {
		return nil, errorsmod.Wrapf(types.ErrInvalidStatus, "decommission reason %d", int32(msg.Reason))
	}
	if err := ms.consortium.RequireRole(ctx, actor, types.RolesTo(types.ActionDecommission)...); err != nil {
		return nil, err
	}
	return &types.MsgDecommissionResponse{}, ms.decommission(ctx, ms.addrString(actor), msg.Unit, msg.Reason, disposition)
}

// Quarantine implements types.MsgServer: the custodian or a regulator holds a
// unit; a regulator or the manufacturer holds a whole lot with one write.
func (ms msgServer) Quarantine(ctx context.Context, msg *types.MsgQuarantine) (*types.MsgQuarantineResponse, error) {
	actor, err := ms.member(ctx, "actor", msg.Actor, types.ActionQuarantine)
	if err != nil {
		return nil, err
	}
	isUnit, err := types.Target(msg.Unit, msg.GTIN, msg.Lot)
	if err != nil {
		return nil, err
	}
	if isUnit {
		return &types.MsgQuarantineResponse{}, ms.quarantineUnit(ctx, actor, msg.Unit)
	}
	return &types.MsgQuarantineResponse{}, ms.quarantineLot(ctx, actor, msg.GTIN, msg.Lot)
}

// Release implements types.MsgServer.
func (ms msgServer) Release(ctx context.Context, msg *types.MsgRelease) (*types.MsgReleaseResponse, error) {
	actor, err := ms.member(ctx, "actor", msg.Actor, types.ActionRelease)
	if err != nil {
		return nil, err
	}
	isUnit, err := types.Target(msg.Unit, msg.GTIN, msg.Lot)
	if err != nil {
		return nil, err
	}
	if isUnit {
		return &types.MsgReleaseResponse{}, ms.releaseUnit(ctx, actor, msg.Unit)
	}
	return &types.MsgReleaseResponse{}, ms.releaseLot(ctx, actor, msg.GTIN, msg.Lot)
}

// ConfirmIllegitimate implements types.MsgServer.
func (ms msgServer) ConfirmIllegitimate(ctx context.Context, msg *types.MsgConfirmIllegitimate) (*types.MsgConfirmIllegitimateResponse, error) {
	actor, err := ms.member(ctx, "actor", msg.Actor, types.ActionConfirmIllegitimate)
	if err != nil {
		return nil, err
	}
	return &types.MsgConfirmIllegitimateResponse{}, ms.confirmIllegitimate(ctx, actor, msg.Unit)
}

// Recall implements types.MsgServer: one write blocks every unit of the lot.
func (ms msgServer) Recall(ctx context.Context, msg *types.MsgRecall) (*types.MsgRecallResponse, error) {
	actor, err := ms.member(ctx, "actor", msg.Actor, types.ActionRecall)
	if err != nil {
		return nil, err
	}
	return &types.MsgRecallResponse{}, ms.recall(ctx, actor, msg)
}

// UpdateParams implements types.MsgServer.
func (ms msgServer) UpdateParams(ctx context.Context, msg *types.MsgUpdateParams) (*types.MsgUpdateParamsResponse, error) {
	if err := sdk.ValidateAuthority(sdk.UnwrapSDKContext(ctx), ms.authority, msg.Authority); err != nil {
		return nil, err
	}
	if err := msg.Params.Validate(); err != nil {
		return nil, err
	}
	if err := ms.Params.Set(ctx, msg.Params); err != nil {
		return nil, err
	}
	return &types.MsgUpdateParamsResponse{}, sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventParamsUpdated{Params: msg.Params})
}
