package main

// Steady load during the perturbations: each sender has at most one
// transaction in flight (a 1uhealth bank send with a unique memo and a
// timeout height). A transaction counts as done only once it is in a
// block; one that is not in a block by its timeout height can never be
// (CometBFT refuses it after that height), so it is counted as expired and
// the sender sends a new one. That is the client-side contract of a chain
// whose mempools are not persisted: a kill can drop a transaction CheckTx
// accepted, never one a block holds.

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"time"

	"cosmossdk.io/math"
	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	"github.com/cosmos/cosmos-sdk/crypto/keys/secp256k1"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/bech32"
	txtypes "github.com/cosmos/cosmos-sdk/types/tx"
	signingtypes "github.com/cosmos/cosmos-sdk/types/tx/signing"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"
)

// timeoutBlocks is how many blocks after the current height a transaction
// may be included in.
const timeoutBlocks = 8

// sender is one funded account of the network.
type sender struct {
	name, addr string
	priv       *secp256k1.PrivKey
	number     uint64
	seq        uint64
	inflight   *tracked
	sent       int
}

// tracked is one transaction the harness sent.
type tracked struct {
	hash          string
	sender        string
	seq           uint64
	timeoutHeight int64
	acceptedAt    time.Time
	acceptedBy    int
	height        int64 // block height once committed
	expired       bool
	phase         string // the perturbation during which it was accepted
}

// loader sends and follows the transactions.
type loader struct {
	net     *network
	senders []*sender
	sink    string
	mu      sync.Mutex
	txs     []*tracked
	phase   string
	refused map[string]int // CheckTx refusals (not accepted), by reason
	rng     *rand.Rand
}

// exportKey reads a test-keyring key of node0's home as a private key.
func exportKey(ctx context.Context, bin, home, name string) (*secp256k1.PrivKey, string, error) {
	cmd := exec.CommandContext(ctx, bin, "keys", "export", name, "--unarmored-hex", "--unsafe", "--yes",
		"--keyring-backend", "test", "--home", home)
	cmd.Stdin = strings.NewReader("y\n")
	out, err := cmd.Output()
	if err != nil {
		return nil, "", fmt.Errorf("exporting key %s: %w", name, err)
	}
	bz, err := hex.DecodeString(strings.TrimSpace(string(out)))
	if err != nil || len(bz) != secp256k1.PrivKeySize {
		return nil, "", fmt.Errorf("key %s did not export as %d hex bytes", name, secp256k1.PrivKeySize)
	}
	priv := &secp256k1.PrivKey{Key: bz}
	addr, err := bech32.ConvertAndEncode("health", priv.PubKey().Address())
	if err != nil {
		return nil, "", err
	}
	return priv, addr, nil
}

func newLoader(ctx context.Context, n *network, senderNames []string) (*loader, error) {
	l := &loader{net: n, refused: map[string]int{}, rng: rand.New(rand.NewPCG(1, 2))}
	for _, name := range senderNames {
		priv, addr, err := exportKey(ctx, n.bin, n.home(0), name)
		if err != nil {
			return nil, err
		}
		l.senders = append(l.senders, &sender{name: name, addr: addr, priv: priv})
	}
	l.sink = l.senders[0].addr
	for _, s := range l.senders {
		if err := l.refresh(ctx, s); err != nil {
			return nil, err
		}
	}
	return l, nil
}

// liveNode returns a random node that is up, or -1.
func (l *loader) liveNode() int {
	var live []int
	for i := range l.net.nodes {
		if l.net.up(i) {
			live = append(live, i)
		}
	}
	if len(live) == 0 {
		return -1
	}
	return live[l.rng.IntN(len(live))]
}

// refresh reads a sender's account number and sequence from a live node.
func (l *loader) refresh(ctx context.Context, s *sender) error {
	i := l.liveNode()
	if i < 0 {
		return fmt.Errorf("no node is up")
	}
	var res struct {
		Info struct {
			AccountNumber string `json:"account_number"`
			Sequence      string `json:"sequence"`
		} `json:"info"`
	}
	if err := l.net.getJSON(ctx, l.net.api(i)+"/cosmos/auth/v1beta1/account_info/"+s.addr, &res); err != nil {
		return err
	}
	num, err1 := strconv.ParseUint(res.Info.AccountNumber, 10, 64)
	seq, err2 := strconv.ParseUint(res.Info.Sequence, 10, 64)
	if err1 != nil || err2 != nil {
		return fmt.Errorf("account %s: bad account info", s.name)
	}
	s.number, s.seq = num, seq
	return nil
}

// build signs a 1uhealth send from s (SIGN_MODE_DIRECT).
func (l *loader) build(s *sender, timeoutHeight int64) ([]byte, error) {
	msg, err := codectypes.NewAnyWithValue(&banktypes.MsgSend{FromAddress: s.addr, ToAddress: l.sink,
		Amount: sdk.NewCoins(sdk.NewCoin("uhealth", math.NewInt(1)))})
	if err != nil {
		return nil, err
	}
	body := &txtypes.TxBody{Messages: []*codectypes.Any{msg}, Memo: fmt.Sprintf("chaos %s %d", s.name, s.sent),
		TimeoutHeight: uint64(timeoutHeight)}
	pk, err := codectypes.NewAnyWithValue(s.priv.PubKey())
	if err != nil {
		return nil, err
	}
	auth := &txtypes.AuthInfo{
		SignerInfos: []*txtypes.SignerInfo{{PublicKey: pk, Sequence: s.seq, ModeInfo: &txtypes.ModeInfo{
			Sum: &txtypes.ModeInfo_Single_{Single: &txtypes.ModeInfo_Single{Mode: signingtypes.SignMode_SIGN_MODE_DIRECT}}}}},
		Fee: &txtypes.Fee{GasLimit: 200_000},
	}
	bodyBz, err := body.Marshal()
	if err != nil {
		return nil, err
	}
	authBz, err := auth.Marshal()
	if err != nil {
		return nil, err
	}
	doc := &txtypes.SignDoc{BodyBytes: bodyBz, AuthInfoBytes: authBz, ChainId: l.net.chainID, AccountNumber: s.number}
	docBz, err := doc.Marshal()
	if err != nil {
		return nil, err
	}
	sig, err := s.priv.Sign(docBz)
	if err != nil {
		return nil, err
	}
	return (&txtypes.TxRaw{BodyBytes: bodyBz, AuthInfoBytes: authBz, Signatures: [][]byte{sig}}).Marshal()
}

// broadcast sends tx to node i's CheckTx: accepted, or the reason not.
func (l *loader) broadcast(ctx context.Context, i int, tx []byte) (bool, uint32, string) {
	body, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": 1, "method": "broadcast_tx_sync",
		"params": map[string]string{"tx": base64.StdEncoding.EncodeToString(tx)}})
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, l.net.rpc(i), bytes.NewReader(body))
	if err != nil {
		return false, 0, err.Error()
	}
	resp, err := l.net.hc.Do(req)
	if err != nil {
		return false, 0, "node unreachable"
	}
	defer resp.Body.Close()
	bz, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	var out struct {
		Result *struct {
			Code      uint32 `json:"code"`
			Codespace string `json:"codespace"`
			Log       string `json:"log"`
		} `json:"result"`
		Error *struct {
			Message string `json:"message"`
			Data    string `json:"data"`
		} `json:"error"`
	}
	if err := json.Unmarshal(bz, &out); err != nil {
		return false, 0, "bad answer"
	}
	if out.Error != nil {
		return false, 0, firstWords(out.Error.Data + " " + out.Error.Message)
	}
	if out.Result == nil {
		return false, 0, "empty answer"
	}
	if out.Result.Code != 0 {
		return false, out.Result.Code, fmt.Sprintf("%s/%d", out.Result.Codespace, out.Result.Code)
	}
	return true, 0, ""
}

func firstWords(s string) string {
	s = strings.TrimSpace(s)
	if len(s) > 60 {
		s = s[:60]
	}
	return s
}

// committedAt asks node i whether the transaction is in a block.
func (l *loader) committedAt(ctx context.Context, i int, hash string) (int64, bool) {
	var res struct {
		Result *struct {
			Height string `json:"height"`
		} `json:"result"`
	}
	if err := l.net.getJSON(ctx, fmt.Sprintf("%s/tx?hash=0x%s", l.net.rpc(i), hash), &res); err != nil || res.Result == nil {
		return 0, false
	}
	h, err := strconv.ParseInt(res.Result.Height, 10, 64)
	return h, err == nil
}

// step advances each sender once: follow its transaction in flight, or
// send the next one.
func (l *loader) step(ctx context.Context) {
	height := l.net.maxHeight(ctx)
	for _, s := range l.senders {
		if t := s.inflight; t != nil {
			i := l.liveNode()
			if i < 0 {
				return
			}
			if h, ok := l.committedAt(ctx, i, t.hash); ok {
				l.mu.Lock()
				t.height = h
				l.mu.Unlock()
				s.inflight = nil
				s.seq++
				continue
			}
			if height > t.timeoutHeight {
				// Past its timeout height and in no block on this node; ask
				// every live node before declaring it expired.
				for j := range l.net.nodes {
					if l.net.up(j) {
						if h, ok := l.committedAt(ctx, j, t.hash); ok {
							l.mu.Lock()
							t.height = h
							l.mu.Unlock()
							s.inflight = nil
							s.seq++
							break
						}
					}
				}
				if s.inflight == nil {
					continue
				}
				l.mu.Lock()
				t.expired = true
				l.mu.Unlock()
				s.inflight = nil
				_ = l.refresh(ctx, s) // the sequence did not move
			}
			continue
		}
		if height == 0 {
			return
		}
		i := l.liveNode()
		if i < 0 {
			return
		}
		tx, err := l.build(s, height+timeoutBlocks)
		if err != nil {
			l.note("build: " + err.Error())
			continue
		}
		s.sent++
		ok, code, reason := l.broadcast(ctx, i, tx)
		if !ok {
			l.note(reason)
			if code == 32 { // sequence mismatch: read it again
				_ = l.refresh(ctx, s)
			}
			continue
		}
		sum := sha256.Sum256(tx)
		t := &tracked{hash: strings.ToUpper(hex.EncodeToString(sum[:])), sender: s.name, seq: s.seq,
			timeoutHeight: height + timeoutBlocks, acceptedAt: time.Now(), acceptedBy: i}
		l.mu.Lock()
		t.phase = l.phase
		l.txs = append(l.txs, t)
		l.mu.Unlock()
		s.inflight = t
	}
}

func (l *loader) note(reason string) {
	l.mu.Lock()
	l.refused[reason]++
	l.mu.Unlock()
}

// run steps every interval until ctx ends.
func (l *loader) run(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			l.step(ctx)
		}
	}
}

func (l *loader) setPhase(p string) {
	l.mu.Lock()
	l.phase = p
	l.mu.Unlock()
}

// settle follows every transaction in flight until it is committed or
// expired (bounded by timeout).
func (l *loader) settle(ctx context.Context, timeout time.Duration) {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		busy := false
		for _, s := range l.senders {
			if s.inflight != nil {
				busy = true
			}
		}
		if !busy {
			return
		}
		// Only follow: no new sends.
		height := l.net.maxHeight(ctx)
		for _, s := range l.senders {
			t := s.inflight
			if t == nil {
				continue
			}
			if i := l.liveNode(); i >= 0 {
				if h, ok := l.committedAt(ctx, i, t.hash); ok {
					l.mu.Lock()
					t.height = h
					l.mu.Unlock()
					s.inflight = nil
					s.seq++
					continue
				}
			}
			if height > t.timeoutHeight {
				l.mu.Lock()
				t.expired = true
				l.mu.Unlock()
				s.inflight = nil
				_ = l.refresh(ctx, s)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(300 * time.Millisecond):
		}
	}
}
