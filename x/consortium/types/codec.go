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
		&MsgAdmitMember{},
		&MsgUpdateRoles{},
		&MsgUpdateIdentifiers{},
		&MsgSuspendMember{},
		&MsgReinstateMember{},
		&MsgRegisterNode{},
		&MsgRemoveNode{},
		&MsgUpdateParams{},
	)
	msgservice.RegisterMsgServiceDesc(ir, &_Msg_serviceDesc)
}

// RegisterLegacyAminoCodec registers the amino names used by SIGN_MODE_LEGACY_AMINO_JSON,
// which multisig authorities sign with.
func RegisterLegacyAminoCodec(cdc *codec.LegacyAmino) {
	legacy.RegisterAminoMsg(cdc, &MsgAdmitMember{}, "healthd/consortium/MsgAdmitMember")
	legacy.RegisterAminoMsg(cdc, &MsgUpdateRoles{}, "healthd/consortium/MsgUpdateRoles")
	legacy.RegisterAminoMsg(cdc, &MsgUpdateIdentifiers{}, "healthd/consortium/MsgUpdateIdentifiers")
	legacy.RegisterAminoMsg(cdc, &MsgSuspendMember{}, "healthd/consortium/MsgSuspendMember")
	legacy.RegisterAminoMsg(cdc, &MsgReinstateMember{}, "healthd/consortium/MsgReinstateMember")
	legacy.RegisterAminoMsg(cdc, &MsgRegisterNode{}, "healthd/consortium/MsgRegisterNode")
	legacy.RegisterAminoMsg(cdc, &MsgRemoveNode{}, "healthd/consortium/MsgRemoveNode")
	legacy.RegisterAminoMsg(cdc, &MsgUpdateParams{}, "healthd/consortium/MsgUpdateParams")
}
