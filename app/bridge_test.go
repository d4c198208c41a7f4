package app_test

import (
	"encoding/hex"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	cmtproto "github.com/cometbft/cometbft/proto/tendermint/types"
	dbm "github.com/cosmos/cosmos-db"
	"github.com/stretchr/testify/suite"

	"cosmossdk.io/collections"
	"cosmossdk.io/log/v2"

	simtestutil "github.com/cosmos/cosmos-sdk/testutil/sims"
	sdk "github.com/cosmos/cosmos-sdk/types"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	govtypes "github.com/cosmos/cosmos-sdk/x/gov/types"

	clienttypes "github.com/cosmos/ibc-go/v11/modules/core/02-client/types"
	connectiontypes "github.com/cosmos/ibc-go/v11/modules/core/03-connection/types"
	channeltypes "github.com/cosmos/ibc-go/v11/modules/core/04-channel/types"
	commitmenttypes "github.com/cosmos/ibc-go/v11/modules/core/23-commitment/types"
	host "github.com/cosmos/ibc-go/v11/modules/core/24-host"
	ibcexported "github.com/cosmos/ibc-go/v11/modules/core/exported"
	ibctm "github.com/cosmos/ibc-go/v11/modules/light-clients/07-tendermint"
	ibctesting "github.com/cosmos/ibc-go/v11/testing"

	"github.com/healthchain/healthd/app"
	"github.com/healthchain/healthd/x/bridge"
	bridgekeeper "github.com/healthchain/healthd/x/bridge/keeper"
	bridgetypes "github.com/healthchain/healthd/x/bridge/types"
	consortiumkeeper "github.com/healthchain/healthd/x/consortium/keeper"
	consortiumtypes "github.com/healthchain/healthd/x/consortium/types"
	drugtracekeeper "github.com/healthchain/healthd/x/drugtrace/keeper"
	drugtracetypes "github.com/healthchain/healthd/x/drugtrace/types"
)

const (
	rxGTIN  = "09506000134352" // prescription-only
	otcGTIN = "04006381333931" // over the counter
	rxNDC   = "12345-678-90"
	lotA    = "LOTA1"
	lotB    = "LOTB2"
	expiry  = "2030-06-30"
)

// BridgeSuite runs two healthd chains in process, a hospital chain (A) and a
// pharma chain (B), joined by a real 07-tendermint connection and a bridge
// channel, and relays every flow with ibc-go's testing package.
type BridgeSuite struct {
	suite.Suite

	coord          *ibctesting.Coordinator
	hosp, pharma   *ibctesting.TestChain
	hospApp, phApp *app.App
	path           *ibctesting.Path

	// hospital chain accounts
	hospital, hospital2 ibctesting.SenderAccount
	// pharma chain accounts
	manufacturer, pharmacy ibctesting.SenderAccount
	// patients are pseudonymous accounts, the same string on both chains
	patients []string
}

func TestBridgeSuite(t *testing.T) { suite.Run(t, new(BridgeSuite)) }

func govAuthority() string { return authtypes.NewModuleAddress(govtypes.ModuleName).String() }

func (s *BridgeSuite) SetupTest() {
	s.coord = ibctesting.NewCustomAppCoordinator(s.T(), 2, newTestingApp)
	s.hosp, s.pharma = s.coord.GetChain(ibctesting.GetChainID(1)), s.coord.GetChain(ibctesting.GetChainID(2))
	s.hospApp, s.phApp = s.hosp.App.(*app.App), s.pharma.App.(*app.App)

	s.hospital, s.hospital2 = s.hosp.SenderAccounts[1], s.hosp.SenderAccounts[2]
	s.manufacturer, s.pharmacy = s.pharma.SenderAccounts[1], s.pharma.SenderAccounts[2]
	s.patients = nil
	for _, acc := range s.hosp.SenderAccounts[5:9] {
		s.patients = append(s.patients, acc.SenderAccount.GetAddress().String())
	}

	s.admit(s.hosp, s.hospital, "Riverside General", "0614141000005", consortiumtypes.Role_ROLE_HOSPITAL)
	s.admit(s.hosp, s.hospital2, "Northgate Clinic", "0614141000012", consortiumtypes.Role_ROLE_HOSPITAL)
	s.admit(s.pharma, s.manufacturer, "Northwind Pharma", "0614141000029", consortiumtypes.Role_ROLE_MANUFACTURER)
	s.admit(s.pharma, s.pharmacy, "Harbour Pharmacy", "0614141999996", consortiumtypes.Role_ROLE_PHARMACY)
	s.setRole(s.hosp, bridgetypes.ChainRole_CHAIN_ROLE_HOSPITAL)
	s.setRole(s.pharma, bridgetypes.ChainRole_CHAIN_ROLE_PHARMA)
	s.stock()
	s.coord.CommitBlock(s.hosp, s.pharma)

	// The light clients exist before anyone can trust them: each chain's
	// authority pins the other chain to the header its client starts from.
	s.path = newBridgePath(s.hosp, s.pharma)
	s.path.SetupClients()
	s.trust(s.hosp, s.path.EndpointA.ClientID)
	s.trust(s.pharma, s.path.EndpointB.ClientID)
	s.coord.CommitBlock(s.hosp, s.pharma)
	s.path.CreateConnections()
	s.path.CreateChannels()
}

// pinOf is the pin of the counterparty a light client on chain was created
// from: the origin the bridge recorded at the end of the block that created
// it (what the authority checks against the counterparty's own node, `q
// bridge counterparty-pin`).
func (s *BridgeSuite) pinOf(chain *ibctesting.TestChain, clientID string) bridgetypes.TrustedCounterparty {
	a := chain.App.(*app.App)
	o, err := a.BridgeKeeper.ClientOrigins.Get(chain.GetContext(), clientID)
	s.Require().NoError(err)
	return o.Origin
}

// trust has chain's authority pin the counterparty clientID is a client of.
func (s *BridgeSuite) trust(chain *ibctesting.TestChain, clientID string) {
	a := chain.App.(*app.App)
	_, err := bridgekeeper.NewMsgServerImpl(a.BridgeKeeper).TrustCounterparty(chain.GetContext(),
		&bridgetypes.MsgTrustCounterparty{Authority: govAuthority(), Counterparty: s.pinOf(chain, clientID)})
	s.Require().NoError(err)
}

func newBridgePath(a, b *ibctesting.TestChain) *ibctesting.Path {
	path := ibctesting.NewPath(a, b)
	for _, ep := range []*ibctesting.Endpoint{path.EndpointA, path.EndpointB} {
		ep.ChannelConfig.PortID = bridgetypes.PortID
		ep.ChannelConfig.Version = bridgetypes.Version
		ep.ChannelConfig.Order = channeltypes.UNORDERED
	}
	return path
}

func (s *BridgeSuite) admit(chain *ibctesting.TestChain, acc ibctesting.SenderAccount, name, gln string, roles ...consortiumtypes.Role) {
	a := chain.App.(*app.App)
	msg := &consortiumtypes.MsgAdmitMember{
		Authority: govAuthority(), Address: acc.SenderAccount.GetAddress().String(), Name: name, Roles: roles, GLN: gln,
	}
	if slices.Contains(roles, consortiumtypes.Role_ROLE_MANUFACTURER) {
		msg.GS1CompanyPrefixes = []string{"9506000", "4006381"} // rxGTIN's and otcGTIN's
	}
	_, err := consortiumkeeper.NewMsgServerImpl(a.ConsortiumKeeper).AdmitMember(chain.GetContext(), msg)
	s.Require().NoError(err)
}

func (s *BridgeSuite) setRole(chain *ibctesting.TestChain, role bridgetypes.ChainRole) {
	a := chain.App.(*app.App)
	p := bridgetypes.DefaultParams()
	p.Role = role
	s.Require().NoError(a.BridgeKeeper.Params.Set(chain.GetContext(), p))
}

// stock puts units at the pharmacy: rx lot A (RX1..RX6), rx lot B (RX7..RX9)
// and an over-the-counter unit (OTC1).
func (s *BridgeSuite) stock() {
	ms := drugtracekeeper.NewMsgServerImpl(s.phApp.DrugtraceKeeper)
	ctx := s.pharma.GetContext()
	mfr, ph := s.manufacturer.SenderAccount.GetAddress().String(), s.pharmacy.SenderAccount.GetAddress().String()
	_, err := ms.RegisterProduct(ctx, &drugtracetypes.MsgRegisterProduct{Manufacturer: mfr, GTIN: rxGTIN, NDC: rxNDC,
		Name: "Amoxicillin", Strength: "500 mg", Form: "capsule", PrescriptionOnly: true})
	s.Require().NoError(err)
	_, err = ms.RegisterProduct(ctx, &drugtracetypes.MsgRegisterProduct{Manufacturer: mfr, GTIN: otcGTIN,
		Name: "Paracetamol", Strength: "500 mg", Form: "tablet"})
	s.Require().NoError(err)
	var units []string
	for _, c := range []struct {
		gtin, lot string
		serials   []string
	}{
		{rxGTIN, lotA, []string{"RX1", "RX2", "RX3", "RX4", "RX5", "RX6"}},
		{rxGTIN, lotB, []string{"RX7", "RX8", "RX9"}},
		{otcGTIN, lotA, []string{"OTC1"}},
	} {
		_, err = ms.Commission(ctx, &drugtracetypes.MsgCommission{Manufacturer: mfr, GTIN: c.gtin, Lot: c.lot, Expiry: expiry, Serials: c.serials})
		s.Require().NoError(err)
		for _, sr := range c.serials {
			units = append(units, c.gtin+"/"+sr)
		}
	}
	res, err := ms.Ship(ctx, &drugtracetypes.MsgShip{Actor: mfr, To: ph, Units: units})
	s.Require().NoError(err)
	_, err = ms.Receive(ctx, &drugtracetypes.MsgReceive{Actor: ph, ShipmentID: res.ShipmentID})
	s.Require().NoError(err)
}

// --- helpers ---------------------------------------------------------------

func (s *BridgeSuite) tx(chain *ibctesting.TestChain, from ibctesting.SenderAccount, msgs ...sdk.Msg) (*abci.ExecTxResult, error) {
	res, err := chain.SendMsgsWithSender(from, msgs...)
	if err != nil {
		// A message its ValidateBasic refuses fails before the ante handler
		// takes the sequence, and ibctesting counts it anyway: take the
		// chain's.
		acc := chain.App.(*app.App).AccountKeeper.GetAccount(chain.GetContext(), from.SenderAccount.GetAddress())
		s.Require().NoError(from.SenderAccount.SetSequence(acc.GetSequence()))
	}
	return res, err
}

func (s *BridgeSuite) packetOf(res *abci.ExecTxResult) channeltypes.Packet {
	p, err := ibctesting.ParseV1PacketFromEvents(res.Events)
	s.Require().NoError(err)
	return p
}

func (s *BridgeSuite) prescribe(patient string, quantity, refills uint32) (uint64, channeltypes.Packet) {
	res, err := s.tx(s.hosp, s.hospital, &bridgetypes.MsgSendPrescription{
		Prescriber: s.hospital.SenderAccount.GetAddress().String(), ChannelID: s.path.EndpointA.ChannelID,
		Patient: patient, GTIN: rxGTIN, Quantity: quantity, Refills: refills,
		ValidUntil: s.hosp.GetContext().BlockTime().Add(30 * 24 * time.Hour),
	})
	s.Require().NoError(err)
	var resp bridgetypes.MsgSendPrescriptionResponse
	s.Require().NoError(unpackResponse(res, &resp))
	return resp.ID, s.packetOf(res)
}

// prescribeRelayed issues a prescription, relays it and returns the hospital
// chain's id and the pharma chain's open prescription id.
func (s *BridgeSuite) prescribeRelayed(patient string, quantity, refills uint32) (uint64, uint64) {
	id, pkt := s.prescribe(patient, quantity, refills)
	s.Require().NoError(s.path.RelayPacket(pkt))
	p := s.hospPrescription(id)
	s.Require().Equal(bridgetypes.PrescriptionStatus_PRESCRIPTION_STATUS_OPEN, p.Status)
	return id, p.RemoteID
}

// dispense names a bridge prescription by its id (ref a number), or a
// pharmacy's own prescription ref by its commitment, as the CLI does.
func (s *BridgeSuite) dispense(unit, patient, ref string) (*abci.ExecTxResult, error) {
	msg := &drugtracetypes.MsgDispense{Actor: s.pharmacy.SenderAccount.GetAddress().String(), Unit: unit, PatientRef: patient}
	if id, err := strconv.ParseUint(ref, 10, 64); err == nil {
		msg.PrescriptionID = id
	} else if ref != "" {
		msg.PrescriptionCommitment = drugtracetypes.PrescriptionCommitment(drugtracetypes.PrescriptionSalt(make([]byte, 32), unit), ref)
	}
	return s.tx(s.pharma, s.pharmacy, msg)
}

func (s *BridgeSuite) dispenseRelayed(unit, patient, ref string) {
	res, err := s.dispense(unit, patient, ref)
	s.Require().NoError(err)
	s.Require().NoError(s.path.RelayPacket(s.packetOf(res)))
}

func (s *BridgeSuite) hospPrescription(id uint64) bridgetypes.Prescription {
	p, err := s.hospApp.BridgeKeeper.Prescriptions.Get(s.hosp.GetContext(), id)
	s.Require().NoError(err)
	return p
}

func (s *BridgeSuite) pharmaPrescription(id uint64) bridgetypes.Prescription {
	p, err := s.phApp.BridgeKeeper.Prescriptions.Get(s.pharma.GetContext(), id)
	s.Require().NoError(err)
	return p
}

func (s *BridgeSuite) unitStatus(gtin, serial string) drugtracetypes.UnitStatus {
	u, err := s.phApp.DrugtraceKeeper.Units.Get(s.pharma.GetContext(), collections.Join(gtin, serial))
	s.Require().NoError(err)
	return u.Status
}

func (s *BridgeSuite) history(patient string) []bridgetypes.MedicationEntry {
	var out []bridgetypes.MedicationEntry
	rng := collections.NewPrefixedPairRange[string, uint64](patient)
	s.Require().NoError(s.hospApp.BridgeKeeper.History.Walk(s.hosp.GetContext(), rng, func(_ collections.Pair[string, uint64], e bridgetypes.MedicationEntry) (bool, error) {
		out = append(out, e)
		return false, nil
	}))
	return out
}

// bridgeState is the whole bridge state of a chain, for "nothing changed" checks.
func (s *BridgeSuite) bridgeState(chain *ibctesting.TestChain) *bridgetypes.GenesisState {
	gs, err := chain.App.(*app.App).BridgeKeeper.ExportGenesis(chain.GetContext())
	s.Require().NoError(err)
	return gs
}

func unpackResponse(res *abci.ExecTxResult, out interface{ Unmarshal([]byte) error }) error {
	var msgData sdk.TxMsgData
	if err := msgData.Unmarshal(res.Data); err != nil {
		return err
	}
	return out.Unmarshal(msgData.MsgResponses[0].Value)
}

// typedEvents returns the events of a type, as key=value maps.
func typedEvents(events []abci.Event, typ string) []map[string]string {
	var out []map[string]string
	for _, e := range events {
		if e.Type != typ {
			continue
		}
		m := map[string]string{}
		for _, a := range e.Attributes {
			m[a.Key] = strings.Trim(a.Value, `"`)
		}
		out = append(out, m)
	}
	return out
}

// --- flows -----------------------------------------------------------------

// TestPrescriptionAndDispense: a prescription opens on the pharma chain; a
// dispense against it confirms back, decrements it on both chains and lands in
// the patient's medication history; the last unit closes it on both.
func (s *BridgeSuite) TestPrescriptionAndDispense() {
	patient := s.patients[0]
	id, openID := s.prescribeRelayed(patient, 1, 1) // two units in all
	s.Require().NotZero(openID)

	open := s.pharmaPrescription(openID)
	s.Require().Equal(bridgetypes.PrescriptionStatus_PRESCRIPTION_STATUS_OPEN, open.Status)
	s.Require().Equal(id, open.SourceID)
	s.Require().Equal(patient, open.Patient)
	s.Require().Equal(rxGTIN, open.GTIN)
	s.Require().Equal(s.path.EndpointB.ChannelID, open.ChannelID)
	s.Require().Empty(s.bridgeState(s.hosp).Pending, "acknowledged: nothing pending on the hospital chain")

	ref := strconvU(openID)
	s.dispenseRelayed(rxGTIN+"/RX1", patient, ref)
	s.Require().Equal(drugtracetypes.UnitStatus_UNIT_STATUS_DISPENSED, s.unitStatus(rxGTIN, "RX1"))
	s.Require().EqualValues(1, s.pharmaPrescription(openID).Dispensed)
	hp := s.hospPrescription(id)
	s.Require().EqualValues(1, hp.Dispensed)
	s.Require().Equal(bridgetypes.PrescriptionStatus_PRESCRIPTION_STATUS_OPEN, hp.Status)
	h := s.history(patient)
	s.Require().Len(h, 1)
	s.Require().Equal(rxGTIN, h[0].GTIN)
	s.Require().Equal("RX1", h[0].Serial)
	s.Require().Equal(lotA, h[0].Lot)
	s.Require().Equal(expiry, h[0].Expiry)
	s.Require().Equal(id, h[0].PrescriptionID)
	s.Require().Equal(s.pharmacy.SenderAccount.GetAddress().String(), h[0].Pharmacy)

	// The refill: the last unit closes the prescription on both chains.
	s.dispenseRelayed(rxGTIN+"/RX7", patient, ref)
	s.Require().Equal(bridgetypes.PrescriptionStatus_PRESCRIPTION_STATUS_CLOSED, s.pharmaPrescription(openID).Status)
	s.Require().Equal(bridgetypes.PrescriptionStatus_PRESCRIPTION_STATUS_CLOSED, s.hospPrescription(id).Status)
	s.Require().Len(s.history(patient), 2)
	s.Require().Empty(s.bridgeState(s.pharma).Pending)

	// A closed prescription dispenses nothing more, and nothing moves.
	before, beforeH := s.bridgeState(s.pharma), s.bridgeState(s.hosp)
	_, err := s.dispense(rxGTIN+"/RX2", patient, ref)
	s.Require().ErrorContains(err, "not in a state that allows this")
	s.Require().Equal(drugtracetypes.UnitStatus_UNIT_STATUS_ACTIVE, s.unitStatus(rxGTIN, "RX2"))
	s.Require().Equal(before, s.bridgeState(s.pharma))
	s.Require().Equal(beforeH, s.bridgeState(s.hosp))
}

func strconvU(v uint64) string { return strconv.FormatUint(v, 10) }

// TestDispenseRefusals: a prescription-only product needs an open
// prescription that matches patient and product; an over-the-counter one does
// not. Each refusal leaves the unit and both chains' bridge state unchanged.
func (s *BridgeSuite) TestDispenseRefusals() {
	patient, other := s.patients[0], s.patients[1]
	_, openID := s.prescribeRelayed(patient, 1, 0)
	ref := strconvU(openID)

	// An NDC prescription for the same product.
	res, err := s.tx(s.hosp, s.hospital, &bridgetypes.MsgSendPrescription{
		Prescriber: s.hospital.SenderAccount.GetAddress().String(), ChannelID: s.path.EndpointA.ChannelID,
		Patient: other, NDC: rxNDC, Quantity: 1, ValidUntil: s.hosp.GetContext().BlockTime().Add(time.Hour),
	})
	s.Require().NoError(err)
	s.Require().NoError(s.path.RelayPacket(s.packetOf(res)))

	cases := []struct {
		name, unit, patient, ref, want string
	}{
		{"no prescription for a prescription-only product", rxGTIN + "/RX1", patient, "", "prescription reference must be"},
		{"reference that is not an id", rxGTIN + "/RX1", patient, "RX-77", "prescription not found"},
		{"unknown prescription", rxGTIN + "/RX1", patient, "99", "prescription not found"},
		{"another patient", rxGTIN + "/RX1", other, ref, "another patient"},
		{"another product", otcGTIN + "/OTC1", patient, ref, "another product"},
	}
	for _, tc := range cases {
		s.Run(tc.name, func() {
			before, beforeH := s.bridgeState(s.pharma), s.bridgeState(s.hosp)
			_, err := s.dispense(tc.unit, tc.patient, tc.ref)
			s.Require().ErrorContains(err, tc.want)
			gtin, serial, _ := strings.Cut(tc.unit, "/")
			s.Require().Equal(drugtracetypes.UnitStatus_UNIT_STATUS_ACTIVE, s.unitStatus(gtin, serial))
			s.Require().Equal(before, s.bridgeState(s.pharma))
			s.Require().Equal(beforeH, s.bridgeState(s.hosp))
		})
	}

	// The NDC prescription matches the product's NDC.
	s.dispenseRelayed(rxGTIN+"/RX3", other, strconvU(openID+1))
	s.Require().Len(s.history(other), 1)

	// Over the counter, without a prescription: dispensed, nothing sent.
	res, err = s.dispense(otcGTIN+"/OTC1", patient, "")
	s.Require().NoError(err)
	_, perr := ibctesting.ParseV1PacketFromEvents(res.Events)
	s.Require().Error(perr, "no packet for an over-the-counter dispense")
}

// TestSendPrescriptionRefusals: every refusal leaves the hospital chain's
// bridge state unchanged and sends nothing.
func (s *BridgeSuite) TestSendPrescriptionRefusals() {
	hospital := s.hospital.SenderAccount.GetAddress().String()
	now := s.hosp.GetContext().BlockTime()
	valid := func() *bridgetypes.MsgSendPrescription {
		return &bridgetypes.MsgSendPrescription{Prescriber: hospital, ChannelID: s.path.EndpointA.ChannelID,
			Patient: s.patients[0], GTIN: rxGTIN, Quantity: 1, ValidUntil: now.Add(time.Hour)}
	}
	outsider := s.hosp.SenderAccounts[3]
	cases := []struct {
		name     string
		from     ibctesting.SenderAccount
		malleate func(m *bridgetypes.MsgSendPrescription)
		want     string
	}{
		{"not a member", outsider, func(m *bridgetypes.MsgSendPrescription) { m.Prescriber = outsider.SenderAccount.GetAddress().String() }, "not"},
		{"bad patient", s.hospital, func(m *bridgetypes.MsgSendPrescription) { m.Patient = "patient-jane" }, "invalid address"},
		{"no product", s.hospital, func(m *bridgetypes.MsgSendPrescription) { m.GTIN = "" }, "GTIN or NDC"},
		{"both gtin and ndc", s.hospital, func(m *bridgetypes.MsgSendPrescription) { m.NDC = rxNDC }, "not both"},
		{"bad gtin check digit", s.hospital, func(m *bridgetypes.MsgSendPrescription) { m.GTIN = "09506000134353" }, "gtin"},
		{"quantity zero", s.hospital, func(m *bridgetypes.MsgSendPrescription) { m.Quantity = 0 }, "quantity"},
		{"too many refills", s.hospital, func(m *bridgetypes.MsgSendPrescription) { m.Refills = 13 }, "refills"},
		{"valid_until in the past", s.hospital, func(m *bridgetypes.MsgSendPrescription) { m.ValidUntil = now.Add(-time.Hour) }, "valid_until"},
		{"valid_until beyond a year", s.hospital, func(m *bridgetypes.MsgSendPrescription) { m.ValidUntil = now.Add(400 * 24 * time.Hour) }, "valid_until"},
		{"not a bridge channel", s.hospital, func(m *bridgetypes.MsgSendPrescription) { m.ChannelID = "channel-9" }, "not an open bridge channel"},
	}
	for _, tc := range cases {
		s.Run(tc.name, func() {
			before := s.bridgeState(s.hosp)
			m := valid()
			tc.malleate(m)
			_, err := s.tx(s.hosp, tc.from, m)
			s.Require().ErrorContains(err, tc.want)
			s.Require().Equal(before, s.bridgeState(s.hosp))
		})
	}

	// The pharma chain does not originate prescriptions.
	before := s.bridgeState(s.pharma)
	s.admit(s.pharma, s.pharma.SenderAccounts[3], "Hospital on the pharma chain", "5901234123457", consortiumtypes.Role_ROLE_HOSPITAL)
	_, err := s.tx(s.pharma, s.pharma.SenderAccounts[3], &bridgetypes.MsgSendPrescription{
		Prescriber: s.pharma.SenderAccounts[3].SenderAccount.GetAddress().String(), ChannelID: s.path.EndpointB.ChannelID,
		Patient: s.patients[0], GTIN: rxGTIN, Quantity: 1, ValidUntil: now.Add(time.Hour),
	})
	s.Require().ErrorContains(err, "flow not handled by this chain's role")
	s.Require().Equal(before, s.bridgeState(s.pharma))
}

// TestVerification: the acknowledgement carries x/drugtrace's verdict, stored
// on the hospital chain with its time.
func (s *BridgeSuite) TestVerification() {
	patient := s.patients[0]
	_, openID := s.prescribeRelayed(patient, 1, 0)
	s.dispenseRelayed(rxGTIN+"/RX1", patient, strconvU(openID))

	for _, tc := range []struct {
		unit string
		want drugtracetypes.Verdict
	}{
		{rxGTIN + "/RX2", drugtracetypes.Verdict_VERDICT_AUTHENTIC_SALEABLE},
		{rxGTIN + "/RX1", drugtracetypes.Verdict_VERDICT_ALREADY_DISPENSED},
		{rxGTIN + "/FAKE99", drugtracetypes.Verdict_VERDICT_NEVER_COMMISSIONED},
		{"(01)" + rxGTIN + "(17)300630(10)" + lotA + "(21)RX3", drugtracetypes.Verdict_VERDICT_AUTHENTIC_SALEABLE},
	} {
		res, err := s.tx(s.hosp, s.hospital, &bridgetypes.MsgRequestVerification{
			Requester: s.hospital.SenderAccount.GetAddress().String(), ChannelID: s.path.EndpointA.ChannelID, Unit: tc.unit,
		})
		s.Require().NoError(err)
		var resp bridgetypes.MsgRequestVerificationResponse
		s.Require().NoError(unpackResponse(res, &resp))
		v, err := s.hospApp.BridgeKeeper.Verifications.Get(s.hosp.GetContext(), resp.ID)
		s.Require().NoError(err)
		s.Require().Equal(bridgetypes.VerificationStatus_VERIFICATION_STATUS_PENDING, v.Status)

		pharmaBefore := s.bridgeState(s.pharma)
		s.Require().NoError(s.path.RelayPacket(s.packetOf(res)))
		v, err = s.hospApp.BridgeKeeper.Verifications.Get(s.hosp.GetContext(), resp.ID)
		s.Require().NoError(err)
		s.Require().Equal(bridgetypes.VerificationStatus_VERIFICATION_STATUS_ANSWERED, v.Status, tc.unit)
		s.Require().Equal(tc.want, v.Verdict, tc.unit)
		s.Require().False(v.AnsweredAt.IsZero())
		s.Require().Equal(pharmaBefore, s.bridgeState(s.pharma), "a verification changes nothing on the pharma chain")
	}

	// Refusals: not a member, unparseable unit.
	before := s.bridgeState(s.hosp)
	_, err := s.tx(s.hosp, s.hosp.SenderAccounts[3], &bridgetypes.MsgRequestVerification{
		Requester: s.hosp.SenderAccounts[3].SenderAccount.GetAddress().String(), ChannelID: s.path.EndpointA.ChannelID, Unit: rxGTIN + "/RX2",
	})
	s.Require().Error(err)
	_, err = s.tx(s.hosp, s.hospital, &bridgetypes.MsgRequestVerification{
		Requester: s.hospital.SenderAccount.GetAddress().String(), ChannelID: s.path.EndpointA.ChannelID, Unit: "not a unit",
	})
	s.Require().ErrorContains(err, "invalid unit reference")
	s.Require().Equal(before, s.bridgeState(s.hosp))
}

// TestRecallReachesExactlyAffectedPatients: patients 0 and 1 received units of
// lot A, patient 2 of lot B, patient 3 nothing. A recall of lot A on the pharma
// chain notifies patients 0 and 1, once each, and no one else.
func (s *BridgeSuite) TestRecallReachesExactlyAffectedPatients() {
	p0, p1, p2, p3 := s.patients[0], s.patients[1], s.patients[2], s.patients[3]
	_, o0 := s.prescribeRelayed(p0, 2, 0)
	_, o1 := s.prescribeRelayed(p1, 1, 0)
	_, o2 := s.prescribeRelayed(p2, 1, 0)
	_, _ = s.prescribeRelayed(p3, 1, 0)
	s.dispenseRelayed(rxGTIN+"/RX1", p0, strconvU(o0))
	s.dispenseRelayed(rxGTIN+"/RX2", p0, strconvU(o0)) // two units of lot A: still one notice
	s.dispenseRelayed(rxGTIN+"/RX3", p1, strconvU(o1))
	s.dispenseRelayed(rxGTIN+"/RX7", p2, strconvU(o2))

	res, err := s.tx(s.pharma, s.manufacturer, &drugtracetypes.MsgRecall{
		Actor: s.manufacturer.SenderAccount.GetAddress().String(), GTIN: rxGTIN, Lot: lotA,
		Class: drugtracetypes.RecallClass_RECALL_CLASS_II, ReasonCode: drugtracetypes.RecallReason_RECALL_REASON_CONTAMINATION,
	})
	s.Require().NoError(err)
	recv, ack, err := s.path.RelayPacketWithResults(s.packetOf(res))
	s.Require().NoError(err)
	s.Require().NotContains(string(ack), "error")

	notified := map[string]int{}
	for _, e := range typedEvents(recv.Events, "healthd.bridge.v1.EventRecallNotification") {
		s.Require().Empty(e["gtin"], "a notification names the patient, not the drug")
		s.Require().Empty(e["lot"])
		notified[e["patient"]]++
	}
	s.Require().Equal(map[string]int{p0: 1, p1: 1}, notified)

	q, err := s.hospApp.BridgeKeeper.RecallNotices.Get(s.hosp.GetContext(), collections.Join(rxGTIN, lotA))
	s.Require().NoError(err)
	s.Require().EqualValues(2, q.Patients)
	s.Require().Equal("CLASS_II:CONTAMINATION", q.Reason, "the class and reason code, as one token")
	_, err = s.hospApp.BridgeKeeper.RecallNotices.Get(s.hosp.GetContext(), collections.Join(rxGTIN, lotB))
	s.Require().Error(err, "lot B was not recalled")
	s.Require().Empty(s.bridgeState(s.pharma).Pending, "the notice was acknowledged")
}

// TestTimeoutThenResend: a prescription never relayed times out; the hospital
// chain marks it undelivered, the pharma chain has nothing; the prescriber
// re-sends it and it opens once.
func (s *BridgeSuite) TestTimeoutThenResend() {
	id, pkt := s.prescribe(s.patients[0], 1, 0)
	s.Require().Len(s.bridgeState(s.hosp).Pending, 1)

	s.coord.IncrementTimeBy(11 * time.Minute) // past the 10-minute packet timeout
	s.pharma.NextBlock()
	s.Require().NoError(s.path.EndpointA.UpdateClient())
	s.Require().NoError(s.path.EndpointA.TimeoutPacket(pkt))

	p := s.hospPrescription(id)
	s.Require().Equal(bridgetypes.PrescriptionStatus_PRESCRIPTION_STATUS_UNDELIVERED, p.Status)
	s.Require().Empty(s.bridgeState(s.hosp).Pending)
	s.Require().Empty(s.bridgeState(s.pharma).Prescriptions)

	// Only the prescriber re-sends.
	before := s.bridgeState(s.hosp)
	_, err := s.tx(s.hosp, s.hospital2, &bridgetypes.MsgResendPrescription{Prescriber: s.hospital2.SenderAccount.GetAddress().String(), ID: id})
	s.Require().ErrorContains(err, "not the prescriber")
	s.Require().Equal(before, s.bridgeState(s.hosp))

	res, err := s.tx(s.hosp, s.hospital, &bridgetypes.MsgResendPrescription{Prescriber: s.hospital.SenderAccount.GetAddress().String(), ID: id})
	s.Require().NoError(err)
	s.Require().NoError(s.path.RelayPacket(s.packetOf(res)))
	p = s.hospPrescription(id)
	s.Require().Equal(bridgetypes.PrescriptionStatus_PRESCRIPTION_STATUS_OPEN, p.Status)
	s.Require().Len(s.bridgeState(s.pharma).Prescriptions, 1)

	// An open prescription is not re-sent.
	before = s.bridgeState(s.hosp)
	_, err = s.tx(s.hosp, s.hospital, &bridgetypes.MsgResendPrescription{Prescriber: s.hospital.SenderAccount.GetAddress().String(), ID: id})
	s.Require().ErrorContains(err, "only an undelivered one")
	s.Require().Equal(before, s.bridgeState(s.hosp))
}

// TestDispenseConfirmationTimeoutThenResend: a confirmation that times out is
// kept on the pharma chain and re-sent by a member; the history then has it once.
func (s *BridgeSuite) TestDispenseConfirmationTimeoutThenResend() {
	patient := s.patients[0]
	id, openID := s.prescribeRelayed(patient, 2, 0)
	res, err := s.dispense(rxGTIN+"/RX1", patient, strconvU(openID))
	s.Require().NoError(err)
	pkt := s.packetOf(res)

	s.coord.IncrementTimeBy(11 * time.Minute)
	s.hosp.NextBlock()
	s.Require().NoError(s.path.EndpointB.UpdateClient())
	s.Require().NoError(s.path.EndpointB.TimeoutPacket(pkt))
	st := s.bridgeState(s.pharma)
	s.Require().Len(st.Undelivered, 1)
	s.Require().Equal(bridgetypes.UndeliveredReason_UNDELIVERED_REASON_TIMEOUT, st.Undelivered[0].Reason)
	s.Require().Empty(s.history(patient))
	s.Require().EqualValues(0, s.hospPrescription(id).Dispensed)

	res, err = s.tx(s.pharma, s.pharmacy, &bridgetypes.MsgResendNotice{Sender: s.pharmacy.SenderAccount.GetAddress().String(), ID: st.Undelivered[0].ID})
	s.Require().NoError(err)
	s.Require().NoError(s.path.RelayPacket(s.packetOf(res)))
	s.Require().Empty(s.bridgeState(s.pharma).Undelivered)
	s.Require().Len(s.history(patient), 1)
	s.Require().EqualValues(1, s.hospPrescription(id).Dispensed)
}

// TestErrorAckRollsBack: a prescription that expires before it is relayed is
// refused by the pharma chain; the error acknowledgement carries no error
// text, and the hospital chain marks it refused with nothing pending.
func (s *BridgeSuite) TestErrorAckRollsBack() {
	res, err := s.tx(s.hosp, s.hospital, &bridgetypes.MsgSendPrescription{
		Prescriber: s.hospital.SenderAccount.GetAddress().String(), ChannelID: s.path.EndpointA.ChannelID,
		Patient: s.patients[0], GTIN: rxGTIN, Quantity: 1, ValidUntil: s.hosp.GetContext().BlockTime().Add(5 * time.Minute),
	})
	s.Require().NoError(err)
	var resp bridgetypes.MsgSendPrescriptionResponse
	s.Require().NoError(unpackResponse(res, &resp))
	pkt := s.packetOf(res)

	s.coord.IncrementTimeBy(6 * time.Minute) // expired, but the packet has not timed out
	_, ack, err := s.path.RelayPacketWithResults(pkt)
	s.Require().NoError(err)
	s.Require().Contains(string(ack), `"error"`)
	s.Require().NotContains(string(ack), "expired")
	s.Require().Contains(string(ack), "bridge/6", "the ack names the registered error's codespace and code only")

	s.Require().Equal(bridgetypes.PrescriptionStatus_PRESCRIPTION_STATUS_REFUSED, s.hospPrescription(resp.ID).Status)
	s.Require().Empty(s.bridgeState(s.hosp).Pending)
	s.Require().Empty(s.bridgeState(s.pharma).Prescriptions)
}

// TestReplayedPacketChangesNothing: relaying a received packet again neither
// opens a second prescription nor changes anything else.
func (s *BridgeSuite) TestReplayedPacketChangesNothing() {
	_, pkt := s.prescribe(s.patients[0], 1, 0)
	s.Require().NoError(s.path.RelayPacket(pkt))
	before, beforeH := s.bridgeState(s.pharma), s.bridgeState(s.hosp)

	s.Require().NoError(s.path.EndpointB.UpdateClient())
	res, err := s.path.EndpointB.RecvPacketWithResult(pkt) // a redundant relay is a no-op
	if err == nil {
		s.Require().Empty(typedEvents(res.Events, "healthd.bridge.v1.EventPrescriptionReceived"))
	}
	s.Require().Equal(before, s.bridgeState(s.pharma))
	s.Require().Equal(beforeH, s.bridgeState(s.hosp))
	s.Require().Len(before.Prescriptions, 1)
}

// TestMalformedPacketsGetErrorAcks: packets committed on the hospital chain's
// bridge port that are not valid bridge data (garbage, oversize, trailing
// unknown field, a flow the pharma chain does not accept) are answered with an
// error acknowledgement and change nothing on the pharma chain.
func (s *BridgeSuite) TestMalformedPacketsGetErrorAcks() {
	valid := bridgetypes.PacketData{Flow: &bridgetypes.PacketData_Prescription{Prescription: &bridgetypes.PrescriptionPacket{
		ID: 7, Prescriber: s.hospital.SenderAccount.GetAddress().String(), Patient: s.patients[0], GTIN: rxGTIN, Quantity: 1,
		ValidUntil: s.hosp.GetContext().BlockTime().Add(time.Hour).Unix(),
	}}}
	good, err := bridgetypes.EncodePacket(valid)
	s.Require().NoError(err)
	wrongFlow, err := bridgetypes.EncodePacket(bridgetypes.PacketData{Flow: &bridgetypes.PacketData_Recall{Recall: &bridgetypes.RecallPacket{
		GTIN: rxGTIN, Lot: lotA, Reason: "x", RecalledAt: 1,
	}}})
	s.Require().NoError(err)
	badPatient := valid
	bp := *valid.GetPrescription()
	bp.Patient = "cosmos1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq"
	badPatient.Flow = &bridgetypes.PacketData_Prescription{Prescription: &bp}
	badPatientBz, err := bridgetypes.EncodePacket(badPatient)
	s.Require().NoError(err)

	for name, data := range map[string][]byte{
		"garbage":                []byte("{\"prescription\":{}}"),
		"oversize":               append(append([]byte{}, good...), make([]byte, bridgetypes.MaxPacketBytes)...),
		"unknown trailing field": append(append([]byte{}, good...), 0xf8, 0x06, 0x01), // field 111, varint 1
		"recall sent to pharma":  wrongFlow,
		"patient not an account": badPatientBz,
	} {
		s.Run(name, func() {
			before := s.bridgeState(s.pharma)
			timeout := uint64(s.hosp.GetContext().BlockTime().Add(time.Hour).UnixNano())
			seq, err := s.path.EndpointA.SendPacket(clienttypes.ZeroHeight(), timeout, data)
			s.Require().NoError(err)
			pkt := channeltypes.NewPacket(data, seq, bridgetypes.PortID, s.path.EndpointA.ChannelID, bridgetypes.PortID, s.path.EndpointB.ChannelID, clienttypes.ZeroHeight(), timeout)
			res, err := s.path.EndpointB.RecvPacketWithResult(pkt)
			s.Require().NoError(err)
			ack, err := ibctesting.ParseAckFromEvents(res.Events)
			s.Require().NoError(err)
			s.Require().Contains(string(ack), `"error"`)
			s.Require().Equal(before, s.bridgeState(s.pharma))
		})
	}
	// The valid encoding of the same packet is accepted (the cases above fail for their defect).
	before := len(s.bridgeState(s.pharma).Prescriptions)
	timeout := uint64(s.hosp.GetContext().BlockTime().Add(time.Hour).UnixNano())
	seq, err := s.path.EndpointA.SendPacket(clienttypes.ZeroHeight(), timeout, good)
	s.Require().NoError(err)
	pkt := channeltypes.NewPacket(good, seq, bridgetypes.PortID, s.path.EndpointA.ChannelID, bridgetypes.PortID, s.path.EndpointB.ChannelID, clienttypes.ZeroHeight(), timeout)
	s.Require().NoError(s.path.EndpointB.RecvPacket(pkt))
	s.Require().Len(s.bridgeState(s.pharma).Prescriptions, before+1)
}

// TestChannelHandshakeRefusals: a wrong version, an ordered channel, a
// counterparty port other than "bridge", or a connection over a light client
// the chain does not trust, are refused at open.
func (s *BridgeSuite) TestChannelHandshakeRefusals() {
	cases := []struct {
		name     string
		malleate func(p *ibctesting.Path)
	}{
		{"wrong version at init", func(p *ibctesting.Path) { p.EndpointA.ChannelConfig.Version = "healthd-bridge-2" }},
		{"ordered", func(p *ibctesting.Path) {
			p.EndpointA.ChannelConfig.Order = channeltypes.ORDERED
			p.EndpointB.ChannelConfig.Order = channeltypes.ORDERED
		}},
		{"counterparty port transfer", func(p *ibctesting.Path) { p.EndpointB.ChannelConfig.PortID = "transfer" }},
	}
	for _, tc := range cases {
		s.Run(tc.name, func() {
			path := newBridgePath(s.hosp, s.pharma)
			path.EndpointA.ClientID, path.EndpointB.ClientID = s.path.EndpointA.ClientID, s.path.EndpointB.ClientID
			path.EndpointA.ConnectionID, path.EndpointB.ConnectionID = s.path.EndpointA.ConnectionID, s.path.EndpointB.ConnectionID
			tc.malleate(path)
			chA, chB := s.bridgeState(s.hosp).Channels, s.bridgeState(s.pharma).Channels
			err := path.EndpointA.ChanOpenInit()
			if err == nil {
				err = path.EndpointB.ChanOpenTry()
			}
			s.Require().Error(err)
			s.Require().Equal(chA, s.bridgeState(s.hosp).Channels)
			s.Require().Equal(chB, s.bridgeState(s.pharma).Channels)
		})
	}

	s.Run("wrong counterparty version at try and ack", func() {
		// The callbacks themselves: a relayer can put any counterparty version
		// in a handshake message whose proof it holds.
		im := bridge.NewIBCModule(s.phApp.BridgeKeeper)
		ctx := s.pharma.GetContext()
		cp := channeltypes.NewCounterparty(bridgetypes.PortID, "channel-7")
		_, err := im.OnChanOpenTry(ctx, channeltypes.UNORDERED, []string{s.path.EndpointB.ConnectionID}, bridgetypes.PortID, "channel-8", cp, "healthd-bridge-2")
		s.Require().ErrorContains(err, "counterparty version")
		_, err = im.OnChanOpenTry(ctx, channeltypes.UNORDERED, []string{s.path.EndpointB.ConnectionID}, bridgetypes.PortID, "channel-8", cp, bridgetypes.Version)
		s.Require().ErrorIs(err, bridgetypes.ErrChannelExists, "the right version, but a channel to this counterparty is open")
		s.Require().ErrorContains(im.OnChanOpenAck(ctx, bridgetypes.PortID, "channel-8", "channel-7", "ics20-1"), "counterparty version")
		has, err := s.phApp.BridgeKeeper.Channels.Has(ctx, "channel-8")
		s.Require().NoError(err)
		s.Require().False(has)
	})

	s.Run("light clients of the trusted chains that start elsewhere", func() {
		// New honest clients of the same two chains (07-tendermint-1), created
		// from later headers: the chain ids are trusted, the clients are not
		// the pinned ones, so they are refused whatever their id.
		path := newBridgePath(s.hosp, s.pharma)
		path.SetupConnections()
		s.Require().Equal("07-tendermint-1", path.EndpointA.ClientID)
		s.Require().ErrorContains(path.EndpointA.ChanOpenInit(), "not from the pinned header")
		s.Require().ErrorContains(path.EndpointB.ChanOpenInit(), "not from the pinned header")
	})

	s.Run("a forged client of the trusted chain at the pinned height", func() {
		// Anyone can create a light client with any consensus state: one of
		// chain pharma at the pinned height with a made-up app hash, under a
		// connection end, is refused at open.
		ctx := s.hosp.GetContext()
		pin := s.pinOf(s.hosp, s.path.EndpointA.ClientID)
		forged := s.createForgedClient(ctx, clienttypes.NewHeight(pin.RevisionNumber, pin.RevisionHeight),
			&ibctm.ConsensusState{Timestamp: pin.Timestamp, Root: commitmenttypes.NewMerkleRoot(make([]byte, 32)), NextValidatorsHash: mustHex(s, pin.NextValidatorsHash)})
		s.refusedOver(ctx, forged, "not from the pinned header")
	})

	s.Run("a forged first state, later showing the pinned header as its earliest", func() {
		// The attack a pin on the client's earliest state let through: a
		// client created below the pinned height from made-up validators,
		// updated (by them) to a copy of the pinned header and to forged
		// heights above it, then left until its first state expires and is
		// pruned. Its earliest state is then the pinned header; its origin,
		// recorded when it was created, is not.
		ctx := s.hosp.GetContext()
		pin := s.pinOf(s.hosp, s.path.EndpointA.ClientID)
		pinH := clienttypes.NewHeight(pin.RevisionNumber, pin.RevisionHeight)
		firstH := clienttypes.NewHeight(pin.RevisionNumber, pin.RevisionHeight-1)
		forged := s.createForgedClient(ctx, firstH, &ibctm.ConsensusState{Timestamp: pin.Timestamp.Add(-time.Second),
			Root: commitmenttypes.NewMerkleRoot(make([]byte, 32)), NextValidatorsHash: make([]byte, 32)})
		ck := s.hospApp.IBCKeeper.ClientKeeper
		pinned, found := ck.GetClientConsensusState(ctx, s.path.EndpointA.ClientID, pinH)
		s.Require().True(found)
		store := ck.ClientStore(ctx, forged)
		ck.SetClientConsensusState(ctx, forged, pinH, pinned)
		ibctm.SetIterationKey(store, pinH)
		store.Delete(host.ConsensusStateKey(firstH))
		store.Delete(ibctm.IterationKey(firstH))
		h, cons, ok := bridgekeeper.NewIBCClients(ck).EarliestConsensusState(ctx, forged)
		s.Require().True(ok)
		s.Require().Equal(pinH, h, "the forged client's earliest state is now the pinned header")
		s.Require().Equal(pinned, cons)
		s.refusedOver(ctx, forged, "not from the pinned header")
	})

	s.Run("closing is refused", func() {
		s.Require().Error(s.path.EndpointA.ChanCloseInit())
	})
}

// createForgedClient creates, as anyone can, a light client of the pharma
// chain (the honest client's parameters) from a made-up first state, and ends
// the block: the bridge records its origin.
func (s *BridgeSuite) createForgedClient(ctx sdk.Context, h clienttypes.Height, cons *ibctm.ConsensusState) string {
	honest, found := s.hospApp.IBCKeeper.ClientKeeper.GetClientState(ctx, s.path.EndpointA.ClientID)
	s.Require().True(found)
	cs := *honest.(*ibctm.ClientState)
	cs.LatestHeight = h
	csBz, err := s.hospApp.AppCodec().Marshal(&cs)
	s.Require().NoError(err)
	consBz, err := s.hospApp.AppCodec().Marshal(cons)
	s.Require().NoError(err)
	forged, err := s.hospApp.IBCKeeper.ClientKeeper.CreateClient(ctx, ibcexported.Tendermint, csBz, consBz)
	s.Require().NoError(err)
	s.Require().NoError(s.hospApp.BridgeKeeper.EndBlock(ctx))
	o, err := s.hospApp.BridgeKeeper.ClientOrigins.Get(ctx, forged)
	s.Require().NoError(err)
	s.Require().Equal(h.RevisionHeight, o.Origin.RevisionHeight)
	return forged
}

// refusedOver opens a channel over a connection to clientID, refused with
// nothing written (with the real channel removed, so only the client is at
// fault).
func (s *BridgeSuite) refusedOver(ctx sdk.Context, clientID, why string) {
	s.hospApp.IBCKeeper.ConnectionKeeper.SetConnection(ctx, "connection-9", connectiontypes.ConnectionEnd{
		ClientId: clientID, State: connectiontypes.OPEN, Versions: connectiontypes.GetCompatibleVersions(),
		Counterparty: connectiontypes.NewCounterparty(s.path.EndpointB.ClientID, "connection-0", commitmenttypes.NewMerklePrefix([]byte("ibc"))),
	})
	if has, err := s.hospApp.BridgeKeeper.Channels.Has(ctx, s.path.EndpointA.ChannelID); err == nil && has {
		s.Require().NoError(s.hospApp.BridgeKeeper.Channels.Remove(ctx, s.path.EndpointA.ChannelID))
	}
	before := s.bridgeState(s.hosp)
	im := bridge.NewIBCModule(s.hospApp.BridgeKeeper)
	_, err := im.OnChanOpenInit(ctx, channeltypes.UNORDERED, []string{"connection-9"}, bridgetypes.PortID, "channel-9",
		channeltypes.NewCounterparty(bridgetypes.PortID, ""), bridgetypes.Version)
	s.Require().ErrorIs(err, bridgetypes.ErrUntrustedClient)
	s.Require().ErrorContains(err, why)
	s.Require().Equal(before, s.bridgeState(s.hosp))
}

// TestGenesisKeepsBridgeState: export and import keep open prescriptions,
// pending packets and histories, and rebuild the indexes.
func (s *BridgeSuite) TestGenesisKeepsBridgeState() {
	patient := s.patients[0]
	_, openID := s.prescribeRelayed(patient, 2, 0)
	s.dispenseRelayed(rxGTIN+"/RX1", patient, strconvU(openID))
	pendingID, _ := s.prescribe(s.patients[1], 1, 0) // not relayed: pending

	for _, c := range []*ibctesting.TestChain{s.hosp, s.pharma} {
		gs := s.bridgeState(c)
		fresh := app.New(log.NewNopLogger(), dbm.NewMemDB(), true, simtestutil.EmptyAppOptions{})
		ctx := fresh.NewUncachedContext(false, cmtproto.Header{Time: c.GetContext().BlockTime()})
		s.Require().NoError(fresh.BridgeKeeper.InitGenesis(ctx, gs))
		again, err := fresh.BridgeKeeper.ExportGenesis(ctx)
		s.Require().NoError(err)
		s.Require().Equal(gs, again)
		if c == s.hosp {
			s.Require().Len(gs.Pending, 1)
			s.Require().Equal(pendingID, gs.Pending[0].Ref)
			s.Require().Len(gs.MedicationHistory, 1)
			has, err := fresh.BridgeKeeper.DispensedByLot.Has(ctx, collections.Join3(rxGTIN, lotA, patient))
			s.Require().NoError(err)
			s.Require().True(has, "the lot index is rebuilt from the history")
		} else {
			s.Require().Len(gs.Prescriptions, 1)
			id, err := fresh.BridgeKeeper.OpenBySource.Get(ctx, collections.Join(s.hosp.ChainID, gs.Prescriptions[0].SourceID))
			s.Require().NoError(err)
			s.Require().Equal(openID, id)
		}
		has, err := fresh.BridgeKeeper.PrescriptionsByPatient.Has(ctx, collections.Join(patient, gs.Prescriptions[0].ID))
		s.Require().NoError(err)
		s.Require().True(has)
	}
}

func mustHex(s *BridgeSuite, h string) []byte {
	b, err := hex.DecodeString(h)
	s.Require().NoError(err)
	return b
}

// TestNoPinNoChannel: with roles but no counterparty pinned, no bridge
// channel opens, not even over the first light client created (which the old
// params trusted by its id, 07-tendermint-0, whoever created it).
func (s *BridgeSuite) TestNoPinNoChannel() {
	for _, c := range []*ibctesting.TestChain{s.hosp, s.pharma} {
		role := bridgetypes.ChainRole_CHAIN_ROLE_HOSPITAL
		if c == s.pharma {
			role = bridgetypes.ChainRole_CHAIN_ROLE_PHARMA
		}
		s.setRole(c, role)
	}
	s.coord.CommitBlock(s.hosp, s.pharma)
	path := newBridgePath(s.hosp, s.pharma)
	path.SetupConnections()
	s.Require().ErrorContains(path.EndpointA.ChanOpenInit(), "not a trusted counterparty")
	s.Require().ErrorContains(path.EndpointB.ChanOpenInit(), "not a trusted counterparty")
}

// TestOneChannelPerCounterparty: a second bridge channel over the trusted
// connection is refused on either chain while the first is open, and the
// bridge state does not change.
func (s *BridgeSuite) TestOneChannelPerCounterparty() {
	chA, chB := s.bridgeState(s.hosp).Channels, s.bridgeState(s.pharma).Channels
	s.Require().Len(chA, 1)
	for _, ep := range []func(p *ibctesting.Path) *ibctesting.Endpoint{
		func(p *ibctesting.Path) *ibctesting.Endpoint { return p.EndpointA },
		func(p *ibctesting.Path) *ibctesting.Endpoint { return p.EndpointB },
	} {
		path := s.sharedPath()
		s.Require().ErrorContains(ep(path).ChanOpenInit(), "already open")
	}
	s.Require().Equal(chA, s.bridgeState(s.hosp).Channels)
	s.Require().Equal(chB, s.bridgeState(s.pharma).Channels)
}

// sharedPath is a new bridge path over the suite's clients and connection.
func (s *BridgeSuite) sharedPath() *ibctesting.Path {
	path := newBridgePath(s.hosp, s.pharma)
	path.EndpointA.ClientID, path.EndpointB.ClientID = s.path.EndpointA.ClientID, s.path.EndpointB.ClientID
	path.EndpointA.ConnectionID, path.EndpointB.ConnectionID = s.path.EndpointA.ConnectionID, s.path.EndpointB.ConnectionID
	return path
}

// TestRetireChannel: only the authority retires a bridge channel (members of
// every role, the relayer and a stranger are refused, nothing changes); a
// retired channel carries nothing more, and a new channel to the same chain
// then opens and carries the flows.
func (s *BridgeSuite) TestRetireChannel() {
	retire := func(authority string) *bridgetypes.MsgRetireChannel {
		return &bridgetypes.MsgRetireChannel{Authority: authority, ChannelID: s.path.EndpointB.ChannelID}
	}
	before := s.bridgeState(s.pharma)
	for _, acc := range []ibctesting.SenderAccount{s.manufacturer, s.pharmacy, s.pharma.SenderAccounts[0], s.pharma.SenderAccounts[9]} {
		_, err := s.tx(s.pharma, acc, retire(acc.SenderAccount.GetAddress().String()))
		s.Require().ErrorContains(err, "unauthorized")
		s.Require().Equal(before, s.bridgeState(s.pharma))
	}
	ms := bridgekeeper.NewMsgServerImpl(s.phApp.BridgeKeeper)
	_, err := ms.RetireChannel(s.pharma.GetContext(), retire(govAuthority()))
	s.Require().NoError(err)
	s.Require().Empty(s.bridgeState(s.pharma).Channels)
	s.coord.CommitBlock(s.pharma)

	// A recall now has nowhere to go on the pharma side; a new channel opens.
	path := s.sharedPath()
	s.Require().NoError(path.EndpointB.ChanOpenInit())
	s.Require().ErrorContains(path.EndpointA.ChanOpenTry(), "already open", "the hospital chain still has its channel")
	_, err = bridgekeeper.NewMsgServerImpl(s.hospApp.BridgeKeeper).RetireChannel(s.hosp.GetContext(),
		&bridgetypes.MsgRetireChannel{Authority: govAuthority(), ChannelID: s.path.EndpointA.ChannelID})
	s.Require().NoError(err)
	s.coord.CommitBlock(s.hosp)
	path = s.sharedPath()
	path.CreateChannels()
	s.path = path
	s.Require().Equal([]bridgetypes.BridgeChannel{{ChannelID: path.EndpointA.ChannelID, CounterpartyChainID: s.pharma.ChainID,
		ClientID: path.EndpointA.ClientID}}, s.bridgeState(s.hosp).Channels)
	id, openID := s.prescribeRelayed(s.patients[0], 1, 0)
	s.dispenseRelayed(rxGTIN+"/RX1", s.patients[0], strconvU(openID))
	s.Require().EqualValues(1, s.hospPrescription(id).Dispensed)
}

// TestRecallGasIndependentOfChannelAttempts: a recall sends one notice and
// costs the same gas whether or not outsiders tried to open more bridge
// channels (before, each one they opened added a packet, about 5,500 gas, to
// every recall: 5.5 M gas with 1,000). The gas may differ by a few bytes'
// worth of store writes (block times in the records), not by a packet.
func (s *BridgeSuite) TestRecallGasIndependentOfChannelAttempts() {
	recall := func() (gas int64, packets int) {
		res, err := s.tx(s.pharma, s.manufacturer, &drugtracetypes.MsgRecall{
			Actor: s.manufacturer.SenderAccount.GetAddress().String(), GTIN: rxGTIN, Lot: lotA,
			Class: drugtracetypes.RecallClass_RECALL_CLASS_II, ReasonCode: drugtracetypes.RecallReason_RECALL_REASON_CONTAMINATION,
		})
		s.Require().NoError(err)
		return res.GasUsed, len(typedEvents(res.Events, channeltypes.EventTypeSendPacket))
	}
	base, n := recall()
	s.Require().Equal(1, n)

	s.SetupTest()
	for i := 0; i < 10; i++ {
		path := s.sharedPath()
		s.Require().Error(path.EndpointB.ChanOpenInit())
		s.Require().Error(path.EndpointA.ChanOpenInit())
	}
	s.Require().Len(s.bridgeState(s.pharma).Channels, 1)
	gas, n := recall()
	s.Require().Equal(1, n, "one notice, to the one channel")
	s.Require().InDelta(base, gas, 1000, "recall gas moved by more than a few bytes of state")
}
