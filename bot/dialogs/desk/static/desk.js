/* The desk without reloads: the queue and a session's page listen to the desk's pushed events (server-sent events,
   else a long poll of the queue's) and refresh themselves; a session's page also asks now and then whether the
   session changed (the person answering) and refreshes when it did.  A page refreshes only while the staff member
   is not typing in it.  Requests made here carry X-Desk-Refresh, so they do not keep a sign-in alive. */
(function () {
  "use strict";
  var source = null;
  var timer = null;
  var waiting = false;

  function main() { return document.getElementById("desk"); }

  function typing() {
    var fields = document.querySelectorAll("#desk input[type=text], #desk input:not([type]), #desk input[type=search], #desk textarea");
    for (var i = 0; i < fields.length; i++) {
      if (fields[i].value !== fields[i].defaultValue) { return true; }
    }
    var active = document.activeElement;
    return !!active && active.closest && !!active.closest("#desk") && /^(INPUT|TEXTAREA|SELECT)$/.test(active.tagName);
  }

  function refresh() {
    if (typing()) { waiting = true; return; }
    waiting = false;
    fetch(location.href, { credentials: "same-origin", headers: { "X-Desk-Refresh": "1" } })
      .then(function (r) {
        if (new URL(r.url).pathname !== location.pathname) { location.assign(r.url); return null; }
        return r.ok ? r.text() : null;
      })
      .then(function (html) {
        if (!html) { return; }
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("desk");
        var old = main();
        if (typing()) { waiting = true; return; }   // typing began while the page was asked for: keep it
        if (fresh && old) {
          var open = Array.prototype.map.call(old.querySelectorAll("details[open]"), function (d) { return d.className; });
          old.replaceWith(fresh);
          open.forEach(function (name) { var d = fresh.querySelector("details." + name); if (d) { d.open = true; } });
        }
      })
      .catch(function () { /* the next push or check tries again */ });
  }

  function listen() {
    var m = main();
    if (!m || source || !m.getAttribute("data-stream")) { return; }
    if (!window.EventSource) { return; }
    // from the last event the page was rendered with: nothing older is replayed
    source = new EventSource(m.getAttribute("data-stream") + "?after=" + (m.getAttribute("data-last-event") || "0"));
    source.addEventListener("update", refresh);
  }

  function check() {
    var m = main();
    if (!m || document.visibilityState !== "visible") { return; }
    if (waiting) { refresh(); return; }
    var stamp = m.getAttribute("data-stamp");
    if (stamp) {
      fetch(stamp, { credentials: "same-origin", headers: { "X-Desk-Refresh": "1" } })
        .then(function (r) { return r.ok && new URL(r.url).pathname === stamp ? r.json() : null; })
        .then(function (body) {
          if (body && String(body.version) !== m.getAttribute("data-version")) { refresh(); }
        })
        .catch(function () { /* try again at the next check */ });
    } else if (m.getAttribute("data-every")) {
      refresh();
    }
  }

  function start() {
    var m = main();
    if (!m) { return; }
    var url = m.getAttribute("data-url");
    if (url && location.pathname !== url) { history.replaceState(null, "", url); }
    listen();
    var every = parseInt(m.getAttribute("data-every") || "4", 10) * 1000;
    timer = setInterval(check, every);
  }

  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") { check(); }
  });
  window.addEventListener("pagehide", function () { if (source) { source.close(); } if (timer) { clearInterval(timer); } });
  start();
})();
