package app_test

// The SDK's random-message simulation of healthd (docs/simulation.md): a
// random genesis whose consortium members come from the simulation accounts,
// weighted random messages from every healthd module (the accepted ones and
// the ones that must be refused), the modules' invariants after blocks, and
// the standard runs: full simulation, import/export, determinism.
//
// `go test ./app` runs them short (20 blocks, one seed); `make sim` long:
//
//	go test ./app -run 'TestFullAppSimulation|TestAppImportExport|TestAppStateDeterminism' \
//	  -NumBlocks=500 -BlockSize=100 -SimSeeds=2,13 -timeout 2h -v

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math/rand"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"
	cmtproto "github.com/cometbft/cometbft/proto/tendermint/types"
	dbm "github.com/cosmos/cosmos-db"
	"github.com/stretchr/testify/require"

	"cosmossdk.io/collections"
	"cosmossdk.io/log/v2"
	sdkmath "cosmossdk.io/math"

	"github.com/cosmos/cosmos-sdk/baseapp"
	servertypes "github.com/cosmos/cosmos-sdk/server/types"
	simtestutil "github.com/cosmos/cosmos-sdk/testutil/sims"
	"github.com/cosmos/cosmos-sdk/testutil/simsx"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/module"
	simtypes "github.com/cosmos/cosmos-sdk/types/simulation"
	simcli "github.com/cosmos/cosmos-sdk/x/simulation/client/cli"
	slashingtypes "github.com/cosmos/cosmos-sdk/x/slashing/types"

	"github.com/healthchain/healthd/app"
	bridgetypes "github.com/healthchain/healthd/x/bridge/types"
	claimstypes "github.com/healthchain/healthd/x/claims/types"
	consenttypes "github.com/healthchain/healthd/x/consent/types"
	csim "github.com/healthchain/healthd/x/consortium/simulation"
	consortiumtypes "github.com/healthchain/healthd/x/consortium/types"
	drugtracetypes "github.com/healthchain/healthd/x/drugtrace/types"
	organstypes "github.com/healthchain/healthd/x/organs/types"
	recordstypes "github.com/healthchain/healthd/x/records/types"
	trialstypes "github.com/healthchain/healthd/x/trials/types"
)

var (
	flagSimSeeds        = flag.String("SimSeeds", "", "comma-separated simulation seeds (default: -Seed, or 1 for the short run)")
	flagInvariantPeriod = flag.Int("InvariantPeriod", 1, "run the healthd invariants after every n-th block")
)

func init() { simcli.GetSimulatorFlags() }

// healthdStores are the stores compared after import/export.
var healthdStores = []string{
	consortiumtypes.StoreKey, consenttypes.StoreKey, recordstypes.StoreKey, claimstypes.StoreKey,
	drugtracetypes.StoreKey, bridgetypes.StoreKey, trialstypes.StoreKey, organstypes.StoreKey,
}

// simConfig is the config from the simulator's flags; a flag not given takes
// the short run's value: 20 blocks of 50 operations, committed.
func simConfig() simtypes.Config {
	cfg := simcli.NewConfigFromFlags()
	cfg.ChainID = simsx.SimAppChainID
	set := map[string]bool{}
	flag.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if !set["NumBlocks"] {
		cfg.NumBlocks = 20
	}
	if !set["BlockSize"] {
		cfg.BlockSize = 50
	}
	if !set["GenesisTime"] {
		cfg.GenesisTime = 1_767_225_600 // 2026-01-01: runs are reproducible
	}
	cfg.Commit = true
	return cfg
}

func simSeeds(t *testing.T) []int64 {
	set := map[string]bool{}
	flag.Visit(func(f *flag.Flag) { set[f.Name] = true })
	switch {
	case *flagSimSeeds != "":
		var out []int64
		for _, s := range strings.Split(*flagSimSeeds, ",") {
			n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
			require.NoError(t, err)
			out = append(out, n)
		}
		return out
	case set["Seed"]:
		return []int64{simcli.FlagSeedValue}
	}
	return []int64{1}
}

// randomAccounts keeps the number of simulation accounts between 40 and 60:
// enough for a consortium with every role twice and for patients, few enough
// that actors are found by trying accounts.
func randomAccounts(r *rand.Rand, n int) []simtypes.Account {
	return simtypes.RandomAccounts(r, min(max(n, 40), 60))
}

// invariantChecks counts the invariant runs of the process; invariantRoutes
// names the routes run (module/route), the same for every app instance.
var (
	invariantChecks atomic.Int64
	invariantRoutes atomic.Value
)

type invariantRoute struct {
	module, route string
	inv           sdk.Invariant
}

type invariantRegistry struct{ routes []invariantRoute }

func (r *invariantRegistry) RegisterRoute(moduleName, route string, inv sdk.Invariant) {
	r.routes = append(r.routes, invariantRoute{moduleName, route, inv})
}

// newSimApp builds the app for the simulation. x/crisis is gone from the SDK,
// so the healthd invariants (module.HasInvariants) run in an end-blocker
// wrapper every -InvariantPeriod blocks; a broken one fails the block. A
// pre-blocker wrapper makes the consortium's "Simulation Authority" member
// (the first simulation account) the chain authority through the consensus
// params, as a consortium does with its founders' multisig, so the authority's
// messages can be simulated.
func newSimApp(logger log.Logger, db dbm.DB, _ bool, appOpts servertypes.AppOptions, opts ...func(*baseapp.BaseApp)) *app.App {
	a := app.New(logger, db, false, appOpts, opts...)
	reg := &invariantRegistry{}
	for _, m := range a.SimulationManager().Modules {
		if hi, ok := m.(module.HasInvariants); ok {
			hi.RegisterInvariants(reg)
		}
	}
	reg.RegisterRoute(bridgetypes.ModuleName, "prescription-dispenses", prescriptionDispenses(a))
	names := make([]string, 0, len(reg.routes))
	for _, r := range reg.routes {
		names = append(names, r.module+"/"+r.route)
	}
	invariantRoutes.Store(names)
	period := int64(max(*flagInvariantPeriod, 1))
	a.SetEndBlocker(func(ctx sdk.Context) (sdk.EndBlock, error) {
		res, err := a.EndBlocker(ctx)
		if err != nil || ctx.BlockHeight()%period != 0 {
			return res, err
		}
		for _, r := range reg.routes {
			invariantChecks.Add(1)
			if msg, broken := r.inv(ctx); broken {
				return res, fmt.Errorf("invariant %s/%s broken at height %d: %s", r.module, r.route, ctx.BlockHeight(), msg)
			}
		}
		return res, nil
	})
	a.SetPreBlocker(func(ctx sdk.Context, req *abci.RequestFinalizeBlock) (*sdk.ResponsePreBlock, error) {
		res, err := a.PreBlocker(ctx, req)
		if err != nil {
			return res, err
		}
		cp, err := a.ConsensusParamsKeeper.ParamsStore.Get(ctx)
		if err != nil {
			return res, err
		}
		if cp.Authority != nil && cp.Authority.Authority != "" {
			return res, nil
		}
		var authority string
		if err := a.ConsortiumKeeper.Members.Walk(ctx, nil, func(_ sdk.AccAddress, m consortiumtypes.Member) (bool, error) {
			if m.Name == csim.AuthorityName {
				authority = m.Address
			}
			return authority != "", nil
		}); err != nil || authority == "" {
			return res, errors.Join(err, errors.New("no simulation authority member"))
		}
		cp.Authority = &cmtproto.AuthorityParams{Authority: authority}
		if err := a.ConsensusParamsKeeper.ParamsStore.Set(ctx, cp); err != nil {
			return res, err
		}
		res.ConsensusParamsChanged = true
		return res, nil
	})
	if err := a.LoadLatestVersion(); err != nil {
		panic(err)
	}
	return a
}

// prescriptionDispenses checks, across x/bridge and x/drugtrace, that each
// prescription's dispense count is the number of dispenses x/drugtrace
// recorded against it. Prescriptions arrive over IBC, which the simulation
// does not drive: with none stored it checks nothing. Only a pharma chain
// dispenses against its prescriptions (a hospital chain counts the
// confirmations it receives).
func prescriptionDispenses(a *app.App) sdk.Invariant {
	return func(ctx sdk.Context) (string, bool) {
		if p, err := a.BridgeKeeper.Params.Get(ctx); err != nil || p.Role != bridgetypes.ChainRole_CHAIN_ROLE_PHARMA {
			return "", false
		}
		want := map[uint64]uint32{}
		if err := a.BridgeKeeper.Prescriptions.Walk(ctx, nil, func(id uint64, p bridgetypes.Prescription) (bool, error) {
			want[id] = p.Dispensed
			return false, nil
		}); err != nil {
			return err.Error(), true
		}
		if len(want) == 0 {
			return "", false
		}
		got := map[uint64]uint32{}
		if err := a.DrugtraceKeeper.History.Walk(ctx, nil, func(_ collections.Triple[string, string, uint64], ev drugtracetypes.TraceEvent) (bool, error) {
			if ev.PrescriptionID != 0 && ev.BizStep == drugtracetypes.BizStepDispensing {
				got[ev.PrescriptionID]++
			}
			return false, nil
		}); err != nil {
			return err.Error(), true
		}
		var broken []string
		for id, n := range want {
			if got[id] != n {
				broken = append(broken, fmt.Sprintf("prescription %d counts %d dispenses, x/drugtrace recorded %d", id, n, got[id]))
			}
		}
		return sdk.FormatInvariant(bridgetypes.ModuleName, "prescription-dispenses", strings.Join(broken, "\n")), len(broken) > 0
	}
}

// noDowntimeJailing sets x/slashing's minimum signed share to zero. The
// simulator has validators miss blocks at random and the SDK's slashing
// messages (unjail) are not simulated here, so without it a run whose few
// validators are all jailed for downtime stops with an empty validator set.
func noDowntimeJailing(a *app.App) func(map[string]json.RawMessage) {
	return func(raw map[string]json.RawMessage) {
		var gs slashingtypes.GenesisState
		if bz, ok := raw[slashingtypes.ModuleName]; ok {
			a.AppCodec().MustUnmarshalJSON(bz, &gs)
		} else {
			gs = *slashingtypes.DefaultGenesisState()
		}
		gs.Params.MinSignedPerWindow = sdkmath.LegacyZeroDec()
		raw[slashingtypes.ModuleName] = a.AppCodec().MustMarshalJSON(&gs)
	}
}

func setupStateFactory(a *app.App) simsx.SimStateFactory {
	return simsx.SimStateFactory{
		Codec:         a.AppCodec(),
		AppStateFn:    simtestutil.AppStateFnWithExtendedCb(a.AppCodec(), a.SimulationManager(), a.DefaultGenesis(), noDowntimeJailing(a)),
		BlockedAddr:   app.BlockedAddresses(),
		AccountSource: a.AccountKeeper,
		BalanceSource: a.BankKeeper,
	}
}

// runSims runs the simulation for every seed, one after the other (the
// machine's cores are shared), then the post-run actions.
func runSims(t *testing.T, post ...func(tb testing.TB, ti simsx.TestInstance[*app.App], accs []simtypes.Account)) {
	cfg := simConfig()
	csim.Stats.Reset()
	invariantChecks.Store(0)
	for _, seed := range simSeeds(t) {
		t.Run(fmt.Sprintf("seed=%d", seed), func(t *testing.T) {
			simsx.RunWithSeedAndRandAcc(t, cfg, newSimApp, setupStateFactory, seed, nil, randomAccounts, post...)
		})
	}
	routes, _ := invariantRoutes.Load().([]string)
	fmt.Printf("healthd invariants (%d routes, each checked every %d blocks): %s\n", len(routes), max(*flagInvariantPeriod, 1), strings.Join(routes, ", "))
	fmt.Printf("healthd operations (%d blocks of %d per seed; %d invariant checks):\n%s",
		cfg.NumBlocks, cfg.BlockSize, invariantChecks.Load(), csim.Stats.String())
	require.Positive(t, csim.Stats.Total(csim.OutcomeOK), "no healthd message succeeded")
	require.Positive(t, csim.Stats.Total(csim.OutcomeRefused), "no healthd message was refused")
}

// TestFullAppSimulation runs random blocks of healthd messages with the
// invariants checked after blocks.
func TestFullAppSimulation(t *testing.T) {
	runSims(t)
}

// TestAppImportExport exports the state after the run, imports it into a
// fresh app and compares the healthd stores key by key.
func TestAppImportExport(t *testing.T) {
	runSims(t, func(tb testing.TB, ti simsx.TestInstance[*app.App], _ []simtypes.Account) {
		tb.Helper()
		a := ti.App
		exported, err := a.ExportAppStateAndValidators(false, nil, nil)
		require.NoError(tb, err)

		fresh := simsx.NewSimulationAppInstance(tb, ti.Cfg, newSimApp).App
		var genesis map[string]json.RawMessage
		require.NoError(tb, json.Unmarshal(exported.AppState, &genesis))
		ctxB := fresh.NewContextLegacy(true, cmtproto.Header{Height: a.LastBlockHeight(), ChainID: ti.Cfg.ChainID})
		_, err = fresh.ModuleManager.InitGenesis(ctxB, fresh.AppCodec(), genesis)
		require.NoError(tb, err)

		ctxA := a.NewContextLegacy(true, cmtproto.Header{Height: a.LastBlockHeight(), ChainID: ti.Cfg.ChainID})
		total := 0
		for _, name := range healthdStores {
			storeA, storeB := ctxA.KVStore(a.GetKey(name)), ctxB.KVStore(fresh.GetKey(name))
			diffA, diffB := simtestutil.DiffKVStores(storeA, storeB, nil)
			require.Empty(tb, diffA, "store %s: %d keys differ after import", name, len(diffA))
			require.Empty(tb, diffB, "store %s: %d keys differ after import", name, len(diffB))
			n := 0
			it := storeA.Iterator(nil, nil)
			for ; it.Valid(); it.Next() {
				n++
			}
			require.NoError(tb, it.Close())
			total += n
			fmt.Printf("import/export: store %-10s %6d keys equal\n", name, n)
		}
		require.Positive(tb, total, "the healthd stores are empty")
	})
}

// TestAppStateDeterminism runs each seed twice and requires the same app hash.
func TestAppStateDeterminism(t *testing.T) {
	hashes := map[int64][][]byte{}
	runSims(t, func(tb testing.TB, ti simsx.TestInstance[*app.App], _ []simtypes.Account) {
		seed := ti.Cfg.Seed
		hashes[seed] = append(hashes[seed], ti.App.LastCommitID().Hash)
	})
	runSims(t, func(tb testing.TB, ti simsx.TestInstance[*app.App], _ []simtypes.Account) {
		seed := ti.Cfg.Seed
		hashes[seed] = append(hashes[seed], ti.App.LastCommitID().Hash)
	})
	if len(hashes) == 0 {
		t.Skip("every seed stopped early (the simulator's validator set emptied): nothing to compare")
	}
	for _, seed := range simSeeds(t) {
		if _, ok := hashes[seed]; !ok {
			fmt.Printf("determinism: seed %d stopped early, not compared\n", seed)
		}
	}
	for seed, hs := range hashes {
		require.Len(t, hs, 2, "seed %d", seed)
		require.True(t, bytes.Equal(hs[0], hs[1]), "seed %d: app hash %X then %X", seed, hs[0], hs[1])
		fmt.Printf("determinism: seed %d app hash %X twice\n", seed, hs[0])
	}
}
