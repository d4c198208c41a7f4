package unixfs

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

const (
	// `echo "hello world" | ipfs add --cid-version=1` ("hello world\n"),
	// checked against boxo in TestBoxoCrossCheck.
	helloWorldCID = "bafkreifjjcie6lypi6ny7amxnfftagclbuxndqonfipmb64f2km2devei4"
	// `echo -n "hello world" | ipfs add --cid-version=1` (no newline).
	helloWorldNoNewlineCID = "bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e"
	// `ipfs add --cid-version=1` of an empty file
	emptyCID = "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku"
)

func TestKnownVectors(t *testing.T) {
	if got := SumBytes([]byte("hello world\n")); got != helloWorldCID {
		t.Errorf("hello world\\n: got %s, want %s", got, helloWorldCID)
	}
	if got := SumBytes([]byte("hello world")); got != helloWorldNoNewlineCID {
		t.Errorf("hello world: got %s, want %s", got, helloWorldNoNewlineCID)
	}
	if got := SumBytes(nil); got != emptyCID {
		t.Errorf("empty: got %s, want %s", got, emptyCID)
	}
	got, err := Sum(strings.NewReader(""))
	if err != nil || got != emptyCID {
		t.Errorf("Sum(empty) = %s, %v", got, err)
	}
}

// A single block's CID is the raw codec over the SHA2-256 of the bytes.
func TestSingleBlockLayout(t *testing.T) {
	data := bytes.Repeat([]byte{0xab}, ChunkSize)
	d := sha256.Sum256(data)
	want := "b" + base32Encode(append([]byte{0x01, 0x55, 0x12, 0x20}, d[:]...))
	if got := SumBytes(data); got != want {
		t.Fatalf("got %s, want %s", got, want)
	}
}

// Two leaves: check the dag-pb/UnixFS bytes of the root by hand.
func TestTwoLeafRootEncoding(t *testing.T) {
	data := bytes.Repeat([]byte{'x'}, ChunkSize+5)
	l1, l2 := leaf(data[:ChunkSize]), leaf(data[ChunkSize:])
	var want []byte
	for _, l := range []link{l1, l2} {
		pbl := append([]byte{0x0a, 0x24}, l.cid...) // Hash, 36 bytes
		pbl = append(pbl, 0x12, 0x00)               // Name ""
		pbl = append(pbl, 0x18)                     // Tsize
		pbl = appendVarint(pbl, l.tsize)
		want = append(want, 0x12, byte(len(pbl)))
		want = append(want, pbl...)
	}
	ufs := []byte{0x08, 0x02, 0x18}
	ufs = appendVarint(ufs, uint64(len(data)))
	ufs = append(ufs, 0x20)
	ufs = appendVarint(ufs, ChunkSize)
	ufs = append(ufs, 0x20, 0x05)
	want = append(want, 0x0a, byte(len(ufs)))
	want = append(want, ufs...)

	b := builder{maxLinks: MaxLinks}
	root := b.node([]link{l1, l2})
	if !bytes.Equal(b.enc, want) {
		t.Fatalf("root encoding\ngot  %x\nwant %x", b.enc, want)
	}
	if root.tsize != uint64(len(want))+ChunkSize+5 || root.filesize != ChunkSize+5 {
		t.Fatalf("tsize %d filesize %d", root.tsize, root.filesize)
	}
	d := sha256.Sum256(want)
	wantCID := "b" + base32Encode(append([]byte{0x01, 0x70, 0x12, 0x20}, d[:]...))
	if got := SumBytes(data); got != wantCID {
		t.Fatalf("got %s, want %s", got, wantCID)
	}
}

// Sum must not depend on how the reader splits its data.
func TestSumReaders(t *testing.T) {
	data := randomBytes(1, 3*ChunkSize+1234)
	want := SumBytes(data)
	readers := map[string]io.Reader{
		"bytes":   bytes.NewReader(data),
		"onebyte": iotest.OneByteReader(bytes.NewReader(data[:ChunkSize+3])),
		"half":    iotest.HalfReader(bytes.NewReader(data)),
		"dataerr": iotest.DataErrReader(bytes.NewReader(data)),
	}
	for name, r := range readers {
		w := want
		if name == "onebyte" {
			w = SumBytes(data[:ChunkSize+3])
		}
		got, err := Sum(r)
		if err != nil || got != w {
			t.Errorf("%s: got %s, %v; want %s", name, got, err, w)
		}
	}
}

func TestSumReadError(t *testing.T) {
	boom := errors.New("boom")
	r := io.MultiReader(bytes.NewReader(make([]byte, ChunkSize+10)), iotest.ErrReader(boom))
	if _, err := Sum(r); !errors.Is(err, boom) {
		t.Fatalf("err = %v, want wrapped boom", err)
	}
}

func TestBase32RoundTrip(t *testing.T) {
	for n := 0; n < 64; n++ {
		b := randomBytes(uint64(n)+100, n)
		s := base32Encode(b)
		got, err := base32Decode(s)
		if err != nil || !bytes.Equal(got, b) {
			t.Fatalf("n=%d: %q -> %x, %v", n, s, got, err)
		}
	}
	// RFC 4648 test vectors, lower case, no padding.
	for in, want := range map[string]string{
		"": "", "f": "my", "fo": "mzxq", "foo": "mzxw6", "foob": "mzxw6yq", "fooba": "mzxw6ytb", "foobar": "mzxw6ytboi",
	} {
		if got := base32Encode([]byte(in)); got != want {
			t.Errorf("base32(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestVarint(t *testing.T) {
	for _, x := range []uint64{0, 1, 127, 128, 255, 300, 16383, 16384, 1 << 32, 1<<63 - 1} {
		b := appendVarint(nil, x)
		if len(b) != varintLen(x) {
			t.Errorf("varintLen(%d) = %d, encoded %d", x, varintLen(x), len(b))
		}
		if x >= 1<<63 {
			continue
		}
		got, n, err := readVarint(b)
		if err != nil || got != x || n != len(b) {
			t.Errorf("readVarint(%x) = %d, %d, %v", b, got, n, err)
		}
	}
	for _, bad := range [][]byte{{}, {0x80}, {0x81, 0x00}, {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}} {
		if _, _, err := readVarint(bad); err == nil {
			t.Errorf("readVarint(%x) accepted", bad)
		}
	}
}

// cidString builds 'b' + base32 of raw bytes, for Validate tests.
func cidString(raw ...[]byte) string {
	return "b" + base32Encode(bytes.Join(raw, nil))
}

func TestValidate(t *testing.T) {
	digest := sha256.Sum256([]byte("x"))
	dg := digest[:]
	good := []string{
		helloWorldCID, emptyCID,
		cidString([]byte{0x01, 0x70, 0x12, 0x20}, dg),
		SumBytes(make([]byte, 3*ChunkSize)),
	}
	for _, s := range good {
		if err := Validate(s); err != nil {
			t.Errorf("Validate(%s): %v", s, err)
		}
	}

	lastBitSet := func(s string) string {
		b := []byte(s)
		i := strings.IndexByte(base32Alphabet, b[len(b)-1])
		b[len(b)-1] = base32Alphabet[i|1]
		return string(b)
	}
	bad := map[string]struct{ in, msg string }{
		"empty":             {"", "empty"},
		"CIDv0":             {"QmaozNR7DZHQK1ZcU9p7QdrshMvXqWK6gpu5rmrkPdT3L4", "CIDv0"},
		"base58btc":         {"z" + helloWorldCID[1:], "multibase prefix"},
		"base32 upper":      {strings.ToUpper(helloWorldCID), "upper-case"},
		"upper char":        {helloWorldCID[:10] + "A" + helloWorldCID[11:], "offset 10"},
		"padding":           {helloWorldCID + "======", "offset"},
		"digit 1":           {helloWorldCID[:5] + "1" + helloWorldCID[6:], "offset 5"},
		"space":             {helloWorldCID[:20] + " " + helloWorldCID[21:], "offset 20"},
		"impossible length": {helloWorldCID + "a", "length"},
		"too long":          {"b" + strings.Repeat("a", 200), "longer"},
		"only prefix":       {"b", "version"},
		"padding bits":      {lastBitSet(helloWorldCID), "padding bits"},
		"version 0":         {cidString([]byte{0x00, 0x55, 0x12, 0x20}, dg), "version 0"},
		"version 2":         {cidString([]byte{0x02, 0x55, 0x12, 0x20}, dg), "version 2"},
		"non-minimal ver":   {cidString([]byte{0x81, 0x00, 0x55, 0x12, 0x20}, dg), "minimal"},
		"dag-cbor":          {cidString([]byte{0x01, 0x71, 0x12, 0x20}, dg), "codec 0x71"},
		"dag-json":          {cidString([]byte{0x01, 0xa9, 0x02, 0x12, 0x20}, dg), "codec 0x129"},
		"identity hash":     {cidString([]byte{0x01, 0x55, 0x00, 0x20}, dg), "multihash code 0x0"},
		"sha2-512":          {cidString([]byte{0x01, 0x55, 0x13, 0x20}, dg), "multihash code 0x13"},
		"blake2b-256":       {cidString([]byte{0x01, 0x55, 0xa0, 0xe4, 0x02, 0x20}, dg), "multihash code 0xb220"},
		"length 31":         {cidString([]byte{0x01, 0x55, 0x12, 0x1f}, dg[:31]), "length 31"},
		"truncated digest":  {cidString([]byte{0x01, 0x55, 0x12, 0x20}, dg[:31]), "truncated"},
		"trailing byte":     {cidString([]byte{0x01, 0x55, 0x12, 0x20}, dg, []byte{0}), "after the digest"},
		"truncated varint":  {cidString([]byte{0x01, 0x80}), "truncated varint"},
		"no multihash":      {cidString([]byte{0x01, 0x55}), "truncated varint"},
	}
	for name, c := range bad {
		err := Validate(c.in)
		if !errors.Is(err, ErrInvalidCID) {
			t.Errorf("%s: Validate(%q) = %v, want ErrInvalidCID", name, c.in, err)
			continue
		}
		if !strings.Contains(err.Error(), c.msg) {
			t.Errorf("%s: error %q does not mention %q", name, err, c.msg)
		}
	}
}

func FuzzValidate(f *testing.F) {
	for _, s := range []string{
		helloWorldCID, emptyCID, "", "b", "B", "Qm", "bafy", "z" + helloWorldCID[1:],
		SumBytes(make([]byte, ChunkSize+1)), helloWorldCID + "=", strings.ToUpper(helloWorldCID),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if err := Validate(s); err != nil && !errors.Is(err, ErrInvalidCID) {
			t.Fatalf("error does not wrap ErrInvalidCID: %v", err)
		}
		// Whatever Sum produces is accepted.
		c := SumBytes([]byte(s))
		if err := Validate(c); err != nil {
			t.Fatalf("Validate(SumBytes(%q) = %s): %v", s, c, err)
		}
		c2, err := Sum(strings.NewReader(s))
		if err != nil || c2 != c {
			t.Fatalf("Sum = %s, %v; SumBytes = %s", c2, err, c)
		}
		// Base32 round trip is exact: an accepted string re-encodes to itself.
		if Validate(s) == nil {
			raw, err := base32Decode(s[1:])
			if err != nil || "b"+base32Encode(raw) != s {
				t.Fatalf("accepted %q does not round-trip", s)
			}
		}
	})
}

// TestGoldenVectors pins CIDs that boxo's importer (v0.12.0, and v0.39.0 in a
// separate run) computed for the same deterministic data, so that the
// expected values stay visible and checked even where boxo is not built.
func TestGoldenVectors(t *testing.T) {
	golden := []struct {
		size int
		cid  string
	}{
		{0, "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku"},
		{1, "bafkreic75tvwn76in44nsutynrwws3dzyln4eoo5j2i3izzj245cp62x5e"},
		{ChunkSize - 1, "bafkreic7dqjy2n34wnux7bs3xuozql4fthyuenkixsthde546vbybppgva"},
		{ChunkSize, "bafkreihfn4mmjbmhu4urnix7f5jp3dk2bhonujoq56s3w54cifnwus2wtu"},
		{ChunkSize + 1, "bafybeifqroctvjbsjqa6tnl34d6t56vmglrt5vczi4wcsz3fjpg7dbgraq"},
		{MaxLinks * ChunkSize, "bafybeihiqzzzjhyqhet3b76wsja2ntvqovrc2li2iup4fho4kiz6cxexwq"},
		{MaxLinks*ChunkSize + 1, "bafybeied5tf67pskcpzocudgpycvvw5d3jxge6m73fckkczlahnkpezzs4"},
		{50_000_000, "bafybeidtjqs4ch5mwbb6c4kwlsbofy27wor5ormtz3xckq5ttea5u7kseq"},
	}
	data := randomBytes(42, 50_000_000)
	for _, g := range golden {
		if got := SumBytes(data[:g.size]); got != g.cid {
			t.Errorf("size %d: got %s, want %s", g.size, got, g.cid)
		}
	}
}
