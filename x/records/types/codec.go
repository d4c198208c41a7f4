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
		&MsgRegisterEncryptionKey{}, &MsgAnchorRecord{}, &MsgAmendRecord{}, &MsgRequestAccess{}, &MsgEraseRecord{}, &MsgUpdateParams{},
	)
	msgservice.RegisterMsgServiceDesc(ir, &_Msg_serviceDesc)
}

// RegisterLegacyAminoCodec registers the amino names (for amino-JSON signing).
func RegisterLegacyAminoCodec(cdc *codec.LegacyAmino) {
	legacy.RegisterAminoMsg(cdc, &MsgRegisterEncryptionKey{}, "healthd/rec/MsgRegisterEncryptionKey")
	legacy.RegisterAminoMsg(cdc, &MsgAnchorRecord{}, "healthd/rec/MsgAnchorRecord")
	legacy.RegisterAminoMsg(cdc, &MsgAmendRecord{}, "healthd/rec/MsgAmendRecord")
	legacy.RegisterAminoMsg(cdc, &MsgRequestAccess{}, "healthd/rec/MsgRequestAccess")
	legacy.RegisterAminoMsg(cdc, &MsgEraseRecord{}, "healthd/rec/MsgEraseRecord")
	legacy.RegisterAminoMsg(cdc, &MsgUpdateParams{}, "healthd/rec/MsgUpdateParams")
}
