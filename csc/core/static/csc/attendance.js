/* The attendance sheet on weak Wi-Fi: every tap shows at once, is remembered in the browser until the
   server confirms it, and is sent again when the network comes back — even after a reload. Without
   JavaScript the buttons are plain form posts and work the same, one page load per tap. */
(function () {
  "use strict";
  var table = document.querySelector("table.sheet");
  if (!table || typeof window.htmx === "undefined") { return; }
  var key = "csc-appel-" + table.getAttribute("data-session");
  var banner = document.getElementById("pending-banner");
  var bannerText = document.getElementById("pending-text");
  var LABELS = { present: "présent(e)", absent: "absent(e)", excuse: "excusé(e)" };
  var retryTimer = null;
  window.htmx.config.timeout = 8000;

  function load() { try { return JSON.parse(window.localStorage.getItem(key)) || {}; } catch (e) { return {}; } }
  function store(pending) { try { window.localStorage.setItem(key, JSON.stringify(pending)); } catch (e) { /* private mode */ } }

  function showState(form, status, text) {
    var row = form.closest("tr");
    row.querySelectorAll("button.tap").forEach(function (b) {
      b.setAttribute("aria-pressed", b.value === status ? "true" : "false");
    });
    row.className = "sheet-row sheet-row--" + status + " sheet-row--pending";
    row.querySelector("[data-state]").textContent = text + LABELS[status];
  }

  // The count above the list follows the taps, saved or not yet.
  function recount() {
    var summary = document.getElementById("sheet-summary");
    var rows = table.querySelectorAll("tbody tr.sheet-row");
    var present = 0, unanswered = 0;
    rows.forEach(function (r) {
      var pressed = r.querySelector('button.tap[aria-pressed="true"]');
      if (!pressed) { unanswered += 1; } else if (pressed.value === "present") { present += 1; }
    });
    var strong = document.createElement("strong");
    strong.textContent = String(present);
    summary.textContent = "";
    summary.appendChild(strong);
    summary.appendChild(document.createTextNode(
      " présent" + (present > 1 ? "s" : "") + " sur " + rows.length + " personne" + (rows.length > 1 ? "s" : "") +
      (unanswered ? ", " + unanswered + " sans réponse" : "") + "."
    ));
  }

  function refreshBanner() {
    recount();
    var count = Object.keys(load()).length;
    banner.hidden = count === 0;
    bannerText.textContent = count === 1
      ? "1 réponse n'est pas encore enregistrée : nouvel essai automatique dès que le réseau revient."
      : count + " réponses ne sont pas encore enregistrées : nouvel essai automatique dès que le réseau revient.";
  }

  function send(form, status) {
    window.htmx.ajax("POST", form.getAttribute("hx-post"), {
      source: form, target: form.closest("tr"), swap: "outerHTML", values: { statut: status }
    });
  }

  function retryAll() {
    window.clearTimeout(retryTimer);
    var pending = load();
    Object.keys(pending).forEach(function (personId) {
      var row = document.getElementById("personne-" + personId);
      if (row) { send(row.querySelector("form.tap-form"), pending[personId]); }
    });
  }

  function scheduleRetry() {
    window.clearTimeout(retryTimer);
    retryTimer = window.setTimeout(retryAll, 5000);
  }

  function personOf(form) { return form.closest("tr").id.replace("personne-", ""); }

  document.body.addEventListener("htmx:configRequest", function (event) {
    var form = event.detail.elt.closest ? event.detail.elt.closest("form.tap-form") : null;
    if (!form) { return; }
    var status = event.detail.parameters.statut;
    var pending = load();
    pending[personOf(form)] = status;
    store(pending);
    showState(form, status, "Pas encore enregistré : ");
    refreshBanner();
  });

  document.body.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail.elt.closest ? event.detail.elt.closest("form.tap-form") : null;
    if (!form && event.detail.requestConfig && event.detail.requestConfig.elt) {
      form = event.detail.requestConfig.elt.closest("form.tap-form");
    }
    if (!form) { return; }
    var xhr = event.detail.xhr;
    var pending = load();
    var personId = personOf(form);
    if (event.detail.successful) {
      delete pending[personId];
    } else if (xhr && xhr.status === 409) {
      // Refused for good (a cancelled session…): retrying would not help; say why on the row.
      delete pending[personId];
      var row = document.getElementById("personne-" + personId);
      if (row) { row.querySelector("[data-state]").textContent = xhr.responseText; }
    } else {
      scheduleRetry();
    }
    store(pending);
    refreshBanner();
  });

  document.getElementById("pending-retry").addEventListener("click", retryAll);
  window.addEventListener("online", retryAll);

  // Answers typed before a reload or a lost connection: show them, then send them again.
  var pending = load();
  Object.keys(pending).forEach(function (personId) {
    var row = document.getElementById("personne-" + personId);
    if (row) { showState(row.querySelector("form.tap-form"), pending[personId], "Pas encore enregistré : "); }
  });
  refreshBanner();
  if (Object.keys(pending).length) { retryAll(); }
})();
