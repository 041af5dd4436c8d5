/* CSC — plannings: drag and drop, the keyboard menu (« Placer… », « Déplacer… ») in a dialog, and the
   announcement of each change. Every action is also a plain link or form: without this script the pages
   work one full page at a time. Changes post to the same endpoints as the forms, with
   `X-Requested-With: fetch`, and get JSON back; the grid is then reloaded from the page itself. */
(function () {
  "use strict";

  var dragged = null; // what is being dragged: {kind: "sheet" | "entry" | "free", id, title, url, from}
  var opener = null; // the link that opened a dialog: focus goes back to it on cancel
  var NETWORK_ERROR = "La connexion a échoué : rien n'a changé. Vérifiez le réseau et réessayez.";

  function $(selector, root) { return (root || document).querySelector(selector); }
  function $$(selector, root) { return Array.prototype.slice.call((root || document).querySelectorAll(selector)); }

  function csrfToken() {
    var input = $("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function board() { return $("#planning-board"); }

  function announce(text) {
    var live = $("#planning-live");
    if (!live || !text) { return; }
    // Emptied first, so that the same sentence twice is announced twice.
    live.textContent = "";
    window.setTimeout(function () { live.textContent = text; }, 30);
  }

  function send(url, body) {
    return fetch(url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch", "Accept": "application/json" }
    }).then(function (response) {
      return response.json().catch(function () {
        return { ok: false, message: "Le serveur n'a pas répondu comme prévu : rechargez la page." };
      }).then(function (data) { data.status = response.status; return data; });
    });
  }

  function post(url, fields) {
    var body = new FormData();
    body.append("csrfmiddlewaretoken", csrfToken());
    Object.keys(fields).forEach(function (name) {
      if (fields[name] !== undefined && fields[name] !== null) { body.append(name, fields[name]); }
    });
    return send(url, body);
  }

  // Reload the grid, the warnings, the coverage and the publication state from the page itself.
  function refresh(week) {
    var url = new URL(window.location.href);
    if (week) {
      url.searchParams.set("semaine", week);
      window.history.replaceState(null, "", url.toString());
    }
    return fetch(url.toString(), { credentials: "same-origin" })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html");
        ["#planning-board", "#planning-status"].forEach(function (selector) {
          var newer = fresh.querySelector(selector);
          var older = $(selector);
          if (newer && older) { older.replaceWith(document.importNode(newer, true)); }
        });
        var revision = board() && board().getAttribute("data-revision");
        if (revision) {
          $$("dialog input[name=revision]").forEach(function (input) { input.value = revision; });
        }
      });
  }

  // After a change: reload, put the focus on the entry it concerns (or back where it was), then say
  // what happened.
  function after(result, fallbackFocus) {
    return refresh(result.week).then(function () {
      var target = result.entry_id && $("#activite-" + result.entry_id + " .js-move");
      if (target) { target.focus(); }
      else if (fallbackFocus && document.body.contains(fallbackFocus)) { fallbackFocus.focus(); }
      announce(result.message);
    });
  }

  function revision() {
    var current = board();
    return current ? current.getAttribute("data-revision") : "";
  }

  // --- The dialogs: the keyboard menu ------------------------------------------------------------------

  function setValue(form, name, value) {
    var field = form.elements[name];
    if (!field || value === undefined || value === null || value === "") { return; }
    field.value = value;
  }

  function showError(dialog, message) {
    var box = $(".js-dialog-error", dialog);
    if (!box) { return; }
    box.textContent = message;
    box.hidden = !message;
  }

  function openDialog(id, link, setup) {
    var dialog = document.getElementById(id);
    if (!dialog || typeof dialog.showModal !== "function") { return false; }
    var form = $("form", dialog);
    showError(dialog, "");
    setup(form, dialog);
    opener = link;
    dialog.showModal();
    var first = $$("input:not([type=hidden]), select", form).filter(function (field) {
      return !field.closest("[hidden]");
    })[0];
    if (first) { first.focus(); }
    return true;
  }

  function openPlace(link, freeTitle) {
    return openDialog("dialog-place", link, function (form, dialog) {
      var free = freeTitle !== undefined;
      $$(".js-free-only", dialog).forEach(function (block) { block.hidden = !free; });
      var item = free ? null : link.closest(".tray-item");
      $(".js-dialog-what", dialog).textContent = free ? "une activité libre" : "« " + item.getAttribute("data-title") + " »";
      form.elements.sheet.value = free ? "" : item.getAttribute("data-sheet-id");
      if (form.elements.title) { form.elements.title.value = free ? freeTitle : ""; }
      if (form.elements.notes) { form.elements.notes.value = ""; }
      $$("input[type=checkbox]", form).forEach(function (box) { box.checked = false; });
      setValue(form, "day", board() && board().getAttribute("data-first-day"));
      setValue(form, "revision", revision());
    });
  }

  function openMove(link) {
    return openDialog("dialog-move", link, function (form, dialog) {
      // The entry says its title; the cell it sits in says where it is.
      var entry = link.closest(".entry");
      var cell = cellOf(entry);
      form.action = link.getAttribute("href");
      $(".js-dialog-what", dialog).textContent = "« " + entry.getAttribute("data-title") + " »";
      if (cell) {
        setValue(form, "group", cell.getAttribute("data-group"));
        setValue(form, "day", cell.getAttribute("data-day"));
        setValue(form, "slot", cell.getAttribute("data-slot"));
      }
      setValue(form, "revision", revision());
    });
  }

  document.addEventListener("click", function (event) {
    var place = event.target.closest(".js-place");
    if (place && openPlace(place)) { event.preventDefault(); return; }
    var move = event.target.closest(".js-move");
    if (move && openMove(move)) { event.preventDefault(); return; }
    var close = event.target.closest(".js-dialog-close");
    if (close) { close.closest("dialog").close(); }
  });

  document.addEventListener("close", function (event) {
    // Cancelled (button or Escape): back to the button that opened it.
    if (event.target.matches && event.target.matches("dialog.planning-dialog") && opener) {
      if (document.body.contains(opener)) { opener.focus(); }
      opener = null;
    }
  }, true);

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.matches(".js-free-place")) {
      var title = form.elements.titre.value.trim();
      if (!title) {
        event.preventDefault();
        announce("Écrivez d'abord le titre de l'activité libre.");
        form.elements.titre.focus();
        return;
      }
      if (openPlace($("button", form), title)) { event.preventDefault(); }
      return;
    }
    if (!form.matches(".js-dialog-form")) { return; }
    event.preventDefault();
    var dialog = form.closest("dialog");
    var from = opener;
    var submit = $("button[type=submit]", form);
    submit.disabled = true;
    send(form.action, new FormData(form)).then(function (result) {
      submit.disabled = false;
      if (!result.ok && result.status === 400) {
        showError(dialog, result.message);
        return null;
      }
      opener = null; // the focus goes to the entry, not back to the button
      dialog.close();
      return after(result, from);
    }).catch(function () {
      submit.disabled = false;
      showError(dialog, NETWORK_ERROR);
    });
  });

  // --- Drag and drop ------------------------------------------------------------------------------------

  function cellOf(node) {
    return node && node.closest ? node.closest("#planning-grid td[data-slot]") : null;
  }

  function clearOver() {
    $$(".cell--over").forEach(function (cell) { cell.classList.remove("cell--over"); });
  }

  document.addEventListener("dragstart", function (event) {
    var node = event.target.closest ? event.target : event.target.parentElement;
    var entry = node.closest(".entry[draggable=true]");
    var sheet = node.closest(".tray-item[data-sheet-id]");
    var free = node.closest(".js-free-place");
    var source = entry || sheet || free;
    if (!source) { return; }
    if (entry) {
      var from = cellOf(entry);
      dragged = {
        kind: "entry",
        title: entry.getAttribute("data-title"),
        url: $(".js-move", entry).getAttribute("href"),
        from: [from.getAttribute("data-group"), from.getAttribute("data-day"), from.getAttribute("data-slot")].join("|")
      };
    } else if (sheet) {
      dragged = { kind: "sheet", id: sheet.getAttribute("data-sheet-id"), title: sheet.getAttribute("data-title") };
    } else {
      dragged = { kind: "free", title: free.elements.titre.value.trim() };
    }
    source.classList.add("is-dragging");
    event.dataTransfer.effectAllowed = "copyMove";
    event.dataTransfer.setData("text/plain", dragged.title || "");
  });

  document.addEventListener("dragend", function () {
    $$(".is-dragging").forEach(function (node) { node.classList.remove("is-dragging"); });
    clearOver();
  });

  document.addEventListener("dragover", function (event) {
    var cell = cellOf(event.target);
    if (!dragged || !cell) { return; }
    event.preventDefault();
    event.dataTransfer.dropEffect = dragged.kind === "entry" ? "move" : "copy";
    if (!cell.classList.contains("cell--over")) { clearOver(); cell.classList.add("cell--over"); }
  });

  document.addEventListener("dragleave", function (event) {
    var cell = cellOf(event.target);
    if (cell && !cell.contains(event.relatedTarget)) { cell.classList.remove("cell--over"); }
  });

  document.addEventListener("drop", function (event) {
    var cell = cellOf(event.target);
    if (!dragged || !cell) { return; }
    event.preventDefault();
    clearOver();
    var item = dragged;
    dragged = null;
    var fields = {
      group: cell.getAttribute("data-group"),
      day: cell.getAttribute("data-day"),
      slot: cell.getAttribute("data-slot"),
      revision: revision()
    };
    var url = board().getAttribute("data-place-url");
    if (item.kind === "entry") {
      if (item.from === [fields.group, fields.day, fields.slot].join("|")) { return; }
      url = item.url;
    } else if (item.kind === "sheet") {
      fields.sheet = item.id;
    } else {
      if (!item.title) {
        announce("Écrivez d'abord le titre de l'activité libre, puis glissez-la.");
        return;
      }
      fields.title = item.title;
    }
    post(url, fields).then(function (result) { return after(result); }).catch(function () { announce(NETWORK_ERROR); });
  });

  // --- Creating a planning: the title follows the chosen period until it is typed by hand ---------------

  document.addEventListener("DOMContentLoaded", function () {
    var period = $("#id_period");
    var title = $("#id_title");
    if (!period || !title) { return; }
    var suggested = "";
    function suggest() {
      var option = period.options[period.selectedIndex];
      var next = option ? option.getAttribute("data-title") || "" : "";
      if (!title.value || title.value === suggested) { title.value = next; }
      suggested = next;
    }
    period.addEventListener("change", suggest);
    suggest();
  });
})();
