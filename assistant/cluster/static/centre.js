// The care centre's open alerts page keeps itself current: every 10 s it asks /centre/api/alerts (with the
// page's own session) and reloads the page when an alert arrived, was taken on or was resolved, unless a form
// field is being typed in. Without this script the page works the same and shows what was true when loaded.
(function () {
  "use strict";
  var list = document.querySelector("ul.alerts[data-state]");
  if (!list) { return; }
  var shown = list.getAttribute("data-state");
  function state(alerts) {
    return alerts.map(function (a) { return a.home + "/" + a.id + ":" + a.status; }).sort().join(",");
  }
  function look() {
    fetch("/centre/api/alerts", {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (body) {
        var typing = document.activeElement && document.activeElement.tagName === "INPUT";
        if (body && state(body.alerts) !== shown && !typing) { window.location.reload(); }
      })
      .catch(function () { /* the centre is restarting: try again next time */ });
  }
  window.setInterval(look, 10000);
}());
