// Package ethtx holds the few Ethereum client steps the evm commands share:
// dial a node, sign and send a transaction from a keystore key, wait for its
// receipt, and send from a dev node's own unlocked account.
package ethtx

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"math/big"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/ethereum/go-ethereum/rpc"
)

// Client is a dialled Ethereum node.
type Client struct {
	*ethclient.Client
	RPC     *rpc.Client
	ChainID *big.Int
}

// Dial connects to the node at url and reads its chain id.
func Dial(ctx context.Context, url string) (*Client, error) {
	rc, err := rpc.DialContext(ctx, url)
	if err != nil {
		return nil, err
	}
	c := &Client{Client: ethclient.NewClient(rc), RPC: rc}
	if c.ChainID, err = c.Client.ChainID(ctx); err != nil {
		rc.Close()
		return nil, fmt.Errorf("eth_chainId at %s: %w", url, err)
	}
	return c, nil
}

// Send signs a dynamic-fee transaction from key to `to` (nil: a deployment)
// with data, gas as given (0: estimated, plus a quarter), and waits for its receipt.
func (c *Client) Send(ctx context.Context, key *ecdsa.PrivateKey, to *common.Address, data []byte, gas uint64) (*types.Receipt, error) {
	from := crypto.PubkeyToAddress(key.PublicKey)
	nonce, err := c.PendingNonceAt(ctx, from)
	if err != nil {
		return nil, err
	}
	tip, err := c.SuggestGasTipCap(ctx)
	if err != nil {
		return nil, err
	}
	head, err := c.HeaderByNumber(ctx, nil)
	if err != nil {
		return nil, err
	}
	feeCap := new(big.Int).Add(tip, new(big.Int).Mul(head.BaseFee, big.NewInt(2)))
	if gas == 0 {
		est, err := c.EstimateGas(ctx, ethereum.CallMsg{From: from, To: to, Data: data})
		if err != nil {
			return nil, fmt.Errorf("estimate gas: %w", err)
		}
		gas = est + est/4
	}
	tx, err := types.SignNewTx(key, types.LatestSignerForChainID(c.ChainID), &types.DynamicFeeTx{
		ChainID: c.ChainID, Nonce: nonce, GasTipCap: tip, GasFeeCap: feeCap, Gas: gas, To: to, Data: data})
	if err != nil {
		return nil, err
	}
	if err := c.SendTransaction(ctx, tx); err != nil {
		return nil, err
	}
	return c.Wait(ctx, tx.Hash())
}

// Wait polls for a transaction's receipt and fails if the transaction failed.
func (c *Client) Wait(ctx context.Context, h common.Hash) (*types.Receipt, error) {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	for {
		r, err := c.TransactionReceipt(ctx, h)
		if err == nil {
			if r.Status != types.ReceiptStatusSuccessful {
				return r, fmt.Errorf("transaction %s failed (block %s, gas used %d)", h, r.BlockNumber, r.GasUsed)
			}
			return r, nil
		}
		if !errors.Is(err, ethereum.NotFound) {
			return nil, err
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("transaction %s: no receipt: %w", h, ctx.Err())
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// DevAccount returns the first account the node itself holds: geth --dev's
// funded, unlocked developer account.
func (c *Client) DevAccount(ctx context.Context) (common.Address, error) {
	var accts []common.Address
	if err := c.RPC.CallContext(ctx, &accts, "eth_accounts"); err != nil {
		return common.Address{}, err
	}
	if len(accts) == 0 {
		return common.Address{}, errors.New("the node holds no account (not a geth --dev node?)")
	}
	return accts[0], nil
}

// SendFromNode has the node sign and send a transaction from its own unlocked
// account (eth_sendTransaction; a dev node only) and waits for the receipt.
func (c *Client) SendFromNode(ctx context.Context, from common.Address, to *common.Address, value *big.Int, data []byte) (*types.Receipt, error) {
	arg := map[string]any{"from": from}
	if to != nil {
		arg["to"] = *to
	}
	if value != nil {
		arg["value"] = (*hexutil.Big)(value)
	}
	if len(data) > 0 {
		arg["data"] = hexutil.Bytes(data)
	}
	var h common.Hash
	if err := c.RPC.CallContext(ctx, &h, "eth_sendTransaction", arg); err != nil {
		return nil, err
	}
	return c.Wait(ctx, h)
}
