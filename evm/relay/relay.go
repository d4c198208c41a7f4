// Package relay carries healthd's settlement reveals to the Ethereum HTLC
// contract: it follows healthd's blocks (CometBFT RPC) and the contract's logs,
// each from a cursor saved in its home, checks every lock healthd records
// against the lock on Ethereum, withdraws every lock whose preimage healthd
// reveals, and reports mismatches, refunds and expiries.
package relay

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/healthchain/healthd/evm/htlc"
)

// Lock states of the contract's State enum.
const (
	lockNone      uint8 = 0
	lockOpen      uint8 = 1
	lockWithdrawn uint8 = 2
	lockRefunded  uint8 = 3
)

// maxFailures is how many of its withdrawals of one lock the relay sees fail
// on Ethereum before it stops trying (and says so): a withdraw that keeps
// failing would only spend gas.
const maxFailures = 3

// EthClient is what the relay needs of an Ethereum node: ethclient.Client and
// the simulated backend's client both are one.
type EthClient interface {
	bind.ContractBackend
	TransactionReceipt(ctx context.Context, txHash common.Hash) (*types.Receipt, error)
	NonceAt(ctx context.Context, account common.Address, blockNumber *big.Int) (uint64, error)
}

// Confirmer confirms on healthd, as the lock's receiver (the claim's
// provider, the shipment's seller), a lock the relay has checked on
// Ethereum: healthd reveals only confirmed locks. A relay run by (or for) a
// receiver has one; a relay that only withdraws does not.
type Confirmer interface {
	// For reports whether the relay confirms locks paying receiver (a
	// checksummed 0x address): those it holds the healthd key for.
	For(receiver string) bool
	// Confirm sends, as receiver, the confirmation of flow's ref under
	// hashlock (hex).
	Confirm(ctx context.Context, receiver, flow, ref, hashlock string) error
}

// Config configures a Relay.
type Config struct {
	Home    string // holds state.json
	Healthd *Healthd
	Eth     EthClient
	ChainID *big.Int
	HTLC    common.Address
	Key     *ecdsa.PrivateKey // pays the gas of withdrawals; the relay is paid nothing

	// HealthdFrom is the first healthd height read when there is no state yet (default 1).
	HealthdFrom int64
	// EthFrom is the first Ethereum block read when there is no state yet (the contract's deployment).
	EthFrom uint64
	// Confirmations is how many blocks an Ethereum log waits before it is applied.
	Confirmations uint64
	// GasLimit of a withdraw, sent without estimation (estimation runs on the
	// latest block's timestamp, which near the timelock is not the next block's).
	GasLimit uint64
	// RebroadcastAfter is how long an unmined withdraw waits before it is given to the node again.
	RebroadcastAfter time.Duration
	// ReplaceAfter is how long an unmined withdraw waits before it is replaced, same nonce, at twice the fees.
	ReplaceAfter time.Duration
	// Confirmer, when set, confirms the checked locks it is for.
	Confirmer Confirmer
	// ConfirmRetry is how long a sent confirmation waits for healthd's event
	// before it is sent again (default 30 s; a second is refused harmlessly).
	ConfirmRetry time.Duration
	// MaxHealthdBlocks and MaxEthBlocks bound the work of one step.
	MaxHealthdBlocks int64
	MaxEthBlocks     uint64

	Log *slog.Logger
	Now func() time.Time
}

func (c *Config) defaults() {
	if c.HealthdFrom <= 0 {
		c.HealthdFrom = 1
	}
	if c.GasLimit == 0 {
		c.GasLimit = 400_000
	}
	if c.RebroadcastAfter == 0 {
		c.RebroadcastAfter = 10 * time.Second
	}
	if c.ReplaceAfter == 0 {
		c.ReplaceAfter = time.Minute
	}
	if c.ConfirmRetry == 0 {
		c.ConfirmRetry = 30 * time.Second
	}
	if c.MaxHealthdBlocks == 0 {
		c.MaxHealthdBlocks = 500
	}
	if c.MaxEthBlocks == 0 {
		c.MaxEthBlocks = 2000
	}
	if c.Log == nil {
		c.Log = slog.Default()
	}
	if c.Now == nil {
		c.Now = time.Now
	}
}

// Relay is one relay process's work. Step is not safe for concurrent use;
// Status is.
type Relay struct {
	cfg       Config
	statePath string
	state     *State
	from      common.Address
	abi       *htlc.HashedTimelockERC20
	contract  *bind.BoundContract
	topics    map[common.Hash]string

	mu     sync.Mutex
	status StatusReport
	// unreadable counts settlement events the relay could not read since it started.
	unreadable int
	lastErr    string
	reported   map[string]string // lock id -> last problem logged, so a problem is logged once, not every poll
}

// New loads the state in cfg.Home and returns a relay ready to Step.
func New(cfg Config) (*Relay, error) {
	cfg.defaults()
	if cfg.Healthd == nil || cfg.Eth == nil || cfg.Key == nil || cfg.ChainID == nil || cfg.HTLC == (common.Address{}) {
		return nil, errors.New("relay: Healthd, Eth, Key, ChainID and HTLC are required")
	}
	path := filepath.Join(cfg.Home, "state.json")
	st, err := LoadState(path)
	if err != nil {
		return nil, err
	}
	a := htlc.NewHashedTimelockERC20()
	ev := a.GetABI().Events
	r := &Relay{
		cfg: cfg, statePath: path, state: st,
		from:     crypto.PubkeyToAddress(cfg.Key.PublicKey),
		abi:      a,
		contract: a.Instance(cfg.Eth, cfg.HTLC),
		topics: map[common.Hash]string{
			ev[htlc.HashedTimelockERC20LockedEventName].ID:    htlc.HashedTimelockERC20LockedEventName,
			ev[htlc.HashedTimelockERC20WithdrawnEventName].ID: htlc.HashedTimelockERC20WithdrawnEventName,
			ev[htlc.HashedTimelockERC20RefundedEventName].ID:  htlc.HashedTimelockERC20RefundedEventName,
		},
		reported: map[string]string{},
	}
	r.snapshot()
	return r, nil
}

// Address is the relay's Ethereum account.
func (r *Relay) Address() common.Address { return r.from }

// Run steps every poll until ctx ends. Errors of a step (a node down) are logged
// and the step is tried again at the next poll: the cursors only move past what
// was applied and saved.
func (r *Relay) Run(ctx context.Context, poll time.Duration) error {
	t := time.NewTicker(poll)
	defer t.Stop()
	for {
		if err := r.Step(ctx); err != nil && ctx.Err() == nil {
			r.cfg.Log.Warn("step failed; retrying at the next poll", "err", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// Step reads new healthd blocks and Ethereum logs, acts on what is due, and
// saves the state.
func (r *Relay) Step(ctx context.Context) error {
	err := errors.Join(r.followHealthd(ctx), r.followEthereum(ctx))
	if err2 := r.act(ctx); err2 != nil {
		err = errors.Join(err, err2)
	}
	if err2 := r.save(); err2 != nil {
		err = errors.Join(err, err2)
	}
	r.mu.Lock()
	r.lastErr = ""
	if err != nil {
		r.lastErr = err.Error()
	}
	r.mu.Unlock()
	r.snapshot()
	return err
}

func (r *Relay) save() error { return r.state.Save(r.statePath) }

// followHealthd applies the settlement events of the healthd blocks after the cursor.
func (r *Relay) followHealthd(ctx context.Context) error {
	st, err := r.cfg.Healthd.Status(ctx)
	if err != nil {
		return err
	}
	next := r.state.HealthdHeight + 1
	if r.state.HealthdHeight == 0 {
		next = r.cfg.HealthdFrom
	}
	for h := next; h <= st.Height && h < next+r.cfg.MaxHealthdBlocks; h++ {
		evs, err := r.cfg.Healthd.BlockEvents(ctx, h)
		if err != nil {
			return err
		}
		for _, e := range evs {
			sev, ok, err := parseSettlementEvent(e)
			if !ok {
				continue
			}
			if err != nil {
				// Reported, and the block is not read again: the event is what
				// healthd committed, and reading it again gives the same answer.
				r.mu.Lock()
				r.unreadable++
				r.mu.Unlock()
				r.cfg.Log.Error("UNREADABLE settlement event on healthd", "height", h, "err", err)
				continue
			}
			r.applyHealthd(sev, h)
		}
		r.state.HealthdHeight = h
	}
	return nil
}

func (r *Relay) applyHealthd(ev settlementEvent, height int64) {
	s := r.state.Settlements[ev.lockID]
	switch ev.kind {
	case kindLocked:
		if s != nil && s.LockedHeight != 0 {
			return // applied already (a block read again after a restart)
		}
		if s == nil {
			s = &Settlement{LockID: ev.lockID}
			r.state.Settlements[ev.lockID] = s
		}
		s.Flow, s.Ref, s.Hashlock = ev.flow, ev.ref, ev.hashlock
		s.Timelock, s.Deadline, s.Receiver, s.Token, s.Amount = ev.timelock, ev.deadline, ev.receiver, ev.token, ev.amount
		s.LockedHeight = height
		r.cfg.Log.Info("settlement locked on healthd", "flow", s.Flow, "ref", s.Ref, "lock_id", s.LockID,
			"evm_timelock", s.Timelock, "deadline", s.Deadline, "height", height)
	case kindRevealed:
		if s == nil {
			// Locked before the relay's first height: withdraw all the same;
			// the lock is checked against the hashlock alone.
			s = &Settlement{LockID: ev.lockID, Flow: ev.flow, Ref: ev.ref, Hashlock: ev.hashlock}
			r.state.Settlements[ev.lockID] = s
		}
		if s.Preimage != "" {
			return
		}
		if s.Hashlock != ev.hashlock {
			r.cfg.Log.Error("MISMATCH: healthd revealed under another hashlock than it recorded", "lock_id", s.LockID, "recorded", s.Hashlock, "revealed", ev.hashlock)
			s.Check, s.Mismatch = CheckMismatch, "revealed hashlock differs from the recorded one"
		}
		s.Preimage, s.RevealedHeight, s.RevealedSeen = ev.preimage, height, r.cfg.Now()
		r.cfg.Log.Info("settlement revealed on healthd", "flow", s.Flow, "ref", s.Ref, "lock_id", s.LockID, "height", height)
	case kindConfirmed:
		if s == nil || s.Confirmed {
			return
		}
		s.Confirmed = true
		r.cfg.Log.Info("lock confirmed on healthd by its receiver", "flow", s.Flow, "ref", s.Ref, "lock_id", s.LockID, "height", height)
	case kindLapsed:
		if s == nil {
			s = &Settlement{LockID: ev.lockID, Flow: ev.flow, Ref: ev.ref, Hashlock: ev.hashlock}
			r.state.Settlements[ev.lockID] = s
		}
		if s.Lapsed != "" {
			return
		}
		s.Lapsed = ev.reason
		if s.Lapsed == "" {
			s.Lapsed = "lapsed"
		}
		r.cfg.Log.Info("settlement lapsed on healthd; the sender may refund after the timelock", "flow", s.Flow, "ref", s.Ref,
			"lock_id", s.LockID, "reason", s.Lapsed, "evm_timelock", s.Timelock)
	}
}

// followEthereum applies the contract's logs of the blocks after the cursor.
func (r *Relay) followEthereum(ctx context.Context) error {
	head, err := r.cfg.Eth.HeaderByNumber(ctx, nil)
	if err != nil {
		return fmt.Errorf("ethereum head: %w", err)
	}
	if head.Number.Uint64() < r.cfg.Confirmations {
		return nil
	}
	to := head.Number.Uint64() - r.cfg.Confirmations
	from := r.state.EthBlock + 1
	if r.state.EthBlock == 0 && r.cfg.EthFrom > 0 {
		from = r.cfg.EthFrom
	}
	if from > to {
		return nil
	}
	if to-from >= r.cfg.MaxEthBlocks {
		to = from + r.cfg.MaxEthBlocks - 1
	}
	topics := make([]common.Hash, 0, len(r.topics))
	for id := range r.topics {
		topics = append(topics, id)
	}
	logs, err := r.cfg.Eth.FilterLogs(ctx, ethereum.FilterQuery{
		FromBlock: new(big.Int).SetUint64(from), ToBlock: new(big.Int).SetUint64(to),
		Addresses: []common.Address{r.cfg.HTLC}, Topics: [][]common.Hash{topics},
	})
	if err != nil {
		return fmt.Errorf("ethereum logs %d-%d: %w", from, to, err)
	}
	for i := range logs {
		r.applyLog(&logs[i])
	}
	r.state.EthBlock = to
	return nil
}

func (r *Relay) applyLog(l *types.Log) {
	if l.Removed || len(l.Topics) == 0 {
		return
	}
	switch r.topics[l.Topics[0]] {
	case htlc.HashedTimelockERC20WithdrawnEventName:
		ev, err := r.abi.UnpackWithdrawnEvent(l)
		if err != nil {
			r.cfg.Log.Error("unreadable Withdrawn log", "tx", l.TxHash, "err", err)
			return
		}
		s := r.state.Settlements[common.Bytes2Hex(ev.LockId[:])]
		if s == nil {
			return
		}
		r.settle(s, OutcomeWithdrawn, l.TxHash.Hex())
	case htlc.HashedTimelockERC20RefundedEventName:
		ev, err := r.abi.UnpackRefundedEvent(l)
		if err != nil {
			r.cfg.Log.Error("unreadable Refunded log", "tx", l.TxHash, "err", err)
			return
		}
		s := r.state.Settlements[common.Bytes2Hex(ev.LockId[:])]
		if s == nil {
			return
		}
		r.settle(s, OutcomeRefunded, l.TxHash.Hex())
	}
	// A Locked log needs nothing: the lock is read with getLock when healthd records it.
}

// settle records a settlement's outcome, once, and logs it; tx may be learnt
// after the outcome (getLock saw it before the log was read).
func (r *Relay) settle(s *Settlement, outcome, tx string) {
	if s.OutcomeTx == "" && tx != "" {
		s.OutcomeTx = tx
		for _, h := range s.WithdrawTxs {
			if strings.EqualFold(h, tx) {
				s.ByRelay = true
			}
		}
	}
	if s.Outcome != "" {
		return
	}
	s.Outcome = outcome
	s.Withdraw = nil
	switch outcome {
	case OutcomeWithdrawn:
		r.cfg.Log.Info("withdrawn on Ethereum: the receiver is paid", "flow", s.Flow, "ref", s.Ref, "lock_id", s.LockID, "tx", s.OutcomeTx, "by_relay", s.ByRelay)
	case OutcomeRefunded:
		if s.Preimage != "" {
			r.cfg.Log.Error("REFUNDED although healthd revealed the preimage: approval without payment", "flow", s.Flow, "ref", s.Ref, "lock_id", s.LockID, "tx", s.OutcomeTx)
		} else {
			r.cfg.Log.Warn("refund observed on Ethereum: the sender took the tokens back", "flow", s.Flow, "ref", s.Ref, "lock_id", s.LockID, "tx", s.OutcomeTx, "healthd_lapsed", s.Lapsed)
		}
	case OutcomeExpired:
		r.cfg.Log.Error("EXPIRED: healthd revealed the preimage but Ethereum's timelock passed before a withdraw", "flow", s.Flow, "ref", s.Ref, "lock_id", s.LockID, "evm_timelock", s.Timelock)
	}
}

func (r *Relay) getLock(ctx context.Context, id string) (htlc.HashedTimelockERC20Lock, error) {
	return bind.Call(r.contract, &bind.CallOpts{Context: ctx}, r.abi.PackGetLock(mustBytes32(id)), r.abi.UnpackGetLock)
}

// act checks new locks, notices outcomes, and withdraws what healthd revealed.
func (r *Relay) act(ctx context.Context) error {
	var head *types.Header
	var errs []error
	for _, s := range r.state.sorted() {
		if s.Outcome != "" {
			continue
		}
		lock, err := r.getLock(ctx, s.LockID)
		if err != nil {
			errs = append(errs, fmt.Errorf("getLock %s: %w", s.LockID, err))
			continue
		}
		if s.Check != CheckOK && s.Check != CheckMismatch {
			r.check(s, lock)
		}
		switch lock.State {
		case lockWithdrawn:
			r.settle(s, OutcomeWithdrawn, r.minedWithdraw(ctx, s))
			continue
		case lockRefunded:
			r.settle(s, OutcomeRefunded, "")
			continue
		}
		if s.Preimage == "" && lock.State == lockOpen {
			if err := r.confirm(ctx, s); err != nil {
				errs = append(errs, fmt.Errorf("confirm %s %s: %w", s.Flow, s.Ref, err))
			}
		}
		if s.Preimage == "" || lock.State != lockOpen {
			continue
		}
		if s.Check != CheckOK {
			r.reportOnce(s, "not withdrawing: "+s.Check, func() {
				r.cfg.Log.Error("NOT WITHDRAWING a revealed settlement whose lock does not match healthd's record", "flow", s.Flow, "ref", s.Ref, "lock_id", s.LockID, "check", s.Check, "mismatch", s.Mismatch)
			})
			continue
		}
		if head == nil {
			if head, err = r.cfg.Eth.HeaderByNumber(ctx, nil); err != nil {
				return errors.Join(append(errs, err)...)
			}
		}
		if err := r.withdraw(ctx, s, lock, head); err != nil {
			errs = append(errs, fmt.Errorf("withdraw %s: %w", s.LockID, err))
		}
	}
	return errors.Join(errs...)
}

// confirm sends healthd the receiver's confirmation of a lock that matches
// healthd's record, when this relay confirms for that receiver, the lock is
// not confirmed or lapsed yet and healthd's deadline has not passed. A
// confirmation sent and not seen on healthd is sent again after ConfirmRetry
// (healthd refuses a second one: nothing is confirmed twice).
func (r *Relay) confirm(ctx context.Context, s *Settlement) error {
	c := r.cfg.Confirmer
	now := r.cfg.Now()
	switch {
	case c == nil, s.Confirmed, s.Lapsed != "", s.Check != CheckOK, s.LockedHeight == 0, !c.For(s.Receiver):
		return nil
	case uint64(now.Unix()) >= s.Deadline:
		return nil
	case !s.ConfirmSent.IsZero() && now.Sub(s.ConfirmSent) < r.cfg.ConfirmRetry:
		return nil
	}
	s.ConfirmSent = now
	// Saved before sending: a relay killed now waits ConfirmRetry, then sends again.
	if err := r.save(); err != nil {
		return err
	}
	r.cfg.Log.Info("confirming the lock on healthd as its receiver", "flow", s.Flow, "ref", s.Ref, "lock_id", s.LockID)
	return c.Confirm(ctx, s.Receiver, s.Flow, s.Ref, s.Hashlock)
}

// check compares healthd's record of a settlement with the lock on Ethereum.
func (r *Relay) check(s *Settlement, lock htlc.HashedTimelockERC20Lock) {
	if lock.State == lockNone {
		s.Check, s.Mismatch = CheckMissing, "no lock with this id on Ethereum"
		r.reportOnce(s, CheckMissing, func() {
			r.cfg.Log.Error("MISMATCH: healthd recorded a lock that Ethereum does not have (checked again every poll)", "flow", s.Flow, "ref", s.Ref, "lock_id", s.LockID)
		})
		return
	}
	var diffs []string
	if got := common.Bytes2Hex(lock.Hashlock[:]); got != s.Hashlock {
		diffs = append(diffs, fmt.Sprintf("hashlock: healthd %s, Ethereum %s", s.Hashlock, got))
	}
	if s.LockedHeight != 0 { // healthd's record was read: compare all of it
		if lock.Receiver.Hex() != s.Receiver {
			diffs = append(diffs, fmt.Sprintf("receiver: healthd %s, Ethereum %s", s.Receiver, lock.Receiver.Hex()))
		}
		if lock.Token.Hex() != s.Token {
			diffs = append(diffs, fmt.Sprintf("token: healthd %s, Ethereum %s", s.Token, lock.Token.Hex()))
		}
		if lock.Amount.String() != s.Amount {
			diffs = append(diffs, fmt.Sprintf("amount: healthd %s, Ethereum %s", s.Amount, lock.Amount))
		}
		if lock.Timelock != s.Timelock {
			diffs = append(diffs, fmt.Sprintf("timelock: healthd %d, Ethereum %d", s.Timelock, lock.Timelock))
		}
	}
	if len(diffs) > 0 {
		s.Check, s.Mismatch = CheckMismatch, strings.Join(diffs, "; ")
		r.cfg.Log.Error("MISMATCH: the lock on Ethereum differs from healthd's record", "flow", s.Flow, "ref", s.Ref, "lock_id", s.LockID, "diff", s.Mismatch)
		return
	}
	if s.Check == CheckMissing {
		r.cfg.Log.Info("lock found on Ethereum after all", "lock_id", s.LockID)
	}
	s.Check, s.Mismatch = CheckOK, ""
	r.cfg.Log.Info("lock checked: Ethereum agrees with healthd", "flow", s.Flow, "ref", s.Ref, "lock_id", s.LockID)
}

func (r *Relay) reportOnce(s *Settlement, what string, log func()) {
	if r.reported[s.LockID] == what {
		return
	}
	r.reported[s.LockID] = what
	log()
}

// minedWithdraw returns the hash of this relay's withdraw that was mined, if one was.
func (r *Relay) minedWithdraw(ctx context.Context, s *Settlement) string {
	for _, h := range s.WithdrawTxs {
		rc, err := r.cfg.Eth.TransactionReceipt(ctx, common.HexToHash(h))
		if err == nil && rc.Status == types.ReceiptStatusSuccessful {
			return h
		}
	}
	return ""
}

// withdraw sends, watches, re-sends or replaces the relay's withdraw of an open,
// revealed lock. A new transaction is saved in the state before it is broadcast.
func (r *Relay) withdraw(ctx context.Context, s *Settlement, lock htlc.HashedTimelockERC20Lock, head *types.Header) error {
	now := r.cfg.Now()
	if p := s.Withdraw; p != nil {
		rc, err := r.cfg.Eth.TransactionReceipt(ctx, common.HexToHash(p.Hash))
		switch {
		case err == nil && rc.Status == types.ReceiptStatusSuccessful:
			return nil // mined; getLock shows it once the node's latest state has it
		case err == nil:
			s.Failures++
			s.Withdraw = nil
			if s.Failures >= maxFailures {
				r.cfg.Log.Error("withdraw transaction failed on Ethereum; giving up on this lock (see the transactions)", "lock_id", s.LockID, "tx", p.Hash, "failures", s.Failures)
				return nil
			}
			r.cfg.Log.Warn("withdraw transaction failed on Ethereum; sending another", "lock_id", s.LockID, "tx", p.Hash, "block", rc.BlockNumber)
		case errors.Is(err, ethereum.NotFound):
			nonce, err := r.cfg.Eth.NonceAt(ctx, r.from, nil)
			if err != nil {
				return err
			}
			if nonce > p.Nonce {
				if h := r.minedWithdraw(ctx, s); h != "" {
					return nil // a replacement of ours was mined
				}
				r.cfg.Log.Warn("withdraw transaction dropped (its nonce was used by another); sending another", "lock_id", s.LockID, "tx", p.Hash)
				s.Withdraw = nil
				break
			}
			if now.Sub(p.LastBroadcast) < r.cfg.RebroadcastAfter {
				return nil
			}
			if now.Sub(p.SentAt) >= r.cfg.ReplaceAfter {
				return r.replace(ctx, s, head)
			}
			p.LastBroadcast = now
			if err := r.save(); err != nil {
				return err
			}
			tx := new(types.Transaction)
			if err := tx.UnmarshalBinary(common.FromHex(p.Raw)); err != nil {
				return err
			}
			if err := r.cfg.Eth.SendTransaction(ctx, tx); err != nil && !alreadyKnown(err) {
				r.cfg.Log.Warn("re-broadcast of a withdraw refused", "lock_id", s.LockID, "tx", p.Hash, "err", err)
			}
			return nil
		default:
			return err
		}
	}
	if s.Failures >= maxFailures {
		return nil
	}
	// Withdraw needs block.timestamp < timelock, and the next block is at least a second after the head.
	if head.Time+1 >= s.Timelock {
		r.settle(s, OutcomeExpired, "")
		return nil
	}
	nonce, err := r.cfg.Eth.PendingNonceAt(ctx, r.from)
	if err != nil {
		return err
	}
	tip, err := r.cfg.Eth.SuggestGasTipCap(ctx)
	if err != nil {
		return err
	}
	feeCap := new(big.Int).Add(tip, new(big.Int).Mul(baseFee(head), big.NewInt(2)))
	return r.send(ctx, s, nonce, tip, feeCap, now, now)
}

// replace re-sends a withdraw that waited ReplaceAfter unmined, with the same
// nonce at twice the fees, so that only one of the two can be mined.
func (r *Relay) replace(ctx context.Context, s *Settlement, head *types.Header) error {
	p := s.Withdraw
	tip, _ := new(big.Int).SetString(p.TipCap, 10)
	feeCap, _ := new(big.Int).SetString(p.FeeCap, 10)
	if tip == nil || feeCap == nil {
		return fmt.Errorf("pending withdraw %s: bad fees in state", p.Hash)
	}
	tip.Mul(tip, big.NewInt(2))
	feeCap.Mul(feeCap, big.NewInt(2))
	if floor := new(big.Int).Add(tip, new(big.Int).Mul(baseFee(head), big.NewInt(2))); feeCap.Cmp(floor) < 0 {
		feeCap = floor
	}
	r.cfg.Log.Warn("withdraw not mined in time; replacing it at twice the fees", "lock_id", s.LockID, "old_tx", p.Hash, "nonce", p.Nonce)
	now := r.cfg.Now()
	return r.send(ctx, s, p.Nonce, tip, feeCap, now, now)
}

func (r *Relay) send(ctx context.Context, s *Settlement, nonce uint64, tip, feeCap *big.Int, sentAt, now time.Time) error {
	to := r.cfg.HTLC
	tx, err := types.SignNewTx(r.cfg.Key, types.LatestSignerForChainID(r.cfg.ChainID), &types.DynamicFeeTx{
		ChainID: r.cfg.ChainID, Nonce: nonce, GasTipCap: tip, GasFeeCap: feeCap, Gas: r.cfg.GasLimit,
		To: &to, Data: r.abi.PackWithdraw(mustBytes32(s.LockID), mustBytes32(s.Preimage)),
	})
	if err != nil {
		return err
	}
	raw, err := tx.MarshalBinary()
	if err != nil {
		return err
	}
	s.Withdraw = &Pending{Hash: tx.Hash().Hex(), Nonce: nonce, Raw: hexutil.Encode(raw), TipCap: tip.String(), FeeCap: feeCap.String(), SentAt: sentAt, LastBroadcast: now}
	s.WithdrawTxs = append(s.WithdrawTxs, tx.Hash().Hex())
	// Saved before it leaves: a relay killed after the broadcast finds it at restart.
	if err := r.save(); err != nil {
		return err
	}
	if err := r.cfg.Eth.SendTransaction(ctx, tx); err != nil && !alreadyKnown(err) {
		r.cfg.Log.Warn("withdraw refused by the Ethereum node; will retry", "lock_id", s.LockID, "tx", tx.Hash(), "err", err)
		return nil
	}
	r.cfg.Log.Info("withdraw sent", "flow", s.Flow, "ref", s.Ref, "lock_id", s.LockID, "tx", tx.Hash(), "nonce", nonce)
	return nil
}

func baseFee(h *types.Header) *big.Int {
	if h.BaseFee == nil {
		return big.NewInt(0)
	}
	return h.BaseFee
}

func alreadyKnown(err error) bool {
	return err != nil && strings.Contains(strings.ToLower(err.Error()), "already known")
}
