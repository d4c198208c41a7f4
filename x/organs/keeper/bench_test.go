package keeper_test

import (
	"fmt"
	"testing"
	"time"

	"cosmossdk.io/collections"

	"github.com/cosmos/cosmos-sdk/crypto/keys/secp256k1"
	"github.com/stretchr/testify/require"

	"github.com/healthchain/healthd/internal/isbt128"
	"github.com/healthchain/healthd/internal/testkit"
	consortiumtypes "github.com/healthchain/healthd/x/consortium/types"
	"github.com/healthchain/healthd/x/organs/types"
)

// benchDIN is the n-th DIN of facility B0007, year 26, with its check character.
func benchDIN(n int) string {
	d, err := isbt128.ParseNumber(fmt.Sprintf("B000726%06d", n))
	if err != nil {
		panic(err)
	}
	return d.String()
}

// benchState stores n waiting organs (one per donation, each with a match
// run of three and an open offer to rank 1) straight into the collections,
// and returns the bench's actors.
func benchState(b *testing.B, n int) (*env, string, string, string) {
	b.Helper()
	e := newEnv(b)
	opo, centre, courier := testkit.Addr("opo"), testkit.Addr("centre"), testkit.Addr("courier")
	e.members.Admit(opo, consortiumtypes.Role_ROLE_ORGAN_PROCUREMENT)
	e.members.Admit(centre, consortiumtypes.Role_ROLE_TRANSPLANT_CENTRE)
	e.members.Admit(courier, consortiumtypes.Role_ROLE_DISTRIBUTOR)
	opoS, centreS := testkit.String(opo), testkit.String(centre)
	t := testkit.BlockTime
	for i := range n {
		din := benchDIN(i + 1)
		require.NoError(b, e.k.Cases.Set(e.ctx, din, types.Case{DIN: din, OPO: opoS, OpenedAt: t, AuthorisationCommitment: commitment(din),
			ABO: types.ABO_ABO_O, ABORecordedBy: opoS, ABOConfirmedBy: testkit.String(testkit.Addr("second"))}))
		o := types.Organ{DIN: din, OrganType: kidneyL, Status: types.OrganStatus_ORGAN_STATUS_RECOVERED, CrossClamp: t,
			MaxColdIschaemia: 36 * time.Hour, Holder: opoS, Candidates: 3, NextRank: 1, OfferedRank: 1}
		require.NoError(b, e.k.Organs.Set(e.ctx, collections.Join(din, kidneyL), o))
		for r := uint32(1); r <= 3; r++ {
			c := types.Candidate{Rank: r, Commitment: commitment(fmt.Sprint(din, r)), Centre: centreS, ABO: types.ABO_ABO_A, Status: types.CandidateStatus_CANDIDATE_STATUS_PENDING}
			if r == 1 {
				c.Status, c.OfferedAt = types.CandidateStatus_CANDIDATE_STATUS_OFFERED, &t
			}
			require.NoError(b, e.k.Candidates.Set(e.ctx, collections.Join3(din, kidneyL, r), c))
		}
	}
	return e, opoS, centreS, testkit.String(courier)
}

var benchSizes = []int{1, 1_000, 100_000}

// BenchmarkHandOff offers custody of one organ among n and has it accepted,
// each pair on a branch that is then dropped.
func BenchmarkHandOff(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("organs=%d", n), func(b *testing.B) {
			e, opo, _, courier := benchState(b, n)
			din := benchDIN(n/2 + 1)
			b.ResetTimer()
			for range b.N {
				cc, _ := e.ctx.CacheContext()
				if _, err := e.ms.HandOff(cc, &types.MsgHandOff{Actor: opo, DIN: din, OrganType: kidneyL, To: courier}); err != nil {
					b.Fatal(err)
				}
				if _, err := e.ms.AcceptHandOff(cc, &types.MsgAcceptHandOff{Actor: courier, DIN: din, OrganType: kidneyL}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkHandOffLoggerSwap: a hand-off that puts the sender's logger in
// the container, accepted (the old logger's stay closed, the new one's
// opened), for one organ among n.
func BenchmarkHandOffLoggerSwap(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("organs=%d", n), func(b *testing.B) {
			e, opo, _, courier := benchState(b, n)
			din := benchDIN(n/2 + 1)
			for i, id := range []string{"TL-A", "TL-B"} {
				key := secp256k1.GenPrivKeyFromSecret([]byte(id))
				if _, err := e.ms.RegisterLogger(e.ctx, &types.MsgRegisterLogger{Actor: opo, Logger: id, PubKey: key.PubKey().Bytes()}); err != nil {
					b.Fatal(err)
				}
				if i == 0 {
					o, err := e.k.Organs.Get(e.ctx, collections.Join(din, kidneyL))
					require.NoError(b, err)
					o.Logger = id
					require.NoError(b, e.k.Organs.Set(e.ctx, collections.Join(din, kidneyL), o))
					require.NoError(b, e.k.Attachments.Set(e.ctx, collections.Join3(din, kidneyL, id),
						types.LoggerStays{Stays: []types.Attachment{{Logger: id, From: o.CrossClamp}}}))
				}
			}
			b.ResetTimer()
			for range b.N {
				cc, _ := e.ctx.CacheContext()
				if _, err := e.ms.HandOff(cc, &types.MsgHandOff{Actor: opo, DIN: din, OrganType: kidneyL, To: courier, Logger: "TL-B"}); err != nil {
					b.Fatal(err)
				}
				if _, err := e.ms.AcceptHandOff(cc, &types.MsgAcceptHandOff{Actor: courier, DIN: din, OrganType: kidneyL}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkOffer: the offer's order check refusing a skipped candidate, and
// a decline followed by the next offer, on one organ among n.
func BenchmarkOffer(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("organs=%d", n), func(b *testing.B) {
			e, opo, centre, _ := benchState(b, n)
			din := benchDIN(n/2 + 1)
			b.ResetTimer()
			for range b.N {
				cc, _ := e.ctx.CacheContext()
				if _, err := e.ms.Offer(cc, &types.MsgOffer{Actor: opo, DIN: din, OrganType: kidneyL, Rank: 3}); err == nil {
					b.Fatal("a skipped candidate was offered")
				}
				if _, err := e.ms.RespondOffer(cc, &types.MsgRespondOffer{Actor: centre, DIN: din, OrganType: kidneyL, Rank: 1,
					DeclineReason: types.DeclineReason_DECLINE_REASON_LOGISTICS}); err != nil {
					b.Fatal(err)
				}
				if _, err := e.ms.Offer(cc, &types.MsgOffer{Actor: opo, DIN: din, OrganType: kidneyL, Rank: 2}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkPostReadings: ten signed readings for one organ among n.
func BenchmarkPostReadings(b *testing.B) {
	for _, n := range []int{1, 1_000} {
		b.Run(fmt.Sprintf("organs=%d", n), func(b *testing.B) {
			e, opo, _, courier := benchState(b, n)
			key := secp256k1.GenPrivKeyFromSecret([]byte("bench-logger"))
			if _, err := e.ms.RegisterLogger(e.ctx, &types.MsgRegisterLogger{Actor: opo, Logger: "TL-B", PubKey: key.PubKey().Bytes()}); err != nil {
				b.Fatal(err)
			}
			din := benchDIN(1)
			o, err := e.k.Organs.Get(e.ctx, collections.Join(din, kidneyL))
			require.NoError(b, err)
			o.Logger = "TL-B"
			require.NoError(b, e.k.Organs.Set(e.ctx, collections.Join(din, kidneyL), o))
			require.NoError(b, e.k.Attachments.Set(e.ctx, collections.Join3(din, kidneyL, "TL-B"),
				types.LoggerStays{Stays: []types.Attachment{{Logger: "TL-B", From: o.CrossClamp}}}))
			rs := make([]types.Reading, 10)
			for i := range rs {
				rs[i] = reading(uint64(i+1), testkit.BlockTime, 450)
			}
			msg := readingsMsg(courier, "TL-B", din, kidneyL, chainID, key, rs...)
			b.ResetTimer()
			for range b.N {
				cc, _ := e.ctx.CacheContext()
				if _, err := e.ms.PostReadings(cc, msg); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
