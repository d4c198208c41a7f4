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
		&MsgRegisterTrial{}, &MsgAmendProtocol{}, &MsgApproveVersion{}, &MsgRejectVersion{},
		&MsgConsentToVersion{}, &MsgEnrolSubject{}, &MsgWithdraw{}, &MsgRecordData{}, &MsgAmendData{},
		&MsgReportSAE{}, &MsgSubmitSAEReport{}, &MsgLockDatabase{}, &MsgReportResults{}, &MsgUpdateParams{}, &MsgReleaseRegistryID{},
	)
	msgservice.RegisterMsgServiceDesc(ir, &_Msg_serviceDesc)
}

// RegisterLegacyAminoCodec registers the amino names (for amino-JSON signing).
func RegisterLegacyAminoCodec(cdc *codec.LegacyAmino) {
	legacy.RegisterAminoMsg(cdc, &MsgRegisterTrial{}, "healthd/trials/MsgRegisterTrial")
	legacy.RegisterAminoMsg(cdc, &MsgAmendProtocol{}, "healthd/trials/MsgAmendProtocol")
	legacy.RegisterAminoMsg(cdc, &MsgApproveVersion{}, "healthd/trials/MsgApproveVersion")
	legacy.RegisterAminoMsg(cdc, &MsgRejectVersion{}, "healthd/trials/MsgRejectVersion")
	legacy.RegisterAminoMsg(cdc, &MsgConsentToVersion{}, "healthd/trials/MsgConsentToVersion")
	legacy.RegisterAminoMsg(cdc, &MsgEnrolSubject{}, "healthd/trials/MsgEnrolSubject")
	legacy.RegisterAminoMsg(cdc, &MsgWithdraw{}, "healthd/trials/MsgWithdraw")
	legacy.RegisterAminoMsg(cdc, &MsgRecordData{}, "healthd/trials/MsgRecordData")
	legacy.RegisterAminoMsg(cdc, &MsgAmendData{}, "healthd/trials/MsgAmendData")
	legacy.RegisterAminoMsg(cdc, &MsgReportSAE{}, "healthd/trials/MsgReportSAE")
	legacy.RegisterAminoMsg(cdc, &MsgSubmitSAEReport{}, "healthd/trials/MsgSubmitSAEReport")
	legacy.RegisterAminoMsg(cdc, &MsgLockDatabase{}, "healthd/trials/MsgLockDatabase")
	legacy.RegisterAminoMsg(cdc, &MsgReportResults{}, "healthd/trials/MsgReportResults")
	legacy.RegisterAminoMsg(cdc, &MsgUpdateParams{}, "healthd/trials/MsgUpdateParams")
	legacy.RegisterAminoMsg(cdc, &MsgReleaseRegistryID{}, "healthd/trials/MsgReleaseRegistryID")
}
