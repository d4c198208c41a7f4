package app

import (
	"errors"

	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/x/auth/ante"

	ibcante "github.com/cosmos/ibc-go/v11/modules/core/ante"
	ibckeeper "github.com/cosmos/ibc-go/v11/modules/core/keeper"

	consortiumante "github.com/healthchain/healthd/x/consortium/ante"
)

// HandlerOptions are what the healthd ante handler needs.
type HandlerOptions struct {
	ante.HandlerOptions
	IBCKeeper  *ibckeeper.Keeper
	Membership consortiumante.MembershipChecker
}

// NewAnteHandler is the SDK's standard chain plus the consortium's staking gate,
// which refuses validator and delegation messages from non-members before any
// message runs.
func NewAnteHandler(o HandlerOptions) (sdk.AnteHandler, error) {
	switch {
	case o.AccountKeeper == nil:
		return nil, errors.New("ante: account keeper is required")
	case o.BankKeeper == nil:
		return nil, errors.New("ante: bank keeper is required")
	case o.SignModeHandler == nil:
		return nil, errors.New("ante: sign mode handler is required")
	case o.IBCKeeper == nil:
		return nil, errors.New("ante: IBC keeper is required")
	case o.Membership == nil:
		return nil, errors.New("ante: consortium keeper is required")
	}
	return sdk.ChainAnteDecorators(
		ante.NewSetUpContextDecorator(),
		ante.NewExtensionOptionsDecorator(o.ExtensionOptionChecker),
		ante.NewValidateBasicDecorator(),
		// Refuse non-member staking before fees are taken or signatures checked.
		consortiumante.NewStakingGateDecorator(o.Membership, sdk.GetConfig().GetBech32AccountAddrPrefix(), sdk.GetConfig().GetBech32ValidatorAddrPrefix()),
		ante.NewTxTimeoutHeightDecorator(),
		ante.NewValidateMemoDecorator(o.AccountKeeper),
		ante.NewConsumeGasForTxSizeDecorator(o.AccountKeeper),
		ante.NewDeductFeeDecorator(o.AccountKeeper, o.BankKeeper, o.FeegrantKeeper, o.TxFeeChecker),
		ante.NewSetPubKeyDecorator(o.AccountKeeper),
		ante.NewValidateSigCountDecorator(o.AccountKeeper),
		ante.NewSigGasConsumeDecorator(o.AccountKeeper, o.SigGasConsumer),
		ante.NewSigVerificationDecorator(o.AccountKeeper, o.SignModeHandler, o.SigVerifyOptions...),
		ante.NewIncrementSequenceDecorator(o.AccountKeeper),
		ibcante.NewRedundantRelayDecorator(o.IBCKeeper),
	), nil
}
