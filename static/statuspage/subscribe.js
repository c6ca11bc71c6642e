// The Subscribe button opens the subscribe form in a dialog. Without this
// file (or without <dialog>) the button is a link to /subscribe, where the
// same form works; the form always posts to /subscribe as a normal page load.
(function () {
  "use strict";
  var link = document.querySelector("a[data-subscribe]");
  if (!link || typeof HTMLDialogElement !== "function") return;
  var dialog = null;

  function build() {
    dialog = document.createElement("dialog");
    dialog.className = "subscribe-dialog";
    dialog.setAttribute("aria-labelledby", "subscribe-title");
    var head = document.createElement("header");
    var title = document.createElement("h2");
    title.id = "subscribe-title";
    title.textContent = link.textContent;
    var close = document.createElement("button");
    close.type = "button";
    close.className = "close";
    close.textContent = "×";
    close.setAttribute("aria-label", link.getAttribute("data-close") || "Close");
    close.addEventListener("click", function () { dialog.close(); });
    head.appendChild(title);
    head.appendChild(close);
    dialog.appendChild(head);
    var body = document.createElement("div");
    body.className = "dialog-body";
    dialog.appendChild(body);
    // A click on the backdrop (outside the box) closes it too.
    dialog.addEventListener("click", function (event) { if (event.target === dialog) dialog.close(); });
    document.body.appendChild(dialog);
  }

  link.addEventListener("click", function (event) {
    if (event.ctrlKey || event.metaKey || event.shiftKey) return;  // a new tab: the page
    event.preventDefault();
    fetch(link.href + "?part=form", { credentials: "same-origin" })
      .then(function (r) { if (!r.ok) throw new Error(String(r.status)); return r.text(); })
      .then(function (html) {
        if (!dialog) build();
        var form = new DOMParser().parseFromString(html, "text/html").querySelector("form");
        var body = dialog.querySelector(".dialog-body");
        body.replaceChildren(document.importNode(form, true));
        dialog.showModal();
        var first = body.querySelector("input[type=email]");
        if (first) first.focus();
      })
      .catch(function () { location.href = link.href; });  // offline or refused: the page
  });
})();
