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
		&MsgGrantConsent{}, &MsgAmendConsent{}, &MsgRevokeConsent{}, &MsgRevokeAllForGrantee{},
		&MsgAppointGuardian{}, &MsgRemoveGuardian{}, &MsgBreakGlass{}, &MsgUpdateParams{},
	)
	msgservice.RegisterMsgServiceDesc(ir, &_Msg_serviceDesc)
}

// RegisterLegacyAminoCodec registers the amino names (for amino-JSON signing).
func RegisterLegacyAminoCodec(cdc *codec.LegacyAmino) {
	legacy.RegisterAminoMsg(cdc, &MsgGrantConsent{}, "healthd/consent/MsgGrantConsent")
	legacy.RegisterAminoMsg(cdc, &MsgAmendConsent{}, "healthd/consent/MsgAmendConsent")
	legacy.RegisterAminoMsg(cdc, &MsgRevokeConsent{}, "healthd/consent/MsgRevokeConsent")
	legacy.RegisterAminoMsg(cdc, &MsgRevokeAllForGrantee{}, "healthd/consent/MsgRevokeAllForGrantee")
	legacy.RegisterAminoMsg(cdc, &MsgAppointGuardian{}, "healthd/consent/MsgAppointGuardian")
	legacy.RegisterAminoMsg(cdc, &MsgRemoveGuardian{}, "healthd/consent/MsgRemoveGuardian")
	legacy.RegisterAminoMsg(cdc, &MsgBreakGlass{}, "healthd/consent/MsgBreakGlass")
	legacy.RegisterAminoMsg(cdc, &MsgUpdateParams{}, "healthd/consent/MsgUpdateParams")
}
