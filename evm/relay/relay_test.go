package relay

import (
	"context"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient/simulated"

	"github.com/healthchain/healthd/evm/htlc"
)

const sendGas = 3_000_000

var amount = big.NewInt(2_500_000_000) // 2,500.00 of a 6-decimal token

type party struct {
	key  *ecdsa.PrivateKey
	addr common.Address
	opts *bind.TransactOpts
}

func newParty(t *testing.T) party {
	t.Helper()
	key, err := crypto.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	return party{key: key, addr: crypto.PubkeyToAddress(key.PublicKey), opts: bind.NewKeyedTransactor(key, big.NewInt(1337))}
}

// fakeHealthd serves /status and /block_results in CometBFT v0.39's JSON
// (rpc/core/types ResultStatus and ResultBlockResults through cmtjson: 64-bit
// integers as strings, typed events' attribute values as JSON) on 127.0.0.1.
type fakeHealthd struct {
	mu     sync.Mutex
	blocks []fakeBlock // blocks[i] is height i+1
	srv    *httptest.Server
	down   bool
}

type fakeBlock struct {
	txs []fakeTx
}

type fakeTx struct {
	code   uint32
	events []map[string]any
}

func newFakeHealthd(t *testing.T) *fakeHealthd {
	f := &fakeHealthd{}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve)) // httptest listens on 127.0.0.1
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeHealthd) rpcError(w http.ResponseWriter, msg string) {
	w.WriteHeader(http.StatusInternalServerError)
	fmt.Fprintf(w, `{"jsonrpc":"2.0","id":-1,"error":{"code":-32603,"message":"Internal error","data":%q}}`, msg)
}

func (f *fakeHealthd) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.down {
		f.rpcError(w, "node is down")
		return
	}
	h := int64(len(f.blocks))
	var result any
	switch r.URL.Path {
	case "/status":
		result = map[string]any{
			"node_info": map[string]any{"protocol_version": map[string]string{"p2p": "8", "block": "11", "app": "0"},
				"id": "4f3c1a2b9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a", "listen_addr": "tcp://127.0.0.1:26656", "network": "healthd-test",
				"version": "0.39.4", "channels": "40202122233038606100", "moniker": "localnet", "other": map[string]string{"tx_index": "on", "rpc_address": "tcp://127.0.0.1:26657"}},
			"sync_info": map[string]any{"latest_block_hash": "AB", "latest_app_hash": "CD", "latest_block_height": strconv.FormatInt(h, 10),
				"latest_block_time": "2026-12-08T03:20:01.123456789Z", "earliest_block_hash": "EF", "earliest_app_hash": "01",
				"earliest_block_height": "1", "earliest_block_time": "2026-12-08T02:00:00Z", "catching_up": false},
			"validator_info": map[string]any{"address": "AA", "pub_key": map[string]string{"type": "tendermint/PubKeyEd25519", "value": "AA=="}, "voting_power": "100"},
		}
	case "/block_results":
		n, err := strconv.ParseInt(r.URL.Query().Get("height"), 10, 64)
		if err != nil || n < 1 || n > h {
			f.rpcError(w, fmt.Sprintf("height %s must be less than or equal to the current blockchain height %d", r.URL.Query().Get("height"), h))
			return
		}
		b := f.blocks[n-1]
		var txs any // CometBFT writes null for a block without transactions
		if len(b.txs) > 0 {
			list := []any{}
			for _, tx := range b.txs {
				list = append(list, map[string]any{"code": tx.code, "data": "EiYKJC9oZWFsdGhk", "log": "", "info": "",
					"gas_wanted": "200000", "gas_used": "81234", "events": tx.events, "codespace": ""})
			}
			txs = list
		}
		result = map[string]any{"height": strconv.FormatInt(n, 10), "txs_results": txs,
			"finalize_block_events": []any{typedEvent("coin_spent", map[string]any{"spender": "healthd1xyz", "amount": ""}, "BeginBlock")},
			"validator_updates":     []any{}, "consensus_param_updates": nil, "app_hash": "3q2+7w=="}
	default:
		http.NotFound(w, r)
		return
	}
	_ = json.NewEncoder(w).Encode(map[string]any{"jsonrpc": "2.0", "id": -1, "result": result})
}

// abciEvent builds an event as the SDK emits a typed event: each field's value
// JSON-encoded (strings quoted, uint64 as a quoted decimal), plus msg_index or mode.
func typedEvent(typ string, fields map[string]any, mode string) map[string]any {
	attrs := []any{}
	for k, v := range fields {
		bz, _ := json.Marshal(v)
		attrs = append(attrs, map[string]any{"key": k, "value": string(bz), "index": true})
	}
	if mode != "" {
		attrs = append(attrs, map[string]any{"key": "mode", "value": mode, "index": true})
	} else {
		attrs = append(attrs, map[string]any{"key": "msg_index", "value": "0", "index": true})
	}
	return map[string]any{"type": typ, "attributes": attrs}
}

// block appends a block with one transaction per event set.
func (f *fakeHealthd) block(txs ...fakeTx) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.blocks = append(f.blocks, fakeBlock{txs: txs})
}

func (f *fakeHealthd) emptyBlocks(n int) {
	for i := 0; i < n; i++ {
		f.block()
	}
}

// kit is a simulated Ethereum chain with the HTLC and a token, a fake healthd,
// and the parties: payer, provider (the receiver) and relay.
type kit struct {
	t       *testing.T
	ctx     context.Context
	sim     *simulated.Backend
	client  simulated.Client
	htlc    *htlc.HashedTimelockERC20
	htlcC   *bind.BoundContract
	htlcAt  common.Address
	erc20   *htlc.TestToken
	token   *bind.BoundContract
	tokenAt common.Address
	healthd *fakeHealthd
	home    string
	now     time.Time

	payer, provider, relay party
	confirmer              Confirmer // given to the relays newRelay makes
}

func newKit(t *testing.T) *kit {
	t.Helper()
	k := &kit{t: t, ctx: context.Background(), htlc: htlc.NewHashedTimelockERC20(), erc20: htlc.NewTestToken(),
		home: t.TempDir(), now: time.Date(2026, 12, 8, 3, 30, 0, 0, time.UTC)}
	k.payer, k.provider, k.relay = newParty(t), newParty(t), newParty(t)
	eth := new(big.Int).Exp(big.NewInt(10), big.NewInt(18), nil)
	alloc := types.GenesisAlloc{}
	for _, p := range []party{k.payer, k.provider, k.relay} {
		alloc[p.addr] = types.Account{Balance: new(big.Int).Mul(big.NewInt(100), eth)}
	}
	k.sim = simulated.NewBackend(alloc)
	t.Cleanup(func() { _ = k.sim.Close() })
	k.client = k.sim.Client()
	k.htlcAt = k.deploy(htlc.HashedTimelockERC20MetaData.Bin, nil)
	k.htlcC = k.htlc.Instance(k.client, k.htlcAt)
	k.tokenAt = k.deploy(htlc.TestTokenMetaData.Bin, k.erc20.PackConstructor("Test Dollar", "TUSD"))
	k.token = k.erc20.Instance(k.client, k.tokenAt)
	mint := new(big.Int).Mul(amount, big.NewInt(10))
	k.send(k.token, k.payer, k.erc20.PackMint(k.payer.addr, mint))
	k.send(k.token, k.payer, k.erc20.PackApprove(k.htlcAt, mint))
	k.healthd = newFakeHealthd(t)
	return k
}

func (k *kit) deploy(bin string, ctor []byte) common.Address {
	k.t.Helper()
	addr, tx, err := bind.DeployContract(k.payer.opts, common.FromHex(bin), k.client, ctor)
	if err != nil {
		k.t.Fatal(err)
	}
	k.sim.Commit()
	k.receipt(tx.Hash())
	return addr
}

func (k *kit) receipt(h common.Hash) *types.Receipt {
	k.t.Helper()
	r, err := k.client.TransactionReceipt(k.ctx, h)
	if err != nil || r.Status != types.ReceiptStatusSuccessful {
		k.t.Fatalf("receipt %s: %v %+v", h, err, r)
	}
	return r
}

func (k *kit) send(c *bind.BoundContract, from party, data []byte) *types.Receipt {
	k.t.Helper()
	opts := *from.opts
	opts.GasLimit = sendGas
	tx, err := bind.Transact(c, &opts, data)
	if err != nil {
		k.t.Fatal(err)
	}
	k.sim.Commit()
	return k.receipt(tx.Hash())
}

func (k *kit) head() *types.Header {
	k.t.Helper()
	h, err := k.client.HeaderByNumber(k.ctx, nil)
	if err != nil {
		k.t.Fatal(err)
	}
	return h
}

// ethLock is a lock on the simulated chain and what healthd would record of it.
type ethLock struct {
	id, hashlock, preimage [32]byte
	timelock               uint64
}

func (k *kit) lock(ttl uint64) ethLock {
	k.t.Helper()
	var l ethLock
	if _, err := rand.Read(l.preimage[:]); err != nil {
		k.t.Fatal(err)
	}
	l.hashlock = sha256.Sum256(l.preimage[:])
	l.timelock = k.head().Time + 1 + ttl
	r := k.send(k.htlcC, k.payer, k.htlc.PackLock(k.tokenAt, k.provider.addr, amount, l.hashlock, l.timelock))
	for _, lg := range r.Logs {
		if ev, err := k.htlc.UnpackLockedEvent(lg); err == nil {
			l.id = ev.LockId
			return l
		}
	}
	k.t.Fatal("no Locked event")
	return l
}

func hx(b [32]byte) string { return hex.EncodeToString(b[:]) }

// lockedTx is healthd's MsgLockClaimSettlement transaction's event for l.
func (k *kit) lockedTx(claimID string, l ethLock, receiver common.Address, amt *big.Int) fakeTx {
	return fakeTx{events: []map[string]any{
		typedEvent("message", map[string]any{"action": "/healthd.claims.v1.MsgLockClaimSettlement"}, ""),
		typedEvent("healthd.claims.v1.EventClaimSettlementLocked", map[string]any{
			"claim_id": claimID, "payer": "healthd1payer", "provider": "healthd1provider", "hashlock": hx(l.hashlock),
			"evm_lock_id": hx(l.id), "evm_timelock": strconv.FormatUint(l.timelock, 10), "deadline": strconv.FormatUint(l.timelock-600, 10),
			"evm_receiver": receiver.Hex(), "evm_token": k.tokenAt.Hex(), "evm_amount": amt.String()}, ""),
	}}
}

func revealedTx(claimID string, l ethLock) fakeTx {
	return fakeTx{events: []map[string]any{typedEvent("healthd.claims.v1.EventClaimSettlementRevealed", map[string]any{
		"claim_id": claimID, "hashlock": hx(l.hashlock), "preimage": hx(l.preimage), "evm_lock_id": hx(l.id)}, "")}}
}

func lapsedTx(claimID string, l ethLock) fakeTx {
	return fakeTx{events: []map[string]any{typedEvent("healthd.claims.v1.EventClaimSettlementLapsed", map[string]any{
		"claim_id": claimID, "hashlock": hx(l.hashlock), "evm_lock_id": hx(l.id), "reason": "denied"}, "")}}
}

// dropSends is an Ethereum client whose SendTransaction loses the transaction
// without error: a relay killed after saving a withdraw and before broadcasting it.
type dropSends struct {
	simulated.Client
	dropped int
}

func (d *dropSends) SendTransaction(context.Context, *types.Transaction) error {
	d.dropped++
	return nil
}

func (k *kit) newRelay(eth EthClient) *Relay {
	k.t.Helper()
	if eth == nil {
		eth = k.client
	}
	h, err := NewHealthd(k.healthd.srv.URL)
	if err != nil {
		k.t.Fatal(err)
	}
	r, err := New(Config{Home: k.home, Healthd: h, Eth: eth, ChainID: big.NewInt(1337), HTLC: k.htlcAt, Key: k.relay.key,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: func() time.Time { return k.now }, Confirmer: k.confirmer})
	if err != nil {
		k.t.Fatal(err)
	}
	return r
}

func (k *kit) step(r *Relay) {
	k.t.Helper()
	if err := r.Step(k.ctx); err != nil {
		k.t.Fatal(err)
	}
}

func (k *kit) balance(who common.Address) *big.Int {
	k.t.Helper()
	b, err := bind.Call(k.token, nil, k.erc20.PackBalanceOf(who), k.erc20.UnpackBalanceOf)
	if err != nil {
		k.t.Fatal(err)
	}
	return b
}

func (k *kit) relayNonce() uint64 {
	k.t.Helper()
	n, err := k.client.NonceAt(k.ctx, k.relay.addr, nil)
	if err != nil {
		k.t.Fatal(err)
	}
	return n
}

func (k *kit) lockState(id [32]byte) uint8 {
	k.t.Helper()
	l, err := bind.Call(k.htlcC, nil, k.htlc.PackGetLock(id), k.htlc.UnpackGetLock)
	if err != nil {
		k.t.Fatal(err)
	}
	return l.State
}

// TestRevealWithdraws: healthd records a lock, the relay checks it on Ethereum;
// healthd reveals, the relay withdraws once and the provider is paid.
func TestRevealWithdraws(t *testing.T) {
	k := newKit(t)
	l := k.lock(3600)
	r := k.newRelay(nil)
	k.healthd.emptyBlocks(2)
	k.healthd.block(k.lockedTx("7", l, k.provider.addr, amount))
	k.step(r)
	s := r.state.Settlements[hx(l.id)]
	if s == nil || s.Check != CheckOK || s.Ref != "7" || s.Flow != FlowClaim || s.LockedHeight != 3 {
		t.Fatalf("settlement after the lock: %+v", s)
	}
	if st := r.Status(); st.HealthdHeight != 3 || st.Settlements != 1 || len(st.Mismatches) != 0 || st.WithdrawTxs != 0 {
		t.Fatalf("status %+v", st)
	}

	before := k.balance(k.provider.addr)
	k.healthd.block(revealedTx("7", l))
	k.step(r) // sends the withdraw
	if s.Withdraw == nil || len(s.WithdrawTxs) != 1 {
		t.Fatalf("no withdraw sent: %+v", s)
	}
	k.step(r) // not mined yet: nothing more is sent
	if len(s.WithdrawTxs) != 1 {
		t.Fatalf("a second withdraw before the first was mined: %v", s.WithdrawTxs)
	}
	k.sim.Commit()
	k.step(r)
	if s.Outcome != OutcomeWithdrawn || !s.ByRelay || s.OutcomeTx != s.WithdrawTxs[0] || s.Withdraw != nil {
		t.Fatalf("after the withdraw was mined: %+v", s)
	}
	if got := new(big.Int).Sub(k.balance(k.provider.addr), before); got.Cmp(amount) != 0 {
		t.Fatalf("provider paid %s, want %s", got, amount)
	}
	if k.balance(k.relay.addr).Sign() != 0 {
		t.Fatal("the relay was paid")
	}
	for i := 0; i < 3; i++ {
		k.sim.Commit()
		k.step(r)
	}
	if n := k.relayNonce(); n != 1 {
		t.Fatalf("relay sent %d transactions, want 1", n)
	}
	st := r.Status()
	if st.Withdrawn != 1 || st.WithdrawnRly != 1 || st.WithdrawTxs != 1 || st.Open != 0 || st.EthBlock != k.head().Number.Uint64() {
		t.Fatalf("status %+v", st)
	}
	// The saved state says the same.
	saved, err := LoadState(filepath.Join(k.home, "state.json"))
	if err != nil {
		t.Fatal(err)
	}
	if ss := saved.Settlements[hx(l.id)]; ss == nil || ss.Outcome != OutcomeWithdrawn || saved.HealthdHeight != 4 {
		t.Fatalf("saved state %+v", saved)
	}
	if fi, err := os.Stat(filepath.Join(k.home, "state.json")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("state file mode: %v %v", fi, err)
	}
}

// TestRestartAfterSendNoSecondWithdraw: the relay sends the withdraw and is
// killed; the withdraw is mined while it is down; the restarted relay reads the
// reveal's block again and sends nothing.
func TestRestartAfterSendNoSecondWithdraw(t *testing.T) {
	k := newKit(t)
	l := k.lock(3600)
	r := k.newRelay(nil)
	k.healthd.block(k.lockedTx("8", l, k.provider.addr, amount))
	k.healthd.block(revealedTx("8", l))
	k.step(r)
	if len(r.state.Settlements[hx(l.id)].WithdrawTxs) != 1 {
		t.Fatal("no withdraw sent")
	}
	// Killed: the state on disk is all that survives. Rewind the healthd cursor
	// as if the kill came before the cursor was saved.
	st, err := LoadState(filepath.Join(k.home, "state.json"))
	if err != nil {
		t.Fatal(err)
	}
	st.HealthdHeight = 0
	if err := st.Save(filepath.Join(k.home, "state.json")); err != nil {
		t.Fatal(err)
	}
	k.sim.Commit() // mined while the relay is down
	k.now = k.now.Add(5 * time.Minute)
	r2 := k.newRelay(nil)
	for i := 0; i < 3; i++ {
		k.step(r2)
		k.sim.Commit()
	}
	s := r2.state.Settlements[hx(l.id)]
	if s.Outcome != OutcomeWithdrawn || !s.ByRelay || len(s.WithdrawTxs) != 1 {
		t.Fatalf("after restart: %+v", s)
	}
	if n := k.relayNonce(); n != 1 {
		t.Fatalf("relay sent %d transactions, want 1", n)
	}
	if r2.state.HealthdHeight != 2 {
		t.Fatalf("healthd cursor %d", r2.state.HealthdHeight)
	}
}

// TestRestartBeforeBroadcastSendsOnce: the relay saves its withdraw and is
// killed before the node has it; the restarted relay broadcasts that same
// transaction (same hash, same nonce), and it is paid once.
func TestRestartBeforeBroadcastSendsOnce(t *testing.T) {
	k := newKit(t)
	l := k.lock(3600)
	lost := &dropSends{Client: k.client}
	r := k.newRelay(lost)
	k.healthd.block(k.lockedTx("9", l, k.provider.addr, amount))
	k.healthd.block(revealedTx("9", l))
	k.step(r)
	if lost.dropped != 1 {
		t.Fatalf("dropped %d", lost.dropped)
	}
	first := r.state.Settlements[hx(l.id)].WithdrawTxs[0]
	k.sim.Commit()

	r2 := k.newRelay(nil)
	k.step(r2) // too soon to re-broadcast
	k.sim.Commit()
	if got := k.lockState(l.id); got != lockOpen {
		t.Fatalf("lock state %d before the re-broadcast", got)
	}
	k.now = k.now.Add(11 * time.Second)
	k.step(r2) // re-broadcasts the saved transaction
	k.sim.Commit()
	k.step(r2)
	s := r2.state.Settlements[hx(l.id)]
	if s.Outcome != OutcomeWithdrawn || len(s.WithdrawTxs) != 1 || s.OutcomeTx != first {
		t.Fatalf("after restart: %+v", s)
	}
	if n := k.relayNonce(); n != 1 {
		t.Fatalf("relay sent %d transactions, want 1", n)
	}
}

// TestReplaceUnminedWithdraw: a withdraw the node lost is replaced, same nonce,
// at twice the fees, after ReplaceAfter; it is paid once.
func TestReplaceUnminedWithdraw(t *testing.T) {
	k := newKit(t)
	l := k.lock(3600)
	lost := &dropSends{Client: k.client}
	r := k.newRelay(lost)
	k.healthd.block(k.lockedTx("10", l, k.provider.addr, amount))
	k.healthd.block(revealedTx("10", l))
	k.step(r)
	k.now = k.now.Add(2 * time.Minute)
	k.step(r) // still dropping: the replacement is lost too
	s := r.state.Settlements[hx(l.id)]
	if len(s.WithdrawTxs) != 2 || lost.dropped != 2 || s.Withdraw.Nonce != 0 {
		t.Fatalf("replacement: %+v, dropped %d", s, lost.dropped)
	}
	first, _ := new(big.Int).SetString(s.Withdraw.TipCap, 10)
	r2 := k.newRelay(nil)
	k.now = k.now.Add(11 * time.Second)
	k.step(r2)
	k.sim.Commit()
	k.step(r2)
	s = r2.state.Settlements[hx(l.id)]
	if s.Outcome != OutcomeWithdrawn || s.OutcomeTx != s.WithdrawTxs[1] || first.Sign() <= 0 {
		t.Fatalf("after replacement: %+v", s)
	}
	if n := k.relayNonce(); n != 1 {
		t.Fatalf("relay used %d nonces, want 1", n)
	}
}

// TestMismatchReported: healthd records a lock whose receiver and amount differ
// from Ethereum's, and a lock Ethereum does not have; both are reported, and
// the mismatched lock is not withdrawn when revealed.
func TestMismatchReported(t *testing.T) {
	k := newKit(t)
	l := k.lock(3600)
	r := k.newRelay(nil)
	k.healthd.block(k.lockedTx("11", l, k.relay.addr, new(big.Int).Add(amount, big.NewInt(1))))
	var ghost ethLock
	ghost.preimage[0] = 1
	ghost.hashlock = sha256.Sum256(ghost.preimage[:])
	ghost.id[0], ghost.timelock = 0xee, l.timelock
	k.healthd.block(k.lockedTx("12", ghost, k.provider.addr, amount))
	k.step(r)
	st := r.Status()
	if len(st.Mismatches) != 2 {
		t.Fatalf("mismatches %+v", st.Mismatches)
	}
	s := r.state.Settlements[hx(l.id)]
	if s.Check != CheckMismatch || s.Mismatch == "" {
		t.Fatalf("settlement %+v", s)
	}
	for _, want := range []string{"receiver", "amount"} {
		if !strings.Contains(s.Mismatch, want) {
			t.Fatalf("mismatch %q does not name %s", s.Mismatch, want)
		}
	}
	if strings.Contains(s.Mismatch, "timelock") || strings.Contains(s.Mismatch, "token") || strings.Contains(s.Mismatch, "hashlock") {
		t.Fatalf("mismatch %q names a field that agrees", s.Mismatch)
	}
	if g := r.state.Settlements[hx(ghost.id)]; g.Check != CheckMissing {
		t.Fatalf("ghost %+v", g)
	}
	k.healthd.block(revealedTx("11", l))
	k.step(r)
	k.sim.Commit()
	k.step(r)
	if n := k.relayNonce(); n != 0 || k.lockState(l.id) != lockOpen || len(s.WithdrawTxs) != 0 {
		t.Fatalf("withdrew a mismatched lock: nonce %d", n)
	}
}

// TestRefundObserved: healthd lapses a settlement (claim denied); after the
// timelock the payer refunds; the relay reports the refund and sends nothing.
func TestRefundObserved(t *testing.T) {
	k := newKit(t)
	l := k.lock(30)
	r := k.newRelay(nil)
	k.healthd.block(k.lockedTx("13", l, k.provider.addr, amount))
	k.healthd.block(lapsedTx("13", l))
	k.step(r)
	s := r.state.Settlements[hx(l.id)]
	if s.Lapsed != "denied" || s.Outcome != "" {
		t.Fatalf("after the lapse: %+v", s)
	}
	if err := k.sim.AdjustTime(time.Minute); err != nil {
		t.Fatal(err)
	}
	before := k.balance(k.payer.addr)
	rc := k.send(k.htlcC, k.payer, k.htlc.PackRefund(l.id))
	k.step(r)
	if s.Outcome != OutcomeRefunded || s.OutcomeTx != rc.TxHash.Hex() || s.ByRelay {
		t.Fatalf("after the refund: %+v", s)
	}
	if got := new(big.Int).Sub(k.balance(k.payer.addr), before); got.Cmp(amount) != 0 {
		t.Fatalf("payer refunded %s", got)
	}
	st := r.Status()
	if st.Refunded != 1 || len(st.Refunds) != 1 || st.Refunds[0].Ref != "13" || st.WithdrawTxs != 0 || k.relayNonce() != 0 {
		t.Fatalf("status %+v", st)
	}
}

// TestRevealAfterTimelockIsExpired: a reveal the relay reads when Ethereum's
// timelock has passed is reported expired, and no withdraw is sent.
func TestRevealAfterTimelockIsExpired(t *testing.T) {
	k := newKit(t)
	l := k.lock(30)
	r := k.newRelay(nil)
	k.healthd.block(k.lockedTx("14", l, k.provider.addr, amount))
	k.step(r)
	if err := k.sim.AdjustTime(time.Minute); err != nil {
		t.Fatal(err)
	}
	k.healthd.block(revealedTx("14", l))
	k.step(r)
	if st := r.Status(); st.Expired != 1 || len(st.Expiries) != 1 || k.relayNonce() != 0 {
		t.Fatalf("status %+v", st)
	}
}

// TestHealthdDownKeepsCursor: an unreachable healthd fails the step and moves no cursor.
func TestHealthdDownKeepsCursor(t *testing.T) {
	k := newKit(t)
	r := k.newRelay(nil)
	k.healthd.emptyBlocks(3)
	k.step(r)
	k.healthd.mu.Lock()
	k.healthd.down = true
	k.healthd.mu.Unlock()
	k.healthd.emptyBlocks(2)
	if err := r.Step(k.ctx); err == nil {
		t.Fatal("step with healthd down succeeded")
	}
	if r.state.HealthdHeight != 3 || r.Status().LastError == "" {
		t.Fatalf("cursor %d, status %+v", r.state.HealthdHeight, r.Status())
	}
}

// TestFailedTxEventsIgnored: the events of a failed healthd transaction are not
// read, and a settlement event that cannot be read is counted, not guessed.
func TestFailedTxEventsIgnored(t *testing.T) {
	k := newKit(t)
	l := k.lock(3600)
	r := k.newRelay(nil)
	failed := k.lockedTx("15", l, k.provider.addr, amount)
	failed.code = 5
	k.healthd.block(failed)
	k.step(r)
	if len(r.state.Settlements) != 0 {
		t.Fatalf("a failed transaction's event was applied: %+v", r.state.Settlements)
	}
	ev := typedEvent("healthd.claims.v1.EventClaimSettlementRevealed", map[string]any{"claim_id": "16", "hashlock": hx(l.hashlock),
		"preimage": hx(l.hashlock), "evm_lock_id": hx(l.id)}, "") // sha256(preimage) != hashlock
	k.healthd.block(fakeTx{events: []map[string]any{ev}})
	k.step(r)
	if len(r.state.Settlements) != 0 || r.Status().Unreadable != 1 {
		t.Fatalf("settlements %+v, status %+v", r.state.Settlements, r.Status())
	}
}

func TestStatusLoopbackOnly(t *testing.T) {
	k := newKit(t)
	r := k.newRelay(nil)
	if _, _, err := r.ListenStatus("0.0.0.0:0"); err == nil {
		t.Fatal("listened on all interfaces")
	}
	srv, addr, err := r.ListenStatus("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	resp, err := http.Get("http://" + addr.String() + "/status")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var st StatusReport
	if err := json.NewDecoder(resp.Body).Decode(&st); err != nil || st.Relay != k.relay.addr.Hex() {
		t.Fatalf("status %+v %v", st, err)
	}
}

// fakeConfirmer records the confirmations a relay sends.
type fakeConfirmer struct {
	receiver string
	sent     []string
}

func (f *fakeConfirmer) For(receiver string) bool { return receiver == f.receiver }

func (f *fakeConfirmer) Confirm(_ context.Context, receiver, flow, ref, hashlock string) error {
	f.sent = append(f.sent, strings.Join([]string{receiver, flow, ref, hashlock}, " "))
	return nil
}

func confirmedTx(claimID string, l ethLock) fakeTx {
	return fakeTx{events: []map[string]any{typedEvent("healthd.claims.v1.EventClaimSettlementConfirmed", map[string]any{
		"claim_id": claimID, "hashlock": hx(l.hashlock), "evm_lock_id": hx(l.id)}, "")}}
}

// TestConfirmCheckedLock: a relay run for the receiver confirms on healthd a
// lock that matches healthd's record, once, again only after ConfirmRetry
// without healthd's Confirmed event, never after it; it does not confirm a
// lock that differs from the record, nor a lock paying someone else.
func TestConfirmCheckedLock(t *testing.T) {
	k := newKit(t)
	fc := &fakeConfirmer{receiver: k.provider.addr.Hex()}
	k.confirmer = fc
	good, bad, other := k.lock(3600), k.lock(3600), k.lock(3600)
	k.healthd.block(k.lockedTx("7", good, k.provider.addr, amount), k.lockedTx("8", bad, k.provider.addr, big.NewInt(1)),
		k.lockedTx("9", other, k.payer.addr, amount))
	r := k.newRelay(nil)
	k.step(r)
	want := k.provider.addr.Hex() + " claim 7 " + hx(good.hashlock)
	if len(fc.sent) != 1 || fc.sent[0] != want {
		t.Fatalf("confirmations %q, want [%q]", fc.sent, want)
	}
	k.step(r)
	if len(fc.sent) != 1 {
		t.Fatalf("sent again within the retry time: %q", fc.sent)
	}
	// A restart keeps the time it was sent: no second confirmation yet.
	r = k.newRelay(nil)
	k.step(r)
	if len(fc.sent) != 1 {
		t.Fatalf("sent again after a restart: %q", fc.sent)
	}
	k.now = k.now.Add(31 * time.Second)
	k.step(r)
	if len(fc.sent) != 2 || fc.sent[1] != want {
		t.Fatalf("not sent again after the retry time: %q", fc.sent)
	}
	k.healthd.block(confirmedTx("7", good))
	k.step(r)
	if !r.state.Settlements[hx(good.id)].Confirmed {
		t.Fatal("healthd's Confirmed event not applied")
	}
	k.now = k.now.Add(time.Hour / 2)
	k.step(r)
	if len(fc.sent) != 2 {
		t.Fatalf("confirmed after healthd said confirmed: %q", fc.sent)
	}
	if got := r.state.Settlements[hx(bad.id)]; got.Check != CheckMismatch || got.ConfirmSent != (time.Time{}) {
		t.Fatalf("the mismatched lock: check %q, confirm sent %v", got.Check, got.ConfirmSent)
	}
}
