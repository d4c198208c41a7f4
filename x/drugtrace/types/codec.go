package types

import (
	"github.com/cosmos/cosmos-sdk/codec"
	"github.com/cosmos/cosmos-sdk/codec/legacy"
	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/msgservice"
)

// RegisterInterfaces registers the module's messages.
func RegisterInterfaces(ir codectypes.InterfaceRegistry) {
	ir.RegisterImplementations((*sdk.Msg)(nil),
		&MsgRegisterProduct{}, &MsgCommission{}, &MsgPack{}, &MsgUnpack{}, &MsgShip{}, &MsgReceive{},
		&MsgRefuseShipment{}, &MsgDispense{}, &MsgDecommission{}, &MsgQuarantine{}, &MsgRelease{},
		&MsgConfirmIllegitimate{}, &MsgRecall{}, &MsgUpdateParams{}, &MsgLockShipmentSettlement{}, &MsgConfirmShipmentSettlement{},
	)
	msgservice.RegisterMsgServiceDesc(ir, &_Msg_serviceDesc)
}

// RegisterLegacyAminoCodec registers the amino names (for amino-JSON signing).
func RegisterLegacyAminoCodec(cdc *codec.LegacyAmino) {
	legacy.RegisterAminoMsg(cdc, &MsgRegisterProduct{}, "healthd/trace/MsgRegisterProduct")
	legacy.RegisterAminoMsg(cdc, &MsgCommission{}, "healthd/trace/MsgCommission")
	legacy.RegisterAminoMsg(cdc, &MsgPack{}, "healthd/trace/MsgPack")
	legacy.RegisterAminoMsg(cdc, &MsgUnpack{}, "healthd/trace/MsgUnpack")
	legacy.RegisterAminoMsg(cdc, &MsgShip{}, "healthd/trace/MsgShip")
	legacy.RegisterAminoMsg(cdc, &MsgReceive{}, "healthd/trace/MsgReceive")
	legacy.RegisterAminoMsg(cdc, &MsgRefuseShipment{}, "healthd/trace/MsgRefuseShipment")
	legacy.RegisterAminoMsg(cdc, &MsgDispense{}, "healthd/trace/MsgDispense")
	legacy.RegisterAminoMsg(cdc, &MsgDecommission{}, "healthd/trace/MsgDecommission")
	legacy.RegisterAminoMsg(cdc, &MsgQuarantine{}, "healthd/trace/MsgQuarantine")
	legacy.RegisterAminoMsg(cdc, &MsgRelease{}, "healthd/trace/MsgRelease")
	legacy.RegisterAminoMsg(cdc, &MsgConfirmIllegitimate{}, "healthd/trace/MsgConfirmIllegitimate")
	legacy.RegisterAminoMsg(cdc, &MsgRecall{}, "healthd/trace/MsgRecall")
	legacy.RegisterAminoMsg(cdc, &MsgUpdateParams{}, "healthd/trace/MsgUpdateParams")
	legacy.RegisterAminoMsg(cdc, &MsgLockShipmentSettlement{}, "healthd/trace/MsgLockShipmentSettlement")
	legacy.RegisterAminoMsg(cdc, &MsgConfirmShipmentSettlement{}, "healthd/trace/MsgConfirmSettlement")
}
