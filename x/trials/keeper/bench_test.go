package keeper_test

import (
	"fmt"
	"testing"

	dbm "github.com/cosmos/cosmos-db"
	"github.com/stretchr/testify/require"

	"github.com/cosmos/cosmos-sdk/runtime"
	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/healthchain/healthd/internal/testkit"
	"github.com/healthchain/healthd/internal/testkit/members"
	consentkeeper "github.com/healthchain/healthd/x/consent/keeper"
	consenttypes "github.com/healthchain/healthd/x/consent/types"
	consortiumtypes "github.com/healthchain/healthd/x/consortium/types"
	"github.com/healthchain/healthd/x/trials/keeper"
	"github.com/healthchain/healthd/x/trials/types"
)

var benchSizes = []int{1, 1_000, 100_000}

// benchState is a recruiting trial with n subjects enrolled at one site, each
// under a live CLINTRL consent, and one more subject who consented and waits
// to be enrolled. It is loaded from genesis (x/consent's and x/trials') and
// committed, as a node holds it.
type benchState struct {
	ctx              sdk.Context
	ms               types.MsgServer
	site, sponsor    sdk.AccAddress
	enrolled, waiter sdk.AccAddress
}

var benchStates = map[int]*benchState{}

func benchSubject(i int) sdk.AccAddress { return testkit.Addr(fmt.Sprintf("bench-subject-%d", i)) }

func loadBenchState(b *testing.B, n int) *benchState {
	b.Helper()
	if st, ok := benchStates[n]; ok {
		return st
	}
	trialsKey, consKey, consortiumKey := storetypes.NewKVStoreKey(types.StoreKey), storetypes.NewKVStoreKey(consenttypes.StoreKey), members.NewKey()
	tc := testkit.NewContextOn(b, dbm.NewMemDB(), trialsKey, consKey, consortiumKey)
	ctx := tc.Ctx
	cdc := testkit.Codec(types.RegisterInterfaces, consenttypes.RegisterInterfaces, consortiumtypes.RegisterInterfaces)
	cons := members.New(b, cdc, consortiumKey, func() sdk.Context { return ctx })
	consent := consentkeeper.NewKeeper(cdc, runtime.NewKVStoreService(consKey), testkit.AddressCodec, testkit.Gov, cons.Keeper)
	k := keeper.NewKeeper(cdc, runtime.NewKVStoreService(trialsKey), testkit.AddressCodec, testkit.Gov, cons.Keeper, consent)

	st := &benchState{site: testkit.Addr("bench-site"), sponsor: testkit.Addr("bench-sponsor"), enrolled: benchSubject(n / 2), waiter: benchSubject(n)}
	irb := testkit.Addr("bench-irb")
	cons.Admit(st.site, consortiumtypes.Role_ROLE_HOSPITAL)
	cons.Admit(st.sponsor, consortiumtypes.Role_ROLE_RESEARCH_SPONSOR)
	cons.Admit(irb, consortiumtypes.Role_ROLE_ETHICS_COMMITTEE)

	now := ctx.BlockTime()
	end := now.Add(365 * day)
	siteStr := testkit.String(st.site)
	cgs := consenttypes.DefaultGenesisState()
	tgs := types.DefaultGenesisState()
	tgs.Trials = []types.Trial{{
		ID: 1, RegistryID: nct, Title: "Bench", Phase: types.Phase_PHASE_PHASE_3, Sponsor: testkit.String(st.sponsor),
		Sites: []string{siteStr}, EthicsCommittee: testkit.String(irb), TargetEnrolment: uint32(n + 1),
		Outcomes:        []types.Outcome{{Number: 1, Kind: types.OutcomeKind_OUTCOME_KIND_PRIMARY, Measure: "m", TimeFrame: "t"}},
		ConsentCategory: category, PrimaryCompletion: end, Status: types.TrialStatus_TRIAL_STATUS_RECRUITING,
		CurrentVersion: 1, LatestVersion: 1, Enrolled: uint64(n), RegisteredAt: now, RegistryClaim: types.RegistryClaim_REGISTRY_CLAIM_HELD,
	}}
	tgs.Versions = []types.ProtocolVersion{{TrialID: 1, Number: 1, Commitment: commitment("p"), CID: cid("p"),
		Status: types.VersionStatus_VERSION_STATUS_APPROVED, SubmittedAt: now, DecidedBy: testkit.String(irb), DecidedAt: &now}}
	for i := 0; i <= n; i++ {
		subj := testkit.String(benchSubject(i))
		id := uint64(i + 1)
		cgs.Consents = append(cgs.Consents, consenttypes.Consent{ID: id, Patient: subj, Grantee: siteStr, Purpose: "CLINTRL",
			Categories: []string{category}, Start: now, End: end, Status: consenttypes.ConsentStatus_CONSENT_STATUS_ACTIVE,
			GrantedBy: subj, GrantedAt: now, Version: 1})
		e := types.Enrolment{TrialID: 1, Subject: subj, Site: siteStr, Status: types.EnrolmentStatus_ENROLMENT_STATUS_ENROLLED,
			ConsentedVersion: 1, ConsentID: id, Purpose: "CLINTRL", EnrolledVersion: 1, ConsentedAt: now, EnrolledAt: &now}
		if i == n {
			e.Status, e.EnrolledVersion, e.EnrolledAt = types.EnrolmentStatus_ENROLMENT_STATUS_CONSENTED, 0, nil
		}
		tgs.Enrolments = append(tgs.Enrolments, e)
	}
	cgs.NextConsentID, tgs.NextTrialID = uint64(n+2), 2
	// Through a cache, as a block writes: sorted, batched writes to the tree.
	block := tc.CMS.CacheMultiStore()
	gctx := ctx.WithMultiStore(block)
	require.NoError(b, consent.InitGenesis(gctx, cgs))
	require.NoError(b, k.InitGenesis(gctx, tgs))
	block.Write()
	tc.CMS.Commit()
	st.ctx, st.ms = ctx, keeper.NewMsgServerImpl(k)
	benchStates[n] = st
	return st
}

// run runs fn on a fresh branch of the state per iteration (as a transaction
// runs), reporting its gas.
func (st *benchState) run(b *testing.B, fn func(sdk.Context) error) {
	b.ReportAllocs()
	var gas storetypes.Gas
	b.ResetTimer()
	for range b.N {
		ctx, _ := st.ctx.CacheContext()
		ctx = ctx.WithGasMeter(storetypes.NewInfiniteGasMeter()).WithEventManager(sdk.NewEventManager())
		if err := fn(ctx); err != nil {
			b.Fatal(err)
		}
		gas = ctx.GasMeter().GasConsumed()
	}
	b.ReportMetric(float64(gas), "gas/op")
}

// BenchmarkRecordData: the data-capture check (enrolment, site, live consent,
// re-consent) and the anchor cost the same with 1 or 100,000 subjects.
func BenchmarkRecordData(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("subjects=%d", n), func(b *testing.B) {
			st := loadBenchState(b, n)
			msg := &types.MsgRecordData{Site: testkit.String(st.site), TrialID: 1, Subject: testkit.String(st.enrolled), Visit: "V1",
				Commitment: commitment("crf"), CID: cid("crf")}
			st.run(b, func(ctx sdk.Context) error { _, err := st.ms.RecordData(ctx, msg); return err })
		})
	}
}

// BenchmarkEnrolSubject: enrolment costs the same with 1 or 100,000 subjects.
func BenchmarkEnrolSubject(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("subjects=%d", n), func(b *testing.B) {
			st := loadBenchState(b, n)
			msg := &types.MsgEnrolSubject{Site: testkit.String(st.site), TrialID: 1, Subject: testkit.String(st.waiter)}
			st.run(b, func(ctx sdk.Context) error { _, err := st.ms.EnrolSubject(ctx, msg); return err })
		})
	}
}
