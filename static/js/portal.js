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

// Agency pickers (`select[data-filter-label]`, agencies/pickers.py): a filter box in front of the
// list. Typing part of a name, with or without Vietnamese accents, hides the options that do not
// match and the groups left empty; the chosen option always stays. Enter picks the only match
// instead of submitting the form. Without this script the picker is a plain select.
function foldText(text) {
  return text
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[đĐ]/g, "d")
    .toLowerCase();
}

function addOptionFilter(select) {
  const input = document.createElement("input");
  input.type = "search";
  input.id = `${select.id}-loc`;
  input.className = "form-control form-control-sm mb-1";
  input.autocomplete = "off";
  input.setAttribute("aria-controls", select.id);
  const label = document.createElement("label");
  label.className = "form-label small mb-0";
  label.htmlFor = input.id;
  label.textContent = select.dataset.filterLabel;
  const count = document.createElement("p");
  count.className = "visually-hidden";
  count.setAttribute("role", "status");
  select.before(label, input);
  select.after(count);
  const options = Array.from(select.options).map((option) => [option, foldText(option.text)]);
  const visible = () => options.filter(([o]) => o.value && !o.hidden).map(([o]) => o);
  input.addEventListener("input", () => {
    const words = foldText(input.value).split(/\s+/).filter(Boolean);
    for (const [option, text] of options) {
      const match = !option.value || words.every((word) => text.includes(word));
      option.hidden = !match && !option.selected;
    }
    for (const group of select.querySelectorAll("optgroup")) {
      group.hidden = !Array.from(group.children).some((option) => !option.hidden);
    }
    count.textContent = (select.dataset.filterCount || "%(n)s").replace(
      "%(n)s",
      String(visible().length),
    );
  });
  input.addEventListener("keydown", (event) => {
    if (event.key !== "Enter") return;
    event.preventDefault();
    const matches = visible();
    if (matches.length === 1) matches[0].selected = true;
    select.dispatchEvent(new Event("change", { bubbles: true }));
    select.focus();
  });
}

window.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("select[data-filter-label]").forEach(addOptionFilter);
});
