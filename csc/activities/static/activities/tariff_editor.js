// Tariff grid editor: show only the rules that apply to the chosen method and rank mode. Without
// JavaScript every field stays visible, and the server ignores those that do not apply.
(function () {
  "use strict";
  var form = document.querySelector("form.tariff-editor");
  if (!form) return;
  function chosen(name) {
    var checked = form.querySelector('input[name="' + name + '"]:checked');
    return checked ? checked.value : "";
  }
  function update() {
    form.querySelectorAll("[data-show-when]").forEach(function (element) {
      var rule = element.getAttribute("data-show-when").split("=");
      element.hidden = rule[1].split(",").indexOf(chosen(rule[0])) === -1;
      element.style.display = element.hidden ? "none" : ""; // .form-grid's display outranks [hidden]
      // A hidden rule is not sent either: it cannot refuse the grid from where nobody sees it.
      element.querySelectorAll("input, select").forEach(function (input) {
        input.disabled = element.hidden;
      });
    });
  }
  form.addEventListener("change", update);
  update();
})();
