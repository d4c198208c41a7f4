package cmd

import (
	"errors"

	"github.com/spf13/cobra"
	"github.com/spf13/viper"

	"cosmossdk.io/log/v2"
	dbm "github.com/cosmos/cosmos-db"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/client/debug"
	"github.com/cosmos/cosmos-sdk/client/keys"
	"github.com/cosmos/cosmos-sdk/client/pruning"
	"github.com/cosmos/cosmos-sdk/client/rpc"
	"github.com/cosmos/cosmos-sdk/client/snapshot"
	"github.com/cosmos/cosmos-sdk/server"
	servertypes "github.com/cosmos/cosmos-sdk/server/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
	authcmd "github.com/cosmos/cosmos-sdk/x/auth/client/cli"
	genutilcli "github.com/cosmos/cosmos-sdk/x/genutil/client/cli"

	"github.com/healthchain/healthd/app"
	"github.com/healthchain/healthd/vault"
	recordscli "github.com/healthchain/healthd/x/records/client/cli"
)

func initRootCmd(rootCmd *cobra.Command, a *app.App) {
	sdk.GetConfig().Seal()

	rootCmd.AddCommand(
		genutilcli.InitCmd(a.BasicModuleManager, app.DefaultNodeHome),
		debug.Cmd(),
		ConfigCmd(),
		pruning.Cmd(newApp, app.DefaultNodeHome),
		snapshot.Cmd(newApp),
	)

	server.AddCommands(rootCmd, app.DefaultNodeHome, newApp, appExport, func(*cobra.Command) {})

	rootCmd.AddCommand(
		server.StatusCommand(),
		genesisCommand(a),
		queryCommand(),
		txCommand(),
		keys.Commands(),
		recordscli.Cmd(),
		vault.Cmd(app.DefaultNodeHome),
	)
}

// genesisCommand is `healthd genesis`: the SDK's genesis commands plus
// add-member, set-authority and set-bridge, which write the consortium's
// founders, authority and bridge role into genesis.json.
func genesisCommand(a *app.App) *cobra.Command {
	cmd := genutilcli.Commands(a.TxConfig(), a.BasicModuleManager, app.DefaultNodeHome)
	cmd.AddCommand(AddGenesisMemberCmd(a.AppCodec()), SetGenesisAuthorityCmd(), SetGenesisBridgeCmd(a.AppCodec()))
	return cmd
}

func queryCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:                        "query",
		Aliases:                    []string{"q"},
		Short:                      "Query the chain: one subcommand per module (healthd q consortium --help)",
		DisableFlagParsing:         false,
		SuggestionsMinimumDistance: 2,
		RunE:                       client.ValidateCmd,
	}
	cmd.AddCommand(
		rpc.WaitTxCmd(),
		rpc.ValidatorCommand(),
		server.QueryBlockCmd(),
		server.QueryBlocksCmd(),
		server.QueryBlockResultsCmd(),
		authcmd.QueryTxsByEventsCmd(),
		authcmd.QueryTxCmd(),
	)
	return cmd
}

func txCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:                        "tx",
		Short:                      "Build, sign and broadcast transactions: one subcommand per module (healthd tx consortium --help)",
		DisableFlagParsing:         false,
		SuggestionsMinimumDistance: 2,
		RunE:                       client.ValidateCmd,
	}
	cmd.AddCommand(
		authcmd.GetSignCommand(),
		authcmd.GetSignBatchCommand(),
		authcmd.GetMultiSignCommand(),
		authcmd.GetMultiSignBatchCmd(),
		authcmd.GetValidateSignaturesCommand(),
		authcmd.GetBroadcastCommand(),
		authcmd.GetEncodeCommand(),
		authcmd.GetDecodeCommand(),
		authcmd.GetSimulateCmd(),
	)
	return cmd
}

// newApp builds the application for `start` and the other node commands.
func newApp(logger log.Logger, db dbm.DB, appOpts servertypes.AppOptions) servertypes.Application {
	return app.New(logger, db, true, appOpts, server.DefaultBaseappOptions(appOpts)...)
}

// appExport builds the application at a height and exports its state.
func appExport(
	logger log.Logger, db dbm.DB, height int64, forZeroHeight bool, jailAllowedAddrs []string,
	appOpts servertypes.AppOptions, modulesToExport []string,
) (servertypes.ExportedApp, error) {
	v, ok := appOpts.(*viper.Viper)
	if !ok {
		return servertypes.ExportedApp{}, errors.New("export: app options are not a viper instance")
	}
	a := app.New(logger, db, height == -1, v)
	if height != -1 {
		if err := a.LoadHeight(height); err != nil {
			return servertypes.ExportedApp{}, err
		}
	}
	return a.ExportAppStateAndValidators(forZeroHeight, jailAllowedAddrs, modulesToExport)
}
