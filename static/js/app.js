// Behaviour shared by every page. No inline scripts: the Content-Security-Policy forbids them.
(function () {
  "use strict";

  // Selects marked js-autosubmit submit their form on change (township selector, filters).
  document.addEventListener("change", function (event) {
    if (event.target.matches(".js-autosubmit")) {
      event.target.form.submit();
    }
  });

  // Buttons marked data-confirm ask before submitting.
  document.addEventListener("click", function (event) {
    var el = event.target.closest("[data-confirm]");
    if (el && !window.confirm(el.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  });

  // Charts: <div class="chart" data-chart="ID"> with <script type="application/json" id="ID">
  // holding an ECharts option (built in Python with json_script).
  function renderCharts(root) {
    if (!window.echarts) { return; }
    root.querySelectorAll("[data-chart]").forEach(function (el) {
      var source = document.getElementById(el.getAttribute("data-chart"));
      if (!source || el.getAttribute("data-rendered")) { return; }
      var chart = window.echarts.init(el);
      chart.setOption(JSON.parse(source.textContent));
      el.setAttribute("data-rendered", "1");
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }

  // "Mark all" helpers for attendance-like tables: data-set-all="VALUE" data-target=".css-selector".
  document.addEventListener("click", function (event) {
    var el = event.target.closest("[data-set-all]");
    if (!el) { return; }
    event.preventDefault();
    document.querySelectorAll(el.getAttribute("data-target")).forEach(function (input) {
      if (input.type === "checkbox") { input.checked = el.getAttribute("data-set-all") === "1"; }
      else { input.value = el.getAttribute("data-set-all"); }
    });
  });

  document.addEventListener("DOMContentLoaded", function () { renderCharts(document); });
  document.addEventListener("htmx:afterSettle", function (event) { renderCharts(event.target); });
})();
