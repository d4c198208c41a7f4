package cmd

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	cmtcfg "github.com/cometbft/cometbft/config"
	"github.com/cometbft/cometbft/node"
	"github.com/cometbft/cometbft/p2p"
	pvm "github.com/cometbft/cometbft/privval"
	"github.com/cometbft/cometbft/proxy"
	"github.com/cometbft/cometbft/rpc/client/local"
	"github.com/cometbft/cometbft/store"
	cmttypes "github.com/cometbft/cometbft/types"
	"github.com/spf13/cobra"
	"github.com/spf13/viper"
	"go.opentelemetry.io/contrib/bridges/otelslog"
	"golang.org/x/sync/errgroup"

	"cosmossdk.io/log/v2"
	sdkslog "cosmossdk.io/log/v2/slog"
	dbm "github.com/cosmos/cosmos-db"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/client/debug"
	"github.com/cosmos/cosmos-sdk/client/keys"
	"github.com/cosmos/cosmos-sdk/client/pruning"
	"github.com/cosmos/cosmos-sdk/client/rpc"
	"github.com/cosmos/cosmos-sdk/client/snapshot"
	"github.com/cosmos/cosmos-sdk/server"
	"github.com/cosmos/cosmos-sdk/server/api"
	serverconfig "github.com/cosmos/cosmos-sdk/server/config"
	servercmtlog "github.com/cosmos/cosmos-sdk/server/log"
	servertypes "github.com/cosmos/cosmos-sdk/server/types"
	"github.com/cosmos/cosmos-sdk/telemetry"
	sdk "github.com/cosmos/cosmos-sdk/types"
	authcmd "github.com/cosmos/cosmos-sdk/x/auth/client/cli"
	genutilcli "github.com/cosmos/cosmos-sdk/x/genutil/client/cli"
	genutiltypes "github.com/cosmos/cosmos-sdk/x/genutil/types"

	"github.com/healthchain/healthd/app"
	"github.com/healthchain/healthd/gateway"
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

	// AddCommands with healthd's start handler (startNode); the variant taking
	// start options leaves out module-hash-by-height, added back here.
	server.AddCommandsWithStartCmdOptions(rootCmd, app.DefaultNodeHome, newApp, appExport,
		server.StartCmdOptions{StartCommandHandler: startNode})
	rootCmd.AddCommand(server.ModuleHashByHeightQuery(newApp))

	rootCmd.AddCommand(
		server.StatusCommand(),
		genesisCommand(a),
		queryCommand(),
		txCommand(),
		keys.Commands(),
		recordscli.Cmd(),
		vault.Cmd(app.DefaultNodeHome),
		gateway.Cmd(app.DefaultNodeHome),
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

// peerSweepInterval is how often the peer sweep looks for a newly committed
// block; it sweeps once per block.
const peerSweepInterval = 500 * time.Millisecond

// startNode is healthd's `start`: what the SDK's default handler runs in
// process (the app, CometBFT, the gRPC and REST servers, telemetry), plus the
// peer sweep. CometBFT runs the app's peer filter only when a peer connects;
// app.RunPeerSweep asks it again about the connected peers after every block,
// so that a node whose member is suspended, or whose registration is removed,
// is disconnected rather than kept until it drops. That needs the node's
// switch, which the SDK does not expose (StartCmdOptions.PostSetup receives an
// RPC client, not the node): hence this handler, which creates the node
// itself. --with-comet=false (CometBFT out of process) is refused: the sweep
// could not run there.
func startNode(svrCtx *server.Context, clientCtx client.Context, appCreator servertypes.AppCreator, withComet bool, opts server.StartCmdOptions) error {
	if !withComet {
		return errors.New("healthd start runs CometBFT in process (--with-comet=false is not supported): " +
			"the peer sweep that disconnects suspended members' nodes needs the node")
	}
	svrCfg, err := serverconfig.GetConfig(svrCtx.Viper)
	if err != nil {
		return err
	}
	if err := svrCfg.ValidateBasic(); err != nil {
		return err
	}
	cmtCfg := svrCtx.Config

	if err := telemetry.InitializeOpenTelemetry(filepath.Join(cmtCfg.RootDir, "config", telemetry.OtelFileName)); err != nil {
		return fmt.Errorf("open telemetry: %w", err)
	}
	if telemetry.IsOtelLoggerEnabled() {
		svrCtx.Logger = log.NewMultiLogger(svrCtx.Logger, sdkslog.NewCustomLogger(otelslog.NewLogger("")))
	}
	db, err := opts.DBOpener(cmtCfg.RootDir, server.GetAppDBBackend(svrCtx.Viper))
	if err != nil {
		return err
	}
	a := appCreator(svrCtx.Logger, db, svrCtx.Viper)
	defer func() {
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := telemetry.Shutdown(shutdown); err != nil {
			svrCtx.Logger.Error("telemetry shutdown", "err", err)
		}
		if err := a.Close(); err != nil {
			svrCtx.Logger.Error("closing the app", "err", err)
		}
	}()
	metrics, err := telemetry.New(svrCfg.Telemetry) //nolint:staticcheck // the SDK's start does the same
	if err != nil {
		return err
	}

	ctx, cancel := context.WithCancel(context.Background())
	g, ctx := errgroup.WithContext(ctx)
	server.ListenForQuitSignals(g, true, cancel, svrCtx.Logger)

	if svrCtx.Viper.GetBool("grpc-only") {
		svrCtx.Logger.Info("starting node in gRPC only mode; CometBFT is disabled")
		svrCfg.GRPC.Enable = true
	} else {
		n, err := startComet(ctx, svrCtx, a)
		if err != nil {
			return err
		}
		defer func() {
			if n.IsRunning() {
				_ = n.Stop()
			}
		}()
		if cmtCfg.FilterPeers {
			g.Go(func() error {
				app.RunPeerSweep(ctx, n.Switch(), n.ProxyApp().Query(), peerSweepInterval, svrCtx.Logger.With("module", "peer-sweep"))
				return nil
			})
		} else {
			svrCtx.Logger.Warn("filter_peers is false in config.toml: any node may connect and sync this chain")
		}
		if svrCfg.API.Enable || svrCfg.GRPC.Enable {
			clientCtx = clientCtx.WithClient(local.New(n))
			a.RegisterTxService(clientCtx)
			a.RegisterTendermintService(clientCtx)
			a.RegisterNodeService(clientCtx, svrCfg)
		}
	}

	grpcSrv, clientCtx, err := server.StartGrpcServer(ctx, g, svrCfg.GRPC, clientCtx, svrCtx, a)
	if err != nil {
		return fmt.Errorf("failed to start grpc server: %w", err)
	}
	if svrCfg.API.Enable {
		apiSrv := api.New(clientCtx.WithHomeDir(cmtCfg.RootDir), svrCtx.Logger.With("module", "api-server"), grpcSrv)
		a.RegisterAPIRoutes(apiSrv, svrCfg.API)
		if svrCfg.Telemetry.Enabled { //nolint:staticcheck // as the SDK's start
			apiSrv.SetTelemetry(metrics)
		}
		g.Go(func() error { return apiSrv.Start(ctx, svrCfg) })
	}
	if opts.PostSetup != nil {
		if err := opts.PostSetup(svrCtx, clientCtx, ctx, g); err != nil {
			return err
		}
	}
	return g.Wait()
}

// warnIfAppBehind tells the operator, before CometBFT's handshake replays
// them, when the application's database is more than one height behind the
// block store. After a clean stop they are equal, after a crash at most one
// apart; more means the application database lost writes it had
// acknowledged (a torn journal after a power cut, a full disk, a restored
// backup). CometBFT then replays the missing blocks from its block store,
// which is correct, but says so only in INFO lines.
func warnIfAppBehind(cfg *cmtcfg.Config, a servertypes.Application, logger log.Logger) {
	info, err := a.Info(&abci.RequestInfo{})
	if err != nil {
		return
	}
	db, err := cmtcfg.DefaultDBProvider(&cmtcfg.DBContext{ID: "blockstore", Config: cfg})
	if err != nil {
		return
	}
	blocks := store.NewBlockStore(db).Height()
	_ = db.Close()
	if gap := blocks - info.LastBlockHeight; gap > 1 {
		logger.Warn(fmt.Sprintf("the application database is %d heights behind the block store (application at %d, blocks to %d): "+
			"it lost writes it had made (a crash with a torn journal, a full disk, or a restored backup). "+
			"CometBFT now replays those %d blocks from the block store, which rebuilds the same state; "+
			"if this happens again, check the disk and the filesystem of %s", gap, info.LastBlockHeight, blocks, gap, cfg.DBDir()),
			"app_height", info.LastBlockHeight, "block_store_height", blocks)
	}
}

// startComet creates and starts the CometBFT node over the app, as the SDK's
// start does.
func startComet(ctx context.Context, svrCtx *server.Context, a servertypes.Application) (*node.Node, error) {
	cfg := svrCtx.Config
	warnIfAppBehind(cfg, a, svrCtx.Logger)
	nodeKey, err := p2p.LoadOrGenNodeKey(cfg.NodeKeyFile())
	if err != nil {
		return nil, err
	}
	genesis := func() (*cmttypes.GenesisDoc, error) {
		g, err := genutiltypes.AppGenesisFromFile(cfg.GenesisFile())
		if err != nil {
			return nil, err
		}
		return g.ToGenesisDoc()
	}
	n, err := node.NewNodeWithContext(ctx, cfg,
		pvm.LoadOrGenFilePV(cfg.PrivValidatorKeyFile(), cfg.PrivValidatorStateFile()),
		nodeKey,
		proxy.NewLocalClientCreator(server.NewCometABCIWrapper(a)),
		genesis,
		cmtcfg.DefaultDBProvider,
		node.DefaultMetricsProvider(cfg.Instrumentation),
		servercmtlog.CometLoggerWrapper{Logger: svrCtx.Logger},
	)
	if err != nil {
		return nil, err
	}
	if err := n.Start(); err != nil {
		return nil, err
	}
	return n, nil
}
