// The payer's view: the queue of pended claims with their adjudication
// detail; approve, deny or partly approve with a reason code.
import { h, field, select, message, progress, short, day, table, busy } from "./ui.js";
import { gateway } from "./api.js";
import { send } from "./tx.js";
import * as msgs from "./msgs.js";
import { CARC, reasonWords, claimStatusWords } from "./words.js";

export async function queue(ctx, main) {
  const status = h("div", { id: "queue-status", class: "status", "aria-live": "polite" });
  const box = h("div", { id: "queue" }, h("p", {}, "Loading the queue…"));
  main.replaceChildren(h("h1", {}, "Claims waiting for review"), status, box);

  async function load() {
    let claims;
    try {
      claims = (await gateway.get("/v1/claims/queue")).claims || [];
    } catch (e) {
      message(box, "error", e.message);
      return;
    }
    if (!claims.length) {
      box.replaceChildren(h("p", { id: "queue-empty" }, "No claim is waiting for your review."));
      return;
    }
    box.replaceChildren(...claims.map(claimCard));
  }

  function claimCard(c) {
    const lines = c.lines || [];
    const results = c.results || [];
    const decision = select({ id: "decision-" + c.id }, [["APPROVE", "Approve"], ["DENY", "Deny"], ["PARTIAL", "Approve some lines"]]);
    const reason = select({ id: "reason-" + c.id }, [["", "No reason code"], ...Object.entries(CARC).map(([k, v]) => [k, `${k}: ${v}`])]);
    const lineChecks = lines.map((l, i) => {
      const id = `line-${c.id}-${i}`;
      return h("div", { class: "check" }, h("input", { type: "checkbox", id, value: i }), h("label", { for: id }, `Line ${i + 1}: ${l.code} × ${l.units}`));
    });
    const lineBox = h("fieldset", { class: "checks hidden" }, h("legend", {}, "Lines to approve"), lineChecks);
    decision.addEventListener("change", () => lineBox.classList.toggle("hidden", decision.value !== "PARTIAL"));
    const ok = h("button", { type: "submit", class: "primary", id: "review-submit-" + c.id }, "Send decision");
    const form = h("form", { class: "inline-form", id: "review-form-" + c.id }, field("Decision", decision), lineBox,
      field("Reason code (CARC)", reason, "Needed when you deny a claim or some of its lines."), ok);
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const d = decision.value;
      const approveLines = d === "PARTIAL" ? [...lineBox.querySelectorAll("input:checked")].map((x) => Number(x.value)) : [];
      if (d !== "APPROVE" && !reason.value) {
        message(status, "error", "Choose a reason code for a denial.");
        return;
      }
      try {
        busy(ok, true);
        await send(ctx.account, [msgs.reviewClaim({ payer: ctx.account.address, claimId: c.id, decision: msgs.ReviewDecision[d],
          approveLines, reason: d === "APPROVE" ? "" : reason.value })], progress(status));
        await load(); // the queue first, so that "done" means it shows the decision
        message(status, "ok", `Claim ${c.id}: decision recorded.`);
        status.dataset.result = "reviewed-" + c.id;
      } catch (e) {
        message(status, "error", e.message);
      } finally {
        busy(ok, false);
      }
    });
    return h("section", { class: "card claim", "data-claim": c.id, "aria-labelledby": "claim-title-" + c.id },
      h("h2", { id: "claim-title-" + c.id }, `Claim ${c.id}`),
      h("dl", { class: "facts" },
        h("dt", {}, "Status"), h("dd", {}, claimStatusWords(c.status)),
        h("dt", {}, "Patient"), h("dd", { class: "mono" }, short(c.patient)),
        h("dt", {}, "Provider"), h("dd", { class: "mono" }, short(c.provider)),
        h("dt", {}, "Service date"), h("dd", {}, day(c.service_date)),
        h("dt", {}, "Why it waits"), h("dd", {}, (c.pend_reasons || []).join("; ") || "—")),
      table("Adjudication", ["Line", "Code", "Units", "Charge", "Allowed", "Plan pays", "Patient pays", "Reasons"], lines.map((l, i) => {
        const r = results[i] || {};
        return [String(i + 1), `${(l.system || "").replace("CODE_SYSTEM_", "")} ${l.code}`, l.units, l.charge, r.allowed || "", r.plan_pays || "", r.patient_responsibility || "", reasonWords(r.reasons)];
      })),
      form);
  }
  await load();
}
