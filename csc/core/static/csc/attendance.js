/* The attendance sheet on weak Wi-Fi, and through an outage of the server: every tap shows at once, is
   remembered in the browser until the server confirms it, and is sent again by itself — when the network
   comes back, or when the server answers again after a 503 (waiting what its Retry-After says, then
   longer and longer) — even after a reload. The server keeps one answer per person and session, and the
   same answer twice changes nothing: a tap sent twice (an answer lost on the way) is saved once.
   Without JavaScript the buttons are plain form posts and work the same, one page load per tap. */
(function () {
  "use strict";
  var table = document.querySelector("table.sheet");
  if (!table || typeof window.htmx === "undefined") { return; }
  var key = "csc-appel-" + table.getAttribute("data-session");
  var banner = document.getElementById("pending-banner");
  var bannerText = document.getElementById("pending-text");
  var LABELS = { present: "présent(e)", absent: "absent(e)", excuse: "excusé(e)" };
  var WAITING = "En attente d'envoi : ";
  // Retries without a Retry-After: 5 s, then twice as long each round, at most a minute apart.
  var FIRST_DELAY = 5000, MAX_DELAY = 60000;
  var retryTimer = null;
  var rounds = 0;           // failed rounds since the last answer saved
  var serverDown = false;   // the last failure was the server's (5xx), not the network's
  var inFlight = {};        // person -> the answer on its way, so that a retry never doubles it
  window.htmx.config.timeout = 8000;

  function load() { try { return JSON.parse(window.localStorage.getItem(key)) || {}; } catch (e) { return {}; } }
  function store(pending) { try { window.localStorage.setItem(key, JSON.stringify(pending)); } catch (e) { /* private mode */ } }

  function rowOf(personId) { return document.getElementById("personne-" + personId); }

  function showWaiting(row, status) {
    row.querySelectorAll("button.tap").forEach(function (b) {
      b.setAttribute("aria-pressed", b.value === status ? "true" : "false");
    });
    row.className = "sheet-row sheet-row--" + status + " sheet-row--pending";
    row.querySelector("[data-state]").textContent = WAITING + LABELS[status];
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
    var one = count === 1;
    var what = one ? "1 réponse en attente d'envoi" : count + " réponses en attente d'envoi";
    var sent = one ? "elle sera envoyée" : "elles seront envoyées";
    bannerText.textContent = what + (serverDown
      ? " : le serveur est momentanément indisponible, " + sent + " automatiquement dès qu'il répondra."
      : " : " + sent + " automatiquement dès que le réseau reviendra.");
  }

  function send(form, status) {
    window.htmx.ajax("POST", form.getAttribute("hx-post"), {
      source: form, target: form.closest("tr"), swap: "outerHTML", values: { statut: status }
    });
  }

  function retryAll() {
    window.clearTimeout(retryTimer);
    retryTimer = null;
    var pending = load();
    Object.keys(pending).forEach(function (personId) {
      var row = rowOf(personId);
      if (row && !inFlight[personId]) { send(row.querySelector("form.tap-form"), pending[personId]); }
    });
  }

  // When to try again: what the server asked for (Retry-After, in seconds), else a delay that doubles.
  function nextDelay(xhr) {
    var asked = xhr ? parseInt(xhr.getResponseHeader("Retry-After"), 10) : NaN;
    var backoff = Math.min(FIRST_DELAY * Math.pow(2, rounds), MAX_DELAY);
    return asked > 0 ? Math.min(asked * 1000, 10 * MAX_DELAY) : backoff;
  }

  function scheduleRetry(delay) {
    if (retryTimer !== null) { return; }  // one timer for all the answers waiting: one round at a time
    rounds += 1;
    retryTimer = window.setTimeout(retryAll, delay);
  }

  function personOf(form) { return form.closest("tr").id.replace("personne-", ""); }

  function tapForm(event) {
    var elt = event.detail.elt;
    var form = elt && elt.closest ? elt.closest("form.tap-form") : null;
    if (!form && event.detail.requestConfig && event.detail.requestConfig.elt) {
      form = event.detail.requestConfig.elt.closest("form.tap-form");
    }
    return form;
  }

  document.body.addEventListener("htmx:configRequest", function (event) {
    var form = tapForm(event);
    if (!form) { return; }
    var status = event.detail.parameters.statut;
    var personId = personOf(form);
    var pending = load();
    pending[personId] = status;
    inFlight[personId] = status;
    store(pending);
    showWaiting(form.closest("tr"), status);
    refreshBanner();
  });

  document.body.addEventListener("htmx:afterRequest", function (event) {
    var form = tapForm(event);
    if (!form) { return; }
    var xhr = event.detail.xhr;
    var personId = personOf(form);
    var sent = inFlight[personId];
    delete inFlight[personId];
    var pending = load();
    if (event.detail.successful) {
      // Saved. A later tap on the same row may be waiting still: it stays, and shows on the new row.
      if (pending[personId] === sent) { delete pending[personId]; }
      else if (pending[personId] && rowOf(personId)) { showWaiting(rowOf(personId), pending[personId]); }
      rounds = 0;
      serverDown = false;
      store(pending);
      // The server answers again: what waited goes now, not at the next round.
      if (Object.keys(pending).length) { retryAll(); }
    } else if (xhr && xhr.status === 409) {
      // Refused for good (a cancelled session…): retrying would not help; say why on the row.
      delete pending[personId];
      var row = rowOf(personId);
      if (row) { row.querySelector("[data-state]").textContent = xhr.responseText; }
      store(pending);
    } else {
      // No answer (network, time-out) or the server unavailable (503…): the tap stays and waits.
      serverDown = Boolean(xhr && xhr.status >= 500);
      scheduleRetry(nextDelay(xhr));
    }
    refreshBanner();
  });

  document.getElementById("pending-retry").addEventListener("click", retryAll);
  window.addEventListener("online", retryAll);

  // Answers typed before a reload or a lost connection: show them, then send them again.
  var pending = load();
  Object.keys(pending).forEach(function (personId) {
    var row = rowOf(personId);
    if (row) { showWaiting(row, pending[personId]); }
  });
  refreshBanner();
  if (Object.keys(pending).length) { retryAll(); }
})();
