/* Report maps with Leaflet (served from npm, no CDN).
 * - [data-markers]: shows published reports; without a tile URL the markers sit on a blank
 *   background, so no external tile server is ever contacted unless one is configured.
 * - [data-picker]: click to fill the latitude/longitude inputs; shown only when tiles exist,
 *   since picking a spot on a blank background is meaningless. The inputs always work by hand.
 */
(function () {
  "use strict";
  var CENTRE = [11.0, 106.2]; // Tây Ninh after the 2025 merger

  function baseMap(el) {
    var map = L.map(el, { scrollWheelZoom: false }).setView(CENTRE, 9);
    var tiles = el.dataset.tiles;
    if (tiles) {
      L.tileLayer(tiles, { attribution: el.dataset.attribution || "", maxZoom: 19 }).addTo(map);
    }
    return map;
  }

  function showMarkers(el) {
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
    map.fitBounds(bounds, { maxZoom: 15, padding: [20, 20] });
  }

  function picker(el) {
    if (!el.dataset.tiles) return;
    var lat = document.getElementById("id_latitude");
    var lon = document.getElementById("id_longitude");
    if (!lat || !lon) return;
    el.hidden = false;
    var map = baseMap(el);
    var marker = null;
    function place(latlng) {
      if (marker) marker.setLatLng(latlng);
      else marker = L.marker(latlng).addTo(map);
    }
    if (lat.value && lon.value) place([parseFloat(lat.value), parseFloat(lon.value)]);
    map.on("click", function (e) {
      lat.value = e.latlng.lat.toFixed(6);
      lon.value = e.latlng.lng.toFixed(6);
      place(e.latlng);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (typeof L === "undefined") return;
    document.querySelectorAll("[data-markers]").forEach(showMarkers);
    document.querySelectorAll("[data-picker]").forEach(picker);
  });
})();
