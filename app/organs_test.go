package app_test

import (
	"crypto/sha256"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/stretchr/testify/require"

	"cosmossdk.io/collections"
	sdkmath "cosmossdk.io/math"

	"github.com/cosmos/cosmos-sdk/crypto/keys/secp256k1"
	sdk "github.com/cosmos/cosmos-sdk/types"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"

	"github.com/healthchain/healthd/app"
	consenttypes "github.com/healthchain/healthd/x/consent/types"
	cstestutil "github.com/healthchain/healthd/x/consortium/testutil"
	consortiumtypes "github.com/healthchain/healthd/x/consortium/types"
	organstypes "github.com/healthchain/healthd/x/organs/types"
)

// TestOrganDonationFlow runs a donation through the real app: the DIN's
// facility code must be the OPO's (registered by the authority); a living
// donor without a DONAT consent is refused; a deceased donor's case is
// opened, its ABO recorded and confirmed by a second account; two organs
// are recovered (the clock starts); offers go in match-run order; the
// kidney travels OPO → courier → centre with signed logger readings and is
// transplanted within its limit; the heart, past its 6 h, is refused
// without an override and goes ahead with one, which the regulator lists.
// The state then survives a genesis export and import.
func TestOrganDonationFlow(t *testing.T) {
	c := newTestChain(t)
	for _, n := range []string{"opo", "coordinator", "centre", "surgeon", "courier"} {
		c.accs[n] = newAccount(n)
		res := c.deliver("outsider", banktypes.NewMsgSend(c.accs["outsider"].addr, c.accs[n].addr,
			sdk.NewCoins(sdk.NewCoin(app.BondDenom, sdkmath.NewInt(1_000_000)))))
		require.Zero(t, res.Code, res.Log)
	}
	addr := func(n string) string { return c.accs[n].addr.String() }
	authority := addr("authority")
	for n, role := range map[string]consortiumtypes.Role{
		"opo": consortiumtypes.Role_ROLE_ORGAN_PROCUREMENT, "centre": consortiumtypes.Role_ROLE_TRANSPLANT_CENTRE,
		"courier": consortiumtypes.Role_ROLE_DISTRIBUTOR,
	} {
		admit := &consortiumtypes.MsgAdmitMember{Authority: authority, Address: addr(n), Name: "Member " + n,
			Roles: []consortiumtypes.Role{role}, NPI: cstestutil.NPI(c.accs[n].addr)}
		if n == "opo" {
			admit.FINs = []string{"G1234"} // the facility code of the DINs it issues
		}
		res := c.deliver("authority", admit)
		require.Zero(t, res.Code, res.Log)
	}
	ok := func(signer string, msg sdk.Msg) {
		t.Helper()
		res := c.deliver(signer, msg)
		require.Zero(t, res.Code, "%T: %s", msg, res.Log)
	}
	refused := func(signer string, msg sdk.Msg, want uint32) {
		t.Helper()
		before := storeDigests(t, c.app, organstypes.StoreKey)
		requireRefused(t, c.deliver(signer, msg), organstypes.ModuleName, want)
		require.Equal(t, before, storeDigests(t, c.app, organstypes.StoreKey), "%T refused: organs state unchanged", msg)
	}
	ok("opo", &organstypes.MsgSetStaff{Member: addr("opo"), Account: addr("coordinator")})
	ok("centre", &organstypes.MsgSetStaff{Member: addr("centre"), Account: addr("surgeon")})
	logger := secp256k1.GenPrivKeyFromSecret([]byte("TL-1"))
	// The OPO packs the containers: the logger is its own.
	ok("coordinator", &organstypes.MsgRegisterLogger{Actor: addr("coordinator"), Logger: "TL-1", PubKey: logger.PubKey().Bytes()})

	// A living donor needs a live DONAT consent to the OPO.
	const din = "G123498654321H"
	salt := sha256.Sum256([]byte("a random salt"))
	refused("opo", &organstypes.MsgOpenCase{Actor: addr("opo"), DIN: din, Donor: addr("outsider"), DonorSalt: salt[:]}, organstypes.ErrNotAuthorised.ABCICode())
	authorisation := sha256.Sum256([]byte("salt | deceased donor authorisation"))
	// The OPO cannot open a donation under a facility code it does not hold.
	refused("opo", &organstypes.MsgOpenCase{Actor: addr("opo"), DIN: "A000126000001I", AuthorisationCommitment: authorisation[:]}, organstypes.ErrFINNotOwned.ABCICode())
	ok("opo", &organstypes.MsgOpenCase{Actor: addr("opo"), DIN: din, AuthorisationCommitment: authorisation[:]})

	// Two-person ABO.
	ok("opo", &organstypes.MsgRecordABO{Actor: addr("opo"), DIN: din, ABO: organstypes.ABO_ABO_O})
	refused("opo", &organstypes.MsgConfirmABO{Actor: addr("opo"), DIN: din, ABO: organstypes.ABO_ABO_O}, organstypes.ErrSamePerson.ABCICode())
	ok("coordinator", &organstypes.MsgConfirmABO{Actor: addr("coordinator"), DIN: din, ABO: organstypes.ABO_ABO_O})

	// Recovery starts the clocks.
	clamp := c.time
	for _, organ := range []string{"KIDNEY_L", "HEART"} {
		ok("coordinator", &organstypes.MsgRecoverOrgan{Actor: addr("coordinator"), DIN: din, OrganType: organ, CrossClamp: clamp, Logger: "TL-1"})
	}

	// Offers in match-run order.
	r1, r2, r3 := sha256.Sum256([]byte("r1")), sha256.Sum256([]byte("r2")), sha256.Sum256([]byte("r3"))
	ok("coordinator", &organstypes.MsgPostMatchRun{Actor: addr("coordinator"), DIN: din, OrganType: "KIDNEY_L", Candidates: []organstypes.CandidateEntry{
		{Commitment: r1[:], Centre: addr("centre"), ABO: organstypes.ABO_ABO_A}, {Commitment: r2[:], Centre: addr("centre"), ABO: organstypes.ABO_ABO_O},
	}})
	refused("coordinator", &organstypes.MsgOffer{Actor: addr("coordinator"), DIN: din, OrganType: "KIDNEY_L", Rank: 2}, organstypes.ErrSkippedCandidate.ABCICode())
	ok("coordinator", &organstypes.MsgOffer{Actor: addr("coordinator"), DIN: din, OrganType: "KIDNEY_L", Rank: 1})
	ok("surgeon", &organstypes.MsgRespondOffer{Actor: addr("surgeon"), DIN: din, OrganType: "KIDNEY_L", Rank: 1,
		DeclineReason: organstypes.DeclineReason_DECLINE_REASON_CANDIDATE_ILL})
	ok("coordinator", &organstypes.MsgOffer{Actor: addr("coordinator"), DIN: din, OrganType: "KIDNEY_L", Rank: 2})
	ok("surgeon", &organstypes.MsgRespondOffer{Actor: addr("surgeon"), DIN: din, OrganType: "KIDNEY_L", Rank: 2, Accept: true})

	// Custody: OPO → courier → centre, readings signed by the container's logger.
	refused("courier", &organstypes.MsgHandOff{Actor: addr("courier"), DIN: din, OrganType: "KIDNEY_L", To: addr("centre")}, organstypes.ErrNotHolder.ABCICode())
	ok("coordinator", &organstypes.MsgHandOff{Actor: addr("coordinator"), DIN: din, OrganType: "KIDNEY_L", To: addr("courier")})
	ok("courier", &organstypes.MsgAcceptHandOff{Actor: addr("courier"), DIN: din, OrganType: "KIDNEY_L"})
	readings := &organstypes.MsgPostReadings{Submitter: addr("courier"), Logger: "TL-1", DIN: din, OrganType: "KIDNEY_L",
		Readings: []organstypes.Reading{{Seq: 1, Time: clamp.Add(5 * time.Second), CentiCelsius: 410}, {Seq: 2, Time: c.time, CentiCelsius: 430}}}
	doc, err := organstypes.SignBytes(chainID, readings)
	require.NoError(t, err)
	readings.Signature, err = logger.Sign(doc)
	require.NoError(t, err)
	ok("courier", readings)
	refused("courier", readings, organstypes.ErrInvalidReading.ABCICode()) // a replay
	ok("courier", &organstypes.MsgHandOff{Actor: addr("courier"), DIN: din, OrganType: "KIDNEY_L", To: addr("centre")})
	ok("surgeon", &organstypes.MsgAcceptHandOff{Actor: addr("surgeon"), DIN: din, OrganType: "KIDNEY_L"})
	refused("surgeon", &organstypes.MsgTransplant{Actor: addr("surgeon"), DIN: din, OrganType: "KIDNEY_L", RecipientCommitment: r1[:], Reperfusion: c.time},
		organstypes.ErrRecipientMismatch.ABCICode())
	ok("surgeon", &organstypes.MsgTransplant{Actor: addr("surgeon"), DIN: din, OrganType: "KIDNEY_L", RecipientCommitment: r2[:], Reperfusion: c.time})

	// The heart: allocated, handed to the centre, transplanted 7 h after the cross-clamp.
	ok("coordinator", &organstypes.MsgPostMatchRun{Actor: addr("coordinator"), DIN: din, OrganType: "HEART", Candidates: []organstypes.CandidateEntry{
		{Commitment: r3[:], Centre: addr("centre"), ABO: organstypes.ABO_ABO_AB}}})
	ok("coordinator", &organstypes.MsgOffer{Actor: addr("coordinator"), DIN: din, OrganType: "HEART", Rank: 1})
	ok("centre", &organstypes.MsgRespondOffer{Actor: addr("centre"), DIN: din, OrganType: "HEART", Rank: 1, Accept: true})
	ok("opo", &organstypes.MsgHandOff{Actor: addr("opo"), DIN: din, OrganType: "HEART", To: addr("centre")})
	ok("surgeon", &organstypes.MsgAcceptHandOff{Actor: addr("surgeon"), DIN: din, OrganType: "HEART"})
	c.time = clamp.Add(7*time.Hour - 5*time.Second) // the next block is at clamp + 7 h
	c.nextBlock()
	heart := &organstypes.MsgTransplant{Actor: addr("surgeon"), DIN: din, OrganType: "HEART", RecipientCommitment: r3[:], Reperfusion: c.time}
	refused("surgeon", heart, organstypes.ErrIschaemiaExceeded.ABCICode())
	heart.Override = organstypes.OverrideReason_OVERRIDE_REASON_RECIPIENT_CRITICAL
	ok("surgeon", heart)

	// Read back: the custody chain, the times, the override.
	ctx := c.ctx()
	kidney, err := c.app.OrgansKeeper.Organs.Get(ctx, collections.Join(din, "KIDNEY_L"))
	require.NoError(t, err)
	require.Equal(t, organstypes.OrganStatus_ORGAN_STATUS_TRANSPLANTED, kidney.Status)
	require.Equal(t, addr("centre"), kidney.Holder)
	require.EqualValues(t, 2, kidney.Handoffs)
	require.EqualValues(t, 2, kidney.Readings)
	require.Less(t, kidney.Outcome.ColdIschaemia, time.Hour)
	h, err := c.app.OrgansKeeper.Organs.Get(ctx, collections.Join(din, "HEART"))
	require.NoError(t, err)
	require.True(t, h.Outcome.OverLimit)
	require.Equal(t, 7*time.Hour, h.Outcome.ColdIschaemia)
	exported, err := c.app.OrgansKeeper.ExportGenesis(ctx)
	require.NoError(t, err)
	require.Len(t, exported.HandOffs, 2)

	c.nextBlock()
	requireExportImportSameState(t, c)
}

// TestOrganLivingDonorConsent runs a living donor's case through the real
// x/consent: the case keeps the consent id and a salted commitment, not the
// account; once the donor revokes the DONAT consent, recovery is refused
// and the organs state is unchanged.
func TestOrganLivingDonorConsent(t *testing.T) {
	c := newTestChain(t)
	for _, n := range []string{"opo", "coordinator"} {
		c.accs[n] = newAccount(n)
		res := c.deliver("outsider", banktypes.NewMsgSend(c.accs["outsider"].addr, c.accs[n].addr,
			sdk.NewCoins(sdk.NewCoin(app.BondDenom, sdkmath.NewInt(1_000_000)))))
		require.Zero(t, res.Code, res.Log)
	}
	addr := func(n string) string { return c.accs[n].addr.String() }
	deliver := func(signer string, msg sdk.Msg) {
		t.Helper()
		res := c.deliver(signer, msg)
		require.Zero(t, res.Code, "%T: %s", msg, res.Log)
	}
	deliver("authority", &consortiumtypes.MsgAdmitMember{Authority: addr("authority"), Address: addr("opo"), Name: "Lakeside OPO",
		Roles: []consortiumtypes.Role{consortiumtypes.Role_ROLE_ORGAN_PROCUREMENT}, NPI: cstestutil.NPI(c.accs["opo"].addr), FINs: []string{"G1234"}})
	deliver("opo", &organstypes.MsgSetStaff{Member: addr("opo"), Account: addr("coordinator")})

	donor := c.accs["outsider"]
	deliver("outsider", &consenttypes.MsgGrantConsent{Signer: donor.addr.String(), Patient: donor.addr.String(), Grantee: addr("opo"),
		Purpose: organstypes.DonationPurpose, Categories: []string{organstypes.DonationCategory}, End: c.time.Add(30 * 24 * time.Hour)})
	const din = "G123498654321H"
	salt := sha256.Sum256([]byte("the OPO's random salt"))
	deliver("opo", &organstypes.MsgOpenCase{Actor: addr("opo"), DIN: din, Donor: donor.addr.String(), DonorSalt: salt[:]})
	cs, err := c.app.OrgansKeeper.Cases.Get(c.ctx(), din)
	require.NoError(t, err)
	require.NotZero(t, cs.ConsentID)
	require.Equal(t, organstypes.DonorCommitment(salt[:], donor.addr), cs.DonorCommitment)
	bz, err := c.app.AppCodec().MarshalJSON(&cs)
	require.NoError(t, err)
	require.NotContains(t, string(bz), donor.addr.String(), "no account in the case")
	deliver("opo", &organstypes.MsgRecordABO{Actor: addr("opo"), DIN: din, ABO: organstypes.ABO_ABO_O})
	deliver("coordinator", &organstypes.MsgConfirmABO{Actor: addr("coordinator"), DIN: din, ABO: organstypes.ABO_ABO_O})

	// The donor withdraws: no organ is recovered under the lapsed consent.
	deliver("outsider", &consenttypes.MsgRevokeConsent{Signer: donor.addr.String(), ConsentID: cs.ConsentID,
		Reason: consenttypes.RevocationReason_REVOCATION_REASON_PATIENT_REQUEST})
	before := storeDigests(t, c.app, organstypes.StoreKey)
	requireRefused(t, c.deliver("coordinator", &organstypes.MsgRecoverOrgan{Actor: addr("coordinator"), DIN: din, OrganType: "KIDNEY_L", CrossClamp: c.time}),
		organstypes.ModuleName, organstypes.ErrConsentLapsed.ABCICode())
	require.Equal(t, before, storeDigests(t, c.app, organstypes.StoreKey), "organs state unchanged")
}

// TestOrgansRefusedAtCheckTx: a DIN with a wrong check character, a lower-case
// DIN, an unknown blood group or a decline without a code never reaches a
// block; a well-formed message passes CheckTx (its stateful checks run in the block).
func TestOrgansRefusedAtCheckTx(t *testing.T) {
	c := newTestChain(t)
	actor := c.accs["outsider"].addr.String()
	auth := sha256.Sum256([]byte("authorisation"))
	for name, tc := range map[string]struct {
		msg  sdk.Msg
		want uint32
	}{
		"wrong check character": {&organstypes.MsgOpenCase{Actor: actor, DIN: "G123498654321I", AuthorisationCommitment: auth[:]}, organstypes.ErrInvalidDIN.ABCICode()},
		"lower case":            {&organstypes.MsgOpenCase{Actor: actor, DIN: "g123498654321h", AuthorisationCommitment: auth[:]}, organstypes.ErrInvalidDIN.ABCICode()},
		"unknown blood group":   {&organstypes.MsgRecordABO{Actor: actor, DIN: "G123498654321H", ABO: 7}, organstypes.ErrInvalidABO.ABCICode()},
		"decline without code":  {&organstypes.MsgRespondOffer{Actor: actor, DIN: "G123498654321H", OrganType: "HEART", Rank: 1}, organstypes.ErrInvalidReason.ABCICode()},
		"well formed":           {&organstypes.MsgOpenCase{Actor: actor, DIN: "=G12349865432177", AuthorisationCommitment: auth[:]}, 0},
	} {
		t.Run(name, func(t *testing.T) {
			res, err := c.app.CheckTx(&abci.RequestCheckTx{Tx: c.signed("outsider", tc.msg), Type: abci.CheckTxType_New})
			require.NoError(t, err)
			require.Equal(t, tc.want, res.Code, res.Log)
			if tc.want != 0 {
				require.Equal(t, organstypes.ModuleName, res.Codespace)
			}
		})
	}
}
