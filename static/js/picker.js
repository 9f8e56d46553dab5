// Searchable checkbox pickers: every <select multiple data-picker> becomes a Tom Select (vendored
// in static/vendor/tom-select) with a checkbox per option and each chosen one as a removable chip.
// "Select a whole group" buttons (data-picker-values="1 2 3") add their options. CSP-safe: no
// inline script or style; the labels come from data- attributes rendered by the server.
(function () {
  "use strict";

  function setup(select) {
    if (!window.TomSelect || select.tomselect) { return; }
    var ts = new window.TomSelect(select, {
      plugins: {
        checkbox_options: {},
        remove_button: { title: select.getAttribute("data-remove-label") || "" },
        clear_button: { title: select.getAttribute("data-clear-label") || "" }
      },
      placeholder: select.getAttribute("data-placeholder") || "",
      hidePlaceholder: false,
      closeAfterSelect: false,
      hideSelected: false,
      maxOptions: null,
      render: {
        no_results: function () {
          var div = document.createElement("div");
          div.className = "no-results";
          div.textContent = select.getAttribute("data-no-results") || "";
          return div;
        }
      }
    });
    // Tom Select points the field's label at its own box (id "<select>-ts-label"); the search box
    // and the hidden original select keep that label for screen readers.
    var label = document.getElementById(select.id + "-ts-label");
    if (label) {
      select.setAttribute("aria-labelledby", label.id);
      if (ts.control_input) {
        ts.control_input.setAttribute("aria-label", label.textContent.replace("*", "").trim());
      }
    }
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-picker-values]");
    if (!button) { return; }
    var box = button.closest("[data-picker-for]");
    var select = box && document.getElementById(box.getAttribute("data-picker-for"));
    if (!select) { return; }
    var values = button.getAttribute("data-picker-values").split(" ");
    if (select.tomselect) {
      select.tomselect.addItems(values);
    } else {
      Array.prototype.forEach.call(select.options, function (o) {
        if (values.indexOf(o.value) !== -1) { o.selected = true; }
      });
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("select[multiple][data-picker]").forEach(setup);
  });
})();
