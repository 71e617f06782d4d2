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
