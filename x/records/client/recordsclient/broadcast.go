package recordsclient

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/client/tx"
	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
	authtx "github.com/cosmos/cosmos-sdk/x/auth/tx"
)

// broadcastTimeout bounds the wait for a transaction to be included.
const broadcastTimeout = 60 * time.Second

// broadcast signs msgs with the session's key, broadcasts them, waits until
// the transaction is in a block and returns its messages' responses. A refusal
// by the chain is returned as an error carrying the chain's log.
func (s *Session) broadcast(ctx context.Context, msgs ...sdk.Msg) ([]*codectypes.Any, error) {
	return s.simulateThenBroadcast(ctx, nil, msgs...)
}

// simulateThenBroadcast is broadcast with a step between: the messages are
// simulated first (always, so that a refusal comes before anything else is
// done), then before runs (an upload to the vault, say), then the transaction
// is signed and broadcast.
func (s *Session) simulateThenBroadcast(ctx context.Context, before func() error, msgs ...sdk.Msg) ([]*codectypes.Any, error) {
	if s.txFactory == nil {
		return nil, errors.New("this session has no transaction factory: it cannot broadcast")
	}
	clientCtx := s.clientCtx
	txf, err := s.txFactory()
	if err != nil {
		return nil, err
	}
	if txf, err = txf.Prepare(clientCtx); err != nil {
		return nil, err
	}
	_, adjusted, err := tx.CalculateGas(clientCtx, txf, msgs...)
	if err != nil {
		return nil, refusal(err)
	}
	if txf.SimulateAndExecute() {
		txf = txf.WithGas(adjusted)
	}
	if before != nil {
		if err := before(); err != nil {
			return nil, err
		}
	}
	unsigned, err := txf.BuildUnsignedTx(msgs...)
	if err != nil {
		return nil, err
	}
	if err := tx.Sign(ctx, txf, clientCtx.FromName, unsigned, true); err != nil {
		return nil, err
	}
	txBytes, err := clientCtx.TxConfig.TxEncoder()(unsigned.GetTx())
	if err != nil {
		return nil, err
	}
	res, err := clientCtx.WithBroadcastMode("sync").BroadcastTx(txBytes)
	if err != nil {
		return nil, err
	}
	if res.Code != 0 {
		return nil, fmt.Errorf("refused by the chain (code %d, %s): %s", res.Code, res.Codespace, res.RawLog)
	}
	deadline := time.Now().Add(broadcastTimeout)
	for {
		included, err := authtx.QueryTx(clientCtx, res.TxHash)
		if err == nil {
			if included.Code != 0 {
				return nil, fmt.Errorf("refused by the chain (code %d, %s): %s", included.Code, included.Codespace, included.RawLog)
			}
			return msgResponses(clientCtx, included.Data)
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("transaction %s not in a block after %s: %w", res.TxHash, broadcastTimeout, err)
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(250 * time.Millisecond):
		}
	}
}

// refusal unwraps a simulation failure into the chain's message.
func refusal(err error) error {
	msg := err.Error()
	if i := strings.Index(msg, "message index"); i >= 0 {
		msg = msg[i:]
	}
	return errors.New("refused by the chain: " + msg)
}

func msgResponses(clientCtx client.Context, data string) ([]*codectypes.Any, error) {
	bz, err := hex.DecodeString(data)
	if err != nil {
		return nil, fmt.Errorf("transaction result: %w", err)
	}
	var txMsgData sdk.TxMsgData
	if err := clientCtx.Codec.Unmarshal(bz, &txMsgData); err != nil {
		return nil, fmt.Errorf("transaction result: %w", err)
	}
	return txMsgData.MsgResponses, nil
}
