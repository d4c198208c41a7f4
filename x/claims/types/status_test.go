package types_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/healthchain/healthd/x/claims/types"
)

// TestCanTransitionMatrix checks every (from, to) pair against the lifecycle
// of the ClaimStatus comment in types.proto, where APPROVED and
// PARTIALLY_APPROVED are outcomes that end as PAID, or PAYABLE then PAID:
//
//	submit                      → PENDED | DENIED | PAYABLE | PAID
//	PENDED | APPEALED (review)  → DENIED | PAYABLE | PAID
//	PAYABLE                     → PAID
//	DENIED | PAYABLE | PAID     → APPEALED (a partial outcome, once)
//	PENDED | APPEALED | DENIED | PAYABLE → WITHDRAWN
//	PAYABLE (nothing paid)      → CANCELLED (payer)
func TestCanTransitionMatrix(t *testing.T) {
	const (
		unspecified = types.ClaimStatus_CLAIM_STATUS_UNSPECIFIED
		pended      = types.ClaimStatus_CLAIM_STATUS_PENDED
		approved    = types.ClaimStatus_CLAIM_STATUS_APPROVED
		partial     = types.ClaimStatus_CLAIM_STATUS_PARTIALLY_APPROVED
		denied      = types.ClaimStatus_CLAIM_STATUS_DENIED
		payable     = types.ClaimStatus_CLAIM_STATUS_PAYABLE
		paid        = types.ClaimStatus_CLAIM_STATUS_PAID
		appealed    = types.ClaimStatus_CLAIM_STATUS_APPEALED
		withdrawn   = types.ClaimStatus_CLAIM_STATUS_WITHDRAWN
		cancelled   = types.ClaimStatus_CLAIM_STATUS_CANCELLED
	)
	allowed := map[types.ClaimStatus][]types.ClaimStatus{
		unspecified: {pended, denied, payable, paid},
		pended:      {denied, payable, paid, withdrawn},
		appealed:    {denied, payable, paid, withdrawn},
		denied:      {appealed, withdrawn},
		payable:     {paid, appealed, withdrawn, cancelled},
		paid:        {appealed},
	}
	all := []types.ClaimStatus{unspecified, pended, approved, partial, denied, payable, paid, appealed, withdrawn, cancelled, types.ClaimStatus(99)}
	require.Len(t, types.ClaimStatus_name, len(all)-1, "a status was added: extend this matrix")
	count := 0
	for _, from := range all {
		for _, to := range all {
			want := false
			for _, s := range allowed[from] {
				want = want || s == to
			}
			if want {
				count++
			}
			require.Equal(t, want, types.CanTransition(from, to), "%s → %s", from, to)
		}
	}
	require.Equal(t, 19, count)
}
