package types_test

import (
	"crypto/sha256"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/healthchain/healthd/x/claims/types"
)

func hashOf(b []byte) []byte { h := sha256.Sum256(b); return h[:] }

// settledGenesis is validGenesis with claim 4 (PENDED) locked, claim 1 (PAID)
// revealed and claim 7 (DENIED) lapsed, all three settled by EVM_HTLC, and
// one more hashlock of claim 7 (a lock it had before).
func settledGenesis() (types.GenesisState, []byte) {
	gs := validGenesis()
	preimage := hashOf([]byte("preimage"))
	settle := func(id uint64, seed string, st types.SettlementStatus) types.Settlement {
		return types.Settlement{
			ClaimID: id, Hashlock: hashOf([]byte(seed)), EVMLockID: hashOf([]byte("lock " + seed)), EVMTimelock: 1_800_000_000,
			Deadline: 1_800_000_000 - 3600, EVMReceiver: "0x" + strings.Repeat("ab", 20), EVMToken: "0x" + strings.Repeat("0c", 20),
			EVMAmount: "1000000", Status: st,
		}
	}
	revealed := settle(1, "", types.SettlementStatus_SETTLEMENT_STATUS_REVEALED)
	revealed.Hashlock, revealed.Preimage = hashOf(preimage), preimage
	lapsed := settle(7, "lapsed", types.SettlementStatus_SETTLEMENT_STATUS_LAPSED)
	lapsed.LapsedReason = types.LapseDenied
	gs.Settlements = []types.Settlement{revealed, settle(4, "locked", types.SettlementStatus_SETTLEMENT_STATUS_LOCKED), lapsed}
	for _, i := range []int{0, 2, 5} { // claims 1, 4, 7
		gs.Claims[i].Settlement = types.SettlementMethod_SETTLEMENT_METHOD_EVM_HTLC
	}
	gs.Hashlocks = []types.HashlockEntry{
		{Hashlock: revealed.Hashlock, ClaimID: 1}, {Hashlock: gs.Settlements[1].Hashlock, ClaimID: 4},
		{Hashlock: lapsed.Hashlock, ClaimID: 7}, {Hashlock: hashOf([]byte("earlier")), ClaimID: 7},
	}
	return gs, preimage
}

func TestGenesisSettlements(t *testing.T) {
	gs, _ := settledGenesis()
	require.NoError(t, gs.Validate(ac))
	cases := []struct {
		name, want string
		edit       func(gs *types.GenesisState)
	}{
		{"hashlock 31 bytes", "31 bytes", func(gs *types.GenesisState) { gs.Hashlocks[3].Hashlock = gs.Hashlocks[3].Hashlock[:31] }},
		{"hashlock listed twice", "listed twice", func(gs *types.GenesisState) { gs.Hashlocks[3].Hashlock = gs.Hashlocks[0].Hashlock }},
		{"hashlock of a claim without settlement", "no settlement", func(gs *types.GenesisState) { gs.Hashlocks[3].ClaimID = 2 }},
		{"settlement not indexed", "not indexed", func(gs *types.GenesisState) { gs.Hashlocks = gs.Hashlocks[1:] }},
		{"settlement indexed under another claim", "not indexed", func(gs *types.GenesisState) { gs.Hashlocks[1].ClaimID = 7 }},
		{"settlement of an unknown claim", "unknown claim", func(gs *types.GenesisState) {
			gs.Settlements[1].ClaimID, gs.Hashlocks[1].ClaimID = 3, 3
		}},
		{"two settlements of a claim", "listed twice", func(gs *types.GenesisState) {
			gs.Settlements[2].ClaimID, gs.Hashlocks[2].ClaimID, gs.Hashlocks[3].ClaimID = 4, 4, 4
		}},
		{"locked on a paid claim", "locked but the claim", func(gs *types.GenesisState) { gs.Claims[2].Status = types.ClaimStatus_CLAIM_STATUS_DENIED }},
		{"locked on an escrow claim", "locked but the claim", func(gs *types.GenesisState) { gs.Claims[2].Settlement = 0 }},
		{"revealed on a pended claim", "revealed but the claim", func(gs *types.GenesisState) { gs.Claims[0].Status = types.ClaimStatus_CLAIM_STATUS_PENDED }},
		{"revealed with a wrong preimage", "preimage does not open", func(gs *types.GenesisState) { gs.Settlements[0].Preimage = hashOf([]byte("x")) }},
		{"locked with a preimage", "no preimage", func(gs *types.GenesisState) { gs.Settlements[1].Preimage = hashOf([]byte("x")) }},
		{"lapsed without a reason", "lapse reason", func(gs *types.GenesisState) { gs.Settlements[2].LapsedReason = "" }},
		{"no status", "status", func(gs *types.GenesisState) { gs.Settlements[1].Status = 0 }},
		{"deadline at the timelock", "before the timelock", func(gs *types.GenesisState) { gs.Settlements[1].Deadline = gs.Settlements[1].EVMTimelock }},
		{"receiver in upper case", "lower case", func(gs *types.GenesisState) { gs.Settlements[1].EVMReceiver = "0x" + strings.Repeat("AB", 20) }},
		{"amount zero", "evm_amount", func(gs *types.GenesisState) { gs.Settlements[1].EVMAmount = "0" }},
		{"lock id 33 bytes", "evm_lock_id", func(gs *types.GenesisState) { gs.Settlements[1].EVMLockID = append(gs.Settlements[1].EVMLockID, 1) }},
		{"bad settlement method", "settlement method", func(gs *types.GenesisState) { gs.Claims[1].Settlement = 9 }},
		{"bad plan settlement method", "settlement method", func(gs *types.GenesisState) { gs.Plans[0].Settlement = 9 }},
	}
	for _, tc := range cases {
		gs, _ := settledGenesis()
		tc.edit(&gs)
		err := gs.Validate(ac)
		require.ErrorIs(t, err, types.ErrInvalidGenesis, tc.name)
		require.ErrorContains(t, err, tc.want, tc.name)
	}
}

func TestSettlementDeadline(t *testing.T) {
	d, ok := types.SettlementDeadline(10_000, 3600)
	require.True(t, ok)
	require.Equal(t, uint64(6400), d)
	_, ok = types.SettlementDeadline(3600, 3600)
	require.False(t, ok, "no deadline at or before 0")
}

func TestNormalizeEVMAddress(t *testing.T) {
	got, err := types.NormalizeEVMAddress("evm_token", "0xAbCdEf0123456789aBcDeF0123456789AbCdEf01")
	require.NoError(t, err)
	require.Equal(t, "0xabcdef0123456789abcdef0123456789abcdef01", got)
	for _, bad := range []string{"", "0x", "AbCdEf0123456789aBcDeF0123456789AbCdEf0123", "0X" + strings.Repeat("a", 40),
		"0x" + strings.Repeat("a", 39), "0x" + strings.Repeat("a", 41), "0x" + strings.Repeat("0", 40), " 0x" + strings.Repeat("a", 40)} {
		_, err := types.NormalizeEVMAddress("evm_token", bad)
		require.ErrorIs(t, err, types.ErrInvalidSettlement, bad)
	}
}

func TestValidateEVMAmount(t *testing.T) {
	for _, good := range []string{"1", "24000000", "115792089237316195423570985008687907853269984665640564039457584007913129639935"} {
		require.NoError(t, types.ValidateEVMAmount(good), good)
	}
	for _, bad := range []string{"", "0", "00", "01", "-1", "+1", "1.0", "1e6", " 1", "0x10",
		"115792089237316195423570985008687907853269984665640564039457584007913129639936", strings.Repeat("9", 79)} {
		require.ErrorIs(t, types.ValidateEVMAmount(bad), types.ErrInvalidSettlement, bad)
	}
}
