import { initAll } from "./govuk-frontend.min.js";

initAll();

// Warn before the session ends for want of activity, and offer to stay signed in.
const warning = document.getElementById("session-timeout-warning");
if (warning) {
  const idleMinutes = Number(warning.dataset.idleMinutes || "60");
  const warnAfter = Math.max(idleMinutes - 5, 1) * 60 * 1000;
  let timer = window.setTimeout(show, warnAfter);

  function show() {
    warning.hidden = false;
    warning.focus();
  }

  const button = document.getElementById("session-timeout-stay");
  if (button) {
    button.addEventListener("click", async () => {
      await fetch(button.dataset.url, { credentials: "same-origin" });
      warning.hidden = true;
      window.clearTimeout(timer);
      timer = window.setTimeout(show, warnAfter);
    });
  }
}

// Print buttons (print-friendly views).
for (const button of document.querySelectorAll("[data-print]")) {
  button.addEventListener("click", () => window.print());
}

// Pages that wait for background work reload themselves until it is done.
const refresh = document.querySelector("[data-refresh-seconds]");
if (refresh) {
  window.setTimeout(() => window.location.reload(), Number(refresh.dataset.refreshSeconds) * 1000);
}

// What a person typed on an area page is kept in this browser until a save lands, so a save that
// fails (the network, or the service being down) loses nothing: the page offers it back.
// Kept per person, assessment and area, with the revision the page was rendered from; a page at a
// later revision means the save landed, so the copy is dropped. Only skills changed from what the
// page showed (its shown_level_/shown_evidence_ fields) are kept, so putting them back never
// undoes what another tab saved for the others.
const KEPT_PREFIX = "ddat-capability:kept-answers:";
const KEPT_FOR_DAYS = 30;

function storage() {
  try {
    return window.localStorage;
  } catch {
    return null; // storage turned off: nothing is kept
  }
}

function keptEntries(store) {
  const entries = [];
  for (let index = 0; index < store.length; index += 1) {
    const key = store.key(index);
    if (key && key.startsWith(KEPT_PREFIX)) {
      const [user, assessment] = key.slice(KEPT_PREFIX.length).split(":");
      entries.push({ key, user, assessment });
    }
  }
  return entries;
}

function readKept(store, key) {
  try {
    const kept = JSON.parse(store.getItem(key));
    const usable = kept && kept.fields && typeof kept.fields === "object";
    return usable && Number.isInteger(kept.revision) ? kept : null;
  } catch {
    return null;
  }
}

// Old copies go, and nothing is kept once an assessment is submitted.
function forgetOldAnswers(store) {
  const oldest = Date.now() - KEPT_FOR_DAYS * 24 * 60 * 60 * 1000;
  const submitted = new Set(
    Array.from(document.querySelectorAll("[data-forget-answers]"), (el) => el.dataset.forgetAnswers),
  );
  for (const entry of keptEntries(store)) {
    const kept = readKept(store, entry.key);
    if (!kept || !(Date.parse(kept.savedAt) > oldest) || submitted.has(entry.assessment)) {
      store.removeItem(entry.key);
    }
  }
}

function normalised(text) {
  return text.replace(/\r\n?/g, "\n").trim();
}

function levelChosen(form, name) {
  const checked = form.querySelector(`input[type="radio"][name="${name}"]:checked`);
  return checked ? checked.value : "";
}

function skillIds(form) {
  return Array.from(form.querySelectorAll('input[name^="shown_level_"]'), (input) =>
    input.name.slice("shown_level_".length),
  );
}

// The level and evidence of every skill the person changed from what the page showed.
function typedAnswers(form) {
  const fields = {};
  for (const id of skillIds(form)) {
    const level = levelChosen(form, `level_${id}`);
    const evidence = form.elements[`evidence_${id}`]?.value ?? "";
    const shownLevel = form.elements[`shown_level_${id}`].value;
    const shownEvidence = form.elements[`shown_evidence_${id}`]?.value ?? "";
    if (level !== shownLevel || normalised(evidence) !== normalised(shownEvidence)) {
      fields[`level_${id}`] = level;
      fields[`evidence_${id}`] = evidence;
    }
  }
  return fields;
}

function fieldValue(form, name) {
  if (name.startsWith("level_")) return levelChosen(form, name);
  return normalised(form.elements[name]?.value ?? "");
}

function putBack(form, fields) {
  for (const [name, value] of Object.entries(fields)) {
    if (name.startsWith("level_")) {
      for (const radio of form.querySelectorAll(`input[type="radio"][name="${name}"]`)) {
        radio.checked = radio.value === value;
      }
    } else if (form.elements[name]) {
      form.elements[name].value = value;
      // The character count under the box listens for input.
      form.elements[name].dispatchEvent(new Event("input", { bubbles: true }));
    }
  }
}

function whenTyped(savedAt) {
  const at = new Date(savedAt);
  const date = at.toLocaleDateString("en-GB", { day: "numeric", month: "long", year: "numeric" });
  const hours = at.getHours() % 12 || 12;
  const minutes = String(at.getMinutes()).padStart(2, "0");
  return `${date} at ${hours}:${minutes}${at.getHours() < 12 ? "am" : "pm"}`;
}

function keepAnswers(form, store) {
  const [assessment, area] = form.dataset.keepAnswers.split(":");
  const user = form.dataset.keepFor;
  const revision = Number(form.dataset.revision);
  if (!user || !assessment || !area || !Number.isInteger(revision)) return;
  const key = `${KEPT_PREFIX}${user}:${assessment}:${area}`;

  // Someone else's answers are not kept in a browser another person now uses.
  for (const entry of keptEntries(store)) {
    if (entry.user !== user) store.removeItem(entry.key);
  }

  function remember() {
    const fields = typedAnswers(form);
    try {
      if (Object.keys(fields).length === 0) {
        store.removeItem(key);
      } else {
        store.setItem(key, JSON.stringify({ revision, savedAt: new Date().toISOString(), fields }));
      }
    } catch {
      // The browser's storage is full or refused: the page still saves as usual.
    }
  }
  form.addEventListener("change", remember);
  form.addEventListener("input", remember);
  form.addEventListener("submit", remember);

  const kept = readKept(store, key);
  if (kept && kept.revision > revision) return; // an older page, from the history: leave it
  if (kept && kept.revision === revision && differsFromPage(form, kept.fields)) {
    offerBack(form, store, key, kept);
    return;
  }
  // Otherwise the save landed (the page is at a later revision) or the page shows the same
  // answers: the copy goes without a word. A page shown again with an error holds what was typed
  // and is not saved, so that is what is kept now.
  remember();
}

function differsFromPage(form, fields) {
  return Object.entries(fields).some(([name, value]) => {
    const kept = name.startsWith("level_") ? value : normalised(value);
    return fieldValue(form, name) !== kept;
  });
}

function offerBack(form, store, key, kept) {
  const banner = document.querySelector("[data-kept-answers-banner]");
  if (!banner) return;
  banner.querySelector("[data-kept-answers-when]").textContent = whenTyped(kept.savedAt);
  banner.hidden = false;
  banner.focus();

  function done(message) {
    banner.querySelector("[data-kept-answers-message]").textContent = message;
    // Removed rather than hidden: the button group's display would override [hidden].
    banner.querySelector("[data-kept-answers-hint]").remove();
    banner.querySelector("[data-kept-answers-buttons]").remove();
    banner.focus();
  }
  banner.querySelector("[data-kept-answers-restore]").addEventListener("click", () => {
    putBack(form, kept.fields);
    done("Your answers have been put back. They are not saved yet: check them and save this page");
  });
  banner.querySelector("[data-kept-answers-discard]").addEventListener("click", () => {
    store.removeItem(key);
    done("The answers you typed have been discarded. The page shows your saved answers");
  });
}

const store = storage();
if (store) {
  forgetOldAnswers(store);
  for (const form of document.querySelectorAll("form[data-keep-answers]")) {
    keepAnswers(form, store);
  }
}
