package keeper_test

import (
	"fmt"
	"testing"
	"time"

	"cosmossdk.io/collections"
	"github.com/stretchr/testify/require"

	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"

	"github.com/healthchain/healthd/internal/testkit"
	consortiumtypes "github.com/healthchain/healthd/x/consortium/types"
	"github.com/healthchain/healthd/x/drugtrace/types"
)

// benchWorld is an environment with a manufacturer and one registered product.
type benchWorld struct {
	*env
	mfr string
}

func newBenchWorld(tb testing.TB) *benchWorld {
	tb.Helper()
	mfrAddr := testkit.Addr("bench-manufacturer")
	e := newEnv(tb)
	e.members.Admit(mfrAddr, consortiumtypes.Role_ROLE_MANUFACTURER)
	e.members.SetCompanyPrefixes(mfrAddr, prefixM)
	mfr := testkit.String(mfrAddr)
	_, err := e.ms.RegisterProduct(e.ctx, &types.MsgRegisterProduct{Manufacturer: mfr, GTIN: gtinA, Name: "Bench"})
	require.NoError(tb, err)
	return &benchWorld{env: e, mfr: mfr}
}

// benchSerial is the i-th serial; all have the same length, so every unit
// costs the same gas to read.
func benchSerial(i int) string { return fmt.Sprintf("S%08d", i) }

// seedUnits writes n ACTIVE units of gtinA/lot held by the manufacturer
// straight into the Units and UnitsByLot collections, exactly as Commission
// stores them (TestSeedUnitsMatchesCommission checks this), without the
// history and events Commission also writes.
func (w *benchWorld) seedUnits(tb testing.TB, lot string, from, n int) {
	tb.Helper()
	expiry, err := types.ParseExpiryDate(stdExpiry)
	require.NoError(tb, err)
	now := w.ctx.BlockTime()
	for i := from; i < from+n; i++ {
		sr := benchSerial(i)
		u := types.Unit{GTIN: gtinA, Serial: sr, Lot: lot, Expiry: expiry, Status: types.UnitStatus_UNIT_STATUS_ACTIVE,
			Custodian: w.mfr, CommissionedAt: now}
		if err := w.k.Units.Set(w.ctx, collections.Join(gtinA, sr), u); err != nil {
			tb.Fatal(err)
		}
		if err := w.k.UnitsByLot.Set(w.ctx, collections.Join3(gtinA, lot, sr)); err != nil {
			tb.Fatal(err)
		}
	}
}

// TestSeedUnitsMatchesCommission: the benchmark's shortcut stores the same
// bytes in Units and UnitsByLot as Commission, and Verify reads them alike.
func TestSeedUnitsMatchesCommission(t *testing.T) {
	seeded, commissioned := newBenchWorld(t), newBenchWorld(t)
	const n = 50
	seeded.seedUnits(t, lotA, 0, n)
	sers := make([]string, n)
	for i := range sers {
		sers[i] = benchSerial(i)
	}
	_, err := commissioned.ms.Commission(commissioned.ctx, &types.MsgCommission{Manufacturer: commissioned.mfr, GTIN: gtinA, Lot: lotA, Expiry: stdExpiry, Serials: sers})
	require.NoError(t, err)

	units := []collections.Prefix{types.UnitsKey, types.UnitsByLotKey}
	require.Equal(t, testkit.Dump(commissioned.ctx, commissioned.key, units...), testkit.Dump(seeded.ctx, seeded.key, units...))
	require.Len(t, testkit.Dump(seeded.ctx, seeded.key, units...), 2*n)

	for _, w := range []*benchWorld{seeded, commissioned} {
		res, err := w.qs.Verify(w.ctx, &types.QueryVerifyRequest{Unit: unitRef(gtinA, benchSerial(7)), Asker: w.mfr})
		require.NoError(t, err)
		require.Equal(t, types.Verdict_VERDICT_AUTHENTIC_SALEABLE, res.Verdict)
	}
}

// verifyGas returns the gas one Verify of serial i consumes.
func (w *benchWorld) verifyGas(tb testing.TB, i int) uint64 {
	ctx := w.ctx.WithGasMeter(storetypes.NewInfiniteGasMeter())
	res, err := w.qs.Verify(ctx, &types.QueryVerifyRequest{Unit: unitRef(gtinA, benchSerial(i)), Asker: w.mfr})
	if err != nil {
		tb.Fatal(err)
	}
	if res.Verdict != types.Verdict_VERDICT_AUTHENTIC_SALEABLE {
		tb.Fatalf("verdict %s", res.Verdict)
	}
	return ctx.GasMeter().GasConsumed()
}

// TestVerifyGasIndependentOfStateSize: a verdict costs the same gas with 100
// or 20,000 units in state, and a recall does not change that.
func TestVerifyGasIndependentOfStateSize(t *testing.T) {
	small, large := newBenchWorld(t), newBenchWorld(t)
	small.seedUnits(t, lotA, 0, 100)
	large.seedUnits(t, lotA, 0, 10_000)
	large.seedUnits(t, lotA2, 10_000, 10_000)
	g := small.verifyGas(t, 42)
	require.NotZero(t, g)
	require.Equal(t, g, large.verifyGas(t, 42))
	require.Equal(t, g, large.verifyGas(t, 19_999))
}

// BenchmarkVerify verifies units of a state holding 1,000 or 1,000,000 units.
func BenchmarkVerify(b *testing.B) {
	for _, n := range []int{1_000, 1_000_000} {
		b.Run(fmt.Sprintf("units=%d", n), func(b *testing.B) {
			w := newBenchWorld(b)
			start := time.Now()
			w.seedUnits(b, lotA, 0, n)
			b.Logf("seeded %d units in %s", n, time.Since(start).Round(time.Millisecond))

			var gas uint64
			iters := 0
			b.ReportAllocs()
			for b.Loop() {
				i := (iters * 7919) % n // spread the reads over the whole state
				ctx := w.ctx.WithGasMeter(storetypes.NewInfiniteGasMeter())
				res, err := w.qs.Verify(ctx, &types.QueryVerifyRequest{Unit: unitRef(gtinA, benchSerial(i)), Asker: w.mfr})
				if err != nil || res.Verdict != types.Verdict_VERDICT_AUTHENTIC_SALEABLE {
					b.Fatalf("verify %d: %v %v", i, res, err)
				}
				gas += ctx.GasMeter().GasConsumed()
				iters++
			}
			b.ReportMetric(float64(gas)/float64(iters), "gas/op")
		})
	}
}

// BenchmarkCommission commissions batches of 10,000 serials.
func BenchmarkCommission(b *testing.B) {
	const batch = 10_000
	b.Run(fmt.Sprintf("serials=%d", batch), func(b *testing.B) {
		w := newBenchWorld(b)
		var gas uint64
		iters := 0
		b.ReportAllocs()
		for b.Loop() {
			b.StopTimer()
			sers := make([]string, batch)
			for i := range sers {
				sers[i] = benchSerial(iters*batch + i)
			}
			ctx := w.ctx.WithGasMeter(storetypes.NewInfiniteGasMeter())
			b.StartTimer()
			res, err := w.ms.Commission(ctx, &types.MsgCommission{Manufacturer: w.mfr, GTIN: gtinA, Lot: lotA, Expiry: stdExpiry, Serials: sers})
			if err != nil || res.Commissioned != batch {
				b.Fatalf("commission: %v %v", res, err)
			}
			gas += ctx.GasMeter().GasConsumed()
			iters++
		}
		units := float64(iters * batch)
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/units, "ns/unit")
		b.ReportMetric(float64(gas)/units, "gas/unit")
	})
}
