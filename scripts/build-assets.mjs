// Copies the parts of GOV.UK Frontend that the compiled CSS and oversight.js need into
// src/oversight/static/build/, so Django (WhiteNoise) serves them from our own origin: the strict
// Content-Security-Policy allows nothing from a CDN, and councils' networks often block them.
// `npm run build` compiles the Sass first; this script only copies.
import { cpSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const govuk = join(root, "node_modules", "govuk-frontend", "dist", "govuk");
const build = join(root, "src", "oversight", "static", "build");

mkdirSync(build, { recursive: true });

// Images referenced from the CSS ($govuk-assets-path is relative to oversight.css). The GOV.UK
// fonts are deliberately not copied: GDS Transport is licensed for gov.uk only.
cpSync(join(govuk, "assets", "images"), join(build, "images"), { recursive: true });

// The ES module bundle that oversight.js imports, with its source map: Django's
// ManifestStaticFilesStorage follows the sourceMappingURL comment and fails if the map is missing.
for (const name of ["govuk-frontend.min.js", "govuk-frontend.min.js.map"]) {
  cpSync(join(govuk, name), join(build, name));
}

// htmx, for the pages that update in place (the allocation meeting). Pages work without it.
cpSync(join(root, "node_modules", "htmx.org", "dist", "htmx.min.js"), join(build, "htmx.min.js"));

console.log(`Copied GOV.UK Frontend images, its JavaScript and htmx into ${build}`);
