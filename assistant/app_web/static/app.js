// carehub caregiver app: the live inbox over server-sent events, one-tap actions, and "seen" receipts.
// Plain JavaScript for phones a few years old: no modules, no build step. Without it every form still works.
(function () {
  "use strict";
  var meta = document.querySelector('meta[name="csrf"]');
  var csrf = meta ? meta.getAttribute("content") : "";
  var seenSent = {};

  function post(url, body) {
    return fetch(url, {
      method: "POST", credentials: "same-origin", body: body || "",
      headers: {"X-CSRF-Token": csrf, "Accept": "application/json",
                "Content-Type": "application/x-www-form-urlencoded"}
    });
  }

  function markSeen(id) {
    if (!id || seenSent[id] || document.visibilityState !== "visible") { return; }
    seenSent[id] = true;
    post("/app/alerts/" + encodeURIComponent(id) + "/seen");
  }

  function markAllSeen() {
    var rows = document.querySelectorAll(".alert.s-open[data-id]");
    for (var i = 0; i < rows.length; i++) { markSeen(rows[i].getAttribute("data-id")); }
  }

  function placeRow(html) {
    var list = document.getElementById("inbox");
    var holder = document.createElement("ul");
    holder.innerHTML = html;
    var row = holder.firstElementChild;
    if (!list || !row) { return null; }
    var old = document.getElementById(row.id);
    if (old) { old.parentNode.removeChild(old); }
    var rank = row.getAttribute("data-rank");
    var next = null;
    for (var i = 0; i < list.children.length; i++) {
      if (list.children[i].getAttribute("data-rank") > rank) { next = list.children[i]; break; }
    }
    list.insertBefore(row, next);
    var empty = document.getElementById("empty");
    if (empty) { empty.hidden = true; }
    return row;
  }

  // A new open alert read out by screen readers: the row's summary, at once when it is high.
  function announce(row) {
    var urgent = row.classList.contains("p-high");
    var region = document.getElementById(urgent ? "announce-urgent" : "announce");
    var summary = row.querySelector(".row");
    if (!region || !summary) { return; }
    region.textContent = "";
    window.setTimeout(function () { region.textContent = summary.textContent.replace(/\s+/g, " ").trim(); }, 50);
  }

  function connect() {
    if (!window.EventSource || !document.body.hasAttribute("data-live")) { return; }
    var live = document.getElementById("live");
    var offline = document.getElementById("offline");
    var source = new EventSource("/app/stream");
    source.onopen = function () { live.hidden = false; offline.hidden = true; };
    source.onerror = function () { live.hidden = true; offline.hidden = false; };
    source.addEventListener("alert", function (event) {
      var data = JSON.parse(event.data);
      var isNew = !document.getElementById("alert-" + data.id);
      var row = placeRow(data.html);
      if (row && data.status === "open") {
        markSeen(data.id);
        if (isNew) { announce(row); }
      }
    });
  }

  // One tap: the action's form is sent in the background; the live stream shows what changed.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!window.fetch || !form.classList.contains("ack")) { return; }
    event.preventDefault();
    var button = form.querySelector("button");
    if (button) { button.disabled = true; }
    post(form.getAttribute("action"), new URLSearchParams(new FormData(form)).toString()).then(function (r) {
      if (!r.ok) { form.submit(); }
      else if (!document.body.hasAttribute("data-live")) { window.location.reload(); }
    });
  });

  document.addEventListener("visibilitychange", markAllSeen);
  document.addEventListener("DOMContentLoaded", function () { markAllSeen(); connect(); });
})();
