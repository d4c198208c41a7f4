// Command healthd-evm-deploy sets up a local Ethereum dev node (geth --dev) for
// healthd's settlements: it creates keystores for the parties and the relay,
// funds them with ether from the node's developer account, deploys the
// HashedTimelockERC20 contract and the TestToken, mints tokens, and writes the
// addresses to deployment.json. It is for dev networks: it sends from the
// node's own unlocked account (eth_sendTransaction).
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math/big"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/ethereum/go-ethereum/accounts/keystore"
	"github.com/ethereum/go-ethereum/common"

	"github.com/healthchain/healthd/evm/htlc"
	"github.com/healthchain/healthd/evm/internal/ethtx"
	"github.com/healthchain/healthd/evm/relay"
)

// Account is one party's Ethereum account and its keystore file.
type Account struct {
	Address  common.Address `json:"address"`
	Keystore string         `json:"keystore"`
}

// Deployment is what deployment.json holds.
type Deployment struct {
	ChainID   uint64             `json:"chain_id"`
	EthRPC    string             `json:"eth_rpc"`
	HTLC      common.Address     `json:"htlc"`
	HTLCBlock uint64             `json:"htlc_block"`
	Token     common.Address     `json:"token"`
	Symbol    string             `json:"token_symbol"`
	Decimals  int                `json:"token_decimals"`
	Accounts  map[string]Account `json:"accounts"`
	Gas       map[string]uint64  `json:"gas_used"`
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("healthd-evm-deploy", flag.ContinueOnError)
	ethRPC := fs.String("eth-rpc", "http://127.0.0.1:8545", "the dev node's JSON-RPC")
	out := fs.String("out", ".localnet-eth", "directory for deployment.json and keystore/<name>.json")
	names := fs.String("accounts", "payer,pharmacy,hospital,distributor,relay", "parties to create keystores for (comma-separated)")
	pwFile := fs.String("password-file", "", "file whose first line encrypts the new keystores (required)")
	mint := fs.String("mint", "payer=1000000000000,pharmacy=1000000000000", "tokens to mint, name=amount in the smallest unit (6 decimals)")
	fund := fs.String("fund", "10000000000000000000", "ether (wei) sent to each party for gas")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *pwFile == "" {
		return errors.New("--password-file is required")
	}
	pwb, err := os.ReadFile(*pwFile)
	if err != nil {
		return err
	}
	pw, _, _ := strings.Cut(string(pwb), "\n")
	wei, ok := new(big.Int).SetString(*fund, 10)
	if !ok {
		return fmt.Errorf("--fund %q", *fund)
	}
	eth, err := ethtx.Dial(ctx, *ethRPC)
	if err != nil {
		return err
	}
	defer eth.Close()
	depPath := filepath.Join(*out, "deployment.json")
	if bz, err := os.ReadFile(depPath); err == nil {
		var d Deployment
		if err := json.Unmarshal(bz, &d); err == nil {
			if code, err := eth.CodeAt(ctx, d.HTLC, nil); err == nil && len(code) > 0 {
				fmt.Fprintf(os.Stderr, "already deployed: %s (HTLC %s, token %s)\n", depPath, d.HTLC, d.Token)
				return nil
			}
		}
	}
	dev, err := eth.DevAccount(ctx)
	if err != nil {
		return err
	}
	d := Deployment{ChainID: eth.ChainID.Uint64(), EthRPC: *ethRPC, Symbol: "TUSD", Decimals: 6,
		Accounts: map[string]Account{}, Gas: map[string]uint64{}}

	ksDir := filepath.Join(*out, "keystore")
	if err := os.MkdirAll(ksDir, 0o700); err != nil {
		return err
	}
	for _, name := range strings.Split(*names, ",") {
		name = strings.TrimSpace(name)
		if name == "" {
			continue
		}
		path := filepath.Join(ksDir, name+".json")
		if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
			// Light scrypt: these are throwaway dev keys, and a standard one takes a second of both cores to open.
			acct, err := keystore.StoreKey(ksDir, pw, keystore.LightScryptN, keystore.LightScryptP)
			if err != nil {
				return err
			}
			if err := os.Rename(acct.URL.Path, path); err != nil {
				return err
			}
		}
		key, err := relay.LoadKey(path, *pwFile)
		if err != nil {
			return err
		}
		addr := ethAddr(key)
		d.Accounts[name] = Account{Address: addr, Keystore: path}
		if _, err := eth.SendFromNode(ctx, dev, &addr, wei, nil); err != nil {
			return fmt.Errorf("fund %s: %w", name, err)
		}
		fmt.Fprintf(os.Stderr, "%-12s %s  keystore %s\n", name, addr, path)
	}

	r, err := eth.SendFromNode(ctx, dev, nil, nil, common.FromHex(htlc.HashedTimelockERC20MetaData.Bin))
	if err != nil {
		return fmt.Errorf("deploy HTLC: %w", err)
	}
	d.HTLC, d.HTLCBlock, d.Gas["deploy_htlc"] = r.ContractAddress, r.BlockNumber.Uint64(), r.GasUsed
	tok := htlc.NewTestToken()
	r, err = eth.SendFromNode(ctx, dev, nil, nil, append(common.FromHex(htlc.TestTokenMetaData.Bin), tok.PackConstructor("Test Dollar", d.Symbol)...))
	if err != nil {
		return fmt.Errorf("deploy token: %w", err)
	}
	d.Token, d.Gas["deploy_token"] = r.ContractAddress, r.GasUsed
	fmt.Fprintf(os.Stderr, "HTLC         %s (block %d)\nTestToken    %s\n", d.HTLC, d.HTLCBlock, d.Token)
	if *mint != "" {
		for _, kv := range strings.Split(*mint, ",") {
			name, amt, _ := strings.Cut(kv, "=")
			a, ok := d.Accounts[name]
			n, ok2 := new(big.Int).SetString(amt, 10)
			if !ok || !ok2 {
				return fmt.Errorf("--mint %q: unknown account or bad amount", kv)
			}
			if _, err := eth.SendFromNode(ctx, dev, &d.Token, nil, tok.PackMint(a.Address, n)); err != nil {
				return fmt.Errorf("mint for %s: %w", name, err)
			}
			fmt.Fprintf(os.Stderr, "minted %s TUSD units to %s\n", n, name)
		}
	}
	bz, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(depPath+".tmp", append(bz, '\n'), 0o600); err != nil {
		return err
	}
	if err := os.Rename(depPath+".tmp", depPath); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "wrote %s\n", depPath)
	return nil
}
