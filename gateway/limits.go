package gateway

import (
	"hash/maphash"
	"net/http"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Request limits. An authenticated account may read at AccountRate with
// bursts of AccountBurst; session logins (a signature check each, which an
// unauthenticated caller can ask for) are limited for the whole gateway.
// Accounts share limiterBuckets buckets by hash, so the memory is fixed
// whatever the number of accounts: an account that floods slows at most
// the few others in its bucket.
const (
	AccountRate  = 20
	AccountBurst = 40
	LoginRate    = 100
	LoginBurst   = 200
	// VerifyRate bounds open pack verification (no session): each is one
	// bounded chain query.
	VerifyRate     = 200
	VerifyBurst    = 400
	limiterBuckets = 4096
	// ReasonTooMany is the 429 reason.
	ReasonTooMany = "TOO_MANY_REQUESTS"
)

type limits struct {
	seed    maphash.Seed
	mu      sync.Mutex
	buckets [limiterBuckets]*rate.Limiter
	login   *rate.Limiter
	verify  *rate.Limiter
	now     func() time.Time
}

func newLimits(now func() time.Time) *limits {
	return &limits{seed: maphash.MakeSeed(), login: rate.NewLimiter(LoginRate, LoginBurst),
		verify: rate.NewLimiter(VerifyRate, VerifyBurst), now: now}
}

// account takes one request from account's bucket.
func (l *limits) account(account string) bool {
	i := maphash.String(l.seed, account) % limiterBuckets
	l.mu.Lock()
	b := l.buckets[i]
	if b == nil {
		b = rate.NewLimiter(AccountRate, AccountBurst)
		l.buckets[i] = b
	}
	l.mu.Unlock()
	return b.AllowN(l.now(), 1)
}

// loginAllowed takes one login from the gateway's budget.
func (l *limits) loginAllowed() bool { return l.login.AllowN(l.now(), 1) }

// verifyAllowed takes one open verification from the gateway's budget.
func (l *limits) verifyAllowed() bool { return l.verify.AllowN(l.now(), 1) }

func tooMany(what string) *apiError {
	return &apiError{Status: http.StatusTooManyRequests, Reason: ReasonTooMany, RetryAfter: 1,
		Message: "too many " + what + ": retry in a second"}
}
