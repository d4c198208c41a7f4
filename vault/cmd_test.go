package vault

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestIsLoopback(t *testing.T) {
	for addr, want := range map[string]bool{
		"127.0.0.1:8088": true,
		"127.8.9.1:1":    true,
		"[::1]:8088":     true,
		"localhost:80":   true,
		"0.0.0.0:8088":   false,
		":8088":          false,
		"[::]:8088":      false,
		"10.0.0.1:8088":  false,
		"example.com:80": false,
		"127.0.0.1":      false,
		"":               false,
	} {
		if got := IsLoopback(addr); got != want {
			t.Errorf("IsLoopback(%q) = %v", addr, got)
		}
	}
}

func runCmd(t *testing.T, ctx context.Context, out io.Writer, args ...string) error {
	t.Helper()
	cmd := Cmd(t.TempDir())
	cmd.SetArgs(append([]string{"start"}, args...))
	cmd.SetOut(out)
	cmd.SetErr(io.Discard)
	return cmd.ExecuteContext(ctx)
}

func TestStartRefusals(t *testing.T) {
	data := t.TempDir()
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"no chain id", []string{"--data", data}, "chain-id"},
		{"remote listen", []string{"--chain-id", "c", "--data", data, "--listen", "0.0.0.0:0"}, "--allow-remote"},
		{"all interfaces", []string{"--chain-id", "c", "--data", data, "--listen", ":8088"}, "--allow-remote"},
		{"remote node", []string{"--chain-id", "c", "--data", data, "--grpc", "10.1.2.3:9090"}, "--allow-remote-node"},
		{"bad max size", []string{"--chain-id", "c", "--data", data, "--max-blob-size", "0"}, "max-blob-size"},
		{"short provisional deadline", []string{"--chain-id", "c", "--data", data, "--provisional-deadline", "30s"}, "provisional-deadline"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := runCmd(t, context.Background(), io.Discard, tc.args...)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error mentioning %q", err, tc.want)
			}
		})
	}
	if !strings.Contains(StartCmd("h").Long, "--allow-remote") {
		t.Fatal("help does not mention --allow-remote")
	}
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func TestStartServesAndStops(t *testing.T) {
	// A node address where nothing listens: the vault starts anyway.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	node := ln.Addr().String()
	ln.Close()

	data := filepath.Join(t.TempDir(), "vault")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out := &lockedBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- runCmd(t, ctx, out, "--chain-id", testChainID, "--listen", "127.0.0.1:0", "--grpc", node, "--data", data)
	}()

	re := regexp.MustCompile(`vault listening on (http://127\.0\.0\.1:\d+)`)
	var base string
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if m := re.FindStringSubmatch(out.String()); m != nil {
			base = m[1]
			break
		}
		select {
		case err := <-done:
			t.Fatalf("start returned early: %v", err)
		default:
		}
	}
	if base == "" {
		t.Fatalf("no listen address printed: %q", out.String())
	}
	resp, err := http.Get(base + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("healthz %d", resp.StatusCode)
	}
	for _, d := range []string{"blobs", "keys", "erased", "tmp", StateDBName + ".db"} {
		if info, err := os.Stat(filepath.Join(data, d)); err != nil || info.Mode().Perm() != 0o700 {
			t.Fatalf("%s: %v", d, err)
		}
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("shutdown: %v", err)
		}
	case <-time.After(40 * time.Second):
		t.Fatal("no shutdown")
	}
	// The state database was closed at shutdown (it is locked while open).
	st, err := OpenState(data)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
}
