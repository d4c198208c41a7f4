package vault

import (
	"bytes"
	"errors"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cosmos/cosmos-sdk/types/bech32"

	"github.com/healthchain/healthd/internal/unixfs"
)

func newStore(t *testing.T) *DiskStore {
	t.Helper()
	s, err := NewDiskStore(filepath.Join(t.TempDir(), "vault"))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func pseudoRandom(n int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

func TestDiskStorePutBlob(t *testing.T) {
	cases := []struct {
		name    string
		data    []byte
		max     int64
		wantErr error
	}{
		{"small", []byte("ciphertext"), 0, nil},
		{"one chunk exactly", pseudoRandom(unixfs.ChunkSize, 1), 0, nil},
		{"several chunks (dag-pb root)", pseudoRandom(3*unixfs.ChunkSize+17, 2), 0, nil},
		{"at the limit", []byte("12345678"), 8, nil},
		{"over the limit", []byte("123456789"), 8, ErrTooLarge},
		{"empty", nil, 0, ErrEmpty},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := newStore(t)
			before := snapshot(t, s.Root())
			cid, size, err := s.PutBlob(bytes.NewReader(tc.data), tc.max)
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("err %v, want %v", err, tc.wantErr)
				}
				sameSnapshot(t, before, snapshot(t, s.Root()))
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if want := sumBytes(t, tc.data); cid != want || size != int64(len(tc.data)) {
				t.Fatalf("got %s/%d, want %s/%d", cid, size, want, len(tc.data))
			}
			rc, n, err := s.GetBlob(cid)
			if err != nil {
				t.Fatal(err)
			}
			got, _ := io.ReadAll(rc)
			rc.Close()
			if n != size || !bytes.Equal(got, tc.data) {
				t.Fatal("read back differs")
			}
			// Idempotent.
			cid2, size2, err := s.PutBlob(bytes.NewReader(tc.data), tc.max)
			if err != nil || cid2 != cid || size2 != size {
				t.Fatalf("re-upload: %s %d %v", cid2, size2, err)
			}
			entries, _ := os.ReadDir(filepath.Join(s.Root(), "blobs"))
			if len(entries) != 1 || entries[0].Name() != cid {
				t.Fatalf("blobs/ holds %v", entries)
			}
		})
	}
}

func TestDiskStorePermissions(t *testing.T) {
	s := newStore(t)
	cid, _, err := s.PutBlob(strings.NewReader("c1"), 0)
	if err != nil {
		t.Fatal(err)
	}
	acct := newAccount(t).addr
	if err := s.PutKey(cid, acct, []byte("k"), false); err != nil {
		t.Fatal(err)
	}
	cid2, _, _ := s.PutBlob(strings.NewReader("c2"), 0)
	if _, err := s.Erase(cid2, time.Now()); err != nil {
		t.Fatal(err)
	}
	for p, want := range map[string]os.FileMode{
		"":                               os.ModeDir | 0o700,
		"blobs":                          os.ModeDir | 0o700,
		"keys":                           os.ModeDir | 0o700,
		"erased":                         os.ModeDir | 0o700,
		filepath.Join("keys", cid):       os.ModeDir | 0o700,
		filepath.Join("blobs", cid):      0o600,
		filepath.Join("keys", cid, acct): 0o600,
		filepath.Join("erased", cid2):    0o600,
	} {
		info, err := os.Stat(filepath.Join(s.Root(), p))
		if err != nil {
			t.Fatal(err)
		}
		if info.Mode() != want {
			t.Errorf("%q: mode %v, want %v", p, info.Mode(), want)
		}
	}
}

func TestDiskStoreRejectsBadNames(t *testing.T) {
	parent := t.TempDir()
	s, err := NewDiskStore(filepath.Join(parent, "vault"))
	if err != nil {
		t.Fatal(err)
	}
	cid, _, err := s.PutBlob(strings.NewReader("blob"), 0)
	if err != nil {
		t.Fatal(err)
	}
	acct := newAccount(t)
	if err := s.PutKey(cid, acct.addr, []byte("k"), false); err != nil {
		t.Fatal(err)
	}
	// A file next to the store that traversal would reach.
	if err := os.WriteFile(filepath.Join(parent, "secret"), []byte("s"), 0o600); err != nil {
		t.Fatal(err)
	}
	cosmos, _ := bech32.ConvertAndEncode("cosmos", acct.priv.PubKey().Address())
	short, _ := bech32.ConvertAndEncode("health", []byte{1, 2, 3})

	badCIDs := []string{
		"", ".", "..", "../secret", "../../secret", "blobs/../../secret", "a/b", "/etc/passwd",
		".tmp-123", cid + "/..", cid + "\x00", "B" + strings.ToUpper(cid[1:]),
		"QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG", cid + "a", cid[:len(cid)-1],
	}
	badAccounts := []string{
		"", ".", "..", "../secret", "../../secret", "health1/../../secret", "a/b", "/etc/passwd",
		cosmos, strings.ToUpper(acct.addr), short, acct.addr + "x", ".tmp-x",
	}
	before := snapshot(t, parent)
	isInvalid := func(err error) bool { return errors.Is(err, ErrInvalidCID) || errors.Is(err, ErrInvalidAccount) }
	for _, bad := range badCIDs {
		if _, err := s.GetKey(bad, acct.addr); !isInvalid(err) {
			t.Errorf("GetKey(%q): %v", bad, err)
		}
		if err := s.PutKey(bad, acct.addr, []byte("x"), false); !isInvalid(err) {
			t.Errorf("PutKey(%q): %v", bad, err)
		}
		if _, _, err := s.GetBlob(bad); !isInvalid(err) {
			t.Errorf("GetBlob(%q): %v", bad, err)
		}
		if _, err := s.HasBlob(bad); !isInvalid(err) {
			t.Errorf("HasBlob(%q): %v", bad, err)
		}
		if err := s.DeleteBlob(bad); !isInvalid(err) {
			t.Errorf("DeleteBlob(%q): %v", bad, err)
		}
		if err := s.DeleteKeys(bad); !isInvalid(err) {
			t.Errorf("DeleteKeys(%q): %v", bad, err)
		}
		if _, err := s.Erase(bad, time.Now()); !isInvalid(err) {
			t.Errorf("Erase(%q): %v", bad, err)
		}
		if _, erased := s.Tombstone(bad); erased {
			t.Errorf("Tombstone(%q) reports erased", bad)
		}
	}
	for _, bad := range badAccounts {
		if _, err := s.GetKey(cid, bad); !errors.Is(err, ErrInvalidAccount) {
			t.Errorf("GetKey(cid, %q): %v", bad, err)
		}
		if err := s.PutKey(cid, bad, []byte("x"), false); !errors.Is(err, ErrInvalidAccount) {
			t.Errorf("PutKey(cid, %q): %v", bad, err)
		}
	}
	sameSnapshot(t, before, snapshot(t, parent))
}

func TestDiskStoreKeys(t *testing.T) {
	s := newStore(t)
	a, b := newAccount(t).addr, newAccount(t).addr
	cid, _, err := s.PutBlob(strings.NewReader("blob"), 0)
	if err != nil {
		t.Fatal(err)
	}
	missing := sumBytes(t, []byte("never stored"))

	if err := s.PutKey(missing, a, []byte("k"), false); !errors.Is(err, ErrBlobMissing) {
		t.Fatalf("key for a missing blob: %v", err)
	}
	if _, err := os.Stat(filepath.Join(s.Root(), "keys", missing)); !os.IsNotExist(err) {
		t.Fatal("refused key left a directory")
	}
	if err := s.PutKey(cid, a, nil, false); !errors.Is(err, ErrEmpty) {
		t.Fatalf("empty key: %v", err)
	}
	if err := s.PutKey(cid, a, make([]byte, MaxKeySize+1), false); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("large key: %v", err)
	}
	if _, err := s.GetKey(cid, a); !errors.Is(err, ErrNotFound) {
		t.Fatalf("absent key: %v", err)
	}
	for _, v := range []string{"first", "second"} {
		if err := s.PutKey(cid, a, []byte(v), true); err != nil {
			t.Fatal(err)
		}
		if got, err := s.GetKey(cid, a); err != nil || string(got) != v {
			t.Fatalf("got %q, %v", got, err)
		}
	}
	// Without replace, an existing key stays as it is.
	if err := s.PutKey(cid, a, []byte("third"), false); !errors.Is(err, ErrKeyExists) {
		t.Fatalf("replacing without replace: %v", err)
	}
	if got, err := s.GetKey(cid, a); err != nil || string(got) != "second" {
		t.Fatalf("key after a refused replacement: %q, %v", got, err)
	}
	if _, err := s.GetKey(cid, b); !errors.Is(err, ErrNotFound) {
		t.Fatalf("other account's key: %v", err)
	}
	if err := s.PutKey(cid, b, []byte("for b"), false); err != nil {
		t.Fatalf("a new key needs no replace: %v", err)
	}
	if err := s.DeleteKeys(cid); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetKey(cid, a); !errors.Is(err, ErrNotFound) {
		t.Fatalf("key after DeleteKeys: %v", err)
	}
	if err := s.DeleteKeys(cid); err != nil {
		t.Fatalf("second DeleteKeys: %v", err)
	}
}

func TestDiskStoreErase(t *testing.T) {
	s := newStore(t)
	a := newAccount(t).addr
	data := []byte("blob to erase")
	cid, _, err := s.PutBlob(bytes.NewReader(data), 0)
	if err != nil {
		t.Fatal(err)
	}
	other, _, _ := s.PutBlob(strings.NewReader("other blob"), 0)
	if err := s.PutKey(cid, a, []byte("k"), false); err != nil {
		t.Fatal(err)
	}
	if err := s.PutKey(other, a, []byte("k2"), false); err != nil {
		t.Fatal(err)
	}
	t1 := time.Date(2026, 1, 2, 3, 4, 5, 6, time.FixedZone("X", 3600))
	at, err := s.Erase(cid, t1)
	if err != nil || !at.Equal(t1) {
		t.Fatalf("erase: %v %v", at, err)
	}
	// Only the tombstone is left, holding only the time.
	snap := snapshot(t, s.Root())
	for p := range snap {
		if strings.Contains(p, cid) && p != filepath.Join("erased", cid) {
			t.Errorf("%s survived", p)
		}
	}
	if tomb, _ := os.ReadFile(filepath.Join(s.Root(), "erased", cid)); string(tomb) != t1.UTC().Format(time.RFC3339Nano) {
		t.Fatalf("tombstone %q", tomb)
	}
	if got, erased := s.Tombstone(cid); !erased || !got.Equal(t1) {
		t.Fatalf("Tombstone: %v %v", got, erased)
	}
	if k, err := s.GetKey(other, a); err != nil || string(k) != "k2" {
		t.Fatal("erasure touched another blob's keys")
	}
	if err := s.PutKey(cid, a, []byte("k"), false); !errors.Is(err, ErrErased) {
		t.Fatalf("key after erasure: %v", err)
	}
	// Idempotent, keeping the first time.
	if at, err := s.Erase(cid, t1.Add(time.Hour)); err != nil || !at.Equal(t1) {
		t.Fatalf("second erase: %v %v", at, err)
	}
	// A new upload of the same bytes is refused while the tombstone stands,
	// and leaves nothing behind.
	snap = snapshot(t, s.Root())
	if got, _, err := s.PutBlob(bytes.NewReader(data), 0); !errors.Is(err, ErrErased) || got != cid {
		t.Fatalf("upload of an erased CID: %q %v", got, err)
	}
	sameSnapshot(t, snap, snapshot(t, s.Root()))
	// Lifting the tombstone (the patient's act) lets it be uploaded again;
	// lifting it twice is refused.
	if err := s.LiftTombstone(cid); err != nil {
		t.Fatal(err)
	}
	if err := s.LiftTombstone(cid); !errors.Is(err, ErrNotErased) {
		t.Fatalf("second lift: %v", err)
	}
	if err := s.LiftTombstone("not-a-cid"); !errors.Is(err, ErrInvalidCID) {
		t.Fatalf("lift of a bad CID: %v", err)
	}
	if _, _, err := s.PutBlob(bytes.NewReader(data), 0); err != nil {
		t.Fatal(err)
	}
	if _, erased := s.Tombstone(cid); erased {
		t.Fatal("tombstone back after the lift")
	}
	if ok, _ := s.HasBlob(cid); !ok {
		t.Fatal("re-uploaded blob missing")
	}
	if _, err := s.GetKey(cid, a); !errors.Is(err, ErrNotFound) {
		t.Fatalf("a key survived erasure and lift: %v", err)
	}
	// Erasing a blob never held still records the act.
	never := sumBytes(t, []byte("never held"))
	if _, err := s.Erase(never, t1); err != nil {
		t.Fatal(err)
	}
	if _, erased := s.Tombstone(never); !erased {
		t.Fatal("no tombstone")
	}
	// DeleteBlob leaves no tombstone and is idempotent.
	if err := s.DeleteBlob(other); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteBlob(other); err != nil {
		t.Fatal(err)
	}
	if _, erased := s.Tombstone(other); erased {
		t.Fatal("DeleteBlob wrote a tombstone")
	}
	if _, _, err := s.GetBlob(other); !errors.Is(err, ErrNotFound) {
		t.Fatalf("deleted blob: %v", err)
	}
	// An unreadable tombstone fails closed.
	if err := os.WriteFile(filepath.Join(s.Root(), "erased", other), []byte("garbage"), 0o600); err != nil {
		t.Fatal(err)
	}
	if at, erased := s.Tombstone(other); !erased || !at.IsZero() {
		t.Fatalf("corrupt tombstone: %v %v", at, erased)
	}
}

func TestDiskStoreConcurrentSameBlob(t *testing.T) {
	s := newStore(t)
	data := pseudoRandom(unixfs.ChunkSize+1000, 3)
	want := sumBytes(t, data)
	const n = 16
	var wg sync.WaitGroup
	errs := make([]error, n)
	cids := make([]string, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cids[i], _, errs[i] = s.PutBlob(bytes.NewReader(data), 0)
		}()
	}
	wg.Wait()
	for i := 0; i < n; i++ {
		if errs[i] != nil || cids[i] != want {
			t.Fatalf("upload %d: %s %v", i, cids[i], errs[i])
		}
	}
	entries, _ := os.ReadDir(filepath.Join(s.Root(), "blobs"))
	if len(entries) != 1 || entries[0].Name() != want {
		t.Fatalf("blobs/ holds %d entries", len(entries))
	}
	got, _ := os.ReadFile(filepath.Join(s.Root(), "blobs", want))
	if !bytes.Equal(got, data) {
		t.Fatal("stored bytes differ")
	}
}

func TestDiskStoreRemovesStaleTemps(t *testing.T) {
	root := filepath.Join(t.TempDir(), "vault")
	if _, err := NewDiskStore(root); err != nil {
		t.Fatal(err)
	}
	old := filepath.Join(root, "blobs", ".tmp-old")
	fresh := filepath.Join(root, "blobs", ".tmp-fresh")
	for _, p := range []string{old, fresh} {
		if err := os.WriteFile(p, []byte("partial"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	past := time.Now().Add(-48 * time.Hour)
	if err := os.Chtimes(old, past, past); err != nil {
		t.Fatal(err)
	}
	if _, err := NewDiskStore(root); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(old); !os.IsNotExist(err) {
		t.Fatal("stale temporary file kept")
	}
	if _, err := os.Stat(fresh); err != nil {
		t.Fatal("fresh temporary file removed")
	}
}

func TestValidateAccount(t *testing.T) {
	a := newAccount(t)
	if err := ValidateAccount(a.addr); err != nil {
		t.Fatal(err)
	}
	long, _ := bech32.ConvertAndEncode("health", make([]byte, 32))
	if err := ValidateAccount(long); err != nil {
		t.Fatalf("32-byte address: %v", err)
	}
}

// TestDiskStorePutBlobLargestLimit: a limit of math.MaxInt64 (a flag set to
// its largest value) must not wrap the "limit + 1" probe and store nothing.
func TestDiskStorePutBlobLargestLimit(t *testing.T) {
	s := newStore(t)
	data := []byte("ciphertext under the largest limit")
	cid, size, err := s.PutBlob(bytes.NewReader(data), math.MaxInt64)
	if err != nil || size != int64(len(data)) || cid != sumBytes(t, data) {
		t.Fatalf("PutBlob: %q %d %v", cid, size, err)
	}
	// and a limit still refuses one byte more than it allows
	if _, _, err := s.PutBlob(bytes.NewReader(data), int64(len(data)-1)); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("over the limit: %v", err)
	}
}

// An Erase that died after writing its tombstone left the blob and keys
// behind: lifting the tombstone finishes the erasure instead of bringing them
// back.
func TestDiskStoreLiftAfterHalfErase(t *testing.T) {
	s := newStore(t)
	a := newAccount(t).addr
	cid, _, err := s.PutBlob(strings.NewReader("half-erased blob"), 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.PutKey(cid, a, []byte("k"), false); err != nil {
		t.Fatal(err)
	}
	// Erase's first step only: the tombstone.
	if err := writeFileAtomic(s.dir(dirErased), cid, []byte(time.Now().UTC().Format(time.RFC3339Nano))); err != nil {
		t.Fatal(err)
	}
	if err := s.LiftTombstone(cid); err != nil {
		t.Fatal(err)
	}
	for p := range snapshot(t, s.Root()) {
		if strings.Contains(p, cid) {
			t.Errorf("%s came back with the lifted tombstone", p)
		}
	}
	if _, err := s.GetKey(cid, a); err == nil {
		t.Fatal("the erased key is readable again")
	}
}
