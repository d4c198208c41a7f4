package e2e

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/cosmos/cosmos-sdk/crypto/hd"
	"github.com/cosmos/cosmos-sdk/crypto/keys/secp256k1"
	"github.com/cosmos/cosmos-sdk/types/bech32"
	"github.com/stretchr/testify/require"
)

// portalPortOffset keeps the portal's localnet clear of TestLocalnet's (1000)
// and a developer's (0).
const portalPortOffset = 2500

// portalStep bounds one step in the browser (a sign-in, a transaction and its
// block, a decryption).
const portalStep = 90 * time.Second

// TestPortal drives the web portal (portal/, served by healthd gateway) in
// headless Chromium against a real localnet. Each step checks the page and
// the chain: patient1 signs in with its mnemonic; the lab's opening of
// patient1's record is refused without consent; patient1 grants the lab a
// consent and sees it listed; the lab opens the record (decrypted in the
// browser, equal to what the Go CLI reads); patient1 sees that access on the
// timeline, opens the record itself, changes and withdraws the consent; the
// pharmacy verifies a commissioned pack by its GS1 string ("Authentic") and
// dispenses it against its own prescription reference; the payer approves a
// pended claim. Each opened record shows "Verified" (the browser recomputed
// its CID and commitment and compared them with the chain's anchor).
// patient1 appoints a guardian and removes it. patient2 signs in with Keplr
// (a test double of the extension, injected before the portal loads, that
// signs with patient2's key in Go) and grants a consent with it. Every view
// is captured at desktop and phone width into build/portal-screenshots/.
func TestPortal(t *testing.T) {
	chrome := chromiumBinary(t)

	// PORTAL_LOCALNET=<home>:<port offset> runs against a fresh localnet a
	// developer started (scripts/localnet.sh with LOCALNET_HOME and
	// PORT_OFFSET), to work on the portal without waiting for a new one.
	dir, off := t.TempDir(), portalPortOffset
	var n *node
	if dev := os.Getenv("PORTAL_LOCALNET"); dev != "" {
		home, offset, ok := strings.Cut(dev, ":")
		o, err := strconv.Atoi(offset)
		require.True(t, ok && err == nil, "PORTAL_LOCALNET is <localnet home>:<port offset>")
		dir, off = home, o
		n = &node{t: t, home: filepath.Join(dir, "node")}
	} else {
		cmd := startScript(t, "localnet.sh", "localnet is running", localnetUp, dir,
			"HEALTHD="+binary, "LOCALNET_HOME="+dir, fmt.Sprintf("PORT_OFFSET=%d", off), "BLOCK_TIME=300ms", "CHAIN_ID=healthd-portal")
		n = &node{t: t, home: filepath.Join(dir, "node"), cmd: cmd}
	}
	gw := fmt.Sprintf("http://127.0.0.1:%d", 8089+off)
	vaultAt := fmt.Sprintf("http://127.0.0.1:%d", 8088+off)
	rest := fmt.Sprintf("http://127.0.0.1:%d", 1317+off)
	shots := filepath.Join(repoRoot, "build", "portal-screenshots")
	require.NoError(t, os.MkdirAll(shots, 0o755))

	patient, lab, pharmacy, hospital, payer := n.addr("patient1"), n.addr("lab"), n.addr("pharmacy"), n.addr("hospital"), n.addr("payer")

	// Setup with the CLI, as the README walk-throughs do.
	// A record of patient1, put by the hospital and shared with the lab by
	// the patient (the key is wrapped for the lab; the vault still serves it
	// only under a live access grant, which needs the patient's consent).
	out := n.mustCLI("records", "put", filepath.Join(repoRoot, "internal/fhirr4/testdata/observation_lab.json"),
		"--patient", patient, "--from", "hospital", "--gas", "auto", "--gas-adjustment", "1.5", "--vault", vaultAt)
	var put putOut
	require.NoError(t, json.Unmarshal([]byte(out), &put), out)
	recID := strconv.FormatUint(put.ID, 10)
	n.mustCLI("records", "share", recID, "--to", lab, "--from", "patient1", "--vault", vaultAt)
	want := filepath.Join(t.TempDir(), "record.json")
	n.mustCLI("records", "get", recID, "--out", want, "--from", "patient1", "--vault", vaultAt)
	wantText := strings.TrimSpace(string(mustRead(t, want)))

	// A pack at the pharmacy.
	const gtin = "09506000134352"
	unit := "(01)" + gtin + "(17)280630(10)LOTP1(21)SNP0001"
	n.tx("tx", "drugtrace", "register-product", gtin, "Amoxicillin 500 mg capsules", "--from", "manufacturer")
	n.tx("tx", "drugtrace", "commission", gtin, "LOTP1", "2028-06-30", "SNP0001", "--from", "manufacturer")
	n.tx("tx", "drugtrace", "ship", pharmacy, "--units", gtin+"/SNP0001", "--from", "manufacturer")
	n.tx("tx", "drugtrace", "receive", "1", "--from", "pharmacy")

	// A pended claim of patient1 with the payer.
	n.tx("tx", "claims", "create-plan", filepath.Join(repoRoot, "x/claims/testdata/plan.json"), "--from", "payer")
	n.tx("tx", "claims", "fund-escrow", "100000uhealth", "--from", "payer")
	n.tx("tx", "claims", "enroll", "1", patient, "MEM-000123", "2026-01-01T00:00:00Z", "2028-01-01T00:00:00Z", "--from", "payer")
	n.tx("tx", "consent", "grant", patient, payer, "HPAYMT", "--categories", "Claim", "--end", "2028-01-01T00:00:00Z", "--from", "patient1")
	n.tx("tx", "consent", "grant", patient, hospital, "TREAT", "--categories", "Claim", "--end", "2028-01-01T00:00:00Z", "--from", "patient1")
	n.tx("tx", "claims", "submit", filepath.Join(repoRoot, "x/claims/testdata/claim-review.json"), "--patient", patient, "--from", "hospital")
	require.Equal(t, "CLAIM_STATUS_PENDED", n.claim("1").Claim.Status)

	// The browser.
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(chrome), chromedp.WindowSize(1280, 800),
		chromedp.Flag("headless", true), chromedp.Flag("disable-gpu", true), chromedp.Flag("disable-dev-shm-usage", true))
	if os.Geteuid() == 0 {
		opts = append(opts, chromedp.NoSandbox)
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	browser, cancelBrowser := chromedp.NewContext(allocCtx)
	defer cancelBrowser()
	require.NoError(t, chromedp.Do(browser), "start %s", chrome)

	// Each user has a tab of their own: sessions live in the page's memory.
	// The tab is opened by a first Run without a timeout: a tab lives as long
	// as the context of its first Run.
	tab := func() context.Context {
		ctx, cancel := chromedp.NewContext(browser)
		t.Cleanup(cancel)
		require.NoError(t, chromedp.Do(ctx), "open a tab")
		return ctx
	}
	p := &portalPage{t: t, base: gw + "/portal/", shots: shots}

	// 1. patient1 signs in with its mnemonic and sees its consents.
	pt := tab()
	p.signIn(pt, localnetMnemonic(t, dir, "patient1"), "#consents-table")
	p.shoot(pt, "patient-consents")
	p.text(pt, "#who", "Patient")

	// 2. The lab, without consent: the records search and the opening of the record are refused.
	lt := tab()
	p.signIn(lt, localnetMnemonic(t, dir, "lab"), "#lookup-form")
	p.run(lt, chromedp.SendKeys(chromedp.CSS("#lookup-patient"), patient), chromedp.Click(chromedp.CSS("#lookup-submit")))
	p.wait(lt, "#lookup-records, #lookup-records-refused")
	listed := p.eval(lt, fmt.Sprintf(`!!document.querySelector('#lookup-records [data-record="%s"]')`, recID))
	require.False(t, listed, "without consent the lab is not shown the record")
	p.openRecord(lt, recID, "refused")
	p.text(lt, "#clinician-status", "Refused")
	p.shoot(lt, "clinician-refused")
	require.NotContains(t, n.mustCLI("q", "records", "disclosures", patient, "-o", "json"), lab, "no access grant to the lab on chain")
	require.Contains(t, httpGet(t, fmt.Sprintf("%s/healthd/consent/v1/check/%s/%s/TREAT/Observation", rest, patient, lab)), `"allowed":false`)

	// 3. patient1 grants the lab a consent (treatment, test results) and sees it listed.
	p.run(pt, chromedp.SendKeys(chromedp.CSS("#grant-grantee"), lab), chromedp.Click(chromedp.CSS("#grant-submit")))
	p.wait(pt, `#consent-status[data-step="done"] .msg-ok`)
	p.wait(pt, "#consents-table tbody tr:nth-child(1)")
	p.text(pt, "#consents-table", "Test results and measurements")
	p.text(pt, "#consents-table", lab[:12])
	p.shoot(pt, "patient-consent-granted")
	require.Contains(t, httpGet(t, fmt.Sprintf("%s/healthd/consent/v1/check/%s/%s/TREAT/Observation", rest, patient, lab)), `"allowed":true`)

	// 4. The lab looks patient1 up again: the consent and the record are listed. It opens the
	// record: the chain grants access under the consent, the browser decrypts it.
	p.run(lt, chromedp.Click(chromedp.CSS("#lookup-submit")))
	p.wait(lt, fmt.Sprintf(`#lookup-records [data-record="%s"]`, recID))
	p.text(lt, "#lookup-consents", "Treatment")
	p.openRecord(lt, recID, "opened")
	got := p.textOf(lt, "#record-text")
	require.Equal(t, wantText, strings.TrimSpace(got), "the portal decrypts what the Go client put")
	p.verified(lt, put.CID)
	p.shoot(lt, "clinician-record-opened")
	require.Contains(t, n.mustCLI("q", "records", "disclosures", patient, "-o", "json"), lab, "the lab's access grant is on chain")

	// 5. patient1 sees the lab's access on the timeline.
	p.route(pt, "timeline")
	p.wait(pt, fmt.Sprintf(`.event.chain[data-agent="%s"]`, lab))
	p.shoot(pt, "patient-timeline")
	// patient1 opens its own record in the browser: the same text.
	p.route(pt, "records")
	p.run(pt, chromedp.Click(chromedp.CSS(fmt.Sprintf(`#records-table [data-record="%s"]`, recID))))
	p.wait(pt, "#records-status .msg-ok")
	require.Equal(t, wantText, strings.TrimSpace(p.textOf(pt, "#record-text")), "the patient decrypts what the Go client put")
	p.verified(pt, put.CID)
	p.shoot(pt, "patient-records")
	for _, v := range []string{"claims", "medications"} {
		p.route(pt, v)
		p.shoot(pt, "patient-"+v)
	}

	// patient1 appoints patient2 as guardian, then removes the guardian.
	patient2 := n.addr("patient2")
	guardians := func() string {
		return httpGet(t, fmt.Sprintf("%s/healthd/consent/v1/patients/%s/guardians", rest, patient))
	}
	p.route(pt, "guardians")
	require.NotContains(t, guardians(), patient2)
	p.run(pt, chromedp.SendKeys(chromedp.CSS("#guardian-account"), patient2), chromedp.Click(chromedp.CSS("#guardian-submit")))
	p.wait(pt, "#guardian-status .msg-ok")
	p.wait(pt, fmt.Sprintf(`#guardians-table .guardian[data-guardian=%q]`, patient2))
	p.text(pt, "#guardians-table tbody", "Yes")
	p.shoot(pt, "patient-guardians")
	require.Contains(t, guardians(), patient2, "the guardianship is on chain")
	p.eval(pt, `document.getElementById("guardian-status").replaceChildren(), true`)
	p.run(pt, chromedp.Click(chromedp.CSS(fmt.Sprintf(`#guardians-table .remove-guardian[data-guardian=%q]`, patient2))))
	p.wait(pt, "#guardian-status .msg-ok")
	p.text(pt, "#guardian-status", "Guardian removed")
	require.False(t, p.eval(pt, fmt.Sprintf(`!!document.querySelector('#guardians-table [data-guardian=%q]')`, patient2)), "the page still lists the removed guardian")
	p.shoot(pt, "patient-guardian-removed")
	require.NotContains(t, guardians(), patient2, "the guardianship left the chain")

	// patient1 changes the lab's consent (laboratory results too), then withdraws it.
	check := func(category string) string {
		return httpGet(t, fmt.Sprintf("%s/healthd/consent/v1/check/%s/%s/TREAT/%s", rest, patient, lab, category))
	}
	p.route(pt, "consents")
	cid := strings.TrimSpace(p.textOf(pt, "#consents-table tbody tr:nth-child(1) td:nth-child(1)"))
	require.Contains(t, check("laboratory"), `"allowed":false`)
	p.run(pt, chromedp.Click(chromedp.CSS("#amend-"+cid)), chromedp.Click(chromedp.CSS("#amend-cat-"+cid+"-laboratory")))
	p.eval(pt, `document.getElementById("consent-status").replaceChildren(), true`)
	p.run(pt, chromedp.Click(chromedp.CSS("#amend-submit-"+cid)))
	p.wait(pt, "#consent-status .msg-ok")
	p.text(pt, "#consents-table", "Laboratory results only")
	require.Contains(t, check("laboratory"), `"allowed":true`, "the amendment is on chain")
	p.run(pt, chromedp.Click(chromedp.CSS("#revoke-"+cid)))
	p.eval(pt, `document.getElementById("consent-status").replaceChildren(), true`)
	p.run(pt, chromedp.Click(chromedp.CSS("#revoke-submit-"+cid)))
	p.wait(pt, "#consent-status .msg-ok")
	p.text(pt, "#consents-table tbody tr:nth-child(1)", "Ended or withdrawn")
	p.shoot(pt, "patient-consent-withdrawn")
	require.Contains(t, check("Observation"), `"allowed":false`, "the revocation is on chain")

	// 6. The pharmacy verifies the pack by its GS1 string: authentic.
	pht := tab()
	p.signIn(pht, localnetMnemonic(t, dir, "pharmacy"), "#verify-form")
	p.run(pht, chromedp.SendKeys(chromedp.CSS("#verify-unit"), unit), chromedp.Click(chromedp.CSS("#verify-submit")))
	p.wait(pht, `#verdict[data-verdict="AUTHENTIC_SALEABLE"]`)
	p.text(pht, "#verdict", "Authentic")
	p.shoot(pht, "pharmacist-verified")
	var v struct {
		Verdict string `json:"verdict"`
	}
	require.NoError(t, json.Unmarshal([]byte(n.mustCLI("q", "drugtrace", "verify", unit, pharmacy, "-o", "json")), &v))
	require.Equal(t, "VERDICT_AUTHENTIC_SALEABLE", v.Verdict)

	// It dispenses the pack to patient1 against its own prescription reference:
	// the commitment the browser computed opens with the Go client's proof.
	p.run(pht, chromedp.SendKeys(chromedp.CSS("#dispense-patient"), patient), chromedp.SendKeys(chromedp.CSS("#dispense-rx"), "RX-42"),
		chromedp.Click(chromedp.CSS("#dispense-submit")))
	p.wait(pht, `#verify-status .msg-ok`)
	p.shoot(pht, "pharmacist-dispensed")
	var proof struct {
		Matches bool `json:"matches"`
	}
	require.NoError(t, json.Unmarshal([]byte(n.mustCLI("q", "drugtrace", "prescription-proof", unit, "RX-42", "--from", "pharmacy")), &proof))
	require.True(t, proof.Matches, "the browser's prescription commitment is the Go client's")
	require.NoError(t, json.Unmarshal([]byte(n.mustCLI("q", "drugtrace", "verify", unit, pharmacy, "-o", "json")), &v))
	require.Equal(t, "VERDICT_ALREADY_DISPENSED", v.Verdict)

	// 7. The payer approves the pended claim.
	pyt := tab()
	p.signIn(pyt, localnetMnemonic(t, dir, "payer"), `[data-claim="1"]`)
	p.shoot(pyt, "payer-queue")
	p.run(pyt, chromedp.Click(chromedp.CSS("#review-submit-1")))
	p.wait(pyt, `#queue-status[data-result="reviewed-1"]`)
	p.wait(pyt, "#queue-empty")
	p.shoot(pyt, "payer-approved")
	require.NotEqual(t, "CLAIM_STATUS_PENDED", n.claim("1").Claim.Status, "the claim left the queue on chain")
	require.Contains(t, []string{"CLAIM_STATUS_APPROVED", "CLAIM_STATUS_PAYABLE", "CLAIM_STATUS_PAID"}, n.claim("1").Claim.Status)

	// 8. The hospital opens emergency access to patient2 (no consent) with a
	// reason; the browser seals the reason to the hospital, the patient and
	// the live guardians, and the patient reads it with the Go client.
	ht := tab()
	p.signIn(ht, localnetMnemonic(t, dir, "hospital"), "#lookup-form")
	p.run(ht, chromedp.SendKeys(chromedp.CSS("#lookup-patient"), patient2), chromedp.Click(chromedp.CSS("#lookup-submit")))
	p.wait(ht, "#bg-form")
	p.run(ht, chromedp.SetValue(chromedp.CSS("#bg-reason"), "2"), chromedp.Click(chromedp.CSS("#bg-confirm")))
	p.eval(ht, `document.getElementById("clinician-status").replaceChildren(), true`)
	p.run(ht, chromedp.Click(chromedp.CSS("#bg-submit")))
	p.wait(ht, "#clinician-status .msg-ok")
	p.text(ht, "#clinician-status", "Emergency access is open")
	p.shoot(ht, "clinician-break-glass")
	var opened struct {
		Patient, Member, Justification string
		Verified                       bool
	}
	out = n.mustCLI("q", "consent", "break-glass-justification", "1", "--from", "patient2")
	require.NoError(t, json.Unmarshal([]byte(out[strings.Index(out, "{"):]), &opened), out)
	require.True(t, opened.Verified, out)
	require.Equal(t, patient2, opened.Patient)
	require.Equal(t, hospital, opened.Member)
	require.Contains(t, strings.ToLower(opened.Justification), "life", "the reason chosen in the browser, opened by the patient's Go client")

	// 9. patient2 signs in with Keplr (the test double below: Keplr does not
	// know the chain, so the portal suggests it first) and grants the lab a
	// consent, signed by Keplr in direct mode.
	kt := tab()
	calls := p.keplr(kt, localnetMnemonic(t, dir, "patient2"), patient2)
	p.run(kt, chromedp.Navigate(p.base), chromedp.WaitVisible(chromedp.CSS("#keplr-signin")))
	p.shoot(kt, "signin-keplr")
	p.run(kt, chromedp.Click(chromedp.CSS("#keplr-signin")))
	p.wait(kt, "#consents-table")
	p.wait(kt, `#who[data-signer="keplr"]`)
	require.Equal(t, patient2, p.attr(kt, "#who", "data-account"))
	// The log is colored (ANSI escapes around each field name).
	logText := regexp.MustCompile("\x1b\\[[0-9;]*m").ReplaceAllString(string(mustRead(t, filepath.Join(dir, "gateway.log"))), "")
	adr036 := false
	for _, l := range strings.Split(logText, "\n") {
		if strings.Contains(l, "session opened") && strings.Contains(l, patient2) && strings.Contains(l, "sign_mode=adr036") {
			adr036 = true
		}
	}
	require.True(t, adr036, "the gateway logged no ADR-036 session of %s", patient2)
	kcheck := func() string {
		return httpGet(t, fmt.Sprintf("%s/healthd/consent/v1/check/%s/%s/TREAT/Observation", rest, patient2, lab))
	}
	require.Contains(t, kcheck(), `"allowed":false`)
	p.run(kt, chromedp.SendKeys(chromedp.CSS("#grant-grantee"), lab), chromedp.Click(chromedp.CSS("#grant-submit")))
	p.wait(kt, `#consent-status[data-step="done"] .msg-ok`)
	p.text(kt, "#consents-table", lab[:12])
	p.shoot(kt, "keplr-consent-granted")
	require.Contains(t, kcheck(), `"allowed":true`, "the consent Keplr signed is on chain")
	require.Equal(t, []string{"enable", "suggest", "enable", "getKey", "signArbitrary", "signDirect"}, calls(), "the portal's calls to Keplr")
	// Records need the key Keplr does not expose: the page says so.
	p.route(kt, "records")
	p.text(kt, "#records-status", "Keplr can sign your transactions, but it cannot open records")
	p.shoot(kt, "keplr-records")

	// The sign-in page itself.
	st := tab()
	p.run(st, chromedp.Navigate(gw+"/portal/"))
	p.wait(st, "#signin-form")
	p.shoot(st, "signin")
	t.Logf("screenshots in %s", shots)
}

// chromiumBinary finds Debian's chromium; without it the test is skipped,
// except in CI (CI=true), where it fails.
func chromiumBinary(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("TestPortal needs a chromium binary in CI: apt-get install -y chromium")
	}
	t.Skip("no chromium binary: install Debian's chromium (apt-get install -y chromium) to run the portal's browser test")
	return ""
}

// localnetMnemonic reads a demo key's mnemonic from <home>/<name>.key.json.
func localnetMnemonic(t *testing.T, dir, name string) string {
	t.Helper()
	bz := mustRead(t, filepath.Join(dir, name+".key.json"))
	if i := strings.IndexByte(string(bz), '{'); i > 0 {
		bz = bz[i:]
	}
	var k struct {
		Mnemonic string `json:"mnemonic"`
	}
	require.NoError(t, json.Unmarshal(bz, &k), "%s.key.json", name)
	require.NotEmpty(t, k.Mnemonic, "%s.key.json holds no mnemonic", name)
	return k.Mnemonic
}

// portalPage drives the portal in a tab.
type portalPage struct {
	t     *testing.T
	base  string
	shots string
}

func (p *portalPage) run(ctx context.Context, actions ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	sctx, cancel := context.WithTimeout(ctx, portalStep)
	defer cancel()
	if err := chromedp.Do(sctx, actions...); err != nil {
		p.t.Fatalf("browser: %v\npage: %s", err, p.pageText(ctx))
	}
}

// eval evaluates a boolean expression in the page.
func (p *portalPage) eval(ctx context.Context, expr string) bool {
	p.t.Helper()
	sctx, cancel := context.WithTimeout(ctx, portalStep)
	defer cancel()
	v, err := chromedp.Run(sctx, chromedp.Evaluate[bool](expr))
	if err != nil {
		p.t.Fatalf("evaluating %s: %v", expr, err)
	}
	return v
}

// textOf is the visible text of the first element sel matches.
func (p *portalPage) textOf(ctx context.Context, sel string) string {
	p.t.Helper()
	sctx, cancel := context.WithTimeout(ctx, portalStep)
	defer cancel()
	s, err := chromedp.Run(sctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		p.t.Fatalf("text of %s: %v\npage: %s", sel, err, p.pageText(ctx))
	}
	return s
}

// pageText is the page's visible text, for failure messages.
func (p *portalPage) pageText(ctx context.Context) string {
	sctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	s, _ := chromedp.Run(sctx, chromedp.Evaluate[string](`document.body ? document.body.innerText : ""`))
	return s
}

func (p *portalPage) wait(ctx context.Context, sel string) {
	p.t.Helper()
	sctx, cancel := context.WithTimeout(ctx, portalStep)
	defer cancel()
	if err := chromedp.Do(sctx, chromedp.WaitVisible(chromedp.CSS(sel))); err != nil {
		p.t.Fatalf("waiting for %s: %v\npage: %s", sel, err, p.pageText(ctx))
	}
}

// text checks that the element's text contains want.
func (p *portalPage) text(ctx context.Context, sel, want string) {
	p.t.Helper()
	require.Contains(p.t, p.textOf(ctx, sel), want, "text of %s", sel)
}

// signIn opens the portal and signs in with a mnemonic, then waits for sel.
func (p *portalPage) signIn(ctx context.Context, mnemonic, sel string) {
	p.t.Helper()
	p.run(ctx, chromedp.Navigate(p.base), chromedp.WaitVisible(chromedp.CSS("#mnemonic")))
	p.run(ctx, chromedp.SendKeys(chromedp.CSS("#mnemonic"), mnemonic), chromedp.Click(chromedp.CSS("#signin-submit")))
	p.wait(ctx, sel)
}

// route follows a link of the portal's menu (a hash route: the page, and so
// the session in its memory, stays) and waits for the view.
func (p *portalPage) route(ctx context.Context, view string) {
	p.t.Helper()
	p.run(ctx, chromedp.Click(chromedp.CSS("#nav-"+view)))
	p.wait(ctx, fmt.Sprintf(`main[data-view=%q]`, view))
}

// openRecord opens record id from the clinician's view and waits for the outcome.
func (p *portalPage) openRecord(ctx context.Context, id, outcome string) {
	p.t.Helper()
	p.eval(ctx, `document.getElementById("clinician-status").removeAttribute("data-result"), true`)
	p.run(ctx, chromedp.SetValue(chromedp.CSS("#open-record-id"), id), chromedp.Click(chromedp.CSS("#open-record-submit")))
	p.wait(ctx, `#clinician-status[data-result]`)
	sctx, cancel := context.WithTimeout(ctx, portalStep)
	defer cancel()
	got, err := chromedp.Run(sctx, chromedp.AttributeValue(chromedp.CSS("#clinician-status"), "data-result"))
	require.NoError(p.t, err)
	require.Equal(p.t, outcome, got.Value, "opening record %s: %s", id, p.pageText(ctx))
}

// shoot captures the page at desktop (1280×800) and phone (390×844) width.
func (p *portalPage) shoot(ctx context.Context, name string) {
	p.t.Helper()
	for _, s := range []struct {
		label         string
		width, height int64
		mobile        bool
	}{{"desktop", 1280, 800, false}, {"phone", 390, 844, true}} {
		opts := []chromedp.EmulateViewportOption{}
		if s.mobile {
			opts = append(opts, chromedp.EmulateScale(1), chromedp.EmulateMobile)
		}
		p.run(ctx, chromedp.EmulateViewport(s.width, s.height, opts...), chromedp.Sleep(150*time.Millisecond))
		sctx, cancel := context.WithTimeout(ctx, portalStep)
		buf, err := chromedp.Run(sctx, chromedp.FullScreenshot(100))
		cancel()
		require.NoError(p.t, err, "screenshot %s", name)
		require.NoError(p.t, os.WriteFile(filepath.Join(p.shots, name+"-"+s.label+".png"), buf, 0o644))
	}
	p.run(ctx, chromedp.EmulateViewport(1280, 800))
}

// verified checks that the opened record is shown as verified against the
// chain's anchor, with the CID the Go client put.
func (p *portalPage) verified(ctx context.Context, cid string) {
	p.t.Helper()
	p.text(ctx, "#record-verified", "Verified")
	require.Equal(p.t, cid, p.attr(ctx, "#record-verified", "data-cid"), "the CID the browser computed")
}

// attr is an attribute of the first element sel matches.
func (p *portalPage) attr(ctx context.Context, sel, name string) string {
	p.t.Helper()
	sctx, cancel := context.WithTimeout(ctx, portalStep)
	defer cancel()
	v, err := chromedp.Run(sctx, chromedp.AttributeValue(chromedp.CSS(sel), name))
	require.NoError(p.t, err, "%s[%s]", sel, name)
	return v.Value
}

// keplrDouble is a test double of the Keplr extension's window.keplr: it
// knows no chain until experimentalSuggestChain, and it builds what Keplr
// signs as Keplr does (ADR-036: the amino sign document, keys sorted, then
// JSON.stringify with <, > and & escaped; direct: the SignDoc's protobuf
// bytes) and has them signed by window.keplrTestSign, a Go function holding
// the account's key. It records the calls in window.__keplrCalls.
const keplrDouble = `(() => {
  if (window.keplr) return;
  const ACCOUNT = %q, PUB = %q;
  const calls = [];
  const known = new Set();
  const enc = (u8) => { let s = ""; for (const b of u8) s += String.fromCharCode(b); return btoa(s); };
  const dec = (s) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
  const sorted = (v) => Array.isArray(v) ? v.map(sorted) : v && typeof v === "object"
    ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sorted(v[k])])) : v;
  const varint = (out, n) => { n = BigInt(n); while (n >= 128n) { out.push(Number(n & 127n) | 128); n >>= 7n; } out.push(Number(n)); };
  const bytesField = (out, f, b) => { if (!b.length) return; varint(out, f * 8 + 2); varint(out, b.length); out.push(...b); };
  const sign = async (bytes) => await window.keplrTestSign(enc(bytes));
  const pubKey = { type: "tendermint/PubKeySecp256k1", value: PUB };
  const mine = (chainId, signer) => {
    if (!known.has(chainId)) throw new Error("There is no chain info for " + chainId);
    if (signer !== ACCOUNT) throw new Error("signer is not the selected account");
  };
  window.keplr = {
    version: "0.0.0-test-double",
    async enable(chainId) {
      calls.push("enable");
      if (!known.has(chainId)) throw new Error("There is no chain info for " + chainId);
    },
    async experimentalSuggestChain(info) {
      calls.push("suggest");
      if (!info.chainId || !info.rpc || !info.rest || info.bech32Config.bech32PrefixAccAddr !== "health" ||
          info.bip44.coinType !== 118 || info.feeCurrencies[0].coinMinimalDenom !== "uhealth") throw new Error("bad chain info");
      known.add(info.chainId);
    },
    async getKey(chainId) {
      calls.push("getKey");
      mine(chainId, ACCOUNT);
      return { name: "test double", algo: "secp256k1", pubKey: dec(PUB), bech32Address: ACCOUNT, isNanoLedger: false };
    },
    async signArbitrary(chainId, signer, data) {
      calls.push("signArbitrary");
      mine(chainId, signer);
      const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
      const doc = { chain_id: "", account_number: "0", sequence: "0", fee: { gas: "0", amount: [] },
        msgs: [{ type: "sign/MsgSignData", value: { signer, data: enc(bytes) } }], memo: "" };
      const json = JSON.stringify(sorted(doc)).replace(/&/g, "\\u0026").replace(/</g, "\\u003c").replace(/>/g, "\\u003e");
      return { pub_key: pubKey, signature: await sign(new TextEncoder().encode(json)) };
    },
    async signDirect(chainId, signer, doc) {
      calls.push("signDirect");
      mine(chainId, signer);
      const out = [];
      bytesField(out, 1, doc.bodyBytes);
      bytesField(out, 2, doc.authInfoBytes);
      bytesField(out, 3, new TextEncoder().encode(doc.chainId));
      if (BigInt(doc.accountNumber.toString()) !== 0n) { varint(out, 4 * 8); varint(out, doc.accountNumber.toString()); }
      const signature = await sign(Uint8Array.from(out));
      return { signed: { bodyBytes: doc.bodyBytes, authInfoBytes: doc.authInfoBytes, chainId: doc.chainId, accountNumber: doc.accountNumber },
        signature: { pub_key: pubKey, signature } };
    },
  };
  window.__keplrCalls = calls;
})();`

// keplr installs the Keplr test double in the tab before any page loads,
// with the key of mnemonic (whose address must be account), and returns a
// function that reads the calls the page made to it.
func (p *portalPage) keplr(ctx context.Context, mnemonic, account string) func() []string {
	p.t.Helper()
	seed, err := hd.Secp256k1.Derive()(mnemonic, "", hd.CreateHDPath(118, 0, 0).String())
	require.NoError(p.t, err)
	priv := &secp256k1.PrivKey{Key: seed}
	addr, err := bech32.ConvertAndEncode("health", priv.PubKey().Address())
	require.NoError(p.t, err)
	require.Equal(p.t, account, addr, "the double's key is the account's")
	script := fmt.Sprintf(keplrDouble, account, base64.StdEncoding.EncodeToString(priv.PubKey().Bytes()))
	p.run(ctx,
		chromedp.ExposeFunc("keplrTestSign", func(_ context.Context, msg string) (string, error) {
			bz, err := base64.StdEncoding.DecodeString(msg)
			if err != nil {
				return "", err
			}
			sig, err := priv.Sign(bz)
			return base64.StdEncoding.EncodeToString(sig), err
		}),
		chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			_, err := cdp.Call(ctx, t, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: script})
			return err
		}))
	return func() []string {
		p.t.Helper()
		sctx, cancel := context.WithTimeout(ctx, portalStep)
		defer cancel()
		v, err := chromedp.Run(sctx, chromedp.Evaluate[[]string](`window.__keplrCalls || []`))
		require.NoError(p.t, err)
		return v
	}
}
