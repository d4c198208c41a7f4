package htlc

import (
	"crypto/sha256"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func lock() Lock {
	p := sha256.Sum256([]byte("preimage"))
	h := sha256.Sum256(p[:])
	id := sha256.Sum256([]byte("id"))
	return Lock{Hashlock: h[:], EVMLockID: id[:], EVMTimelock: 2_000_000_000,
		EVMReceiver: "0x" + strings.Repeat("ab", 20), EVMToken: "0x" + strings.Repeat("0c", 20), EVMAmount: "1"}
}

func kind(t *testing.T, err error) *Error {
	t.Helper()
	var e *Error
	require.True(t, errors.As(err, &e), "%v", err)
	return e
}

// TestNormalize: each field's refusal is an invalid-lock error; a valid lock
// comes back with its addresses in lower case.
func TestNormalize(t *testing.T) {
	l := lock()
	l.EVMReceiver = strings.ToUpper(l.EVMReceiver[2:])
	l.EVMReceiver = "0x" + l.EVMReceiver
	n, err := l.Normalize()
	require.NoError(t, err)
	require.Equal(t, "0x"+strings.Repeat("ab", 20), n.EVMReceiver)
	for name, bad := range map[string]func(*Lock){
		"short hashlock": func(l *Lock) { l.Hashlock = l.Hashlock[:31] },
		"long lock id":   func(l *Lock) { l.EVMLockID = append(l.EVMLockID, 0) },
		"timelock 0":     func(l *Lock) { l.EVMTimelock = 0 },
		"timelock huge":  func(l *Lock) { l.EVMTimelock = MaxEVMTimelock + 1 },
		"zero receiver":  func(l *Lock) { l.EVMReceiver = "0x" + strings.Repeat("0", 40) },
		"bad token":      func(l *Lock) { l.EVMToken = "0x12" },
		"amount 0":       func(l *Lock) { l.EVMAmount = "0" },
		"amount sign":    func(l *Lock) { l.EVMAmount = "-5" },
		"amount 2^256": func(l *Lock) {
			l.EVMAmount = "115792089237316195423570985008687907853269984665640564039457584007913129639936"
		},
	} {
		l := lock()
		bad(&l)
		_, err := l.Normalize()
		require.False(t, kind(t, err).Preimage, name)
	}
	_, err = Lock{Hashlock: lock().Hashlock, EVMLockID: lock().EVMLockID, EVMTimelock: 1, EVMReceiver: lock().EVMReceiver,
		EVMToken: lock().EVMToken, EVMAmount: "115792089237316195423570985008687907853269984665640564039457584007913129639935"}.Normalize()
	require.NoError(t, err, "2^256-1 is a valid amount")
}

// TestDeadlineAndPreimage: the deadline is the timelock less the margin, none
// when the margin reaches the timelock; only the right 32 bytes open the lock.
func TestDeadlineAndPreimage(t *testing.T) {
	d, ok := Deadline(1000, 999)
	require.True(t, ok)
	require.EqualValues(t, 1, d)
	_, ok = Deadline(1000, 1000)
	require.False(t, ok)
	p := sha256.Sum256([]byte("preimage"))
	require.NoError(t, CheckPreimage(p[:], lock().Hashlock))
	require.True(t, kind(t, CheckPreimage(p[:31], lock().Hashlock)).Preimage)
	q := p
	q[0] ^= 1
	require.True(t, kind(t, CheckPreimage(q[:], lock().Hashlock)).Preimage)
}

// TestStoredValidate: a status goes with its preimage and lapse reason.
func TestStoredValidate(t *testing.T) {
	p := sha256.Sum256([]byte("preimage"))
	ok := Stored{Lock: lock(), Deadline: 1_999_996_400, Locked: true}
	require.NoError(t, ok.Validate("refused"))
	for name, s := range map[string]Stored{
		"deadline at the timelock":   {Lock: lock(), Deadline: 2_000_000_000, Locked: true},
		"locked with a preimage":     {Lock: lock(), Deadline: 1, Locked: true, Preimage: p[:]},
		"lapsed for no known reason": {Lock: lock(), Deadline: 1, Lapsed: true, LapsedReason: "bored"},
		"lapsed with a preimage":     {Lock: lock(), Deadline: 1, Lapsed: true, LapsedReason: "refused", Preimage: p[:]},
		"no status":                  {Lock: lock(), Deadline: 1},
		"upper-case address": {Lock: func() Lock {
			l := lock()
			l.EVMToken = strings.ToUpper(l.EVMToken)
			l.EVMToken = "0x" + l.EVMToken[2:]
			return l
		}(), Deadline: 1, Locked: true},
	} {
		require.Error(t, s.Validate("refused"), name)
	}
	require.NoError(t, Stored{Lock: lock(), Deadline: 1, Revealed: true, Preimage: p[:]}.Validate())
	require.True(t, kind(t, Stored{Lock: lock(), Deadline: 1, Revealed: true, Preimage: p[:5]}.Validate()).Preimage)
	require.NoError(t, Stored{Lock: lock(), Deadline: 1, Lapsed: true, LapsedReason: "refused"}.Validate("refused"))
}
