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
