/* Agency form: optional enhancements. Without this script every field simply stays visible. */
(function () {
  "use strict";

  /* Show `target` only while `isOn()` is true; re-check whenever `inputs` change. */
  function showWhen(target, inputs, isOn) {
    if (!target || !inputs.length) { return; }
    function update() { target.hidden = !isOn(); }
    inputs.forEach(function (input) { input.addEventListener("change", update); });
    update();
  }

  var distanceBoxes = ["prefer_nearby", "in_person_only"].map(function (id) {
    return document.getElementById(id);
  }).filter(Boolean);
  showWhen(document.querySelector(".js-distance"), distanceBoxes, function () {
    return distanceBoxes.some(function (box) { return box.checked; });
  });

  var dataBoxes = Array.prototype.slice.call(document.querySelectorAll("input[name='data_available']"));
  showWhen(document.querySelector(".js-data-other"), dataBoxes, function () {
    return dataBoxes.some(function (box) { return box.value === "other" && box.checked; });
  });

  var funding = Array.prototype.slice.call(document.querySelectorAll("input[name='funding']"));
  showWhen(document.querySelector(".js-grant-deadline"), funding, function () {
    return funding.some(function (radio) { return radio.value === "grant" && radio.checked; });
  });

  var SENT_KEY = "agency-statement-sent-with-key";

  /* One click sends the form once. */
  var form = document.querySelector("form.problem-form");
  if (form) {
    form.addEventListener("submit", function () {
      var button = form.querySelector("[type=submit]");
      if (button) {
        window.setTimeout(function () { button.disabled = true; }, 0);
      }
    });
    /* Back from the confirmation fetches this page again, with a new submission key: the browser brings back
       what was typed but not a hidden field. Give the form back the key it was sent with, so that sending it
       again opens the statement's status page instead of storing it twice. */
    var key = form.querySelector("input[name='submission_key']");
    var navigation = window.performance && performance.getEntriesByType ?
      performance.getEntriesByType("navigation")[0] : null;
    try {
      var sentKey = window.sessionStorage.getItem(SENT_KEY);
      if (key && sentKey && navigation && navigation.type === "back_forward") { key.value = sentKey; }
      form.addEventListener("submit", function () {
        if (key) { window.sessionStorage.setItem(SENT_KEY, key.value); }
      });
    } catch (error) { /* storage refused (a privacy setting): coordinators still see likely duplicates */ }
    /* Coming back with the browser's Back button: the button works again. */
    window.addEventListener("pageshow", function () {
      var button = form.querySelector("[type=submit]");
      if (button) { button.disabled = false; }
    });
  }

  /* Bring the error summary into view so keyboard and screen-reader users hear it. */
  var summary = document.querySelector(".error-summary");
  if (summary) { summary.focus(); }

}());
