{% load site_css static %}{% site_stylesheet_urls as stylesheet_urls %}// Service worker: pages always come from the network; when it is down, the cached offline page.
// The offline page and the static files it needs are cached at install time. Bump CACHE when
// this list changes (static URLs are hashed in production, so new files get new URLs anyway).
const CACHE = "dvc-tayninh-v4";
const OFFLINE_URL = "{% url 'portal:offline' %}";
const PRECACHE = [
  OFFLINE_URL,
{% for url in stylesheet_urls %}  "{{ url }}",
{% endfor %}  "{% static 'img/icon-192.png' %}",
];
self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(PRECACHE)));
  self.skipWaiting();
});
self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim())
  );
});
self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.mode === "navigate") {
    event.respondWith(fetch(request).catch(() => caches.match(OFFLINE_URL)));
    return;
  }
  if (request.method === "GET" && PRECACHE.includes(new URL(request.url).pathname)) {
    event.respondWith(caches.match(request).then((cached) => cached || fetch(request)));
  }
});
