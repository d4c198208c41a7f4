// Package claims is insurance claims: plans, coverage, prior authorisation,
// deterministic adjudication with CARC reason codes, payer review and appeal,
// and payment from payer escrow through x/bank.
package claims

import (
	"context"
	"encoding/json"
	"fmt"

	gwruntime "github.com/grpc-ecosystem/grpc-gateway/runtime"
	"github.com/spf13/cobra"

	"cosmossdk.io/core/address"
	"cosmossdk.io/core/appmodule"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/codec"
	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/module"

	"github.com/healthchain/healthd/x/claims/client/cli"
	"github.com/healthchain/healthd/x/claims/keeper"
	"github.com/healthchain/healthd/x/claims/types"
)

// ConsensusVersion is the module's state version: 2 added the hash-time-locked
// settlement (its params, settlements and hashlocks; Migrate1to2).
const ConsensusVersion = 2

var (
	_ module.HasGenesis   = AppModule{}
	_ module.HasServices  = AppModule{}
	_ module.AppModule    = AppModule{} //nolint:staticcheck // the module manager still takes it
	_ appmodule.AppModule = AppModule{}
)

// AppModule is the claims module.
type AppModule struct {
	keeper       keeper.Keeper
	addressCodec address.Codec
}

// NewAppModule returns the claims module.
func NewAppModule(k keeper.Keeper) AppModule {
	return AppModule{keeper: k, addressCodec: k.AddressCodec()}
}

// IsOnePerModuleType implements depinject.OnePerModuleType.
func (AppModule) IsOnePerModuleType() {}

// IsAppModule implements appmodule.AppModule.
func (AppModule) IsAppModule() {}

// Name returns the module name.
func (AppModule) Name() string { return types.ModuleName }

// RegisterGRPCGatewayRoutes registers the REST routes of the queries.
func (AppModule) RegisterGRPCGatewayRoutes(clientCtx client.Context, mux *gwruntime.ServeMux) {
	if err := types.RegisterQueryHandlerClient(context.Background(), mux, types.NewQueryClient(clientCtx)); err != nil {
		panic(err)
	}
}

// RegisterInterfaces registers the module's messages.
func (AppModule) RegisterInterfaces(ir codectypes.InterfaceRegistry) { types.RegisterInterfaces(ir) }

// RegisterLegacyAminoCodec registers the amino names of the messages.
func (AppModule) RegisterLegacyAminoCodec(cdc *codec.LegacyAmino) {
	types.RegisterLegacyAminoCodec(cdc)
}

// RegisterServices registers the Msg and Query services.
func (am AppModule) RegisterServices(cfg module.Configurator) {
	types.RegisterMsgServer(cfg.MsgServer(), keeper.NewMsgServerImpl(am.keeper))
	types.RegisterQueryServer(cfg.QueryServer(), keeper.NewQueryServerImpl(am.keeper))
	if err := cfg.RegisterMigration(types.ModuleName, 1, keeper.NewMigrator(am.keeper).Migrate1to2); err != nil {
		panic(fmt.Errorf("claims: register migration 1 to 2: %w", err))
	}
}

// DefaultGenesis returns the default params and no plans or claims.
func (AppModule) DefaultGenesis(cdc codec.JSONCodec) json.RawMessage {
	return cdc.MustMarshalJSON(types.DefaultGenesisState())
}

// ValidateGenesis checks the genesis state.
func (am AppModule) ValidateGenesis(cdc codec.JSONCodec, _ client.TxEncodingConfig, bz json.RawMessage) error {
	var gs types.GenesisState
	if err := cdc.UnmarshalJSON(bz, &gs); err != nil {
		return fmt.Errorf("failed to unmarshal %s genesis state: %w", types.ModuleName, err)
	}
	return gs.Validate(am.addressCodec)
}

// InitGenesis stores the genesis state.
func (am AppModule) InitGenesis(ctx sdk.Context, cdc codec.JSONCodec, bz json.RawMessage) {
	var gs types.GenesisState
	cdc.MustUnmarshalJSON(bz, &gs)
	if err := am.keeper.InitGenesis(ctx, &gs); err != nil {
		panic(fmt.Errorf("claims genesis: %w", err))
	}
}

// ExportGenesis exports the whole state.
func (am AppModule) ExportGenesis(ctx sdk.Context, cdc codec.JSONCodec) json.RawMessage {
	gs, err := am.keeper.ExportGenesis(ctx)
	if err != nil {
		panic(fmt.Errorf("claims export: %w", err))
	}
	return cdc.MustMarshalJSON(gs)
}

// ConsensusVersion implements module.HasConsensusVersion.
func (AppModule) ConsensusVersion() uint64 { return ConsensusVersion }

// GetTxCmd returns `healthd tx claims` with the file-based commands; autocli adds the rest.
func (AppModule) GetTxCmd() *cobra.Command { return cli.TxCmd() }

// GetQueryCmd returns `healthd q claims` with the FHIR exports; autocli adds the rest.
func (AppModule) GetQueryCmd() *cobra.Command { return cli.QueryCmd() }
