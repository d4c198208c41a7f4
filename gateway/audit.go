package gateway

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"sync"
)

// The audit log is an append-only file of JSON lines, one per read of patient
// data through the gateway (allowed or refused). Each line carries a FHIR R4
// AuditEvent and a hash over the previous line's hash, its sequence number
// and the event, so that a line changed, removed or inserted anywhere breaks
// the chain from there on: `healthd gateway audit-verify` and every start
// check it. The gateway keeps, per patient, the offsets of the lines about
// that patient, so a patient's page of entries costs the page, not the log.

// ErrAuditChain is returned when the audit log does not verify.
var ErrAuditChain = errors.New("gateway: the audit log's hash chain is broken")

// maxAuditLine bounds one line of the log.
const maxAuditLine = 64 << 10

// genesisHash is the "previous hash" of the first entry.
var genesisHash = hex.EncodeToString(make([]byte, sha256.Size))

// AuditLine is one line of the log.
type AuditLine struct {
	Seq  uint64 `json:"seq"`
	Prev string `json:"prev"`
	// Patient is the patient whose data was read (indexed, so the patient
	// can list the entries about them).
	Patient string          `json:"patient"`
	Event   json.RawMessage `json:"event"`
	Hash    string          `json:"hash"`
}

func auditHash(seq uint64, prev, patient string, event []byte) string {
	h := sha256.New()
	h.Write([]byte("healthd-gateway/audit/v1\n"))
	h.Write([]byte(strconv.FormatUint(seq, 10)))
	h.Write([]byte{'\n'})
	h.Write([]byte(prev))
	h.Write([]byte{'\n'})
	h.Write([]byte(patient))
	h.Write([]byte{'\n'})
	h.Write(event)
	return hex.EncodeToString(h.Sum(nil))
}

// AuditLog is the gateway's hash-chained audit log.
type AuditLog struct {
	mu        sync.Mutex
	f         *os.File
	size      int64
	last      string
	next      uint64
	offsets   []int64 // offsets[seq] is where line seq starts
	byPatient map[string][]uint64
}

// OpenAuditLog opens (or creates) the log at path and verifies its chain.
func OpenAuditLog(path string) (*AuditLog, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("gateway: opening the audit log: %w", err)
	}
	l := &AuditLog{f: f, last: genesisHash, byPatient: make(map[string][]uint64)}
	if err := l.load(); err != nil {
		f.Close()
		return nil, err
	}
	return l, nil
}

// load reads and verifies every line, building the index.
func (l *AuditLog) load() error {
	if _, err := l.f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	sc := bufio.NewScanner(l.f)
	sc.Buffer(make([]byte, 0, 4096), maxAuditLine+1)
	var off int64
	for sc.Scan() {
		line := sc.Bytes()
		var e AuditLine
		if err := json.Unmarshal(line, &e); err != nil {
			return fmt.Errorf("%w: line %d is not a log entry", ErrAuditChain, l.next+1)
		}
		if e.Seq != l.next || e.Prev != l.last || e.Hash != auditHash(e.Seq, e.Prev, e.Patient, e.Event) {
			return fmt.Errorf("%w at line %d (entry %d): it was changed, removed or inserted; keep the file for investigation and start the gateway with a new --audit-log", ErrAuditChain, l.next+1, e.Seq)
		}
		l.offsets = append(l.offsets, off)
		if e.Patient != "" {
			l.byPatient[e.Patient] = append(l.byPatient[e.Patient], e.Seq)
		}
		l.last = e.Hash
		l.next++
		off += int64(len(line)) + 1
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("%w: reading line %d: %v", ErrAuditChain, l.next+1, err)
	}
	st, err := l.f.Stat()
	if err != nil {
		return err
	}
	if st.Size() != off {
		return fmt.Errorf("%w: the last line is incomplete (%d bytes after entry %d)", ErrAuditChain, st.Size()-off, l.next)
	}
	l.size = off
	return nil
}

// Append writes one event about patient and syncs it to disk before it
// returns: the gateway answers a read only once its entry is on disk.
func (l *AuditLog) Append(patient string, event []byte) (uint64, error) {
	return l.AppendWith(patient, func(uint64) ([]byte, error) { return event, nil })
}

// AppendWith is Append for an event that names its own entry: build is
// called with the entry's sequence number under the log's lock, so that
// concurrent appends never give two events the same number.
func (l *AuditLog) AppendWith(patient string, build func(seq uint64) ([]byte, error)) (uint64, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	event, err := build(l.next)
	if err != nil {
		return 0, err
	}
	e := AuditLine{Seq: l.next, Prev: l.last, Patient: patient, Event: event}
	e.Hash = auditHash(e.Seq, e.Prev, e.Patient, e.Event)
	line, err := json.Marshal(e)
	if err != nil {
		return 0, err
	}
	if len(line) > maxAuditLine {
		return 0, fmt.Errorf("gateway: audit entry of %d bytes is over the %d-byte limit", len(line), maxAuditLine)
	}
	line = append(line, '\n')
	if _, err := l.f.WriteAt(line, l.size); err != nil {
		return 0, fmt.Errorf("gateway: writing the audit log: %w", err)
	}
	if err := l.f.Sync(); err != nil {
		return 0, fmt.Errorf("gateway: syncing the audit log: %w", err)
	}
	l.offsets = append(l.offsets, l.size)
	l.size += int64(len(line))
	if patient != "" {
		l.byPatient[patient] = append(l.byPatient[patient], e.Seq)
	}
	l.last = e.Hash
	l.next++
	return e.Seq, nil
}

// ByPatient returns up to limit entries about patient, newest first,
// starting below the entry `before` (0 for the newest), and the cursor of
// the next page (0 when there is none).
func (l *AuditLog) ByPatient(patient string, before uint64, limit int) ([]AuditLine, uint64, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	seqs := l.byPatient[patient]
	// Entries are appended in order: the page ends below before.
	end := len(seqs)
	if before > 0 {
		end = sort.Search(len(seqs), func(i int) bool { return seqs[i] >= before })
	}
	var out []AuditLine
	i := end - 1
	for ; i >= 0 && len(out) < limit; i-- {
		e, err := l.readLocked(seqs[i])
		if err != nil {
			return nil, 0, err
		}
		out = append(out, e)
	}
	var next uint64
	if i >= 0 && len(out) > 0 {
		next = out[len(out)-1].Seq // the next page holds entries below this one
	}
	return out, next, nil
}

func (l *AuditLog) readLocked(seq uint64) (AuditLine, error) {
	var e AuditLine
	start := l.offsets[seq]
	end := l.size
	if seq+1 < uint64(len(l.offsets)) {
		end = l.offsets[seq+1]
	}
	buf := make([]byte, end-start)
	if _, err := l.f.ReadAt(buf, start); err != nil {
		return e, fmt.Errorf("gateway: reading the audit log: %w", err)
	}
	if err := json.Unmarshal(buf, &e); err != nil {
		return e, fmt.Errorf("%w: entry %d no longer parses", ErrAuditChain, seq)
	}
	return e, nil
}

// Len is the number of entries.
func (l *AuditLog) Len() uint64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.next
}

// Close closes the file.
func (l *AuditLog) Close() error { return l.f.Close() }

// VerifyAuditLog checks the chain of the log at path without opening it for
// writing, and returns its number of entries and last hash.
func VerifyAuditLog(path string) (uint64, string, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, "", err
	}
	defer f.Close()
	l := &AuditLog{f: f, last: genesisHash, byPatient: make(map[string][]uint64)}
	if err := l.load(); err != nil {
		return 0, "", err
	}
	return l.next, l.last, nil
}
