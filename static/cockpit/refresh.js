// The admin overview refreshes its live part in place every 30 s (the page
// works without this file: a <noscript> meta refresh reloads it instead).
// A file of its own, no inline script: the admin is served with CSP script-src 'self'.
(function () {
  "use strict";
  var live = document.getElementById("cockpit-live");
  if (!live || !window.fetch) return;
  var every = 1000 * (parseInt(live.getAttribute("data-every"), 10) || 30);

  function refresh() {
    if (document.hidden) return;
    fetch(live.getAttribute("data-refresh"), {
      credentials: "same-origin", headers: { "X-Requested-With": "refresh" }
    })
      .then(function (r) { return r.ok && !r.redirected ? r.text() : null; })
      .then(function (html) { if (html) live.innerHTML = html; })
      .catch(function () { /* offline or restarting: try again next time */ });
  }

  var timer = setInterval(refresh, every);
  document.addEventListener("visibilitychange", function () {
    clearInterval(timer);
    if (!document.hidden) { refresh(); timer = setInterval(refresh, every); }
  });
})();
