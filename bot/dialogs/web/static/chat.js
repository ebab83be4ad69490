/* The web chat without reloads: forms are posted with fetch and the page's <main> replaced by the answer's;
   pushes (server-sent events, else a long poll) refresh the page when something changed elsewhere (the helpdesk
   took over, handed back, wrote, the documents are ready).  Without this file every form still works: each post
   is answered by the whole page.  A post that cannot reach the server is kept and sent again, unchanged, when the
   network is back: the server knows its one-time number and never saves it twice. */
(function () {
  "use strict";
  var app = function () { return document.getElementById("app"); };
  var pending = null;      // the post waiting for the network: {url, body}
  var lastEvent = 0;
  var source = null;
  var failures = 0;
  var polling = false;
  var generation = 0;      // bumped by every post and refresh: only the newest one's page is shown

  function isChat() { var a = app(); return a && a.classList.contains("chat"); }
  function text(name, fallback) { var a = app(); return (a && a.getAttribute("data-" + name)) || fallback; }

  function banner(message) {
    var el = document.getElementById("offline");
    if (!message) { if (el) { el.remove(); } return; }
    if (!el) { el = document.createElement("div"); el.id = "offline"; el.className = "offline"; document.body.appendChild(el); }
    el.textContent = message;
  }

  function typedNow() { var t = document.getElementById("text"); return t ? t.value : ""; }

  function swap(html, keepTyped) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var fresh = doc.getElementById("app");
    var old = app();
    if (!fresh || !old) { document.open(); document.write(html); document.close(); return; }
    var oldKey = old.getAttribute("data-key");
    var ticked = {};       // the toggles as the person left them (a refresh must not untick them)
    old.querySelectorAll("input[type=checkbox]").forEach(function (box) { ticked[box.name + "=" + box.value] = box.checked; });
    old.replaceWith(fresh);
    if (keepTyped !== null && fresh.getAttribute("data-key") === oldKey) {
      fresh.querySelectorAll("input[type=checkbox]").forEach(function (box) {
        var was = ticked[box.name + "=" + box.value];
        if (was !== undefined) { box.checked = was; }
      });
    }
    if (doc.title) { document.title = doc.title; }
    var seen = parseInt(fresh.getAttribute("data-last-event") || "0", 10);
    if (seen > lastEvent) { lastEvent = seen; }
    if (keepTyped) {
      var box = document.getElementById("text");
      if (box && fresh.getAttribute("data-key") === oldKey) {
        box.value = keepTyped;
      } else {
        note(text("unsent", "Not sent:") + " " + keepTyped, "stale");
      }
    }
    bind();
  }

  function note(message, kind) {
    var notes = document.getElementById("notes");
    if (!notes || !message) { return; }
    var p = document.createElement("p");
    p.className = "note " + (kind || "notice");
    p.textContent = message;
    notes.insertBefore(p, notes.firstChild);
  }

  function send() {
    if (!pending) { return; }
    var job = pending;
    generation += 1;
    document.body.classList.add("busy");
    fetch(job.url, { method: "POST", body: job.body, credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (response) {
        return response.text().then(function (html) { return { response: response, html: html }; });
      })
      .then(function (done) {
        pending = null;
        banner("");
        document.body.classList.remove("busy");
        var path = new URL(done.response.url).pathname;
        if (done.response.redirected && path !== "/chat") { location.assign(done.response.url); return; }
        swap(done.html, null);
        if (location.pathname !== "/chat") { history.replaceState(null, "", "/chat"); }
        var box = document.getElementById("text");
        if (box && document.activeElement === document.body) { box.focus({ preventScroll: true }); }
      })
      .catch(function () {
        document.body.classList.remove("busy");
        banner(text("offline", "No connection: your answer is kept and sent again when the network is back."));
        setTimeout(send, 4000);
      });
  }

  function onSubmit(event) {
    var form = event.target;
    var action = new URL(form.action, location.href).pathname;
    if (["/chat", "/help", "/code"].indexOf(action) < 0) { return; }
    event.preventDefault();
    if (pending) { return; }   // one answer at a time; the one waiting goes first
    var body = new FormData(form);
    var submitter = event.submitter;
    if (submitter && submitter.name) { body.set(submitter.name, submitter.value); }
    pending = { url: form.action, body: body };
    send();
  }

  function refresh() {
    if (!isChat() || pending) { return; }
    var typed = typedNow();
    var mine = ++generation;
    fetch("/chat", { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (r) { return r.ok && new URL(r.url).pathname === "/chat" ? r.text() : null; })
      .then(function (html) {
        // a post or a newer refresh since: this page is older than the one shown (or about to be)
        if (html && mine === generation && !pending) { swap(html, typed); }
      })
      .catch(function () { /* the next push or visibility change tries again */ });
  }

  function handle(data) {
    if (data.id && data.id > lastEvent) { lastEvent = data.id; }
    if (data.text) { note("🔔 " + data.text, "notice"); }
    refresh();
  }

  function listen() {
    if (!isChat() || polling) { return; }
    if (source) { return; }
    if (!window.EventSource) { poll(); return; }
    source = new EventSource("/events?after=" + lastEvent);
    source.addEventListener("update", function (e) {
      failures = 0;
      try { handle(JSON.parse(e.data)); } catch (err) { /* ignore a malformed event */ }
    });
    source.onopen = function () { failures = 0; };
    source.onerror = function () {
      failures += 1;
      if (failures >= 3) { source.close(); source = null; poll(); }
    };
  }

  function poll() {
    if (polling) { return; }
    polling = true;
    (function next() {
      fetch("/poll?after=" + lastEvent, { credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (body) {
          (body.events || []).forEach(handle);
          if (body.last > lastEvent) { lastEvent = body.last; }
          next();
        })
        .catch(function () { setTimeout(next, 3000); });
    })();
  }

  function bind() {
    var a = app();
    if (!a) { return; }
    var seen = parseInt(a.getAttribute("data-last-event") || "0", 10);
    if (seen > lastEvent) { lastEvent = seen; }
  }

  document.addEventListener("submit", onSubmit);
  window.addEventListener("online", function () { if (pending) { send(); } });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState !== "visible") { return; }
    if (pending) { send(); return; }
    refresh();
    if (source && source.readyState === 2) { source = null; }
    listen();
  });
  bind();
  listen();
})();
