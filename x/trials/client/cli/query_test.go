package cli_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/healthchain/healthd/internal/unixfs"
	"github.com/healthchain/healthd/x/trials/client/cli"
	"github.com/healthchain/healthd/x/trials/types"
)

func run(t *testing.T, args ...string) (string, error) {
	t.Helper()
	cmd := cli.DigestCmd()
	var out bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	cmd.SetArgs(args)
	err := cmd.Execute()
	return strings.TrimSpace(out.String()), err
}

func TestDigest(t *testing.T) {
	doc := []byte("protocol version 1")
	f := filepath.Join(t.TempDir(), "protocol.enc")
	require.NoError(t, os.WriteFile(f, doc, 0o600))
	salt := strings.Repeat("ab", 32)
	saltBytes, _ := hex.DecodeString(salt)
	want := sha256.Sum256(append(saltBytes, doc...))

	c, err := run(t, f, "--salt", salt, "--print", "commitment")
	require.NoError(t, err)
	require.Equal(t, hex.EncodeToString(want[:]), c)
	b64, err := run(t, f, "--salt", salt, "--print", "commitment-base64")
	require.NoError(t, err)
	require.Equal(t, base64.StdEncoding.EncodeToString(want[:]), b64)
	cid, err := run(t, f, "--print", "cid")
	require.NoError(t, err)
	require.Equal(t, unixfs.SumBytes(doc), cid)
	// What it prints is what the chain accepts.
	commitment, _ := hex.DecodeString(c)
	require.NoError(t, types.ValidateContent(commitment, cid))

	js, err := run(t, f)
	require.NoError(t, err)
	var d cli.Digest
	require.NoError(t, json.Unmarshal([]byte(js), &d))
	require.Len(t, d.Salt, 64)
	require.NotEqual(t, salt, d.Salt, "a fresh salt")

	_, err = run(t, f, "--salt", "abcd")
	require.Error(t, err)
	_, err = run(t, f, "--print", "size")
	require.Error(t, err)
	_, err = run(t, filepath.Join(t.TempDir(), "missing"))
	require.Error(t, err)
}
