// Package simulation holds x/consortium's message factories for the SDK's
// random-message simulation (testutil/simsx), its randomized genesis, and the
// kit every healthd module's simulation shares: how actors are chosen, how an
// operation that must succeed or must be refused is wrapped, and the tally of
// outcomes per message type that the app's simulation test prints.
package simulation

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"

	"github.com/cosmos/gogoproto/proto"

	"github.com/cosmos/cosmos-sdk/testutil/simsx"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/healthchain/healthd/x/consortium/types"
)

// AuthorityName is the name of the genesis member whose account (the first
// simulation account) the app's simulation makes the chain authority, through
// the consensus params, as a consortium does with its founders' multisig.
const AuthorityName = "Simulation Authority"

// CoreMembers is how many simulation accounts (after the authority) are
// members whose roles and status the simulation never changes, one per role,
// so every module always finds its actors. Members past them may be
// re-roled, suspended and reinstated.
const CoreMembers = 2 * 11

// Outcomes counted by the tally.
const (
	OutcomeOK      = "ok"
	OutcomeRefused = "refused"
	OutcomeSkipped = "skipped"
)

// Tally counts operations per message type and outcome across a run (across
// all seeds when they run in one process).
type Tally struct {
	mu sync.Mutex
	n  map[string]map[string]int
}

// Stats is the tally every healthd factory reports to.
var Stats = &Tally{n: map[string]map[string]int{}}

// Add counts one operation.
func (t *Tally) Add(msgType, outcome string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	m, ok := t.n[msgType]
	if !ok {
		m = map[string]int{}
		t.n[msgType] = m
	}
	m[outcome]++
}

// Reset forgets every count.
func (t *Tally) Reset() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.n = map[string]map[string]int{}
}

// Total returns the count of outcome over all message types.
func (t *Tally) Total(outcome string) int {
	t.mu.Lock()
	defer t.mu.Unlock()
	s := 0
	for _, m := range t.n {
		s += m[outcome]
	}
	return s
}

// String is a table: message type, succeeded, refused (as expected), skipped.
func (t *Tally) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	var b strings.Builder
	fmt.Fprintf(&b, "%-52s %8s %8s %8s\n", "message", "ok", "refused", "skipped")
	for _, k := range slices.Sorted(maps.Keys(t.n)) {
		m := t.n[k]
		fmt.Fprintf(&b, "%-52s %8d %8d %8d\n", k, m[OutcomeOK], m[OutcomeRefused], m[OutcomeSkipped])
	}
	return b.String()
}

func msgName(m sdk.Msg) string { return strings.TrimPrefix(sdk.MsgTypeURL(m), "/healthd.") }

// Succeed wraps a factory whose message must be accepted: a refusal fails the
// simulation. A factory that finds no valid message skips (reporter.Skip).
func Succeed[T sdk.Msg](f simsx.SimMsgFactoryFn[T]) simsx.SimMsgFactoryX {
	return simsx.NewSimMsgFactoryWithDeliveryResultHandler(func(ctx context.Context, data *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, T, simsx.SimDeliveryResultHandler) {
		name := msgName(f.MsgType())
		signers, msg := f(ctx, data, reporter)
		if reporter.IsSkipped() {
			Stats.Add(name, OutcomeSkipped)
			return signers, msg, nil
		}
		return signers, msg, func(err error) error {
			if err != nil {
				return fmt.Errorf("%s must succeed: %w", name, err)
			}
			Stats.Add(name, OutcomeOK)
			return nil
		}
	})
}

// Digest reads a module's whole state (its genesis export, marshalled); a
// refused message must leave it unchanged.
type Digest func(ctx context.Context) ([]byte, error)

// ExportDigest makes a Digest of a module's ExportGenesis.
func ExportDigest[G proto.Message](export func(context.Context) (G, error)) Digest {
	return func(ctx context.Context) ([]byte, error) {
		gs, err := export(ctx)
		if err != nil {
			return nil, err
		}
		return proto.Marshal(gs)
	}
}

// Refuse wraps a factory whose message must be refused with one of want (a
// wrong actor, a bad input, a wrong state): acceptance, another error, or a
// change of the module's state (read with digest before and after) fails the
// simulation. A refused message counts as "refused", its own outcome.
func Refuse[T sdk.Msg](digest Digest, want []error, f simsx.SimMsgFactoryFn[T]) simsx.SimMsgFactoryX {
	return simsx.NewSimMsgFactoryWithDeliveryResultHandler(func(ctx context.Context, data *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, T, simsx.SimDeliveryResultHandler) {
		name := msgName(f.MsgType())
		signers, msg := f(ctx, data, reporter)
		if reporter.IsSkipped() {
			Stats.Add(name, OutcomeSkipped)
			return signers, msg, nil
		}
		var before []byte
		if digest != nil {
			var err error
			if before, err = digest(ctx); err != nil {
				reporter.Skipf("state digest: %s", err)
				return signers, msg, nil
			}
		}
		return signers, msg, func(err error) error {
			if err == nil {
				return fmt.Errorf("%s must be refused (want %v), was accepted", name, want)
			}
			if !slices.ContainsFunc(want, func(w error) bool { return errors.Is(err, w) }) {
				return fmt.Errorf("%s refused with %w, want one of %v", name, err, want)
			}
			if digest != nil {
				after, derr := digest(ctx)
				if derr != nil {
					return derr
				}
				if !bytes.Equal(before, after) {
					return fmt.Errorf("%s was refused (%w) but the module state changed", name, err)
				}
			}
			Stats.Add(name, OutcomeRefused)
			return nil
		}
	})
}

// Errs lists the errors a refusal may carry.
func Errs(errs ...error) []error { return errs }

// RoleChecker is how a module's simulation asks x/consortium about an actor;
// every healthd keeper's ConsortiumKeeper has it.
type RoleChecker interface {
	RequireRole(ctx context.Context, addr sdk.AccAddress, roles ...types.Role) error
}

// Authority returns the account the simulation made the chain authority.
func Authority(data *simsx.ChainDataSource, reporter simsx.SimulationReporter) simsx.SimAccount {
	return data.AccountAt(reporter, 0)
}

// MemberWithRole returns an active member holding one of roles, chosen at
// random, or skips the operation when none does.
func MemberWithRole(ctx context.Context, data *simsx.ChainDataSource, reporter simsx.SimulationReporter, rc RoleChecker, roles ...types.Role) simsx.SimAccount {
	accs := data.AllAccounts()
	r := data.Rand()
	start := r.IntInRange(0, len(accs))
	for i := range accs {
		a := accs[(start+i)%len(accs)]
		if rc.RequireRole(ctx, a.Address, roles...) == nil {
			return data.GetAccountbyAccAddr(reporter, a.Address)
		}
	}
	reporter.Skipf("no active member with role %v", roles)
	return simsx.SimAccount{}
}

// Outsider returns an account that holds none of roles as an active member
// (a patient, or a member of another trade): the wrong actor for a message
// that needs one of roles.
func Outsider(ctx context.Context, data *simsx.ChainDataSource, reporter simsx.SimulationReporter, rc RoleChecker, roles ...types.Role) simsx.SimAccount {
	accs := data.AllAccounts()
	r := data.Rand()
	start := r.IntInRange(0, len(accs))
	for i := range accs {
		a := accs[(start+i)%len(accs)]
		if rc.RequireRole(ctx, a.Address, roles...) != nil {
			return data.GetAccountbyAccAddr(reporter, a.Address)
		}
	}
	reporter.Skipf("every account holds one of %v", roles)
	return simsx.SimAccount{}
}

// Patient returns an account that is not a member at all, as a patient is.
func Patient(ctx context.Context, data *simsx.ChainDataSource, reporter simsx.SimulationReporter, rc RoleChecker) simsx.SimAccount {
	all := make([]types.Role, 0, len(types.Role_name)-1)
	for v := range types.Role_name {
		if v != 0 {
			all = append(all, types.Role(v))
		}
	}
	slices.Sort(all)
	return Outsider(ctx, data, reporter, rc, all...)
}

// Pick returns a random element of xs, or skips when xs is empty.
func Pick[E any](data *simsx.ChainDataSource, reporter simsx.SimulationReporter, what string, xs []E) E {
	var zero E
	if len(xs) == 0 {
		reporter.Skipf("no %s", what)
		return zero
	}
	return xs[data.Rand().IntInRange(0, len(xs))]
}

// Attempt wraps a factory whose message may be accepted or refused with one
// of allowed, when what decides it is state the factory does not read
// (a recall of a unit in transit, say). Another error fails the simulation;
// a refusal must leave the module state unchanged, as with Refuse.
func Attempt[T sdk.Msg](digest Digest, allowed []error, f simsx.SimMsgFactoryFn[T]) simsx.SimMsgFactoryX {
	return simsx.NewSimMsgFactoryWithDeliveryResultHandler(func(ctx context.Context, data *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, T, simsx.SimDeliveryResultHandler) {
		name := msgName(f.MsgType())
		signers, msg := f(ctx, data, reporter)
		if reporter.IsSkipped() {
			Stats.Add(name, OutcomeSkipped)
			return signers, msg, nil
		}
		var before []byte
		if digest != nil {
			var err error
			if before, err = digest(ctx); err != nil {
				reporter.Skipf("state digest: %s", err)
				return signers, msg, nil
			}
		}
		return signers, msg, func(err error) error {
			if err == nil {
				Stats.Add(name, OutcomeOK)
				return nil
			}
			if !slices.ContainsFunc(allowed, func(w error) bool { return errors.Is(err, w) }) {
				return fmt.Errorf("%s refused with %w, allowed %v", name, err, allowed)
			}
			if digest != nil {
				after, derr := digest(ctx)
				if derr != nil {
					return derr
				}
				if !bytes.Equal(before, after) {
					return fmt.Errorf("%s was refused (%w) but the module state changed", name, err)
				}
			}
			Stats.Add(name, OutcomeRefused)
			return nil
		}
	})
}

// AccountWhere returns a random account for which keep holds, trying every
// account once from a random start, or skips (what names the account wanted).
func AccountWhere(data *simsx.ChainDataSource, reporter simsx.SimulationReporter, what string, keep func(simsx.SimAccount) bool) simsx.SimAccount {
	accs := data.AllAccounts()
	start := data.Rand().IntInRange(0, len(accs))
	for i := range accs {
		a := data.GetAccountbyAccAddr(reporter, accs[(start+i)%len(accs)].Address)
		if reporter.IsSkipped() {
			return simsx.SimAccount{}
		}
		if keep(a) {
			return a
		}
	}
	reporter.Skipf("no %s", what)
	return simsx.SimAccount{}
}
