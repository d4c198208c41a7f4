package app_test

import (
	"math/big"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	sdkmath "cosmossdk.io/math"
	"filippo.io/age"

	sdk "github.com/cosmos/cosmos-sdk/types"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"

	"github.com/healthchain/healthd/app"
	"github.com/healthchain/healthd/internal/unixfs"
	"github.com/healthchain/healthd/x/claims/client/claimsclient"
	claimstypes "github.com/healthchain/healthd/x/claims/types"
	consenttypes "github.com/healthchain/healthd/x/consent/types"
	consortiumtypes "github.com/healthchain/healthd/x/consortium/types"
	drugtracetypes "github.com/healthchain/healthd/x/drugtrace/types"
	recordstypes "github.com/healthchain/healthd/x/records/types"
)

// A chain that went through the security review's refusal paths as signed
// transactions (a duplicate NPI, an aliased CID, a provider billing a patient
// it does not treat, plan amounts past what math.Int holds, a GTIN under
// another company's prefix) exports a genesis that a fresh
// app imports to the same state.
func TestExportAfterRefusalsSameState(t *testing.T) {
	c := newTestChain(t)
	authority, hospital, lab, patient := c.accs["authority"], c.accs["hospital"], c.accs["lab"], c.accs["outsider"]
	payer, maker := newAccount("payer"), newAccount("manufacturer")
	c.accs["payer"], c.accs["manufacturer"] = payer, maker
	for _, a := range []account{payer, maker} {
		res := c.deliver("authority", banktypes.NewMsgSend(authority.addr, a.addr, sdk.NewCoins(sdk.NewInt64Coin(app.BondDenom, 1_000_000))))
		require.Zero(t, res.Code, res.Log)
	}
	ok := func(res interface {
		GetCode() uint32
		GetLog() string
	}) {
		t.Helper()
		require.Zero(t, res.GetCode(), res.GetLog())
	}

	// Consortium: a payer and a manufacturer admitted; a second member with the
	// hospital's NPI is refused.
	ok(c.deliver("authority", &consortiumtypes.MsgAdmitMember{
		Authority: authority.addr.String(), Address: payer.addr.String(), Name: "Lakeside Health Plan",
		Roles: []consortiumtypes.Role{consortiumtypes.Role_ROLE_PAYER}, NPI: "1003000126",
	}))
	ok(c.deliver("authority", &consortiumtypes.MsgAdmitMember{
		Authority: authority.addr.String(), Address: maker.addr.String(), Name: "Meridian Pharmaceuticals",
		Roles: []consortiumtypes.Role{consortiumtypes.Role_ROLE_MANUFACTURER}, GLN: "0300001000000",
		GS1CompanyPrefixes: []string{"0300001"},
	}))
	requireRefused(t, c.deliver("authority", &consortiumtypes.MsgAdmitMember{
		Authority: authority.addr.String(), Address: newAccount("impostor").addr.String(), Name: "Impostor Clinic",
		Roles: []consortiumtypes.Role{consortiumtypes.Role_ROLE_HOSPITAL}, NPI: "1245319599",
	}), consortiumtypes.ModuleName, consortiumtypes.ErrIdentifierTaken.ABCICode())

	// Records: the hospital anchors the patient's record; the lab cannot anchor
	// another record over the same CID.
	cid := unixfs.SumBytes([]byte("security-test blob"))
	anchor := func(author account, who sdk.AccAddress) *recordstypes.MsgAnchorRecord {
		return &recordstypes.MsgAnchorRecord{
			Author: author.addr.String(), Patient: who.String(), Format: recordstypes.Format_FORMAT_FHIR_R4,
			Kind: "Observation", Category: "laboratory", Commitment: make([]byte, 32), CID: cid, BlobSize: 1234,
		}
	}
	ok(c.deliver("hospital", anchor(hospital, patient.addr)))
	requireRefused(t, c.deliver("lab", anchor(lab, lab.addr)), recordstypes.ModuleName, recordstypes.ErrCIDInUse.ABCICode())

	// Claims: a plan amount past math.Int is refused; a real plan, coverage and
	// payment consent; the lab, which does not treat the patient, cannot bill.
	huge := sdkmath.NewIntFromBigInt(new(big.Int).Lsh(big.NewInt(1), 250))
	services := []claimstypes.CoveredService{{System: claimstypes.CodeSystem_CODE_SYSTEM_CPT, Code: "99213",
		AllowedPerUnit: sdkmath.NewInt(150), Copay: sdkmath.NewInt(20), CoinsuranceBps: 2000}}
	plan := &claimstypes.MsgCreatePlan{Payer: payer.addr.String(), Name: "Silver PPO", Services: services,
		Deductible: huge, OutOfPocketMax: huge, ReviewThreshold: sdkmath.ZeroInt()}
	requireRefused(t, c.deliver("payer", plan), claimstypes.ModuleName, claimstypes.ErrInvalidPlan.ABCICode())
	plan.Deductible, plan.OutOfPocketMax = sdkmath.NewInt(100), sdkmath.NewInt(500)
	ok(c.deliver("payer", plan))
	ok(c.deliver("payer", &claimstypes.MsgEnroll{
		Payer: payer.addr.String(), PlanID: 1, Patient: patient.addr.String(),
		MemberIDMAC: claimstypes.MemberIDMAC(make([]byte, 32), patient.addr.String(), "M-000123"), MemberIDScheme: claimstypes.CurrentMemberIDScheme,
		Start: c.time.Add(-time.Hour), End: c.time.Add(365 * 24 * time.Hour),
	}))
	ok(c.deliver("outsider", &consenttypes.MsgGrantConsent{
		Signer: patient.addr.String(), Patient: patient.addr.String(), Grantee: payer.addr.String(),
		Purpose: "HPAYMT", Categories: []string{"Claim"}, End: c.time.Add(300 * 24 * time.Hour),
	}))
	// The diagnoses go sealed, as the CLI seals them (here to one test key).
	dxKey, err := age.GenerateX25519Identity()
	require.NoError(t, err)
	dx, err := claimsclient.SealDiagnoses([]string{"E11.9"}, 0, dxKey.Recipient())
	require.NoError(t, err)
	claim := &claimstypes.MsgSubmitClaim{
		Provider: lab.addr.String(), Patient: patient.addr.String(), CoverageID: 1, ServiceDate: c.time.Add(-time.Minute),
		DiagnosesCommitment: dx.Commitment, DiagnosesCiphertext: dx.Ciphertext,
		Lines: []claimstypes.ClaimLine{{System: claimstypes.CodeSystem_CODE_SYSTEM_CPT, Code: "99213", Units: 1, Charge: sdkmath.NewInt(200)}},
	}
	requireRefused(t, c.deliver("lab", claim), claimstypes.ModuleName, claimstypes.ErrNoTreatment.ABCICode())
	// With the patient's treatment consent the hospital bills.
	ok(c.deliver("outsider", &consenttypes.MsgGrantConsent{
		Signer: patient.addr.String(), Patient: patient.addr.String(), Grantee: hospital.addr.String(),
		Purpose: "TREAT", AllCategories: true, End: c.time.Add(300 * 24 * time.Hour),
	}))
	claim.Provider = hospital.addr.String()
	ok(c.deliver("hospital", claim))

	// Drug traceability: a GTIN under another company's prefix is refused.
	product := &drugtracetypes.MsgRegisterProduct{Manufacturer: maker.addr.String(), GTIN: "00614141000036",
		NDC: "", Name: "Amoxicillin 500 mg capsules", Strength: "500 mg", Form: "capsule", PrescriptionOnly: true}
	requireRefused(t, c.deliver("manufacturer", product), drugtracetypes.ModuleName, drugtracetypes.ErrGTINNotOwned.ABCICode())
	c.nextBlock()

	requireExportImportSameState(t, c)
}
