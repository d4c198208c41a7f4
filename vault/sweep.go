package vault

import (
	"context"
	"errors"
	"fmt"
	"time"

	"cosmossdk.io/log/v2"
)

// Sweeper defaults.
const (
	// DefaultProvisionalDeadline is how long an uploaded blob may wait for
	// its anchor to commit before the sweeper deletes it. `records put`
	// anchors within seconds of the upload; an hour also covers a client
	// that retries a refused transaction (a new upload of the same bytes
	// restarts the clock), a congested mempool and a node restarted in
	// between, while bounding what failing clients leave behind to an
	// hour of uploads.
	DefaultProvisionalDeadline = time.Hour
	// DefaultSweepInterval is the time between two sweeps.
	DefaultSweepInterval = time.Minute
	// DefaultSweepPerTick bounds the provisional blobs one sweep looks at,
	// and so the chain queries and deletions it makes.
	DefaultSweepPerTick = 64
	// sweepRetry is how long a blob whose check failed with an unexpected
	// chain error waits before it is checked again; meanwhile the blobs
	// behind it in the queue are checked.
	sweepRetry = 10 * time.Minute
	// sweepCatchUp is the pause after a sweep that checked a full PerTick.
	sweepCatchUp = time.Second
)

// SweepConfig configures a Sweeper.
type SweepConfig struct {
	// Deadline: a provisional blob uploaded longer ago than this, whose CID
	// no record anchors, is deleted with its wrapped keys;
	// DefaultProvisionalDeadline if <= 0.
	Deadline time.Duration
	// Interval between sweeps; DefaultSweepInterval if <= 0.
	Interval time.Duration
	// PerTick bounds the provisional blobs one sweep checks;
	// DefaultSweepPerTick if <= 0.
	PerTick int
	// ChainTimeout bounds each chain query; DefaultChainTimeout if <= 0.
	ChainTimeout time.Duration
	// Now is the clock; time.Now if nil.
	Now func() time.Time
	// Syncing, if set, is asked before each sweep: a node still catching up
	// does not know recent anchors, so the sweep waits while it says true
	// (or cannot answer).
	Syncing func(context.Context) (bool, error)
}

// Sweeper deletes provisional blobs whose anchor never committed. An upload
// is provisional from the moment it is accepted until the vault sees the
// chain anchor its CID (x/records RecordByCID): the sweeper asks the chain
// about each provisional blob once it is older than the deadline, keeps it
// (and forgets the mark) if a record anchors it, and otherwise deletes the
// blob and every key wrapped for it. A request that shows the anchor (a key
// upload or read for the record) clears the mark early.
//
// It never deletes on a doubt: a chain that cannot be reached, or a node
// that is syncing, ends the sweep with nothing deleted.
type Sweeper struct {
	cfg   SweepConfig
	state *State
	store Store
	chain Chain
	log   log.Logger
}

// SweepResult counts what one sweep did.
type SweepResult struct {
	// Checked is the number of provisional blobs asked about.
	Checked int
	// Kept: anchored on chain; the mark is gone and the blob stays.
	Kept int
	// Removed: not anchored after the deadline; blob and keys deleted.
	Removed int
	// Deferred: the chain gave an unexpected answer; checked again later.
	Deferred int
}

// NewSweeper returns a sweeper of the provisional uploads recorded in st.
func NewSweeper(cfg SweepConfig, st *State, store Store, chain Chain, logger log.Logger) *Sweeper {
	if st == nil || store == nil || chain == nil {
		panic("vault: NewSweeper needs a state, a store and a chain")
	}
	if cfg.Deadline <= 0 {
		cfg.Deadline = DefaultProvisionalDeadline
	}
	if cfg.Interval <= 0 {
		cfg.Interval = DefaultSweepInterval
	}
	if cfg.PerTick <= 0 {
		cfg.PerTick = DefaultSweepPerTick
	}
	if cfg.ChainTimeout <= 0 {
		cfg.ChainTimeout = DefaultChainTimeout
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if logger == nil {
		logger = log.NewNopLogger()
	}
	return &Sweeper{cfg: cfg, state: st, store: store, chain: chain, log: logger}
}

// Run sweeps every Interval until ctx is done. A sweep that checked its
// full PerTick is followed by another after sweepCatchUp instead, so that a
// backlog (after an outage of the chain, or a burst of failed anchors)
// drains in bounded steps without waiting an Interval for each.
func (s *Sweeper) Run(ctx context.Context) {
	t := time.NewTimer(s.cfg.Interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		res, err := s.Sweep(ctx)
		if err != nil && ctx.Err() == nil {
			s.log.Warn("vault sweep stopped early", "err", err.Error(), "removed", res.Removed, "kept", res.Kept)
		} else if res.Removed > 0 || res.Kept > 0 || res.Deferred > 0 {
			s.log.Info("vault sweep", "removed", res.Removed, "kept", res.Kept, "deferred", res.Deferred)
		}
		next := s.cfg.Interval
		if err == nil && res.Checked >= s.cfg.PerTick {
			next = min(next, sweepCatchUp)
		}
		t.Reset(next)
	}
}

// Sweep checks at most PerTick provisional blobs older than the deadline,
// oldest first. It stops at the first sign that the chain cannot answer
// (unreachable, or a node still syncing) and returns that error; what it did
// before stays done.
func (s *Sweeper) Sweep(ctx context.Context) (SweepResult, error) {
	var res SweepResult
	now := s.cfg.Now()
	due, err := s.state.dueProvisional(now.Add(-s.cfg.Deadline).UnixNano(), s.cfg.PerTick)
	if err != nil || len(due) == 0 {
		return res, err
	}
	if s.cfg.Syncing != nil {
		cctx, cancel := context.WithTimeout(ctx, s.cfg.ChainTimeout)
		syncing, err := s.cfg.Syncing(cctx)
		cancel()
		if err != nil {
			return res, fmt.Errorf("%w: asking whether the node is syncing: %v", ErrChainUnavailable, err)
		}
		if syncing {
			return res, fmt.Errorf("%w: the node is still syncing", ErrChainUnavailable)
		}
	}
	for _, p := range due {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		cctx, cancel := context.WithTimeout(ctx, s.cfg.ChainTimeout)
		_, err := s.chain.RecordByCID(cctx, p.cid)
		cancel()
		res.Checked++
		switch {
		case err == nil:
			if _, err := s.state.settle(p, nil); err != nil {
				return res, err
			}
			res.Kept++
		case errors.Is(err, ErrUnanchoredCID):
			removed, err := s.state.settle(p, func() error {
				// The mark goes only once both are gone, so a crash
				// half-way is finished by the next sweep.
				if err := s.store.DeleteKeys(p.cid); err != nil {
					return err
				}
				return s.store.DeleteBlob(p.cid)
			})
			if err != nil {
				return res, err
			}
			if removed {
				res.Removed++
				s.log.Info("vault removed a blob never anchored", "cid", p.cid, "uploaded", p.uploaded.Format(time.RFC3339))
			}
		case errors.Is(err, ErrChainUnavailable), errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
			return res, err
		default:
			// An answer the sweeper does not understand: leave the blob, and
			// move it back in the queue so it does not block the others.
			s.log.Error("vault sweep: chain query failed", "cid", p.cid, "err", err.Error())
			next := now.Add(sweepRetry).Add(-s.cfg.Deadline).UnixNano()
			if err := s.state.reschedule(p, next); err != nil {
				return res, err
			}
			res.Deferred++
		}
	}
	return res, nil
}
