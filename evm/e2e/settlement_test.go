package e2e

import (
	"encoding/json"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
)

// figures are what the run measures, printed at the end.
type figures struct {
	lockGas, withdrawGas, refundGas []uint64
	latency                         []time.Duration // healthd approval block time -> withdraw block time
	wall                            []time.Duration // approval CLI returned -> lock seen withdrawn
}

// TestSettlementEndToEnd runs, on one healthd localnet, one geth --dev and one
// relay: (a) a claim approved and paid in the token; (b) a claim denied and
// refunded after Ethereum's timelock; (c) a shipment received and paid; (d) the
// relay killed (SIGKILL) before and just after it sends a withdraw, restarted,
// with nothing lost or paid twice.
func TestSettlementEndToEnd(t *testing.T) {
	need(t)
	began := time.Now()
	e := start(t)
	t.Logf("healthd, geth and the relay up in %s", time.Since(began).Round(time.Second))
	var f figures
	defer func() {
		t.Logf("FIGURES gas (geth --dev v1.17.10, every fork): lock %v, withdraw %v, refund %v", f.lockGas, f.withdrawGas, f.refundGas)
		t.Logf("FIGURES settlement latency, healthd revealing block's time -> withdraw's block time: %v; reveal CLI returned -> withdrawn seen: %v", f.latency, f.wall)
		t.Logf("whole run %s", time.Since(began).Round(time.Second))
	}()
	c := e.claimsSetup()

	t.Run("ClaimApprovedPaid", func(t *testing.T) { e.t = t; e.claimApproved(c, &f) })
	t.Run("ClaimDeniedRefunded", func(t *testing.T) { e.t = t; e.claimDenied(c, &f) })
	t.Run("ShipmentReceivedPaid", func(t *testing.T) { e.t = t; e.shipmentReceived(&f) })
	t.Run("RelayKilledMidFlow", func(t *testing.T) { e.t = t; e.relayKilled(c, &f) })

	// Across the whole run: the relay's account sent exactly the withdrawals
	// that paid (a, c, d): no failed or duplicate transaction, no refund.
	e.t = t
	st := e.mustStatus()
	if n := e.relayNonce(); n != 3 || st.WithdrawTxs != 3 || st.WithdrawnRly != 3 || st.Refunded != 1 || len(st.Mismatches) != 0 || st.Expired != 0 {
		t.Fatalf("relay nonce %d, status %+v", n, st)
	}
}

// claims is the claims fixture: a plan settled on Ethereum, the patient's
// coverage and consents.
type claims struct {
	coverage string
	next     int // the next claim id
}

func (e *env) claimsSetup() *claims {
	e.t.Helper()
	patient, payer, hospital := e.addr("patient1"), e.addr("payer"), e.addr("hospital")
	plan := e.write("plan.json", map[string]any{
		"name": "Meridian Chain Gold", "deductible": "0", "out_of_pocket_max": "5000", "review_threshold": "100000",
		"services":   []map[string]any{{"system": "CODE_SYSTEM_CPT", "code": "99213", "allowed_per_unit": "150", "copay": "0", "coinsurance_bps": 0}},
		"settlement": "SETTLEMENT_METHOD_EVM_HTLC",
	})
	e.tx("tx", "claims", "create-plan", plan, "--from", "payer")
	year := time.Now().UTC().Year()
	start, end := fmt.Sprintf("%d-01-01T00:00:00Z", year), fmt.Sprintf("%d-01-01T00:00:00Z", year+1)
	e.tx("tx", "claims", "enroll", "1", patient, "MEM-EVM0001", start, end, "--from", "payer")
	e.tx("tx", "consent", "grant", patient, payer, "HPAYMT", "--categories", "Claim", "--end", end, "--from", "patient1")
	e.tx("tx", "consent", "grant", patient, hospital, "TREAT", "--categories", "Claim", "--end", end, "--from", "patient1")
	var cov struct {
		Coverages []struct {
			ID string `json:"id"`
		} `json:"coverages"`
	}
	must(e.t, json.Unmarshal([]byte(e.mustCLI("q", "claims", "coverage", patient, "-o", "json")), &cov))
	if len(cov.Coverages) != 1 {
		e.t.Fatalf("coverages %+v", cov)
	}
	return &claims{coverage: cov.Coverages[0].ID, next: 1}
}

func (e *env) write(name string, v any) string {
	bz, err := json.Marshal(v)
	must(e.t, err)
	p := filepath.Join(e.dir, name)
	must(e.t, os.WriteFile(p, bz, 0o600))
	return p
}

// submit has the hospital submit a claim; an EVM-settled plan's claim pends for the payer.
func (e *env) submit(c *claims) string {
	e.t.Helper()
	id := fmt.Sprint(c.next)
	// A day of its own: the same service on the same day is a duplicate (denied, CARC 18).
	day := time.Now().UTC().Add(-24 * time.Duration(c.next) * time.Hour).Format(time.RFC3339)
	c.next++
	claim := e.write("claim"+id+".json", map[string]any{
		"patient": e.addr("patient1"), "coverage_id": c.coverage, "service_date": day, "diagnoses": []string{"E11.9"},
		"lines": []map[string]any{{"system": "CODE_SYSTEM_CPT", "code": "99213", "units": 1, "charge": "200"}},
	})
	e.tx("tx", "claims", "submit", claim, "--from", "hospital")
	if st := e.claimStatus(id); st != "CLAIM_STATUS_PENDED" {
		e.t.Fatalf("claim %s is %s, want pended", id, st)
	}
	return id
}

func (e *env) claimStatus(id string) string {
	var c struct {
		Claim struct {
			Status string `json:"status"`
		} `json:"claim"`
	}
	must(e.t, json.Unmarshal([]byte(e.mustCLI("q", "claims", "claim", id, "-o", "json")), &c))
	return c.Claim.Status
}

// lockClaim locks amount on Ethereum for the hospital and records it on healthd.
func (e *env) lockClaim(id string, amount int64, ttl time.Duration, f *figures) ethLock {
	e.t.Helper()
	l := e.lock("payer", "hospital", amount, ttl)
	f.lockGas = append(f.lockGas, l.GasUsed)
	e.tx(append([]string{"tx", "claims", "lock-settlement", id}, append(strings.Fields(l.Flags), "--from", "payer")...)...)
	return l
}

// waitChecked waits until the relay has read healthd's record of a lock,
// checked it on Ethereum, and confirmed it on healthd as its receiver (the
// relay saw healthd's Confirmed event).
func (e *env) waitChecked(lockID string) {
	e.t.Helper()
	e.waitFor("the relay to check and confirm lock "+lockID, time.Minute, func() bool {
		st, err := relayStateAt(e)
		if err != nil {
			return false
		}
		s := st.Settlements[lockID]
		return s != nil && s.Check == "ok" && s.Confirmed
	})
}

func relayStateAt(e *env) (st *stateView, err error) {
	bz, err := os.ReadFile(filepath.Join(e.dir, "relay", "state.json"))
	if err != nil {
		return nil, err
	}
	st = &stateView{}
	return st, json.Unmarshal(bz, st)
}

// stateView reads the relay's state file as any operator could.
type stateView struct {
	HealthdHeight int64 `json:"healthd_height"`
	Settlements   map[string]*struct {
		Check       string   `json:"check"`
		Confirmed   bool     `json:"confirmed"`
		Outcome     string   `json:"outcome"`
		OutcomeTx   string   `json:"outcome_tx"`
		ByRelay     bool     `json:"by_relay"`
		WithdrawTxs []string `json:"withdraw_txs"`
		Lapsed      string   `json:"lapsed"`
	} `json:"settlements"`
}

// waitWithdrawn waits until the lock is withdrawn on Ethereum and returns when
// it saw it; then the relay's record of it.
func (e *env) waitWithdrawn(lockID string) time.Time {
	e.t.Helper()
	e.waitFor("lock "+lockID+" withdrawn", 2*time.Minute, func() bool { return e.lockState(lockID) == 2 })
	return time.Now()
}

// withdrawFigures reads the relay's withdraw of a lock: its gas, and the latency
// from the healthd block that revealed to the Ethereum block that paid.
func (e *env) withdrawFigures(lockID, revealHeight string, revealReturned, seen time.Time, f *figures) {
	e.t.Helper()
	var s *stateView
	e.waitFor("the relay to record the withdraw of "+lockID, time.Minute, func() bool {
		st, err := relayStateAt(e)
		if err != nil || st.Settlements[lockID] == nil || st.Settlements[lockID].Outcome != "withdrawn" {
			return false
		}
		s = st
		return st.Settlements[lockID].OutcomeTx != ""
	})
	rec := s.Settlements[lockID]
	if !rec.ByRelay || len(rec.WithdrawTxs) != 1 {
		e.t.Fatalf("withdraw of %s: by relay %v, txs %v", lockID, rec.ByRelay, rec.WithdrawTxs)
	}
	r, err := e.eth.TransactionReceipt(e.ctx, common.HexToHash(rec.OutcomeTx))
	must(e.t, err)
	h, err := e.eth.HeaderByNumber(e.ctx, r.BlockNumber)
	must(e.t, err)
	f.withdrawGas = append(f.withdrawGas, r.GasUsed)
	lat := time.Unix(int64(h.Time), 0).Sub(e.blockTime(revealHeight))
	f.latency = append(f.latency, lat.Round(time.Millisecond))
	f.wall = append(f.wall, seen.Sub(revealReturned).Round(time.Millisecond))
}

// (a) The payer locks 24 TUSD for the hospital, records it on the pended
// claim, and approves it with the preimage; the relay withdraws; the hospital's
// token balance grows by exactly the amount.
func (e *env) claimApproved(c *claims, f *figures) {
	id := e.submit(c)
	const amount = 24_000_000
	l := e.lockClaim(id, amount, 10*time.Minute, f)
	e.waitChecked(l.ID)
	before := e.tokenBalance("hospital")

	// The wrong preimage is refused, and reveals nothing.
	if r := e.tryTx("tx", "claims", "review", id, "approve", "--settlement-preimage", strings.Repeat("ab", 32), "--from", "payer"); r.Code == 0 {
		e.t.Fatal("an approval with the wrong preimage was accepted")
	}
	r := e.tx("tx", "claims", "review", id, "approve", "--settlement-preimage", l.preimage(e.t), "--from", "payer")
	returned := time.Now()
	if st := e.claimStatus(id); st != "CLAIM_STATUS_PAID" {
		e.t.Fatalf("claim %s is %s after the approval", id, st)
	}
	seen := e.waitWithdrawn(l.ID)
	if got := new(big.Int).Sub(e.tokenBalance("hospital"), before); got.Int64() != amount {
		e.t.Fatalf("hospital paid %s, want %d", got, amount)
	}
	e.withdrawFigures(l.ID, r.Height, returned, seen, f)
}

// (b) A claim denied after its lock: healthd lapses the settlement; the relay
// sends nothing; after Ethereum's timelock the payer refunds and the relay
// reports it.
func (e *env) claimDenied(c *claims, f *figures) {
	id := e.submit(c)
	const amount = 7_000_000
	payerBefore := e.tokenBalance("payer")
	// The shortest lock healthd accepts: margin + reveal window, plus time to record it.
	l := e.lockClaim(id, amount, (margin+window+30)*time.Second, f)
	e.waitChecked(l.ID)
	hospitalBefore := e.tokenBalance("hospital")
	e.tx("tx", "claims", "review", id, "deny", "--reason", "50", "--from", "payer")
	if st := e.claimStatus(id); st != "CLAIM_STATUS_DENIED" {
		e.t.Fatalf("claim %s is %s after the denial", id, st)
	}
	e.waitFor("the relay to read the lapse", time.Minute, func() bool {
		st, err := relayStateAt(e)
		return err == nil && st.Settlements[l.ID] != nil && st.Settlements[l.ID].Lapsed != ""
	})
	// Wait for Ethereum's timelock, then refund (the sender only).
	e.waitFor("Ethereum's timelock", 2*time.Minute, func() bool {
		h, err := e.eth.HeaderByNumber(e.ctx, nil)
		return err == nil && h.Time >= l.Timelock
	})
	m := e.party("payer", "refund", "--lock-id", l.ID)
	f.refundGas = append(f.refundGas, uint64(m["refund_gas_used"].(float64)))
	if e.lockState(l.ID) != 3 {
		e.t.Fatal("lock not refunded")
	}
	e.waitFor("the relay to report the refund", time.Minute, func() bool {
		st, err := e.relayStatus()
		return err == nil && st.Refunded == 1 && len(st.Refunds) == 1 && st.Refunds[0].LockID == l.ID
	})
	if got := e.tokenBalance("payer"); got.Cmp(payerBefore) != 0 {
		e.t.Fatalf("payer holds %s after the refund, had %s", got, payerBefore)
	}
	if got := e.tokenBalance("hospital"); got.Cmp(hospitalBefore) != 0 {
		e.t.Fatalf("hospital's balance moved: %s -> %s", hospitalBefore, got)
	}
}

// (c) The pharmacy locks payment for a shipment from the distributor; its
// receipt on healthd reveals; the distributor is paid.
func (e *env) shipmentReceived(f *figures) {
	const gtin = "09506000134352"
	dist, pharmacy := e.addr("distributor"), e.addr("pharmacy")
	e.tx("tx", "drugtrace", "register-product", gtin, "Amoxicillin 500 mg capsules", "--ndc", "0093-4155-73", "--prescription-only", "--from", "manufacturer")
	e.tx("tx", "drugtrace", "commission", gtin, "LOTEVM1", "2028-06-30", "SN0001", "SN0002", "SN0003", "--from", "manufacturer")
	e.tx("tx", "drugtrace", "ship", dist, "--units", gtin+"/SN0001", "--units", gtin+"/SN0002", "--from", "manufacturer")
	e.tx("tx", "drugtrace", "receive", "1", "--from", "distributor")
	e.tx("tx", "drugtrace", "ship", pharmacy, "--units", gtin+"/SN0001", "--units", gtin+"/SN0002", "--from", "distributor")
	const shipment = "2"
	const amount = 310_000_000
	l := e.lock("pharmacy", "distributor", amount, 10*time.Minute)
	f.lockGas = append(f.lockGas, l.GasUsed)
	e.tx(append([]string{"tx", "drugtrace", "lock-settlement", shipment}, append(strings.Fields(l.Flags), "--from", "pharmacy")...)...)
	e.waitChecked(l.ID)
	before := e.tokenBalance("distributor")
	r := e.tx("tx", "drugtrace", "receive", shipment, "--settlement-preimage", l.preimage(e.t), "--from", "pharmacy")
	returned := time.Now()
	seen := e.waitWithdrawn(l.ID)
	if got := new(big.Int).Sub(e.tokenBalance("distributor"), before); got.Int64() != amount {
		e.t.Fatalf("distributor paid %s, want %d", got, amount)
	}
	e.withdrawFigures(l.ID, r.Height, returned, seen, f)
}

// (d) The relay is killed (SIGKILL) while a claim's settlement is locked; the
// payer approves while it is down; the restarted relay withdraws; it is killed
// again as soon as it has sent the withdraw, and restarted: the hospital is
// paid exactly once and the relay sent one transaction.
func (e *env) relayKilled(c *claims, f *figures) {
	id := e.submit(c)
	const amount = 5_000_000
	l := e.lockClaim(id, amount, 10*time.Minute, f)
	e.waitChecked(l.ID)
	before := e.tokenBalance("hospital")
	nonceBefore := e.relayNonce()

	e.killRelay()
	r := e.tx("tx", "claims", "review", id, "approve", "--settlement-preimage", l.preimage(e.t), "--from", "payer")
	returned := time.Now()
	e.startRelay()
	// Kill it again the moment its withdraw is saved (sent or about to be).
	e.waitFor("the relay to send the withdraw", time.Minute, func() bool {
		st, err := relayStateAt(e)
		return err == nil && st.Settlements[l.ID] != nil && len(st.Settlements[l.ID].WithdrawTxs) > 0
	})
	e.killRelay()
	killedAt := e.lockState(l.ID)
	e.t.Logf("second kill: lock state %d (1 open, 2 withdrawn) when the relay died", killedAt)
	e.startRelay()
	seen := e.waitWithdrawn(l.ID)
	if got := new(big.Int).Sub(e.tokenBalance("hospital"), before); got.Int64() != amount {
		e.t.Fatalf("hospital paid %s, want %d", got, amount)
	}
	// Give the restarted relay a few polls to do anything it would wrongly do.
	time.Sleep(3 * time.Second)
	if n := e.relayNonce(); n != nonceBefore+1 {
		e.t.Fatalf("the relay sent %d transactions for one withdraw", n-nonceBefore)
	}
	e.withdrawFigures(l.ID, r.Height, returned, seen, f)
}
