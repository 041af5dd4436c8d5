/* CSC — a little vanilla JS. Every page works without it. */
(function () {
  "use strict";

  // When a form comes back with errors, move the focus to its summary so screen readers announce it.
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.getElementById("erreurs-formulaire");
    if (summary) { summary.focus(); }
    setUpMap();
    setUpUnavailableNotice();
  });

  // A request htmx makes in the page (a search as one types…) that the server cannot answer — 503, the
  // database away (csc/core/outage.py) — or that gets no answer at all would change nothing on the page:
  // say so at the top of the page, in a live region, and take it away at the next answer. The region is
  // added at the first such failure only, its text a moment later so that screen readers announce it.
  // The attendance sheet keeps its taps and says so itself (attendance.js).
  function setUpUnavailableNotice() {
    var main = document.querySelector("main");
    if (!main || typeof window.htmx === "undefined") { return; }
    var region = null, later = null;
    document.body.addEventListener("htmx:afterRequest", function (event) {
      var elt = event.detail.elt;
      if (elt && elt.closest && elt.closest("form.tap-form")) { return; }
      var xhr = event.detail.xhr;
      var unavailable = !event.detail.successful && (!xhr || xhr.status === 0 || xhr.status === 503);
      window.clearTimeout(later);
      if (region) { region.textContent = ""; }
      if (!unavailable) { return; }
      if (!region) {
        region = document.createElement("div");
        region.setAttribute("role", "status");
        main.insertBefore(region, main.firstChild);
      }
      var notice = document.createElement("p");
      notice.className = "alert alert--warning";
      notice.textContent = xhr && xhr.status === 503
        ? "Le service est momentanément indisponible : réessayez dans quelques instants."
        : "Le serveur ne répond pas : vérifiez la connexion, puis réessayez.";
      later = window.setTimeout(function () { region.appendChild(notice); }, 100);
    });
  }

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
