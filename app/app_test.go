package app_test

import (
	"crypto/sha256"
	"encoding/json"
	"testing"
	"time"

	"filippo.io/age"
	abci "github.com/cometbft/cometbft/abci/types"
	cmtproto "github.com/cometbft/cometbft/proto/tendermint/types"
	dbm "github.com/cosmos/cosmos-db"
	"github.com/stretchr/testify/require"

	"cosmossdk.io/log/v2"
	sdkmath "cosmossdk.io/math"

	"github.com/cosmos/cosmos-sdk/baseapp"
	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	"github.com/cosmos/cosmos-sdk/crypto/keys/ed25519"
	"github.com/cosmos/cosmos-sdk/crypto/keys/secp256k1"
	cryptotypes "github.com/cosmos/cosmos-sdk/crypto/types"
	simtestutil "github.com/cosmos/cosmos-sdk/testutil/sims"
	sdk "github.com/cosmos/cosmos-sdk/types"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	"github.com/cosmos/cosmos-sdk/x/authz"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"
	slashingtypes "github.com/cosmos/cosmos-sdk/x/slashing/types"
	stakingtypes "github.com/cosmos/cosmos-sdk/x/staking/types"

	"github.com/healthchain/healthd/app"
	"github.com/healthchain/healthd/internal/unixfs"
	"github.com/healthchain/healthd/x/consent/client/consentclient"
	consenttypes "github.com/healthchain/healthd/x/consent/types"
	consortiumtypes "github.com/healthchain/healthd/x/consortium/types"
	recordstypes "github.com/healthchain/healthd/x/records/types"
)

const chainID = "healthd-test"

// account is a test key with its on-chain numbers.
type account struct {
	priv cryptotypes.PrivKey
	addr sdk.AccAddress
}

// testChain drives one healthd app through InitChain, FinalizeBlock and Commit,
// as CometBFT would, with signed transactions.
type testChain struct {
	t       *testing.T
	app     *app.App
	height  int64
	time    time.Time
	accs    map[string]account
	valKeys map[string]cryptotypes.PrivKey // operator name -> consensus key
}

var (
	stake     = sdk.DefaultPowerReduction.MulRaw(100)
	funds     = sdk.NewCoins(sdk.NewCoin(app.BondDenom, sdkmath.NewInt(1_000_000_000_000)))
	accNames  = []string{"hospital", "lab", "authority", "outsider"}
	operators = []string{"hospital", "lab"}
)

func newAccount(seed string) account {
	priv := secp256k1.GenPrivKeyFromSecret([]byte(seed))
	return account{priv: priv, addr: sdk.AccAddress(priv.PubKey().Address())}
}

// genesis builds the app state: hospital and lab are founding members, each
// operating a bonded validator; authority is the consensus-params authority;
// outsider is funded but not a member.
func genesis(t *testing.T, a *app.App, accs map[string]account, valKeys map[string]cryptotypes.PrivKey) map[string]json.RawMessage {
	t.Helper()
	cdc := a.AppCodec()
	state := a.DefaultGenesis()

	var genAccs []authtypes.GenesisAccount
	var balances []banktypes.Balance
	for _, n := range accNames {
		genAccs = append(genAccs, authtypes.NewBaseAccount(accs[n].addr, nil, uint64(len(genAccs)), 0))
		balances = append(balances, banktypes.Balance{Address: accs[n].addr.String(), Coins: funds})
	}
	state[authtypes.ModuleName] = cdc.MustMarshalJSON(authtypes.NewGenesisState(authtypes.DefaultParams(), genAccs))

	var vals []stakingtypes.Validator
	var dels []stakingtypes.Delegation
	for _, op := range operators {
		pkAny, err := codectypes.NewAnyWithValue(valKeys[op].PubKey())
		require.NoError(t, err)
		valAddr := sdk.ValAddress(accs[op].addr).String()
		vals = append(vals, stakingtypes.Validator{
			OperatorAddress: valAddr, ConsensusPubkey: pkAny, Status: stakingtypes.Bonded,
			Tokens: stake, DelegatorShares: sdkmath.LegacyNewDecFromInt(stake),
			UnbondingTime: time.Unix(0, 0).UTC(), MinSelfDelegation: sdkmath.OneInt(),
			Commission: stakingtypes.NewCommission(sdkmath.LegacyZeroDec(), sdkmath.LegacyOneDec(), sdkmath.LegacyZeroDec()),
		})
		dels = append(dels, stakingtypes.NewDelegation(accs[op].addr.String(), valAddr, sdkmath.LegacyNewDecFromInt(stake)))
	}
	state[stakingtypes.ModuleName] = cdc.MustMarshalJSON(stakingtypes.NewGenesisState(stakingtypes.DefaultParams(), vals, dels))
	balances = append(balances, banktypes.Balance{
		Address: authtypes.NewModuleAddress(stakingtypes.BondedPoolName).String(),
		Coins:   sdk.NewCoins(sdk.NewCoin(app.BondDenom, stake.MulRaw(int64(len(operators))))),
	})
	state[banktypes.ModuleName] = cdc.MustMarshalJSON(banktypes.NewGenesisState(banktypes.DefaultParams(), balances, nil, nil, nil))

	members := &consortiumtypes.GenesisState{Members: []consortiumtypes.Member{
		{Address: accs["hospital"].addr.String(), Name: "Riverside General Hospital", Roles: []consortiumtypes.Role{consortiumtypes.Role_ROLE_HOSPITAL},
			NPI: "1245319599", Status: consortiumtypes.MemberStatus_MEMBER_STATUS_ACTIVE},
		{Address: accs["lab"].addr.String(), Name: "Northgate Clinical Laboratory", Roles: []consortiumtypes.Role{consortiumtypes.Role_ROLE_LABORATORY},
			GLN: "0614141000012", Status: consortiumtypes.MemberStatus_MEMBER_STATUS_ACTIVE},
	}}
	state[consortiumtypes.ModuleName] = cdc.MustMarshalJSON(members)
	return state
}

func consensusParams(authority sdk.AccAddress) *cmtproto.ConsensusParams {
	cp := *simtestutil.DefaultConsensusParams
	cp.Authority = &cmtproto.AuthorityParams{Authority: authority.String()}
	return &cp
}

func newTestChain(t *testing.T) *testChain {
	t.Helper()
	c := &testChain{t: t, time: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), accs: map[string]account{}, valKeys: map[string]cryptotypes.PrivKey{}}
	for _, n := range accNames {
		c.accs[n] = newAccount(n)
	}
	for _, op := range operators {
		c.valKeys[op] = ed25519.GenPrivKeyFromSecret([]byte("val-" + op))
	}
	c.app = app.New(log.NewNopLogger(), dbm.NewMemDB(), true, simtestutil.EmptyAppOptions{}, baseapp.SetChainID(chainID))
	stateBytes, err := json.Marshal(genesis(t, c.app, c.accs, c.valKeys))
	require.NoError(t, err)
	res, err := c.app.InitChain(&abci.RequestInitChain{
		ChainId: chainID, Time: c.time, AppStateBytes: stateBytes, InitialHeight: 1,
		ConsensusParams: consensusParams(c.accs["authority"].addr),
	})
	require.NoError(t, err)
	require.Len(t, res.Validators, len(operators), "genesis validators are in the initial set")
	c.nextBlock()
	return c
}

// nextBlock finalizes and commits a block with txs, returning their results.
func (c *testChain) nextBlock(txs ...[]byte) []*abci.ExecTxResult {
	c.t.Helper()
	c.height++
	c.time = c.time.Add(5 * time.Second)
	res, err := c.app.FinalizeBlock(&abci.RequestFinalizeBlock{
		Height: c.height, Time: c.time, Txs: txs,
		ProposerAddress: c.valKeys["hospital"].PubKey().Address(),
	})
	require.NoError(c.t, err)
	_, err = c.app.Commit()
	require.NoError(c.t, err)
	return res.TxResults
}

// deliver signs msgs with the named account and includes them in a block.
func (c *testChain) deliver(signer string, msgs ...sdk.Msg) *abci.ExecTxResult {
	c.t.Helper()
	return c.nextBlock(c.signed(signer, msgs...))[0]
}

// ctx is a read context on the last committed state.
func (c *testChain) ctx() sdk.Context {
	return c.app.NewContext(true).WithBlockTime(c.time).WithBlockHeight(c.height)
}

// storeDigests hashes the committed contents of every module store.
func storeDigests(t *testing.T, a *app.App, names ...string) map[string][32]byte {
	t.Helper()
	out := map[string][32]byte{}
	ctx := a.NewContext(true)
	for _, n := range names {
		h := sha256.New()
		it := ctx.KVStore(a.GetKey(n)).Iterator(nil, nil)
		for ; it.Valid(); it.Next() {
			if n == stakingtypes.StoreKey && it.Key()[0] == stakingtypes.HistoricalInfoKey[0] {
				// x/staking records one HistoricalInfo per block whatever the
				// block holds, and a genesis export does not carry them.
				continue
			}
			h.Write(it.Key())
			h.Write(it.Value())
		}
		require.NoError(t, it.Close())
		var sum [32]byte
		copy(sum[:], h.Sum(nil))
		out[n] = sum
	}
	return out
}

func requireRefused(t *testing.T, res *abci.ExecTxResult, codespace string, code uint32) {
	t.Helper()
	require.Equal(t, codespace, res.Codespace, "log: %s", res.Log)
	require.Equal(t, code, res.Code, "log: %s", res.Log)
}

func TestChainStartsAndProducesBlocks(t *testing.T) {
	c := newTestChain(t)
	hashes := map[string]bool{}
	for range 3 {
		c.nextBlock()
		hashes[string(c.app.LastCommitID().Hash)] = true
	}
	require.Equal(t, int64(4), c.app.LastBlockHeight())
	require.Len(t, hashes, 3, "each block has its own app hash")

	vals, err := c.app.StakingKeeper.GetLastValidators(c.ctx())
	require.NoError(t, err)
	require.Len(t, vals, 2)
	members, err := c.app.ConsortiumKeeper.ExportGenesis(c.ctx())
	require.NoError(t, err)
	require.Len(t, members.Members, 2)
	require.Equal(t, c.time.Add(-15*time.Second).Unix()-5, members.Members[0].AdmittedAt.Unix(), "founders are admitted at genesis time")
}

func TestAuthorityAdmitsMember_OthersRefused(t *testing.T) {
	c := newTestChain(t)
	newcomer := newAccount("newcomer")
	admit := func(authority sdk.AccAddress) *consortiumtypes.MsgAdmitMember {
		return &consortiumtypes.MsgAdmitMember{
			Authority: authority.String(), Address: newcomer.addr.String(), Name: "Harbour Pharmacy",
			Roles: []consortiumtypes.Role{consortiumtypes.Role_ROLE_PHARMACY}, NPI: "1003000126",
		}
	}

	before := storeDigests(t, c.app, consortiumtypes.StoreKey)
	// A founding member signing alone is not the authority.
	res := c.deliver("hospital", admit(c.accs["hospital"].addr))
	requireRefused(t, res, "sdk", 4) // ErrUnauthorized
	// Neither is the x/gov account named while the consensus authority is set.
	res = c.deliver("hospital", admit(authtypes.NewModuleAddress("gov")))
	require.NotZero(t, res.Code)
	require.Equal(t, before, storeDigests(t, c.app, consortiumtypes.StoreKey), "refused admissions change nothing")

	res = c.deliver("authority", admit(c.accs["authority"].addr))
	require.Zero(t, res.Code, res.Log)
	require.NoError(t, c.app.ConsortiumKeeper.RequireRole(c.ctx(), newcomer.addr, consortiumtypes.Role_ROLE_PHARMACY))
}

func TestNonMemberStakingRefused(t *testing.T) {
	c := newTestChain(t)
	outsider := c.accs["outsider"]
	hospitalVal := sdk.ValAddress(c.accs["hospital"].addr).String()
	notMember := consortiumtypes.ErrNotMember.ABCICode()

	pk := ed25519.GenPrivKeyFromSecret([]byte("outsider-val")).PubKey()
	createVal, err := stakingtypes.NewMsgCreateValidator(sdk.ValAddress(outsider.addr).String(), pk,
		sdk.NewCoin(app.BondDenom, stake), stakingtypes.NewDescription("rogue", "", "", "", ""),
		stakingtypes.NewCommissionRates(sdkmath.LegacyZeroDec(), sdkmath.LegacyOneDec(), sdkmath.LegacyZeroDec()), sdkmath.OneInt())
	require.NoError(t, err)
	delegate := stakingtypes.NewMsgDelegate(outsider.addr.String(), hospitalVal, sdk.NewCoin(app.BondDenom, sdkmath.NewInt(1000)))
	execOf := func(msgs ...sdk.Msg) sdk.Msg {
		m := authz.NewMsgExec(outsider.addr, msgs)
		return &m
	}

	watched := []string{stakingtypes.StoreKey, banktypes.StoreKey, consortiumtypes.StoreKey}
	cases := map[string]sdk.Msg{
		"create validator":             createVal,
		"delegate":                     delegate,
		"create validator in MsgExec":  execOf(createVal),
		"delegate in MsgExec":          execOf(delegate),
		"delegate in nested MsgExec":   execOf(execOf(delegate)),
		"redelegate":                   stakingtypes.NewMsgBeginRedelegate(outsider.addr.String(), hospitalVal, sdk.ValAddress(c.accs["lab"].addr).String(), sdk.NewCoin(app.BondDenom, sdkmath.NewInt(1))),
		"unjail a non-member operator": slashingtypes.NewMsgUnjail(sdk.ValAddress(outsider.addr).String()),
	}
	for name, msg := range cases {
		t.Run(name, func(t *testing.T) {
			before := storeDigests(t, c.app, watched...)
			res := c.deliver("outsider", msg)
			requireRefused(t, res, consortiumtypes.ModuleName, notMember)
			require.Equal(t, before, storeDigests(t, c.app, watched...), "state unchanged")
		})
	}

	// The same delegation from an active member goes through.
	res := c.deliver("lab", stakingtypes.NewMsgDelegate(c.accs["lab"].addr.String(), hospitalVal, sdk.NewCoin(app.BondDenom, sdkmath.NewInt(1000))))
	require.Zero(t, res.Code, res.Log)
}

func TestSuspendedMemberValidatorLeavesSet(t *testing.T) {
	c := newTestChain(t)
	lab := c.accs["lab"]
	labVal := sdk.ValAddress(lab.addr)

	res := c.deliver("authority", &consortiumtypes.MsgSuspendMember{
		Authority: c.accs["authority"].addr.String(), Address: lab.addr.String(), Reason: "accreditation lapsed",
	})
	require.Zero(t, res.Code, res.Log)

	val, err := c.app.StakingKeeper.GetValidator(c.ctx(), labVal)
	require.NoError(t, err)
	require.True(t, val.IsJailed())
	last, err := c.app.StakingKeeper.GetLastValidators(c.ctx())
	require.NoError(t, err)
	require.Len(t, last, 1, "the suspended member's validator left the set at the end of the block")
	require.Equal(t, sdk.ValAddress(c.accs["hospital"].addr).String(), last[0].OperatorAddress)

	// The suspended operator cannot unjail itself.
	res = c.deliver("lab", slashingtypes.NewMsgUnjail(labVal.String()))
	requireRefused(t, res, consortiumtypes.ModuleName, consortiumtypes.ErrNotMember.ABCICode())

	// Suspending the last bonded validator's operator is refused.
	res = c.deliver("authority", &consortiumtypes.MsgSuspendMember{
		Authority: c.accs["authority"].addr.String(), Address: c.accs["hospital"].addr.String(), Reason: "test",
	})
	requireRefused(t, res, consortiumtypes.ModuleName, consortiumtypes.ErrLastValidator.ABCICode())
}

func TestExportImportSameState(t *testing.T) {
	c := newTestChain(t)
	res := c.deliver("authority", &consortiumtypes.MsgAdmitMember{
		Authority: c.accs["authority"].addr.String(), Address: newAccount("newcomer").addr.String(), Name: "Harbour Pharmacy",
		Roles: []consortiumtypes.Role{consortiumtypes.Role_ROLE_PHARMACY}, GLN: "0614141999996",
	})
	require.Zero(t, res.Code, res.Log)
	// Consent state too: a patient's grant and a hospital's break-glass access.
	patient := c.accs["outsider"]
	res = c.deliver("outsider", &consenttypes.MsgGrantConsent{
		Signer: patient.addr.String(), Patient: patient.addr.String(), Grantee: c.accs["lab"].addr.String(),
		Purpose: "TREAT", Categories: []string{"Observation"}, End: c.time.Add(24 * time.Hour),
	})
	require.Zero(t, res.Code, res.Log)
	key, err := age.GenerateX25519Identity()
	require.NoError(t, err)
	sealed, err := consentclient.SealJustification(consenttypes.JustificationCode_JUSTIFICATION_CODE_LIFE_THREATENING, key.Recipient())
	require.NoError(t, err)
	res = c.deliver("hospital", &consenttypes.MsgBreakGlass{
		Member: c.accs["hospital"].addr.String(), Patient: patient.addr.String(),
		JustificationCommitment: sealed.Commitment, JustificationCiphertext: sealed.Ciphertext,
	})
	require.Zero(t, res.Code, res.Log)
	// Records state too: a record the patient keeps and one the patient
	// erased (a tombstone, out of every index).
	for _, seed := range []string{"kept", "erased"} {
		digest := sha256.Sum256([]byte(seed))
		res = c.deliver("hospital", &recordstypes.MsgAnchorRecord{
			Author: c.accs["hospital"].addr.String(), Patient: patient.addr.String(), Format: recordstypes.Format_FORMAT_FHIR_R4,
			Kind: "Observation", Category: "laboratory", Commitment: digest[:], CID: unixfs.SumBytes([]byte(seed)), BlobSize: 1,
		})
		require.Zero(t, res.Code, res.Log)
	}
	res = c.deliver("outsider", &recordstypes.MsgEraseRecord{Signer: patient.addr.String(), RecordID: 2, LatestVersion: 1})
	require.Zero(t, res.Code, res.Log)
	c.nextBlock()
	exported, err := c.app.ExportAppStateAndValidators(false, nil, nil)
	require.NoError(t, err)
	var appState map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(exported.AppState, &appState))
	var recordsGenesis struct {
		Tombstones []struct {
			ID     string `json:"id"`
			Erased bool   `json:"erased"`
			Kind   string `json:"kind"`
			CID    string `json:"cid"`
		} `json:"tombstones"`
	}
	require.NoError(t, json.Unmarshal(appState[recordstypes.ModuleName], &recordsGenesis))
	require.Len(t, recordsGenesis.Tombstones, 1)
	require.Equal(t, "2", recordsGenesis.Tombstones[0].ID)
	require.True(t, recordsGenesis.Tombstones[0].Erased)
	require.Empty(t, recordsGenesis.Tombstones[0].Kind+recordsGenesis.Tombstones[0].CID)

	requireExportImportSameState(t, c)
}

// requireExportImportSameState exports c's state, imports it into a fresh app
// at the next height, runs the same block on both and requires every store
// and a second export to be equal.
func requireExportImportSameState(t *testing.T, c *testChain) {
	t.Helper()
	exported, err := c.app.ExportAppStateAndValidators(false, nil, nil)
	require.NoError(t, err)

	// Import into a fresh app starting at the next height.
	b := app.New(log.NewNopLogger(), dbm.NewMemDB(), true, simtestutil.EmptyAppOptions{}, baseapp.SetChainID(chainID))
	cp := exported.ConsensusParams
	_, err = b.InitChain(&abci.RequestInitChain{
		ChainId: chainID, Time: c.time, AppStateBytes: exported.AppState, InitialHeight: exported.Height,
		ConsensusParams: &cp,
	})
	require.NoError(t, err)

	// Both apps execute the same empty block; their states must then be equal.
	next := &abci.RequestFinalizeBlock{Height: exported.Height, Time: c.time.Add(5 * time.Second), ProposerAddress: c.valKeys["hospital"].PubKey().Address()}
	resA, err := c.app.FinalizeBlock(next)
	require.NoError(t, err)
	_, err = c.app.Commit()
	require.NoError(t, err)
	resB, err := b.FinalizeBlock(next)
	require.NoError(t, err)
	_, err = b.Commit()
	require.NoError(t, err)
	require.Equal(t, resA.ValidatorUpdates, resB.ValidatorUpdates)

	var names []string
	for _, k := range c.app.GetStoreKeys() {
		names = append(names, k.Name())
	}
	digestsA, digestsB := storeDigests(t, c.app, names...), storeDigests(t, b, names...)
	for _, n := range names {
		require.Equal(t, digestsA[n], digestsB[n], "store %s differs after import", n)
	}

	exportedB, err := b.ExportAppStateAndValidators(false, nil, nil)
	require.NoError(t, err)
	exportedA, err := c.app.ExportAppStateAndValidators(false, nil, nil)
	require.NoError(t, err)
	require.JSONEq(t, string(exportedA.AppState), string(exportedB.AppState))
}
