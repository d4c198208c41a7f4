package htlc

import (
	"context"
	"crypto/ecdsa"
	"crypto/sha256"
	"errors"
	"math/big"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/eth/ethconfig"
	"github.com/ethereum/go-ethereum/ethclient/simulated"
	"github.com/ethereum/go-ethereum/node"
	"github.com/ethereum/go-ethereum/params"
	"github.com/ethereum/go-ethereum/rpc"
)

// sendGas is the gas limit of every transaction after deployment. Transactions are
// sent without estimation: estimation runs on the latest block's timestamp, not the
// next one's, so it would refuse a refund meant to be mined at the deadline, and it
// would refuse the calls the tests want to see mined and failed.
const sendGas = 3_000_000

// amount is what the payer locks in each test: 1,250.00 of a 6-decimal token.
var amount = big.NewInt(1_250_000_000)

// party is an Ethereum account of the tests, named by its role in a settlement.
type party struct {
	key  *ecdsa.PrivateKey
	addr common.Address
	opts *bind.TransactOpts
}

// kit is one simulated chain with the HTLC and a token deployed, and the parties:
// payer (locks and refunds), provider (the receiver), relay (carries preimages) and
// stranger (nobody in the deal).
type kit struct {
	t       *testing.T
	ctx     context.Context
	sim     *simulated.Backend
	client  simulated.Client
	htlc    *HashedTimelockERC20
	htlcC   *bind.BoundContract
	htlcAt  common.Address
	erc20   *TestToken // ABI of the token calls (approve, balanceOf, mint) of every token here
	token   *bind.BoundContract
	tokenAt common.Address

	payer, provider, relay, stranger party
}

func newParty(t *testing.T) party {
	t.Helper()
	key, err := crypto.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	opts := bind.NewKeyedTransactor(key, big.NewInt(1337)) // the simulated backend's chain id
	return party{key: key, addr: crypto.PubkeyToAddress(key.PublicKey), opts: opts}
}

// osaka is the simulated backend's chain configuration stopped at Osaka, the fork
// Ethereum mainnet runs and the newest a permissioned network is likely to. Without
// it, go-ethereum v1.17's dev chain runs every scheduled fork (Amsterdam, Bogota),
// whose state-growth gas (EIP-8037) prices new storage several times higher.
func osaka() *params.ChainConfig {
	c := *params.AllDevChainProtocolChanges
	c.AmsterdamTime, c.BogotaTime = nil, nil
	return &c
}

// newKit starts a simulated chain on Osaka; see newKitOn.
func newKit(t *testing.T) *kit {
	t.Helper()
	return newKitOn(t, osaka())
}

// newKitOn starts a simulated chain with the chain configuration cfg (nil: the
// simulated backend's own, every fork go-ethereum knows) whose block times the test
// controls: one jump an hour ahead of the wall clock, after which every block is its
// parent plus one second.
func newKitOn(t *testing.T, cfg *params.ChainConfig) *kit {
	t.Helper()
	k := &kit{t: t, ctx: context.Background(), htlc: NewHashedTimelockERC20(), erc20: NewTestToken()}
	k.payer, k.provider, k.relay, k.stranger = newParty(t), newParty(t), newParty(t), newParty(t)
	eth := new(big.Int).Exp(big.NewInt(10), big.NewInt(18), nil)
	alloc := types.GenesisAlloc{}
	for _, p := range []party{k.payer, k.provider, k.relay, k.stranger} {
		alloc[p.addr] = types.Account{Balance: new(big.Int).Mul(big.NewInt(100), eth)}
	}
	k.sim = simulated.NewBackend(alloc, func(_ *node.Config, ec *ethconfig.Config) {
		if cfg != nil {
			ec.Genesis.Config = cfg
		}
	})
	t.Cleanup(func() { _ = k.sim.Close() })
	k.client = k.sim.Client()
	if err := k.sim.AdjustTime(time.Hour); err != nil {
		t.Fatal(err)
	}

	k.htlcAt = k.deploy(k.payer, HashedTimelockERC20MetaData.Bin, nil)
	k.htlcC = k.htlc.Instance(k.client, k.htlcAt)
	k.tokenAt = k.deploy(k.payer, TestTokenMetaData.Bin, k.erc20.PackConstructor("Test Dollar", "TUSD"))
	k.token = k.erc20.Instance(k.client, k.tokenAt)
	k.fund(k.token, k.payer, new(big.Int).Mul(amount, big.NewInt(10)))
	return k
}

func (k *kit) deploy(from party, bin string, ctor []byte) common.Address {
	k.t.Helper()
	addr, tx, err := bind.DeployContract(from.opts, common.FromHex(bin), k.client, ctor)
	if err != nil {
		k.t.Fatalf("deploy: %v", err)
	}
	k.sim.Commit()
	k.receipt(tx.Hash(), types.ReceiptStatusSuccessful)
	return addr
}

// fund mints tokens for p and approves the HTLC for all of them.
func (k *kit) fund(token *bind.BoundContract, p party, n *big.Int) {
	k.t.Helper()
	k.send(token, p, k.erc20.PackMint(p.addr, n))
	k.send(token, p, k.erc20.PackApprove(k.htlcAt, n))
}

func (k *kit) head() *types.Header {
	k.t.Helper()
	h, err := k.client.HeaderByNumber(k.ctx, nil)
	if err != nil {
		k.t.Fatal(err)
	}
	return h
}

// nextBlockAt mines empty blocks so that the next block's timestamp is ts.
func (k *kit) nextBlockAt(ts uint64) {
	k.t.Helper()
	now := k.head().Time
	if ts <= now+1 {
		if ts == now+1 {
			return
		}
		k.t.Fatalf("next block at %d asked, head is already at %d", ts, now)
	}
	if err := k.sim.AdjustTime(time.Duration(ts-1-now) * time.Second); err != nil {
		k.t.Fatal(err)
	}
	if got := k.head().Time; got != ts-1 {
		k.t.Fatalf("head at %d, want %d", got, ts-1)
	}
}

func (k *kit) receipt(hash common.Hash, status uint64) *types.Receipt {
	k.t.Helper()
	r, err := k.client.TransactionReceipt(k.ctx, hash)
	if err != nil {
		k.t.Fatalf("receipt: %v", err)
	}
	if r.Status != status {
		k.t.Fatalf("tx status %d, want %d", r.Status, status)
	}
	return r
}

// send mines data sent by from to c in a block of its own and wants it to succeed.
func (k *kit) send(c *bind.BoundContract, from party, data []byte) *types.Receipt {
	k.t.Helper()
	opts := *from.opts
	opts.GasLimit = sendGas
	tx, err := bind.Transact(c, &opts, data)
	if err != nil {
		k.t.Fatalf("transact: %v", err)
	}
	k.sim.Commit()
	return k.receipt(tx.Hash(), types.ReceiptStatusSuccessful)
}

// refused mines data sent by from to the HTLC in a block of its own, wants it to
// revert, and wants the revert to be the custom error wantID. The reason is read by
// replaying the call on the block it failed in: a reverted transaction leaves that
// block's state as it was before it, and the call sees that block's timestamp.
func (k *kit) refused(from party, data []byte, wantID common.Hash) {
	k.t.Helper()
	opts := *from.opts
	opts.GasLimit = sendGas
	tx, err := bind.Transact(k.htlcC, &opts, data)
	if err != nil {
		k.t.Fatalf("transact: %v", err)
	}
	k.sim.Commit()
	r := k.receipt(tx.Hash(), types.ReceiptStatusFailed)
	_, err = k.client.CallContract(k.ctx, ethereum.CallMsg{From: from.addr, To: &k.htlcAt, Data: data, Gas: sendGas}, r.BlockNumber)
	var de rpc.DataError
	if !errors.As(err, &de) {
		k.t.Fatalf("replay: want a revert with data, got %v", err)
	}
	hexData, _ := de.ErrorData().(string)
	raw := common.FromHex(hexData)
	if len(raw) < 4 {
		k.t.Fatalf("reverted without an error (%v), want error id %x", err, wantID[:4])
	}
	if common.BytesToHash(raw[:4]) != common.BytesToHash(wantID[:4]) {
		reason, uerr := k.htlc.UnpackError(raw)
		k.t.Fatalf("reverted with %x (%T %+v, %v), want error id %x", raw, reason, reason, uerr, wantID[:4])
	}
}

func (k *kit) balance(token *bind.BoundContract, who common.Address) *big.Int {
	k.t.Helper()
	b, err := bind.Call(token, nil, k.erc20.PackBalanceOf(who), k.erc20.UnpackBalanceOf)
	if err != nil {
		k.t.Fatal(err)
	}
	return b
}

func (k *kit) getLock(id [32]byte) HashedTimelockERC20Lock {
	k.t.Helper()
	l, err := bind.Call(k.htlcC, nil, k.htlc.PackGetLock(id), k.htlc.UnpackGetLock)
	if err != nil {
		k.t.Fatal(err)
	}
	return l
}

// lock locks amount of token for the provider under sha256(preimage), open for ttl
// seconds after the block it is mined in, and returns the lock id, the timelock and
// the receipt.
func (k *kit) lock(token common.Address, preimage [32]byte, ttl uint64) ([32]byte, uint64, *types.Receipt) {
	k.t.Helper()
	timelock := k.head().Time + 1 + ttl
	r := k.send(k.htlcC, k.payer, k.htlc.PackLock(token, k.provider.addr, amount, sha256.Sum256(preimage[:]), timelock))
	for _, l := range r.Logs {
		if ev, err := k.htlc.UnpackLockedEvent(l); err == nil {
			return ev.LockId, timelock, r
		}
	}
	k.t.Fatal("no Locked event")
	return [32]byte{}, 0, nil
}

// balances is a snapshot of who holds the token, to check that refused calls move nothing.
func (k *kit) balances(token *bind.BoundContract) map[common.Address]string {
	k.t.Helper()
	out := map[common.Address]string{}
	for _, a := range []common.Address{k.payer.addr, k.provider.addr, k.relay.addr, k.stranger.addr, k.htlcAt} {
		out[a] = k.balance(token, a).String()
	}
	return out
}

func (k *kit) sameBalances(token *bind.BoundContract, before map[common.Address]string) {
	k.t.Helper()
	after := k.balances(token)
	for a, b := range before {
		if after[a] != b {
			k.t.Fatalf("balance of %s moved: %s -> %s", a, b, after[a])
		}
	}
}

func (k *kit) wantState(id [32]byte, want uint8) {
	k.t.Helper()
	if got := k.getLock(id).State; got != want {
		k.t.Fatalf("lock state %d, want %d", got, want)
	}
}

// Lock states as the contract numbers them.
const (
	stateNone uint8 = iota
	stateOpen
	stateWithdrawn
	stateRefunded
)

func preimageOf(s string) [32]byte { return sha256.Sum256([]byte("test preimage " + s)) }

// TestLockThenWithdrawPaysReceiver follows the settlement path: the payer locks, the
// relay (not the provider) carries the preimage, the provider is paid, and the events
// carry what the relay and healthd need: the lock found by its hashlock, the preimage
// in Withdrawn.
func TestLockThenWithdrawPaysReceiver(t *testing.T) {
	k := newKit(t)
	preimage := preimageOf("claim-1")
	hash := sha256.Sum256(preimage[:])
	payerBefore := k.balance(k.token, k.payer.addr)

	id, timelock, lr := k.lock(k.tokenAt, preimage, 3600)
	var ev *HashedTimelockERC20Locked
	for _, lg := range lr.Logs {
		if e, err := k.htlc.UnpackLockedEvent(lg); err == nil {
			ev = e
		}
	}
	if ev == nil || ev.LockId != id || ev.Hashlock != hash || ev.Receiver != k.provider.addr || ev.Sender != k.payer.addr ||
		ev.Token != k.tokenAt || ev.Amount.Cmp(amount) != 0 || ev.Timelock != timelock {
		t.Fatalf("Locked event %+v", ev)
	}
	if got := k.balance(k.token, k.htlcAt); got.Cmp(amount) != 0 {
		t.Fatalf("HTLC holds %s, want %s", got, amount)
	}
	l := k.getLock(id)
	if l.State != stateOpen || l.Sender != k.payer.addr || l.Receiver != k.provider.addr || l.Hashlock != hash || l.Timelock != timelock {
		t.Fatalf("lock %+v", l)
	}

	// What the relay does once healthd reveals the preimage: find the lock by hashlock.
	it, err := bind.FilterEvents(k.htlcC, &bind.FilterOpts{Start: 0}, k.htlc.UnpackLockedEvent, nil, []any{hash})
	if err != nil {
		t.Fatal(err)
	}
	var found [][32]byte
	for it.Next() {
		found = append(found, it.Value().LockId)
	}
	if err := it.Error(); err != nil {
		t.Fatal(err)
	}
	_ = it.Close()
	if len(found) != 1 || found[0] != id {
		t.Fatalf("locks under the hashlock: %x, want [%x]", found, id)
	}

	wr := k.send(k.htlcC, k.relay, k.htlc.PackWithdraw(id, preimage))
	var wev *HashedTimelockERC20Withdrawn
	for _, lg := range wr.Logs {
		if e, err := k.htlc.UnpackWithdrawnEvent(lg); err == nil {
			wev = e
		}
	}
	if wev == nil || wev.LockId != id || wev.Hashlock != hash || wev.Preimage != preimage ||
		wev.Receiver != k.provider.addr || wev.Token != k.tokenAt || wev.Amount.Cmp(amount) != 0 {
		t.Fatalf("Withdrawn event %+v", wev)
	}
	if got := k.balance(k.token, k.provider.addr); got.Cmp(amount) != 0 {
		t.Fatalf("provider has %s, want %s", got, amount)
	}
	if got := k.balance(k.token, k.relay.addr); got.Sign() != 0 {
		t.Fatalf("relay has %s, want 0", got)
	}
	if got := k.balance(k.token, k.htlcAt); got.Sign() != 0 {
		t.Fatalf("HTLC holds %s after withdraw", got)
	}
	if want := new(big.Int).Sub(payerBefore, amount); k.balance(k.token, k.payer.addr).Cmp(want) != 0 {
		t.Fatalf("payer has %s, want %s", k.balance(k.token, k.payer.addr), want)
	}
	k.wantState(id, stateWithdrawn)
}

// TestWithdrawRefused: a wrong preimage, at or after the deadline, a second time, an
// unknown id, a refunded lock: each refused, nothing moves, the lock keeps its state.
// The edge: a withdraw mined one second before the timelock pays.
func TestWithdrawRefused(t *testing.T) {
	k := newKit(t)
	preimage := preimageOf("claim")

	t.Run("wrong preimage", func(t *testing.T) {
		k.t = t
		id, _, _ := k.lock(k.tokenAt, preimage, 3600)
		before := k.balances(k.token)
		wrong := preimage
		wrong[31] ^= 1
		k.refused(k.relay, k.htlc.PackWithdraw(id, wrong), HashedTimelockERC20WrongPreimageErrorID())
		k.refused(k.provider, k.htlc.PackWithdraw(id, [32]byte{}), HashedTimelockERC20WrongPreimageErrorID())
		// The hashlock itself is not the preimage.
		k.refused(k.provider, k.htlc.PackWithdraw(id, sha256.Sum256(preimage[:])), HashedTimelockERC20WrongPreimageErrorID())
		k.sameBalances(k.token, before)
		k.wantState(id, stateOpen)
	})
	t.Run("at the deadline", func(t *testing.T) {
		k.t = t
		id, timelock, _ := k.lock(k.tokenAt, preimage, 600)
		before := k.balances(k.token)
		k.nextBlockAt(timelock)
		k.refused(k.relay, k.htlc.PackWithdraw(id, preimage), HashedTimelockERC20ExpiredErrorID())
		k.refused(k.provider, k.htlc.PackWithdraw(id, preimage), HashedTimelockERC20ExpiredErrorID())
		if err := k.sim.AdjustTime(24 * time.Hour); err != nil {
			t.Fatal(err)
		}
		k.refused(k.provider, k.htlc.PackWithdraw(id, preimage), HashedTimelockERC20ExpiredErrorID())
		k.sameBalances(k.token, before)
		k.wantState(id, stateOpen)
	})
	t.Run("one second before the deadline pays", func(t *testing.T) {
		k.t = t
		id, timelock, _ := k.lock(k.tokenAt, preimage, 600)
		k.nextBlockAt(timelock - 1)
		k.send(k.htlcC, k.relay, k.htlc.PackWithdraw(id, preimage))
		k.wantState(id, stateWithdrawn)
	})
	t.Run("twice", func(t *testing.T) {
		k.t = t
		id, _, _ := k.lock(k.tokenAt, preimage, 3600)
		k.send(k.htlcC, k.relay, k.htlc.PackWithdraw(id, preimage))
		before := k.balances(k.token)
		k.refused(k.relay, k.htlc.PackWithdraw(id, preimage), HashedTimelockERC20NotOpenErrorID())
		k.refused(k.provider, k.htlc.PackWithdraw(id, preimage), HashedTimelockERC20NotOpenErrorID())
		k.sameBalances(k.token, before)
		k.wantState(id, stateWithdrawn)
	})
	t.Run("unknown lock", func(t *testing.T) {
		k.t = t
		before := k.balances(k.token)
		k.refused(k.relay, k.htlc.PackWithdraw(sha256.Sum256([]byte("no such lock")), preimage), HashedTimelockERC20UnknownLockErrorID())
		k.sameBalances(k.token, before)
	})
	t.Run("after refund", func(t *testing.T) {
		k.t = t
		id, timelock, _ := k.lock(k.tokenAt, preimage, 600)
		k.nextBlockAt(timelock)
		k.send(k.htlcC, k.payer, k.htlc.PackRefund(id))
		before := k.balances(k.token)
		k.refused(k.relay, k.htlc.PackWithdraw(id, preimage), HashedTimelockERC20NotOpenErrorID())
		k.sameBalances(k.token, before)
		k.wantState(id, stateRefunded)
	})
}

// TestRefundRefused: before the deadline (the last second included), by a stranger,
// the receiver or the relay, a second time, after a withdraw: each refused.
func TestRefundRefused(t *testing.T) {
	k := newKit(t)
	preimage := preimageOf("claim")

	t.Run("before the deadline", func(t *testing.T) {
		k.t = t
		id, timelock, _ := k.lock(k.tokenAt, preimage, 600)
		before := k.balances(k.token)
		k.refused(k.payer, k.htlc.PackRefund(id), HashedTimelockERC20NotExpiredErrorID())
		k.nextBlockAt(timelock - 1)
		k.refused(k.payer, k.htlc.PackRefund(id), HashedTimelockERC20NotExpiredErrorID())
		k.sameBalances(k.token, before)
		k.wantState(id, stateOpen)
	})
	t.Run("by anyone but the sender", func(t *testing.T) {
		k.t = t
		id, timelock, _ := k.lock(k.tokenAt, preimage, 600)
		before := k.balances(k.token)
		// Before the deadline too: the sender check comes first.
		k.refused(k.stranger, k.htlc.PackRefund(id), HashedTimelockERC20NotSenderErrorID())
		k.nextBlockAt(timelock + 10)
		for _, p := range []party{k.stranger, k.provider, k.relay} {
			k.refused(p, k.htlc.PackRefund(id), HashedTimelockERC20NotSenderErrorID())
		}
		k.sameBalances(k.token, before)
		k.wantState(id, stateOpen)
	})
	t.Run("twice", func(t *testing.T) {
		k.t = t
		id, timelock, _ := k.lock(k.tokenAt, preimage, 600)
		k.nextBlockAt(timelock)
		k.send(k.htlcC, k.payer, k.htlc.PackRefund(id))
		before := k.balances(k.token)
		k.refused(k.payer, k.htlc.PackRefund(id), HashedTimelockERC20NotOpenErrorID())
		k.refused(k.payer, k.htlc.PackRefund(id), HashedTimelockERC20NotOpenErrorID())
		k.sameBalances(k.token, before)
		k.wantState(id, stateRefunded)
	})
	t.Run("after withdraw", func(t *testing.T) {
		k.t = t
		id, timelock, _ := k.lock(k.tokenAt, preimage, 600)
		k.send(k.htlcC, k.relay, k.htlc.PackWithdraw(id, preimage))
		k.nextBlockAt(timelock + 1)
		before := k.balances(k.token)
		k.refused(k.payer, k.htlc.PackRefund(id), HashedTimelockERC20NotOpenErrorID())
		k.sameBalances(k.token, before)
		k.wantState(id, stateWithdrawn)
	})
	t.Run("unknown lock", func(t *testing.T) {
		k.t = t
		k.refused(k.payer, k.htlc.PackRefund(sha256.Sum256([]byte("no such lock"))), HashedTimelockERC20UnknownLockErrorID())
	})
}

// TestRefundAfterDeadlinePaysSender: a refund mined exactly at the timelock pays the
// payer back in full, with a Refunded event.
func TestRefundAfterDeadlinePaysSender(t *testing.T) {
	k := newKit(t)
	payerBefore := k.balance(k.token, k.payer.addr)
	id, timelock, _ := k.lock(k.tokenAt, preimageOf("denied claim"), 600)
	k.nextBlockAt(timelock)
	r := k.send(k.htlcC, k.payer, k.htlc.PackRefund(id))
	var ev *HashedTimelockERC20Refunded
	for _, lg := range r.Logs {
		if e, err := k.htlc.UnpackRefundedEvent(lg); err == nil {
			ev = e
		}
	}
	hash := preimageOf("denied claim")
	hash = sha256.Sum256(hash[:])
	if ev == nil || ev.LockId != id || ev.Hashlock != hash || ev.Sender != k.payer.addr || ev.Token != k.tokenAt || ev.Amount.Cmp(amount) != 0 {
		t.Fatalf("Refunded event %+v", ev)
	}
	if got := k.balance(k.token, k.payer.addr); got.Cmp(payerBefore) != 0 {
		t.Fatalf("payer has %s, want %s back", got, payerBefore)
	}
	if got := k.balance(k.token, k.htlcAt); got.Sign() != 0 {
		t.Fatalf("HTLC holds %s after refund", got)
	}
	k.wantState(id, stateRefunded)
}

// TestGas records the gas (receipts' gasUsed, the whole transaction) of lock,
// withdraw and refund with TestToken, on Osaka and on go-ethereum v1.17's dev chain
// (every fork it knows, what `geth --dev` runs). The payer's first lock also pays
// for its nonce slot going from zero to one. evm/README.md quotes these figures.
func TestGas(t *testing.T) {
	for _, fork := range []struct {
		name string
		cfg  *params.ChainConfig
	}{{"osaka", osaka()}, {"geth-dev", nil}} {
		t.Run(fork.name, func(t *testing.T) {
			k := newKitOn(t, fork.cfg)
			preimage := preimageOf("paid")
			id, _, first := k.lock(k.tokenAt, preimage, 3600)
			id2, timelock, later := k.lock(k.tokenAt, preimageOf("refunded"), 3600)
			withdraw := k.send(k.htlcC, k.relay, k.htlc.PackWithdraw(id, preimage))
			k.nextBlockAt(timelock)
			refund := k.send(k.htlcC, k.payer, k.htlc.PackRefund(id2))
			t.Logf("gas on %s: lock %d (payer's first), lock %d (later), withdraw %d, refund %d",
				fork.name, first.GasUsed, later.GasUsed, withdraw.GasUsed, refund.GasUsed)
		})
	}
}

// TestIdenticalLocksDiffer: the same payer locking the same amount for the same
// receiver under the same hash and deadline twice gets two locks, each withdrawable.
func TestIdenticalLocksDiffer(t *testing.T) {
	k := newKit(t)
	preimage := preimageOf("same")
	timelock := k.head().Time + 3600
	data := k.htlc.PackLock(k.tokenAt, k.provider.addr, amount, sha256.Sum256(preimage[:]), timelock)
	var ids [][32]byte
	for range 2 {
		r := k.send(k.htlcC, k.payer, data)
		for _, lg := range r.Logs {
			if ev, err := k.htlc.UnpackLockedEvent(lg); err == nil {
				ids = append(ids, ev.LockId)
			}
		}
	}
	if len(ids) != 2 || ids[0] == ids[1] {
		t.Fatalf("lock ids %x", ids)
	}
	for _, id := range ids {
		k.send(k.htlcC, k.relay, k.htlc.PackWithdraw(id, preimage))
	}
	if want := new(big.Int).Mul(amount, big.NewInt(2)); k.balance(k.token, k.provider.addr).Cmp(want) != 0 {
		t.Fatalf("provider has %s, want %s", k.balance(k.token, k.provider.addr), want)
	}
}

// TestLockRefused: no receiver, no amount, a deadline not in the future, a token
// address without code, no allowance, a token that delivers less than asked.
func TestLockRefused(t *testing.T) {
	k := newKit(t)
	hash := sha256.Sum256([]byte("x"))
	later := func() uint64 { return k.head().Time + 3600 }
	hook := k.deploy(k.payer, HookTokenMetaData.Bin, nil)
	hookC := NewHookToken().Instance(k.client, hook)
	k.fund(hookC, k.payer, amount)
	k.send(hookC, k.payer, NewHookToken().PackSetFee(big.NewInt(1)))

	cases := []struct {
		name string
		data func() []byte
		want common.Hash
	}{
		{"zero receiver", func() []byte {
			return k.htlc.PackLock(k.tokenAt, common.Address{}, amount, hash, later())
		}, HashedTimelockERC20ZeroReceiverErrorID()},
		{"zero amount", func() []byte {
			return k.htlc.PackLock(k.tokenAt, k.provider.addr, new(big.Int), hash, later())
		}, HashedTimelockERC20ZeroAmountErrorID()},
		{"deadline is the block's own time", func() []byte {
			return k.htlc.PackLock(k.tokenAt, k.provider.addr, amount, hash, k.head().Time+1)
		}, HashedTimelockERC20TimelockNotInFutureErrorID()},
		{"deadline in the past", func() []byte {
			return k.htlc.PackLock(k.tokenAt, k.provider.addr, amount, hash, k.head().Time-100)
		}, HashedTimelockERC20TimelockNotInFutureErrorID()},
		{"token without code", func() []byte {
			return k.htlc.PackLock(k.stranger.addr, k.provider.addr, amount, hash, later())
		}, HashedTimelockERC20NotAContractErrorID()},
		{"more than approved", func() []byte {
			return k.htlc.PackLock(k.tokenAt, k.provider.addr, new(big.Int).Mul(amount, big.NewInt(11)), hash, later())
		}, HashedTimelockERC20TokenCallFailedErrorID()},
		{"fee on transfer", func() []byte {
			return k.htlc.PackLock(hook, k.provider.addr, amount, hash, later())
		}, HashedTimelockERC20AmountNotReceivedErrorID()},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			k.t = t
			before := k.balances(k.token)
			k.refused(k.payer, tc.data(), tc.want)
			k.sameBalances(k.token, before)
		})
	}
	k.t = t
	nonce, err := bind.Call(k.htlcC, nil, k.htlc.PackNonces(k.payer.addr), k.htlc.UnpackNonces)
	if err != nil || nonce.Sign() != 0 {
		t.Fatalf("payer's nonce %v (%v) after refused locks, want 0", nonce, err)
	}
}

// TestNoBoolTokenWorks: a token whose transfer and transferFrom return nothing locks,
// pays out and refunds.
func TestNoBoolTokenWorks(t *testing.T) {
	k := newKit(t)
	nb := NewNoBoolToken()
	at := k.deploy(k.payer, NoBoolTokenMetaData.Bin, nil)
	c := nb.Instance(k.client, at)
	k.send(c, k.payer, nb.PackMint(k.payer.addr, new(big.Int).Mul(amount, big.NewInt(2))))
	k.send(c, k.payer, nb.PackApprove(k.htlcAt, new(big.Int).Mul(amount, big.NewInt(2))))

	preimage := preimageOf("no bool")
	id, _, _ := k.lock(at, preimage, 3600)
	k.send(k.htlcC, k.relay, k.htlc.PackWithdraw(id, preimage))
	if got := k.balance(c, k.provider.addr); got.Cmp(amount) != 0 {
		t.Fatalf("provider has %s, want %s", got, amount)
	}

	id2, timelock, _ := k.lock(at, preimageOf("no bool refund"), 600)
	k.nextBlockAt(timelock)
	k.send(k.htlcC, k.payer, k.htlc.PackRefund(id2))
	if got := k.balance(c, k.payer.addr); got.Cmp(amount) != 0 {
		t.Fatalf("payer has %s, want %s", got, amount)
	}
	if got := k.balance(c, k.htlcAt); got.Sign() != 0 {
		t.Fatalf("HTLC holds %s", got)
	}
}

// TestReentryRefused: a token that calls back into the HTLC while it pays out (a
// withdraw of another open lock) is refused with Reentrant; the outer withdraw pays
// once and the other lock stays open.
func TestReentryRefused(t *testing.T) {
	k := newKit(t)
	ht := NewHookToken()
	at := k.deploy(k.payer, HookTokenMetaData.Bin, nil)
	c := ht.Instance(k.client, at)
	k.fund(c, k.payer, new(big.Int).Mul(amount, big.NewInt(2)))

	preimage := preimageOf("hostile")
	id, _, _ := k.lock(at, preimage, 3600)
	id2, _, _ := k.lock(at, preimage, 3600)
	// The hook withdraws the other lock: open, right preimage, so only the guard
	// stops it (re-entering the same lock would already meet NotOpen).
	k.send(c, k.payer, ht.PackSetHook(k.htlcAt, k.htlc.PackWithdraw(id2, preimage)))
	k.send(k.htlcC, k.relay, k.htlc.PackWithdraw(id, preimage))
	called, err := bind.Call(c, nil, ht.PackHookCalled(), ht.UnpackHookCalled)
	if err != nil || !called {
		t.Fatalf("hook called %v (%v)", called, err)
	}
	ok, err := bind.Call(c, nil, ht.PackHookOK(), ht.UnpackHookOK)
	if err != nil || ok {
		t.Fatalf("re-entrant withdraw succeeded (%v)", err)
	}
	result, err := bind.Call(c, nil, ht.PackHookResult(), ht.UnpackHookResult)
	if err != nil || len(result) < 4 || common.BytesToHash(result[:4]) != common.BytesToHash(HashedTimelockERC20ReentrantErrorID().Bytes()[:4]) {
		t.Fatalf("re-entry reverted with %x (%v), want Reentrant", result, err)
	}
	if got := k.balance(c, k.provider.addr); got.Cmp(amount) != 0 {
		t.Fatalf("provider has %s, want %s (paid once)", got, amount)
	}
	k.wantState(id, stateWithdrawn)
	k.wantState(id2, stateOpen)
}
