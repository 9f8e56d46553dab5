// Meetings: attendance tables highlight the exceptions; the activity form shows the fields of the chosen kind.
(function () {
  "use strict";

  function refreshAttendance() {
    var rows = document.querySelectorAll(".js-attendance-row");
    if (!rows.length) { return; }
    var absent = 0;
    rows.forEach(function (row) {
      var select = row.querySelector(".js-status");
      var exception = select && select.value !== "present";
      row.classList.toggle("table-warning", !!exception);
      if (exception) { absent += 1; }
    });
    var counter = document.querySelector(".js-attendance-count");
    if (counter) { counter.textContent = counter.getAttribute("data-template") + " " + absent; }
  }

  // Fields of the activity form that only some kinds use.
  var KIND_FIELDS = {
    law_name: ["law_check"],
    target: ["evaluation"],
    notice_date: ["reception"],
    on_duty: ["reception", "report"],
    voter_count: ["report", "evaluation", "visit", "reception"],
    households: ["visit"],
    rating_excellent: ["report"],
    rating_competent: ["report"],
    rating_incompetent: ["report"],
    rating_satisfied: ["evaluation"],
    rating_basically_satisfied: ["evaluation"],
    rating_unsatisfied: ["evaluation"],
    group: ["group"]
  };

  function refreshKind() {
    var kindSelect = document.querySelector("select[data-field=kind]");
    if (!kindSelect) { return; }
    var kind = kindSelect.value;
    Object.keys(KIND_FIELDS).forEach(function (name) {
      var input = document.querySelector("[data-field=" + name + "]");
      if (!input) { return; }
      var wrapper = input.closest(".mb-3");
      var show = KIND_FIELDS[name].indexOf(kind) !== -1 || (name === "group" && kind !== "");
      if (wrapper) { wrapper.classList.toggle("d-none", !show); }
    });
  }

  // Choosing a deputy group ticks its members as participants.
  function tickGroupMembers(groupId) {
    var source = document.getElementById("group-members");
    if (!source || !groupId) { return; }
    var members = JSON.parse(source.textContent)[groupId] || [];
    members.forEach(function (id) {
      var box = document.querySelector("[data-field=deputies] input[value='" + id + "']");
      if (box) { box.checked = true; }
    });
  }

  document.addEventListener("change", function (event) {
    if (event.target.matches("select[data-field=group]")) { tickGroupMembers(event.target.value); }
    if (event.target.matches(".js-status")) { refreshAttendance(); }
    if (event.target.matches("select[data-field=kind]")) { refreshKind(); }
  });
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-set-all]")) { window.setTimeout(refreshAttendance, 0); }
  });
  document.addEventListener("DOMContentLoaded", function () { refreshAttendance(); refreshKind(); });
})();
