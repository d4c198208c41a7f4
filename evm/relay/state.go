package relay

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"time"
)

// Flow names what a settlement pays for.
const (
	FlowClaim    = "claim"    // a claim paid by its payer to its provider (x/claims)
	FlowShipment = "shipment" // a shipment paid by its buyer to its seller (x/drugtrace)
)

// Check results of comparing healthd's record of a lock with the lock on Ethereum.
const (
	CheckPending  = ""         // not compared yet
	CheckOK       = "ok"       // hashlock, receiver, token, amount and timelock agree
	CheckMissing  = "missing"  // no lock with this id on Ethereum (yet): compared again every poll
	CheckMismatch = "mismatch" // the lock differs from healthd's record: reported, never withdrawn
)

// Outcomes of a settlement on Ethereum: final, never changed once set.
const (
	OutcomeWithdrawn = "withdrawn" // the receiver was paid
	OutcomeRefunded  = "refunded"  // the sender took the tokens back
	OutcomeExpired   = "expired"   // revealed on healthd, but Ethereum's timelock passed before a withdraw
)

// Pending is the relay's withdraw transaction in flight for a settlement. It is
// saved before the transaction is broadcast, so a relay killed at any point finds
// it at restart and either sees it mined or re-sends it with the same nonce:
// at most one transaction of a nonce can be mined.
type Pending struct {
	Hash          string    `json:"hash"`
	Nonce         uint64    `json:"nonce"`
	Raw           string    `json:"raw"` // the signed transaction (hex), re-broadcast as is
	TipCap        string    `json:"tip_cap"`
	FeeCap        string    `json:"fee_cap"`
	SentAt        time.Time `json:"sent_at"`        // when this nonce was first used
	LastBroadcast time.Time `json:"last_broadcast"` // when Raw was last given to the node
}

// Settlement is one hash-time-locked payment healthd knows of, keyed by its
// Ethereum lock id. Its fields are what healthd's events said, plus what the
// relay found and did on Ethereum.
type Settlement struct {
	LockID   string `json:"lock_id"` // lowercase hex, no 0x
	Flow     string `json:"flow"`
	Ref      string `json:"ref"` // the claim or shipment id
	Hashlock string `json:"hashlock"`
	Timelock uint64 `json:"evm_timelock"`
	Deadline uint64 `json:"deadline"` // healthd's last reveal time: Timelock - margin
	Receiver string `json:"evm_receiver"`
	Token    string `json:"evm_token"`
	Amount   string `json:"evm_amount"`

	LockedHeight int64 `json:"locked_height,omitempty"`
	// Confirmed: healthd says the receiver confirmed the lock (only then
	// does a reveal pass). ConfirmSent is when this relay last sent that
	// confirmation, as the receiver, for a lock it checked.
	Confirmed   bool      `json:"confirmed,omitempty"`
	ConfirmSent time.Time `json:"confirm_sent,omitempty"`
	Check       string    `json:"check"`
	Mismatch    string    `json:"mismatch,omitempty"`

	Preimage       string    `json:"preimage,omitempty"` // public on healthd once revealed
	RevealedHeight int64     `json:"revealed_height,omitempty"`
	RevealedSeen   time.Time `json:"revealed_seen,omitempty"` // when the relay read the reveal
	Lapsed         string    `json:"lapsed,omitempty"`        // healthd's reason, when the settlement lapsed there

	Withdraw    *Pending `json:"withdraw,omitempty"`
	WithdrawTxs []string `json:"withdraw_txs,omitempty"` // every withdraw transaction this relay signed
	Failures    int      `json:"failures,omitempty"`     // this relay's withdrawals mined and failed

	Outcome   string `json:"outcome,omitempty"`
	OutcomeTx string `json:"outcome_tx,omitempty"`
	ByRelay   bool   `json:"by_relay,omitempty"` // the withdraw that paid was this relay's
}

// State is everything the relay keeps between runs: both cursors and the
// settlements. It is saved whole, atomically (temporary file, fsync, rename,
// fsync of the directory), so a kill leaves either the old or the new state.
type State struct {
	// HealthdHeight is the last healthd block whose events were applied.
	HealthdHeight int64 `json:"healthd_height"`
	// EthBlock is the last Ethereum block whose contract logs were applied.
	EthBlock    uint64                 `json:"eth_block"`
	Settlements map[string]*Settlement `json:"settlements"`
}

func newState() *State { return &State{Settlements: map[string]*Settlement{}} }

// LoadState reads the state at path; a missing file is a fresh state.
func LoadState(path string) (*State, error) {
	bz, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return newState(), nil
	}
	if err != nil {
		return nil, err
	}
	s := newState()
	if err := json.Unmarshal(bz, s); err != nil {
		return nil, fmt.Errorf("state %s: %w", path, err)
	}
	if s.Settlements == nil {
		s.Settlements = map[string]*Settlement{}
	}
	return s, nil
}

// Save writes the state to path atomically.
func (s *State) Save(path string) error {
	bz, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, ".state-*.tmp")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp) // gone after the rename; removes a half-written file otherwise
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return err
	}
	if _, err := f.Write(bz); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// sorted returns the settlements in a stable order (healthd height, then id), so
// that the relay acts on them, and reports them, in the order healthd saw them.
func (s *State) sorted() []*Settlement {
	out := make([]*Settlement, 0, len(s.Settlements))
	for _, st := range s.Settlements {
		out = append(out, st)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].LockedHeight != out[j].LockedHeight {
			return out[i].LockedHeight < out[j].LockedHeight
		}
		return out[i].LockID < out[j].LockID
	})
	return out
}
