package main

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
	"time"
)

// TestChaosSmoke is the short chaos run of make test: four validators under
// load, one SIGKILLed for 5 s and restarted. Blocks must go on, every node
// must reach the same app hash and answer the fixed queries the same (and
// as before the kill), and no accepted transaction may be lost. make chaos
// runs every perturbation with a 60 s outage.
func TestChaosSmoke(t *testing.T) {
	bin := os.Getenv("HEALTHD_BIN")
	if bin == "" {
		t.Skip("HEALTHD_BIN is not set: make test builds healthd and sets it")
	}
	o, err := parseFlags([]string{"-bin", bin, "-script", "../../scripts/localnet-4.sh", "-only", "kill-one",
		"-down", "5s", "-timeout", "10m", "-quiet"})
	if err != nil {
		t.Fatal(err)
	}
	o.Home = t.TempDir() + "/net"
	ctx, cancel := context.WithTimeout(context.Background(), 11*time.Minute)
	defer cancel()
	rows, err := run(ctx, o, os.Stderr)
	var table bytes.Buffer
	printTable(&table, rows)
	t.Log("\n" + table.String())
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 {
		t.Fatalf("want one row, got %d", len(rows))
	}
	r := rows[0]
	if !r.AppHashesEqual || !r.QueriesEqual {
		t.Fatalf("state differs between nodes after the kill: %s", r.Note)
	}
	if r.Lost != 0 || r.Missing != 0 {
		t.Fatalf("%d accepted transactions lost, %d committed ones missing from a node", r.Lost, r.Missing)
	}
	if r.Committed == 0 || r.Accepted != r.Committed+r.Expired {
		t.Fatalf("the load did not run or does not add up: %+v", r)
	}
}

func TestParseFlags(t *testing.T) {
	if _, err := parseFlags([]string{"-only", "kill-one,meteor"}); err == nil || !strings.Contains(err.Error(), "meteor") {
		t.Fatalf("unknown perturbation accepted: %v", err)
	}
	if _, err := parseFlags([]string{"-down", "10ms"}); err == nil {
		t.Fatal("a 10ms outage accepted")
	}
	o, err := parseFlags(nil)
	if err != nil || len(o.Only) != len(allPerturbations) {
		t.Fatalf("defaults: %+v %v", o, err)
	}
}
