// The healthd portal: one page, hash routes, views chosen by the caller's
// role (GET /v1/whoami; an account that is not a member is a patient).
import { h, field, message, busy, short } from "./ui.js";
import { gateway } from "./api.js";
import { fromMnemonic, remember, remembered, unlock, forgetRemembered, keplrPresent, connectKeplr, NO_RAW_SIGNING } from "./keys.js";
import * as patient from "./patient.js";
import * as clinician from "./clinician.js";
import * as pharmacist from "./pharmacist.js";
import * as payer from "./payer.js";

const ctx = { account: null, who: null, roles: [] };
const main = document.getElementById("main");
const nav = document.getElementById("nav");
const bar = document.getElementById("account-bar");

const ROLE_WORDS = { HOSPITAL: "hospital", LABORATORY: "laboratory", PHARMACY: "pharmacy", PAYER: "insurer", REGULATOR: "regulator" };

// routes lists the views a caller may use, by role.
function routes() {
  if (!ctx.account) return [["verify", "Verify a pack", pharmacist.verify]];
  const r = [];
  const roles = ctx.roles;
  if (!ctx.who.member) {
    r.push(["consents", "Consents", patient.consents], ["timeline", "Who read my data", patient.timeline],
      ["records", "Records", patient.records], ["claims", "Claims", patient.claims],
      ["medications", "Medicines", patient.medications], ["guardians", "Guardians", patient.guardians]);
  }
  if (roles.includes("HOSPITAL") || roles.includes("LABORATORY")) r.push(["patient", "Patients", clinician.patientLookup]);
  if (roles.includes("PAYER")) r.push(["queue", "Claims queue", payer.queue]);
  r.push(["verify", "Verify a pack", pharmacist.verify]);
  return r;
}

function renderNav(current) {
  nav.replaceChildren(h("ul", {}, routes().map(([id, title]) =>
    h("li", {}, h("a", { href: "#/" + id, id: "nav-" + id, "aria-current": id === current ? "page" : undefined }, title)))));
  if (ctx.account) {
    const out = h("button", { type: "button", id: "sign-out" }, "Sign out");
    out.addEventListener("click", signOut);
    const who = ctx.who.member ? `${ctx.who.name} (${ctx.roles.map((x) => ROLE_WORDS[x] || x.toLowerCase()).join(", ")})` : "Patient";
    bar.replaceChildren(h("span", { id: "who", "data-account": ctx.account.address, "data-signer": ctx.account.kind }, who, " · ",
      h("span", { class: "mono", title: ctx.account.address }, short(ctx.account.address)), ctx.account.kind === "keplr" ? " · Keplr" : ""), out);
  } else {
    bar.replaceChildren(h("a", { href: "#/signin", id: "nav-signin" }, "Sign in"));
  }
}

async function route() {
  const [path, query] = location.hash.replace(/^#\/?/, "").split("?");
  const params = new URLSearchParams(query || "");
  if (!ctx.account && path !== "verify") return signIn();
  const rs = routes();
  const found = rs.find(([id]) => id === path) || rs[0];
  renderNav(found[0]);
  document.title = found[1] + " · healthd portal";
  main.replaceChildren(h("p", {}, "Loading…"));
  try {
    await found[2](ctx, main, params);
  } catch (e) {
    message(main, "error", e.message);
  }
  main.dataset.view = found[0];
  const h1 = main.querySelector("h1");
  if (h1) {
    h1.tabIndex = -1;
    h1.focus({ preventScroll: true });
  }
}

async function start(account, rememberPass) {
  await gateway.login(account);
  const who = await gateway.whoami();
  if (rememberPass) await remember(account, rememberPass);
  ctx.account = account;
  ctx.who = who;
  ctx.roles = who.roles || [];
  const first = routes()[0][0];
  if (location.hash.replace(/^#\/?/, "").split("?")[0] === first) route();
  else location.hash = "#/" + first;
}

async function signOut() {
  await gateway.logout();
  if (ctx.account) ctx.account.forget();
  ctx.account = null;
  ctx.who = null;
  ctx.roles = [];
  location.hash = "#/signin";
  signIn();
}

gateway.onExpired = (e) => {
  if (ctx.account) ctx.account.forget();
  ctx.account = null;
  signIn(e.message);
};

function signIn(note) {
  renderNav("signin");
  document.title = "Sign in · healthd portal";
  const status = h("div", { id: "signin-status", class: "status", "aria-live": "polite" });
  const parts = [h("h1", {}, "Sign in"), status];

  const kept = remembered();
  if (kept) {
    const pass = h("input", { id: "unlock-pass", type: "password", autocomplete: "current-password", required: true });
    const ok = h("button", { type: "submit", class: "primary", id: "unlock-submit" }, "Unlock");
    const forget = h("button", { type: "button", id: "forget-key" }, "Forget this key");
    const f = h("form", { class: "card", id: "unlock-form" }, h("h2", {}, "Your key on this device"),
      h("p", {}, "Account ", h("span", { class: "mono" }, kept), "."),
      field("Passphrase", pass), h("div", { class: "actions" }, ok, forget));
    f.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      busy(ok, true);
      try {
        await start(await unlock(pass.value));
      } catch (e) {
        message(status, "error", e.message);
      } finally {
        busy(ok, false);
      }
    });
    forget.addEventListener("click", () => {
      forgetRemembered();
      signIn("The key was removed from this device.");
    });
    parts.push(f);
  }

  const words = h("textarea", { id: "mnemonic", rows: 3, autocomplete: "off", autocapitalize: "none", spellcheck: "false", required: true });
  const keep = h("input", { type: "checkbox", id: "remember" });
  const pass = h("input", { id: "remember-pass", type: "password", autocomplete: "new-password", disabled: true });
  keep.addEventListener("change", () => (pass.disabled = !keep.checked));
  const ok = h("button", { type: "submit", class: "primary", id: "signin-submit" }, "Sign in");
  const form = h("form", { class: "card", id: "signin-form" },
    h("h2", {}, kept ? "Or use your recovery phrase" : "Use your recovery phrase"),
    h("p", {}, "Your key is made from your recovery phrase here, in this browser. The phrase and the key are never sent anywhere: the server only sees signatures."),
    field("Recovery phrase (12 or 24 words)", words),
    h("div", { class: "check" }, keep, h("label", { for: "remember" }, "Remember my key on this device")),
    field("Passphrase to protect it", pass, "At least 8 characters. Without it, nobody using this device can use your key; if you forget it, sign in with your phrase again."),
    ok);
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    busy(ok, true);
    message(status, "info", "Signing in…");
    try {
      const acc = fromMnemonic(words.value);
      words.value = "";
      await start(acc, keep.checked ? pass.value : null);
    } catch (e) {
      message(status, "error", e.message);
    } finally {
      busy(ok, false);
    }
  });
  parts.push(form);

  if (keplrPresent()) {
    const kb = h("button", { type: "button", class: "primary", id: "keplr-signin" }, "Sign in with Keplr");
    kb.addEventListener("click", async () => {
      busy(kb, true);
      message(status, "info", "Connecting to Keplr…");
      try {
        const info = await gateway.get("/v1/chain-info", { auth: false });
        await start(await connectKeplr(info));
      } catch (e) {
        message(status, "error", e.message);
      } finally {
        busy(kb, false);
      }
    });
    parts.push(h("section", { class: "card", id: "keplr-card" }, h("h2", {}, "Or use Keplr"),
      h("p", {}, "Keplr keeps your key in its extension and asks you to approve each signature."),
      h("p", { class: "hint" }, NO_RAW_SIGNING), kb));
  }
  parts.push(h("p", {}, h("a", { href: "#/verify" }, "Verify a medicine pack without signing in")));
  main.replaceChildren(...parts);
  main.dataset.view = "signin";
  if (note) message(status, "info", note);
}

let lastHash = location.hash;
window.addEventListener("hashchange", () => {
  // The skip link targets #main: focus it and keep the route.
  if (location.hash === "#main") {
    history.replaceState(null, "", lastHash || "#/");
    main.focus();
    return;
  }
  lastHash = location.hash;
  if (location.hash === "#/signin" && ctx.account) return;
  route();
});
route();
