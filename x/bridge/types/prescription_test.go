package types_test

import (
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/healthchain/healthd/x/bridge/types"
)

// TestPrescriptionTransitions: every pair of statuses, against the flows
// that move a prescription (see the table's comment).
func TestPrescriptionTransitions(t *testing.T) {
	const (
		none        = types.PrescriptionStatus_PRESCRIPTION_STATUS_UNSPECIFIED
		pending     = types.PrescriptionStatus_PRESCRIPTION_STATUS_PENDING
		open        = types.PrescriptionStatus_PRESCRIPTION_STATUS_OPEN
		undelivered = types.PrescriptionStatus_PRESCRIPTION_STATUS_UNDELIVERED
		refused     = types.PrescriptionStatus_PRESCRIPTION_STATUS_REFUSED
		closed      = types.PrescriptionStatus_PRESCRIPTION_STATUS_CLOSED
	)
	allowed := map[[2]types.PrescriptionStatus]bool{
		{none, pending}: true, {none, open}: true,
		{pending, open}: true, {pending, refused}: true, {pending, undelivered}: true, {pending, closed}: true,
		{undelivered, pending}: true,
		{open, closed}:         true,
	}
	all := []types.PrescriptionStatus{none, pending, open, undelivered, refused, closed}
	for _, from := range all {
		for _, to := range all {
			require.Equal(t, allowed[[2]types.PrescriptionStatus{from, to}], types.CanTransitionPrescription(from, to), "%s -> %s", from, to)
		}
	}
}

func TestPrescriptionRules(t *testing.T) {
	until := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	p := types.Prescription{GTIN: "09506000134352", Quantity: 2, Refills: 1, ValidUntil: until, Status: types.PrescriptionStatus_PRESCRIPTION_STATUS_OPEN}

	require.EqualValues(t, 4, p.Remaining())
	p.Dispensed = 3
	require.EqualValues(t, 1, p.Remaining())
	p.Dispensed = 9
	require.Zero(t, p.Remaining(), "more dispensed than allowed is none left, not a wrap")
	require.EqualValues(t, math.MaxUint32, types.Prescription{Quantity: math.MaxUint32, Refills: math.MaxUint32}.Remaining(), "saturates")

	require.True(t, p.ValidAt(until.Add(-time.Second)))
	require.False(t, p.ValidAt(until), "valid until, not through")

	require.True(t, p.MatchesProduct("09506000134352", "anything"), "a GTIN prescription matches the GTIN")
	require.False(t, p.MatchesProduct("04006381333931", ""))
	ndc := types.Prescription{NDC: "12345-678-90"}
	require.True(t, ndc.MatchesProduct("04006381333931", "12345-678-90"), "an NDC prescription matches any pack of the NDC")
	require.False(t, ndc.MatchesProduct("04006381333931", ""))
	require.False(t, types.Prescription{}.MatchesProduct("", ""), "a prescription naming nothing matches nothing")

	for status, want := range map[types.PrescriptionStatus]bool{
		types.PrescriptionStatus_PRESCRIPTION_STATUS_OPEN: true, types.PrescriptionStatus_PRESCRIPTION_STATUS_PENDING: true,
		types.PrescriptionStatus_PRESCRIPTION_STATUS_CLOSED: false, types.PrescriptionStatus_PRESCRIPTION_STATUS_REFUSED: false,
		types.PrescriptionStatus_PRESCRIPTION_STATUS_UNDELIVERED: false,
	} {
		require.Equal(t, want, types.Prescription{Status: status}.Dispensable(), status)
	}
}
