package keeper_test

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"testing"

	"cosmossdk.io/collections"

	"github.com/cosmos/cosmos-sdk/codec"
	addresscodec "github.com/cosmos/cosmos-sdk/codec/address"
	"github.com/cosmos/cosmos-sdk/crypto/keys/ed25519"
	"github.com/cosmos/cosmos-sdk/runtime"
	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
	stakingtypes "github.com/cosmos/cosmos-sdk/x/staking/types"
	"github.com/cosmos/gogoproto/proto"
	"github.com/stretchr/testify/require"
	"github.com/stretchr/testify/suite"

	"github.com/healthchain/healthd/internal/testkit"
	"github.com/healthchain/healthd/x/consortium/keeper"
	cstestutil "github.com/healthchain/healthd/x/consortium/testutil"
	"github.com/healthchain/healthd/x/consortium/types"
)

const (
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

// blockTime is the block time of every test context.
var blockTime = testkit.BlockTime

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
	opStr, err := addresscodec.NewBech32Codec(sdk.GetConfig().GetBech32ValidatorAddrPrefix()).BytesToString(valAddr)
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
	s.ctx = testkit.NewContext(s.T(), s.key).Ctx
	s.cdc = testkit.Codec(types.RegisterInterfaces)
	s.govAddr = testkit.Gov
	s.multisigAddr = s.addrStr(testkit.Addr("founders-multisig"))

	s.staking = newFakeStaking()
	s.keeper = keeper.NewKeeper(s.cdc, runtime.NewKVStoreService(s.key), testkit.AddressCodec, s.govAddr, s.staking)
	s.msgServer = keeper.NewMsgServerImpl(s.keeper)
	s.queryServer = keeper.NewQueryServerImpl(s.keeper)
}

func (s *KeeperTestSuite) addrStr(a sdk.AccAddress) string { return testkit.String(a) }

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
	return stateDump{Genesis: gs, RoleIndex: idx, RawKV: testkit.Dump(s.ctx, s.key), Staking: s.staking.snapshot()}
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
	return testkit.EventTypes(s.ctx, "healthd.consortium.")
}

// event returns the one typed event of type T emitted on s.ctx.
func event[T proto.Message](s *KeeperTestSuite) T {
	s.T().Helper()
	evs := testkit.Events[T](s.ctx)
	s.Require().Len(evs, 1, "want exactly one %T event", *new(T))
	return evs[0]
}

// refuse runs fn as a transaction that must be refused with want, having
// changed neither the module store, the exported genesis nor the validators
// and emitted no event (testkit.Refused). It returns fn's error.
func (s *KeeperTestSuite) refuse(want error, fn func(sdk.Context) error) error {
	s.T().Helper()
	return testkit.Refused(s.T(), s.ctx, want, fn, testkit.Store(s.key), testkit.Genesis(s.keeper.ExportGenesis),
		func(sdk.Context) (any, error) { return s.staking.snapshot(), nil })
}

// freshEvents gives the context a new, empty event manager.
func (s *KeeperTestSuite) freshEvents() {
	s.ctx = s.ctx.WithEventManager(sdk.NewEventManager())
}

// ---------------------------------------------------------------------------
// keeper construction
// ---------------------------------------------------------------------------

func (s *KeeperTestSuite) TestNewKeeperRefusesInvalidAuthority() {
	for _, authority := range []string{"", testkit.OtherPrefix(testkit.Addr("gov")), "not-an-address"} {
		s.Require().Panics(func() {
			keeper.NewKeeper(s.cdc, runtime.NewKVStoreService(s.key), testkit.AddressCodec, authority, nil)
		}, "authority %q", authority)
	}
	s.Require().Equal(s.govAddr, s.keeper.GetAuthority())
}
