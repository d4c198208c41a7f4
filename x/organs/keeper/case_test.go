package keeper_test

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"time"

	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"

	"github.com/healthchain/healthd/internal/testkit"
	consortiumtypes "github.com/healthchain/healthd/x/consortium/types"
	"github.com/healthchain/healthd/x/organs/types"
)

var (
	errNotMember   = consortiumtypes.ErrNotMember
	errMissingRole = consortiumtypes.ErrMissingRole
)

func (s *KeeperTestSuite) TestNewKeeperRefusesInvalidAuthority() {
	s.Require().Panics(func() {
		newBadKeeper(s.env, testkit.OtherPrefix(testkit.Addr("gov")))
	})
	s.Require().Equal(testkit.Gov, s.k.GetAuthority())
}

func (s *KeeperTestSuite) TestSetStaff() {
	res, err := s.qs.Staff(s.ctx, &types.QueryStaffRequest{Account: s.coordinator})
	s.Require().NoError(err)
	s.Require().Equal(s.opo, res.Staff.Member)

	newcomer := testkit.String(testkit.Addr("newcomer"))
	for name, tc := range map[string]struct {
		msg  *types.MsgSetStaff
		want error
	}{
		"member not a member":     {&types.MsgSetStaff{Member: s.stranger, Account: newcomer}, errNotMember},
		"staff of another member": {&types.MsgSetStaff{Member: s.centre, Account: s.coordinator}, types.ErrInvalidStaff},
		"already staff":           {&types.MsgSetStaff{Member: s.opo, Account: s.coordinator}, types.ErrInvalidStaff},
		"remove someone else's":   {&types.MsgSetStaff{Member: s.centre, Account: s.coordinator, Remove: true}, types.ErrInvalidStaff},
		"remove a non-staff":      {&types.MsgSetStaff{Member: s.opo, Account: newcomer, Remove: true}, types.ErrInvalidStaff},
		"a member as staff":       {&types.MsgSetStaff{Member: s.opo, Account: s.courier}, types.ErrInvalidStaff},
		"staff naming staff":      {&types.MsgSetStaff{Member: s.coordinator, Account: newcomer}, errNotMember},
		"itself":                  {&types.MsgSetStaff{Member: s.opo, Account: s.opo}, types.ErrInvalidStaff},
		"other prefix":            {&types.MsgSetStaff{Member: testkit.OtherPrefix(testkit.Addr("opo")), Account: newcomer}, types.ErrInvalidAddress},
		"a third member.s staff":  {&types.MsgSetStaff{Member: s.opo2, Account: s.surgeon}, types.ErrInvalidStaff},
	} {
		s.Run(name, func() { refuse(s, s.ms.SetStaff, tc.msg, tc.want) })
	}

	// A suspended member is still a member: never another's staff.
	s.members.Suspend(s.acc(s.courier))
	refuse(s, s.ms.SetStaff, &types.MsgSetStaff{Member: s.opo, Account: s.courier}, types.ErrInvalidStaff)

	s.freshEvents()
	mustRun(s, s.ms.SetStaff, &types.MsgSetStaff{Member: s.opo, Account: s.coordinator2, Remove: true})
	s.Require().Len(events[*types.EventStaffSet](s), 1)
	_, err = s.qs.Staff(s.ctx, &types.QueryStaffRequest{Account: s.coordinator2})
	s.Require().Error(err)
	// Without staff, the removed account is nobody.
	s.openDeceased(dinA)
	refuse(s, s.ms.RecordABO, &types.MsgRecordABO{Actor: s.coordinator2, DIN: dinA, ABO: aboO}, errNotMember)

	// Staff of a suspended member can do nothing.
	s.members.Suspend(s.acc(s.opo))
	refuse(s, s.ms.RecordABO, &types.MsgRecordABO{Actor: s.coordinator, DIN: dinA, ABO: aboO}, errNotMember)
}

func (s *KeeperTestSuite) TestRegisterLogger() {
	s.freshEvents()
	s.registerLogger(s.courier, "TL-1", s.loggerKey)
	s.Require().Len(events[*types.EventLoggerRegistered](s), 1)
	res, err := s.qs.Logger(s.ctx, &types.QueryLoggerRequest{Logger: "TL-1"})
	s.Require().NoError(err)
	s.Require().Equal(s.courier, res.Logger.Owner)
	// A staff account registers for its member.
	mustRun(s, s.ms.RegisterLogger, &types.MsgRegisterLogger{Actor: s.coordinator, Logger: "TL-2", PubKey: s.otherKey.PubKey().Bytes()})
	res, err = s.qs.Logger(s.ctx, &types.QueryLoggerRequest{Logger: "TL-2"})
	s.Require().NoError(err)
	s.Require().Equal(s.opo, res.Logger.Owner)

	key := s.otherKey.PubKey().Bytes()
	refuse(s, s.ms.RegisterLogger, &types.MsgRegisterLogger{Actor: s.opo, Logger: "TL-1", PubKey: key}, types.ErrLoggerExists)
	refuse(s, s.ms.RegisterLogger, &types.MsgRegisterLogger{Actor: s.stranger, Logger: "TL-3", PubKey: key}, errNotMember)
	refuse(s, s.ms.RegisterLogger, &types.MsgRegisterLogger{Actor: s.opo, Logger: "TL 3", PubKey: key}, types.ErrInvalidLogger)
	refuse(s, s.ms.RegisterLogger, &types.MsgRegisterLogger{Actor: s.opo, Logger: "TL-3", PubKey: key[:20]}, types.ErrInvalidLogger)
}

func (s *KeeperTestSuite) TestOpenCase() {
	s.freshEvents()
	s.openDeceased(dinA)
	c := s.getCase(dinA)
	s.Require().Equal(s.opo, c.OPO, "staff open cases for their OPO")
	s.Require().Equal(commitment("authorisation "+dinA), c.AuthorisationCommitment)
	s.Require().Equal(s.t0, c.OpenedAt)
	evs := events[*types.EventCaseOpened](s)
	s.Require().Len(evs, 1)
	s.Require().Equal(types.EventCaseOpened{DIN: dinA, OPO: s.opo, Living: false}, *evs[0])
	// The barcode form names the same donation.
	s.Require().Equal(c, s.getCase(dinABarcode))

	living := &types.MsgOpenCase{Actor: s.opo, DIN: dinB, Donor: s.donor, DonorSalt: salt("donor")}
	refuse(s, s.ms.OpenCase, living, types.ErrNotAuthorised)
	s.consent.grant(s.donor, s.opo, 0) // break-glass access only
	refuse(s, s.ms.OpenCase, living, types.ErrNotAuthorised)
	s.consent.grant(s.donor, s.opo2, 7) // a consent to another OPO
	refuse(s, s.ms.OpenCase, living, types.ErrNotAuthorised)

	deceased := commitment("doc")
	for name, tc := range map[string]struct {
		msg  *types.MsgOpenCase
		want error
	}{
		"again":                {&types.MsgOpenCase{Actor: s.opo, DIN: dinA, AuthorisationCommitment: deceased}, types.ErrCaseExists},
		"again, barcode form":  {&types.MsgOpenCase{Actor: s.coordinator2, DIN: dinABarcode, AuthorisationCommitment: deceased}, types.ErrCaseExists},
		"another OPO's DIN":    {&types.MsgOpenCase{Actor: s.opo2, DIN: dinABarcode, AuthorisationCommitment: deceased}, types.ErrFINNotOwned},
		"no salt":              {&types.MsgOpenCase{Actor: s.opo, DIN: dinB, Donor: s.donor}, types.ErrInvalidBasis},
		"short salt":           {&types.MsgOpenCase{Actor: s.opo, DIN: dinB, Donor: s.donor, DonorSalt: salt("d")[:31]}, types.ErrInvalidBasis},
		"zero salt":            {&types.MsgOpenCase{Actor: s.opo, DIN: dinB, Donor: s.donor, DonorSalt: make([]byte, 32)}, types.ErrInvalidBasis},
		"salt, deceased donor": {&types.MsgOpenCase{Actor: s.opo, DIN: dinB, DonorSalt: salt("d"), AuthorisationCommitment: deceased}, types.ErrInvalidBasis},
		"bad check character":  {&types.MsgOpenCase{Actor: s.opo, DIN: badDIN, AuthorisationCommitment: deceased}, types.ErrInvalidDIN},
		"lower case":           {&types.MsgOpenCase{Actor: s.opo, DIN: "a000126000001i", AuthorisationCommitment: deceased}, types.ErrInvalidDIN},
		"no basis":             {&types.MsgOpenCase{Actor: s.opo, DIN: dinB}, types.ErrInvalidBasis},
		"both bases":           {&types.MsgOpenCase{Actor: s.opo, DIN: dinB, Donor: s.donor, AuthorisationCommitment: deceased}, types.ErrInvalidBasis},
		"short commitment":     {&types.MsgOpenCase{Actor: s.opo, DIN: dinB, AuthorisationCommitment: deceased[:31]}, types.ErrInvalidCommitment},
		"OPO as its own donor": {&types.MsgOpenCase{Actor: s.opo, DIN: dinB, Donor: s.opo, DonorSalt: salt("d")}, types.ErrInvalidBasis},
		"centre":               {&types.MsgOpenCase{Actor: s.centre, DIN: dinB, AuthorisationCommitment: deceased}, errMissingRole},
		"centre's surgeon":     {&types.MsgOpenCase{Actor: s.surgeon, DIN: dinB, AuthorisationCommitment: deceased}, errMissingRole},
		"courier":              {&types.MsgOpenCase{Actor: s.courier, DIN: dinB, AuthorisationCommitment: deceased}, errMissingRole},
		"regulator":            {&types.MsgOpenCase{Actor: s.regulator, DIN: dinB, AuthorisationCommitment: deceased}, errMissingRole},
		"stranger":             {&types.MsgOpenCase{Actor: s.stranger, DIN: dinB, AuthorisationCommitment: deceased}, errNotMember},
		"donor":                {&types.MsgOpenCase{Actor: s.donor, DIN: dinB, AuthorisationCommitment: deceased}, errNotMember},
	} {
		s.Run(name, func() { refuse(s, s.ms.OpenCase, tc.msg, tc.want) })
	}

	// With a DONAT consent to this OPO the living donor's case opens: the
	// case keeps the consent and SHA-256(salt ‖ account), not the account.
	s.consent.grant(s.donor, s.opo, 11)
	s.freshEvents()
	mustRun(s, s.ms.OpenCase, living)
	c = s.getCase(dinB)
	s.Require().EqualValues(11, c.ConsentID)
	s.Require().Equal(types.DonorCommitment(salt("donor"), s.acc(s.donor)), c.DonorCommitment)
	want := sha256.Sum256(append(salt("donor"), s.acc(s.donor)...))
	s.Require().Equal(want[:], c.DonorCommitment, "x/records' construction: SHA-256(salt ‖ account bytes)")
	s.Require().Empty(c.AuthorisationCommitment)
	s.Require().Equal([]*types.EventCaseOpened{{DIN: dinB, OPO: s.opo, Living: true}}, events[*types.EventCaseOpened](s))
}

// TestOpenCaseFIN: a DIN opens a donation only for the OPO its facility
// code (FIN) is registered to in x/consortium; every other actor is refused
// with the state unchanged.
func (s *KeeperTestSuite) TestOpenCaseFIN() {
	deceased := commitment("doc")
	unregistered := dinOf("C000126000001") // FIN C0001: nobody's
	opo2DIN := dinOf("B000226000001")      // FIN B0002: opo2's
	// A hospital holding a FIN is still no OPO.
	hospital := testkit.String(testkit.Addr("hospital"))
	s.members.Admit(s.acc(hospital), consortiumtypes.Role_ROLE_HOSPITAL)
	s.setFINs(hospital, "H0001")
	hospitalDIN := dinOf("H000126000001")
	open := func(actor, din string) *types.MsgOpenCase {
		return &types.MsgOpenCase{Actor: actor, DIN: din, AuthorisationCommitment: deceased}
	}
	for name, tc := range map[string]struct {
		msg  *types.MsgOpenCase
		want error
	}{
		"another OPO, our FIN":           {open(s.opo2, dinA), types.ErrFINNotOwned},
		"another OPO, our FIN (barcode)": {open(s.opo2, dinABarcode), types.ErrFINNotOwned},
		"our staff, another OPO's FIN":   {open(s.coordinator, opo2DIN), types.ErrFINNotOwned},
		"us, another OPO's FIN":          {open(s.opo, opo2DIN), types.ErrFINNotOwned},
		"us, a FIN nobody holds":         {open(s.opo, unregistered), types.ErrFINNotOwned},
		"us, a hospital's FIN":           {open(s.opo, hospitalDIN), types.ErrFINNotOwned},
		"the hospital, its own FIN":      {open(hospital, hospitalDIN), errMissingRole},
		"centre":                         {open(s.centre, dinA), errMissingRole},
		"courier":                        {open(s.courier, dinA), errMissingRole},
		"regulator":                      {open(s.regulator, dinA), errMissingRole},
		"stranger":                       {open(s.stranger, dinA), errNotMember},
	} {
		s.Run(name, func() { refuse(s, s.ms.OpenCase, tc.msg, tc.want) })
	}
	// A living donor's consent does not make up for another's FIN.
	s.consent.grant(s.donor, s.opo2, 21)
	refuse(s, s.ms.OpenCase, &types.MsgOpenCase{Actor: s.opo2, DIN: dinA, Donor: s.donor, DonorSalt: salt("d")}, types.ErrFINNotOwned)

	// Each OPO opens under its own FIN (staff for their OPO).
	mustRun(s, s.ms.OpenCase, open(s.opo2, opo2DIN))
	mustRun(s, s.ms.OpenCase, open(s.coordinator, dinA))
	// A suspended OPO's FIN is still its own: nobody else opens under it.
	s.members.Suspend(s.acc(s.opo2))
	refuse(s, s.ms.OpenCase, open(s.opo, dinOf("B000226000002")), types.ErrFINNotOwned)
	refuse(s, s.ms.OpenCase, open(s.opo2, dinOf("B000226000002")), errNotMember)
	// Once the authority moves a FIN, its new holder opens under it.
	s.setFINs(s.opo, finA, finB, "C0001")
	mustRun(s, s.ms.OpenCase, open(s.opo, unregistered))
}

func (s *KeeperTestSuite) TestTwoPersonABO() {
	s.openDeceased(dinA)
	confirm := func(actor string, abo types.ABO) *types.MsgConfirmABO {
		return &types.MsgConfirmABO{Actor: actor, DIN: dinA, ABO: abo}
	}
	refuse(s, s.ms.ConfirmABO, confirm(s.coordinator2, aboO), types.ErrABONotRecorded)

	s.freshEvents()
	mustRun(s, s.ms.RecordABO, &types.MsgRecordABO{Actor: s.coordinator, DIN: dinA, ABO: aboA})
	s.Require().Equal([]string{"healthd.organs.v1.EventABORecorded"}, testkit.EventTypes(s.ctx, "healthd.organs."))
	c := s.getCase(dinA)
	s.Require().Equal(aboA, c.ABO)
	s.Require().Equal(s.coordinator, c.ABORecordedBy)
	res, err := s.qs.Case(s.ctx, &types.QueryCaseRequest{Din: dinA})
	s.Require().NoError(err)
	s.Require().False(res.ABOConfirmed, "recorded, not usable")

	for name, tc := range map[string]struct {
		msg  *types.MsgConfirmABO
		want error
	}{
		"same person":       {confirm(s.coordinator, aboA), types.ErrSamePerson},
		"different group":   {confirm(s.coordinator2, aboB), types.ErrABOMismatch},
		"another OPO":       {confirm(s.opo2, aboA), types.ErrNotCaseOPO},
		"centre":            {confirm(s.centre, aboA), errMissingRole},
		"centre's surgeon":  {confirm(s.surgeon, aboA), errMissingRole},
		"stranger":          {confirm(s.stranger, aboA), errNotMember},
		"unspecified group": {confirm(s.coordinator2, types.ABO_ABO_UNSPECIFIED), types.ErrInvalidABO},
		"unknown group":     {confirm(s.coordinator2, types.ABO(9)), types.ErrInvalidABO},
		"unknown donation":  {&types.MsgConfirmABO{Actor: s.coordinator2, DIN: dinB, ABO: aboA}, types.ErrCaseNotFound},
		"invalid DIN":       {&types.MsgConfirmABO{Actor: s.coordinator2, DIN: badDIN, ABO: aboA}, types.ErrInvalidDIN},
	} {
		s.Run(name, func() { refuse(s, s.ms.ConfirmABO, tc.msg, tc.want) })
	}
	// An offer needs the confirmation: nothing can be posted yet.
	s.recover(dinA, kidneyL, "")
	refuse(s, s.ms.PostMatchRun, &types.MsgPostMatchRun{Actor: s.coordinator, DIN: dinA, OrganType: kidneyL,
		Candidates: []types.CandidateEntry{cand("r1", s.centre, aboA)}}, types.ErrABONotConfirmed)

	// The OPO's own account is a second person too.
	mustRun(s, s.ms.ConfirmABO, confirm(s.opo, aboA))
	res, err = s.qs.Case(s.ctx, &types.QueryCaseRequest{Din: dinA})
	s.Require().NoError(err)
	s.Require().True(res.ABOConfirmed)
	s.Require().Equal(s.opo, res.Case.ABOConfirmedBy)
	refuse(s, s.ms.ConfirmABO, confirm(s.coordinator2, aboA), types.ErrABOConfirmed)
	refuse(s, s.ms.RecordABO, &types.MsgRecordABO{Actor: s.coordinator, DIN: dinA, ABO: aboB}, types.ErrABOConfirmed)
}

func (s *KeeperTestSuite) TestRecordABOWrongActors() {
	s.openDeceased(dinA)
	for name, tc := range map[string]struct {
		actor string
		want  error
	}{
		"another OPO": {s.opo2, types.ErrNotCaseOPO}, "centre": {s.centre, errMissingRole}, "surgeon": {s.surgeon, errMissingRole},
		"courier": {s.courier, errMissingRole}, "regulator": {s.regulator, errMissingRole}, "stranger": {s.stranger, errNotMember},
	} {
		s.Run(name, func() { refuse(s, s.ms.RecordABO, &types.MsgRecordABO{Actor: tc.actor, DIN: dinA, ABO: aboO}, tc.want) })
	}
	// Corrected before confirmation: the latest entry counts, by whoever made it.
	mustRun(s, s.ms.RecordABO, &types.MsgRecordABO{Actor: s.coordinator, DIN: dinA, ABO: aboA})
	mustRun(s, s.ms.RecordABO, &types.MsgRecordABO{Actor: s.coordinator2, DIN: dinA, ABO: aboO})
	refuse(s, s.ms.ConfirmABO, &types.MsgConfirmABO{Actor: s.coordinator2, DIN: dinA, ABO: aboO}, types.ErrSamePerson)
	mustRun(s, s.ms.ConfirmABO, &types.MsgConfirmABO{Actor: s.coordinator, DIN: dinA, ABO: aboO})
}

func (s *KeeperTestSuite) TestRecoverOrgan() {
	s.openDeceased(dinA)
	s.registerLogger(s.opo, "TL-1", s.loggerKey)
	s.registerLogger(s.courier, "TL-C", s.otherKey)
	s.registerLogger(s.surgeon, "TL-T", s.otherKey)
	s.registerLogger(s.opo2, "TL-O", s.otherKey)
	s.advance(time.Hour)
	clamp := s.t0.Add(30 * time.Minute)
	msg := func(actor, organType string, clamp time.Time, logger string) *types.MsgRecoverOrgan {
		return &types.MsgRecoverOrgan{Actor: actor, DIN: dinA, OrganType: organType, CrossClamp: clamp, Logger: logger}
	}
	for name, tc := range map[string]struct {
		msg  *types.MsgRecoverOrgan
		want error
	}{
		"unknown organ type":        {msg(s.coordinator, "SPLEEN", clamp, ""), types.ErrInvalidOrganType},
		"lower-case organ type":     {msg(s.coordinator, "heart", clamp, ""), types.ErrInvalidOrganType},
		"cross-clamp in the future": {msg(s.coordinator, heart, s.ctx.BlockTime().Add(time.Second), ""), types.ErrInvalidTime},
		"before the case opened":    {msg(s.coordinator, heart, s.t0.Add(-time.Second), ""), types.ErrInvalidTime},
		"fractional seconds":        {msg(s.coordinator, heart, clamp.Add(time.Millisecond), ""), types.ErrInvalidTime},
		"unknown logger":            {msg(s.coordinator, heart, clamp, "TL-9"), types.ErrUnknownLogger},
		"the courier's logger":      {msg(s.coordinator, heart, clamp, "TL-C"), types.ErrLoggerNotOwned},
		"the centre's logger":       {msg(s.coordinator, heart, clamp, "TL-T"), types.ErrLoggerNotOwned},
		"another OPO's logger":      {msg(s.coordinator, heart, clamp, "TL-O"), types.ErrLoggerNotOwned},
		"another OPO":               {msg(s.opo2, heart, clamp, ""), types.ErrNotCaseOPO},
		"centre":                    {msg(s.centre, heart, clamp, ""), errMissingRole},
		"courier":                   {msg(s.courier, heart, clamp, ""), errMissingRole},
		"stranger":                  {msg(s.stranger, heart, clamp, ""), errNotMember},
		"unknown donation":          {&types.MsgRecoverOrgan{Actor: s.coordinator, DIN: dinB, OrganType: heart, CrossClamp: clamp}, types.ErrCaseNotFound},
	} {
		s.Run(name, func() { refuse(s, s.ms.RecoverOrgan, tc.msg, tc.want) })
	}

	s.freshEvents()
	// At the edges: the case's opening and now are both allowed.
	mustRun(s, s.ms.RecoverOrgan, msg(s.coordinator, heart, s.t0, "TL-1"))
	mustRun(s, s.ms.RecoverOrgan, msg(s.coordinator, kidneyL, s.ctx.BlockTime(), ""))
	s.Require().Len(events[*types.EventOrganRecovered](s), 2)
	o := s.organ(dinA, heart)
	s.Require().Equal(types.Organ{DIN: dinA, OrganType: heart, Status: types.OrganStatus_ORGAN_STATUS_RECOVERED, CrossClamp: s.t0,
		MaxColdIschaemia: 6 * time.Hour, Holder: s.opo, Logger: "TL-1"}, o)
	// The OPO's logger is attached from the cross-clamp; the kidney has none.
	res0, err := s.qs.Organ(s.ctx, &types.QueryOrganRequest{Din: dinA, OrganType: heart})
	s.Require().NoError(err)
	s.Require().Equal([]types.Attachment{{HandOff: 0, Logger: "TL-1", From: s.t0}}, res0.Loggers)
	res0, err = s.qs.Organ(s.ctx, &types.QueryOrganRequest{Din: dinA, OrganType: kidneyL})
	s.Require().NoError(err)
	s.Require().Empty(res0.Loggers)
	refuse(s, s.ms.RecoverOrgan, msg(s.coordinator, heart, clamp, ""), types.ErrOrganExists)

	res, err := s.qs.Organ(s.ctx, &types.QueryOrganRequest{Din: dinA, OrganType: heart})
	s.Require().NoError(err)
	s.Require().EqualValues(3600, res.ColdIschaemiaSeconds, "the clock runs from the cross-clamp")
	s.Require().EqualValues(6*3600, res.LimitSeconds)
	s.Require().False(res.OverLimit)
	caseRes, err := s.qs.Case(s.ctx, &types.QueryCaseRequest{Din: dinA})
	s.Require().NoError(err)
	s.Require().Len(caseRes.Organs, 2)
}

func (s *KeeperTestSuite) TestUpdateParams() {
	p := types.DefaultParams()
	p.OfferTimeout = 30 * time.Minute
	refuse(s, s.ms.UpdateParams, &types.MsgUpdateParams{Authority: s.opo, Params: p}, sdkerrors.ErrUnauthorized)
	bad := p
	bad.MaxCandidates = 0
	refuse(s, s.ms.UpdateParams, &types.MsgUpdateParams{Authority: testkit.Gov, Params: bad}, types.ErrInvalidParams)
	s.freshEvents()
	mustRun(s, s.ms.UpdateParams, &types.MsgUpdateParams{Authority: testkit.Gov, Params: p})
	s.Require().Len(events[*types.EventParamsUpdated](s), 1)
	res, err := s.qs.Params(s.ctx, &types.QueryParamsRequest{})
	s.Require().NoError(err)
	s.Require().Equal(p, res.Params)
}

// TestConsentRechecked: a living donor's DONAT consent is checked again at
// recovery, match run and every offer; revoked or expired, each is refused
// with ErrConsentLapsed and nothing changes. A deceased donor's case has no
// consent to lapse.
func (s *KeeperTestSuite) TestConsentRechecked() {
	const consentID = 31
	s.consent.grant(s.donor, s.opo, consentID)
	mustRun(s, s.ms.OpenCase, &types.MsgOpenCase{Actor: s.opo, DIN: dinB, Donor: s.donor, DonorSalt: salt("donor")})
	s.confirmedABO(dinB, aboO)
	recoverMsg := func(organType string) *types.MsgRecoverOrgan {
		return &types.MsgRecoverOrgan{Actor: s.coordinator, DIN: dinB, OrganType: organType, CrossClamp: s.ctx.BlockTime()}
	}
	postMsg := &types.MsgPostMatchRun{Actor: s.coordinator, DIN: dinB, OrganType: kidneyL, Candidates: []types.CandidateEntry{cand("r1", s.centre, aboA)}}
	offerMsg := &types.MsgOffer{Actor: s.coordinator, DIN: dinB, OrganType: kidneyL, Rank: 1}

	// Revoked before recovery: nothing can be recovered.
	s.consent.end(consentID)
	refuse(s, s.ms.RecoverOrgan, recoverMsg(kidneyL), types.ErrConsentLapsed)
	s.consent.resume(consentID)
	mustRun(s, s.ms.RecoverOrgan, recoverMsg(kidneyL))
	// Ended before the match run, then before the offer.
	s.consent.end(consentID)
	refuse(s, s.ms.PostMatchRun, postMsg, types.ErrConsentLapsed)
	refuse(s, s.ms.RecoverOrgan, recoverMsg(kidneyR), types.ErrConsentLapsed)
	s.consent.resume(consentID)
	mustRun(s, s.ms.PostMatchRun, postMsg)
	s.consent.end(consentID)
	refuse(s, s.ms.Offer, offerMsg, types.ErrConsentLapsed)
	// The re-check comes after the actor's: a wrong actor is refused as before.
	refuse(s, s.ms.Offer, &types.MsgOffer{Actor: s.opo2, DIN: dinB, OrganType: kidneyL, Rank: 1}, types.ErrNotCaseOPO)
	refuse(s, s.ms.Offer, &types.MsgOffer{Actor: s.centre, DIN: dinB, OrganType: kidneyL, Rank: 1}, errMissingRole)
	s.consent.resume(consentID)
	mustRun(s, s.ms.Offer, offerMsg)

	// A deceased donor's case never asks x/consent.
	s.openDeceased(dinA)
	s.confirmedABO(dinA, aboO)
	s.consent.end(consentID)
	s.recover(dinA, kidneyL, "")
	s.matchRun(dinA, kidneyL, cand("r2", s.centre, aboA))
	s.offer(dinA, kidneyL, 1)
}

// TestCaseKeepsNoDonorAccount: a living donor's case names the consent and
// a commitment; the account appears in no query answer, no event, no
// exported state and no stored byte of the module.
func (s *KeeperTestSuite) TestCaseKeepsNoDonorAccount() {
	s.fullState() // dinB is a living donor's case
	donor := s.acc(s.donor)
	forms := []string{s.donor, hex.EncodeToString(donor), strings.ToUpper(hex.EncodeToString(donor)), base64.StdEncoding.EncodeToString(donor)}
	res, err := s.qs.Case(s.ctx, &types.QueryCaseRequest{Din: dinB})
	s.Require().NoError(err)
	s.Require().EqualValues(3, res.Case.ConsentID)
	s.Require().Len(res.Case.DonorCommitment, 32)
	answer, err := s.cdc.MarshalJSON(res)
	s.Require().NoError(err)
	gs, err := s.k.ExportGenesis(s.ctx)
	s.Require().NoError(err)
	exported, err := s.cdc.MarshalJSON(gs)
	s.Require().NoError(err)
	for _, f := range forms {
		s.Require().NotContains(string(answer), f, "case query")
		s.Require().NotContains(string(exported), f, "exported state")
		for _, e := range s.ctx.EventManager().Events() {
			for _, a := range e.Attributes {
				s.Require().NotContains(a.Value, f, "%s.%s", e.Type, a.Key)
			}
		}
	}
	dump := strings.Join(s.dump(), "\n")
	s.Require().NotEmpty(dump)
	s.Require().NotContains(dump, strings.ToUpper(hex.EncodeToString(donor)), "store: the account's bytes")
	s.Require().NotContains(dump, strings.ToUpper(hex.EncodeToString([]byte(s.donor))), "store: the account's bech32")
}
