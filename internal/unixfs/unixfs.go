// Package unixfs computes the content identifier (CID) that
// `ipfs add --cid-version=1` gives a file, without an IPFS node and with the
// standard library only.
//
// The profile is kubo's default import profile when a CIDv1 is asked for
// (CIDv1 implies --raw-leaves):
//
//   - the file is cut into fixed-size chunks of ChunkSize bytes (the last one
//     may be shorter);
//   - each chunk is a raw block (multicodec raw, 0x55) addressed by its
//     SHA2-256 multihash;
//   - a file of at most ChunkSize bytes, the empty file included, is that
//     single raw block;
//   - a larger file is a balanced DAG of dag-pb (0x70) nodes with at most
//     MaxLinks links each. The tree is as deep as needed and every subtree is
//     full except those on the right-most path, which is what go-unixfs's
//     balanced builder produces when it fills the tree depth-first;
//   - each internal node is a dag-pb PBNode whose Data is a UnixFS Data
//     message {Type: File, filesize, blocksizes} (no Data bytes: the data is in
//     the raw leaves) and whose links are PBLink{Hash, Name: "", Tsize}, where
//     Tsize is the cumulative serialised size of the linked subtree.
//
// CIDs are written as CIDv1 in multibase base32 (lower case, no padding,
// prefix 'b'), as ipfs prints them.
package unixfs

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
)

// ChunkSize is the size of the fixed-size chunker (kubo's "size-262144").
const ChunkSize = 262144

// MaxLinks is the largest number of links in an internal node (kubo's
// default for the balanced layout).
const MaxLinks = 174

// Multicodec and multihash codes used in the CIDs this package makes.
const (
	codecRaw    = 0x55
	codecDagPB  = 0x70
	mhSHA2256   = 0x12
	sha256Len   = 32
	cidVersion1 = 1
)

// unixfsTypeFile is UnixFS Data.DataType File.
const unixfsTypeFile = 2

// ErrInvalidCID is wrapped by every error Validate returns.
var ErrInvalidCID = errors.New("unixfs: invalid CID")

// link is what a parent needs to know about a child block.
type link struct {
	cid      []byte // binary CID
	tsize    uint64 // cumulative serialised size of the subtree
	filesize uint64 // bytes of file data in the subtree
}

// builder assembles the balanced DAG bottom-up while the data streams in.
// levels[0] holds links to leaves not yet placed under a parent,
// levels[1] links to depth-1 nodes, and so on. A level is only turned into
// a parent node when a link beyond MaxLinks arrives for it, or at the end.
type builder struct {
	maxLinks int // MaxLinks, except in tests
	levels   [][]link
	enc      []byte // scratch buffer for node encoding
}

func (b *builder) add(level int, l link) {
	if level == len(b.levels) {
		b.levels = append(b.levels, make([]link, 0, b.maxLinks))
	}
	if len(b.levels[level]) == b.maxLinks {
		parent := b.node(b.levels[level])
		b.levels[level] = b.levels[level][:0]
		b.add(level+1, parent)
	}
	b.levels[level] = append(b.levels[level], l)
}

// finish closes every level from the bottom up and returns the root.
func (b *builder) finish() link {
	for i := 0; ; i++ {
		if i == len(b.levels)-1 && len(b.levels[i]) == 1 {
			return b.levels[i][0]
		}
		parent := b.node(b.levels[i])
		b.levels[i] = b.levels[i][:0]
		b.add(i+1, parent)
	}
}

// node encodes an internal dag-pb node over children and returns its link.
func (b *builder) node(children []link) link {
	// UnixFS Data: Type=1 (varint), filesize=3 (varint), blocksizes=4
	// (repeated varint, not packed). Field 2 (Data bytes) is absent.
	var filesize, tsize uint64
	for _, c := range children {
		filesize += c.filesize
	}
	data := make([]byte, 0, 16+len(children)*4)
	data = appendTag(data, 1, wireVarint)
	data = appendVarint(data, unixfsTypeFile)
	data = appendTag(data, 3, wireVarint)
	data = appendVarint(data, filesize)
	for _, c := range children {
		data = appendTag(data, 4, wireVarint)
		data = appendVarint(data, c.filesize)
	}

	// PBNode: Links=2 (repeated PBLink) first, then Data=1, as the
	// canonical dag-pb encoding requires.
	enc := b.enc[:0]
	for _, c := range children {
		// PBLink: Hash=1 (bytes), Name=2 (string, present and empty),
		// Tsize=3 (varint).
		linkLen := 1 + varintLen(uint64(len(c.cid))) + len(c.cid) + 2 + 1 + varintLen(c.tsize)
		enc = appendTag(enc, 2, wireBytes)
		enc = appendVarint(enc, uint64(linkLen))
		enc = appendTag(enc, 1, wireBytes)
		enc = appendVarint(enc, uint64(len(c.cid)))
		enc = append(enc, c.cid...)
		enc = appendTag(enc, 2, wireBytes)
		enc = appendVarint(enc, 0)
		enc = appendTag(enc, 3, wireVarint)
		enc = appendVarint(enc, c.tsize)
		tsize += c.tsize
	}
	enc = appendTag(enc, 1, wireBytes)
	enc = appendVarint(enc, uint64(len(data)))
	enc = append(enc, data...)
	b.enc = enc

	return link{
		cid:      binaryCID(codecDagPB, enc),
		tsize:    uint64(len(enc)) + tsize,
		filesize: filesize,
	}
}

func leaf(chunk []byte) link {
	return link{cid: binaryCID(codecRaw, chunk), tsize: uint64(len(chunk)), filesize: uint64(len(chunk))}
}

// binaryCID returns the CIDv1 <version><codec><multihash> of block.
func binaryCID(codec uint64, block []byte) []byte {
	sum := sha256.Sum256(block)
	c := make([]byte, 0, 4+sha256Len)
	c = appendVarint(c, cidVersion1)
	c = appendVarint(c, codec)
	c = appendVarint(c, mhSHA2256)
	c = appendVarint(c, sha256Len)
	return append(c, sum[:]...)
}

// Sum reads r to the end and returns the CID that
// `ipfs add --cid-version=1` gives the same bytes.
func Sum(r io.Reader) (string, error) {
	return sum(r, ChunkSize, MaxLinks)
}

// sum is Sum with the chunk size and fan-out as parameters, so that tests can
// build deep trees from little data.
func sum(r io.Reader, chunkSize, maxLinks int) (string, error) {
	buf := make([]byte, chunkSize)
	b := builder{maxLinks: maxLinks}
	for {
		n, err := io.ReadFull(r, buf)
		if n > 0 {
			b.add(0, leaf(buf[:n]))
		}
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			break
		}
		if err != nil {
			return "", fmt.Errorf("unixfs: reading input: %w", err)
		}
	}
	if len(b.levels) == 0 {
		// The empty file is a single empty raw block.
		b.add(0, leaf(nil))
	}
	return encodeCID(b.finish().cid), nil
}

// SumBytes returns the CID that `ipfs add --cid-version=1` gives b.
func SumBytes(b []byte) string {
	bld := builder{maxLinks: MaxLinks}
	for len(b) > ChunkSize {
		bld.add(0, leaf(b[:ChunkSize]))
		b = b[ChunkSize:]
	}
	bld.add(0, leaf(b)) // the last (or only, possibly empty) chunk
	return encodeCID(bld.finish().cid)
}

// encodeCID renders a binary CID in multibase base32 lower case.
func encodeCID(c []byte) string {
	return "b" + base32Encode(c)
}

// Validate checks that s is a CIDv1 of the kind Sum produces: multibase
// base32 lower case without padding ('b' prefix), version 1, codec raw (0x55)
// or dag-pb (0x70), multihash SHA2-256 with a 32-byte digest and nothing
// after it. Every error wraps ErrInvalidCID.
func Validate(s string) error {
	const maxLen = 128 // a valid CID here is 59 characters
	switch {
	case s == "":
		return fmt.Errorf("%w: empty", ErrInvalidCID)
	case len(s) > maxLen:
		return fmt.Errorf("%w: longer than %d characters", ErrInvalidCID, maxLen)
	case len(s) == 46 && s[0] == 'Q' && s[1] == 'm':
		return fmt.Errorf("%w: CIDv0 (base58 \"Qm...\") not accepted, want CIDv1", ErrInvalidCID)
	case s[0] == 'B':
		return fmt.Errorf("%w: upper-case base32 (prefix 'B') not accepted, want lower case (prefix 'b')", ErrInvalidCID)
	case s[0] != 'b':
		return fmt.Errorf("%w: multibase prefix at offset 0 is not 'b' (base32 lower case)", ErrInvalidCID)
	}
	raw, err := base32Decode(s[1:])
	if err != nil {
		return fmt.Errorf("%w: %v", ErrInvalidCID, err)
	}
	version, n, err := readVarint(raw)
	if err != nil {
		return fmt.Errorf("%w: version: %v", ErrInvalidCID, err)
	}
	raw = raw[n:]
	if version != cidVersion1 {
		return fmt.Errorf("%w: CID version %d, want 1", ErrInvalidCID, version)
	}
	codec, n, err := readVarint(raw)
	if err != nil {
		return fmt.Errorf("%w: codec: %v", ErrInvalidCID, err)
	}
	raw = raw[n:]
	if codec != codecRaw && codec != codecDagPB {
		return fmt.Errorf("%w: codec 0x%x, want raw (0x55) or dag-pb (0x70)", ErrInvalidCID, codec)
	}
	hashCode, n, err := readVarint(raw)
	if err != nil {
		return fmt.Errorf("%w: multihash code: %v", ErrInvalidCID, err)
	}
	raw = raw[n:]
	if hashCode != mhSHA2256 {
		return fmt.Errorf("%w: multihash code 0x%x, want sha2-256 (0x12)", ErrInvalidCID, hashCode)
	}
	digestLen, n, err := readVarint(raw)
	if err != nil {
		return fmt.Errorf("%w: multihash length: %v", ErrInvalidCID, err)
	}
	raw = raw[n:]
	if digestLen != sha256Len {
		return fmt.Errorf("%w: multihash digest length %d, want 32", ErrInvalidCID, digestLen)
	}
	switch {
	case len(raw) < sha256Len:
		return fmt.Errorf("%w: digest truncated: %d of 32 bytes", ErrInvalidCID, len(raw))
	case len(raw) > sha256Len:
		return fmt.Errorf("%w: %d unexpected bytes after the digest", ErrInvalidCID, len(raw)-sha256Len)
	}
	return nil
}
