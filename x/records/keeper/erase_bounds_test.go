package keeper_test

import (
	"time"

	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	"github.com/cosmos/cosmos-sdk/types/query"

	"github.com/healthchain/healthd/internal/testkit"
	consenttypes "github.com/healthchain/healthd/x/consent/types"
	"github.com/healthchain/healthd/x/records/types"
)

// TestGrantLiveUntilItEnds: a grantee holding a live grant on a record
// version cannot ask for another (ErrGrantLive, nothing changed); once the
// grant has expired, or the consent behind it has ended, it can; a grant on
// another version, or another grantee's, is no obstacle.
func (s *KeeperTestSuite) TestGrantLiveUntilItEnds() {
	v1 := s.anchor(s.patient, "live")
	other := s.anchor(s.patient, "other")
	c := s.consentTo(s.patient, s.clinic, "TREAT", blockTime.Add(month))
	s.consentTo(s.patient, s.er, "TREAT", blockTime.Add(month))
	g := s.mustRequest(s.clinic, v1, "TREAT")

	s.freshEvents()
	err := s.refuse(types.ErrGrantLive, testkit.Call(s.ms.RequestAccess, s.requestMsg(s.clinic, v1, "TREAT")))
	s.Require().ErrorContains(err, "lasts until")
	s.mustRequest(s.clinic, other, "TREAT")  // another record
	s.mustRequest(s.er, v1, "TREAT")         // another grantee
	v2 := s.amend(s.hospital, v1, "live v2") // another version
	s.mustRequest(s.clinic, v2, "TREAT")

	// the consent behind the grant ends: the grant is no longer live, and a
	// request under a new consent makes a new grant before the old expiry
	_, err = s.consentMS.RevokeConsent(s.ctx, &consenttypes.MsgRevokeConsent{Signer: s.addr(s.patient), ConsentID: c,
		Reason: consenttypes.RevocationReason_REVOCATION_REASON_PATIENT_REQUEST})
	s.Require().NoError(err)
	s.consentTo(s.patient, s.clinic, "TREAT", blockTime.Add(month))
	s.Require().True(s.now().Before(g.ExpiresAt))
	again := s.mustRequest(s.clinic, v1, "TREAT")
	s.Require().Greater(again.GrantID, g.GrantID)
	gid, _ := s.latestGrant(v1, s.clinic)
	s.Require().Equal(again.GrantID, gid)
}

// eraseGas erases the chain of id as its patient in a fresh gas meter and
// returns the gas it used.
func (s *KeeperTestSuite) eraseGas(id uint64) uint64 {
	s.T().Helper()
	ctx := s.ctx.WithGasMeter(storetypes.NewInfiniteGasMeter())
	_, err := s.ms.EraseRecord(ctx, s.eraseMsg(s.patient, id))
	s.Require().NoError(err)
	return ctx.GasMeter().GasConsumed()
}

// TestEraseCostIndependentOfGrantHistory: erasing a record costs the same
// whether it was granted once or a hundred times (each grant ending before
// the next, as ErrGrantLive requires): the erasure walks the versions and
// their latest-grant entries (one per grantee), never the grant history.
// Every grant still shows, in the accounting, ended at the erasure, marked,
// without its category.
func (s *KeeperTestSuite) TestEraseCostIndependentOfGrantHistory() {
	const history = 100
	once := s.anchor(s.patient, "granted once")
	often := s.anchor(s.patient, "granted often")
	s.consentTo(s.patient, s.clinic, "TREAT", blockTime.Add(365*24*time.Hour))
	s.mustRequest(s.clinic, once, "TREAT")
	for range history {
		s.mustRequest(s.clinic, often, "TREAT")
		s.advance(24 * time.Hour) // access_ttl: the grant has expired
	}
	grants, err := s.qs.AccessGrants(s.ctx, &types.QueryAccessGrantsRequest{RecordId: often})
	s.Require().NoError(err)
	s.Require().Len(grants.Grants, history)

	gasOnce, gasOften := s.eraseGas(once), s.eraseGas(often)
	s.T().Logf("erase gas: 1 grant %d, %d grants %d", gasOnce, history, gasOften)
	s.Require().Equal(gasOnce, gasOften)

	d, err := s.qs.Disclosures(s.ctx, &types.QueryDisclosuresRequest{Patient: s.addr(s.patient), Pagination: &query.PageRequest{Limit: 2 * history}})
	s.Require().NoError(err)
	s.Require().Equal(history+1, len(d.Disclosures))
	for _, g := range d.Disclosures {
		s.Require().True(g.RecordErased, "grant %d", g.ID)
		s.Require().Empty(g.Category, "grant %d", g.ID)
		s.Require().False(g.ExpiresAt.After(s.now()), "grant %d ended by the erasure at the latest", g.ID)
		s.storedGrant(g.ID) // stored as granted
	}
}

// TestEraseNamesLatestVersion: an erasure names the newest version its
// signer saw. If the author amended the record since, it is refused
// (ErrNotLatestVersion) with nothing changed, and so is a version that does
// not exist yet; naming the current latest version erases every version.
func (s *KeeperTestSuite) TestEraseNamesLatestVersion() {
	v1 := s.anchor(s.patient, "seen")
	v2 := s.amend(s.hospital, v1, "seen v2")
	seen := s.eraseMsg(s.patient, v1)
	s.Require().Equal(uint32(2), seen.LatestVersion)
	v3 := s.amend(s.hospital, v2, "amended meanwhile")

	for name, latest := range map[string]uint32{"stale": 2, "first": 1, "future": 4} {
		s.Run(name, func() {
			msg := *seen
			msg.LatestVersion = latest
			s.freshEvents()
			err := s.refuse(types.ErrNotLatestVersion, testkit.Call(s.ms.EraseRecord, &msg))
			s.Require().ErrorContains(err, "version 3 is the latest")
		})
	}
	// the refusal comes after the signer check: a stranger learns nothing
	stranger := *seen
	stranger.Signer = s.addr(s.stranger)
	s.refuse(consenttypes.ErrNotPatientOrGuardian, testkit.Call(s.ms.EraseRecord, &stranger))

	// any version names the chain; the latest version number must be current
	for _, id := range []uint64{v1, v2, v3} {
		s.Require().Equal(uint32(3), s.eraseMsg(s.patient, id).LatestVersion)
	}
	msg := *seen
	msg.LatestVersion = 3
	res, err := s.ms.EraseRecord(s.ctx, &msg)
	s.Require().NoError(err)
	s.Require().Equal([]uint64{v1, v2, v3}, res.ErasedIDs)
}
