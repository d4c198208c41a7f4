package shamir

import (
	"bytes"
	"crypto/rand"
	"errors"
	"testing"
)

// TestFieldVectors: the worked examples of FIPS-197 (AES), whose field this
// is: {57}·{83} = {c1} (§4.2), {57}·{13} = {fe} (§4.2.1), and the inverse
// of {53} is {ca} (§5.1.1).
func TestFieldVectors(t *testing.T) {
	for _, tc := range []struct{ a, b, want byte }{
		{0x57, 0x83, 0xc1}, {0x57, 0x13, 0xfe}, {0x57, 0x02, 0xae}, {0x57, 0x04, 0x47},
		{0x57, 0x08, 0x8e}, {0x57, 0x10, 0x07}, {0x01, 0xff, 0xff}, {0x00, 0xab, 0x00},
	} {
		if got := mul(tc.a, tc.b); got != tc.want {
			t.Errorf("%#x * %#x = %#x, want %#x", tc.a, tc.b, got, tc.want)
		}
		if got := mul(tc.b, tc.a); got != tc.want {
			t.Errorf("not commutative at %#x, %#x", tc.a, tc.b)
		}
	}
	if got := inv(0x53); got != 0xca {
		t.Fatalf("inv(0x53) = %#x, want 0xca", got)
	}
	for a := 1; a < 256; a++ {
		if mul(byte(a), inv(byte(a))) != 1 {
			t.Fatalf("%#x * inv = %#x", a, mul(byte(a), inv(byte(a))))
		}
	}
}

// TestSplitVectors: shares computed by hand. With k = 2 the polynomial is
// p(x) = s + c·x; with s = 0x42 and c = 0x01, p(1) = 0x43, p(2) = 0x40,
// p(3) = 0x41. With k = 3, s = 0x42, c1 = 0x01, c2 = 0x02:
// p(1) = 0x42^0x01^0x02 = 0x41; p(2) = 0x42^0x02^mul(2,4)=0x08 → 0x48;
// p(3) = 0x42^0x03^mul(2,mul(3,3)=5)=0x0a → 0x4b.
func TestSplitVectors(t *testing.T) {
	shares, err := SplitFrom(bytes.NewReader([]byte{0x01}), []byte{0x42}, 3, 2)
	if err != nil {
		t.Fatal(err)
	}
	want := [][]byte{{1, 0x43}, {2, 0x40}, {3, 0x41}}
	for i := range want {
		if !bytes.Equal(shares[i], want[i]) {
			t.Fatalf("k=2 share %d = %x, want %x", i, shares[i], want[i])
		}
	}
	shares, err = SplitFrom(bytes.NewReader([]byte{0x01, 0x02}), []byte{0x42}, 3, 3)
	if err != nil {
		t.Fatal(err)
	}
	want = [][]byte{{1, 0x41}, {2, 0x48}, {3, 0x4b}}
	for i := range want {
		if !bytes.Equal(shares[i], want[i]) {
			t.Fatalf("k=3 share %d = %x, want %x", i, shares[i], want[i])
		}
	}
	got, err := Combine(want)
	if err != nil || !bytes.Equal(got, []byte{0x42}) {
		t.Fatalf("combine: %x %v", got, err)
	}
}

// subsets calls f with every subset of size k of 0..n-1.
func subsets(n, k int, f func([]int)) {
	idx := make([]int, k)
	var rec func(start, depth int)
	rec = func(start, depth int) {
		if depth == k {
			f(idx)
			return
		}
		for i := start; i < n; i++ {
			idx[depth] = i
			rec(i+1, depth+1)
		}
	}
	rec(0, 0)
}

// TestAnyKReconstruct: every subset of k or more of the n shares gives the
// secret back, for the vault's 3 of 4 and other shapes.
func TestAnyKReconstruct(t *testing.T) {
	secret := make([]byte, 32)
	if _, err := rand.Read(secret); err != nil {
		t.Fatal(err)
	}
	for _, p := range [][2]int{{4, 3}, {2, 2}, {5, 2}, {7, 4}, {10, 10}} {
		n, k := p[0], p[1]
		shares, err := Split(secret, n, k)
		if err != nil {
			t.Fatal(err)
		}
		for m := k; m <= n; m++ {
			subsets(n, m, func(idx []int) {
				var sel [][]byte
				for _, i := range idx {
					sel = append(sel, shares[i])
				}
				got, err := Combine(sel)
				if err != nil || !bytes.Equal(got, secret) {
					t.Fatalf("%d of %d, shares %v: %x %v", m, n, idx, got, err)
				}
			})
		}
	}
}

// TestFewerThanKRevealNothing: for a one-byte secret, the k-1 shares an
// attacker holds are consistent with every possible secret by exactly as
// many polynomials (256^(0) for k=2, 256 for k=3): every secret is equally
// likely given them. Counted by brute force over all polynomials.
func TestFewerThanKRevealNothing(t *testing.T) {
	eval := func(coef []byte, x byte) byte {
		var y byte
		for d := len(coef) - 1; d >= 0; d-- {
			y = mul(y, x) ^ coef[d]
		}
		return y
	}
	for _, k := range []int{2, 3} {
		shares, err := Split([]byte{0x9d}, 4, k)
		if err != nil {
			t.Fatal(err)
		}
		held := shares[1:k] // k-1 shares
		var counts [256]int
		coef := make([]byte, k)
		var walk func(d int)
		walk = func(d int) {
			if d == k {
				for _, s := range held {
					if eval(coef, s[0]) != s[1] {
						return
					}
				}
				counts[coef[0]]++
				return
			}
			for c := range 256 {
				coef[d] = byte(c)
				walk(d + 1)
			}
		}
		walk(0)
		for s := 1; s < 256; s++ {
			if counts[s] != counts[0] || counts[0] == 0 {
				t.Fatalf("k=%d: secret %#x has %d consistent polynomials, secret 0 has %d", k, s, counts[s], counts[0])
			}
		}
	}
}

func TestRefusals(t *testing.T) {
	for _, tc := range []struct {
		n, k   int
		secret []byte
	}{{3, 1, []byte{1}}, {2, 3, []byte{1}}, {256, 2, []byte{1}}, {3, 2, nil}, {3, 2, make([]byte, MaxSecret+1)}} {
		if _, err := Split(tc.secret, tc.n, tc.k); !errors.Is(err, ErrParams) {
			t.Errorf("n=%d k=%d len=%d: %v", tc.n, tc.k, len(tc.secret), err)
		}
	}
	shares, _ := Split([]byte("key"), 3, 2)
	for name, sel := range map[string][][]byte{
		"none":          nil,
		"duplicate x":   {shares[0], shares[0]},
		"zero x":        {{0, 1, 2, 3}, shares[1]},
		"unequal sizes": {shares[0], shares[1][:3]},
	} {
		if _, err := Combine(sel); !errors.Is(err, ErrShares) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := Combine([][]byte{{1}}); !errors.Is(err, ErrShortShare) {
		t.Errorf("short share: %v", err)
	}
	if _, err := SplitFrom(bytes.NewReader(nil), []byte("key"), 3, 2); err == nil {
		t.Error("split without randomness succeeded")
	}
}

// FuzzSplitCombine: any k of the n shares reconstruct any secret; Combine
// never panics on arbitrary shares.
func FuzzSplitCombine(f *testing.F) {
	f.Add([]byte("a record key of thirty-two bytes"), uint8(4), uint8(3), uint8(0b1011))
	f.Add([]byte{0}, uint8(2), uint8(2), uint8(3))
	f.Fuzz(func(t *testing.T, secret []byte, n8, k8, pick uint8) {
		n, k := int(n8%12)+2, 0
		k = int(k8)%(n-1) + 2
		shares, err := Split(secret, n, k)
		if len(secret) == 0 || len(secret) > MaxSecret {
			if !errors.Is(err, ErrParams) {
				t.Fatalf("bad secret length %d accepted", len(secret))
			}
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		// k shares chosen from pick, rotating through all n.
		var sel [][]byte
		for i := 0; len(sel) < k; i++ {
			sel = append(sel, shares[(int(pick)+i)%n])
		}
		got, err := Combine(sel)
		if err != nil || !bytes.Equal(got, secret) {
			t.Fatalf("n=%d k=%d: %x, %v", n, k, got, err)
		}
		_, _ = Combine([][]byte{secret, append([]byte{pick}, secret...)})
	})
}
