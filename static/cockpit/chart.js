// Hover and focus on a chart point show its figures beside the chart (the
// SVG's <title> already gives a tooltip; this makes it readable at a glance).
(function () {
  "use strict";
  document.querySelectorAll("figure.span").forEach(function (figure) {
    var out = document.createElement("output");
    out.className = "readout";
    figure.appendChild(out);
    figure.addEventListener("mouseover", function (event) {
      var title = event.target.querySelector && event.target.querySelector("title");
      if (title) out.textContent = title.textContent;
    });
  });
})();
