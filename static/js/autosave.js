// Autosave (ADR 0310). htmx posts a step form marked data-autosave as the person types (the
// hx-trigger on the form waits one second after the last key); the server keeps the answers as
// typed and answers "Đã lưu lúc 10:42" into the status region. This script adds what htmx does
// not: "Đang lưu…" while a save travels, a visible message when one fails, and a last save
// when the person leaves the page (a link, closing the tab) before the delay ran out. The
// form's own buttons still submit it normally, with or without this script. Messages come from
// the status region's data attributes, so they are translated in the template.
(() => {
  const statusOf = (form) => document.querySelector(form.getAttribute("hx-target") || "#autosave-status");
  const isAutosave = (element) => element instanceof HTMLFormElement && element.matches("form[data-autosave]");

  document.addEventListener("input", (event) => {
    const form = event.target.closest && event.target.closest("form[data-autosave]");
    if (form) form.dataset.unsaved = "true";
  });

  document.addEventListener("htmx:beforeRequest", (event) => {
    const form = event.detail.elt;
    if (!isAutosave(form)) return;
    delete form.dataset.unsaved;
    const status = statusOf(form);
    if (!status) return;
    status.classList.remove("text-danger", "fw-semibold");
    status.textContent = status.dataset.saving || "";
  });

  document.addEventListener("htmx:afterRequest", (event) => {
    const form = event.detail.elt;
    if (!isAutosave(form) || event.detail.successful) return;
    form.dataset.unsaved = "true"; // the next key, "Lưu nháp" or leaving the page tries again
    const status = statusOf(form);
    if (!status) return;
    status.classList.add("text-danger", "fw-semibold");
    status.textContent = status.dataset.failed || "";
  });

  // A normal submit carries everything typed: nothing is left to save on the way out.
  document.addEventListener("submit", (event) => {
    if (isAutosave(event.target)) delete event.target.dataset.unsaved;
  });

  // Leaving the page (a link, another tab, closing it): send what the delay has not sent yet.
  // keepalive lets the request outlive the page, like a beacon.
  const flush = () => {
    document.querySelectorAll("form[data-autosave][data-unsaved]").forEach((form) => {
      delete form.dataset.unsaved;
      fetch(form.getAttribute("hx-post"), {
        method: "POST",
        body: new FormData(form),
        keepalive: true,
        credentials: "same-origin",
      });
    });
  };
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden") flush();
  });
  window.addEventListener("pagehide", flush);
})();
