// Polls a board report's publishing status while a worker publishes it; opens the published report when
// it is ready, or reloads the draft to show why publishing failed. No inline script: the URL comes from a
// data attribute (the pattern of import-status.js).
(function () {
  "use strict";
  var box = document.getElementById("publish-status");
  if (!box || box.getAttribute("data-finished") === "true") return;
  var url = box.getAttribute("data-status-url");
  function set(name, value) {
    var el = box.querySelector('[data-field="' + name + '"]');
    if (el) el.textContent = value;
  }
  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data) return setTimeout(poll, 5000);
        set("label", data.label);
        if (!data.finished) return setTimeout(poll, 2000);
        if (data.published && data.published_url) { window.location.assign(data.published_url); }
        else { window.location.reload(); }
      })
      .catch(function () { setTimeout(poll, 5000); });
  }
  setTimeout(poll, 1500);
})();
