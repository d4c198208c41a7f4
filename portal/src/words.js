// Plain words: purposes of use, data categories, refusals and chain errors,
// as a patient would say them.

// PURPOSES are the HL7 v3 purposes of use a consent may name
// (x/consent/types/purpose.go), explained.
export const PURPOSES = {
  TREAT: ["Treatment", "Your doctors and nurses use it to look after you."],
  ETREAT: ["Emergency treatment", "Used only in an emergency, when you cannot be asked."],
  HPAYMT: ["Payment", "Your insurer uses it to pay for your care."],
  HOPERAT: ["Running the hospital", "Used to run and improve the service (scheduling, quality checks)."],
  HRESCH: ["Research", "Researchers use it to study diseases and treatments."],
  PUBHLTH: ["Public health", "Health authorities use it to protect everyone (outbreaks, vaccination)."],
  PATRQT: ["At your request", "Shared because you asked for it to be."],
  CAREMGT: ["Care coordination", "Used to coordinate your care between teams."],
  COVERAGE: ["Insurance cover", "Used to check what your plan covers."],
  FAMRQT: ["Family request", "Shared because your family asked, with your agreement."],
  PWATRNY: ["Power of attorney", "Used by someone you gave legal power to act for you."],
  CLINTRL: ["Clinical trial", "Used for a clinical trial you take part in."],
  DONAT: ["Organ donation", "Used to arrange an organ or tissue donation."],
};

// CATEGORIES are the data categories most consents name (FHIR resource types
// and observation categories, x/consent/types/category.go), explained.
export const CATEGORIES = {
  Observation: "Test results and measurements (blood tests, blood pressure, weight)",
  laboratory: "Laboratory results only",
  "vital-signs": "Vital signs only (pulse, blood pressure, temperature)",
  imaging: "Scans and X-rays",
  DiagnosticReport: "Reports written about tests and scans",
  Condition: "Diagnoses and health problems",
  MedicationRequest: "Prescriptions",
  MedicationDispense: "Medicines handed to you by a pharmacy",
  AllergyIntolerance: "Allergies",
  Immunization: "Vaccinations",
  Procedure: "Operations and procedures",
  Encounter: "Visits and hospital stays",
  DocumentReference: "Letters and documents",
  Claim: "Bills sent to your insurer",
  ExplanationOfBenefit: "What your insurer paid",
  QuestionnaireResponse: "Forms and questionnaires you filled in",
};

export function purposeWords(code) {
  const p = PURPOSES[code];
  return p ? p[0] : code;
}

export function categoryWords(c) {
  return CATEGORIES[c] || c;
}

// REVOCATION reasons (consent/v1/types.proto RevocationReason).
export const REVOCATION = {
  1: "I no longer want to share",
  3: "My care there has ended",
  4: "I changed provider",
  5: "The purpose is fulfilled",
  6: "Another reason",
};

// JUSTIFICATIONS for break-glass (consent/v1/types.proto JustificationCode).
export const JUSTIFICATIONS = {
  1: "The patient is unconscious",
  2: "The patient's life is threatened",
  3: "The patient cannot decide and has no guardian",
  4: "Critical continuity of care",
};

// CARC reason codes a payer commonly gives when denying (X12 claim
// adjustment reason codes).
export const CARC = {
  "50": "Not medically necessary",
  "96": "Not covered by the plan",
  "197": "Prior authorisation missing",
  "18": "Duplicate claim",
  "29": "Filed too late",
  "16": "Information missing from the claim",
};

// CARC_WORDS describe the reason codes an adjudication gives (X12 claim
// adjustment reason codes), for the patient's and the payer's tables.
export const CARC_WORDS = {
  "1": "deductible",
  "2": "coinsurance",
  "3": "copay",
  "45": "above the agreed fee",
  "50": "not medically necessary",
  "96": "not covered",
  "97": "included in another service",
  "119": "plan maximum reached",
  "197": "prior authorisation missing",
  "16": "information missing",
  "18": "duplicate",
  "29": "filed too late",
};

export function reasonWords(codes) {
  return (codes || []).map((c) => (CARC_WORDS[c] ? `${CARC_WORDS[c]} (${c})` : c)).join(", ");
}

// CLAIM_STATUS in words (claims/v1/types.proto ClaimStatus).
export const CLAIM_STATUS = {
  CLAIM_STATUS_PENDED: "Waiting for the insurer's review",
  CLAIM_STATUS_APPROVED: "Approved",
  CLAIM_STATUS_PARTIALLY_APPROVED: "Partly approved",
  CLAIM_STATUS_DENIED: "Denied",
  CLAIM_STATUS_PAYABLE: "Approved, payment due",
  CLAIM_STATUS_PAID: "Paid",
  CLAIM_STATUS_APPEALED: "Appealed: waiting for the insurer's review",
  CLAIM_STATUS_WITHDRAWN: "Withdrawn by the provider",
  CLAIM_STATUS_CANCELLED: "Cancelled by the insurer",
};

export function claimStatusWords(s) {
  return CLAIM_STATUS[s] || s;
}

export const VERDICTS = {
  AUTHENTIC_SALEABLE: ["ok", "Authentic", "This pack is genuine and may be dispensed."],
  UNKNOWN_PRODUCT: ["bad", "Unknown product", "No member registered this product. Do not dispense; report it."],
  NEVER_COMMISSIONED: ["bad", "Not genuine", "This serial number was never issued by the manufacturer. Do not dispense; quarantine and report it."],
  MANUFACTURER_NOT_MEMBER: ["bad", "Unverified maker", "The manufacturer is not a member in good standing. Do not dispense."],
  ALREADY_DISPENSED: ["bad", "Already dispensed", "This pack was already handed to a patient: it may be a copy. Do not dispense; report it."],
  RECALLED: ["bad", "Recalled", "This batch has been recalled. Do not dispense."],
  QUARANTINED: ["warn", "Quarantined", "This pack is held in quarantine. Do not dispense."],
  EXPIRED: ["bad", "Expired", "This pack is past its expiry date. Do not dispense."],
  DECOMMISSIONED: ["bad", "Withdrawn", "This pack was taken out of circulation. Do not dispense."],
  CUSTODY_MISMATCH: ["warn", "Not in your stock", "The chain says another member holds this pack. Check the delivery before dispensing."],
  ILLEGITIMATE: ["bad", "Suspect", "This pack is flagged as illegitimate. Do not dispense; report it."],
};

// GATEWAY reasons (gateway/README.md, vault/README.md) in words.
const GATEWAY = {
  NO_SESSION: "Please sign in.",
  BAD_TOKEN: "Your sign-in is no longer valid. Please sign in again.",
  EXPIRED_SESSION: "Your session ended after a period of inactivity. Please sign in again.",
  LOGGED_OUT: "You signed out. Please sign in again.",
  NO_CONSENT: "The patient has not given consent for this.",
  CONSENT_EXPIRED: "The patient's consent for this has expired.",
  CONSENT_REVOKED: "The patient withdrew their consent for this.",
  CONSENT_NOT_YET_VALID: "The patient's consent for this has not started yet.",
  CATEGORY_NOT_COVERED: "The patient's consent does not cover this kind of information.",
  NOT_THE_PATIENT: "Only the patient (or their guardian) can see this.",
  NOT_A_MEMBER: "Only member organisations can do this.",
  NOT_A_PARTY: "This belongs to claims you are not part of.",
  ROLE_NOT_ALLOWED: "Your organisation's role does not allow this.",
  UNKNOWN_PURPOSE: "That purpose of use is not known.",
  TOO_MANY_REQUESTS: "Too many requests at once. Wait a few seconds and try again.",
  NO_ACCOUNT: "This account does not exist on the network yet: ask the operator to fund it once.",
  NOT_YOUR_TX: "This transaction is not signed by the account you signed in with.",
  MSG_NOT_ALLOWED: "The portal may not send this kind of transaction.",
  CHAIN_UNAVAILABLE: "The network is not answering right now. Try again in a minute.",
  CHAIN_ERROR: "The network could not answer. Try again in a minute.",
  VAULT_UNAVAILABLE: "The record store is not answering right now. Try again in a minute.",
  AUDIT_UNAVAILABLE: "The access log could not be written, so the read was refused. Try again later.",
  UNKNOWN_UNIT: "No pack with that number was ever issued.",
  // vault
  NO_GRANT: "You have no access to this record yet: the patient's consent is needed first.",
  ACCESS_DENIED: "You may not open this record.",
  CONSENT_ENDED: "The patient's consent for this record has ended.",
  GRANT_EXPIRED: "Your access to this record has expired: request it again.",
  NO_KEY: "The record's key has not been shared with you: ask the patient or the author to share it.",
  ERASED: "This record was erased at the patient's request.",
  UNKNOWN_RECORD: "There is no record with that number.",
};

// explainGateway turns a gateway or vault refusal into a sentence.
export function explainGateway(reason, message) {
  if (GATEWAY[reason]) return GATEWAY[reason];
  if (reason === "TX_REJECTED" || reason === "BAD_TX") return explainChain("", 0, message || "");
  if (message) return capital(message.replace(/^the chain refused it: /, "The network refused it: "));
  return "Something went wrong (" + reason + "). Try again.";
}

// CHAIN errors by the registered message a module gives (x/*/types/errors.go):
// the gateway passes the message on, and a simulation carries no code.
const CHAIN = [
  ["access not authorized", "The patient has not given consent for this (or it does not cover this purpose or kind of record)."],
  ["no active consents", "The patient has no active consent for you."],
  ["consent already revoked", "This consent was already withdrawn."],
  ["consent has expired", "This consent has already expired."],
  ["an active consent already covers", "You already have an active consent for this organisation, purpose and kind of information: change that one instead."],
  ["too many active consents", "There are too many active consents for this organisation. Withdraw one first."],
  ["duration above the maximum", "That end date is too far away: choose an earlier one."],
  ["invalid period", "The dates are not valid: the end must be after the start and in the future."],
  ["grantee is the patient", "You cannot give consent to yourself."],
  ["signer is neither the patient nor a guardian", "Only the patient or their guardian can do this."],
  ["guardianship has expired", "That guardianship has ended."],
  ["guardian not found", "That person is not a guardian of this patient."],
  ["too many guardians", "There are already as many guardians as allowed."],
  ["break-glass rate limit", "Too many emergency accesses were opened recently. Call the patient's care team."],
  ["the patient and the author need no access grant", "You can open this record without asking: you are its patient or author."],
  ["record erased", "This record was erased at the patient's request."],
  ["record not found", "There is no record with that number."],
  ["encryption key not found", "That account has not set up its record key yet."],
  ["claim status does not allow this", "This claim is no longer waiting for a review."],
  ["signer is not the payer", "You are not the payer of this claim."],
  ["invalid review", "The review is not valid: check the decision, the lines and the reason code."],
  ["claim not found", "There is no claim with that number."],
  ["escrow", "The plan's escrow does not hold enough to pay this claim."],
  ["not the custodian", "Your pharmacy does not hold this pack on the chain."],
  ["unit is not saleable", "This pack may not be dispensed (recalled, expired, quarantined or already dispensed)."],
  ["unit not found", "No pack with that number was ever issued."],
  ["prescription", "This medicine needs a valid prescription: enter its number."],
  ["not a member", "Only member organisations can do this."],
  ["member is suspended", "Your organisation is suspended in the consortium."],
  ["insufficient funds", "The account does not have enough funds for this."],
  ["out of gas", "The transaction ran out of gas: try again."],
  ["account sequence mismatch", "Another transaction from this account was included first: try again."],
  ["signature verification failed", "The signature does not match this account: sign in again with the right key."],
];

// explainChain turns a chain refusal (codespace and code when known, else the
// message) into a sentence.
export function explainChain(codespace, code, message) {
  const m = (message || "").toLowerCase();
  for (const [needle, words] of CHAIN) {
    if (m.includes(needle)) return words;
  }
  if (message) return capital(message.replace(/^the chain refused it: /, "The network refused it: "));
  return `The network refused the transaction (${codespace || "?"} ${code}).`;
}

function capital(s) {
  s = s.trim();
  if (!s) return s;
  s = s[0].toUpperCase() + s.slice(1);
  return /[.!?]$/.test(s) ? s : s + ".";
}
