package keeper_test

import (
	"encoding/base64"
	"encoding/hex"
	"strings"

	"filippo.io/age"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/healthchain/healthd/x/consent/client/consentclient"
	"github.com/healthchain/healthd/x/consent/types"
)

// TestBreakGlassJustificationSealed: the chain stores the commitment and the
// ciphertext the member sent, and nothing in clear; the patient's key and the
// member's open the ciphertext to the code the commitment binds, a stranger's
// does not; no event and no audit entry carries the justification, in any
// form.
func (s *KeeperTestSuite) TestBreakGlassJustificationSealed() {
	sameLength := len(breakGlassMsg(s.T(), "", "", types.JustificationCode_JUSTIFICATION_CODE_LIFE_THREATENING).JustificationCiphertext)
	for code := range types.JustificationCode_name {
		j := types.JustificationCode(code)
		if j == types.JustificationCode_JUSTIFICATION_CODE_UNSPECIFIED {
			continue
		}
		s.Run(types.JustificationName(j), func() {
			s.SetupTest()
			s.freshEvents()
			msg := breakGlassMsg(s.T(), s.addrStr(s.hospital), s.addrStr(s.patient), j)
			res, err := s.msgServer.BreakGlass(s.ctx, msg)
			s.Require().NoError(err)

			q, err := s.queryServer.BreakGlass(s.ctx, &types.QueryBreakGlassRequest{Id: res.ID})
			s.Require().NoError(err)
			bg := q.BreakGlass
			s.Require().Equal(msg.JustificationCommitment, bg.JustificationCommitment)
			s.Require().Equal(msg.JustificationCiphertext, bg.JustificationCiphertext)
			s.Require().Len(bg.JustificationCiphertext, sameLength, "every code seals to the same length")

			for name, id := range map[string]*age.X25519Identity{"patient": patientKey, "member": memberKey} {
				opened, err := consentclient.OpenBreakGlass(bg, id)
				s.Require().NoError(err, name)
				s.Require().Equal(j, opened.Code, name)
				s.Require().Equal(bg.JustificationCommitment, types.JustificationCommitment(opened.Salt, j), "%s: the commitment binds the code", name)
			}
			_, err = consentclient.OpenBreakGlass(bg, newIdentity())
			s.Require().ErrorIs(err, consentclient.ErrNotRecipient, "a stranger's key")

			// A tampered commitment is caught by the reader.
			tampered := bg
			tampered.JustificationCommitment = append([]byte(nil), bg.JustificationCommitment...)
			tampered.JustificationCommitment[0] ^= 1
			_, err = consentclient.OpenBreakGlass(tampered, patientKey)
			s.Require().ErrorContains(err, "integrity")

			// Nothing of the justification in the events, nor in the audit trail.
			forms := []string{types.JustificationName(j), j.String(), hex.EncodeToString(bg.JustificationCommitment),
				base64.StdEncoding.EncodeToString(bg.JustificationCommitment), base64.StdEncoding.EncodeToString(bg.JustificationCiphertext[:64])}
			for _, e := range s.ctx.EventManager().Events() {
				for _, a := range e.Attributes {
					for _, f := range forms {
						s.Require().NotContains(strings.ToLower(a.Value), strings.ToLower(f), "event %s attribute %s", e.Type, a.Key)
					}
				}
			}
			entry := s.lastAudit(s.patient)
			audit := entry.String()
			for _, f := range forms {
				s.Require().NotContains(strings.ToLower(audit), strings.ToLower(f))
			}
		})
	}
}

func (s *KeeperTestSuite) TestQueryBreakGlassNotFound() {
	_, err := s.queryServer.BreakGlass(s.ctx, &types.QueryBreakGlassRequest{Id: 9})
	s.Require().Equal(codes.NotFound, status.Code(err))
	_, err = s.queryServer.BreakGlass(s.ctx, nil)
	s.Require().Equal(codes.InvalidArgument, status.Code(err))
}

// TestParseJustification: the command line's names, the enum names and the
// short "unconscious" parse; anything else is refused.
func (s *KeeperTestSuite) TestParseJustification() {
	for in, want := range map[string]types.JustificationCode{
		"patient-unconscious":     types.JustificationCode_JUSTIFICATION_CODE_PATIENT_UNCONSCIOUS,
		"unconscious":             types.JustificationCode_JUSTIFICATION_CODE_PATIENT_UNCONSCIOUS,
		"life-threatening":        types.JustificationCode_JUSTIFICATION_CODE_LIFE_THREATENING,
		"NO_CAPACITY_NO_GUARDIAN": types.JustificationCode_JUSTIFICATION_CODE_NO_CAPACITY_NO_GUARDIAN,
		"JUSTIFICATION_CODE_CRITICAL_CONTINUITY_OF_CARE": types.JustificationCode_JUSTIFICATION_CODE_CRITICAL_CONTINUITY_OF_CARE,
	} {
		got, err := types.ParseJustification(in)
		s.Require().NoError(err, in)
		s.Require().Equal(want, got, in)
	}
	for _, in := range []string{"", "unspecified", "JUSTIFICATION_CODE_UNSPECIFIED", "77", "asleep"} {
		_, err := types.ParseJustification(in)
		s.Require().ErrorIs(err, types.ErrInvalidReason, in)
	}
}
