package types

import (
	"github.com/cosmos/cosmos-sdk/codec"
	"github.com/cosmos/cosmos-sdk/codec/legacy"
	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/msgservice"
)

// allMsgs lists every message with its amino name.
var allMsgs = []struct {
	msg  sdk.Msg
	name string
}{
	{&MsgSetStaff{}, "healthd/organs/MsgSetStaff"},
	{&MsgRegisterLogger{}, "healthd/organs/MsgRegisterLogger"},
	{&MsgOpenCase{}, "healthd/organs/MsgOpenCase"},
	{&MsgRecordABO{}, "healthd/organs/MsgRecordABO"},
	{&MsgConfirmABO{}, "healthd/organs/MsgConfirmABO"},
	{&MsgRecoverOrgan{}, "healthd/organs/MsgRecoverOrgan"},
	{&MsgPostMatchRun{}, "healthd/organs/MsgPostMatchRun"},
	{&MsgOffer{}, "healthd/organs/MsgOffer"},
	{&MsgRespondOffer{}, "healthd/organs/MsgRespondOffer"},
	{&MsgSkipCandidate{}, "healthd/organs/MsgSkipCandidate"},
	{&MsgHandOff{}, "healthd/organs/MsgHandOff"},
	{&MsgAcceptHandOff{}, "healthd/organs/MsgAcceptHandOff"},
	{&MsgCancelHandOff{}, "healthd/organs/MsgCancelHandOff"},
	{&MsgPostReadings{}, "healthd/organs/MsgPostReadings"},
	{&MsgTransplant{}, "healthd/organs/MsgTransplant"},
	{&MsgDiscard{}, "healthd/organs/MsgDiscard"},
	{&MsgUpdateParams{}, "healthd/organs/MsgUpdateParams"},
}

// RegisterInterfaces registers the module's messages.
func RegisterInterfaces(ir codectypes.InterfaceRegistry) {
	for _, m := range allMsgs {
		ir.RegisterImplementations((*sdk.Msg)(nil), m.msg)
	}
	msgservice.RegisterMsgServiceDesc(ir, &_Msg_serviceDesc)
}

// RegisterLegacyAminoCodec registers the amino names (for amino-JSON signing).
func RegisterLegacyAminoCodec(cdc *codec.LegacyAmino) {
	for _, m := range allMsgs {
		legacy.RegisterAminoMsg(cdc, m.msg, m.name)
	}
}
