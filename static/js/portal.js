// Registers the service worker so the portal installs as a web app and shows an offline page.
// No inline scripts anywhere: the Content-Security-Policy allows only same-origin script files.
if ("serviceWorker" in navigator) {
  window.addEventListener("load", () => {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(() => {});
  });
}
