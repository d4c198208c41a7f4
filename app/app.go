// Package app wires the healthd application: the SDK modules a permissioned
// consortium chain needs, IBC with the Tendermint light client and ICS-20, and
// healthd's own modules.
package app

import (
	"encoding/json"
	"fmt"
	"maps"
	"path/filepath"

	dbm "github.com/cosmos/cosmos-db"
	"github.com/cosmos/gogoproto/proto"
	"github.com/spf13/cast"

	"cosmossdk.io/log/v2"

	"github.com/cosmos/cosmos-sdk/baseapp"
	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/client/flags"
	"github.com/cosmos/cosmos-sdk/client/grpc/cmtservice"
	nodeservice "github.com/cosmos/cosmos-sdk/client/grpc/node"
	"github.com/cosmos/cosmos-sdk/codec"
	"github.com/cosmos/cosmos-sdk/codec/address"
	"github.com/cosmos/cosmos-sdk/codec/types"
	"github.com/cosmos/cosmos-sdk/runtime"
	"github.com/cosmos/cosmos-sdk/server"
	"github.com/cosmos/cosmos-sdk/server/api"
	"github.com/cosmos/cosmos-sdk/server/config"
	servertypes "github.com/cosmos/cosmos-sdk/server/types"
	"github.com/cosmos/cosmos-sdk/std"
	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/module"
	"github.com/cosmos/cosmos-sdk/types/msgservice"
	simtypes "github.com/cosmos/cosmos-sdk/types/simulation"
	"github.com/cosmos/cosmos-sdk/version"
	"github.com/cosmos/cosmos-sdk/x/auth"
	"github.com/cosmos/cosmos-sdk/x/auth/ante"
	authcodec "github.com/cosmos/cosmos-sdk/x/auth/codec"
	authkeeper "github.com/cosmos/cosmos-sdk/x/auth/keeper"
	"github.com/cosmos/cosmos-sdk/x/auth/posthandler"
	authtx "github.com/cosmos/cosmos-sdk/x/auth/tx"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	"github.com/cosmos/cosmos-sdk/x/authz"
	authzkeeper "github.com/cosmos/cosmos-sdk/x/authz/keeper"
	authzmodule "github.com/cosmos/cosmos-sdk/x/authz/module"
	"github.com/cosmos/cosmos-sdk/x/bank"
	bankkeeper "github.com/cosmos/cosmos-sdk/x/bank/keeper"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"
	"github.com/cosmos/cosmos-sdk/x/consensus"
	consensuskeeper "github.com/cosmos/cosmos-sdk/x/consensus/keeper"
	consensustypes "github.com/cosmos/cosmos-sdk/x/consensus/types"
	distr "github.com/cosmos/cosmos-sdk/x/distribution"
	distrkeeper "github.com/cosmos/cosmos-sdk/x/distribution/keeper"
	distrtypes "github.com/cosmos/cosmos-sdk/x/distribution/types"
	"github.com/cosmos/cosmos-sdk/x/evidence"
	evidencekeeper "github.com/cosmos/cosmos-sdk/x/evidence/keeper"
	evidencetypes "github.com/cosmos/cosmos-sdk/x/evidence/types"
	"github.com/cosmos/cosmos-sdk/x/feegrant"
	feegrantkeeper "github.com/cosmos/cosmos-sdk/x/feegrant/keeper"
	feegrantmodule "github.com/cosmos/cosmos-sdk/x/feegrant/module"
	"github.com/cosmos/cosmos-sdk/x/genutil"
	genutiltypes "github.com/cosmos/cosmos-sdk/x/genutil/types"
	"github.com/cosmos/cosmos-sdk/x/gov"
	govclient "github.com/cosmos/cosmos-sdk/x/gov/client"
	govkeeper "github.com/cosmos/cosmos-sdk/x/gov/keeper"
	govtypes "github.com/cosmos/cosmos-sdk/x/gov/types"
	"github.com/cosmos/cosmos-sdk/x/slashing"
	slashingkeeper "github.com/cosmos/cosmos-sdk/x/slashing/keeper"
	slashingtypes "github.com/cosmos/cosmos-sdk/x/slashing/types"
	"github.com/cosmos/cosmos-sdk/x/staking"
	stakingkeeper "github.com/cosmos/cosmos-sdk/x/staking/keeper"
	stakingtypes "github.com/cosmos/cosmos-sdk/x/staking/types"
	"github.com/cosmos/cosmos-sdk/x/tx/signing"
	"github.com/cosmos/cosmos-sdk/x/upgrade"
	upgradekeeper "github.com/cosmos/cosmos-sdk/x/upgrade/keeper"
	upgradetypes "github.com/cosmos/cosmos-sdk/x/upgrade/types"

	abci "github.com/cometbft/cometbft/abci/types"

	"github.com/cosmos/ibc-go/v11/modules/apps/transfer"
	ibctransferkeeper "github.com/cosmos/ibc-go/v11/modules/apps/transfer/keeper"
	ibctransfertypes "github.com/cosmos/ibc-go/v11/modules/apps/transfer/types"
	ibc "github.com/cosmos/ibc-go/v11/modules/core"
	porttypes "github.com/cosmos/ibc-go/v11/modules/core/05-port/types"
	ibcexported "github.com/cosmos/ibc-go/v11/modules/core/exported"
	ibckeeper "github.com/cosmos/ibc-go/v11/modules/core/keeper"
	ibctm "github.com/cosmos/ibc-go/v11/modules/light-clients/07-tendermint"

	"github.com/healthchain/healthd/internal/querylimit"
	"github.com/healthchain/healthd/x/bridge"
	bridgekeeper "github.com/healthchain/healthd/x/bridge/keeper"
	bridgetypes "github.com/healthchain/healthd/x/bridge/types"
	"github.com/healthchain/healthd/x/claims"
	claimskeeper "github.com/healthchain/healthd/x/claims/keeper"
	claimstypes "github.com/healthchain/healthd/x/claims/types"
	"github.com/healthchain/healthd/x/consent"
	consentkeeper "github.com/healthchain/healthd/x/consent/keeper"
	consenttypes "github.com/healthchain/healthd/x/consent/types"
	"github.com/healthchain/healthd/x/consortium"
	consortiumkeeper "github.com/healthchain/healthd/x/consortium/keeper"
	consortiumtypes "github.com/healthchain/healthd/x/consortium/types"
	"github.com/healthchain/healthd/x/drugtrace"
	drugtracekeeper "github.com/healthchain/healthd/x/drugtrace/keeper"
	drugtracetypes "github.com/healthchain/healthd/x/drugtrace/types"
	"github.com/healthchain/healthd/x/organs"
	organskeeper "github.com/healthchain/healthd/x/organs/keeper"
	organstypes "github.com/healthchain/healthd/x/organs/types"
	"github.com/healthchain/healthd/x/records"
	recordskeeper "github.com/healthchain/healthd/x/records/keeper"
	recordstypes "github.com/healthchain/healthd/x/records/types"
	"github.com/healthchain/healthd/x/trials"
	trialskeeper "github.com/healthchain/healthd/x/trials/keeper"
	trialstypes "github.com/healthchain/healthd/x/trials/types"
)

// maccPerms are the module accounts and what each may do with coins.
var maccPerms = map[string][]string{
	authtypes.FeeCollectorName:     nil,
	distrtypes.ModuleName:          nil,
	stakingtypes.BondedPoolName:    {authtypes.Burner, authtypes.Staking},
	stakingtypes.NotBondedPoolName: {authtypes.Burner, authtypes.Staking},
	govtypes.ModuleName:            {authtypes.Burner},
	ibctransfertypes.ModuleName:    {authtypes.Minter, authtypes.Burner},
	claimstypes.ModuleName:         nil, // payers' escrow
}

var (
	_ servertypes.Application = (*App)(nil)
)

// App is the healthd application.
type App struct {
	*baseapp.BaseApp

	legacyAmino       *codec.LegacyAmino
	appCodec          codec.Codec
	txConfig          client.TxConfig
	interfaceRegistry types.InterfaceRegistry

	keys map[string]*storetypes.KVStoreKey

	AccountKeeper         authkeeper.AccountKeeper
	BankKeeper            bankkeeper.Keeper
	StakingKeeper         *stakingkeeper.Keeper
	SlashingKeeper        slashingkeeper.Keeper
	DistrKeeper           distrkeeper.Keeper
	GovKeeper             govkeeper.Keeper
	UpgradeKeeper         *upgradekeeper.Keeper
	EvidenceKeeper        evidencekeeper.Keeper
	FeeGrantKeeper        feegrantkeeper.Keeper
	AuthzKeeper           authzkeeper.Keeper
	ConsensusParamsKeeper consensuskeeper.Keeper
	IBCKeeper             *ibckeeper.Keeper
	TransferKeeper        *ibctransferkeeper.Keeper
	ConsortiumKeeper      consortiumkeeper.Keeper
	ConsentKeeper         consentkeeper.Keeper
	RecordsKeeper         recordskeeper.Keeper
	ClaimsKeeper          claimskeeper.Keeper
	DrugtraceKeeper       drugtracekeeper.Keeper
	TrialsKeeper          trialskeeper.Keeper
	OrgansKeeper          organskeeper.Keeper
	BridgeKeeper          *bridgekeeper.Keeper

	ModuleManager      *module.Manager
	BasicModuleManager module.BasicManager
	configurator       module.Configurator
	sm                 *module.SimulationManager
}

// New returns the healthd application.
func New(
	logger log.Logger,
	db dbm.DB,
	loadLatest bool,
	appOpts servertypes.AppOptions,
	baseAppOptions ...func(*baseapp.BaseApp),
) *App {
	interfaceRegistry, err := types.NewInterfaceRegistryWithOptions(types.InterfaceRegistryOptions{
		ProtoFiles: proto.HybridResolver,
		SigningOptions: signing.Options{
			AddressCodec:          address.Bech32Codec{Bech32Prefix: sdk.GetConfig().GetBech32AccountAddrPrefix()},
			ValidatorAddressCodec: address.Bech32Codec{Bech32Prefix: sdk.GetConfig().GetBech32ValidatorAddrPrefix()},
		},
	})
	if err != nil {
		panic(err)
	}
	appCodec := codec.NewProtoCodec(interfaceRegistry)
	legacyAmino := codec.NewLegacyAmino()
	txConfig := authtx.NewTxConfig(appCodec, authtx.DefaultSignModes)

	std.RegisterLegacyAminoCodec(legacyAmino)
	std.RegisterInterfaces(interfaceRegistry)

	bApp := baseapp.NewBaseApp(Name, logger, db, txConfig.TxDecoder(), baseAppOptions...)
	bApp.SetVersion(version.Version)
	bApp.SetInterfaceRegistry(interfaceRegistry)
	bApp.SetTxEncoder(txConfig.TxEncoder())

	keys := storetypes.NewKVStoreKeys(
		authtypes.StoreKey, banktypes.StoreKey, stakingtypes.StoreKey, distrtypes.StoreKey,
		slashingtypes.StoreKey, govtypes.StoreKey, consensustypes.StoreKey, upgradetypes.StoreKey,
		evidencetypes.StoreKey, feegrant.StoreKey, authzkeeper.StoreKey,
		ibcexported.StoreKey, ibctransfertypes.StoreKey,
		consortiumtypes.StoreKey, consenttypes.StoreKey, drugtracetypes.StoreKey, recordstypes.StoreKey, claimstypes.StoreKey,
		bridgetypes.StoreKey, trialstypes.StoreKey, organstypes.StoreKey,
	)
	if err := bApp.RegisterStreamingServices(appOpts, keys); err != nil {
		panic(err)
	}

	app := &App{
		BaseApp:           bApp,
		legacyAmino:       legacyAmino,
		appCodec:          appCodec,
		txConfig:          txConfig,
		interfaceRegistry: interfaceRegistry,
		keys:              keys,
	}

	// The x/gov module account is the fallback authority of every module. A
	// consortium replaces it without x/group by setting the authority in the
	// consensus params (a k-of-n multisig of its founders); sdk.ValidateAuthority
	// prefers that one wherever it is set.
	govAuthority := authtypes.NewModuleAddress(govtypes.ModuleName).String()
	accCodec := authcodec.NewBech32Codec(sdk.GetConfig().GetBech32AccountAddrPrefix())

	app.ConsensusParamsKeeper = consensuskeeper.NewKeeper(appCodec, runtime.NewKVStoreService(keys[consensustypes.StoreKey]), govAuthority, runtime.EventService{})
	bApp.SetParamStore(app.ConsensusParamsKeeper.ParamsStore)

	app.AccountKeeper = authkeeper.NewAccountKeeper(appCodec, runtime.NewKVStoreService(keys[authtypes.StoreKey]),
		authtypes.ProtoBaseAccount, maccPerms, accCodec, sdk.GetConfig().GetBech32AccountAddrPrefix(), govAuthority)

	app.BankKeeper = bankkeeper.NewBaseKeeper(appCodec, runtime.NewKVStoreService(keys[banktypes.StoreKey]),
		app.AccountKeeper, BlockedAddresses(), govAuthority, logger)

	app.StakingKeeper = stakingkeeper.NewKeeper(appCodec, runtime.NewKVStoreService(keys[stakingtypes.StoreKey]),
		app.AccountKeeper, app.BankKeeper, govAuthority,
		authcodec.NewBech32Codec(sdk.GetConfig().GetBech32ValidatorAddrPrefix()),
		authcodec.NewBech32Codec(sdk.GetConfig().GetBech32ConsensusAddrPrefix()))

	app.DistrKeeper = distrkeeper.NewKeeper(appCodec, runtime.NewKVStoreService(keys[distrtypes.StoreKey]),
		app.AccountKeeper, app.BankKeeper, app.StakingKeeper, authtypes.FeeCollectorName, govAuthority)

	app.SlashingKeeper = slashingkeeper.NewKeeper(appCodec, legacyAmino, runtime.NewKVStoreService(keys[slashingtypes.StoreKey]),
		app.StakingKeeper, govAuthority)

	app.ConsortiumKeeper = consortiumkeeper.NewKeeper(appCodec, runtime.NewKVStoreService(keys[consortiumtypes.StoreKey]),
		accCodec, govAuthority, app.StakingKeeper)

	app.ConsentKeeper = consentkeeper.NewKeeper(appCodec, runtime.NewKVStoreService(keys[consenttypes.StoreKey]),
		accCodec, govAuthority, app.ConsortiumKeeper)

	app.RecordsKeeper = recordskeeper.NewKeeper(appCodec, runtime.NewKVStoreService(keys[recordstypes.StoreKey]),
		accCodec, govAuthority, app.ConsortiumKeeper, app.ConsentKeeper)

	app.ClaimsKeeper = claimskeeper.NewKeeper(appCodec, runtime.NewKVStoreService(keys[claimstypes.StoreKey]),
		accCodec, govAuthority, app.ConsortiumKeeper, app.ConsentKeeper, app.RecordsKeeper, app.BankKeeper)

	app.TrialsKeeper = trialskeeper.NewKeeper(appCodec, runtime.NewKVStoreService(keys[trialstypes.StoreKey]),
		accCodec, govAuthority, app.ConsortiumKeeper, app.ConsentKeeper)

	// x/organs asks x/consortium for roles and x/consent for a living donor's consent.
	app.OrgansKeeper = organskeeper.NewKeeper(appCodec, runtime.NewKVStoreService(keys[organstypes.StoreKey]),
		accCodec, govAuthority, app.ConsortiumKeeper, app.ConsentKeeper)

	app.DrugtraceKeeper = drugtracekeeper.NewKeeper(appCodec, runtime.NewKVStoreService(keys[drugtracetypes.StoreKey]),
		accCodec, govAuthority, app.ConsortiumKeeper)

	app.StakingKeeper.SetHooks(stakingtypes.NewMultiStakingHooks(
		app.ConsortiumKeeper.Hooks(),
		app.DistrKeeper.Hooks(),
		app.SlashingKeeper.Hooks(),
	))

	app.FeeGrantKeeper = feegrantkeeper.NewKeeper(appCodec, runtime.NewKVStoreService(keys[feegrant.StoreKey]), app.AccountKeeper)

	app.AuthzKeeper = authzkeeper.NewKeeper(runtime.NewKVStoreService(keys[authzkeeper.StoreKey]), appCodec, app.MsgServiceRouter(), app.AccountKeeper)

	skipUpgradeHeights := map[int64]bool{}
	for _, h := range cast.ToIntSlice(appOpts.Get(server.FlagUnsafeSkipUpgrades)) {
		skipUpgradeHeights[int64(h)] = true
	}
	homePath := cast.ToString(appOpts.Get(flags.FlagHome))
	app.UpgradeKeeper = upgradekeeper.NewKeeper(skipUpgradeHeights, runtime.NewKVStoreService(keys[upgradetypes.StoreKey]),
		appCodec, homePath, app.BaseApp, govAuthority)

	app.IBCKeeper = ibckeeper.NewKeeper(appCodec, runtime.NewKVStoreService(keys[ibcexported.StoreKey]), app.UpgradeKeeper, govAuthority)

	govKeeper := govkeeper.NewKeeper(appCodec, runtime.NewKVStoreService(keys[govtypes.StoreKey]),
		app.AccountKeeper, app.BankKeeper, app.DistrKeeper, app.MsgServiceRouter(), govtypes.DefaultConfig(), govAuthority,
		govkeeper.NewDefaultCalculateVoteResultsAndVotingPower(app.StakingKeeper))
	app.GovKeeper = *govKeeper.SetHooks(govtypes.NewMultiGovHooks())

	evidenceKeeper := evidencekeeper.NewKeeper(appCodec, runtime.NewKVStoreService(keys[evidencetypes.StoreKey]),
		app.StakingKeeper, app.SlashingKeeper, app.AccountKeeper.AddressCodec(), runtime.ProvideCometInfoService())
	app.EvidenceKeeper = *evidenceKeeper

	app.TransferKeeper = ibctransferkeeper.NewKeeper(appCodec, app.AccountKeeper.AddressCodec(),
		runtime.NewKVStoreService(keys[ibctransfertypes.StoreKey]), app.IBCKeeper.ChannelKeeper,
		app.MsgServiceRouter(), app.AccountKeeper, app.BankKeeper, govAuthority)

	// x/bridge reads drugtrace verdicts and is told of dispenses and recalls;
	// its packets leave through the channel keeper (no middleware).
	app.BridgeKeeper = bridgekeeper.NewKeeper(appCodec, runtime.NewKVStoreService(keys[bridgetypes.StoreKey]),
		accCodec, govAuthority, app.ConsortiumKeeper, app.DrugtraceKeeper, app.IBCKeeper.ChannelKeeper, app.IBCKeeper.ConnectionKeeper)
	app.BridgeKeeper.SetICS4Wrapper(app.IBCKeeper.ChannelKeeper)
	app.BridgeKeeper.SetClientReader(bridgekeeper.NewIBCClients(app.IBCKeeper.ClientKeeper))
	app.DrugtraceKeeper.SetHooks(app.BridgeKeeper)

	ibcRouter := porttypes.NewRouter()
	// ICS-20 has no middleware here: the transfer keeper sends through the
	// channel keeper, its default ICS4Wrapper.
	ibcRouter.AddRoute(ibctransfertypes.ModuleName, transfer.NewIBCModule(app.TransferKeeper))
	ibcRouter.AddRoute(bridgetypes.PortID, bridge.NewIBCModule(app.BridgeKeeper))
	app.IBCKeeper.SetRouter(ibcRouter)

	storeProvider := app.IBCKeeper.ClientKeeper.GetStoreProvider()
	tmLightClientModule := ibctm.NewLightClientModule(appCodec, storeProvider)
	app.IBCKeeper.ClientKeeper.AddRoute(ibctm.ModuleName, &tmLightClientModule)

	app.ModuleManager = module.NewManager(
		genutil.NewAppModule(app.AccountKeeper, app.StakingKeeper, app, txConfig),
		auth.NewAppModule(appCodec, app.AccountKeeper, nil, nil),
		bank.NewAppModule(appCodec, app.BankKeeper, app.AccountKeeper, nil),
		gov.NewAppModule(appCodec, &app.GovKeeper, app.AccountKeeper, app.BankKeeper, nil),
		slashing.NewAppModule(appCodec, app.SlashingKeeper, app.AccountKeeper, app.BankKeeper, app.StakingKeeper, nil, app.interfaceRegistry),
		distr.NewAppModule(appCodec, app.DistrKeeper, app.AccountKeeper, app.BankKeeper, app.StakingKeeper, nil),
		staking.NewAppModule(appCodec, app.StakingKeeper, app.AccountKeeper, app.BankKeeper, nil),
		upgrade.NewAppModule(app.UpgradeKeeper, app.AccountKeeper.AddressCodec()),
		evidence.NewAppModule(app.EvidenceKeeper),
		feegrantmodule.NewAppModule(appCodec, app.AccountKeeper, app.BankKeeper, app.FeeGrantKeeper, app.interfaceRegistry),
		authzmodule.NewAppModule(appCodec, app.AuthzKeeper, app.AccountKeeper, app.BankKeeper, app.interfaceRegistry),
		consensus.NewAppModule(appCodec, app.ConsensusParamsKeeper),
		ibc.NewAppModule(app.IBCKeeper),
		transfer.NewAppModule(app.TransferKeeper),
		ibctm.NewAppModule(tmLightClientModule),
		consortium.NewAppModule(app.ConsortiumKeeper),
		consent.NewAppModule(app.ConsentKeeper),
		records.NewAppModule(app.RecordsKeeper),
		claims.NewAppModule(app.ClaimsKeeper),
		drugtrace.NewAppModule(app.DrugtraceKeeper),
		bridge.NewAppModule(app.BridgeKeeper),
		trials.NewAppModule(app.TrialsKeeper),
		organs.NewAppModule(app.OrgansKeeper),
	)

	app.BasicModuleManager = module.NewBasicManagerFromManager(app.ModuleManager, map[string]module.AppModuleBasic{
		genutiltypes.ModuleName: genutil.NewAppModuleBasic(genutiltypes.DefaultMessageValidator),
		govtypes.ModuleName:     gov.NewAppModuleBasic([]govclient.ProposalHandler{}),
	})
	app.BasicModuleManager.RegisterLegacyAminoCodec(legacyAmino)
	app.BasicModuleManager.RegisterInterfaces(interfaceRegistry)

	app.ModuleManager.SetOrderPreBlockers(upgradetypes.ModuleName, authtypes.ModuleName)
	app.ModuleManager.SetOrderBeginBlockers(
		distrtypes.ModuleName, slashingtypes.ModuleName, evidencetypes.ModuleName, stakingtypes.ModuleName,
		ibcexported.ModuleName, ibctransfertypes.ModuleName, genutiltypes.ModuleName, authz.ModuleName,
		feegrant.ModuleName, consortiumtypes.ModuleName, consenttypes.ModuleName,
	)
	app.ModuleManager.SetOrderEndBlockers(
		govtypes.ModuleName, stakingtypes.ModuleName, ibcexported.ModuleName, ibctransfertypes.ModuleName,
		genutiltypes.ModuleName, feegrant.ModuleName, authz.ModuleName, banktypes.ModuleName, consortiumtypes.ModuleName,
		consenttypes.ModuleName, bridgetypes.ModuleName,
	)
	// x/consortium is initialised before x/staking and x/genutil: the founding
	// members must exist when their genesis validators are created.
	genesisOrder := []string{
		authtypes.ModuleName, banktypes.ModuleName, consortiumtypes.ModuleName, distrtypes.ModuleName,
		stakingtypes.ModuleName, slashingtypes.ModuleName, govtypes.ModuleName, ibcexported.ModuleName,
		genutiltypes.ModuleName, evidencetypes.ModuleName, authz.ModuleName, feegrant.ModuleName,
		ibctransfertypes.ModuleName, upgradetypes.ModuleName, consensustypes.ModuleName, consenttypes.ModuleName,
		recordstypes.ModuleName, claimstypes.ModuleName, drugtracetypes.ModuleName, bridgetypes.ModuleName,
		trialstypes.ModuleName, organstypes.ModuleName,
	}
	app.ModuleManager.SetOrderInitGenesis(genesisOrder...)
	app.ModuleManager.SetOrderExportGenesis(genesisOrder...)

	// Every module's query service is registered through querylimit: page sizes
	// are capped and long error messages cut, on the ABCI, gRPC and REST paths.
	app.configurator = module.NewConfigurator(app.appCodec, app.MsgServiceRouter(), querylimit.Registrar{Server: app.GRPCQueryRouter()})
	if err := app.ModuleManager.RegisterServices(app.configurator); err != nil {
		panic(err)
	}
	app.registerUpgradeHandlers()
	app.sm = newSimulationManager(app)

	app.MountKVStores(keys)

	// Only nodes registered to active members may be peers (app/peerfilter.go).
	peers := newPeerFilter(app)
	app.SetInitChainer(peers.initChainer(app.InitChainer))
	app.SetIDPeerFilter(peers.filterID)
	app.SetPreBlocker(app.PreBlocker)
	app.SetBeginBlocker(app.BeginBlocker)
	app.SetEndBlocker(app.EndBlocker)

	anteHandler, err := NewAnteHandler(HandlerOptions{
		HandlerOptions: ante.HandlerOptions{
			AccountKeeper:   app.AccountKeeper,
			BankKeeper:      app.BankKeeper,
			FeegrantKeeper:  app.FeeGrantKeeper,
			SignModeHandler: txConfig.SignModeHandler(),
			SigGasConsumer:  ante.DefaultSigVerificationGasConsumer,
		},
		IBCKeeper:  app.IBCKeeper,
		Membership: app.ConsortiumKeeper,
	})
	if err != nil {
		panic(err)
	}
	app.SetAnteHandler(anteHandler)

	postHandler, err := posthandler.NewPostHandler(posthandler.HandlerOptions{})
	if err != nil {
		panic(err)
	}
	app.SetPostHandler(postHandler)

	protoFiles, err := proto.MergedRegistry()
	if err != nil {
		panic(err)
	}
	if err := msgservice.ValidateProtoAnnotations(protoFiles); err != nil {
		panic(fmt.Errorf("proto annotations: %w", err))
	}

	if loadLatest {
		if err := app.LoadLatestVersion(); err != nil {
			panic(fmt.Errorf("error loading last version: %w", err))
		}
	}
	if app.LastBlockHeight() == 0 {
		// No state yet. A node that joins by state sync never runs
		// InitChain: let its peer filter accept the genesis nodes until the
		// snapshot is restored (app/peerfilter.go).
		if home := cast.ToString(appOpts.Get(flags.FlagHome)); home != "" {
			if err := peers.loadGenesisFile(filepath.Join(home, "config", "genesis.json")); err != nil {
				logger.Warn("peer filter: the genesis file could not be read; before the first block or a state-sync snapshot every peer is refused", "err", err.Error())
			}
		}
	}
	return app
}

// Name returns the application name.
func (app *App) Name() string { return app.BaseApp.Name() }

// PreBlocker runs the upgrade and auth pre-blockers.
func (app *App) PreBlocker(ctx sdk.Context, _ *abci.RequestFinalizeBlock) (*sdk.ResponsePreBlock, error) {
	return app.ModuleManager.PreBlock(ctx)
}

// BeginBlocker runs the modules' begin blockers.
func (app *App) BeginBlocker(ctx sdk.Context) (sdk.BeginBlock, error) {
	return app.ModuleManager.BeginBlock(ctx)
}

// EndBlocker runs the modules' end blockers.
func (app *App) EndBlocker(ctx sdk.Context) (sdk.EndBlock, error) {
	return app.ModuleManager.EndBlock(ctx)
}

// InitChainer initialises every module from the genesis app state.
func (app *App) InitChainer(ctx sdk.Context, req *abci.RequestInitChain) (*abci.ResponseInitChain, error) {
	var genesisState map[string]json.RawMessage
	if err := json.Unmarshal(req.AppStateBytes, &genesisState); err != nil {
		return nil, fmt.Errorf("genesis app state: %w", err)
	}
	if err := app.UpgradeKeeper.SetModuleVersionMap(ctx, app.ModuleManager.GetVersionMap()); err != nil {
		return nil, err
	}
	return app.ModuleManager.InitGenesis(ctx, app.appCodec, genesisState)
}

// LoadHeight loads the state at a height.
func (app *App) LoadHeight(height int64) error { return app.LoadVersion(height) }

// LegacyAmino returns the amino codec.
func (app *App) LegacyAmino() *codec.LegacyAmino { return app.legacyAmino }

// AppCodec returns the proto codec.
func (app *App) AppCodec() codec.Codec { return app.appCodec }

// InterfaceRegistry returns the interface registry.
func (app *App) InterfaceRegistry() types.InterfaceRegistry { return app.interfaceRegistry }

// TxConfig returns the tx config.
func (app *App) TxConfig() client.TxConfig { return app.txConfig }

// DefaultGenesis returns every module's default genesis.
func (app *App) DefaultGenesis() map[string]json.RawMessage {
	return app.BasicModuleManager.DefaultGenesis(app.appCodec)
}

// GetKey returns the store key of a module (tests).
func (app *App) GetKey(storeKey string) *storetypes.KVStoreKey { return app.keys[storeKey] }

// RegisterAPIRoutes registers the REST gateway routes of every module.
func (app *App) RegisterAPIRoutes(apiSvr *api.Server, apiConfig config.APIConfig) {
	clientCtx := apiSvr.ClientCtx
	apiSvr.Router.Use(querylimit.LimitURL)
	authtx.RegisterGRPCGatewayRoutes(clientCtx, apiSvr.GRPCGatewayRouter)
	cmtservice.RegisterGRPCGatewayRoutes(clientCtx, apiSvr.GRPCGatewayRouter)
	nodeservice.RegisterGRPCGatewayRoutes(clientCtx, apiSvr.GRPCGatewayRouter)
	app.BasicModuleManager.RegisterGRPCGatewayRoutes(clientCtx, apiSvr.GRPCGatewayRouter)
	if err := server.RegisterSwaggerAPI(apiSvr.ClientCtx, apiSvr.Router, apiConfig.Swagger); err != nil {
		panic(err)
	}
}

// RegisterTxService registers the tx gRPC service.
func (app *App) RegisterTxService(clientCtx client.Context) {
	authtx.RegisterTxService(app.GRPCQueryRouter(), clientCtx, app.Simulate, app.interfaceRegistry)
}

// RegisterTendermintService registers the CometBFT gRPC service.
func (app *App) RegisterTendermintService(clientCtx client.Context) {
	cmtApp := server.NewCometABCIWrapper(app)
	cmtservice.RegisterTendermintService(clientCtx, app.GRPCQueryRouter(), app.interfaceRegistry, cmtApp.Query)
}

// RegisterNodeService registers the node gRPC service.
func (app *App) RegisterNodeService(clientCtx client.Context, cfg config.Config) {
	nodeservice.RegisterNodeService(clientCtx, app.GRPCQueryRouter(), cfg, func() int64 {
		return app.CommitMultiStore().EarliestVersion()
	})
}

// GetMaccPerms returns a copy of the module account permissions.
func GetMaccPerms() map[string][]string {
	out := make(map[string][]string, len(maccPerms))
	maps.Copy(out, maccPerms)
	return out
}

// BlockedAddresses are the module accounts that may not receive coins by
// transfer (x/gov's may, for deposits).
func BlockedAddresses() map[string]bool {
	out := make(map[string]bool)
	for acc := range maccPerms {
		out[authtypes.NewModuleAddress(acc).String()] = true
	}
	delete(out, authtypes.NewModuleAddress(govtypes.ModuleName).String())
	return out
}

// GetBaseApp implements ibctesting.TestingApp.
func (app *App) GetBaseApp() *baseapp.BaseApp { return app.BaseApp }

// GetIBCKeeper implements ibctesting.TestingApp.
func (app *App) GetIBCKeeper() *ibckeeper.Keeper { return app.IBCKeeper }

// GetTxConfig implements ibctesting.TestingApp.
func (app *App) GetTxConfig() client.TxConfig { return app.txConfig }

// GetStoreKeys returns every mounted store key (tests).
func (app *App) GetStoreKeys() []storetypes.StoreKey {
	out := make([]storetypes.StoreKey, 0, len(app.keys))
	for _, k := range app.keys {
		out = append(out, k)
	}
	return out
}

// SimulationManager returns the simulation manager (app/sim_test.go).
func (app *App) SimulationManager() *module.SimulationManager { return app.sm }

// newSimulationManager lists the modules of the random-message simulation: the
// SDK's auth, bank and staking only make the random genesis (accounts,
// balances, validators; their messages are not simulated), healthd's modules
// add their members, message factories and invariants (docs/simulation.md).
func newSimulationManager(app *App) *module.SimulationManager {
	sm := module.NewSimulationManager(
		genesisOnly{auth.NewAppModule(app.appCodec, app.AccountKeeper, baseGenesisAccounts, nil)},
		genesisOnly{bank.NewAppModule(app.appCodec, app.BankKeeper, app.AccountKeeper, nil)},
		genesisOnly{staking.NewAppModule(app.appCodec, app.StakingKeeper, app.AccountKeeper, app.BankKeeper, nil)},
		consortium.NewAppModule(app.ConsortiumKeeper),
		consent.NewAppModule(app.ConsentKeeper),
		records.NewAppModule(app.RecordsKeeper),
		claims.NewAppModule(app.ClaimsKeeper),
		drugtrace.NewAppModule(app.DrugtraceKeeper),
		bridge.NewAppModule(app.BridgeKeeper),
		trials.NewAppModule(app.TrialsKeeper),
		organs.NewAppModule(app.OrgansKeeper),
	)
	sm.RegisterStoreDecoders()
	return sm
}

// baseGenesisAccounts makes every simulation account a base account: healthd
// does not register x/auth's vesting account types, which the SDK's
// RandomGenesisAccounts draws at random.
func baseGenesisAccounts(simState *module.SimulationState) authtypes.GenesisAccounts {
	out := make(authtypes.GenesisAccounts, len(simState.Accounts))
	for i, acc := range simState.Accounts {
		out[i] = authtypes.NewBaseAccountWithAddress(acc.Address)
	}
	return out
}

// genesisOnly hides a module's simulated messages, keeping its random genesis.
type genesisOnly struct{ m module.AppModuleSimulation }

func (g genesisOnly) GenerateGenesisState(s *module.SimulationState) { g.m.GenerateGenesisState(s) }

func (g genesisOnly) RegisterStoreDecoder(r simtypes.StoreDecoderRegistry) {
	g.m.RegisterStoreDecoder(r)
}

func (genesisOnly) WeightedOperations(module.SimulationState) []simtypes.WeightedOperation {
	return nil
}
