// Progressive enhancement of the profile form: "Add another publication" adds a row in place
// instead of sending the form back to the server, and a file too large to import is refused at once.
// Without this script both still work (the server checks the size too).
(function () {
  "use strict";

  function renumber(row, index) {
    row.id = "publication-" + index;
    var legend = row.querySelector("legend");
    if (legend) { legend.textContent = "Publication " + (index + 1); }
    row.querySelectorAll("[name], [id], [for], [aria-describedby]").forEach(function (el) {
      ["name", "id", "for", "aria-describedby"].forEach(function (attr) {
        var value = el.getAttribute(attr);
        if (value) { el.setAttribute(attr, value.replace(/publications-\d+-/g, "publications-" + index + "-")); }
      });
    });
  }

  function clear(row) {
    row.querySelectorAll("input, textarea").forEach(function (el) {
      el.value = "";
      el.removeAttribute("aria-invalid");
    });
    row.querySelectorAll(".error, [data-remove-publication]").forEach(function (el) { el.remove(); });
    row.querySelectorAll(".has-error").forEach(function (el) { el.classList.remove("has-error"); });
    row.querySelectorAll("[aria-describedby]").forEach(function (el) {
      var ids = el.getAttribute("aria-describedby").split(" ").filter(function (id) { return !/-error$/.test(id); });
      if (ids.length) { el.setAttribute("aria-describedby", ids.join(" ")); } else { el.removeAttribute("aria-describedby"); }
    });
  }

  function setUp(button) {
    var fieldset = button.closest("fieldset");
    var list = fieldset.querySelector(".publication-rows");
    var max = parseInt(fieldset.getAttribute("data-max"), 10) || 20;
    var status = document.createElement("p");
    status.className = "hint";
    status.setAttribute("role", "status");
    button.insertAdjacentElement("afterend", status);

    button.addEventListener("click", function (event) {
      var rows = list.querySelectorAll(".publication-row");
      if (rows.length >= max) { return; }
      event.preventDefault();
      var row = rows[rows.length - 1].cloneNode(true);
      renumber(row, rows.length);
      clear(row);
      list.appendChild(row);
      var title = row.querySelector("input");
      if (title) { title.focus(); }
      if (rows.length + 1 >= max) {
        button.hidden = true;
        status.textContent = "You have " + max + " rows, the most a profile can list.";
      }
    });
  }

  // A file too large to import is refused at once, before the whole form is sent.
  function checkSize(input) {
    var max = parseInt(input.getAttribute("data-max-bytes"), 10);
    input.addEventListener("change", function () {
      var old = document.getElementById(input.id + "-size-error");
      if (old) { old.remove(); }
      var file = input.files && input.files[0];
      if (file && max && file.size > max) {
        input.value = "";
        var note = document.createElement("p");
        note.className = "error";
        note.id = input.id + "-size-error";
        note.setAttribute("role", "alert");
        note.textContent = "This file is larger than " + Math.round(max / 1024) +
          " KB. Please export only your own publications, or paste them in parts.";
        input.insertAdjacentElement("afterend", note);
      }
    });
  }

  document.querySelectorAll("[data-add-publication]").forEach(setUp);
  document.querySelectorAll("input[type=file][data-max-bytes]").forEach(checkSize);

  /* Five minutes before the session ends, say so where it is heard (the server keeps a late save anyway). */
  var ends = document.getElementById("session-ends");
  if (ends) {
    var warnIn = Number(ends.getAttribute("data-ends-at")) * 1000 - Date.now() - 5 * 60 * 1000;
    window.setTimeout(function () {
      ends.setAttribute("role", "alert");
      ends.textContent = "Your session ends in less than five minutes: save your profile now. " +
        "If it ends first, what you typed is kept and a new sign-in link brings it back.";
    }, Math.max(0, warnIn));
  }

  /* Bring the error summary into view so keyboard and screen-reader users hear it first. */
  var summary = document.querySelector(".error-summary");
  if (summary) { summary.focus(); }
})();
