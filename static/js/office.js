// Back-office keyboard shortcuts (progressive enhancement: every action also has a link or form).
//   /        focus the search box          j / k   next / previous dossier row
//   Enter    open the selected row         1–9     switch to the n-th queue
//   n        counter intake                u       back to the queues (dossier page)
// Shortcuts are ignored while typing in a field and when a modifier key is held.
(function () {
  "use strict";

  function typing(target) {
    if (!target) return false;
    const tag = target.tagName;
    return target.isContentEditable || tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT";
  }

  function rows() {
    return Array.from(document.querySelectorAll("#queue-results tr[data-row]"));
  }

  let selected = -1;

  function select(index) {
    const all = rows();
    if (!all.length) return;
    selected = Math.max(0, Math.min(index, all.length - 1));
    all.forEach((row, i) => row.classList.toggle("office-row--selected", i === selected));
    const link = all[selected].querySelector("a[data-row-link]");
    if (link) link.focus();
  }

  document.addEventListener("htmx:afterSwap", () => {
    selected = -1;
  });

  document.addEventListener("keydown", (event) => {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    if (typing(event.target)) {
      if (event.key === "Escape") event.target.blur();
      return;
    }
    const key = event.key;
    if (key === "/") {
      const search = document.querySelector("[data-shortcut-search]");
      if (search) {
        event.preventDefault();
        search.focus();
        search.select();
      }
    } else if (key === "j") {
      select(selected + 1);
    } else if (key === "k") {
      select(selected - 1);
    } else if (/^[1-9]$/.test(key)) {
      const link = document.querySelector(`[data-queue-key="${key}"]`);
      if (link) window.location.assign(link.href);
    } else {
      const link = document.querySelector(`[data-shortcut="${key}"]`);
      if (link) {
        event.preventDefault();
        window.location.assign(link.href);
      }
    }
  });
})();

// A refused action: its message is where the officer looks. The section holding the error opens
// (the server renders it open too, for pages without JavaScript) and focus moves to the error
// summary, or to the page's error message when the action answered with a redirect.
(function () {
  "use strict";

  function focusFirstError() {
    const target =
      document.querySelector("[data-focus-on-load]") ||
      document.querySelector("#dossier-page .form-error-summary") ||
      document.querySelector("#dossier-page .alert-danger[role='alert']") ||
      document.querySelector(".messages .alert-danger");
    if (!target) return;
    for (let node = target.parentElement; node; node = node.parentElement) {
      if (node.tagName === "DETAILS") node.open = true;
    }
    if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
    target.focus({ preventScroll: true });
    target.scrollIntoView({ block: "center" });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", focusFirstError);
  } else {
    focusFirstError();
  }
})();
