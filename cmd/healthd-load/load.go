package main

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	cmttypes "github.com/cometbft/cometbft/types"

	"github.com/cosmos/cosmos-sdk/client"
	clienttx "github.com/cosmos/cosmos-sdk/client/tx"
	"github.com/cosmos/cosmos-sdk/codec"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/tx/signing"
	authsigning "github.com/cosmos/cosmos-sdk/x/auth/signing"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	gogoproto "github.com/cosmos/gogoproto/proto"
)

// runConfig is one workload run's parameters.
type runConfig struct {
	Txs         int           // transactions to send
	Concurrency int           // broadcasting goroutines (at most one per signer)
	Rate        float64       // submissions per second over all goroutines; 0: as fast as the node takes them
	Timeout     time.Duration // for the whole workload, from the first broadcast to the last block read
	Seed        uint64        // seeds the random commitments, CIDs and grantees
	Poll        time.Duration // how often the block reader asks for new blocks
	ProfileDir  string        // when set (and the node serves pprof), a CPU profile of the node per workload
	ProfileSecs int
}

// signed is one pre-signed transaction and what became of it.
type signed struct {
	Index  int
	Signer int // index into the workload's signers
	Bytes  []byte
	Hash   [32]byte

	// Broadcast.
	Start    time.Time // the first broadcast_tx_sync began
	End      time.Time // the accepting (or refusing) answer came back
	Accepted bool
	Answered bool // CheckTx answered (accepted or refused)
	Code     uint32
	Space    string
	Log      string

	// Commit.
	Seen      int // how many times it was found in a block (1 when all is well)
	Height    int64
	Committed time.Time // when the harness read the block's results
	TxCode    uint32
	TxSpace   string
	TxLog     string
	GasUsed   int64
	GasWanted int64
}

// blockInfo is one block the reader saw during the run.
type blockInfo struct {
	Height int64
	Time   time.Time // header time
	Txs    int       // every transaction in the block
	Ours   int       // the run's transactions in it
	Read   time.Time
}

// runner sends one workload against a running chain.
type runner struct {
	chain   *chain
	txCfg   client.TxConfig
	cdc     codec.Codec
	logf    func(format string, args ...any)
	cfg     runConfig
	fx      *fixture
	chainID string
}

// queryAccount reads an account's number and sequence through the node's
// ABCI query (the auth module's gRPC query, over CometBFT RPC).
func (r *runner) queryAccount(ctx context.Context, a *account) error {
	req := &authtypes.QueryAccountRequest{Address: a.Bech32}
	bz, err := req.Marshal()
	if err != nil {
		return err
	}
	res, err := r.chain.client.ABCIQuery(ctx, "/cosmos.auth.v1beta1.Query/Account", bz)
	if err != nil {
		return err
	}
	if res.Response.Code != 0 {
		return fmt.Errorf("account %s (%s): %s", a.Name, a.Bech32, res.Response.Log)
	}
	var out authtypes.QueryAccountResponse
	if err := r.cdc.Unmarshal(res.Response.Value, &out); err != nil {
		return err
	}
	var acc sdk.AccountI
	if err := r.cdc.UnpackAny(out.Account, &acc); err != nil {
		return err
	}
	a.Number, a.Seq = acc.GetAccountNumber(), acc.GetSequence()
	return nil
}

// sign builds and signs one transaction with the app's TxConfig, in
// SIGN_MODE_DIRECT, at the signer's next sequence, with no fee (the node runs
// with minimum-gas-prices 0).
func (r *runner) sign(ctx context.Context, a *account, gas uint64, msgs ...sdk.Msg) ([]byte, error) {
	b := r.txCfg.NewTxBuilder()
	if err := b.SetMsgs(msgs...); err != nil {
		return nil, err
	}
	b.SetGasLimit(gas)
	mode := signing.SignMode_SIGN_MODE_DIRECT
	// DIRECT signs the signer infos too: set them, with an empty signature, first.
	if err := b.SetSignatures(signing.SignatureV2{
		PubKey: a.Priv.PubKey(), Data: &signing.SingleSignatureData{SignMode: mode}, Sequence: a.Seq,
	}); err != nil {
		return nil, err
	}
	sd := authsigning.SignerData{
		Address: a.Bech32, ChainID: r.chainID, AccountNumber: a.Number, Sequence: a.Seq, PubKey: a.Priv.PubKey(),
	}
	sig, err := clienttx.SignWithPrivKey(ctx, mode, sd, b, a.Priv, r.txCfg, a.Seq)
	if err != nil {
		return nil, err
	}
	if err := b.SetSignatures(sig); err != nil {
		return nil, err
	}
	a.Seq++
	return r.txCfg.TxEncoder()(b.GetTx())
}

// setup sends a workload's setup stages in order: each stage's transactions
// are built (from what the earlier stages committed), sent, and waited for
// until every one is in a block with code 0; their Then callbacks get the
// responses.
func (r *runner) setup(ctx context.Context, w workload) error {
	for i, st := range w.Setup {
		txs := st(r.fx)
		if len(txs) == 0 {
			continue
		}
		if err := r.setupStage(ctx, w, txs); err != nil {
			return fmt.Errorf("setup stage %d: %w", i+1, err)
		}
		r.logf("%s: setup stage %d: %d transactions committed", w.Name, i+1, len(txs))
	}
	return nil
}

func (r *runner) setupStage(ctx context.Context, w workload, txs []setupTx) error {
	seen := map[*account]bool{}
	for _, t := range txs {
		if seen[t.Signer] {
			continue
		}
		seen[t.Signer] = true
		if err := r.queryAccount(ctx, t.Signer); err != nil {
			return err
		}
	}
	pending := map[[32]byte]*setupTx{}
	for i := range txs {
		t := &txs[i]
		gas := t.Gas
		if gas == 0 {
			gas = w.Gas
		}
		bz, err := r.sign(ctx, t.Signer, gas, t.Msg)
		if err != nil {
			return err
		}
		for attempt := 0; ; attempt++ {
			res, err := r.chain.client.BroadcastTxSync(ctx, bz)
			if err == nil && res.Code == 0 {
				break
			}
			if err == nil { // CheckTx refused it
				return fmt.Errorf("%s refused: code %d (%s): %s", sdk.MsgTypeURL(t.Msg), res.Code, res.Codespace, res.Log)
			}
			if attempt == 600 || ctx.Err() != nil {
				return fmt.Errorf("%s: not accepted after %d attempts: %v", sdk.MsgTypeURL(t.Msg), attempt+1, err)
			}
			time.Sleep(100 * time.Millisecond) // the mempool is full, or the RPC call failed otherwise
		}
		pending[sha256.Sum256(bz)] = t
	}
	// A block holds thousands of these: allow two minutes plus a second per 100.
	deadline := time.Now().Add(2*time.Minute + time.Duration(len(txs))*10*time.Millisecond)
	for len(pending) > 0 {
		for h, t := range pending {
			res, err := r.chain.client.Tx(ctx, h[:], false)
			if err != nil {
				continue // not yet in a block
			}
			what := sdk.MsgTypeURL(t.Msg)
			if res.TxResult.Code != 0 {
				return fmt.Errorf("%s failed in block %d: %s", what, res.Height, res.TxResult.Log)
			}
			if t.Then != nil {
				var data sdk.TxMsgData
				if err := gogoproto.Unmarshal(res.TxResult.Data, &data); err != nil {
					return fmt.Errorf("%s: response: %w", what, err)
				}
				if len(data.MsgResponses) != 1 {
					return fmt.Errorf("%s: %d responses, want 1", what, len(data.MsgResponses))
				}
				if err := t.Then(r.fx, data.MsgResponses[0]); err != nil {
					return fmt.Errorf("%s: %w", what, err)
				}
			}
			delete(pending, h)
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%d setup transactions not committed in time", len(pending))
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
	return nil
}

// presign signs every transaction of the run, in signer order, before anything is sent.
func (r *runner) presign(ctx context.Context, w workload) ([]*signed, []*account, error) {
	signers := w.Signers(r.fx)
	if len(signers) == 0 {
		return nil, nil, fmt.Errorf("workload %s has no signers", w.Name)
	}
	for _, a := range signers {
		if err := r.queryAccount(ctx, a); err != nil {
			return nil, nil, err
		}
	}
	rnd := rand.New(rand.NewPCG(r.cfg.Seed, uint64(len(w.Name))))
	out := make([]*signed, r.cfg.Txs)
	for k := range out {
		si := k % len(signers)
		msg := w.Msg(r.fx, k, signers[si], rnd)
		bz, err := r.sign(ctx, signers[si], w.Gas, msg)
		if err != nil {
			return nil, nil, fmt.Errorf("sign tx %d: %w", k, err)
		}
		out[k] = &signed{Index: k, Signer: si, Bytes: bz, Hash: sha256.Sum256(bz)}
	}
	return out, signers, nil
}

// counters are updated by the broadcasting goroutines.
type counters struct {
	mempoolFull atomic.Int64 // retries because the mempool was full
	rpcErrors   atomic.Int64 // retries because the RPC call failed otherwise
	inCache     atomic.Int64 // "already in cache" answers to a retry, counted as accepted
	answered    atomic.Int64 // transactions CheckTx answered (progress)
	inBlocks    atomic.Int64 // transactions found in a block (progress)

	mu         sync.Mutex
	errSamples []string
}

func (c *counters) sample(s string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.errSamples) < 5 {
		c.errSamples = append(c.errSamples, s)
	}
}

// broadcast sends txs from up to cfg.Concurrency goroutines. Each signer's
// transactions go from one goroutine, in sequence order, each sent only when
// the previous one was accepted (broadcast_tx_sync returns after CheckTx), so
// the node never sees a sequence gap.
func (r *runner) broadcast(ctx context.Context, txs []*signed, nSigners int, c *counters) {
	workers := min(max(r.cfg.Concurrency, 1), nSigners)
	queues := make([][]*signed, workers)
	for _, t := range txs {
		w := t.Signer % workers
		queues[w] = append(queues[w], t)
	}
	var tick <-chan time.Time
	if r.cfg.Rate > 0 {
		tk := time.NewTicker(time.Duration(float64(time.Second) / r.cfg.Rate))
		defer tk.Stop()
		tick = tk.C
	}
	// A refused transaction leaves its signer's later ones with a sequence
	// gap: skip them rather than flood the node with certain refusals.
	var wg sync.WaitGroup
	for _, q := range queues {
		wg.Add(1)
		go func() {
			defer wg.Done()
			broken := map[int]bool{}
			for _, t := range q {
				if broken[t.Signer] {
					continue
				}
				if tick != nil {
					select {
					case <-tick:
					case <-ctx.Done():
						return
					}
				}
				if !r.send(ctx, t, c) {
					if ctx.Err() != nil {
						return
					}
					broken[t.Signer] = true
				}
			}
		}()
	}
	wg.Wait()
}

// send broadcasts one transaction until CheckTx answers, retrying while the
// mempool is full or the RPC call fails. It reports whether it was accepted.
func (r *runner) send(ctx context.Context, t *signed, c *counters) bool {
	backoff := 20 * time.Millisecond
	t.Start = time.Now()
	for attempt := 0; ; attempt++ {
		res, err := r.chain.client.BroadcastTxSync(ctx, cmttypes.Tx(t.Bytes))
		switch {
		case err == nil && res.Code == 0:
			t.End, t.Accepted, t.Answered = time.Now(), true, true
			c.answered.Add(1)
			return true
		case err == nil:
			t.End, t.Answered, t.Code, t.Space, t.Log = time.Now(), true, res.Code, res.Codespace, res.Log
			c.answered.Add(1)
			return false
		case ctx.Err() != nil:
			return false
		case strings.Contains(err.Error(), "mempool is full"):
			c.mempoolFull.Add(1)
		case strings.Contains(err.Error(), "already exists in cache") && attempt > 0:
			// An earlier attempt reached the mempool after all.
			c.inCache.Add(1)
			c.answered.Add(1)
			t.End, t.Accepted, t.Answered = time.Now(), true, true
			return true
		default:
			c.rpcErrors.Add(1)
			c.sample(err.Error())
			if attempt >= 50 {
				t.End, t.Log = time.Now(), "gave up: "+err.Error()
				return false
			}
		}
		select {
		case <-ctx.Done():
			return false
		case <-time.After(backoff):
		}
		backoff = min(backoff*2, 500*time.Millisecond)
	}
}

// reader reads every block from height from on, matching their transactions
// and results to the run's, until told the submissions are over and either
// every accepted transaction was seen or the mempool stayed empty for three
// blocks; or until ctx ends.
func (r *runner) read(ctx context.Context, from int64, byHash map[[32]byte]*signed, submitted <-chan struct{}, accepted func() int, c *counters) ([]blockInfo, error) {
	var blocks []blockInfo
	next := from
	seen := 0
	submitDone := false
	emptyBlocks := 0
	for {
		select {
		case <-submitted:
			submitDone, submitted = true, nil
		default:
		}
		st, err := r.chain.client.Status(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return blocks, nil
			}
			if !r.chain.running() {
				return blocks, errors.New("the node exited during the run")
			}
		}
		for err == nil && next <= st.SyncInfo.LatestBlockHeight {
			h := next
			b, err2 := r.chain.client.Block(ctx, &h)
			if err2 != nil {
				break
			}
			res, err2 := r.chain.client.BlockResults(ctx, &h)
			if err2 != nil {
				break // executed but not yet saved: next poll
			}
			now := time.Now()
			bi := blockInfo{Height: h, Time: b.Block.Time, Txs: len(b.Block.Txs), Read: now}
			for i, tx := range b.Block.Txs {
				t, ok := byHash[sha256.Sum256(tx)]
				if !ok {
					continue
				}
				bi.Ours++
				t.Seen++
				if t.Seen > 1 {
					continue
				}
				seen++
				c.inBlocks.Add(1)
				t.Height, t.Committed = h, now
				if i < len(res.TxsResults) {
					tr := res.TxsResults[i]
					t.TxCode, t.TxSpace, t.TxLog, t.GasUsed, t.GasWanted = tr.Code, tr.Codespace, tr.Log, tr.GasUsed, tr.GasWanted
				}
			}
			blocks = append(blocks, bi)
			next++
			if submitDone {
				if bi.Ours == 0 {
					emptyBlocks++
				} else {
					emptyBlocks = 0
				}
			}
		}
		if submitDone {
			if seen >= accepted() {
				return blocks, nil
			}
			// Transactions accepted but not in a block: wait while the
			// mempool still holds something, or until three blocks pass
			// with none of ours.
			if emptyBlocks >= 3 {
				if u, err := r.chain.client.NumUnconfirmedTxs(ctx); err == nil && u.Total == 0 {
					return blocks, nil
				}
			}
		}
		select {
		case <-ctx.Done():
			return blocks, nil
		case <-time.After(r.cfg.Poll):
		}
	}
}

// run sends one workload and returns its report.
func (r *runner) run(ctx context.Context, w workload) (*report, error) {
	if err := r.setup(ctx, w); err != nil {
		return nil, err
	}
	r.logf("%s: signing %d transactions", w.Name, r.cfg.Txs)
	txs, signers, err := r.presign(ctx, w)
	if err != nil {
		return nil, err
	}
	byHash := make(map[[32]byte]*signed, len(txs))
	for _, t := range txs {
		byHash[t.Hash] = t
	}
	st, err := r.chain.client.Status(ctx)
	if err != nil {
		return nil, err
	}
	startHeight := st.SyncInfo.LatestBlockHeight
	prev, err := r.chain.client.Block(ctx, &startHeight)
	if err != nil {
		return nil, err
	}
	rep := &report{Workload: w.Name, Doc: w.Doc, Txs: len(txs), Signers: len(signers),
		Concurrency: min(max(r.cfg.Concurrency, 1), len(signers)), GasLimit: w.Gas, UnitsPerTx: w.Units,
		RSSBefore: r.chain.rssBytes(), DataBefore: r.chain.dataBytes(), LoadAvgBefore: loadAvg()}

	runCtx, cancel := context.WithTimeout(ctx, r.cfg.Timeout)
	defer cancel()
	profileDone := r.profile(runCtx, w.Name)

	var c counters
	var acceptedN atomic.Int64
	submitted := make(chan struct{})
	readDone := make(chan struct{})
	var blocks []blockInfo
	var readErr error
	go func() {
		defer close(readDone)
		blocks, readErr = r.read(runCtx, startHeight+1, byHash, submitted, func() int { return int(acceptedN.Load()) }, &c)
	}()
	r.logf("%s: broadcasting %d transactions from %d goroutines (%d signers)", w.Name, len(txs), rep.Concurrency, len(signers))
	progressDone := r.progress(runCtx, w.Name, len(txs), &c)
	begin := time.Now()
	r.broadcast(runCtx, txs, len(signers), &c)
	for _, t := range txs {
		if t.Accepted {
			acceptedN.Add(1)
		}
	}
	close(submitted)
	<-readDone
	close(progressDone)
	rep.Wall = time.Since(begin)
	if readErr != nil {
		return nil, readErr
	}
	<-profileDone
	if runCtx.Err() != nil && ctx.Err() == nil {
		rep.TimedOut = true
	}
	rep.RSSAfter, rep.DataAfter, rep.LoadAvgAfter = r.chain.rssBytes(), r.chain.dataBytes(), loadAvg()
	rep.MempoolFullRetries = c.mempoolFull.Load()
	rep.RPCErrorRetries = c.rpcErrors.Load()
	rep.RPCErrorSamples = c.errSamples
	rep.fill(txs, blocks, prev.Block.Time)
	return rep, nil
}

// progress logs the run's progress every five seconds until done is closed.
func (r *runner) progress(ctx context.Context, name string, n int, c *counters) chan struct{} {
	done := make(chan struct{})
	go func() {
		tk := time.NewTicker(5 * time.Second)
		defer tk.Stop()
		for {
			select {
			case <-done:
				return
			case <-ctx.Done():
				return
			case <-tk.C:
				r.logf("%s: %d/%d answered by CheckTx, %d in blocks, %d mempool-full retries",
					name, c.answered.Load(), n, c.inBlocks.Load(), c.mempoolFull.Load())
			}
		}
	}()
	return done
}

// profile fetches a CPU profile of the node while the workload runs, when
// asked for and the node serves pprof. The returned channel closes when done.
func (r *runner) profile(ctx context.Context, name string) chan struct{} {
	done := make(chan struct{})
	base := r.chain.PprofURL()
	if r.cfg.ProfileDir == "" || base == "" {
		close(done)
		return done
	}
	go func() {
		defer close(done)
		url := fmt.Sprintf("%s/profile?seconds=%d", base, r.cfg.ProfileSecs)
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			r.logf("%s: CPU profile: %v", name, err)
			return
		}
		defer resp.Body.Close()
		bz, err := io.ReadAll(resp.Body)
		if err != nil || resp.StatusCode != http.StatusOK {
			r.logf("%s: CPU profile: status %d: %v", name, resp.StatusCode, err)
			return
		}
		path := filepath.Join(r.cfg.ProfileDir, name+".pprof")
		if err := os.WriteFile(path, bz, 0o600); err != nil {
			r.logf("%s: CPU profile: %v", name, err)
			return
		}
		r.logf("%s: CPU profile of the node (%ds) in %s (go tool pprof -top %s)", name, r.cfg.ProfileSecs, path, path)
	}()
	return done
}

// loadAvg is the machine's 1-minute load average, from /proc ("" if unknown).
func loadAvg() string {
	bz, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	f := strings.Fields(string(bz))
	if len(f) < 3 {
		return ""
	}
	return strings.Join(f[:3], " ")
}
