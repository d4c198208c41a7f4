// The patient's views: consents, timeline, records, claims, medicines, guardians.
import { h, field, select, message, progress, short, date, day, table, busy } from "./ui.js";
import { gateway } from "./api.js";
import { send } from "./tx.js";
import * as msgs from "./msgs.js";
import { PURPOSES, CATEGORIES, REVOCATION, purposeWords, categoryWords, claimStatusWords } from "./words.js";
import { validAddress, NO_RAW_SIGNING } from "./keys.js";
import { openRecord } from "./records.js";
import { fhirAll, downloadRecord, recordView } from "./common.js";

const ident = (ref) => (ref && ref.identifier && ref.identifier.value) || (ref && ref.reference) || (ref && ref.display) || "";

// consentRow turns a FHIR Consent into the words shown.
export function consentFacts(c) {
  const p = c.provision || {};
  const purpose = ((p.purpose || [])[0] || {}).code || "";
  const cats = (p.class || []).map((x) => x.code);
  return {
    id: c.id,
    grantee: ident(((p.actor || [])[0] || {}).reference),
    purpose,
    categories: cats,
    all: cats.length === 0,
    start: (p.period || {}).start,
    end: (p.period || {}).end,
    status: c.status,
  };
}

function statusWords(f) {
  if (f.status === "active") return new Date(f.start) > new Date() ? "Starts later" : "Active";
  return "Ended or withdrawn";
}

function categoryChecks(name, chosen = [], all = false) {
  const box = h("fieldset", { class: "checks" }, h("legend", {}, "What it covers"));
  const allBox = h("input", { type: "checkbox", id: name + "-all", name: name + "-all", checked: all });
  box.append(h("div", { class: "check" }, allBox, h("label", { for: name + "-all" }, "Everything in my record")));
  for (const [code, words] of Object.entries(CATEGORIES)) {
    const id = name + "-" + code;
    box.append(h("div", { class: "check" },
      h("input", { type: "checkbox", id, name, value: code, checked: chosen.includes(code) }),
      h("label", { for: id }, words, " ", h("span", { class: "code" }, "(" + code + ")"))));
  }
  return {
    el: box,
    read() {
      const cats = [...box.querySelectorAll(`input[name="${name}"]:checked`)].map((x) => x.value);
      return { all: allBox.checked, categories: allBox.checked ? [] : cats.sort() };
    },
  };
}

function endOfDay(v) {
  const d = new Date(v + "T23:59:59Z");
  if (isNaN(d)) throw new Error("Choose the date the consent ends.");
  return d;
}

function inAYear() {
  const d = new Date();
  d.setUTCFullYear(d.getUTCFullYear() + 1);
  return d.toISOString().slice(0, 10);
}

export async function consents(ctx, main) {
  const me = ctx.account.address;
  const status = h("div", { id: "consent-status", class: "status", "aria-live": "polite" });
  const list = h("div", { id: "consent-list" }, h("p", {}, "Loading your consents…"));

  // Grant form.
  const grantee = h("input", { id: "grant-grantee", type: "text", autocomplete: "off", spellcheck: "false", required: true, placeholder: "health1…" });
  const purpose = select({ id: "grant-purpose" }, Object.entries(PURPOSES).filter(([k]) => k !== "ETREAT").map(([k, [t]]) => [k, t]));
  const purposeHint = h("p", { class: "hint", id: "grant-purpose-explained", "aria-live": "polite" });
  const explain = () => (purposeHint.textContent = PURPOSES[purpose.value][1]);
  purpose.addEventListener("change", explain);
  explain();
  const cats = categoryChecks("grant-cat", ["Observation"]);
  const until = h("input", { id: "grant-end", type: "date", value: inAYear(), required: true });
  const submit = h("button", { id: "grant-submit", type: "submit", class: "primary" }, "Give consent");
  const form = h("form", { id: "grant-form", class: "card", novalidate: true },
    h("h2", {}, "Give a new consent"),
    h("p", {}, "Choose who may read which part of your record, why, and until when. You can change or withdraw it at any time, and every read is logged for you to see."),
    field("Organisation's account", grantee, "The health1… account of the hospital, laboratory, pharmacy or insurer."),
    field("Why they may read it", purpose), purposeHint,
    cats.el,
    field("Until", until, "The consent ends at the end of this day (UTC)."),
    submit);
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    try {
      const g = grantee.value.trim();
      if (!validAddress(g)) throw new Error("That is not a health1… account: check it and try again.");
      const c = cats.read();
      if (!c.all && c.categories.length === 0) throw new Error("Choose at least one kind of information, or everything.");
      busy(submit, true);
      await send(ctx.account, [msgs.grantConsent({ signer: me, patient: me, grantee: g, purpose: purpose.value,
        categories: c.categories, allCategories: c.all, end: endOfDay(until.value) })], progress(status));
      await load(); // the table first, so that "done" means the list shows it
      message(status, "ok", `Consent given to ${short(g)} for ${purposeWords(purpose.value).toLowerCase()}.`);
      status.dataset.step = "done";
    } catch (e) {
      message(status, "error", e.message);
    } finally {
      busy(submit, false);
    }
  });

  async function load() {
    let rows;
    try {
      rows = (await fhirAll("Consent", { patient: me })).map(consentFacts);
    } catch (e) {
      message(list, "error", e.message);
      return;
    }
    rows.sort((a, b) => Number(b.id) - Number(a.id));
    list.replaceChildren(table("Your consents", ["#", "Who", "Why", "What", "Until", "Status", ""],
      rows.map((f) => [
        f.id,
        h("span", { class: "mono", title: f.grantee }, short(f.grantee)),
        h("span", { title: (PURPOSES[f.purpose] || [])[1] || "" }, purposeWords(f.purpose)),
        f.all ? "Everything" : h("ul", { class: "plain" }, f.categories.map((x) => h("li", {}, categoryWords(x)))),
        day(f.end),
        statusWords(f),
        f.status === "active" ? actions(f) : "",
      ]), { id: "consents-table" }));
  }

  function actions(f) {
    const box = h("div", { class: "actions" });
    const amendBtn = h("button", { type: "button", "data-consent": f.id, class: "amend", id: "amend-" + f.id }, "Change");
    const revokeBtn = h("button", { type: "button", "data-consent": f.id, class: "revoke danger", id: "revoke-" + f.id }, "Withdraw");
    amendBtn.addEventListener("click", () => amendForm(f, box));
    revokeBtn.addEventListener("click", () => revokeForm(f, box));
    box.append(amendBtn, revokeBtn);
    return box;
  }

  function amendForm(f, box) {
    const cats2 = categoryChecks("amend-cat-" + f.id, f.categories, f.all);
    const end = h("input", { type: "date", value: (f.end || "").slice(0, 10), required: true });
    const ok = h("button", { type: "submit", class: "primary", id: "amend-submit-" + f.id }, "Save the change");
    const fm = h("form", { class: "inline-form" }, cats2.el, field("Until", end), ok);
    fm.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      try {
        const c = cats2.read();
        busy(ok, true);
        await send(ctx.account, [msgs.amendConsent({ signer: me, consentId: f.id, categories: c.categories, allCategories: c.all, end: endOfDay(end.value) })], progress(status));
        await load(); // the table first, so that "done" means the list shows it
        message(status, "ok", `Consent ${f.id} changed.`);
      } catch (e) {
        message(status, "error", e.message);
      } finally {
        busy(ok, false);
      }
    });
    box.replaceChildren(fm);
    end.focus();
  }

  function revokeForm(f, box) {
    const reason = select({}, Object.entries(REVOCATION));
    const ok = h("button", { type: "submit", class: "danger", id: "revoke-submit-" + f.id }, "Withdraw consent " + f.id);
    const fm = h("form", { class: "inline-form" }, field("Why", reason), ok);
    fm.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      try {
        busy(ok, true);
        await send(ctx.account, [msgs.revokeConsent({ signer: me, consentId: f.id, reason: Number(reason.value) })], progress(status));
        await load(); // the table first, so that "done" means the list shows it
        message(status, "ok", `Consent ${f.id} withdrawn: ${short(f.grantee)} can no longer read under it.`);
      } catch (e) {
        message(status, "error", e.message);
      } finally {
        busy(ok, false);
      }
    });
    box.replaceChildren(fm);
    reason.focus();
  }

  main.replaceChildren(h("h1", {}, "Your consents"), status, list, form);
  await load();
}

// timeline: who read what, when, under which consent.
export async function timeline(ctx, main) {
  const me = ctx.account.address;
  const box = h("div", { id: "timeline" }, h("p", {}, "Loading who read your data…"));
  main.replaceChildren(h("h1", {}, "Who read your data"),
    h("p", {}, "Every access to your records given by the network is listed first; then every read through this portal's server, newest first."), box);
  let events;
  try {
    events = await fhirAll("AuditEvent", { patient: me }, 5);
  } catch (e) {
    message(box, "error", e.message);
    return;
  }
  const items = events.map((ev) => {
    const who = ident(((ev.agent || [])[0] || {}).who);
    const purpose = (((ev.purposeOfEvent || [])[0] || {}).coding || [])[0]?.code || "";
    const what = (ev.entity || []).map((e) => (e.what && (e.what.reference || e.what.display)) || "").filter((x) => x && !x.startsWith("Patient")).join(", ");
    const refused = ev.outcome && ev.outcome !== "0";
    const chain = (ev.id || "").startsWith("disclosure-");
    const mine = who === me;
    return h("li", { class: "event" + (refused ? " refused" : "") + (chain ? " chain" : ""), "data-agent": who },
      h("p", { class: "when" }, date(ev.recorded)),
      h("p", {}, h("strong", {}, mine ? "You" : short(who)), " ",
        chain ? "was given access to " : refused ? "was refused " : "read ", what || "your data",
        purpose ? " for " + purposeWords(purpose).toLowerCase() : ""),
      h("p", { class: "hint" }, ev.outcomeDesc || "", chain ? " · recorded on the network" : " · portal server log"));
  });
  box.replaceChildren(items.length ? h("ol", { class: "timeline" }, items) : h("p", {}, "Nobody has read your data yet."));
}

export async function records(ctx, main) {
  const me = ctx.account.address;
  const status = h("div", { id: "records-status", class: "status", "aria-live": "polite" });
  const box = h("div", { id: "records" }, h("p", {}, "Loading your records…"));
  const view = h("div", { id: "record-view" });
  main.replaceChildren(h("h1", {}, "Your records"),
    h("p", {}, "Your records are stored encrypted. They are decrypted here, in your browser, with your key; the server never sees them in clear. Before a record is shown, this browser checks it is the one recorded on the network."),
    status, box, view);
  if (!ctx.account.rawSigner) message(status, "info", NO_RAW_SIGNING);
  let docs;
  try {
    docs = await fhirAll("DocumentReference", { patient: me });
  } catch (e) {
    message(box, "error", e.message);
    return;
  }
  box.replaceChildren(table("Records", ["#", "Kind", "Category", "Author", "Date", ""], docs.map((d) => {
    const b = h("button", { type: "button", class: "open-record", "data-record": d.id }, "Download decrypted");
    b.addEventListener("click", async () => {
      busy(b, true);
      message(status, "info", "Decrypting record " + d.id + " in your browser…");
      try {
        const rec = await openRecord(ctx.account, d.id);
        view.replaceChildren(recordView(d.id, rec));
        downloadRecord(d.id, rec);
        message(status, "ok", "Record " + d.id + " decrypted.");
      } catch (e) {
        message(status, "error", e.message);
      } finally {
        busy(b, false);
      }
    });
    const cat = (((d.category || [])[0] || {}).coding || [])[0]?.code || "";
    return [d.id, (d.type || {}).text || "", categoryWords(cat), h("span", { class: "mono" }, short(ident((d.author || [])[0]))), date(d.date), b];
  }), { id: "records-table" }));
}

// FHIR claim outcomes and EOB totals in words.
const OUTCOME = { queued: "Waiting for review", complete: "Decided", partial: "Partly decided", error: "Refused" };
const TOTALS = { submitted: "Charged by the provider", eligible: "Allowed by your plan", benefit: "Paid by your plan", "patient-responsibility": "Left for you to pay" };

export async function claims(ctx, main) {
  const me = ctx.account.address;
  const box = h("div", { id: "claims" }, h("p", {}, "Loading…"));
  main.replaceChildren(h("h1", {}, "Claims and what your plan paid"), box);
  try {
    const [resp, eob] = await Promise.all([fhirAll("ClaimResponse", { patient: me }), fhirAll("ExplanationOfBenefit", { patient: me })]);
    const money = (m) => (m && m.value !== undefined ? m.value + " " + (m.currency || "") : "");
    const num = (id) => String(id || "").replace(/^(claim|eob)-/, "");
    box.replaceChildren(
      table("Claims", ["Claim", "Where it stands"], resp.map((r) => [num(r.id), claimStatusWords(r.disposition) || OUTCOME[r.outcome] || r.outcome || ""]), { id: "claims-table" }),
      table("Explanation of benefits", ["Claim", "Created", "Where it stands", "Amounts"], eob.map((e) => [
        num(e.id), date(e.created), OUTCOME[e.outcome] || e.outcome || "",
        h("ul", { class: "plain" }, (e.total || []).map((t) => {
          const code = (((t.category || {}).coding || [])[0] || {}).code;
          return h("li", {}, (TOTALS[code] || code) + ": " + money(t.amount));
        })),
      ]), { id: "eob-table" }));
  } catch (e) {
    message(box, "error", e.message);
  }
}

export async function medications(ctx, main) {
  const me = ctx.account.address;
  const box = h("div", { id: "medications" }, h("p", {}, "Loading…"));
  main.replaceChildren(h("h1", {}, "Your medicines"),
    h("p", {}, "Packs dispensed to you, as recorded by pharmacies. If a batch is recalled, it is marked here."), box);
  try {
    const res = await gateway.get("/v1/medication-history?patient=" + encodeURIComponent(me));
    const entries = res.entries || [];
    // The recall notices of the lots you received (the gateway looks them up).
    const recalls = new Map((res.recalls || []).map((r) => [r.gtin + "/" + r.lot, r]));
    const notices = (res.recalls || []).map((r) => h("p", { class: "msg msg-error", role: "alert", "data-recall": r.gtin + "/" + r.lot },
      `Recall: batch ${r.lot} of product ${r.gtin} was recalled on ${day(r.recalled_at)} (${r.reason}). Do not use these packs; ask your pharmacist or doctor what to do instead.`));
    box.replaceChildren(...notices, table("Medicines dispensed", ["Product (GTIN)", "Serial", "Lot", "Expiry", "When", "Notice"], entries.map((e) => [
      e.gtin || "", e.serial || "", e.lot || "", e.expiry ? day(e.expiry) : "", date(e.dispensed_at || e.time || ""),
      recalls.has((e.gtin || "") + "/" + (e.lot || "")) ? h("strong", { class: "bad" }, "Recalled: ask your pharmacist") : "",
    ]), { id: "medications-table" }));
  } catch (e) {
    message(box, "error", e.message);
  }
}

export async function guardians(ctx, main) {
  const me = ctx.account.address;
  const status = h("div", { id: "guardian-status", class: "status", "aria-live": "polite" });
  const box = h("div", { id: "guardians" }, h("p", {}, "Loading…"));
  const who = h("input", { id: "guardian-account", type: "text", autocomplete: "off", spellcheck: "false", placeholder: "health1…" });
  const end = h("input", { id: "guardian-end", type: "date", value: inAYear() });
  const ok = h("button", { type: "submit", class: "primary", id: "guardian-submit" }, "Appoint guardian");
  const form = h("form", { class: "card", id: "guardian-form" }, h("h2", {}, "Appoint a guardian"),
    h("p", {}, "A guardian can give and withdraw consents for you, and read your data, until the date you choose."),
    field("Guardian's account", who), field("Until", end), ok);
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    try {
      const g = who.value.trim();
      if (!validAddress(g)) throw new Error("That is not a health1… account: check it and try again.");
      busy(ok, true);
      await send(ctx.account, [msgs.appointGuardian({ patient: me, guardian: g, end: endOfDay(end.value) })], progress(status));
      await load(); // the table first, so that "done" means the list shows it
      message(status, "ok", "Guardian appointed.");
    } catch (e) {
      message(status, "error", e.message);
    } finally {
      busy(ok, false);
    }
  });
  async function load() {
    try {
      const res = await gateway.get("/v1/guardians?patient=" + encodeURIComponent(me));
      box.replaceChildren(table("Your guardians", ["Guardian", "From", "Until", "Now", ""], (res.guardians || []).map((g) => {
        const rm = h("button", { type: "button", class: "danger remove-guardian", "data-guardian": g.guardian, "aria-label": "Remove guardian " + g.guardian }, "Remove");
        rm.addEventListener("click", async () => {
          try {
            busy(rm, true);
            await send(ctx.account, [msgs.removeGuardian({ patient: me, guardian: g.guardian })], progress(status));
            await load(); // the table first, so that "done" means the list shows it
            message(status, "ok", "Guardian removed.");
          } catch (e) {
            message(status, "error", e.message);
          } finally {
            busy(rm, false);
          }
        });
        return [h("span", { class: "mono guardian", "data-guardian": g.guardian, title: g.guardian }, short(g.guardian)), day(g.start), day(g.end), g.live ? "Yes" : "No", rm];
      }), { id: "guardians-table" }));
    } catch (e) {
      message(box, "error", e.message);
    }
  }
  main.replaceChildren(h("h1", {}, "Guardians"), status, box, form);
  await load();
}
