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
		&MsgCreatePlan{}, &MsgUpdatePlan{}, &MsgEnroll{}, &MsgEndCoverage{}, &MsgGrantPriorAuth{}, &MsgFundEscrow{},
		&MsgSubmitClaim{}, &MsgReviewClaim{}, &MsgAppealClaim{}, &MsgWithdrawClaim{}, &MsgUpdateParams{},
		&MsgCancelClaim{}, &MsgWithdrawEscrow{}, &MsgLockClaimSettlement{}, &MsgConfirmClaimSettlement{},
	)
	msgservice.RegisterMsgServiceDesc(ir, &_Msg_serviceDesc)
}

// RegisterLegacyAminoCodec registers the amino names (for amino-JSON signing).
func RegisterLegacyAminoCodec(cdc *codec.LegacyAmino) {
	for name, msg := range map[string]sdk.Msg{
		"healthd/claims/MsgCreatePlan": &MsgCreatePlan{}, "healthd/claims/MsgUpdatePlan": &MsgUpdatePlan{},
		"healthd/claims/MsgEnroll": &MsgEnroll{}, "healthd/claims/MsgEndCoverage": &MsgEndCoverage{},
		"healthd/claims/MsgGrantPriorAuth": &MsgGrantPriorAuth{}, "healthd/claims/MsgFundEscrow": &MsgFundEscrow{},
		"healthd/claims/MsgSubmitClaim": &MsgSubmitClaim{}, "healthd/claims/MsgReviewClaim": &MsgReviewClaim{},
		"healthd/claims/MsgAppealClaim": &MsgAppealClaim{}, "healthd/claims/MsgWithdrawClaim": &MsgWithdrawClaim{},
		"healthd/claims/MsgUpdateParams": &MsgUpdateParams{},
		"healthd/claims/MsgCancelClaim":  &MsgCancelClaim{}, "healthd/claims/MsgWithdrawEscrow": &MsgWithdrawEscrow{},
		"healthd/claims/MsgLockClaimSettlement": &MsgLockClaimSettlement{},
		"healthd/claims/MsgConfirmSettlement":   &MsgConfirmClaimSettlement{},
	} {
		legacy.RegisterAminoMsg(cdc, msg, name)
	}
}
