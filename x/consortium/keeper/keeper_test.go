package keeper_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"cosmossdk.io/collections"
	"cosmossdk.io/core/address"

	"github.com/cosmos/cosmos-sdk/codec"
	addresscodec "github.com/cosmos/cosmos-sdk/codec/address"
	"github.com/cosmos/cosmos-sdk/crypto/keys/ed25519"
	"github.com/cosmos/cosmos-sdk/runtime"
	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	"github.com/cosmos/cosmos-sdk/testutil"
	sdk "github.com/cosmos/cosmos-sdk/types"
	moduletestutil "github.com/cosmos/cosmos-sdk/types/module/testutil"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	stakingtypes "github.com/cosmos/cosmos-sdk/x/staking/types"
	"github.com/stretchr/testify/require"
	"github.com/stretchr/testify/suite"

	"github.com/healthchain/healthd/x/consortium/keeper"
	cstestutil "github.com/healthchain/healthd/x/consortium/testutil"
	"github.com/healthchain/healthd/x/consortium/types"
)

const (
	accPrefix = "health"
	valPrefix = "healthvaloper"

	// Valid external identifiers (check digits verified in types/identifiers_test.go).
	validNPI  = "1234567893"
	validNPI2 = "1245319599"
	validNPI3 = "1679576722"
	validNPI4 = "1003000126"
	validGLN  = "0614141000005"
	validGLN2 = "0614141000012"
	validGLN3 = "5901234123457"
	validDEA  = "AB1234563"
	validDEA2 = "BJ1234563"
	validDEA3 = "MZ7654329"

	// Same shapes as above with a wrong check digit.
	badNPI = "1234567890"
	badGLN = "0614141000006"
	badDEA = "AB1234564"
)

// blockTime is the block time of every test context. It is in UTC and has no
// monotonic reading so that it survives a protobuf round trip unchanged.
var blockTime = time.Date(2026, time.March, 2, 9, 30, 0, 0, time.UTC)

func init() {
	cfg := sdk.GetConfig()
	cfg.SetBech32PrefixForAccount(accPrefix, accPrefix+"pub")
	cfg.SetBech32PrefixForValidator(valPrefix, valPrefix+"pub")
	cfg.SetBech32PrefixForConsensusNode(accPrefix+"valcons", accPrefix+"valconspub")
}

// testAddr returns a deterministic 20-byte account address derived from seed.
func testAddr(seed string) sdk.AccAddress {
	h := sha256.Sum256([]byte("consortium-test/" + seed))
	return sdk.AccAddress(h[:20])
}

// ---------------------------------------------------------------------------
// fake x/staking
// ---------------------------------------------------------------------------

// fakeStaking implements types.StakingKeeper. Like x/staking, the last
// validator set is only updated at the end of a block (here: by the test), and
// GetLastValidators returns the current record of each validator in that set,
// so a validator jailed earlier in the block is still listed, with Jailed set.
type fakeStaking struct {
	validators map[string]stakingtypes.Validator // key: string(operator bytes)
	last       []sdk.ValAddress                  // last (bonded) validator set
	jailed     []sdk.ConsAddress                 // every Jail call, in order
}

var _ types.StakingKeeper = (*fakeStaking)(nil)

func newFakeStaking() *fakeStaking {
	return &fakeStaking{validators: map[string]stakingtypes.Validator{}}
}

// addValidator registers a validator operated by operator. A bonded validator
// is also put in the last validator set.
func (f *fakeStaking) addValidator(t testing.TB, operator sdk.AccAddress, status stakingtypes.BondStatus, jailed bool) stakingtypes.Validator {
	t.Helper()
	valAddr := sdk.ValAddress(operator)
	opStr, err := addresscodec.NewBech32Codec(valPrefix).BytesToString(valAddr)
	require.NoError(t, err)
	pk := ed25519.GenPrivKeyFromSecret(operator).PubKey()
	val, err := stakingtypes.NewValidator(opStr, pk, stakingtypes.Description{Moniker: opStr})
	require.NoError(t, err)
	val.Status = status
	val.Jailed = jailed
	f.validators[string(valAddr)] = val
	if status == stakingtypes.Bonded {
		f.last = append(f.last, valAddr)
	}
	return val
}

func (f *fakeStaking) GetValidator(_ context.Context, addr sdk.ValAddress) (stakingtypes.Validator, error) {
	v, ok := f.validators[string(addr)]
	if !ok {
		return stakingtypes.Validator{}, stakingtypes.ErrNoValidatorFound
	}
	return v, nil
}

func (f *fakeStaking) GetLastValidators(_ context.Context) ([]stakingtypes.Validator, error) {
	out := make([]stakingtypes.Validator, 0, len(f.last))
	for _, a := range f.last {
		out = append(out, f.validators[string(a)])
	}
	return out, nil
}

func (f *fakeStaking) Jail(_ context.Context, consAddr sdk.ConsAddress) error {
	for k, v := range f.validators {
		ca, err := v.GetConsAddr()
		if err != nil {
			return err
		}
		if bytes.Equal(ca, consAddr) {
			if v.Jailed {
				return fmt.Errorf("fake staking: validator %s already jailed", v.OperatorAddress)
			}
			v.Jailed = true
			f.validators[k] = v
			f.jailed = append(f.jailed, consAddr)
			return nil
		}
	}
	return fmt.Errorf("fake staking: no validator with consensus address %X", []byte(consAddr))
}

func (f *fakeStaking) isJailed(operator sdk.AccAddress) bool {
	return f.validators[string(sdk.ValAddress(operator))].Jailed
}

// snapshot returns the fake's observable state, for unchanged-state checks.
func (f *fakeStaking) snapshot() []string {
	out := make([]string, 0, len(f.validators)+len(f.jailed))
	for _, v := range f.validators {
		out = append(out, fmt.Sprintf("validator %s status=%s jailed=%t", v.OperatorAddress, v.Status, v.Jailed))
	}
	slices.Sort(out)
	for _, ca := range f.jailed {
		out = append(out, fmt.Sprintf("jail %X", []byte(ca)))
	}
	return out
}

// ---------------------------------------------------------------------------
// suite
// ---------------------------------------------------------------------------

type KeeperTestSuite struct {
	suite.Suite

	key         *storetypes.KVStoreKey
	ctx         sdk.Context
	cdc         codec.Codec
	ac          address.Codec
	staking     *fakeStaking
	keeper      keeper.Keeper
	msgServer   types.MsgServer
	queryServer types.QueryServer

	govAddr      string // the keeper's fallback authority
	multisigAddr string // a consensus-params authority
}

func TestKeeperTestSuite(t *testing.T) {
	suite.Run(t, new(KeeperTestSuite))
}

func (s *KeeperTestSuite) SetupTest() {
	s.key = storetypes.NewKVStoreKey(types.StoreKey)
	tkey := storetypes.NewTransientStoreKey("transient_test")
	s.ctx = testutil.DefaultContextWithDB(s.T(), s.key, tkey).Ctx.
		WithBlockTime(blockTime).
		WithBlockHeight(42).
		WithEventManager(sdk.NewEventManager())

	encCfg := moduletestutil.MakeTestEncodingConfig()
	types.RegisterInterfaces(encCfg.InterfaceRegistry)
	s.cdc = encCfg.Codec
	s.ac = addresscodec.NewBech32Codec(accPrefix)

	var err error
	s.govAddr, err = s.ac.BytesToString(authtypes.NewModuleAddress("gov"))
	s.Require().NoError(err)
	s.multisigAddr = s.addrStr(testAddr("founders-multisig"))

	s.staking = newFakeStaking()
	s.keeper = keeper.NewKeeper(s.cdc, runtime.NewKVStoreService(s.key), s.ac, s.govAddr, s.staking)
	s.msgServer = keeper.NewMsgServerImpl(s.keeper)
	s.queryServer = keeper.NewQueryServerImpl(s.keeper)
}

func (s *KeeperTestSuite) addrStr(a sdk.AccAddress) string {
	str, err := s.ac.BytesToString(a)
	s.Require().NoError(err)
	return str
}

// admitMsg is a valid MsgAdmitMember for addr signed by the fallback authority.
func (s *KeeperTestSuite) admitMsg(addr sdk.AccAddress, name string, roles ...types.Role) *types.MsgAdmitMember {
	return &types.MsgAdmitMember{
		Authority: s.govAddr,
		Address:   s.addrStr(addr),
		Name:      name,
		Roles:     roles,
		NPI:       cstestutil.NPI(addr),
	}
}

// admit admits a member through the Msg service and fails the test on error.
func (s *KeeperTestSuite) admit(addr sdk.AccAddress, name string, roles ...types.Role) {
	s.T().Helper()
	_, err := s.msgServer.AdmitMember(s.ctx, s.admitMsg(addr, name, roles...))
	s.Require().NoError(err)
}

func (s *KeeperTestSuite) suspend(addr sdk.AccAddress, reason string) {
	s.T().Helper()
	_, err := s.msgServer.SuspendMember(s.ctx, &types.MsgSuspendMember{Authority: s.govAddr, Address: s.addrStr(addr), Reason: reason})
	s.Require().NoError(err)
}

// stateDump is a full export of the module's state.
type stateDump struct {
	Genesis   *types.GenesisState
	RoleIndex []string // "role/address"
	RawKV     []string // hex key = hex value, every entry of the module store
	Staking   []string
}

func (s *KeeperTestSuite) dumpState() stateDump {
	s.T().Helper()
	gs, err := s.keeper.ExportGenesis(s.ctx)
	s.Require().NoError(err)
	var idx []string
	s.Require().NoError(s.keeper.RoleIndex.Walk(s.ctx, nil, func(k collections.Pair[int32, sdk.AccAddress]) (bool, error) {
		idx = append(idx, fmt.Sprintf("%s/%s", types.Role(k.K1()).ShortName(), s.addrStr(k.K2())))
		return false, nil
	}))
	var raw []string
	it := s.ctx.KVStore(s.key).Iterator(nil, nil)
	defer it.Close()
	for ; it.Valid(); it.Next() {
		raw = append(raw, fmt.Sprintf("%X=%X", it.Key(), it.Value()))
	}
	return stateDump{Genesis: gs, RoleIndex: idx, RawKV: raw, Staking: s.staking.snapshot()}
}

// roleIndex returns the role index as (role short name -> addresses).
func (s *KeeperTestSuite) roleIndex() map[string][]string {
	s.T().Helper()
	out := map[string][]string{}
	s.Require().NoError(s.keeper.RoleIndex.Walk(s.ctx, nil, func(k collections.Pair[int32, sdk.AccAddress]) (bool, error) {
		r := types.Role(k.K1()).ShortName()
		out[r] = append(out[r], s.addrStr(k.K2()))
		return false, nil
	}))
	return out
}

// moduleEvents returns the types of the events of this module emitted on s.ctx.
func (s *KeeperTestSuite) moduleEvents() []string {
	var out []string
	for _, e := range s.ctx.EventManager().Events() {
		if strings.HasPrefix(e.Type, "healthd.consortium.") {
			out = append(out, e.Type)
		}
	}
	return out
}

// typedEvent returns the one typed event of type typ emitted on s.ctx.
func (s *KeeperTestSuite) typedEvent(typ string) any {
	s.T().Helper()
	var found []any
	for _, e := range s.ctx.EventManager().ABCIEvents() {
		if e.Type != typ {
			continue
		}
		msg, err := sdk.ParseTypedEvent(e)
		s.Require().NoError(err)
		found = append(found, msg)
	}
	s.Require().Len(found, 1, "want exactly one %s event", typ)
	return found[0]
}

// requireRefused checks that err is (wraps) want, and that the state and the
// emitted events are those of before.
func (s *KeeperTestSuite) requireRefused(err, want error, before stateDump) {
	s.T().Helper()
	s.Require().Error(err)
	s.Require().ErrorIs(err, want)
	s.Require().Equal(before, s.dumpState(), "state changed although the message was refused")
	s.Require().Empty(s.moduleEvents(), "a refused message emitted events")
}

// freshEvents gives the context a new, empty event manager.
func (s *KeeperTestSuite) freshEvents() {
	s.ctx = s.ctx.WithEventManager(sdk.NewEventManager())
}

// ---------------------------------------------------------------------------
// keeper construction
// ---------------------------------------------------------------------------

func (s *KeeperTestSuite) TestNewKeeperRefusesInvalidAuthority() {
	otherPrefix, err := addresscodec.NewBech32Codec("cosmos").BytesToString(testAddr("gov"))
	s.Require().NoError(err)
	for _, authority := range []string{"", otherPrefix, "not-an-address"} {
		s.Require().Panics(func() {
			keeper.NewKeeper(s.cdc, runtime.NewKVStoreService(s.key), s.ac, authority, nil)
		}, "authority %q", authority)
	}
	s.Require().Equal(s.govAddr, s.keeper.GetAuthority())
}
