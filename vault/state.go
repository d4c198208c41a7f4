package vault

import (
	"bytes"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sync"
	"time"

	dbm "github.com/cosmos/cosmos-db"
)

// StateDBName is the name of the state database under the vault's data
// directory: <data>/state.db.
const StateDBName = "state"

// stateVersion is the layout version written in the state database; a
// database of another version is refused rather than misread.
const stateVersion = 1

// Keys of the state database. Times are unix nanoseconds, 8 bytes big-endian,
// so that iteration is in time order.
var (
	keyVersion = []byte{0x00} // stateVersion, 8 bytes
	keySecret  = []byte{0x01} // the challenge MAC key, 32 bytes
	keyFloor   = []byte{0x02} // used-nonce floor, 8 bytes
)

const (
	// prefixNonce | exp(8) | id(16) -> empty: a used challenge nonce.
	prefixNonce byte = 0x10
	// prefixProvisional | cid -> uploaded(8) | sched(8) | tag(8): a blob
	// whose anchor the vault has not seen commit.
	prefixProvisional byte = 0x20
	// prefixQueue | sched(8) | cid -> empty: the provisional blobs by
	// schedule, for the sweeper.
	prefixQueue byte = 0x21
)

const (
	// noncePruneBatch bounds the expired nonces one claim deletes, so that a
	// claim's cost is bounded even after a long idle spell; the rest go with
	// later claims (an expired nonce is refused by its expiry anyway).
	noncePruneBatch = 1024
	provValueLen    = 24
)

// State is the vault's durable bookkeeping, an embedded LevelDB (cosmos-db's
// goleveldb backend, as CometBFT uses) at <data>/state.db:
//
//   - the challenge secret, made once, so a restart keeps outstanding
//     challenges valid;
//   - the used challenge nonces until they expire, and the floor below which
//     every nonce is refused (see durableNonces), so a restart cannot replay
//     an answered challenge;
//   - the provisional uploads: every blob uploaded whose anchor the vault has
//     not yet seen commit, with its upload time, for the Sweeper.
//
// What must survive a crash is written with a synced batch (the LevelDB
// journal is fsynced before the write returns): a used nonce before the
// request is accepted, a provisional mark before the blob is stored. What may
// be lost (pruning expired nonces, clearing a mark after the chain showed the
// anchor, removing a swept entry) is written without sync: redoing it after a
// crash is harmless.
//
// A State is used by one process at a time (LevelDB locks its directory).
type State struct {
	db     *dbm.GoLevelDB
	dir    string
	secret [challengeSecretBytes]byte

	// nmu serialises nonce claims; nonces and floor mirror the database.
	nmu    sync.Mutex
	nonces int
	floor  int64

	// pmu serialises changes to the provisional uploads, so that the
	// sweeper's removal of a blob cannot interleave with a new upload of it
	// or with the chain confirming its anchor.
	pmu sync.Mutex
}

// OpenState opens (creating if needed) the state database in dir, which is
// created 0700 if missing.
func OpenState(dir string) (*State, error) {
	if dir == "" {
		return nil, errors.New("vault: empty state directory")
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("vault: creating %s: %w", dir, err)
	}
	db, err := dbm.NewGoLevelDB(StateDBName, dir, nil)
	if err != nil {
		return nil, fmt.Errorf("vault: opening the state database in %s (is another vault running on this data directory?): %w", dir, err)
	}
	// LevelDB makes its directory 0755; the vault's are 0700.
	if err := os.Chmod(filepath.Join(dir, StateDBName+".db"), 0o700); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("vault: restricting the state database: %w", err)
	}
	st := &State{db: db, dir: dir}
	if err := st.load(); err != nil {
		_ = db.Close()
		return nil, err
	}
	return st, nil
}

func (st *State) load() error {
	b := st.db.NewBatch()
	defer b.Close()
	dirty := false
	v, err := st.db.Get(keyVersion)
	if err != nil {
		return fmt.Errorf("vault: reading the state version: %w", err)
	}
	switch {
	case v == nil:
		_ = b.Set(keyVersion, be64(stateVersion))
		dirty = true
	case len(v) != 8 || binary.BigEndian.Uint64(v) != stateVersion:
		return fmt.Errorf("vault: the state database in %s has an unknown layout version", st.dir)
	}
	sec, err := st.db.Get(keySecret)
	if err != nil {
		return fmt.Errorf("vault: reading the challenge secret: %w", err)
	}
	switch {
	case sec == nil:
		if _, err := rand.Read(st.secret[:]); err != nil {
			return fmt.Errorf("vault: random challenge secret: %w", err)
		}
		_ = b.Set(keySecret, st.secret[:])
		dirty = true
	case len(sec) != challengeSecretBytes:
		return fmt.Errorf("vault: the challenge secret in %s is %d bytes, want %d", st.dir, len(sec), challengeSecretBytes)
	default:
		copy(st.secret[:], sec)
	}
	if dirty {
		if err := b.WriteSync(); err != nil {
			return fmt.Errorf("vault: initialising the state database: %w", err)
		}
	}
	fl, err := st.db.Get(keyFloor)
	if err != nil {
		return fmt.Errorf("vault: reading the nonce floor: %w", err)
	}
	if len(fl) == 8 {
		st.floor = int64(binary.BigEndian.Uint64(fl))
	}
	it, err := st.db.Iterator([]byte{prefixNonce}, []byte{prefixNonce + 1})
	if err != nil {
		return fmt.Errorf("vault: counting used nonces: %w", err)
	}
	defer it.Close()
	for ; it.Valid(); it.Next() {
		st.nonces++
	}
	return it.Error()
}

// Close closes the database.
func (st *State) Close() error { return st.db.Close() }

// Dir returns the directory holding the database.
func (st *State) Dir() string { return st.dir }

func be64(v uint64) []byte {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], v)
	return b[:]
}

// timeKey encodes unix nanoseconds for a key; times before 1970 sort first.
func timeKey(ns int64) []byte { return be64(uint64(max(ns, 0))) }

func nonceKey(exp int64, id [nonceIDBytes]byte) []byte {
	k := make([]byte, 0, 1+8+nonceIDBytes)
	k = append(k, prefixNonce)
	k = append(k, timeKey(exp)...)
	return append(k, id[:]...)
}

// --- used nonces ---

// durableNonces is a used-nonce set kept in a State, with the in-memory
// set's rules: a nonce is remembered until it expires, at most max of them;
// when full, the oldest are dropped and the floor (also stored) rises past
// them, so nothing dropped can be used again. A claim is written with a
// synced batch before it is accepted.
type durableNonces struct {
	st  *State
	max int
}

func (d *durableNonces) size() int {
	d.st.nmu.Lock()
	defer d.st.nmu.Unlock()
	return d.st.nonces
}

func (d *durableNonces) claim(p parsedNonce, now int64) (string, error) {
	st := d.st
	st.nmu.Lock()
	defer st.nmu.Unlock()
	if err := st.pruneNoncesLocked(now); err != nil {
		return "", err
	}
	floor := st.floor
	if p.exp <= floor {
		return ReasonExpiredNonce, nil
	}
	key := nonceKey(p.exp, p.id)
	used, err := st.db.Has(key)
	if err != nil {
		return "", fmt.Errorf("vault: reading used nonces: %w", err)
	}
	if used {
		return ReasonUnknownNonce, nil
	}
	b := st.db.NewBatch()
	defer b.Close()
	count := st.nonces
	if count >= d.max {
		it, err := st.db.Iterator([]byte{prefixNonce}, []byte{prefixNonce + 1})
		if err != nil {
			return "", fmt.Errorf("vault: reading used nonces: %w", err)
		}
		defer it.Close()
		// Full: drop the oldest of the set and the new nonce, and raise the
		// floor to it, so that nothing dropped can be used again.
		for ; count >= d.max && it.Valid(); it.Next() {
			k := it.Key()
			if len(k) != 1+8+nonceIDBytes {
				return "", fmt.Errorf("vault: malformed used-nonce key in the state database")
			}
			exp := int64(binary.BigEndian.Uint64(k[1:9]))
			if p.exp <= exp {
				if err := st.setFloorLocked(max(floor, p.exp)); err != nil {
					return "", err
				}
				return ReasonExpiredNonce, nil
			}
			_ = b.Delete(bytes.Clone(k))
			floor = max(floor, exp)
			count--
		}
		if err := it.Error(); err != nil {
			return "", fmt.Errorf("vault: reading used nonces: %w", err)
		}
	}
	_ = b.Set(key, []byte{})
	if floor != st.floor {
		_ = b.Set(keyFloor, timeKey(floor))
	}
	if err := b.WriteSync(); err != nil {
		return "", fmt.Errorf("vault: recording a used nonce: %w", err)
	}
	st.nonces, st.floor = count+1, floor
	return "", nil
}

// setFloorLocked raises the stored floor (synced: a nonce the floor refused
// must stay refused after a restart).
func (st *State) setFloorLocked(floor int64) error {
	if floor <= st.floor {
		return nil
	}
	if err := st.db.SetSync(keyFloor, timeKey(floor)); err != nil {
		return fmt.Errorf("vault: recording the nonce floor: %w", err)
	}
	st.floor = floor
	return nil
}

// pruneNoncesLocked deletes up to noncePruneBatch used nonces that expired
// at or before now. It is not synced: an entry that comes back after a crash
// has expired, so it only takes room until the next claim.
func (st *State) pruneNoncesLocked(now int64) error {
	end := append([]byte{prefixNonce}, timeKey(now)...)
	end = append(end, bytes.Repeat([]byte{0xff}, nonceIDBytes+1)...)
	it, err := st.db.Iterator([]byte{prefixNonce}, end)
	if err != nil {
		return fmt.Errorf("vault: pruning used nonces: %w", err)
	}
	defer it.Close()
	b := st.db.NewBatch()
	defer b.Close()
	n := 0
	for ; it.Valid() && n < noncePruneBatch; it.Next() {
		_ = b.Delete(bytes.Clone(it.Key()))
		n++
	}
	if err := it.Error(); err != nil {
		return fmt.Errorf("vault: pruning used nonces: %w", err)
	}
	if n == 0 {
		return nil
	}
	if err := b.Write(); err != nil {
		return fmt.Errorf("vault: pruning used nonces: %w", err)
	}
	st.nonces -= n
	return nil
}

// --- provisional uploads ---

// provisional is one blob whose anchor the vault has not seen commit.
type provisional struct {
	cid      string
	uploaded time.Time
	// sched places the entry in the sweep queue: it is due once
	// sched + deadline has passed. It is the upload time, moved later when a
	// check failed.
	sched int64
	// raw is the stored value: the sweeper acts on an entry only if it is
	// unchanged (a new upload of the same CID writes a new random tag).
	raw []byte
}

func provKey(cid string) []byte { return append([]byte{prefixProvisional}, cid...) }

func queueKey(sched int64, cid string) []byte {
	k := append([]byte{prefixQueue}, timeKey(sched)...)
	return append(k, cid...)
}

func decodeProvisional(cid string, raw []byte) (provisional, bool) {
	if len(raw) != provValueLen {
		return provisional{}, false
	}
	return provisional{
		cid:      cid,
		uploaded: time.Unix(0, int64(binary.BigEndian.Uint64(raw[:8]))).UTC(),
		sched:    int64(binary.BigEndian.Uint64(raw[8:16])),
		raw:      bytes.Clone(raw),
	}, true
}

func provValue(uploaded, sched int64) ([]byte, error) {
	v := make([]byte, provValueLen)
	copy(v, timeKey(uploaded))
	copy(v[8:], timeKey(sched))
	if _, err := rand.Read(v[16:]); err != nil {
		return nil, fmt.Errorf("vault: random tag: %w", err)
	}
	return v, nil
}

// markProvisional records an upload of cid at at, before the blob is stored,
// with a synced write: a blob the vault acknowledged is always either
// anchored or on the sweeper's list, even across a crash. A mark already
// there is replaced, so a new upload restarts the deadline.
func (st *State) markProvisional(cid string, at time.Time) error {
	if err := ValidateCID(cid); err != nil {
		return err
	}
	st.pmu.Lock()
	defer st.pmu.Unlock()
	b := st.db.NewBatch()
	defer b.Close()
	old, err := st.db.Get(provKey(cid))
	if err != nil {
		return fmt.Errorf("vault: reading provisional uploads: %w", err)
	}
	if p, ok := decodeProvisional(cid, old); ok {
		_ = b.Delete(queueKey(p.sched, cid))
	}
	ns := at.UnixNano()
	v, err := provValue(ns, ns)
	if err != nil {
		return err
	}
	_ = b.Set(provKey(cid), v)
	_ = b.Set(queueKey(ns, cid), []byte{})
	if err := b.WriteSync(); err != nil {
		return fmt.Errorf("vault: recording a provisional upload: %w", err)
	}
	return nil
}

// clearProvisional forgets cid's mark once the chain showed its anchor. It
// reports whether there was one. Not synced: a mark that comes back after a
// crash costs the sweeper one more query, which finds the anchor again.
func (st *State) clearProvisional(cid string) (bool, error) {
	st.pmu.Lock()
	defer st.pmu.Unlock()
	old, err := st.db.Get(provKey(cid))
	if err != nil {
		return false, fmt.Errorf("vault: reading provisional uploads: %w", err)
	}
	if old == nil {
		return false, nil
	}
	if err := st.dropLocked(cid, old); err != nil {
		return false, err
	}
	return true, nil
}

// dropLocked deletes cid's mark (with value raw) and its queue entry.
func (st *State) dropLocked(cid string, raw []byte) error {
	b := st.db.NewBatch()
	defer b.Close()
	_ = b.Delete(provKey(cid))
	if p, ok := decodeProvisional(cid, raw); ok {
		_ = b.Delete(queueKey(p.sched, cid))
	}
	if err := b.Write(); err != nil {
		return fmt.Errorf("vault: removing a provisional upload: %w", err)
	}
	return nil
}

// provisionalOf returns cid's mark, if any.
func (st *State) provisionalOf(cid string) (provisional, bool, error) {
	raw, err := st.db.Get(provKey(cid))
	if err != nil {
		return provisional{}, false, fmt.Errorf("vault: reading provisional uploads: %w", err)
	}
	if raw == nil {
		return provisional{}, false, nil
	}
	p, ok := decodeProvisional(cid, raw)
	if !ok {
		return provisional{}, false, fmt.Errorf("vault: malformed provisional upload %s in the state database", cid)
	}
	return p, true, nil
}

// provisionalCount counts the marks (for tests and operators; it scans).
func (st *State) provisionalCount() (int, error) {
	it, err := st.db.Iterator([]byte{prefixProvisional}, []byte{prefixProvisional + 1})
	if err != nil {
		return 0, err
	}
	defer it.Close()
	n := 0
	for ; it.Valid(); it.Next() {
		n++
	}
	return n, it.Error()
}

// dueProvisional returns, oldest first, at most limit marks whose schedule
// is at or before cutoff (unix nanoseconds). A queue entry without a
// matching mark (which batches make impossible, short of a corrupted
// database) is removed.
func (st *State) dueProvisional(cutoff int64, limit int) ([]provisional, error) {
	if cutoff < 0 {
		return nil, nil
	}
	end := append([]byte{prefixQueue}, be64(uint64(cutoff)+1)...)
	if cutoff == math.MaxInt64 {
		end = []byte{prefixQueue + 1}
	}
	it, err := st.db.Iterator([]byte{prefixQueue}, end)
	if err != nil {
		return nil, fmt.Errorf("vault: reading the sweep queue: %w", err)
	}
	defer it.Close()
	var out []provisional
	var stale [][]byte
	for ; it.Valid() && len(out) < limit; it.Next() {
		k := it.Key()
		if len(k) <= 9 {
			stale = append(stale, bytes.Clone(k))
			continue
		}
		sched, cid := int64(binary.BigEndian.Uint64(k[1:9])), string(k[9:])
		p, ok, err := st.provisionalOf(cid)
		if err != nil {
			return nil, err
		}
		if !ok || p.sched != sched {
			stale = append(stale, bytes.Clone(k))
			continue
		}
		out = append(out, p)
	}
	if err := it.Error(); err != nil {
		return nil, fmt.Errorf("vault: reading the sweep queue: %w", err)
	}
	for _, k := range stale {
		_ = st.db.Delete(k)
	}
	return out, nil
}

// settle runs act and then drops p's mark, all under the provisional lock,
// if p's mark is still the one read (not replaced by a new upload, nor
// cleared by a confirmed anchor). It reports whether it acted. act runs
// before the mark goes, so a crash in between leaves the mark for the next
// sweep.
func (st *State) settle(p provisional, act func() error) (bool, error) {
	st.pmu.Lock()
	defer st.pmu.Unlock()
	cur, err := st.db.Get(provKey(p.cid))
	if err != nil {
		return false, fmt.Errorf("vault: reading provisional uploads: %w", err)
	}
	if !bytes.Equal(cur, p.raw) {
		return false, nil
	}
	if act != nil {
		if err := act(); err != nil {
			return false, err
		}
	}
	return true, st.dropLocked(p.cid, cur)
}

// reschedule moves p in the sweep queue to sched, if its mark is unchanged.
func (st *State) reschedule(p provisional, sched int64) error {
	st.pmu.Lock()
	defer st.pmu.Unlock()
	cur, err := st.db.Get(provKey(p.cid))
	if err != nil {
		return fmt.Errorf("vault: reading provisional uploads: %w", err)
	}
	if !bytes.Equal(cur, p.raw) {
		return nil
	}
	v := bytes.Clone(cur)
	copy(v[8:16], timeKey(sched))
	b := st.db.NewBatch()
	defer b.Close()
	_ = b.Delete(queueKey(p.sched, p.cid))
	_ = b.Set(provKey(p.cid), v)
	_ = b.Set(queueKey(sched, p.cid), []byte{})
	if err := b.Write(); err != nil {
		return fmt.Errorf("vault: rescheduling a provisional upload: %w", err)
	}
	return nil
}
