package keeper_test

import (
	"google.golang.org/grpc/codes"

	"github.com/healthchain/healthd/internal/testkit"
	"github.com/healthchain/healthd/x/records/types"
)

// TestCIDAliasAttackRefused reproduces the chain half of the CID aliasing
// attack: a member anchors (or amends into) a record of a patient account it
// controls whose CID is the victim's. The vault authorises by record id and
// acts by CID, so such an alias would let the member read the victim's
// ciphertext, overwrite its wrapped keys and erase it. Every path is refused
// with ErrCIDInUse and changes nothing.
func (s *KeeperTestSuite) TestCIDAliasAttackRefused() {
	victim := s.anchor(s.patient, "victim") // by the hospital
	puppet := s.stranger                    // a patient account the attacker controls
	s.freshEvents()

	// anchoring an alias: by the victim record's author or by another member
	for _, author := range []string{s.addr(s.lab), s.addr(s.hospital)} {
		msg := s.anchorMsg(s.lab, puppet, "alias")
		msg.Author, msg.CID = author, cidOf("victim")
		s.refuse(types.ErrCIDInUse, testkit.Call(s.ms.AnchorRecord, msg))
	}
	// for the victim's own patient too: one CID, one record
	msg := s.anchorMsg(s.hospital, s.patient, "alias")
	msg.CID = cidOf("victim")
	s.refuse(types.ErrCIDInUse, testkit.Call(s.ms.AnchorRecord, msg))

	// amending the attacker's own record into an alias
	own := s.anchorWith(s.anchorMsg(s.lab, puppet, "own"))
	s.freshEvents()
	amend := s.amendMsg(s.lab, own, "alias")
	amend.CID = cidOf("victim")
	s.refuse(types.ErrCIDInUse, testkit.Call(s.ms.AmendRecord, amend))

	// the CID still names the victim's record, and only it
	r, err := s.k.RecordByCID(s.ctx, cidOf("victim"))
	s.Require().NoError(err)
	s.Require().Equal(victim, r.ID)
	s.Require().Equal(s.addr(s.patient), r.Patient)
}

// TestCIDIndexFollowsVersions: every version keeps its own CID in the index;
// an amendment does not free the CID of the version it supersedes.
func (s *KeeperTestSuite) TestCIDIndexFollowsVersions() {
	v1 := s.anchor(s.patient, "v1")
	v2 := s.amend(s.hospital, v1, "v2")
	for id, seed := range map[uint64]string{v1: "v1", v2: "v2"} {
		r, err := s.k.RecordByCID(s.ctx, cidOf(seed))
		s.Require().NoError(err)
		s.Require().Equal(id, r.ID)
	}
	// re-anchoring the superseded version's CID as a new record is refused
	s.freshEvents()
	s.refuse(types.ErrCIDInUse, testkit.Call(s.ms.AnchorRecord, s.anchorMsg(s.hospital, s.patient, "v1")))
	_, err := s.k.RecordByCID(s.ctx, cidOf("never"))
	s.Require().ErrorIs(err, types.ErrRecordNotFound)
}

func (s *KeeperTestSuite) TestQueryRecordByCID() {
	id := s.anchor(s.patient, "lab")
	res, err := s.qs.RecordByCID(s.ctx, &types.QueryRecordByCIDRequest{Cid: cidOf("lab")})
	s.Require().NoError(err)
	s.Require().Equal(s.record(id), res.Record)

	_, err = s.qs.RecordByCID(s.ctx, &types.QueryRecordByCIDRequest{Cid: cidOf("unknown")})
	s.requireCode(err, codes.NotFound)
	for _, bad := range []string{"", "QmaozNR7DZHQK1ZcU9p7QdrshMvXqWK6gpu5rmrkPdT3L4", "B" + cidOf("lab")[1:], "../" + cidOf("lab")} {
		_, err = s.qs.RecordByCID(s.ctx, &types.QueryRecordByCIDRequest{Cid: bad})
		s.requireCode(err, codes.InvalidArgument)
	}
	_, err = s.qs.RecordByCID(s.ctx, nil)
	s.requireCode(err, codes.InvalidArgument)
}
