// Progressive enhancement only: every page works without JavaScript.
//
// GOV.UK Frontend normally adds these two classes with an inline <script> in <body>; our
// Content-Security-Policy forbids inline scripts, so this module does it. Reaching this line at
// all means the browser runs ES modules, which is GOV.UK Frontend's own test of support.
import { initAll } from "./build/govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();

// An import being checked or saved: keep its progress line current (a polite live region), and
// show the report when it is ready. Without JavaScript the page offers a refresh link instead.
const importStatus = document.querySelector("[data-import-status]");
if (importStatus) {
  const line = document.getElementById("import-progress");
  const poll = async () => {
    const response = await fetch(importStatus.dataset.importStatus, { credentials: "same-origin" });
    if (!response.ok) return;
    const status = await response.json();
    if (status.finished) {
      window.location.reload();
      return;
    }
    line.textContent = `${status.status_label}: ${status.rows_read} rows read so far.`;
    window.setTimeout(poll, 2000);
  };
  window.setTimeout(poll, 1000);
}

// Idle sign-out warning (accounts/idle.py): shown two minutes before the session ends; "Stay
// signed in" renews it without leaving the page. Any page load also renews it.
const idleWarning = document.querySelector(".app-idle-warning");
if (idleWarning) {
  const minutes = Number(idleWarning.dataset.idleMinutes);
  const warnAfter = Math.max(minutes - 2, 0) * 60 * 1000;
  let warnTimer;
  let endTimer;
  const start = () => {
    window.clearTimeout(warnTimer);
    window.clearTimeout(endTimer);
    warnTimer = window.setTimeout(() => {
      idleWarning.hidden = false;
      idleWarning.querySelector("button").focus();
    }, warnAfter);
    endTimer = window.setTimeout(() => {
      window.location.assign(idleWarning.dataset.signIn);
    }, minutes * 60 * 1000);
  };
  idleWarning.querySelector("form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = event.target;
    const response = await fetch(idleWarning.dataset.keepAlive, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
    });
    if (response.ok) {
      idleWarning.hidden = true;
      start();
    } else {
      window.location.assign(idleWarning.dataset.signIn);
    }
  });
  start();
}

// After htmx replaces part of a page (the allocation meeting's whole-meeting plan), move focus to
// the new part's heading so a screen reader announces what changed.
document.body.addEventListener("htmx:afterSettle", () => {
  const heading = document.getElementById("comparison");
  if (heading) {
    heading.setAttribute("tabindex", "-1");
    heading.focus();
  }
});
