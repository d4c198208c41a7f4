// The clinician's views (member hospital or laboratory): look a patient up,
// see what the patient's consents allow, open a record (asking the chain for
// access under the consent first), and break-glass.
import { h, field, select, message, progress, short, date, day, table, busy } from "./ui.js";
import { gateway, GatewayError } from "./api.js";
import { send } from "./tx.js";
import * as msgs from "./msgs.js";
import { PURPOSES, JUSTIFICATIONS, purposeWords, categoryWords } from "./words.js";
import { validAddress } from "./keys.js";
import { openRecord } from "./records.js";
import { fhirAll, recordView, downloadRecord } from "./common.js";
import { consentFacts } from "./patient.js";
import { sealJustification } from "./breakglass.js";

// Vault refusals that a grant from the chain can cure.
const NEEDS_GRANT = ["NO_GRANT", "GRANT_EXPIRED", "ACCESS_DENIED"];

// openWithAccess opens record id; when the vault says there is no live access
// grant, it asks the chain for one (MsgRequestAccess, which the chain gives
// only under the patient's consent) and tries again.
export async function openWithAccess(ctx, id, purpose, report) {
  try {
    return await openRecord(ctx.account, id);
  } catch (e) {
    if (!(e instanceof GatewayError) || !NEEDS_GRANT.includes(e.reason)) throw e;
  }
  await send(ctx.account, [msgs.requestAccess({ grantee: ctx.account.address, recordId: id, purpose })], report);
  return openRecord(ctx.account, id);
}

export async function patientLookup(ctx, main, params) {
  const status = h("div", { id: "clinician-status", class: "status", "aria-live": "polite" });
  const who = h("input", { id: "lookup-patient", type: "text", autocomplete: "off", spellcheck: "false", placeholder: "health1…", value: params.get("patient") || "" });
  const go = h("button", { type: "submit", class: "primary", id: "lookup-submit" }, "Look up");
  const form = h("form", { class: "card", id: "lookup-form" }, field("Patient's account", who, "The patient's health1… account, from their card or app."), go);
  const result = h("div", { id: "lookup-result" });
  const view = h("div", { id: "record-view" });

  const recId = h("input", { id: "open-record-id", type: "text", inputmode: "numeric", autocomplete: "off" });
  const recPurpose = select({ id: "open-record-purpose" }, Object.entries(PURPOSES).map(([k, [t]]) => [k, t]));
  const openBtn = h("button", { type: "submit", id: "open-record-submit" }, "Open record");
  const openForm = h("form", { class: "card", id: "open-form" }, h("h2", {}, "Open a record by its number"),
    field("Record number", recId), field("Purpose", recPurpose, "Access is given only if the patient consented to this purpose for this kind of record."), openBtn);

  async function open(id, purpose, btn) {
    busy(btn, true);
    message(status, "info", "Opening record " + id + "…");
    try {
      const rec = await openWithAccess(ctx, id, purpose, progress(status));
      view.replaceChildren(recordView(id, rec));
      message(status, "ok", "Record " + id + " opened and decrypted in this browser. The patient sees this access.");
      status.dataset.result = "opened";
    } catch (e) {
      view.replaceChildren();
      message(status, "error", "Refused: " + e.message);
      status.dataset.result = "refused";
    } finally {
      busy(btn, false);
    }
  }
  openForm.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const id = recId.value.trim();
    if (!/^[1-9][0-9]*$/.test(id)) {
      message(status, "error", "Enter the record's number.");
      return;
    }
    open(id, recPurpose.value, openBtn);
  });

  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const p = who.value.trim();
    if (!validAddress(p)) {
      message(status, "error", "That is not a health1… account: check it and try again.");
      return;
    }
    history.replaceState(null, "", "#/patient?patient=" + encodeURIComponent(p));
    busy(go, true);
    result.replaceChildren(h("p", {}, "Looking up…"));
    const parts = [];
    try {
      const cons = (await fhirAll("Consent", { patient: p })).map(consentFacts);
      parts.push(table("What this patient's consents allow you", ["#", "Why", "What", "Until", "Status"], cons.map((f) => [
        f.id, purposeWords(f.purpose), f.all ? "Everything" : f.categories.map(categoryWords).join(", "), day(f.end), f.status === "active" ? "Active" : "Ended or withdrawn",
      ]), { id: "lookup-consents" }));
    } catch (e) {
      parts.push(h("p", { class: "msg msg-error", role: "alert" }, "Consents: " + e.message));
    }
    try {
      const docs = await fhirAll("DocumentReference", { patient: p, purpose: "TREAT" });
      parts.push(table("Records you may open for treatment", ["#", "Kind", "Category", "Date", ""], docs.map((d) => {
        const b = h("button", { type: "button", class: "open-record", "data-record": d.id }, "Open");
        b.addEventListener("click", () => open(d.id, "TREAT", b));
        const cat = (((d.category || [])[0] || {}).coding || [])[0]?.code || "";
        return [d.id, (d.type || {}).text || "", categoryWords(cat), date(d.date), b];
      }), { id: "lookup-records" }));
    } catch (e) {
      parts.push(h("p", { class: "msg msg-error", role: "alert", id: "lookup-records-refused" }, "Records: " + e.message));
    }
    parts.push(breakGlassForm(ctx, p, status));
    result.replaceChildren(...parts);
    busy(go, false);
  });

  main.replaceChildren(h("h1", {}, "Patients"), status, form, result, openForm, view);
  if (who.value) form.requestSubmit();
}

function breakGlassForm(ctx, patient, status) {
  const reason = select({ id: "bg-reason" }, Object.entries(JUSTIFICATIONS));
  const confirm = h("input", { type: "checkbox", id: "bg-confirm", required: true });
  const ok = h("button", { type: "submit", class: "danger", id: "bg-submit" }, "Break the glass");
  const form = h("form", { class: "card warning", id: "bg-form" },
    h("h2", {}, "Emergency access (break-glass)"),
    h("p", { class: "msg msg-warn" }, "Use this only in an emergency, when the patient cannot consent. The patient and their guardians will see that you opened emergency access, when, and your reason. It is reviewed."),
    field("Reason", reason),
    h("div", { class: "check" }, confirm, h("label", { for: "bg-confirm" }, "I understand that the patient will see this access and my reason.")),
    ok);
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    if (!confirm.checked) {
      message(status, "error", "Confirm that you understand the patient will see this access.");
      return;
    }
    try {
      busy(ok, true);
      const sealed = await sealJustification(ctx.account, patient, Number(reason.value));
      await send(ctx.account, [msgs.breakGlass({ member: ctx.account.address, patient, commitment: sealed.commitment, ciphertext: sealed.ciphertext })], progress(status));
      message(status, "ok", "Emergency access is open. Open records with the purpose \"Emergency treatment\". The patient has been told." +
        (sealed.readers === 0 ? " The patient has no registered key, so only you can read the reason you gave." : ""));
    } catch (e) {
      message(status, "error", e.message);
    } finally {
      busy(ok, false);
    }
  });
  return form;
}
