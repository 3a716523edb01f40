// The portal's one stylesheet (ADR 0232), built at install time: `npm run build` after `npm ci`
// (make run, make test, the Dockerfile and CI run it). Never committed: build/ is ignored.
//
// 1. Bootstrap from its Sass sources (node_modules/bootstrap/scss) with the portal's colours,
//    via frontend/site.scss;
// 2. the portal's own CSS (static/css/portal.css, procedures' list and page styles) after it;
// 3. PurgeCSS keeps only the rules whose selectors appear in our templates, Python code and
//    scripts (plus the classes Bootstrap's and htmx's JavaScript add at run time).
//
// Output: build/static/css/site.css, served as css/site.css (portal/settings/files.py).
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";
import { PurgeCSS } from "purgecss";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "build", "static", "css", "site.css");

const bootstrap = sass.compile(join(root, "frontend", "site.scss"), {
  loadPaths: [join(root, "node_modules")],
  style: "compressed",
  quietDeps: true,
  silenceDeprecations: ["import", "global-builtin", "color-functions"],
}).css;
const own = ["static/css/portal.css", "procedures/static/procedures/procedures.css"]
  .map((file) => readFileSync(join(root, file), "utf8"))
  .join("\n");

const [purged] = await new PurgeCSS().purge({
  content: [
    "templates/**/*.html",
    "*/templates/**/*.html",
    "*/**/*.py",
    "static/js/**/*.js",
  ].map((glob) => join(root, glob)),
  skippedContentGlobs: ["**/node_modules/**", "**/.venv/**", "**/tests/**", "**/migrations/**"],
  css: [{ raw: `${bootstrap}\n${own}` }],
  safelist: {
    // added by Bootstrap's JavaScript (collapse, dropdown, modal, alert) and htmx at run time,
    // or built in templates from a variable (messages' level, table cell alignment)
    standard: [
      "show", "showing", "hiding", "collapsing", "fade", "active", "disabled",
      /^alert-(primary|secondary|success|danger|warning|info|light|dark)$/,
      /^text-(start|center|end)$/, /^htmx-/, /^was-validated$/,
    ],
    deep: [/^modal/, /^dropdown-menu/, /^navbar-collapse/],
  },
  // keep the custom properties: Bootstrap reads them at run time from any rule
  variables: false,
  keyframes: true,
});

mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, purged.css);
const kb = (s) => (Buffer.byteLength(s) / 1024).toFixed(1);
console.log(`build/static/css/site.css: ${kb(purged.css)} KB (Bootstrap ${kb(bootstrap)} KB + own ${kb(own)} KB before PurgeCSS)`);
