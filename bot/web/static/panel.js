// draftbot meeting page: live updates by polling the page's own /live endpoint, and countdowns.
// Served by draftbot itself (no CDN); the page is complete without it.
(function () {
  "use strict";
  var live = document.getElementById("live");
  if (!live) { return; }
  var status = document.getElementById("live-status");
  var url = live.getAttribute("data-url");
  var EVERY = 1000;

  function pad(n) { return n < 10 ? "0" + n : String(n); }

  function left(seconds) {
    var days = Math.floor(seconds / 86400), rest = seconds % 86400;
    var hours = Math.floor(rest / 3600); rest %= 3600;
    var minutes = Math.floor(rest / 60), secs = rest % 60;
    var parts = days ? [days + " d"] : [];
    if (days || hours) { parts.push(hours + " h"); }
    parts.push(parts.length ? pad(minutes) + " min" : minutes + " min " + pad(secs) + " s");
    return parts.join(" ");
  }

  function countdown() {
    var now = Date.now();
    var nodes = live.querySelectorAll("[data-deadline]");
    for (var i = 0; i < nodes.length; i++) {
      var seconds = Math.floor((Date.parse(nodes[i].getAttribute("data-deadline")) - now) / 1000);
      nodes[i].textContent = seconds > 0
        ? live.getAttribute("data-remaining").replace("{left}", left(seconds))
        : live.getAttribute("data-elapsed");
    }
  }

  function connected(ok) {
    if (!status) { return; }
    status.hidden = false;
    status.className = ok ? "" : "lost";
    status.textContent = status.getAttribute(ok ? "data-ok" : "data-lost");
  }

  function poll() {
    var stamp = live.getAttribute("data-stamp") || "";
    fetch(url + "?v=" + encodeURIComponent(stamp), {
      credentials: "same-origin", cache: "no-store", headers: { "Accept": "application/json" }
    }).then(function (response) {
      if (response.status === 204) { return null; }
      if (response.status === 401 || response.status === 403 || response.status === 404) {
        window.location.reload();  // the page then says why (signed out, removed, ...)
        return null;
      }
      if (!response.ok) { throw new Error("HTTP " + response.status); }
      return response.json();
    }).then(function (data) {
      connected(true);
      if (data && typeof data.html === "string") {
        live.innerHTML = data.html;  // server-rendered with every text escaped
        live.setAttribute("data-stamp", data.v);
        live.setAttribute("data-updated", String(Date.now()));
        countdown();
      }
    }).catch(function () {
      connected(false);
    }).then(function () {
      window.setTimeout(poll, EVERY);
    });
  }

  connected(true);
  countdown();
  window.setInterval(countdown, 1000);
  window.setTimeout(poll, EVERY);
})();
