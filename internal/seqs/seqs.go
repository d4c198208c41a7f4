// Package seqs hands out ids from a collections.Sequence without ever wrapping:
// a sequence that wrapped would hand out 0 ("none") and then ids already in
// use, overwriting what they name. Every module draws its ids through Next.
package seqs

import (
	"context"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"
)

// Next returns seq's value and advances it. A value at or above limit is
// refused with exhausted (the module's registered error) and nothing changes.
func Next(ctx context.Context, seq collections.Sequence, limit uint64, exhausted *errorsmod.Error) (uint64, error) {
	v, err := seq.Peek(ctx)
	if err != nil {
		return 0, err
	}
	if v >= limit {
		return 0, errorsmod.Wrapf(exhausted, "id sequence at %d, the last it may hand out is %d", v, limit-1)
	}
	return seq.Next(ctx)
}
