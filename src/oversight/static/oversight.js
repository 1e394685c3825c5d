// Progressive enhancement only: every page works without JavaScript.
//
// GOV.UK Frontend normally adds these two classes with an inline <script> in <body>; our
// Content-Security-Policy forbids inline scripts, so this module does it. Reaching this line at
// all means the browser runs ES modules, which is GOV.UK Frontend's own test of support.
import { initAll } from "./build/govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();
