/* Report maps with Leaflet (served from npm, no CDN), and "use my location".
 * - [data-markers]: a map of reports, only when a tile URL is configured
 *   (HELPDESK_MAP_TILE_URL); without one the page's list is the whole view and no tile server
 *   is ever contacted.
 * - [data-picker]: click the map to fill the latitude/longitude inputs; only with tiles, since
 *   picking a spot on a blank background is meaningless.
 * - [data-locate]: a button that fills the inputs from the browser's geolocation, with or
 *   without tiles. Hidden until this script knows the browser can locate.
 * The inputs always work by hand, with JavaScript off too.
 */
(function () {
  "use strict";
  var CENTRE = [11.0, 106.2]; // Tây Ninh after the 2025 merger

  function hasLeaflet() {
    return typeof L !== "undefined";
  }

  function baseMap(el) {
    var map = L.map(el, { scrollWheelZoom: false }).setView(CENTRE, 9);
    L.tileLayer(el.dataset.tiles, { attribution: el.dataset.attribution || "", maxZoom: 19 }).addTo(map);
    return map;
  }

  function showMarkers(el) {
    if (!el.dataset.tiles || !hasLeaflet()) return;
    var data = document.getElementById(el.dataset.markers);
    var markers = data ? JSON.parse(data.textContent) : [];
    if (!markers.length) return;
    el.hidden = false;
    var map = baseMap(el);
    var bounds = [];
    markers.forEach(function (m) {
      var marker = L.marker([m.lat, m.lon], { title: m.title, alt: m.title }).addTo(map);
      var link = document.createElement("a");
      link.href = m.url;
      link.textContent = m.code + " — " + m.title;
      marker.bindPopup(link);
      bounds.push([m.lat, m.lon]);
    });
    map.fitBounds(bounds, { maxZoom: 16, padding: [20, 20] });
  }

  var pickerMarker = null;
  var pickerMap = null;

  function placeOnPicker(latlng) {
    if (!pickerMap) return;
    if (pickerMarker) pickerMarker.setLatLng(latlng);
    else pickerMarker = L.marker(latlng).addTo(pickerMap);
    pickerMap.setView(latlng, Math.max(pickerMap.getZoom(), 16));
  }

  function picker(el) {
    if (!el.dataset.tiles || !hasLeaflet()) return;
    var lat = document.getElementById("id_latitude");
    var lon = document.getElementById("id_longitude");
    if (!lat || !lon) return;
    el.hidden = false;
    pickerMap = baseMap(el);
    if (lat.value && lon.value) placeOnPicker([parseFloat(lat.value), parseFloat(lon.value)]);
    pickerMap.on("click", function (e) {
      lat.value = e.latlng.lat.toFixed(6);
      lon.value = e.latlng.lng.toFixed(6);
      placeOnPicker(e.latlng);
    });
  }

  function locate(button) {
    if (!("geolocation" in navigator)) return;
    var lat = document.getElementById("id_latitude");
    var lon = document.getElementById("id_longitude");
    var status = document.getElementById(button.dataset.status);
    if (!lat || !lon) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      if (status) status.textContent = button.dataset.waiting;
      navigator.geolocation.getCurrentPosition(
        function (position) {
          lat.value = position.coords.latitude.toFixed(6);
          lon.value = position.coords.longitude.toFixed(6);
          if (status) status.textContent = button.dataset.done;
          placeOnPicker([position.coords.latitude, position.coords.longitude]);
        },
        function () {
          if (status) status.textContent = button.dataset.failed;
        },
        { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 }
      );
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-markers]").forEach(showMarkers);
    document.querySelectorAll("[data-picker]").forEach(picker);
    document.querySelectorAll("[data-locate]").forEach(locate);
  });
})();
