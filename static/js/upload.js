// Upload slots (the documents step): check a chosen file's type and size in the browser before
// anything is sent, and say what was chosen. The server checks again; this only saves a wasted
// upload. Messages come from the page (data attributes), so they are translated there.
(() => {
  const units = ["B", "KB", "MB", "GB"];
  const readableSize = (bytes) => {
    let size = bytes;
    let unit = 0;
    while (size >= 1024 && unit < units.length - 1) {
      size /= 1024;
      unit += 1;
    }
    return `${size.toLocaleString(document.documentElement.lang || "vi", { maximumFractionDigits: 1 })} ${units[unit]}`;
  };
  const extensionTypes = { pdf: "application/pdf", jpg: "image/jpeg", jpeg: "image/jpeg", png: "image/png" };

  const check = (input) => {
    const status = document.querySelector(`[data-upload-status="${input.id}"]`);
    if (!status) return;
    const file = input.files && input.files[0];
    status.classList.remove("text-danger", "fw-semibold");
    input.removeAttribute("aria-invalid");
    if (!file) {
      status.textContent = "";
      return;
    }
    const allowed = (input.dataset.types || "").split(" ");
    const extension = file.name.split(".").pop().toLowerCase();
    const type = file.type || extensionTypes[extension] || "";
    const limit = Number(input.dataset.maxBytes || 0);
    let problem = "";
    if (!allowed.includes(type)) {
      problem = status.dataset.wrongType || "";
    } else if (limit && file.size > limit) {
      problem = (status.dataset.tooLarge || "").replace("{size}", readableSize(file.size));
    }
    if (problem) {
      input.value = "";
      input.setAttribute("aria-invalid", "true");
      status.classList.add("text-danger", "fw-semibold");
      status.textContent = `${file.name}: ${problem}`;
      return;
    }
    status.textContent = (status.dataset.chosen || "{name}")
      .replace("{name}", file.name)
      .replace("{size}", readableSize(file.size));
  };

  document.addEventListener("change", (event) => {
    if (event.target.matches("input[type=file][data-upload-check]")) check(event.target);
  });
})();
