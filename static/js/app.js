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

  // Phones: under 576 px a data table shows each row as a card (static/css/app.css). Every cell
  // gets its column's heading as data-label, shown before the value; empty cells ("—") are left
  // out of the card and long values take the card's full width. Only tables with one header row
  // whose headings match the columns; a table without headings lets its cells flow on a line
  // (table-flow); a table marked table-scroll keeps its grid and scrolls; the calendar has its own.
  function ems(text) {  // rough width in ems: CJK characters are square, others about half
    var n = 0;
    for (var i = 0; i < text.length; i++) { n += text.charCodeAt(i) > 0x2e80 ? 1 : 0.55; }
    return n;
  }

  function labelTables(root) {
    root.querySelectorAll("main table").forEach(function (table) {
      var done = ["table-scroll", "table-cards", "table-flow", "calendar"].some(function (c) {
        return table.classList.contains(c);
      });
      if (done) { return; }
      var head = table.tHead;
      if (!head) { table.classList.add("table-flow"); return; }
      if (head.rows.length !== 1) { return; }
      var labels = [];
      Array.prototype.forEach.call(head.rows[0].cells, function (th) {
        for (var i = 0; i < (th.colSpan || 1); i++) { labels.push(th.textContent.trim()); }
      });
      var bodies = Array.prototype.slice.call(table.tBodies).concat(table.tFoot ? [table.tFoot] : []);
      bodies.forEach(function (body) {
        Array.prototype.forEach.call(body.rows, function (row) {
          var column = 0;
          Array.prototype.forEach.call(row.cells, function (cell) {
            var text = cell.textContent.replace(/\s+/g, " ").trim();
            var hasControl = cell.querySelector("input, select, textarea, button, progress, img, svg, .light");
            if (cell.colSpan >= labels.length) {
              cell.classList.add("card-wide");
            } else if (labels[column]) {
              cell.setAttribute("data-label", labels[column]);
            }
            if (!hasControl && (text === "" || text === "—")) { cell.classList.add("card-empty"); }
            if (hasControl || ems((labels[column] || "") + text) > 10) { cell.classList.add("card-wide"); }
            column += cell.colSpan || 1;
          });
        });
      });
      table.classList.add("table-cards");
    });
  }

  document.addEventListener("DOMContentLoaded", function () { labelTables(document); renderCharts(document); });
  document.addEventListener("htmx:afterSettle", function (event) { labelTables(event.target); renderCharts(event.target); });
})();
