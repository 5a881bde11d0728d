/* Events: progressive enhancement only; every page works without this file. */
(function () {
  "use strict";
  var browserZone = "";
  try { browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { /* old browser */ }

  // New event form: preselect the organiser's own time zone when the field is still at UTC.
  document.querySelectorAll("form[data-detect-timezone] select[name='time_zone']").forEach(function (select) {
    if (browserZone && select.value === "UTC" && select.querySelector("option[value='" + browserZone + "']")) {
      select.value = browserZone;
    }
  });

  // Feed addresses: select the whole address on focus so it is easy to copy.
  document.querySelectorAll("input.copyable-input").forEach(function (input) {
    input.addEventListener("focus", function () { input.select(); });
  });
})();
