/* CSC — a little vanilla JS. Every page works without it. */
(function () {
  "use strict";

  // When a form comes back with errors, move the focus to its summary so screen readers announce it.
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.getElementById("erreurs-formulaire");
    if (summary) { summary.focus(); }
    setUpMap();
  });

  // Public home map: only when Leaflet loaded and a tile server is configured. The list of centres
  // above it says everything the map says, so a failure here costs nothing.
  function setUpMap() {
    var container = document.getElementById("carte");
    var data = document.getElementById("centres-carte");
    if (!container || !data || typeof window.L === "undefined") { return; }
    var tileUrl = container.getAttribute("data-tiles");
    if (!tileUrl) { return; }
    var markers = JSON.parse(data.textContent);
    container.hidden = false;
    var map = window.L.map(container, { scrollWheelZoom: false });
    window.L.tileLayer(tileUrl, { attribution: container.getAttribute("data-attribution"), maxZoom: 18 }).addTo(map);
    var bounds = [];
    markers.forEach(function (m) {
      var link = document.createElement("a");
      link.href = "#" + m.anchor;
      link.textContent = m.name;
      var popup = document.createElement("div");
      popup.appendChild(link);
      popup.appendChild(document.createElement("br"));
      popup.appendChild(document.createTextNode(m.address));
      window.L.marker([m.lat, m.lon], { title: m.name, alt: m.name }).addTo(map).bindPopup(popup);
      bounds.push([m.lat, m.lon]);
    });
    if (bounds.length) { map.fitBounds(bounds, { padding: [30, 30] }); }
  }
})();
