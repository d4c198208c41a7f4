package unixfs

import (
	"bytes"
	"context"
	"math/rand/v2"
	"sync"
	"testing"

	chunker "github.com/ipfs/boxo/chunker"
	"github.com/ipfs/boxo/ipld/unixfs/importer/balanced"
	"github.com/ipfs/boxo/ipld/unixfs/importer/helpers"
	cid "github.com/ipfs/go-cid"
	ipld "github.com/ipfs/go-ipld-format"
	mh "github.com/multiformats/go-multihash"
)

// memDAG is a minimal in-memory ipld.DAGService for boxo's importer.
type memDAG struct {
	mu    sync.Mutex
	nodes map[cid.Cid]ipld.Node
}

func newMemDAG() *memDAG { return &memDAG{nodes: map[cid.Cid]ipld.Node{}} }

func (d *memDAG) Get(_ context.Context, c cid.Cid) (ipld.Node, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	n, ok := d.nodes[c]
	if !ok {
		return nil, ipld.ErrNotFound{Cid: c}
	}
	return n, nil
}

func (d *memDAG) GetMany(ctx context.Context, cs []cid.Cid) <-chan *ipld.NodeOption {
	ch := make(chan *ipld.NodeOption, len(cs))
	for _, c := range cs {
		n, err := d.Get(ctx, c)
		ch <- &ipld.NodeOption{Node: n, Err: err}
	}
	close(ch)
	return ch
}

func (d *memDAG) Add(_ context.Context, n ipld.Node) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.nodes[n.Cid()] = n
	return nil
}

func (d *memDAG) AddMany(ctx context.Context, ns []ipld.Node) error {
	for _, n := range ns {
		if err := d.Add(ctx, n); err != nil {
			return err
		}
	}
	return nil
}

func (d *memDAG) Remove(_ context.Context, c cid.Cid) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	delete(d.nodes, c)
	return nil
}

func (d *memDAG) RemoveMany(ctx context.Context, cs []cid.Cid) error {
	for _, c := range cs {
		_ = d.Remove(ctx, c)
	}
	return nil
}

// boxoSum imports data with boxo's balanced layout, exactly as
// `ipfs add --cid-version=1` configures it (raw leaves, CIDv1 sha2-256,
// size-splitter), with the given chunk size and fan-out.
func boxoSum(t testing.TB, data []byte, chunkSize int64, maxLinks int) string {
	t.Helper()
	params := helpers.DagBuilderParams{
		Maxlinks:   maxLinks,
		RawLeaves:  true,
		CidBuilder: cid.Prefix{Version: 1, Codec: cid.DagProtobuf, MhType: mh.SHA2_256, MhLength: -1},
		Dagserv:    newMemDAG(),
	}
	db, err := params.New(chunker.NewSizeSplitter(bytes.NewReader(data), chunkSize))
	if err != nil {
		t.Fatal(err)
	}
	root, err := balanced.Layout(db)
	if err != nil {
		t.Fatal(err)
	}
	return root.Cid().String()
}

func randomBytes(seed uint64, n int) []byte {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	b := make([]byte, n)
	for i := 0; i+8 <= n; i += 8 {
		v := rng.Uint64()
		for j := range 8 {
			b[i+j] = byte(v >> (8 * j))
		}
	}
	for i := n &^ 7; i < n; i++ {
		b[i] = byte(rng.Uint32())
	}
	return b
}

// TestBoxoCrossCheck compares Sum and SumBytes with boxo's importer at the
// real profile (262144-byte chunks, 174 links) around every boundary.
func TestBoxoCrossCheck(t *testing.T) {
	sizes := []int{
		0, 1, 12, ChunkSize - 1, ChunkSize, ChunkSize + 1, 2 * ChunkSize, 3*ChunkSize + 7,
		MaxLinks * ChunkSize, MaxLinks*ChunkSize + 1, (MaxLinks+1)*ChunkSize + 1,
		50_000_000,
	}
	if testing.Short() {
		sizes = sizes[:8]
	}
	big := randomBytes(42, sizes[len(sizes)-1])
	for _, n := range sizes {
		data := big[:n]
		want := boxoSum(t, data, ChunkSize, MaxLinks)
		if got := SumBytes(data); got != want {
			t.Errorf("size %d: SumBytes = %s, boxo = %s", n, got, want)
		}
		got, err := Sum(bytes.NewReader(data))
		if err != nil || got != want {
			t.Errorf("size %d: Sum = %s, %v; boxo = %s", n, got, err, want)
		}
		if err := Validate(got); err != nil {
			t.Errorf("size %d: Validate(%s): %v", n, got, err)
		}
		if _, err := cid.Decode(got); err != nil {
			t.Errorf("size %d: go-cid refuses %s: %v", n, got, err)
		}
		t.Logf("size %d: %s", n, got)
	}
	if got := boxoSum(t, []byte("hello world\n"), ChunkSize, MaxLinks); got != helloWorldCID {
		t.Errorf("boxo gives %s for \"hello world\\n\", test vector is %s", got, helloWorldCID)
	}
	if got := boxoSum(t, []byte("hello world"), ChunkSize, MaxLinks); got != helloWorldNoNewlineCID {
		t.Errorf("boxo gives %s for \"hello world\", test vector is %s", got, helloWorldNoNewlineCID)
	}
	if got := boxoSum(t, nil, ChunkSize, MaxLinks); got != emptyCID {
		t.Errorf("boxo gives %s for the empty file, test vector is %s", got, emptyCID)
	}
}

// TestBoxoCrossCheckDeepTrees shrinks the chunk size and fan-out so that
// trees four and five levels deep, with partial right-most subtrees and
// single-child chains, are built from a few kilobytes, and compares every
// size with boxo.
func TestBoxoCrossCheckDeepTrees(t *testing.T) {
	data := randomBytes(7, 4096)
	for _, p := range []struct{ chunk, links, max int }{
		{1, 2, 70}, {3, 3, 300}, {16, 4, 1200}, {64, 5, 4096}, {5, 174, 1000},
	} {
		for n := 0; n <= p.max; n++ {
			want := boxoSum(t, data[:n], int64(p.chunk), p.links)
			got, err := sum(bytes.NewReader(data[:n]), p.chunk, p.links)
			if err != nil || got != want {
				t.Fatalf("chunk %d, links %d, size %d: got %s, %v; boxo %s", p.chunk, p.links, n, got, err, want)
			}
		}
	}
}

// TestGoCIDSingleBlock checks single raw blocks against go-cid's own
// CID construction.
func TestGoCIDSingleBlock(t *testing.T) {
	pref := cid.Prefix{Version: 1, Codec: cid.Raw, MhType: mh.SHA2_256, MhLength: -1}
	for _, n := range []int{0, 1, 2, 100, 4095, ChunkSize} {
		data := randomBytes(uint64(n), n)
		c, err := pref.Sum(data)
		if err != nil {
			t.Fatal(err)
		}
		if got := SumBytes(data); got != c.String() {
			t.Errorf("size %d: SumBytes = %s, go-cid = %s", n, got, c)
		}
	}
}
