// "Copy" beside a new API key (templates/admin/statuspage/apikey/created.html):
// a file of its own, as the Content-Security-Policy allows no inline script.
document.getElementById("copy-key").addEventListener("click", function () {
  var field = document.getElementById("raw-key");
  field.select();
  var done = function () { document.getElementById("copied").hidden = false; };
  if (navigator.clipboard) {
    navigator.clipboard.writeText(field.value).then(done, function () { document.execCommand("copy"); done(); });
  } else { document.execCommand("copy"); done(); }
});
