package main

import (
	"context"
	"crypto/sha256"
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"time"

	"filippo.io/age"
	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	"github.com/cosmos/cosmos-sdk/crypto/keys/secp256k1"
	sdk "github.com/cosmos/cosmos-sdk/types"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"

	"github.com/healthchain/healthd/app"
	"github.com/healthchain/healthd/internal/gs1"
	"github.com/healthchain/healthd/internal/unixfs"
	consenttypes "github.com/healthchain/healthd/x/consent/types"
	drugtracetypes "github.com/healthchain/healthd/x/drugtrace/types"
	recordstypes "github.com/healthchain/healthd/x/records/types"
)

// account is a deterministic test account: its key is derived from its role
// and index, so every run funds and signs for the same addresses.
type account struct {
	Name   string
	Priv   *secp256k1.PrivKey
	Addr   sdk.AccAddress
	Bech32 string
	Number uint64 // from the chain, before signing
	Seq    uint64 // next sequence, advanced as transactions are signed
}

func newAccount(role string, i int) *account {
	priv := secp256k1.GenPrivKeyFromSecret([]byte(fmt.Sprintf("healthd-load/%s/%d", role, i)))
	addr := sdk.AccAddress(priv.PubKey().Address())
	return &account{Name: fmt.Sprintf("%s%d", role, i), Priv: priv, Addr: addr, Bech32: addr.String()}
}

// fixture holds the run's accounts: plain funded users (senders, patients),
// record authors (hospital and laboratory members) and manufacturers (each
// with its own GS1 company prefix and one product).
type fixture struct {
	Users         []*account
	Authors       []*account
	Manufacturers []*account
	Distributors  []*account
	Pharmacies    []*account
	Providers     []*account // hospitals submitting claims
	Payers        []*account
	Now           time.Time
	// Txs is the number of transactions per workload; setups size their
	// stock and shipments by it.
	Txs int

	// What setup stages committed, for the later stages and the run.
	Shipments map[shipmentKey]uint64 // the shipment each receive transaction takes in
	Stock     map[*account][]uint64  // shipments to a pharmacy, until it receives them
	PlanID    uint64                 // the payer's plan (claims)
	Coverage  map[*account]uint64    // each claim patient's coverage
	Claims    int                    // claims built so far (claimMsg)

	// Recipients claims' diagnoses are sealed to.
	PayerAge, ProviderAge *age.X25519Recipient
}

// poolSizes says how many accounts of each kind a run creates.
type poolSizes struct {
	Users, Authors, Manufacturers, Distributors, Pharmacies, Providers, Payers int
}

func newFixture(n poolSizes, txs int) *fixture {
	f := &fixture{Now: time.Now().UTC(), Txs: txs, Shipments: map[shipmentKey]uint64{},
		Stock: map[*account][]uint64{}, Coverage: map[*account]uint64{},
		PayerAge: ageRecipient(), ProviderAge: ageRecipient()}
	pool := func(role string, count int) []*account {
		out := make([]*account, count)
		for i := range out {
			out[i] = newAccount(role, i)
		}
		return out
	}
	f.Users, f.Authors, f.Manufacturers = pool("user", n.Users), pool("author", n.Authors), pool("manufacturer", n.Manufacturers)
	f.Distributors, f.Pharmacies = pool("distributor", n.Distributors), pool("pharmacy", n.Pharmacies)
	f.Providers, f.Payers = pool("provider", n.Providers), pool("payer", n.Payers)
	return f
}

// all returns every account of the fixture.
func (f *fixture) all() []*account {
	var out []*account
	for _, p := range [][]*account{f.Users, f.Authors, f.Manufacturers, f.Distributors, f.Pharmacies, f.Providers, f.Payers} {
		out = append(out, p...)
	}
	return out
}

// members returns the consortium members genesis must admit for the
// workloads: authors as hospitals and laboratories (x/records lets either
// anchor), manufacturers with a GS1 company prefix each.
func (f *fixture) members() []member {
	var out []member
	for i, a := range f.Authors {
		role := "hospital"
		if i%2 == 1 {
			role = "laboratory"
		}
		out = append(out, member{Addr: a.Bech32, Name: fmt.Sprintf("Load %s %d", role, i), Roles: role})
	}
	for i, m := range f.Manufacturers {
		out = append(out, member{Addr: m.Bech32, Name: fmt.Sprintf("Load manufacturer %d", i), Roles: "manufacturer", Prefixes: gs1Prefix(i)})
	}
	for _, p := range []struct {
		accounts []*account
		role     string
	}{{f.Distributors, "distributor"}, {f.Pharmacies, "pharmacy"}, {f.Providers, "hospital"}, {f.Payers, "payer"}} {
		for i, a := range p.accounts {
			out = append(out, member{Addr: a.Bech32, Name: fmt.Sprintf("Load %s %d", p.role, i), Roles: p.role})
		}
	}
	return out
}

// gs1Prefix is manufacturer i's GS1 company prefix: 7 digits, so no prefix
// is the start of another.
func gs1Prefix(i int) string { return fmt.Sprintf("95%05d", 10000+i) }

// gtin is the GTIN-14 of manufacturer i's product (item reference 00001).
func gtin(i int) string {
	data := "0" + gs1Prefix(i) + "00001"
	d, err := gs1.CheckDigit(data)
	if err != nil {
		panic(err) // unreachable: data is 13 digits
	}
	return data + string(d)
}

// workload is one kind of transaction the harness sends.
type workload struct {
	Name string
	// Doc says what one transaction does (shown by -list and in the report).
	Doc string
	// Gas is the gas limit of each transaction (no simulation: transactions
	// are signed before the run).
	Gas uint64
	// Units is the number of domain units one transaction carries (50 for a
	// commission), 0 when the transaction is the unit.
	Units int
	// Signers are the accounts that sign, in turn: transaction k is signed
	// by Signers[k % len(Signers)].
	Signers func(f *fixture) []*account
	// Setup are the stages of transactions sent and committed before the
	// run (for example registering the products to commission), in order.
	Setup []stage
	// Check, when set, reads the chain after the run and says what it saw,
	// or fails the run: a transaction's code 0 does not always mean that it
	// did what the workload says (a refused shipment raises an alert in a
	// successful transaction; a denied claim is a successful transaction).
	Check func(ctx context.Context, r *runner) (string, error)
	// Msg is transaction k's message; r is the run's seeded random source.
	Msg func(f *fixture, k int, signer *account, r *rand.Rand) sdk.Msg
}

type setupTx struct {
	Signer *account
	Msg    sdk.Msg
	Gas    uint64 // 0: the workload's
	// Then, when set, is given the message's response once committed.
	Then func(f *fixture, resp *codectypes.Any) error
}

// commissionUnits is the number of units one commission transaction commissions.
const commissionUnits = 50

// workloads are the harness's workloads, by name.
var workloads = map[string]workload{
	"bank": {
		Name: "bank", Doc: "bank MsgSend of 1" + app.BondDenom + " to the next user (the framework baseline)",
		Gas:     200_000,
		Signers: func(f *fixture) []*account { return f.Users },
		Msg: func(f *fixture, k int, s *account, _ *rand.Rand) sdk.Msg {
			to := f.Users[(k+1)%len(f.Users)]
			return banktypes.NewMsgSend(s.Addr, to.Addr, sdk.NewCoins(sdk.NewInt64Coin(app.BondDenom, 1)))
		},
	},
	"consent": {
		Name: "consent", Doc: "x/consent MsgGrantConsent: a user (the patient) grants TREAT over Observation to a fresh grantee for a year",
		Gas:     300_000,
		Signers: func(f *fixture) []*account { return f.Users },
		Msg:     consentMsg,
	},
	"anchor": {
		Name: "anchor", Doc: "x/records MsgAnchorRecord: a hospital or laboratory member anchors a FHIR Observation (random commitment and CID) for a user",
		Gas:     300_000,
		Signers: func(f *fixture) []*account { return f.Authors },
		Msg:     anchorMsg,
	},
	"commission": {
		Name: "commission", Doc: fmt.Sprintf("x/drugtrace MsgCommission of %d serialized units of the manufacturer's product", commissionUnits),
		Gas:     4_000_000,
		Units:   commissionUnits,
		Signers: func(f *fixture) []*account { return f.Manufacturers },
		Setup: []stage{func(f *fixture) []setupTx {
			out := make([]setupTx, 0, len(f.Manufacturers))
			for i, m := range f.Manufacturers {
				out = append(out, setupTx{Signer: m, Msg: &drugtracetypes.MsgRegisterProduct{
					Manufacturer: m.Bech32, GTIN: gtin(i), Name: fmt.Sprintf("Load test product %d", i),
					Strength: "10 mg", Form: "tablet",
				}})
			}
			return out
		}},
		Msg: func(f *fixture, k int, s *account, r *rand.Rand) sdk.Msg {
			i := manufacturerIndex(f, s)
			serials := make([]string, commissionUnits)
			nonce := r.Uint32() % 1000
			for j := range serials {
				serials[j] = fmt.Sprintf("S%07dN%03dU%02d", k, nonce, j)
			}
			return &drugtracetypes.MsgCommission{
				Manufacturer: s.Bech32, GTIN: gtin(i), Lot: fmt.Sprintf("LOAD%05d", k/20),
				Expiry: f.Now.AddDate(2, 0, 0).Format(time.DateOnly), Serials: serials,
			}
		},
	},
}

// consentMsg: the user (the patient) grants TREAT over Observation to a
// fresh grantee for a year.
func consentMsg(f *fixture, k int, s *account, r *rand.Rand) sdk.Msg {
	// A grantee per transaction, so no grant overlaps another.
	seed := make([]byte, 16)
	for i := range seed {
		seed[i] = byte(r.UintN(256))
	}
	h := sha256.Sum256(append([]byte(fmt.Sprintf("healthd-load/grantee/%d/", k)), seed...))
	return &consenttypes.MsgGrantConsent{
		Signer: s.Bech32, Patient: s.Bech32, Grantee: sdk.AccAddress(h[:20]).String(),
		Purpose: "TREAT", Categories: []string{"Observation"}, End: f.Now.AddDate(1, 0, 0),
	}
}

// anchorMsg: a hospital or laboratory anchors an Observation (random
// commitment, a fresh CID) for a user.
func anchorMsg(f *fixture, k int, s *account, r *rand.Rand) sdk.Msg {
	commitment := make([]byte, recordstypes.CommitmentSize)
	for i := range commitment {
		commitment[i] = byte(r.UintN(256))
	}
	blob := make([]byte, 64)
	for i := range blob {
		blob[i] = byte(r.UintN(256))
	}
	blob = append(blob, []byte(fmt.Sprintf("/%d", k))...) // a fresh CID per transaction
	return &recordstypes.MsgAnchorRecord{
		Author: s.Bech32, Patient: f.Users[k%len(f.Users)].Bech32,
		Format: recordstypes.Format_FORMAT_FHIR_R4, Kind: "Observation", Category: "laboratory",
		Commitment: commitment, CID: unixfs.SumBytes(blob), BlobSize: uint64(len(blob)),
	}
}

func manufacturerIndex(f *fixture, s *account) int {
	for i, m := range f.Manufacturers {
		if m == s {
			return i
		}
	}
	panic("not a manufacturer: " + s.Name)
}

// workloadOrder is the order "all" runs the workloads in.
var workloadOrder = []string{"bank", "consent", "anchor", "commission", "ship", "receive", "dispense", "claim", "mixed"}

func init() {
	shipJobs := func(f *fixture) []job { return jobs(f, f.Manufacturers) }
	recvJobs := func(f *fixture) []job { return jobs(f, f.Distributors) }
	dispJobs := func(f *fixture) []job { return jobs(f, f.Pharmacies) }
	for _, w := range []workload{{
		Name: "ship", Check: checkNoAlerts, Doc: fmt.Sprintf("x/drugtrace MsgShip: a manufacturer ships %d of its units to a distributor", unitsPerShipment),
		Gas: shipGas, Units: unitsPerShipment,
		Signers: func(f *fixture) []*account { return f.Manufacturers },
		Setup:   registerAndCommission("SH", itemShip, unitsPerShipment, func(f *fixture) []stock { return shipUnits("SH", itemShip, shipJobs(f))(f) }),
		Msg:     func(f *fixture, k int, s *account, _ *rand.Rand) sdk.Msg { return shipMsg(f, "SH", itemShip, k, s) },
	}, {
		Name: "receive", Check: checkNoAlerts, Doc: fmt.Sprintf("x/drugtrace MsgReceive: a distributor takes in a shipment of %d units (shipped in setup)", unitsPerShipment),
		Gas: shipGas, Units: unitsPerShipment,
		Signers: func(f *fixture) []*account { return f.Distributors },
		Setup:   receiveStages("RV", itemReceive, recvJobs),
		Msg:     func(f *fixture, k int, s *account, _ *rand.Rand) sdk.Msg { return receiveMsg(f, "RV", k, s) },
	}, {
		Name: "dispense", Check: checkNoAlerts, Doc: "x/drugtrace MsgDispense: a pharmacy dispenses a prescription-only pack from its stock to a user, against a prescription commitment",
		Gas:     500_000,
		Signers: func(f *fixture) []*account { return f.Pharmacies },
		Setup:   dispenseStages("DS", itemDispense, dispJobs),
		Msg: func(f *fixture, k int, s *account, r *rand.Rand) sdk.Msg {
			return dispenseMsg(f, "DS", itemDispense, k, s, r)
		},
	}, {
		Name: "claim", Check: checkClaimsPaid, Doc: "x/claims MsgSubmitClaim: a hospital bills an enrolled patient's visit; adjudicated and paid from the payer's escrow in the same transaction",
		Gas:     1_000_000,
		Signers: func(f *fixture) []*account { return f.Providers },
		Setup:   claimStages(),
		Msg:     func(f *fixture, k int, s *account, _ *rand.Rand) sdk.Msg { return claimMsg(f, k, s) },
	}, {
		Name: "mixed", Doc: "a hospital day, per 20 transactions: 6 record anchors, 4 claims, 4 dispenses, 2 receipts, 2 consents, 2 shipments",
		Gas:     shipGas,
		Signers: daySigners,
		Setup:   daySetup(),
		Msg:     dayMsg,
		Check: func(ctx context.Context, r *runner) (string, error) {
			a, err := checkNoAlerts(ctx, r)
			if err != nil {
				return "", err
			}
			c, err := checkClaimsPaid(ctx, r)
			return a + "; " + c, err
		},
	}} {
		workloads[w.Name] = w
	}
}

// parseWorkloads reads a comma-separated list of workload names ("all" for every one).
func parseWorkloads(s string) ([]workload, error) {
	if s == "all" {
		s = strings.Join(workloadOrder, ",")
	}
	var out []workload
	for _, n := range strings.Split(s, ",") {
		n = strings.TrimSpace(n)
		w, ok := workloads[n]
		if !ok {
			names := make([]string, 0, len(workloads))
			for k := range workloads {
				names = append(names, k)
			}
			sort.Strings(names)
			return nil, fmt.Errorf("unknown workload %q: want %s or all", n, strings.Join(names, ", "))
		}
		out = append(out, w)
	}
	return out, nil
}
