package vault

import (
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/cosmos/cosmos-sdk/types/bech32"

	"github.com/healthchain/healthd/internal/unixfs"
)

// AccountPrefix is the bech32 human-readable part of healthd accounts.
const AccountPrefix = "health"

// MaxKeySize bounds a wrapped record key (an age file holding one file key).
const MaxKeySize = 16 << 10

// Store errors. Implementations wrap these so callers can use errors.Is.
var (
	// ErrNotFound: the blob or key is not held.
	ErrNotFound = errors.New("vault: not found")
	// ErrInvalidCID: the CID is not a CIDv1 of the kind unixfs.Sum produces.
	ErrInvalidCID = errors.New("vault: invalid CID")
	// ErrInvalidAccount: the account is not a canonical health1... bech32 address.
	ErrInvalidAccount = errors.New("vault: invalid account")
	// ErrTooLarge: the blob or key is larger than allowed.
	ErrTooLarge = errors.New("vault: too large")
	// ErrEmpty: an empty blob or key; an encrypted blob is never empty.
	ErrEmpty = errors.New("vault: empty")
	// ErrBlobMissing: a key was offered for a blob the store does not hold.
	ErrBlobMissing = errors.New("vault: blob not held")
	// ErrErased: the blob was erased at the patient's request.
	ErrErased = errors.New("vault: erased")
	// ErrKeyExists: a key is already wrapped for the account, and the caller
	// may not replace it.
	ErrKeyExists = errors.New("vault: key already wrapped for this account")
	// ErrNotErased: there is no tombstone to lift.
	ErrNotErased = errors.New("vault: not erased")
)

// Store holds encrypted blobs, addressed by their CID, and the record keys
// wrapped for each account. It never sees plaintext: blobs are ciphertext and
// keys are wrapped (age-encrypted) to the account's encryption key.
//
// DiskStore is the local implementation; an IPFS-backed store can implement
// the same interface.
type Store interface {
	// PutBlob reads r to the end (refusing more than maxSize bytes with
	// ErrTooLarge; maxSize <= 0 means no limit), computes its CID with
	// unixfs.Sum and stores it. Storing bytes already held is a no-op that
	// succeeds. Storing a CID that was erased is refused with ErrErased (the
	// CID is returned with it): only the patient lifts a tombstone
	// (LiftTombstone), so no one else can bring an erased record back.
	PutBlob(r io.Reader, maxSize int64) (cid string, size int64, err error)
	// GetBlob opens a blob; the caller closes it. ErrNotFound if not held.
	GetBlob(cid string) (io.ReadCloser, int64, error)
	// HasBlob reports whether the blob is held.
	HasBlob(cid string) (bool, error)
	// DeleteBlob removes a blob without writing a tombstone. Removing a blob
	// that is not held succeeds.
	DeleteBlob(cid string) error
	// PutKey stores the record key wrapped for account. A key already
	// wrapped for account is replaced only if replace is set, else
	// ErrKeyExists. The blob must be held (ErrBlobMissing) and not erased
	// (ErrErased).
	PutKey(cid, account string, wrapped []byte, replace bool) error
	// GetKey returns the key wrapped for account; ErrNotFound if none.
	GetKey(cid, account string) ([]byte, error)
	// DeleteKeys removes every key wrapped for the blob.
	DeleteKeys(cid string) error
	// Erase records the erasure of cid (a tombstone holding only the time),
	// then removes every wrapped key and the blob. It returns the erasure
	// time: a CID already erased keeps its first erasure time, so Erase is
	// idempotent and finishes an erasure interrupted by a crash.
	Erase(cid string, at time.Time) (time.Time, error)
	// Tombstone reports whether cid was erased, and when.
	Tombstone(cid string) (time.Time, bool)
	// LiftTombstone removes cid's tombstone so that its blob may be uploaded
	// again (its keys stay gone); ErrNotErased if there is none.
	LiftTombstone(cid string) error
}

// ValidateCID accepts only CIDv1 strings of the kind unixfs.Sum produces. It
// additionally checks the character set, so a CID is always a single safe
// path element.
func ValidateCID(cid string) error {
	if err := unixfs.Validate(cid); err != nil {
		return fmt.Errorf("%w: %v", ErrInvalidCID, err)
	}
	if !safeName(cid) {
		return fmt.Errorf("%w: unexpected characters", ErrInvalidCID)
	}
	return nil
}

// ValidateAccount accepts only canonical (lower-case) bech32 account addresses
// with the "health" prefix.
func ValidateAccount(account string) error {
	if account == "" {
		return fmt.Errorf("%w: empty", ErrInvalidAccount)
	}
	if len(account) > 128 {
		return fmt.Errorf("%w: longer than 128 characters", ErrInvalidAccount)
	}
	hrp, bz, err := bech32.DecodeAndConvert(account)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrInvalidAccount, err)
	}
	if hrp != AccountPrefix {
		return fmt.Errorf("%w: prefix %q, want %q", ErrInvalidAccount, hrp, AccountPrefix)
	}
	if len(bz) != 20 && len(bz) != 32 {
		return fmt.Errorf("%w: %d address bytes, want 20 or 32", ErrInvalidAccount, len(bz))
	}
	canonical, err := bech32.ConvertAndEncode(AccountPrefix, bz)
	if err != nil || canonical != account {
		return fmt.Errorf("%w: not in canonical lower-case form", ErrInvalidAccount)
	}
	if !safeName(account) {
		return fmt.Errorf("%w: unexpected characters", ErrInvalidAccount)
	}
	return nil
}

// safeName reports whether s is non-empty and only ASCII letters and digits,
// so it can never name a parent directory, a hidden or temporary file, or a
// path with separators.
func safeName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < 'a' || c > 'z') && (c < 'A' || c > 'Z') && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}

// DiskStore is a Store on the local file system:
//
//	<root>/blobs/<cid>             the encrypted blob
//	<root>/keys/<cid>/<account>    the record key wrapped for account
//	<root>/erased/<cid>            tombstone: only the erasure time (RFC 3339)
//
// Directories are 0700 and files 0600. Every write goes to a temporary file
// (".tmp-*") in the destination directory, is fsynced and renamed into
// place, and the directory is fsynced. CIDs and accounts are validated before
// any path is built from them.
type DiskStore struct {
	root string
	// mu serialises the metadata changes (commit of a blob, keys, erasure),
	// so that an erasure cannot interleave with a key upload. Streaming a
	// blob to its temporary file happens outside the lock.
	mu sync.Mutex
}

var _ Store = (*DiskStore)(nil)

const (
	dirBlobs  = "blobs"
	dirKeys   = "keys"
	dirErased = "erased"
	tmpPrefix = ".tmp-"
	// staleTemp is how old a leftover temporary file must be before
	// NewDiskStore removes it.
	staleTemp = 24 * time.Hour
)

// NewDiskStore opens (creating if needed) a DiskStore under root.
func NewDiskStore(root string) (*DiskStore, error) {
	if root == "" {
		return nil, errors.New("vault: empty store root")
	}
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, fmt.Errorf("vault: store root: %w", err)
	}
	s := &DiskStore{root: abs}
	for _, d := range []string{abs, s.dir(dirBlobs), s.dir(dirKeys), s.dir(dirErased)} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return nil, fmt.Errorf("vault: creating %s: %w", d, err)
		}
		if err := os.Chmod(d, 0o700); err != nil {
			return nil, fmt.Errorf("vault: restricting %s: %w", d, err)
		}
	}
	s.removeStaleTemps()
	return s, nil
}

// Root returns the store's directory.
func (s *DiskStore) Root() string { return s.root }

func (s *DiskStore) dir(parts ...string) string {
	return filepath.Join(append([]string{s.root}, parts...)...)
}

// removeStaleTemps deletes temporary files left by a crash.
func (s *DiskStore) removeStaleTemps() {
	dirs := []string{s.dir(dirBlobs), s.dir(dirErased)}
	if entries, err := os.ReadDir(s.dir(dirKeys)); err == nil {
		for _, e := range entries {
			if e.IsDir() && safeName(e.Name()) {
				dirs = append(dirs, s.dir(dirKeys, e.Name()))
			}
		}
	}
	cutoff := time.Now().Add(-staleTemp)
	for _, d := range dirs {
		entries, err := os.ReadDir(d)
		if err != nil {
			continue
		}
		for _, e := range entries {
			if !strings.HasPrefix(e.Name(), tmpPrefix) {
				continue
			}
			if info, err := e.Info(); err == nil && info.ModTime().Before(cutoff) {
				_ = os.Remove(filepath.Join(d, e.Name()))
			}
		}
	}
}

// countingReader counts bytes and stops after limit+1 of them, so that an
// over-long input is detected without reading all of it.
type countingReader struct {
	r     io.Reader
	n     int64
	limit int64 // <= 0: none
}

func (c *countingReader) Read(p []byte) (int, error) {
	if c.limit > 0 {
		// One byte past the limit is read, to detect an over-long input;
		// written so that a limit of math.MaxInt64 cannot wrap.
		left := c.limit - c.n
		if left < 0 {
			return 0, io.EOF
		}
		if left < math.MaxInt64 {
			left++
		}
		if int64(len(p)) > left {
			p = p[:left]
		}
	}
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// PutBlob implements Store.
func (s *DiskStore) PutBlob(r io.Reader, maxSize int64) (string, int64, error) {
	dir := s.dir(dirBlobs)
	f, err := os.CreateTemp(dir, tmpPrefix+"*")
	if err != nil {
		return "", 0, fmt.Errorf("vault: creating temporary blob: %w", err)
	}
	tmp := f.Name()
	committed := false
	defer func() {
		if !committed {
			_ = f.Close()
			_ = os.Remove(tmp)
		}
	}()

	cr := &countingReader{r: r, limit: maxSize}
	cid, err := unixfs.Sum(io.TeeReader(cr, f))
	if err != nil {
		return "", 0, fmt.Errorf("vault: writing blob: %w", err)
	}
	// unixfs.Sum reads to EOF; make sure nothing was left behind.
	if extra, err := io.Copy(f, cr); err != nil || extra != 0 {
		return "", 0, fmt.Errorf("vault: writing blob: input not fully consumed")
	}
	size := cr.n
	if maxSize > 0 && size > maxSize {
		return "", 0, fmt.Errorf("%w: blob larger than %d bytes", ErrTooLarge, maxSize)
	}
	if size == 0 {
		return "", 0, fmt.Errorf("%w: an encrypted blob is never empty", ErrEmpty)
	}
	if err := ValidateCID(cid); err != nil {
		return "", 0, err
	}
	if err := f.Sync(); err != nil {
		return "", 0, fmt.Errorf("vault: syncing blob: %w", err)
	}
	if err := f.Close(); err != nil {
		return "", 0, fmt.Errorf("vault: closing blob: %w", err)
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	// An erased CID stays erased until the patient lifts the tombstone: an
	// upload of the same bytes (by the author, or anyone holding them) does
	// not bring the record back.
	if at, erased := s.tombstone(cid); erased {
		return cid, 0, fmt.Errorf("%w: blob %s was erased at %s", ErrErased, cid, at.Format(time.RFC3339))
	}
	final := filepath.Join(dir, cid)
	if _, err := os.Lstat(final); err == nil {
		// Same bytes, same CID: already held. The temporary file goes.
		_ = os.Remove(tmp)
		committed = true
	} else if !errors.Is(err, os.ErrNotExist) {
		return "", 0, fmt.Errorf("vault: checking blob: %w", err)
	} else {
		if err := os.Rename(tmp, final); err != nil {
			return "", 0, fmt.Errorf("vault: storing blob: %w", err)
		}
		committed = true
		if err := syncDir(dir); err != nil {
			return "", 0, err
		}
	}
	return cid, size, nil
}

// GetBlob implements Store.
func (s *DiskStore) GetBlob(cid string) (io.ReadCloser, int64, error) {
	if err := ValidateCID(cid); err != nil {
		return nil, 0, err
	}
	f, err := os.Open(s.dir(dirBlobs, cid))
	if errors.Is(err, os.ErrNotExist) {
		return nil, 0, fmt.Errorf("%w: blob %s", ErrNotFound, cid)
	}
	if err != nil {
		return nil, 0, fmt.Errorf("vault: opening blob: %w", err)
	}
	info, err := f.Stat()
	if err != nil {
		_ = f.Close()
		return nil, 0, fmt.Errorf("vault: blob size: %w", err)
	}
	if !info.Mode().IsRegular() {
		_ = f.Close()
		return nil, 0, fmt.Errorf("vault: blob %s is not a regular file", cid)
	}
	return f, info.Size(), nil
}

// HasBlob implements Store.
func (s *DiskStore) HasBlob(cid string) (bool, error) {
	if err := ValidateCID(cid); err != nil {
		return false, err
	}
	return exists(s.dir(dirBlobs, cid))
}

// DeleteBlob implements Store.
func (s *DiskStore) DeleteBlob(cid string) error {
	if err := ValidateCID(cid); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return removeSynced(s.dir(dirBlobs), cid)
}

// PutKey implements Store.
func (s *DiskStore) PutKey(cid, account string, wrapped []byte, replace bool) error {
	if err := ValidateCID(cid); err != nil {
		return err
	}
	if err := ValidateAccount(account); err != nil {
		return err
	}
	if len(wrapped) == 0 {
		return fmt.Errorf("%w: wrapped key", ErrEmpty)
	}
	if len(wrapped) > MaxKeySize {
		return fmt.Errorf("%w: wrapped key larger than %d bytes", ErrTooLarge, MaxKeySize)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if at, erased := s.tombstone(cid); erased {
		return fmt.Errorf("%w: blob %s was erased at %s", ErrErased, cid, at.Format(time.RFC3339))
	}
	held, err := exists(s.dir(dirBlobs, cid))
	if err != nil {
		return err
	}
	if !held {
		return fmt.Errorf("%w: %s", ErrBlobMissing, cid)
	}
	if !replace {
		// Checked under the lock, so two uploads cannot both create it.
		has, err := exists(s.dir(dirKeys, cid, account))
		if err != nil {
			return err
		}
		if has {
			return fmt.Errorf("%w: %s", ErrKeyExists, account)
		}
	}
	if err := mkdirSynced(s.dir(dirKeys), cid); err != nil {
		return err
	}
	return writeFileAtomic(s.dir(dirKeys, cid), account, wrapped)
}

// GetKey implements Store.
func (s *DiskStore) GetKey(cid, account string) ([]byte, error) {
	if err := ValidateCID(cid); err != nil {
		return nil, err
	}
	if err := ValidateAccount(account); err != nil {
		return nil, err
	}
	f, err := os.Open(s.dir(dirKeys, cid, account))
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("%w: no key for %s", ErrNotFound, account)
	}
	if err != nil {
		return nil, fmt.Errorf("vault: opening key: %w", err)
	}
	defer f.Close()
	bz, err := io.ReadAll(io.LimitReader(f, MaxKeySize+1))
	if err != nil {
		return nil, fmt.Errorf("vault: reading key: %w", err)
	}
	if len(bz) > MaxKeySize {
		return nil, fmt.Errorf("vault: stored key for %s is larger than %d bytes", account, MaxKeySize)
	}
	return bz, nil
}

// DeleteKeys implements Store.
func (s *DiskStore) DeleteKeys(cid string) error {
	if err := ValidateCID(cid); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.deleteKeys(cid)
}

func (s *DiskStore) deleteKeys(cid string) error {
	if err := os.RemoveAll(s.dir(dirKeys, cid)); err != nil {
		return fmt.Errorf("vault: removing keys: %w", err)
	}
	return syncDir(s.dir(dirKeys))
}

// Erase implements Store.
func (s *DiskStore) Erase(cid string, at time.Time) (time.Time, error) {
	if err := ValidateCID(cid); err != nil {
		return time.Time{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	when, erased := s.tombstone(cid)
	if !erased {
		when = at.UTC()
		// The tombstone goes first: if the process dies half-way, the CID
		// already reads as erased and a second Erase finishes the job.
		if err := writeFileAtomic(s.dir(dirErased), cid, []byte(when.Format(time.RFC3339Nano))); err != nil {
			return time.Time{}, err
		}
	}
	if err := s.deleteKeys(cid); err != nil {
		return time.Time{}, err
	}
	if err := removeSynced(s.dir(dirBlobs), cid); err != nil {
		return time.Time{}, err
	}
	return when, nil
}

// Tombstone implements Store.
func (s *DiskStore) Tombstone(cid string) (time.Time, bool) {
	if ValidateCID(cid) != nil {
		return time.Time{}, false
	}
	return s.tombstone(cid)
}

// LiftTombstone implements Store.
func (s *DiskStore) LiftTombstone(cid string) error {
	if err := ValidateCID(cid); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	has, err := exists(s.dir(dirErased, cid))
	if err != nil {
		return err
	}
	if !has {
		return fmt.Errorf("%w: %s", ErrNotErased, cid)
	}
	// An Erase that died half-way left keys or the blob behind the tombstone:
	// finish it before lifting, so lifting never brings back erased data.
	if err := s.deleteKeys(cid); err != nil {
		return err
	}
	if err := removeSynced(s.dir(dirBlobs), cid); err != nil {
		return err
	}
	return removeSynced(s.dir(dirErased), cid)
}

func (s *DiskStore) tombstone(cid string) (time.Time, bool) {
	bz, err := os.ReadFile(s.dir(dirErased, cid))
	if errors.Is(err, os.ErrNotExist) {
		return time.Time{}, false
	}
	if err != nil {
		// Unreadable tombstone: fail closed, treat as erased.
		return time.Time{}, true
	}
	t, err := time.Parse(time.RFC3339Nano, strings.TrimSpace(string(bz)))
	if err != nil {
		return time.Time{}, true
	}
	return t, true
}

// --- file helpers ---

func exists(path string) (bool, error) {
	_, err := os.Lstat(path)
	if err == nil {
		return true, nil
	}
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	return false, fmt.Errorf("vault: %w", err)
}

// writeFileAtomic writes dir/name through a synced temporary file and a
// rename, then syncs dir.
func writeFileAtomic(dir, name string, data []byte) error {
	f, err := os.CreateTemp(dir, tmpPrefix+"*")
	if err != nil {
		return fmt.Errorf("vault: creating temporary file: %w", err)
	}
	tmp := f.Name()
	ok := false
	defer func() {
		if !ok {
			_ = f.Close()
			_ = os.Remove(tmp)
		}
	}()
	if err := f.Chmod(0o600); err != nil {
		return fmt.Errorf("vault: %w", err)
	}
	if _, err := f.Write(data); err != nil {
		return fmt.Errorf("vault: writing %s: %w", name, err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("vault: syncing %s: %w", name, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("vault: closing %s: %w", name, err)
	}
	if err := os.Rename(tmp, filepath.Join(dir, name)); err != nil {
		return fmt.Errorf("vault: storing %s: %w", name, err)
	}
	ok = true
	return syncDir(dir)
}

// mkdirSynced creates parent/name (0700) if missing and syncs parent.
func mkdirSynced(parent, name string) error {
	err := os.Mkdir(filepath.Join(parent, name), 0o700)
	if errors.Is(err, os.ErrExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("vault: creating directory: %w", err)
	}
	return syncDir(parent)
}

// removeSynced removes dir/name if present and syncs dir.
func removeSynced(dir, name string) error {
	err := os.Remove(filepath.Join(dir, name))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("vault: removing %s: %w", name, err)
	}
	return syncDir(dir)
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("vault: opening directory: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("vault: syncing directory: %w", err)
	}
	return nil
}
