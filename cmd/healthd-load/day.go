package main

import (
	"context"
	"crypto/sha256"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"cosmossdk.io/math"
	"filippo.io/age"
	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/query"
	gogoproto "github.com/cosmos/gogoproto/proto"

	"github.com/healthchain/healthd/app"
	"github.com/healthchain/healthd/internal/gs1"
	claimsclient "github.com/healthchain/healthd/x/claims/client/claimsclient"
	claimskeeper "github.com/healthchain/healthd/x/claims/keeper"
	claimstypes "github.com/healthchain/healthd/x/claims/types"
	consenttypes "github.com/healthchain/healthd/x/consent/types"
	drugtracetypes "github.com/healthchain/healthd/x/drugtrace/types"
)

// The supply-chain, dispensing and claims workloads. Each needs state that
// only earlier transactions make (units to ship, shipments to receive, stock
// to dispense, coverages to claim against), so its setup runs in stages: a
// stage's transactions are built from what the previous stages committed
// (their responses carry the new ids), sent, and committed before the next
// stage is built. The transactions measured are then signed as usual.

// Units per shipment in the ship and receive workloads: a tote of packs.
const unitsPerShipment = 5

// Item references of the products: one product per manufacturer and
// workload, so that workloads run on one chain never touch each other's
// units (commission's is 1, in gtin).
const (
	itemShip     = 2
	itemReceive  = 3
	itemDispense = 4
	itemMixed    = 5
)

// stage builds one setup stage's transactions from the fixture (which the
// earlier stages' responses have filled in).
type stage func(f *fixture) []setupTx

// job is transaction k of a workload and the account that will sign it.
type job struct {
	K      int
	Signer *account
}

// jobs returns the transactions a workload will send, with their signers, as
// presign will number them: transaction k is signed by signers[k % n].
func jobs(f *fixture, signers []*account) []job {
	out := make([]job, f.Txs)
	for k := range out {
		out[k] = job{K: k, Signer: signers[k%len(signers)]}
	}
	return out
}

// productGTIN is the GTIN-14 of manufacturer i's product with item reference item.
func productGTIN(i, item int) string {
	data := fmt.Sprintf("0%s%05d", gs1Prefix(i), item)
	d, err := gs1.CheckDigit(data)
	if err != nil {
		panic(err) // unreachable: data is 13 digits
	}
	return data + string(d)
}

// serial is unit j of transaction k of the workload tagged tag (at most 20
// characters, as GS1 AI 21 allows).
func serial(tag string, k, j int) string { return fmt.Sprintf("%s%07dU%02d", tag, k, j) }

// unitRef is the reference MsgShip and MsgDispense take: "GTIN/serial".
func unitRef(gtin, serial string) string { return gtin + "/" + serial }

// stock is the units of transaction k: made by manufacturer Mfr (an index
// into f.Manufacturers), unitsPer of them.
type stock struct {
	K   int
	Mfr int
}

// registerAndCommission returns the first two stages every goods workload
// shares: each manufacturer that makes any of the units registers its product
// (item), then commissions the units, 50 per transaction.
func registerAndCommission(tag string, item, unitsPer int, units func(f *fixture) []stock) []stage {
	register := func(f *fixture) []setupTx {
		var out []setupTx
		for _, i := range makers(units(f)) {
			m := f.Manufacturers[i]
			out = append(out, setupTx{Signer: m, Gas: 300_000, Msg: &drugtracetypes.MsgRegisterProduct{
				Manufacturer: m.Bech32, GTIN: productGTIN(i, item), Name: fmt.Sprintf("Load %s product %d", tag, i),
				Strength: "500 mg", Form: "tablet", PrescriptionOnly: item == itemDispense || item == itemMixed,
			}})
		}
		return out
	}
	commission := func(f *fixture) []setupTx {
		byMaker := map[int][]string{}
		for _, s := range units(f) {
			for j := range unitsPer {
				byMaker[s.Mfr] = append(byMaker[s.Mfr], serial(tag, s.K, j))
			}
		}
		var out []setupTx
		for _, i := range makers(units(f)) {
			m := f.Manufacturers[i]
			for chunk := range slices.Chunk(byMaker[i], commissionUnits) {
				out = append(out, setupTx{Signer: m, Gas: 4_000_000, Msg: &drugtracetypes.MsgCommission{
					Manufacturer: m.Bech32, GTIN: productGTIN(i, item), Lot: tag + "LOT1",
					Expiry: f.Now.AddDate(2, 0, 0).Format(time.DateOnly), Serials: chunk,
				}})
			}
		}
		return out
	}
	return []stage{register, commission}
}

// makers returns the sorted, distinct manufacturers of units.
func makers(units []stock) []int {
	var out []int
	for _, s := range units {
		if !slices.Contains(out, s.Mfr) {
			out = append(out, s.Mfr)
		}
	}
	slices.Sort(out)
	return out
}

// shipGas covers a shipment of up to 50 units.
const shipGas = 2_000_000

// ---- ship: a manufacturer ships a tote of its units to a distributor ----

func shipUnits(tag string, item int, js []job) func(f *fixture) []stock {
	return func(f *fixture) []stock {
		out := make([]stock, 0, len(js))
		for _, j := range js {
			out = append(out, stock{K: j.K, Mfr: indexOf(f.Manufacturers, j.Signer)})
		}
		return out
	}
}

func shipMsg(f *fixture, tag string, item, k int, s *account) sdk.Msg {
	i := indexOf(f.Manufacturers, s)
	refs := make([]string, unitsPerShipment)
	for j := range refs {
		refs[j] = unitRef(productGTIN(i, item), serial(tag, k, j))
	}
	return &drugtracetypes.MsgShip{Actor: s.Bech32, To: f.Distributors[k%len(f.Distributors)].Bech32, Units: refs}
}

// ---- receive: a distributor receives a shipment made in setup ----

// receiveUnits: transaction k's units are made by manufacturer k mod M.
func receiveUnits(js []job) func(f *fixture) []stock {
	return func(f *fixture) []stock {
		out := make([]stock, 0, len(js))
		for _, j := range js {
			out = append(out, stock{K: j.K, Mfr: j.K % len(f.Manufacturers)})
		}
		return out
	}
}

// receiveStages: the units, then one shipment per transaction from its maker
// to the distributor that will receive it; the shipment ids go to f.Shipments.
func receiveStages(tag string, item int, js func(f *fixture) []job) []stage {
	units := func(f *fixture) []stock { return receiveUnits(js(f))(f) }
	ship := func(f *fixture) []setupTx {
		out := make([]setupTx, 0)
		for _, j := range js(f) {
			i := j.K % len(f.Manufacturers)
			refs := make([]string, unitsPerShipment)
			for u := range refs {
				refs[u] = unitRef(productGTIN(i, item), serial(tag, j.K, u))
			}
			k := j.K
			out = append(out, setupTx{Signer: f.Manufacturers[i], Gas: shipGas,
				Msg: &drugtracetypes.MsgShip{Actor: f.Manufacturers[i].Bech32, To: j.Signer.Bech32, Units: refs},
				Then: func(f *fixture, resp *codectypes.Any) error {
					var r drugtracetypes.MsgShipResponse
					if err := gogoproto.Unmarshal(resp.Value, &r); err != nil {
						return err
					}
					if r.Refused {
						return fmt.Errorf("setup shipment for tx %d refused (alert %d)", k, r.AlertID)
					}
					f.Shipments[shipmentKey{tag, k}] = r.ShipmentID
					return nil
				}})
		}
		return out
	}
	return append(registerAndCommission(tag, item, unitsPerShipment, units), ship)
}

type shipmentKey struct {
	Tag string
	K   int
}

func receiveMsg(f *fixture, tag string, k int, s *account) sdk.Msg {
	return &drugtracetypes.MsgReceive{Actor: s.Bech32, ShipmentID: f.Shipments[shipmentKey{tag, k}]}
}

// ---- dispense: a pharmacy dispenses one pack of its stock against a
// prescription it keeps (the x/records-style commitment) ----

// dispenseStages: one unit per transaction, made by manufacturer k mod M,
// shipped in cases of 50 to the pharmacy that will dispense it and received.
func dispenseStages(tag string, item int, js func(f *fixture) []job) []stage {
	units := func(f *fixture) []stock { return receiveUnits(js(f))(f) }
	type lane struct{ Mfr, Pharmacy int }
	lanes := func(f *fixture) (map[lane][]string, []lane) {
		m := map[lane][]string{}
		var order []lane
		for _, j := range js(f) {
			l := lane{j.K % len(f.Manufacturers), indexOf(f.Pharmacies, j.Signer)}
			if _, ok := m[l]; !ok {
				order = append(order, l)
			}
			m[l] = append(m[l], unitRef(productGTIN(l.Mfr, item), serial(tag, j.K, 0)))
		}
		return m, order
	}
	ship := func(f *fixture) []setupTx {
		m, order := lanes(f)
		var out []setupTx
		for _, l := range order {
			for chunk := range slices.Chunk(m[l], commissionUnits) {
				p := f.Pharmacies[l.Pharmacy]
				out = append(out, setupTx{Signer: f.Manufacturers[l.Mfr], Gas: shipGas,
					Msg: &drugtracetypes.MsgShip{Actor: f.Manufacturers[l.Mfr].Bech32, To: p.Bech32, Units: chunk},
					Then: func(f *fixture, resp *codectypes.Any) error {
						var r drugtracetypes.MsgShipResponse
						if err := gogoproto.Unmarshal(resp.Value, &r); err != nil {
							return err
						}
						if r.Refused {
							return fmt.Errorf("setup case for %s refused (alert %d)", p.Name, r.AlertID)
						}
						f.Stock[p] = append(f.Stock[p], r.ShipmentID)
						return nil
					}})
			}
		}
		return out
	}
	receive := func(f *fixture) []setupTx {
		var out []setupTx
		for _, p := range f.Pharmacies {
			for _, id := range f.Stock[p] {
				out = append(out, setupTx{Signer: p, Gas: shipGas, Msg: &drugtracetypes.MsgReceive{Actor: p.Bech32, ShipmentID: id}})
			}
			f.Stock[p] = nil
		}
		return out
	}
	return append(registerAndCommission(tag, item, 1, units), ship, receive)
}

func dispenseMsg(f *fixture, tag string, item, k int, s *account, r *rand.Rand) sdk.Msg {
	rx := make([]byte, 32)
	for i := range rx {
		rx[i] = byte(r.UintN(256))
	}
	return &drugtracetypes.MsgDispense{
		Actor: s.Bech32, Unit: unitRef(productGTIN(k%len(f.Manufacturers), item), serial(tag, k, 0)),
		PatientRef: f.Users[k%len(f.Users)].Bech32, PrescriptionCommitment: rx,
	}
}

// ---- claim: a hospital submits a claim for an enrolled patient; it is
// adjudicated and paid from the payer's escrow in the same transaction ----

// claimPatients is how many users are enrolled and consent to claims.
const claimPatients = 50

// claimCodes are the plan's covered services (CPT), billed in turn.
var claimCodes = []string{"99213", "99214", "80053", "85025"}

// claimStages: the payer's plan; then each patient's consents (payment to
// the payer, treatment to every provider, category Claim), enrolment and the
// payer's escrow. Run once per chain: a second claims workload reuses them.
func claimStages() []stage {
	plan := func(f *fixture) []setupTx {
		if f.PlanID != 0 {
			return nil
		}
		payer := f.Payers[0]
		services := make([]claimstypes.CoveredService, len(claimCodes))
		for i, c := range claimCodes {
			services[i] = claimstypes.CoveredService{System: claimstypes.CodeSystem_CODE_SYSTEM_CPT, Code: c,
				AllowedPerUnit: math.NewInt(120), Copay: math.NewInt(10), CoinsuranceBps: 2000}
		}
		return []setupTx{{Signer: payer, Gas: 500_000, Msg: &claimstypes.MsgCreatePlan{
			Payer: payer.Bech32, Name: "Load test plan", Services: services,
			Deductible: math.ZeroInt(), OutOfPocketMax: math.NewInt(1_000_000_000), ReviewThreshold: math.ZeroInt(),
		}, Then: func(f *fixture, resp *codectypes.Any) error {
			var r claimstypes.MsgCreatePlanResponse
			if err := gogoproto.Unmarshal(resp.Value, &r); err != nil {
				return err
			}
			f.PlanID = r.ID
			return nil
		}}}
	}
	enrol := func(f *fixture) []setupTx {
		if len(f.Coverage) > 0 {
			return nil
		}
		payer := f.Payers[0]
		key := sha256.Sum256([]byte("healthd-load/member-id-key"))
		var out []setupTx
		end := f.Now.AddDate(1, 0, 0)
		for _, u := range f.claimPatients() {
			out = append(out, setupTx{Signer: u, Gas: 300_000, Msg: &consenttypes.MsgGrantConsent{
				Signer: u.Bech32, Patient: u.Bech32, Grantee: payer.Bech32,
				Purpose: claimskeeper.PurposePayment, Categories: []string{claimskeeper.CategoryClaim}, End: end,
			}})
			for _, p := range f.Providers {
				out = append(out, setupTx{Signer: u, Gas: 300_000, Msg: &consenttypes.MsgGrantConsent{
					Signer: u.Bech32, Patient: u.Bech32, Grantee: p.Bech32,
					Purpose: claimskeeper.PurposeTreatment, Categories: []string{claimskeeper.CategoryClaim}, End: end,
				}})
			}
			msg, err := claimsclient.EnrollMsg(key[:], payer.Bech32, f.PlanID, u.Bech32, "LOAD-"+u.Name, f.Now.AddDate(-1, 0, 0), end)
			if err != nil {
				panic(err) // unreachable: the key and member id are well formed
			}
			out = append(out, setupTx{Signer: payer, Gas: 300_000, Msg: msg, Then: func(f *fixture, resp *codectypes.Any) error {
				var r claimstypes.MsgEnrollResponse
				if err := gogoproto.Unmarshal(resp.Value, &r); err != nil {
					return err
				}
				f.Coverage[u] = r.CoverageID
				return nil
			}})
		}
		out = append(out, setupTx{Signer: payer, Gas: 500_000, Msg: &claimstypes.MsgFundEscrow{
			Payer: payer.Bech32, Amount: sdk.NewInt64Coin(app.BondDenom, 100_000_000_000),
		}})
		return out
	}
	return []stage{plan, enrol}
}

// claimPatients returns the users enrolled for claims.
func (f *fixture) claimPatients() []*account { return f.Users[:min(claimPatients, len(f.Users))] }

func claimMsg(f *fixture, k int, s *account) sdk.Msg {
	// Claims are numbered across the run's workloads (presign builds them in
	// order): claim n bills patient n mod P for a day n/P days back, so no
	// two claims of a chain share a patient and a service date, and none is
	// denied as a duplicate, for the first 360 claims per patient.
	patients := f.claimPatients()
	n := f.Claims
	f.Claims++
	u := patients[n%len(patients)]
	days := 1 + (n/len(patients))%360
	code := claimCodes[k%len(claimCodes)]
	sealed, err := claimsclient.SealDiagnoses([]string{"E11.9", "I10"}, 12, f.PayerAge, f.ProviderAge)
	if err != nil {
		panic(err) // unreachable: the codes are valid
	}
	return &claimstypes.MsgSubmitClaim{
		Provider: s.Bech32, Patient: u.Bech32, CoverageID: f.Coverage[u],
		ServiceDate:         f.Now.AddDate(0, 0, -days).Truncate(24 * time.Hour),
		Lines:               []claimstypes.ClaimLine{{System: claimstypes.CodeSystem_CODE_SYSTEM_CPT, Code: code, Units: 1, Charge: math.NewInt(150)}},
		DiagnosesCommitment: sealed.Commitment, DiagnosesCiphertext: sealed.Ciphertext,
	}
}

// ---- mixed: a hospital day ----

// dayShare is the mix of a hospital day's transactions, per 20: results and
// notes anchored, claims, dispenses, goods received, consents, goods shipped.
// Each kind is signed by its own accounts; the count of accounts of a kind in
// the signer list is its share, since transaction k is signed by signer k mod 20.
var dayShare = []struct {
	Kind  string
	Count int
}{{"anchor", 6}, {"claim", 4}, {"dispense", 4}, {"receive", 2}, {"consent", 2}, {"ship", 2}}

// daySigners returns the mixed workload's 20 signers, kinds interleaved.
func daySigners(f *fixture) []*account {
	pools := map[string][]*account{
		"anchor": f.Authors, "claim": f.Providers, "dispense": f.Pharmacies,
		"receive": f.Distributors, "consent": f.Users[len(f.Users)-2:], "ship": f.Manufacturers,
	}
	var out []*account
	for round := 0; ; round++ {
		added := false
		for _, s := range dayShare {
			if round < s.Count {
				out = append(out, pools[s.Kind][round])
				added = true
			}
		}
		if !added {
			return out
		}
	}
}

// dayKind says which kind of transaction a mixed-workload signer sends.
func dayKind(f *fixture, s *account) string {
	switch {
	case slices.Contains(f.Authors, s):
		return "anchor"
	case slices.Contains(f.Providers, s):
		return "claim"
	case slices.Contains(f.Pharmacies, s):
		return "dispense"
	case slices.Contains(f.Distributors, s):
		return "receive"
	case slices.Contains(f.Manufacturers, s):
		return "ship"
	}
	return "consent"
}

// dayJobs returns the mixed workload's transactions of one kind.
func dayJobs(kind string) func(f *fixture) []job {
	return func(f *fixture) []job {
		var out []job
		for _, j := range jobs(f, daySigners(f)) {
			if dayKind(f, j.Signer) == kind {
				out = append(out, j)
			}
		}
		return out
	}
}

const dayTag = "DY"

// daySetup merges the stages of the kinds the day needs, stage by stage.
func daySetup() []stage {
	shipJobs := dayJobs("ship")
	parts := [][]stage{
		registerAndCommission(dayTag+"S", itemMixed, unitsPerShipment, func(f *fixture) []stock { return shipUnits(dayTag+"S", itemMixed, shipJobs(f))(f) }),
		receiveStages(dayTag+"R", itemMixed+1, dayJobs("receive")),
		dispenseStages(dayTag+"D", itemMixed+2, dayJobs("dispense")),
		claimStages(),
	}
	var out []stage
	for i := 0; ; i++ {
		var at []stage
		for _, p := range parts {
			if i < len(p) {
				at = append(at, p[i])
			}
		}
		if len(at) == 0 {
			return out
		}
		out = append(out, func(f *fixture) []setupTx {
			var txs []setupTx
			for _, s := range at {
				txs = append(txs, s(f)...)
			}
			return txs
		})
	}
}

func dayMsg(f *fixture, k int, s *account, r *rand.Rand) sdk.Msg {
	switch dayKind(f, s) {
	case "anchor":
		return anchorMsg(f, k, s, r)
	case "claim":
		return claimMsg(f, k, s)
	case "dispense":
		return dispenseMsg(f, dayTag+"D", itemMixed+2, k, s, r)
	case "receive":
		return receiveMsg(f, dayTag+"R", k, s)
	case "ship":
		return shipMsg(f, dayTag+"S", itemMixed, k, s)
	}
	return consentMsg(f, k, s, r)
}

// indexOf returns a's index in as; it panics when a is not there (a
// workload handed a signer of another kind).
func indexOf(as []*account, a *account) int {
	if i := slices.Index(as, a); i >= 0 {
		return i
	}
	panic("account not in its pool: " + a.Name)
}

// ageRecipient is a throwaway X25519 recipient: claims' diagnoses are
// sealed to it (nobody opens them in a load run).
func ageRecipient() *age.X25519Recipient {
	id, err := age.GenerateX25519Identity()
	if err != nil {
		panic(err) // crypto/rand failed
	}
	return id.Recipient()
}

// abciQuery sends a gRPC query through the node's ABCI query.
func (r *runner) abciQuery(ctx context.Context, path string, req, resp gogoproto.Message) error {
	bz, err := gogoproto.Marshal(req)
	if err != nil {
		return err
	}
	res, err := r.chain.client.ABCIQuery(ctx, path, bz)
	if err != nil {
		return err
	}
	if res.Response.Code != 0 {
		return fmt.Errorf("%s: %s", path, res.Response.Log)
	}
	return gogoproto.Unmarshal(res.Response.Value, resp)
}

// checkNoAlerts is the goods workloads' check: a shipment of units one does
// not hold, or a second dispense, is refused with a suspect-product alert in
// a transaction that still succeeds, so code 0 alone does not show that the
// workload did what it says. None of ours may raise one.
func checkNoAlerts(ctx context.Context, r *runner) (string, error) {
	var resp drugtracetypes.QueryAlertsResponse
	if err := r.abciQuery(ctx, "/healthd.drugtrace.v1.Query/Alerts",
		&drugtracetypes.QueryAlertsRequest{Pagination: &query.PageRequest{Limit: 1, CountTotal: true}}, &resp); err != nil {
		return "", err
	}
	if n := len(resp.Alerts); n > 0 {
		return "", fmt.Errorf("%d suspect-product alerts (first: %+v)", max(n, int(resp.Pagination.GetTotal())), resp.Alerts[0])
	}
	return "no suspect-product alert", nil
}

// checkClaimsPaid is the claim workload's check: a denied or pended claim
// is a successful transaction too, so every claim on the chain must be
// PAID, and at least this run's.
func checkClaimsPaid(ctx context.Context, r *runner) (string, error) {
	count := func(s claimstypes.ClaimStatus) (uint64, error) {
		var resp claimstypes.QueryClaimsResponse
		err := r.abciQuery(ctx, "/healthd.claims.v1.Query/ClaimsByStatus",
			&claimstypes.QueryClaimsByStatusRequest{Status: s, Pagination: &query.PageRequest{Limit: 1, CountTotal: true}}, &resp)
		if err != nil {
			return 0, err
		}
		if resp.Pagination == nil {
			return uint64(len(resp.Claims)), nil
		}
		return max(resp.Pagination.Total, uint64(len(resp.Claims))), nil
	}
	paid, err := count(claimstypes.ClaimStatus_CLAIM_STATUS_PAID)
	if err != nil {
		return "", err
	}
	var other []string
	for _, s := range []claimstypes.ClaimStatus{claimstypes.ClaimStatus_CLAIM_STATUS_PENDED, claimstypes.ClaimStatus_CLAIM_STATUS_DENIED,
		claimstypes.ClaimStatus_CLAIM_STATUS_PARTIALLY_APPROVED, claimstypes.ClaimStatus_CLAIM_STATUS_APPROVED, claimstypes.ClaimStatus_CLAIM_STATUS_PAYABLE} {
		n, err := count(s)
		if err != nil {
			return "", err
		}
		if n > 0 {
			other = append(other, fmt.Sprintf("%d %s", n, s))
		}
	}
	if len(other) > 0 || paid < uint64(r.fx.Txs)/5 {
		return "", fmt.Errorf("claims: %d paid, and %v", paid, other)
	}
	return fmt.Sprintf("%d claims on the chain, all paid", paid), nil
}
