// The ecosystem picture: zoom (buttons, Ctrl+wheel, pinch), pan (drag) and a filter by ecosystem. The picture is
// drawn by the server; this only moves its viewBox and hides what the filter leaves out.
(function () {
  "use strict";
  var svg = document.getElementById("network-picture");
  var controls = document.getElementById("network-controls");
  if (!svg || !controls) return;
  controls.hidden = false;
  var full = svg.viewBox.baseVal;
  var home = { x: full.x, y: full.y, width: full.width, height: full.height };
  var view = Object.assign({}, home);

  function show(box) {
    var wanted = Math.max(box.width, box.height * home.width / home.height);
    var width = Math.min(home.width * 2, Math.max(home.width / 12, wanted));
    var height = width * home.height / home.width;
    view = { x: box.x + (box.width - width) / 2, y: box.y + (box.height - height) / 2, width: width, height: height };
    svg.setAttribute("viewBox", [view.x, view.y, view.width, view.height].map(function (v) {
      return Math.round(v * 10) / 10;
    }).join(" "));
    svg.classList.toggle("zoomed", view.width < home.width - 0.5);
  }

  // Zoom by `factor` (< 1 zooms in) around a point of the picture (its centre by default).
  function zoom(factor, cx, cy) {
    if (cx === undefined) { cx = view.x + view.width / 2; cy = view.y + view.height / 2; }
    show({ x: cx - (cx - view.x) * factor, y: cy - (cy - view.y) * factor, width: view.width * factor,
      height: view.height * factor });
  }

  function pointAt(event) {
    var rect = svg.getBoundingClientRect();
    return { x: view.x + (event.clientX - rect.left) / rect.width * view.width,
      y: view.y + (event.clientY - rect.top) / rect.height * view.height };
  }

  document.getElementById("network-zoom-in").addEventListener("click", function () { zoom(1 / 1.5); });
  document.getElementById("network-zoom-out").addEventListener("click", function () { zoom(1.5); });
  document.getElementById("network-reset").addEventListener("click", function () {
    document.getElementById("network-filter").value = "";
    filter("");
  });
  svg.addEventListener("wheel", function (event) {
    if (!event.ctrlKey && !event.metaKey) return; // a plain wheel scrolls the page
    event.preventDefault();
    var at = pointAt(event);
    zoom(event.deltaY > 0 ? 1.2 : 1 / 1.2, at.x, at.y);
  }, { passive: false });

  // Drag to pan; a drag that moved does not also open the node it started on.
  var drag = null;
  var dragged = false;
  svg.addEventListener("pointerdown", function (event) {
    drag = { x: event.clientX, y: event.clientY, view: Object.assign({}, view) };
    dragged = false;
  });
  svg.addEventListener("pointermove", function (event) {
    if (!drag) return;
    var dx = event.clientX - drag.x;
    var dy = event.clientY - drag.y;
    if (!dragged && Math.abs(dx) + Math.abs(dy) < 4) return;
    if (!dragged) { svg.setPointerCapture(event.pointerId); svg.classList.add("panning"); }
    dragged = true;
    var scale = view.width / svg.getBoundingClientRect().width;
    show({ x: drag.view.x - dx * scale, y: drag.view.y - dy * scale, width: view.width, height: view.height });
  });
  function stop() { drag = null; svg.classList.remove("panning"); }
  svg.addEventListener("pointerup", stop);
  svg.addEventListener("pointercancel", stop);
  svg.addEventListener("click", function (event) {
    if (dragged) { event.preventDefault(); dragged = false; }
  }, true);

  // The filter: only the chosen ecosystem's part of the picture, framed.
  function filter(ecosystem) {
    var kept = [];
    svg.querySelectorAll("[data-ecosystems]").forEach(function (element) {
      var inside = !ecosystem || element.getAttribute("data-ecosystems").split(" ").indexOf(ecosystem) >= 0;
      element.classList.toggle("filtered-out", !inside);
      if (inside && element.matches("a.node")) kept.push(element);
    });
    if (!ecosystem || !kept.length) { show(home); return; }
    var left = Infinity, top = Infinity, right = -Infinity, bottom = -Infinity;
    kept.forEach(function (node) {
      var box = node.getBBox();
      left = Math.min(left, box.x); top = Math.min(top, box.y);
      right = Math.max(right, box.x + box.width); bottom = Math.max(bottom, box.y + box.height);
    });
    var margin = 30;
    var width = Math.max(right - left + 2 * margin, home.width * 0.35);
    var height = bottom - top + 2 * margin;
    show({ x: (left + right - width) / 2, y: top - margin, width: width, height: height });
  }
  document.getElementById("network-filter").addEventListener("change", function (event) {
    filter(event.target.value);
  });
})();
