package recordsclient

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/healthchain/healthd/vault"
	"github.com/healthchain/healthd/x/records/types"
)

// fakeErase records the order of an erasure's calls; its fields make steps
// fail.
type fakeErase struct {
	calls       []string
	latest      uint32 // the latest version the chain's erasure named
	versionsErr error
	simulateErr error
	vaultErr    map[uint64]error
	sendErr     error
}

func (f *fakeErase) steps() eraseSteps {
	return eraseSteps{
		versions: func(_ context.Context, id uint64) ([]uint64, uint32, error) {
			f.calls = append(f.calls, fmt.Sprintf("versions %d", id))
			return []uint64{1, 2, 3}, 3, f.versionsErr
		},
		vaultErase: func(_ context.Context, id uint64) error {
			f.calls = append(f.calls, fmt.Sprintf("vault %d", id))
			return f.vaultErr[id]
		},
		simulateThenSend: func(_ context.Context, latest uint32, between func() error) ([]uint64, error) {
			f.latest = latest
			f.calls = append(f.calls, "simulate")
			if f.simulateErr != nil {
				return nil, f.simulateErr
			}
			if err := between(); err != nil {
				return nil, err
			}
			f.calls = append(f.calls, "send")
			return []uint64{1, 2, 3}, f.sendErr
		},
	}
}

// TestEraseOrder: `healthd records erase` asks the chain first (a simulation:
// a signer the chain refuses destroys nothing), erases every version in the
// vault next, and sends the chain's erasure last, never after a vault
// failure; a version the vault already erased counts as done; a record the
// chain already erased is left alone.
func TestEraseOrder(t *testing.T) {
	ctx := context.Background()

	f := &fakeErase{}
	res, err := eraseRecord(ctx, 2, f.steps())
	require.NoError(t, err)
	require.Equal(t, &EraseResult{IDs: []uint64{1, 2, 3}}, res)
	require.Equal(t, []string{"versions 2", "simulate", "vault 1", "vault 2", "vault 3", "send"}, f.calls)
	require.Equal(t, uint32(3), f.latest, "the erasure names the newest version erased in the vault")

	// Amended between the vault and the chain: the chain refuses, and the
	// command says to run it again.
	f = &fakeErase{sendErr: fmt.Errorf("tx failed: record 2: version 4 is the latest, the erasure names 3: %w", types.ErrNotLatestVersion)}
	_, err = eraseRecord(ctx, 2, f.steps())
	require.ErrorIs(t, err, types.ErrNotLatestVersion)
	require.ErrorContains(t, err, "run erase again")

	// Refused by the chain: the vault is not asked.
	f = &fakeErase{simulateErr: errors.New("refused by the chain: signer is neither the patient nor a guardian")}
	_, err = eraseRecord(ctx, 2, f.steps())
	require.ErrorContains(t, err, "neither the patient")
	require.Equal(t, []string{"versions 2", "simulate"}, f.calls)

	// The vault fails on version 2: version 3 is not tried, the chain keeps
	// the record (so a retry can still find the CIDs).
	f = &fakeErase{vaultErr: map[uint64]error{2: &vault.Error{Status: 503, Reason: "STORE_UNAVAILABLE", Message: "disk"}}}
	_, err = eraseRecord(ctx, 2, f.steps())
	require.ErrorContains(t, err, "nothing was erased on chain")
	require.Equal(t, []string{"versions 2", "simulate", "vault 1", "vault 2"}, f.calls)

	// The vault refuses the signer (neither the patient nor a live
	// guardian): the chain keeps the record.
	f = &fakeErase{vaultErr: map[uint64]error{1: &vault.Error{Status: 403, Reason: "NOT_PATIENT", Message: "only the patient"}}}
	_, err = eraseRecord(ctx, 2, f.steps())
	require.ErrorContains(t, err, "NOT_PATIENT")
	require.NotContains(t, f.calls, "send")

	// A version the vault already erased (an earlier, interrupted run) is done.
	f = &fakeErase{vaultErr: map[uint64]error{1: &vault.Error{Status: 410, Reason: vault.ReasonErased}}}
	res, err = eraseRecord(ctx, 2, f.steps())
	require.NoError(t, err)
	require.Equal(t, []uint64{1, 2, 3}, res.IDs)
	require.Equal(t, []string{"versions 2", "simulate", "vault 1", "vault 2", "vault 3", "send"}, f.calls)

	// Already erased on chain: nothing to do, nothing sent.
	f = &fakeErase{versionsErr: status.Error(codes.NotFound, "record 2 was erased by its patient: "+types.ErrRecordErased.Error())}
	res, err = eraseRecord(ctx, 2, f.steps())
	require.NoError(t, err)
	require.True(t, res.AlreadyErased)
	require.Equal(t, []string{"versions 2"}, f.calls)

	// An unknown record is an error.
	f = &fakeErase{versionsErr: status.Error(codes.NotFound, "99: record not found")}
	_, err = eraseRecord(ctx, 99, f.steps())
	require.ErrorContains(t, err, "record not found")
	require.Equal(t, []string{"versions 99"}, f.calls)
}
