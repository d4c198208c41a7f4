package vault

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"testing"
	"time"
)

// --- durable nonces ---

// TestReplayAfterRestartRefused: a request answered before a restart cannot
// be replayed after it (a new server process over the same data), although
// the challenge secret survives the restart: a nonce issued before it and
// not yet used still works afterwards, so the refusal comes from the
// durable used-nonce set, not from a new secret.
func TestReplayAfterRestartRefused(t *testing.T) {
	e := newEnv(t)
	path := "/v1/records/1/key"
	used, unused := e.challenge(), e.challenge()
	expect(t, e.do(e.reader, http.MethodGet, path, nil, withNonce(used)), http.StatusOK, "")
	expect(t, e.do(e.reader, http.MethodGet, path, nil, withNonce(used)), http.StatusUnauthorized, ReasonUnknownNonce)

	e.restart()
	expect(t, e.do(e.reader, http.MethodGet, path, nil, withNonce(used)), http.StatusUnauthorized, ReasonUnknownNonce)
	expect(t, e.do(e.reader, http.MethodGet, path, nil, withNonce(unused)), http.StatusOK, "")

	e.restart()
	for _, n := range []string{used, unused} {
		expect(t, e.do(e.reader, http.MethodGet, path, nil, withNonce(n)), http.StatusUnauthorized, ReasonUnknownNonce)
	}
	if n := e.handler.(*server).challenges.usedLen(); n != 2 {
		t.Fatalf("%d used nonces after restart, want 2", n)
	}
	// Expired entries are pruned by the next claim, across restarts too.
	e.clock.Advance(NonceTTL)
	expect(t, e.do(e.reader, http.MethodGet, path, nil), http.StatusOK, "")
	if n := e.handler.(*server).challenges.usedLen(); n != 1 {
		t.Fatalf("%d used nonces after expiry, want 1", n)
	}
}

// TestNonceFloorSurvivesRestart: a used nonce dropped from a full set stays
// refused after a restart (the floor is stored with the set).
func TestNonceFloorSurvivesRestart(t *testing.T) {
	const max = 2
	e := newEnv(t, func(c *Config) { c.MaxNonces = max })
	path := "/v1/records/1/key"
	var used []string
	for i := 0; i < 3; i++ {
		n := e.challenge()
		expect(t, e.do(e.reader, http.MethodGet, path, nil, withNonce(n)), http.StatusOK, "")
		used = append(used, n)
		e.clock.Advance(time.Second)
	}
	e.restart()
	if n := e.handler.(*server).challenges.usedLen(); n != max {
		t.Fatalf("%d used nonces after restart, want %d", n, max)
	}
	expect(t, e.do(e.reader, http.MethodGet, path, nil, withNonce(used[0])), http.StatusUnauthorized, ReasonExpiredNonce)
	for _, n := range used[1:] {
		expect(t, e.do(e.reader, http.MethodGet, path, nil, withNonce(n)), http.StatusUnauthorized, ReasonUnknownNonce)
	}
	expect(t, e.do(e.reader, http.MethodGet, path, nil), http.StatusOK, "")
}

// TestDurableChallengerRedeem: the exported durable challenger (for the
// gateway) refuses after a reopen a nonce redeemed before it, and keeps its
// secret in the State.
func TestDurableChallengerRedeem(t *testing.T) {
	dir := t.TempDir()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	open := func() (*State, *Challenger) {
		st, err := OpenState(dir)
		if err != nil {
			t.Fatal(err)
		}
		c, err := NewDurableChallenger(nil, NonceTTL, 16, st)
		if err != nil {
			t.Fatal(err)
		}
		return st, c
	}
	st, c := open()
	used, _, _ := c.Issue(now)
	unused, _, _ := c.Issue(now)
	ok := func() bool { return true }
	if r := c.Redeem(used, now, ok); r != "" {
		t.Fatal(r)
	}
	if r := c.Redeem(unused, now, func() bool { return false }); r != ReasonBadSignature {
		t.Fatalf("bad signature: %q", r)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	// The database is locked while open: one process at a time.
	st, c = open()
	if _, err := OpenState(dir); err == nil {
		t.Fatal("a second open of the state database succeeded")
	}
	if r := c.Redeem(used, now.Add(time.Second), ok); r != ReasonUnknownNonce {
		t.Fatalf("replay after reopen: %q", r)
	}
	if r := c.Redeem(unused, now.Add(time.Second), ok); r != "" {
		t.Fatalf("a nonce issued before the reopen: %q", r)
	}
	// A store that cannot be written refuses the nonce.
	fresh, _, _ := c.Issue(now)
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	if r := c.Redeem(fresh, now, ok); r != ReasonStoreError {
		t.Fatalf("closed store: %q", r)
	}
	if _, err := NewDurableChallenger(nil, NonceTTL, 16, nil); err == nil {
		t.Fatal("a durable challenger without a State")
	}
}

// --- provisional uploads and the sweeper ---

// upload puts blob through the vault as the author and returns its CID.
func (e *env) upload(blob []byte) string {
	e.t.Helper()
	r := e.do(e.author, http.MethodPut, "/v1/blobs", blob)
	expect(e.t, r, http.StatusCreated, "")
	var res putBlobResponse
	if err := json.Unmarshal(r.body, &res); err != nil {
		e.t.Fatal(err)
	}
	return res.CID
}

func (e *env) held(cid string) bool {
	e.t.Helper()
	ok, err := e.store.HasBlob(cid)
	if err != nil {
		e.t.Fatal(err)
	}
	return ok
}

func (e *env) provisional(cid string) bool {
	e.t.Helper()
	_, ok, err := e.state.provisionalOf(cid)
	if err != nil {
		e.t.Fatal(err)
	}
	return ok
}

func (e *env) sweep() SweepResult {
	e.t.Helper()
	res, err := e.sweeper.Sweep(context.Background())
	if err != nil {
		e.t.Fatal(err)
	}
	return res
}

// TestProvisionalSweptAfterDeadline: of two uploads, the one whose anchor
// the chain refused is deleted once the deadline has passed; the one whose
// anchor committed is kept, and both marks are gone.
func TestProvisionalSweptAfterDeadline(t *testing.T) {
	e := newEnv(t)
	refused, committed := []byte("ciphertext whose anchor ran out of gas"), []byte("ciphertext anchored on chain")
	cidRefused, cidCommitted := e.upload(refused), e.upload(committed)
	if !e.provisional(cidRefused) || !e.provisional(cidCommitted) {
		t.Fatal("uploads not marked provisional")
	}
	e.chain.setRecord(20, fakeRecord{cid: cidCommitted, patient: e.patient.addr, author: e.author.addr})

	e.clock.Advance(time.Hour - time.Second)
	if res := e.sweep(); res != (SweepResult{}) {
		t.Fatalf("swept before the deadline: %+v", res)
	}
	e.clock.Advance(2 * time.Second)
	if res := e.sweep(); res != (SweepResult{Checked: 2, Kept: 1, Removed: 1}) {
		t.Fatalf("sweep: %+v", res)
	}
	if e.held(cidRefused) || !e.held(cidCommitted) {
		t.Fatalf("refused held %v, committed held %v", e.held(cidRefused), e.held(cidCommitted))
	}
	if e.provisional(cidRefused) || e.provisional(cidCommitted) {
		t.Fatal("marks left after the sweep")
	}
	if res := e.sweep(); res != (SweepResult{}) {
		t.Fatalf("second sweep: %+v", res)
	}
	// The blobs the vault held before (not uploaded as provisional) stay.
	if !e.held(e.cid1) || !e.held(e.cid3) {
		t.Fatal("a blob never marked provisional was swept")
	}
	// The anchored record reads as before.
	expect(t, e.do(e.patient, http.MethodGet, "/v1/records/20/blob", nil), http.StatusOK, "")
}

// TestProvisionalSweptAfterCrash: the vault dies between the upload and the
// anchor; after a restart over the same data the acknowledged blob is still
// held and still provisional, and the new process's sweeper deletes it once
// the deadline has passed.
func TestProvisionalSweptAfterCrash(t *testing.T) {
	e := newEnv(t)
	blob := []byte("ciphertext uploaded just before the vault died")
	cid := e.upload(blob)
	e.clock.Advance(30 * time.Minute)
	e.restart()
	if !e.held(cid) || !e.provisional(cid) {
		t.Fatalf("after restart: held %v, provisional %v", e.held(cid), e.provisional(cid))
	}
	if res := e.sweep(); res.Checked != 0 {
		t.Fatalf("swept before the deadline: %+v", res)
	}
	e.clock.Advance(31 * time.Minute)
	if res := e.sweep(); res != (SweepResult{Checked: 1, Removed: 1}) {
		t.Fatalf("sweep: %+v", res)
	}
	if e.held(cid) || e.provisional(cid) {
		t.Fatal("the orphan survived the sweep")
	}
	e.restart()
	if e.held(cid) || e.provisional(cid) {
		t.Fatal("the orphan came back after a restart")
	}
}

// TestSweepBoundedPerTick: one sweep checks at most PerTick blobs, asks the
// chain once for each, and the rest wait for the next ticks.
func TestSweepBoundedPerTick(t *testing.T) {
	e := newEnv(t)
	e.sweeper = NewSweeper(SweepConfig{Now: e.clock.Now, Deadline: time.Hour, PerTick: 2}, e.state, e.store, e.chain, nil)
	var cids []string
	for i := 0; i < 5; i++ {
		cids = append(cids, e.upload([]byte(fmt.Sprintf("orphan %d", i))))
		e.clock.Advance(time.Second)
	}
	e.clock.Advance(time.Hour)
	for tick, want := range []int{2, 2, 1, 0} {
		calls := e.chain.callCount()
		res := e.sweep()
		if res.Checked != want || res.Removed != want || e.chain.callCount()-calls != want {
			t.Fatalf("tick %d: %+v, %d chain calls, want %d", tick, res, e.chain.callCount()-calls, want)
		}
	}
	for i, cid := range cids {
		if e.held(cid) {
			t.Fatalf("blob %d left", i)
		}
	}
	if n, err := e.state.provisionalCount(); err != nil || n != 0 {
		t.Fatalf("%d marks left (%v)", n, err)
	}
}

// TestSweptBlobLosesWrappedKeys: a swept blob goes with every key wrapped
// for it. Here the chain erased record 1 (forgetting its CID) while the
// vault still held its blob and keys, and the author uploaded the bytes
// again: nothing anchors them, so blob and keys go.
func TestSweptBlobLosesWrappedKeys(t *testing.T) {
	e := newEnv(t)
	e.chain.eraseOnChain(recHeld)
	if cid := e.upload(e.blob1); cid != e.cid1 {
		t.Fatalf("cid %s", cid)
	}
	for _, a := range []account{e.reader, e.patient} {
		if _, err := e.store.GetKey(e.cid1, a.addr); err != nil {
			t.Fatal(err)
		}
	}
	e.clock.Advance(time.Hour + time.Second)
	if res := e.sweep(); res.Removed != 1 {
		t.Fatalf("sweep: %+v", res)
	}
	for _, a := range []account{e.reader, e.patient} {
		if _, err := e.store.GetKey(e.cid1, a.addr); !errors.Is(err, ErrNotFound) {
			t.Fatalf("key for %s: %v", a.addr, err)
		}
	}
	if _, err := os.Stat(e.store.dir(dirKeys, e.cid1)); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("keys directory left: %v", err)
	}
	if e.held(e.cid1) {
		t.Fatal("blob left")
	}
}

// TestAnchorSeenClearsMark: sharing the key of a record whose anchor
// committed shows the vault the anchor, so the blob is no longer
// provisional and the sweeper does not even ask about it.
func TestAnchorSeenClearsMark(t *testing.T) {
	e := newEnv(t)
	cid := e.upload([]byte("ciphertext of record 21"))
	e.chain.setRecord(21, fakeRecord{cid: cid, patient: e.patient.addr, author: e.author.addr})
	expect(t, e.do(e.author, http.MethodPut, "/v1/records/21/keys/"+e.patient.addr, []byte("wrapped")), http.StatusNoContent, "")
	if e.provisional(cid) {
		t.Fatal("still provisional after a key upload for its record")
	}
	e.clock.Advance(2 * time.Hour)
	if res := e.sweep(); res != (SweepResult{}) {
		t.Fatalf("sweep: %+v", res)
	}
	if !e.held(cid) {
		t.Fatal("anchored blob removed")
	}
}

// TestReuploadRestartsDeadline: uploading the same bytes again (a client
// retrying after a refused transaction) restarts the deadline, and a sweep
// that read the old mark does not delete the new upload.
func TestReuploadRestartsDeadline(t *testing.T) {
	e := newEnv(t)
	blob := []byte("ciphertext retried after an out-of-gas anchor")
	cid := e.upload(blob)
	e.clock.Advance(50 * time.Minute)
	e.upload(blob)
	e.clock.Advance(20 * time.Minute)
	if res := e.sweep(); res.Checked != 0 || !e.held(cid) {
		t.Fatalf("swept 20 minutes after the second upload: %+v", res)
	}
	// A sweep that read the mark, then a new upload, then the sweep acts.
	e.clock.Advance(time.Hour)
	due, err := e.state.dueProvisional(e.clock.Now().Add(-time.Hour).UnixNano(), 10)
	if err != nil || len(due) != 1 {
		t.Fatalf("due %v, %v", due, err)
	}
	e.upload(blob)
	acted, err := e.state.settle(due[0], func() error { return e.store.DeleteBlob(cid) })
	if err != nil || acted {
		t.Fatalf("settled a replaced mark: %v %v", acted, err)
	}
	if !e.held(cid) || !e.provisional(cid) {
		t.Fatal("the new upload was lost")
	}
}

// TestSweepWaitsForChain: with the chain unreachable, or the node syncing,
// a sweep deletes nothing and says why; once the chain answers, it sweeps.
func TestSweepWaitsForChain(t *testing.T) {
	e := newEnv(t)
	syncing := true
	e.sweeper = NewSweeper(SweepConfig{Now: e.clock.Now, Deadline: time.Hour,
		Syncing: func(context.Context) (bool, error) { return syncing, nil }}, e.state, e.store, e.chain, nil)
	cid := e.upload([]byte("ciphertext during an outage"))
	e.clock.Advance(2 * time.Hour)
	if _, err := e.sweeper.Sweep(context.Background()); !errors.Is(err, ErrChainUnavailable) {
		t.Fatalf("syncing node: %v", err)
	}
	syncing = false
	e.chain.setDown(true)
	if _, err := e.sweeper.Sweep(context.Background()); !errors.Is(err, ErrChainUnavailable) {
		t.Fatalf("chain down: %v", err)
	}
	if !e.held(cid) || !e.provisional(cid) {
		t.Fatal("deleted without an answer from the chain")
	}
	e.chain.setDown(false)
	if res := e.sweep(); res.Removed != 1 {
		t.Fatalf("sweep: %+v", res)
	}
}

// oddChain answers RecordByCID with an unexpected error for one CID.
type oddChain struct {
	*fakeChain
	odd string
}

func (c oddChain) RecordByCID(ctx context.Context, cid string) (uint64, error) {
	if cid == c.odd {
		return 0, errors.New("vault: records by-CID query: internal error")
	}
	return c.fakeChain.RecordByCID(ctx, cid)
}

// TestSweepDefersUnexpectedAnswers: a blob the chain gives an odd answer
// about is kept and moved back in the queue, so the blobs behind it are
// still swept.
func TestSweepDefersUnexpectedAnswers(t *testing.T) {
	e := newEnv(t)
	odd := e.upload([]byte("ciphertext the chain chokes on"))
	e.clock.Advance(time.Second)
	next := e.upload([]byte("ciphertext behind it"))
	e.sweeper = NewSweeper(SweepConfig{Now: e.clock.Now, Deadline: time.Hour, PerTick: 1}, e.state, e.store, oddChain{e.chain, odd}, nil)
	e.clock.Advance(time.Hour)
	if res := e.sweep(); res != (SweepResult{Checked: 1, Deferred: 1}) {
		t.Fatalf("first tick: %+v", res)
	}
	if res := e.sweep(); res != (SweepResult{Checked: 1, Removed: 1}) {
		t.Fatalf("second tick: %+v", res)
	}
	if !e.held(odd) || e.held(next) {
		t.Fatalf("odd held %v, next held %v", e.held(odd), e.held(next))
	}
	e.clock.Advance(sweepRetry)
	e.sweeper = NewSweeper(SweepConfig{Now: e.clock.Now, Deadline: time.Hour}, e.state, e.store, e.chain, nil)
	if res := e.sweep(); res.Removed != 1 || e.held(odd) {
		t.Fatalf("retry: %+v", res)
	}
}

// TestSweeperRuns: Run sweeps on its ticker and stops with its context.
func TestSweeperRuns(t *testing.T) {
	e := newEnv(t)
	cid := e.upload([]byte("ciphertext for the ticker"))
	e.clock.Advance(2 * time.Hour)
	sw := NewSweeper(SweepConfig{Now: e.clock.Now, Deadline: time.Hour, Interval: 10 * time.Millisecond}, e.state, e.store, e.chain, nil)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); sw.Run(ctx) }()
	for deadline := time.Now().Add(5 * time.Second); e.held(cid); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("Run did not sweep")
		}
	}
	cancel()
	<-done
}

// BenchmarkDurableClaim is the cost of one durable nonce claim (a synced
// LevelDB write) with the set holding used nonces.
func BenchmarkDurableClaim(b *testing.B) {
	for _, used := range []int{1000, 100000} {
		b.Run(fmt.Sprintf("used=%d", used), func(b *testing.B) {
			st, err := OpenState(b.TempDir())
			if err != nil {
				b.Fatal(err)
			}
			defer st.Close()
			now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
			c, err := newDurableChallenger(nil, NonceTTL, used+b.N+1, st)
			if err != nil {
				b.Fatal(err)
			}
			// Filled in one batch: claiming them one by one would take a
			// synced write each.
			fill := st.db.NewBatch()
			for i := 0; i < used; i++ {
				var id [nonceIDBytes]byte
				binary.BigEndian.PutUint64(id[:], uint64(i))
				_ = fill.Set(nonceKey(now.Add(NonceTTL).UnixNano(), id), []byte{})
			}
			if err := fill.Write(); err != nil {
				b.Fatal(err)
			}
			fill.Close()
			st.nonces = used
			nonces := make([]string, b.N)
			for i := range nonces {
				nonces[i], _, _ = c.issue(now)
			}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				p, reason := c.check(nonces[i], now)
				if reason != "" || c.claim(p, now) != "" {
					b.Fatal(reason)
				}
			}
		})
	}
}
