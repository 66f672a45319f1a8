// Draws every Plotly figure embedded as data-figure (also in htmx-swapped fragments) and sends
// the session's CSRF token with every htmx request.
(function () {
  "use strict";
  function draw(root) {
    if (typeof Plotly === "undefined") { return; }
    root.querySelectorAll(".chart[data-figure]").forEach(function (el) {
      if (el.dataset.drawn) { return; }
      var fig = JSON.parse(el.dataset.figure);
      var layout = Object.assign({ margin: { t: 40, l: 50, r: 10, b: 40 }, height: 320 }, fig.layout);
      Plotly.newPlot(el, fig.data, layout, { displaylogo: false, responsive: true })
        .then(function () { el.dataset.drawn = "1"; });
    });
  }
  window.addEventListener("load", function () { draw(document); });
  document.addEventListener("htmx:afterSwap", function (e) { draw(e.target); });
  document.addEventListener("htmx:configRequest", function (e) {
    var meta = document.querySelector("meta[name=csrf-token]");
    if (meta && meta.content) { e.detail.headers["X-CSRF-Token"] = meta.content; }
  });
})();
