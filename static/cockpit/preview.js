// Live Markdown preview of an incident update: the server renders the typed
// text with the page's own renderer (what staff see is what the page shows).
// Without this file the preview shows the message as saved.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var field = document.querySelector("textarea[data-preview-url]");
    var preview = document.getElementById("markdown-preview");
    var token = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (!field || !preview || !token || !window.fetch) return;
    var timer = null;
    function render() {
      var body = new URLSearchParams({ text: field.value });
      fetch(field.getAttribute("data-preview-url"), {
        method: "POST", credentials: "same-origin", body: body,
        headers: { "X-CSRFToken": token.value }
      })
        .then(function (r) { return r.ok ? r.text() : null; })
        .then(function (html) { if (html !== null) preview.innerHTML = html; })
        .catch(function () { /* keep the last preview */ });
    }
    field.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(render, 300);
    });
    render();
  });
})();
