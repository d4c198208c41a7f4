package relay

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"time"
)

// Problem is a settlement the status reports by name: a mismatch, a refund, an expiry.
type Problem struct {
	LockID string `json:"lock_id"`
	Flow   string `json:"flow"`
	Ref    string `json:"ref"`
	What   string `json:"what"`
}

// StatusReport is what GET /status answers and what the status line sums up.
type StatusReport struct {
	Relay         string    `json:"relay"` // the relay's Ethereum account
	HealthdHeight int64     `json:"healthd_height"`
	EthBlock      uint64    `json:"eth_block"`
	Settlements   int       `json:"settlements"`
	Open          int       `json:"open"`     // no outcome on Ethereum yet
	Revealed      int       `json:"revealed"` // revealed on healthd, not yet withdrawn
	WithdrawTxs   int       `json:"withdraw_txs_sent"`
	WithdrawnRly  int       `json:"withdrawn_by_relay"`
	Withdrawn     int       `json:"withdrawn"`
	Refunded      int       `json:"refunded"`
	Expired       int       `json:"expired"`
	Unreadable    int       `json:"unreadable_events"`
	Mismatches    []Problem `json:"mismatches"`
	Refunds       []Problem `json:"refunds"`
	Expiries      []Problem `json:"expiries"`
	LastError     string    `json:"last_error,omitempty"`
	UpdatedAt     time.Time `json:"updated_at"`
}

// Line is the status in one line, for the log.
func (s StatusReport) Line() string {
	return fmt.Sprintf("healthd=%d eth=%d settlements=%d open=%d revealed=%d withdraw_txs=%d withdrawn=%d (by relay %d) refunded=%d expired=%d mismatches=%d unreadable=%d",
		s.HealthdHeight, s.EthBlock, s.Settlements, s.Open, s.Revealed, s.WithdrawTxs, s.Withdrawn, s.WithdrawnRly, s.Refunded, s.Expired, len(s.Mismatches), s.Unreadable)
}

func (r *Relay) snapshot() {
	rep := StatusReport{Relay: r.from.Hex(), HealthdHeight: r.state.HealthdHeight, EthBlock: r.state.EthBlock,
		Settlements: len(r.state.Settlements), Mismatches: []Problem{}, Refunds: []Problem{}, Expiries: []Problem{}, UpdatedAt: r.cfg.Now().UTC()}
	for _, s := range r.state.sorted() {
		p := Problem{LockID: s.LockID, Flow: s.Flow, Ref: s.Ref}
		rep.WithdrawTxs += len(s.WithdrawTxs)
		if s.Check == CheckMismatch || s.Check == CheckMissing {
			p.What = s.Check + ": " + s.Mismatch
			rep.Mismatches = append(rep.Mismatches, p)
		}
		switch s.Outcome {
		case "":
			rep.Open++
			if s.Preimage != "" {
				rep.Revealed++
			}
		case OutcomeWithdrawn:
			rep.Withdrawn++
			if s.ByRelay {
				rep.WithdrawnRly++
			}
		case OutcomeRefunded:
			rep.Refunded++
			p.What = "refunded " + s.OutcomeTx
			if s.Preimage != "" {
				p.What += " after the reveal"
			}
			rep.Refunds = append(rep.Refunds, p)
		case OutcomeExpired:
			rep.Expired++
			p.What = "expired unpaid after the reveal"
			rep.Expiries = append(rep.Expiries, p)
		}
	}
	r.mu.Lock()
	rep.Unreadable, rep.LastError = r.unreadable, r.lastErr
	r.status = rep
	r.mu.Unlock()
}

// Status returns the status as of the last step.
func (r *Relay) Status() StatusReport {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.status
}

// ListenStatus serves GET /status on addr, which must be a loopback address:
// the relay exposes nothing to the network.
func (r *Relay) ListenStatus(addr string) (*http.Server, net.Addr, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, nil, err
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return nil, nil, fmt.Errorf("status address %s is not loopback", addr)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, nil, err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /status", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(r.Status())
	})
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	return srv, ln.Addr(), nil
}
