// Registers the service worker so the portal installs as a web app and shows an offline page.
// No inline scripts anywhere: the Content-Security-Policy allows only same-origin script files.
if ("serviceWorker" in navigator) {
  window.addEventListener("load", () => {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(() => {});
  });
}

// The navigation's menu button on narrow screens (`data-bs-toggle="collapse"`): the one part of
// Bootstrap's JavaScript the portal used, written out so no page loads its 80 KB bundle.
document.addEventListener("click", (event) => {
  const button = event.target.closest('[data-bs-toggle="collapse"]');
  if (!button) return;
  const target = document.querySelector(button.dataset.bsTarget || button.getAttribute("href"));
  if (!target) return;
  const open = target.classList.toggle("show");
  button.setAttribute("aria-expanded", String(open));
  button.classList.toggle("collapsed", !open);
});

// An error summary takes focus when the page loads (GOV.UK pattern), so a screen reader reads it
// first and a keyboard user starts from its links to the fields. On the documents step the
// summary sits in the upload slot that failed, so focus lands there, not at the top.
// A form of one field has no summary: its field, with the error read from its description,
// takes focus instead.
window.addEventListener("DOMContentLoaded", () => {
  const summary = document.querySelector(".form-error-summary");
  if (summary) {
    summary.focus();
    return;
  }
  const invalid = document.querySelector("main [aria-invalid='true']");
  if (invalid) invalid.focus();
});

// A link in an error summary moves focus into its field (not only the scroll position).
document.addEventListener("click", (event) => {
  const link = event.target.closest(".form-error-summary a[href^='#']");
  if (!link) return;
  const field = document.getElementById(link.getAttribute("href").slice(1));
  if (!field) return;
  event.preventDefault();
  field.scrollIntoView({ block: "center" });
  field.focus();
});
