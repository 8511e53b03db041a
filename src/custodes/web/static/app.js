// custodes: progressive enhancement only. Every page works without this file.
// Served from the app's own origin, as the Content-Security-Policy requires.
(function () {
  "use strict";

  // Selects marked data-autosubmit submit their form on change (the Show button stays for no-JS).
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });

  // Map tooltips: country name and count next to the pointer or the focused country.
  document.querySelectorAll("figure[data-map]").forEach(function (figure) {
    var tip = figure.querySelector(".map-tip");
    if (!tip) { return; }
    function show(link, x, y) {
      var count = Number(link.getAttribute("data-count") || "0");
      tip.textContent = link.getAttribute("data-name") + ": " +
        (count ? count + (count === 1 ? " deployment" : " deployments") : "none recorded");
      tip.style.left = x + "px";
      tip.style.top = y + "px";
      tip.hidden = false;
    }
    figure.querySelectorAll("a.country").forEach(function (link) {
      link.addEventListener("mousemove", function (event) {
        var box = figure.getBoundingClientRect();
        show(link, event.clientX - box.left, event.clientY - box.top);
      });
      link.addEventListener("focus", function () {
        var box = figure.getBoundingClientRect();
        var shape = link.getBoundingClientRect();
        show(link, shape.left - box.left + shape.width / 2, shape.top - box.top);
      });
      link.addEventListener("mouseleave", function () { tip.hidden = true; });
      link.addEventListener("blur", function () { tip.hidden = true; });
    });
  });
})();
