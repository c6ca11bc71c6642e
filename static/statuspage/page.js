// The public status page, progressively enhanced: everything works without
// this file. It refreshes the live parts every 60 s in place (no reload
// flash), moves between day bars with the arrow keys, and switches the
// language as soon as one is picked.
(function () {
  "use strict";
  var REFRESH_MS = 60000;
  document.documentElement.classList.add("js");

  function openGroups() {
    var open = {};
    document.querySelectorAll("details.group[id]").forEach(function (d) { open[d.id] = d.open; });
    return open;
  }

  function swap(html) {
    var fresh = new DOMParser().parseFromString(html, "text/html");
    var open = openGroups();
    document.querySelectorAll("[data-live][id]").forEach(function (old) {
      var next = fresh.getElementById(old.id);
      // Keep what the visitor is pointing at or reading with the keyboard.
      if (!next || old.contains(document.activeElement) || old.querySelector(".bars i:hover")) return;
      old.replaceWith(next);
    });
    document.querySelectorAll("details.group[id]").forEach(function (d) {
      if (d.id in open) d.open = open[d.id];
    });
    var title = fresh.querySelector("title");
    if (title) document.title = title.textContent;
  }

  function refresh() {
    if (document.hidden || !document.querySelector("[data-live]")) return;
    fetch(location.href, { credentials: "same-origin", headers: { "X-Requested-With": "refresh" } })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) { if (html) swap(html); })
      .catch(function () { /* offline: try again next time */ });
  }

  var timer = setInterval(refresh, REFRESH_MS);
  document.addEventListener("visibilitychange", function () {
    clearInterval(timer);
    if (!document.hidden) { refresh(); timer = setInterval(refresh, REFRESH_MS); }
  });

  // Roving focus: one day per bar row is in the tab order; arrows move.
  document.addEventListener("keydown", function (event) {
    var cell = event.target;
    if (!cell.matches || !cell.matches(".bars i")) return;
    var cells = Array.prototype.filter.call(cell.parentNode.children, function (c) {
      return c.offsetParent !== null; // the phone layout hides the oldest days
    });
    var at = cells.indexOf(cell), to = at;
    if (event.key === "ArrowLeft") to = at - 1;
    else if (event.key === "ArrowRight") to = at + 1;
    else if (event.key === "Home") to = 0;
    else if (event.key === "End") to = cells.length - 1;
    else return;
    event.preventDefault();
    to = Math.max(0, Math.min(cells.length - 1, to));
    cell.tabIndex = -1;
    cells[to].tabIndex = 0;
    cells[to].focus();
  });

  document.addEventListener("DOMContentLoaded", function () {
    var select = document.getElementById("language");
    if (select) select.addEventListener("change", function () { select.form.submit(); });
  });
})();
