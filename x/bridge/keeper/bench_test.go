package keeper_test

import (
	"fmt"
	"testing"
	"time"

	"cosmossdk.io/collections"
	"github.com/stretchr/testify/require"

	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"

	channeltypes "github.com/cosmos/ibc-go/v11/modules/core/04-channel/types"

	"github.com/healthchain/healthd/internal/testkit"
	"github.com/healthchain/healthd/x/bridge/types"
	drugtracetypes "github.com/healthchain/healthd/x/drugtrace/types"
)

// benchFirstID is the first prescription id (and the fake channel keeper's
// first sequence) of the benchmarks: every id and sequence from it to
// 2,097,151 has a 3-byte varint, so each operation stores the same number of
// bytes (and pays the same gas) whichever prescription it uses.
const benchFirstID = 1_000_000

// patientOf is the i-th generated patient account.
func patientOf(e *env, i int) string { return e.addr(testkit.Addr(fmt.Sprintf("patient-%d", i))) }

// openPrescription is prescription id as recvPrescription opens it from
// hospital id source on chanA: rx GTIN, 1,000 units and 12 refills.
func openPrescription(e *env, id, source uint64, patient string, validUntil time.Time) types.Prescription {
	return types.Prescription{
		ID: id, Prescriber: e.addr(testkit.Addr("hospital")), Patient: patient, GTIN: rxGTIN, Quantity: 1000, Refills: 12,
		ValidUntil: validUntil, IssuedAt: e.ctx.BlockTime(), Status: types.PrescriptionStatus_PRESCRIPTION_STATUS_OPEN,
		ChannelID: chanA, CounterpartyChainID: cpA, SourceID: source,
	}
}

// seedOpenPrescriptions writes n open prescriptions, ids first.. (hospital id
// = id), patient i for the i-th, straight into the collections recvPrescription
// writes (TestSeededPrescriptionsMatchReceived checks the bytes are the same).
func seedOpenPrescriptions(tb testing.TB, e *env, first uint64, n int, validUntil time.Time) []string {
	tb.Helper()
	patients := make([]string, n)
	for i := range n {
		id := first + uint64(i)
		patients[i] = patientOf(e, i)
		p := openPrescription(e, id, id, patients[i], validUntil)
		require.NoError(tb, e.k.Prescriptions.Set(e.ctx, id, p))
		require.NoError(tb, e.k.PrescriptionsByPatient.Set(e.ctx, collections.Join(p.Patient, id)))
		require.NoError(tb, e.k.OpenBySource.Set(e.ctx, collections.Join(cpA, id), id))
	}
	require.NoError(tb, e.k.PrescriptionSeq.Set(e.ctx, first+uint64(n))) // the next id
	return patients
}

// seedLot writes lot index entries (gtin, lot, patient i) for i in from..from+n-1,
// as recvDispense does (TestSeededLotIndexMatchesReceived).
func seedLot(tb testing.TB, e *env, gtin, lot string, from, n int) {
	tb.Helper()
	for i := from; i < from+n; i++ {
		require.NoError(tb, e.k.DispensedByLot.Set(e.ctx, collections.Join3(gtin, lot, patientOf(e, i))))
	}
}

// seedOtherLots writes n lot index entries, each of another lot of the rx
// GTIN, half sorting before lot A and half after it.
func seedOtherLots(tb testing.TB, e *env, n int) {
	tb.Helper()
	for i := range n {
		lot := fmt.Sprintf("%c%07d", "AZ"[i%2], i)
		require.NoError(tb, e.k.DispensedByLot.Set(e.ctx, collections.Join3(rxGTIN, lot, patientOf(e, 1_000_000+i))))
	}
}

// commit commits the seeded state, so operations read it from the saved tree.
func commit(tb testing.TB, e *env) {
	tb.Helper()
	start := time.Now()
	e.cms.Commit()
	tb.Logf("committed in %s", time.Since(start).Round(time.Millisecond))
}

// dispenseWorld is a pharma chain holding n open prescriptions.
type dispenseWorld struct {
	*env
	patients []string
}

func newDispenseWorld(tb testing.TB, n int) *dispenseWorld {
	tb.Helper()
	e := newEnv(tb, pharma)
	e.ics4.base, e.ics4.discard = benchFirstID, true
	start := time.Now()
	patients := seedOpenPrescriptions(tb, e, benchFirstID, n, blockTime.Add(300*day))
	tb.Logf("seeded %d open prescriptions in %s", n, time.Since(start).Round(time.Millisecond))
	commit(tb, e)
	return &dispenseWorld{env: e, patients: patients}
}

// dispensation of a unit against the i-th prescription.
func (w *dispenseWorld) dispensation(i int) drugtracetypes.Dispensation {
	return drugtracetypes.Dispensation{
		Pharmacy: w.addr(testkit.Addr("pharmacy")), Patient: w.patients[i], PrescriptionID: benchFirstID + uint64(i),
		Product: drugtracetypes.Product{GTIN: rxGTIN, NDC: rxNDC, PrescriptionOnly: true},
		Unit:    drugtracetypes.Unit{GTIN: rxGTIN, Serial: "S00000001", Lot: lotA, Expiry: expiry},
	}
}

// dispenseGas runs BeforeDispense for the i-th prescription on a branch that
// is then dropped (the state keeps its size) and returns the gas it used.
func (w *dispenseWorld) dispenseGas(tb testing.TB, i int) uint64 {
	ctx, _ := w.ctx.CacheContext()
	ctx = ctx.WithGasMeter(storetypes.NewInfiniteGasMeter())
	if err := w.k.BeforeDispense(ctx, w.dispensation(i)); err != nil {
		tb.Fatal(err)
	}
	return ctx.GasMeter().GasConsumed()
}

// recallWorld is a hospital chain whose lot index holds affected patients
// of (rx, lot A) and n entries of other lots.
type recallWorld struct {
	*env
	packet   channeltypes.Packet
	affected int
}

const recallAffected = 10

func newRecallWorld(tb testing.TB, n, affected int) *recallWorld {
	tb.Helper()
	e := newEnv(tb, hospital)
	start := time.Now()
	seedOtherLots(tb, e, n)
	seedLot(tb, e, rxGTIN, lotA, 0, affected)
	tb.Logf("seeded %d lot index entries in %s", n+affected, time.Since(start).Round(time.Millisecond))
	commit(tb, e)
	data, err := types.EncodePacket(types.PacketData{Flow: &types.PacketData_Recall{Recall: &types.RecallPacket{
		GTIN: rxGTIN, Lot: lotA, Reason: "contamination", RecalledAt: blockTime.Unix(),
	}}})
	require.NoError(tb, err)
	return &recallWorld{env: e, packet: incoming(data, chanA, 1), affected: affected}
}

// recallGas receives the recall notice on a dropped branch (so every run
// notifies the same patients again) and returns the gas it used. It notifies
// at most MaxRecallNotificationsPerBlock patients.
func (w *recallWorld) recallGas(tb testing.TB) uint64 {
	ctx, _ := w.ctx.CacheContext()
	ctx = ctx.WithGasMeter(storetypes.NewInfiniteGasMeter())
	ack, err := w.k.OnRecvPacket(ctx, w.packet)
	if err != nil {
		tb.Fatal(err)
	}
	now := min(w.affected, types.MaxRecallNotificationsPerBlock)
	if int(ack.GetRecall().Patients) != now || len(ctx.EventManager().Events()) != now {
		tb.Fatalf("notified %d patients, %d events; want %d", ack.GetRecall().Patients, len(ctx.EventManager().Events()), now)
	}
	return ctx.GasMeter().GasConsumed()
}

// receiveRecall receives the recall notice for good (and commits it), so the
// EndBlocker has the rest of the lot to notify.
func (w *recallWorld) receiveRecall(tb testing.TB) {
	tb.Helper()
	if _, err := w.k.OnRecvPacket(w.ctx, w.packet); err != nil {
		tb.Fatal(err)
	}
	commit(tb, w.env)
}

// endBlockGas runs the EndBlocker on a dropped branch and returns the gas it
// used; it notifies at most MaxRecallNotificationsPerBlock patients.
func (w *recallWorld) endBlockGas(tb testing.TB, want int) uint64 {
	ctx, _ := w.ctx.CacheContext()
	ctx = ctx.WithGasMeter(storetypes.NewInfiniteGasMeter())
	if err := w.k.EndBlock(ctx); err != nil {
		tb.Fatal(err)
	}
	if n := len(ctx.EventManager().Events()); n != want {
		tb.Fatalf("EndBlock notified %d patients, want %d", n, want)
	}
	return ctx.GasMeter().GasConsumed()
}

// TestGasIndependentOfStateSize: a dispense against an open prescription and
// a recall notice cost the same gas whatever else is in state.
func TestGasIndependentOfStateSize(t *testing.T) {
	small, large := newDispenseWorld(t, 1), newDispenseWorld(t, 3_000)
	g := small.dispenseGas(t, 0)
	require.NotZero(t, g)
	require.Equal(t, g, large.dispenseGas(t, 0))
	require.Equal(t, g, large.dispenseGas(t, 2_999))

	few, many := newRecallWorld(t, 1, recallAffected), newRecallWorld(t, 3_000, recallAffected)
	g = few.recallGas(t)
	require.NotZero(t, g)
	require.Equal(t, g, many.recallGas(t))
}

// TestRecallGasCapped: receiving a recall notice costs the same gas whether
// 300 or 3,000 patients received units of the lot (it notifies 200 and leaves
// a cursor), and so does each EndBlocker after it (450 or 3,000 patients:
// 200 notified either way). A lot dispensed to many patients never needs more
// gas than a block has.
func TestRecallGasCapped(t *testing.T) {
	cap_ := types.MaxRecallNotificationsPerBlock
	few, many := newRecallWorld(t, 1, 300), newRecallWorld(t, 1, 3_000)
	g := few.recallGas(t)
	require.NotZero(t, g)
	require.Equal(t, g, many.recallGas(t))

	// Fewer than the cap cost less: the cap is what bounds it.
	under := newRecallWorld(t, 1, cap_/2)
	require.Less(t, under.recallGas(t), g)

	few, many = newRecallWorld(t, 1, 450), newRecallWorld(t, 1, 3_000)
	few.receiveRecall(t)
	many.receiveRecall(t)
	g = few.endBlockGas(t, cap_)
	require.NotZero(t, g)
	require.Equal(t, g, many.endBlockGas(t, cap_))
}

// BenchmarkBeforeDispense dispenses against one of 1 or 100,000 open
// prescriptions (BeforeDispense: check, decrement, send the confirmation).
// Each operation runs on a branch that is dropped, so the state keeps its size.
func BenchmarkBeforeDispense(b *testing.B) {
	for _, n := range []int{1, 100_000} {
		b.Run(fmt.Sprintf("open=%d", n), func(b *testing.B) {
			w := newDispenseWorld(b, n)
			var gas uint64
			iters := 0
			b.ReportAllocs()
			for b.Loop() {
				gas += w.dispenseGas(b, (iters*7919)%n) // spread over the whole state
				iters++
			}
			b.ReportMetric(float64(gas)/float64(iters), "gas/op")
		})
	}
}

// BenchmarkRecvRecall receives a recall notice for a lot 10 (or 300, or
// 3,000) patients received while the lot index holds 1 or 100,000 entries of
// other lots. Past 200 patients the cost stays flat (the rest are notified by
// the EndBlocker).
func BenchmarkRecvRecall(b *testing.B) {
	for _, c := range []struct{ affected, n int }{{recallAffected, 1}, {recallAffected, 100_000}, {300, 1}, {3_000, 1}} {
		b.Run(fmt.Sprintf("affected=%d/otherlots=%d", c.affected, c.n), func(b *testing.B) {
			w := newRecallWorld(b, c.n, c.affected)
			var gas uint64
			iters := 0
			b.ReportAllocs()
			for b.Loop() {
				gas += w.recallGas(b)
				iters++
			}
			b.ReportMetric(float64(gas)/float64(iters), "gas/op")
		})
	}
}
