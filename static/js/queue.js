/* Review queue: a "select all" box for the bulk actions. Without this script the "All" link in its place does
   the same by reloading the page with every box ticked. */
(function () {
  "use strict";

  var all = document.getElementById("select-all");
  var picks = Array.prototype.slice.call(document.querySelectorAll("input.pick"));
  if (!all || !picks.length) { return; }

  function update() {
    var ticked = picks.filter(function (box) { return box.checked; }).length;
    all.checked = ticked === picks.length;
    all.indeterminate = ticked > 0 && ticked < picks.length;
  }

  all.hidden = false;
  Array.prototype.forEach.call(document.querySelectorAll(".select-link"), function (link) { link.hidden = true; });
  all.addEventListener("change", function () {
    picks.forEach(function (box) { box.checked = all.checked; });
  });
  picks.forEach(function (box) { box.addEventListener("change", update); });
  update();
})();
