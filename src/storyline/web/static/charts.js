// Progressive enhancement: draw each chart whose Vega-Lite spec the page embeds as JSON. Without JavaScript
// (or if drawing fails) the table beside the chart still carries every number.
(function () {
  "use strict";
  function draw() {
    if (typeof vegaEmbed !== "function") return;
    document.querySelectorAll("script.vl-spec").forEach(function (node) {
      var target = document.getElementById(node.dataset.target);
      if (!target) return;
      var spec;
      try { spec = JSON.parse(node.textContent); } catch (e) { return; }
      if (!spec.data || !spec.data.values || spec.data.values.length === 0) return;
      vegaEmbed(target, spec, { actions: false, renderer: "svg" }).then(function () {
        target.classList.add("drawn");
      }).catch(function (err) { target.textContent = ""; console.warn("chart not drawn:", err); });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
