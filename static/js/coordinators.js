/* Coordinator pages: bring a refused form's error summary into view and focus, as the public forms do. */
(function () {
  "use strict";
  var summary = document.querySelector(".error-summary");
  if (summary) { summary.focus(); }
}());
