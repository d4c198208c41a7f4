package e2e

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// readmePortOffset is not the default (0) and not TestLocalnet's.
const readmePortOffset = 2000

// walkthrough is one "## Walk-through: ..." section of the README: its shell block.
type walkthrough struct {
	title string
	lines []string
}

// readmeWalkthroughs reads the README's walk-throughs in order. The bridge's
// runs against the two-chain localnet, which TestLocalnetIBC drives.
func readmeWalkthroughs(t *testing.T) []walkthrough {
	t.Helper()
	f, err := os.Open(filepath.Join(repoRoot, "README.md"))
	require.NoError(t, err)
	defer f.Close()
	var (
		out     []walkthrough
		cur     *walkthrough
		inBlock bool
	)
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "## "):
			cur = nil
			if title, ok := strings.CutPrefix(line, "## Walk-through: "); ok {
				out = append(out, walkthrough{title: title})
				cur = &out[len(out)-1]
			}
		case cur != nil && line == "```sh":
			inBlock = true
		case inBlock && line == "```":
			inBlock = false
		case cur != nil && inBlock:
			cur.lines = append(cur.lines, line)
		}
	}
	require.NoError(t, sc.Err())
	kept := out[:0]
	for _, w := range out {
		if !strings.Contains(strings.Join(w.lines, "\n"), ".localnet-ibc") {
			kept = append(kept, w)
		}
	}
	return kept
}

// walkthroughScript turns a README block into a script that stops at the
// first command that fails, and at a command the README says is refused
// ("# refused ...") that succeeds.
func walkthroughScript(lines []string) string {
	var b strings.Builder
	b.WriteString("set -eo pipefail\nPS4='+ README: '\nset -x\nsource .localnet/env\n")
	for _, l := range lines {
		cmd, comment, _ := strings.Cut(l, " # ")
		if strings.HasPrefix(strings.TrimSpace(comment), "refused") {
			b.WriteString("if " + strings.TrimSpace(cmd) + "; then echo 'the README says this is refused, but it succeeded' >&2; exit 1; fi\n")
			continue
		}
		b.WriteString(l + "\n")
	}
	return b.String()
}

// TestReadmeWalkthroughs runs the README's walk-throughs (admit a member,
// consent, a unit, a lab result, a claim) as printed, command by command, in
// order, against a fresh localnet at a non-default PORT_OFFSET, from a
// directory laid out like the repository's (its testdata, and the localnet in
// .localnet). Every transaction waits for its block, so a command that fails
// in the chain fails here: the README and the commands cannot drift apart.
func TestReadmeWalkthroughs(t *testing.T) {
	walks := readmeWalkthroughs(t)
	require.GreaterOrEqual(t, len(walks), 5, "the README's walk-throughs")
	require.Contains(t, walks[0].lines, "source .localnet/env", "the first walk-through sets up the shell")

	dir := t.TempDir()
	home := filepath.Join(dir, ".localnet")
	startScript(t, "localnet.sh", "localnet is running", localnetUp, home,
		"HEALTHD="+binary, "LOCALNET_HOME="+home, "PORT_OFFSET="+strconv.Itoa(readmePortOffset), "BLOCK_TIME=300ms")
	for _, d := range []string{"internal", "x"} {
		require.NoError(t, os.Symlink(filepath.Join(repoRoot, d), filepath.Join(dir, d)))
	}
	for _, w := range walks {
		t.Run(w.title, func(t *testing.T) {
			cmd := exec.Command("bash", "-c", walkthroughScript(w.lines))
			cmd.Dir = dir
			var out bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &out
			start := time.Now()
			err := cmd.Run()
			require.NoError(t, err, "walk-through %q:\n%s", w.title, out.String())
			t.Logf("%s: %d lines in %s", w.title, len(w.lines), time.Since(start).Round(time.Millisecond))
		})
	}
}
