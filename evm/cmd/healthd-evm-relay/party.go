package main

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/healthchain/healthd/evm/htlc"
	"github.com/healthchain/healthd/evm/internal/ethtx"
	"github.com/healthchain/healthd/evm/relay"
)

// partyFlags are the flags every party command shares.
type partyFlags struct {
	ethRPC, htlcAddr, deployFile, keystore, passwordFile *string
}

func addPartyFlags(fs *flag.FlagSet, needKey bool) partyFlags {
	p := partyFlags{
		ethRPC:     fs.String("eth-rpc", "http://127.0.0.1:8545", "the Ethereum node's JSON-RPC"),
		htlcAddr:   fs.String("htlc", "", "the HashedTimelockERC20 contract's address (or --deployment)"),
		deployFile: fs.String("deployment", "", "a deployment JSON written by healthd-evm-deploy"),
	}
	if needKey {
		p.keystore = fs.String("keystore", "", "your go-ethereum keystore file")
		p.passwordFile = fs.String("password-file", "", "file whose first line is the keystore's password")
	}
	return p
}

func (p partyFlags) deployment() (deployment, error) {
	var dep deployment
	if *p.deployFile != "" {
		bz, err := os.ReadFile(*p.deployFile)
		if err != nil {
			return dep, err
		}
		if err := json.Unmarshal(bz, &dep); err != nil {
			return dep, fmt.Errorf("%s: %w", *p.deployFile, err)
		}
	}
	if *p.htlcAddr != "" {
		if !common.IsHexAddress(*p.htlcAddr) {
			return dep, fmt.Errorf("--htlc %q is not an address", *p.htlcAddr)
		}
		dep.HTLC = common.HexToAddress(*p.htlcAddr)
	}
	if dep.HTLC == (common.Address{}) {
		return dep, errors.New("--htlc or --deployment is required")
	}
	return dep, nil
}

func (p partyFlags) key() (*ecdsaKey, error) {
	if *p.keystore == "" || *p.passwordFile == "" {
		return nil, errors.New("--keystore and --password-file are required")
	}
	k, err := relay.LoadKey(*p.keystore, *p.passwordFile)
	if err != nil {
		return nil, err
	}
	return &ecdsaKey{k, crypto.PubkeyToAddress(k.PublicKey)}, nil
}

func printJSON(v any) error {
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func parseLockID(s string) ([32]byte, error) {
	var id [32]byte
	b, err := hex.DecodeString(trim0x(s))
	if err != nil || len(b) != 32 {
		return id, fmt.Errorf("lock id %q is not 32 bytes of hex", s)
	}
	copy(id[:], b)
	return id, nil
}

func trim0x(s string) string {
	if len(s) >= 2 && (s[:2] == "0x" || s[:2] == "0X") {
		return s[2:]
	}
	return s
}

func address(flagName, s string) (common.Address, error) {
	if !common.IsHexAddress(s) {
		return common.Address{}, fmt.Errorf("--%s %q is not an address", flagName, s)
	}
	return common.HexToAddress(s), nil
}

// cmdLock locks tokens for a receiver under sha256 of a fresh 32-byte preimage
// from crypto/rand. The preimage is written (0600, never overwritten) before
// the lock is sent, so a crash after the lock cannot lose it.
func cmdLock(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("lock", flag.ContinueOnError)
	pf := addPartyFlags(fs, true)
	tokenS := fs.String("token", "", "the ERC-20 token (default: the deployment's test token)")
	receiverS := fs.String("receiver", "", "who a withdraw pays: the provider, or the shipment's seller")
	amountS := fs.String("amount", "", "amount in the token's smallest unit (decimal)")
	timelock := fs.Uint64("timelock", 0, "unix time (s) from which the lock can be refunded and no longer withdrawn")
	ttl := fs.Duration("ttl", 0, "instead of --timelock: this long after the latest block")
	dir := fs.String("preimage-dir", ".", "directory the preimage file is written to (mode 0600)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	dep, err := pf.deployment()
	if err != nil {
		return err
	}
	key, err := pf.key()
	if err != nil {
		return err
	}
	token := dep.Token
	if *tokenS != "" {
		if token, err = address("token", *tokenS); err != nil {
			return err
		}
	}
	if token == (common.Address{}) {
		return errors.New("--token is required")
	}
	receiver, err := address("receiver", *receiverS)
	if err != nil {
		return err
	}
	amount, ok := new(big.Int).SetString(*amountS, 10)
	if !ok || amount.Sign() <= 0 {
		return fmt.Errorf("--amount %q is not a positive integer", *amountS)
	}
	if (*timelock == 0) == (*ttl == 0) {
		return errors.New("give one of --timelock and --ttl")
	}
	eth, err := ethtx.Dial(ctx, *pf.ethRPC)
	if err != nil {
		return err
	}
	defer eth.Close()
	if *ttl != 0 {
		head, err := eth.HeaderByNumber(ctx, nil)
		if err != nil {
			return err
		}
		*timelock = head.Time + uint64(ttl.Seconds())
	}

	var preimage [32]byte
	if _, err := rand.Read(preimage[:]); err != nil {
		return err
	}
	hashlock := sha256.Sum256(preimage[:])
	if err := os.MkdirAll(*dir, 0o700); err != nil {
		return err
	}
	preFile := filepath.Join(*dir, hex.EncodeToString(hashlock[:])+".preimage")
	f, err := os.OpenFile(preFile, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := fmt.Fprintln(f, hex.EncodeToString(preimage[:])); err != nil {
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

	erc20 := htlc.NewTestToken() // its approve and allowance are ERC-20's
	tokenC := erc20.Instance(eth, token)
	allowance, err := bind.Call(tokenC, &bind.CallOpts{Context: ctx}, erc20.PackAllowance(key.addr, dep.HTLC), erc20.UnpackAllowance)
	if err != nil {
		return fmt.Errorf("allowance: %w", err)
	}
	var approveGas uint64
	if allowance.Cmp(amount) < 0 {
		r, err := eth.Send(ctx, key.k, &token, erc20.PackApprove(dep.HTLC, amount), 0)
		if err != nil {
			return fmt.Errorf("approve: %w", err)
		}
		approveGas = r.GasUsed
	}
	h := htlc.NewHashedTimelockERC20()
	r, err := eth.Send(ctx, key.k, &dep.HTLC, h.PackLock(token, receiver, amount, hashlock, *timelock), 0)
	if err != nil {
		return fmt.Errorf("lock: %w", err)
	}
	var ev *htlc.HashedTimelockERC20Locked
	for _, l := range r.Logs {
		if e, err := h.UnpackLockedEvent(l); err == nil && l.Address == dep.HTLC {
			ev = e
		}
	}
	if ev == nil {
		return fmt.Errorf("lock %s mined without a Locked event", r.TxHash)
	}
	lockID := hex.EncodeToString(ev.LockId[:])
	hl := hex.EncodeToString(hashlock[:])
	return printJSON(map[string]any{
		"lock_id": lockID, "hashlock": hl, "preimage_file": preFile,
		"sender": key.addr, "receiver": receiver, "token": token, "amount": amount.String(), "timelock": *timelock,
		"timelock_utc": time.Unix(int64(*timelock), 0).UTC().Format(time.RFC3339),
		"lock_tx":      r.TxHash, "lock_block": r.BlockNumber.Uint64(), "lock_gas_used": r.GasUsed, "approve_gas_used": approveGas,
		"healthd_flags": fmt.Sprintf("--hashlock %s --evm-lock-id %s --evm-timelock %d --evm-receiver %s --evm-token %s --evm-amount %s",
			hl, lockID, *timelock, receiver.Hex(), token.Hex(), amount),
	})
}

// cmdRefund takes a lock's tokens back to its sender once the timelock has passed.
func cmdRefund(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("refund", flag.ContinueOnError)
	pf := addPartyFlags(fs, true)
	idS := fs.String("lock-id", "", "the lock to refund (hex)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	dep, err := pf.deployment()
	if err != nil {
		return err
	}
	key, err := pf.key()
	if err != nil {
		return err
	}
	id, err := parseLockID(*idS)
	if err != nil {
		return err
	}
	eth, err := ethtx.Dial(ctx, *pf.ethRPC)
	if err != nil {
		return err
	}
	defer eth.Close()
	h := htlc.NewHashedTimelockERC20()
	// An explicit gas limit: estimation runs on the latest block's time and would
	// refuse a refund that the next block (one second later) accepts.
	r, err := eth.Send(ctx, key.k, &dep.HTLC, h.PackRefund(id), 200_000)
	if err != nil {
		return fmt.Errorf("refund: %w", err)
	}
	return printJSON(map[string]any{"lock_id": hex.EncodeToString(id[:]), "refund_tx": r.TxHash, "refund_block": r.BlockNumber.Uint64(), "refund_gas_used": r.GasUsed})
}

var stateNames = []string{"none", "open", "withdrawn", "refunded"}

// cmdShow prints a lock, or a token balance.
func cmdShow(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("show", flag.ContinueOnError)
	pf := addPartyFlags(fs, false)
	idS := fs.String("lock-id", "", "the lock to show (hex)")
	balanceOf := fs.String("balance-of", "", "instead: print this account's balance of --token (default: the deployment's token)")
	tokenS := fs.String("token", "", "the token of --balance-of")
	if err := fs.Parse(args); err != nil {
		return err
	}
	dep, err := pf.deployment()
	if err != nil {
		return err
	}
	eth, err := ethtx.Dial(ctx, *pf.ethRPC)
	if err != nil {
		return err
	}
	defer eth.Close()
	if *balanceOf != "" {
		who, err := address("balance-of", *balanceOf)
		if err != nil {
			return err
		}
		token := dep.Token
		if *tokenS != "" {
			if token, err = address("token", *tokenS); err != nil {
				return err
			}
		}
		erc20 := htlc.NewTestToken()
		b, err := bind.Call(erc20.Instance(eth, token), &bind.CallOpts{Context: ctx}, erc20.PackBalanceOf(who), erc20.UnpackBalanceOf)
		if err != nil {
			return err
		}
		return printJSON(map[string]any{"account": who, "token": token, "balance": b.String()})
	}
	id, err := parseLockID(*idS)
	if err != nil {
		return err
	}
	h := htlc.NewHashedTimelockERC20()
	l, err := bind.Call(h.Instance(eth, dep.HTLC), &bind.CallOpts{Context: ctx}, h.PackGetLock(id), h.UnpackGetLock)
	if err != nil {
		return err
	}
	state := fmt.Sprint(l.State)
	if int(l.State) < len(stateNames) {
		state = stateNames[l.State]
	}
	return printJSON(map[string]any{"lock_id": hex.EncodeToString(id[:]), "state": state, "sender": l.Sender, "receiver": l.Receiver,
		"token": l.Token, "amount": l.Amount.String(), "hashlock": hex.EncodeToString(l.Hashlock[:]), "timelock": l.Timelock})
}
