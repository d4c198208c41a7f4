package keeper_test

import (
	"github.com/healthchain/healthd/internal/fhirr4"
	"github.com/healthchain/healthd/x/trials/types"
)

func (s *KeeperTestSuite) TestFHIRQueries() {
	id, _ := s.enrolled()
	study, err := s.qs.TrialFHIR(s.ctx, &types.QueryTrialRequest{Id: id})
	s.Require().NoError(err)
	res, err := fhirr4.Validate([]byte(study.JSON))
	s.Require().NoError(err)
	s.Require().Equal("ResearchStudy", res.ResourceType)
	subj, err := s.qs.EnrolmentFHIR(s.ctx, &types.QueryEnrolmentRequest{TrialId: id, Subject: s.str(s.subject)})
	s.Require().NoError(err)
	res, err = fhirr4.Validate([]byte(subj.JSON))
	s.Require().NoError(err)
	s.Require().Equal("ResearchSubject", res.ResourceType)
	_, err = s.qs.EnrolmentFHIR(s.ctx, &types.QueryEnrolmentRequest{TrialId: id, Subject: s.str(s.stranger)})
	s.Require().Error(err)
	_, err = s.qs.TrialFHIR(s.ctx, &types.QueryTrialRequest{Id: 99})
	s.Require().Error(err)
}
