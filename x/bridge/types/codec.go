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
		&MsgSendPrescription{}, &MsgResendPrescription{}, &MsgRequestVerification{}, &MsgResendNotice{}, &MsgUpdateParams{},
		&MsgTrustCounterparty{}, &MsgRetireChannel{},
	)
	msgservice.RegisterMsgServiceDesc(ir, &_Msg_serviceDesc)
}

// RegisterLegacyAminoCodec registers the amino names (for amino-JSON signing).
func RegisterLegacyAminoCodec(cdc *codec.LegacyAmino) {
	legacy.RegisterAminoMsg(cdc, &MsgSendPrescription{}, "healthd/bridge/MsgSendPrescription")
	legacy.RegisterAminoMsg(cdc, &MsgResendPrescription{}, "healthd/bridge/MsgResendPrescription")
	legacy.RegisterAminoMsg(cdc, &MsgRequestVerification{}, "healthd/bridge/MsgRequestVerification")
	legacy.RegisterAminoMsg(cdc, &MsgResendNotice{}, "healthd/bridge/MsgResendNotice")
	legacy.RegisterAminoMsg(cdc, &MsgUpdateParams{}, "healthd/bridge/MsgUpdateParams")
	legacy.RegisterAminoMsg(cdc, &MsgTrustCounterparty{}, "healthd/bridge/MsgTrustCounterparty")
	legacy.RegisterAminoMsg(cdc, &MsgRetireChannel{}, "healthd/bridge/MsgRetireChannel")
}
