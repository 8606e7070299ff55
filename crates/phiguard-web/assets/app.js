// phiguard dashboard: progressive enhancement only; every page works without it.
// Filter selects on the findings page submit their form on change.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("form.filters select").forEach(function (select) {
    select.addEventListener("change", function () {
      if (select.form && select.form.action.indexOf("/findings") !== -1) {
        select.form.submit();
      }
    });
  });
});
