/* Live discussion: makes a room or thread page live. Progressive enhancement: the page works without it.
 *
 * One websocket per page follows every [data-live-stream] element. Each stream event carries a
 * per-stream sequence number; we keep the last one applied, ignore repeats, and on reconnect (with
 * exponential backoff and jitter) ask the server for everything after it, so nothing is lost or shown
 * twice. Event data holds HTML fragments rendered by the server, applied with a few DOM operations.
 * A fragment is the same for every viewer of one kind and language; what is personal is set here
 * (personalise): the author's own controls, other people's (flag, "new"), the CSRF token, own reactions.
 */
(function () {
  "use strict";

  var gettext = window.gettext || function (s) { return s; };
  var ngettext = window.ngettext || function (s, p, n) { return n === 1 ? s : p; };
  var interpolate = window.interpolate || function (fmt, args, named) {
    if (named) { return fmt.replace(/%\((\w+)\)s/g, function (_m, k) { return String(args[k]); }); }
    var i = 0;
    return fmt.replace(/%s/g, function () { return String(args[i++]); });
  };

  var BACKOFF_BASE = 1000;
  var BACKOFF_MAX = 30000;
  var PING_EVERY = 25000;
  var TYPING_EVERY = 2500;
  var TYPING_SHOWN = 5000;
  var ANNOUNCE_EVERY = 4000;

  var streams = {};            // key -> {el, last, canPost}
  var socket = null;
  var attempt = 0;
  var reconnectTimer = null;
  var pingTimer = null;
  var stopped = false;
  var pending = {};            // ref -> form waiting for the server's ack
  var refCounter = 0;
  var userId = null;

  function $(root, selector) { return root.querySelector(selector); }

  function target(stream, name) {
    return $(stream.el, '[data-live-target="' + name + '"]');
  }

  function fragment(html) {
    var template = document.createElement("template");
    template.innerHTML = html;
    return template.content;
  }

  // PERSONAL BITS: the server sends one fragment to every viewer of a kind ----

  function csrfToken() {
    var field = document.querySelector("input[name='csrfmiddlewaretoken']:not([value=''])");
    if (field) { return field.value; }
    var cookie = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return cookie ? decodeURIComponent(cookie[1]) : "";
  }

  function keptFor(template, me) {
    if (!me) { return false; }
    var own = template.getAttribute("data-live-own");
    return own !== null ? own === me : template.getAttribute("data-live-other") !== me;
  }

  function personalise(content, op, existing, author) {
    var me = userId || "";
    var template;
    // <template data-live-own="author id"> holds the author's controls, data-live-other everyone else's.
    while ((template = content.querySelector("template[data-live-own], template[data-live-other]"))) {
      if (keptFor(template, me)) { template.replaceWith(template.content); } else { template.remove(); }
    }
    var token = null;
    content.querySelectorAll("input[name='csrfmiddlewaretoken']").forEach(function (input) {
      if (!input.value) { input.value = token === null ? (token = csrfToken()) : token; }
    });
    var element = op.id ? content.getElementById(op.id) : null;
    if (element && op["new"] && me && String(author) !== me) { element.classList.add("post--new"); }
    if (existing) {
      // My reactions, as the page showed them: the fragment shows every reaction as not mine.
      existing.querySelectorAll("button[data-mine][aria-pressed='true']").forEach(function (mine) {
        var key = mine.getAttribute("data-mine");
        content.querySelectorAll("[data-mine='" + key + "']").forEach(function (el) {
          el.setAttribute("aria-pressed", "true");
          el.name = "remove";  // the button sends remove=<kind> (forums.postlist)
        });
      });
    }
    return content;
  }

  // DOM OPERATIONS ----

  function applyOp(stream, op, author) {
    var existing = op.id ? document.getElementById(op.id) : null;
    var content = personalise(fragment(op.html || ""), op, existing, author);
    if (op.op === "append") {
      var list = target(stream, op.target);
      if (!list) { return; }
      var empty = $(list, "[data-live-empty]");
      if (empty) { empty.remove(); }
      if (existing) { existing.replaceWith(content); } else { list.appendChild(content); }
    } else if (op.op === "prepend") {
      var top = target(stream, op.target);
      if (!top) { return; }
      if (existing) { existing.replaceWith(content); } else { top.insertBefore(content, top.firstChild); }
    } else if (op.op === "replace") {
      if (existing) { existing.replaceWith(content); }
    } else if (op.op === "remove") {
      if (existing) { existing.remove(); }
    } else if (op.op === "fill") {
      var box = target(stream, op.target);
      if (box) { box.replaceChildren(content); }
    }
  }

  function localiseTimes(root) {
    root.querySelectorAll("time[data-live-time]").forEach(function (el) {
      var when = new Date(el.getAttribute("datetime"));
      if (!isNaN(when.getTime())) {
        el.textContent = when.toLocaleTimeString(document.documentElement.lang || undefined, { hour: "2-digit", minute: "2-digit" });
      }
    });
  }

  // ANNOUNCEMENTS: batched, so a busy room does not drown a screen reader ----

  var announceQueue = [];
  var announceTimer = null;
  var lastAnnounced = 0;

  function announcer() { return document.querySelector("[data-live-announcer]"); }

  function announcementsWanted() {
    var toggle = document.querySelector("[data-live-announce-toggle]");
    return !toggle || toggle.checked;
  }

  function announce(text) {
    if (!text || !announcer() || !announcementsWanted()) { return; }
    announceQueue.push(text);
    if (announceTimer) { return; }
    var wait = Math.max(0, lastAnnounced + ANNOUNCE_EVERY - Date.now());
    announceTimer = setTimeout(flushAnnouncements, wait);
  }

  function flushAnnouncements() {
    announceTimer = null;
    if (!announceQueue.length) { return; }
    var text = announceQueue.length === 1 ? announceQueue[0] :
      interpolate(ngettext("%s new update", "%s new updates", announceQueue.length), [announceQueue.length]);
    announceQueue = [];
    lastAnnounced = Date.now();
    var region = announcer();
    region.textContent = "";
    setTimeout(function () { region.textContent = text.length > 200 ? text.slice(0, 200) + "…" : text; }, 50);
  }

  // PRESENCE AND TYPING ----

  function showPresence(stream, frame) {
    var box = $(stream.el, "[data-live-presence]");
    if (!box) { return; }
    box.hidden = false;
    $(box, "[data-live-viewers]").textContent =
      interpolate(ngettext("%s person viewing", "%s people viewing", frame.count), [frame.count]);
    var list = $(box, "[data-live-people]");
    if (list) {
      list.replaceChildren();
      (frame.names || []).forEach(function (name) {
        var item = document.createElement("li");
        var bdi = document.createElement("bdi");
        bdi.textContent = name;
        item.appendChild(bdi);
        list.appendChild(item);
      });
    }
  }

  function showTyping(stream, name) {
    var line = $(stream.el, "[data-live-typing]");
    if (!line) { return; }
    stream.typing = stream.typing || {};
    stream.typing[name] = Date.now() + TYPING_SHOWN;
    renderTyping(stream, line);
    setTimeout(function () { renderTyping(stream, line); }, TYPING_SHOWN + 50);
  }

  function renderTyping(stream, line) {
    var now = Date.now();
    var names = Object.keys(stream.typing).filter(function (n) { return stream.typing[n] > now; });
    line.replaceChildren();
    if (!names.length) { return; }
    var text;
    if (names.length === 1) {
      text = interpolate(gettext("%(name)s is typing…"), { name: names[0] }, true);
    } else if (names.length === 2) {
      text = interpolate(gettext("%(first)s and %(second)s are typing…"), { first: names[0], second: names[1] }, true);
    } else {
      text = gettext("Several people are typing…");
    }
    var bdi = document.createElement("bdi");
    bdi.textContent = text;
    line.appendChild(bdi);
  }

  // CONNECTION STATUS ----

  function status(text) {
    document.querySelectorAll("[data-live-connection]").forEach(function (el) {
      el.textContent = text || "";
      el.hidden = !text;
    });
  }

  // FRAMES FROM THE SERVER ----

  function onEvent(frame) {
    var stream = streams[frame.stream];
    if (!stream || stream.last === null) { return; }
    if (frame.seq <= stream.last) { return; }              // already applied
    if (frame.seq > stream.last + 1) {                       // a gap: ask for what is missing
      send({ type: "subscribe", stream: frame.stream, after: stream.last });
      return;
    }
    var data = frame.data || {};
    var author = data.message ? data.message.author_id : null;
    (data.ops || []).forEach(function (op) { applyOp(stream, op, author); });
    localiseTimes(stream.el);
    stream.last = frame.seq;
    stream.el.setAttribute("data-live-seq", String(frame.seq));
    var mine = data.message && String(data.message.author_id) === userId;
    if (!mine && data.announce) { announce(data.announce); }
    if (data.room) { setComposerEnabled(stream, data.room.open); }
    stream.el.dispatchEvent(new CustomEvent("live:event", { detail: frame }));
  }

  function onFrame(frame) {
    var stream = streams[frame.stream];
    switch (frame.type) {
      case "subscribed":
        if (stream) {
          stream.last = frame.seq;
          stream.canPost = frame.can_post;
          stream.el.setAttribute("data-live-state", "live");
        }
        break;
      case "event":
        onEvent(frame);
        break;
      case "reset":
        if (stream) {
          stream.last = frame.seq;
          notice(stream, gettext("Many updates arrived while you were away."), true);
        }
        break;
      case "presence":
        if (stream) { showPresence(stream, frame); }
        break;
      case "typing":
        if (stream) { showTyping(stream, frame.name); }
        break;
      case "ack":
        settle(frame.ref, null);
        break;
      case "access":
        if (stream) { stream.canPost = frame.can_post; setComposerEnabled(stream, frame.can_post); }
        break;
      case "revoked":
        if (stream) {
          notice(stream, gettext("You no longer have access to this discussion."), false);
          setComposerEnabled(stream, false);
          delete streams[frame.stream];
        }
        break;
      case "error":
        if (frame.ref || frame.stream) { settle(frameRef(frame), frame.message); }
        break;
    }
  }

  function frameRef(frame) {
    if (frame.ref) { return frame.ref; }
    var refs = Object.keys(pending);
    return refs.length ? refs[0] : null;
  }

  function notice(stream, text, offerReload) {
    var box = $(stream.el, "[data-live-connection]");
    if (!box) { return; }
    box.hidden = false;
    box.replaceChildren(document.createTextNode(text + " "));
    if (offerReload) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "button button--small";
      button.textContent = gettext("Reload the page");
      button.addEventListener("click", function () { window.location.reload(); });
      box.appendChild(button);
    }
  }

  // THE SOCKET ----

  function url() {
    var parts = Object.keys(streams).map(function (key) {
      var last = streams[key].last;
      return last === null ? key : key + ":" + last;
    });
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    return scheme + window.location.host + "/ws/live/?streams=" + encodeURIComponent(parts.join(",")) +
      "&lang=" + encodeURIComponent(document.documentElement.lang || "");
  }

  function send(frame) {
    if (socket && socket.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify(frame));
      return true;
    }
    return false;
  }

  function connect() {
    if (stopped || !Object.keys(streams).length) { return; }
    reconnectTimer = null;
    var ws = new WebSocket(url());
    socket = ws;
    ws.addEventListener("open", function () {
      attempt = 0;
      status("");
      clearInterval(pingTimer);
      pingTimer = setInterval(function () { send({ type: "ping" }); }, PING_EVERY);
    });
    ws.addEventListener("message", function (message) {
      var frame;
      try { frame = JSON.parse(message.data); } catch (e) { return; }
      onFrame(frame);
    });
    ws.addEventListener("close", function (event) {
      clearInterval(pingTimer);
      if (socket !== ws) { return; }
      socket = null;
      Object.keys(streams).forEach(function (key) { streams[key].el.setAttribute("data-live-state", "offline"); });
      Object.keys(pending).forEach(function (ref) { settle(ref, gettext("The connection was lost; please send again.")); });
      if (event.code === 4403) {
        stopped = true;
        status(gettext("You no longer have access to this discussion."));
        return;
      }
      if (event.code === 4401) {
        stopped = true;
        status(gettext("Your session has ended or changed. Reload the page to follow the discussion again."));
        return;
      }
      scheduleReconnect();
    });
  }

  function scheduleReconnect() {
    if (reconnectTimer || stopped) { return; }
    // Exponential backoff with full jitter, so that a restarted server is not hit by everyone at once.
    var ceiling = Math.min(BACKOFF_MAX, BACKOFF_BASE * Math.pow(2, attempt));
    var delay = 250 + Math.random() * ceiling;
    attempt += 1;
    if (attempt > 1) { status(gettext("Connection lost. Reconnecting…")); }
    reconnectTimer = setTimeout(connect, delay);
  }

  // COMPOSER (rooms): send over the socket when it is open, else let the form post as usual ----

  function setComposerEnabled(stream, enabled) {
    var form = $(stream.el, "[data-live-composer]");
    if (!form) { return; }
    form.querySelectorAll("textarea, button").forEach(function (el) { el.disabled = !enabled; });
  }

  function formError(form, text) {
    var box = $(form, "[data-live-form-error]");
    if (!box) {
      box = document.createElement("div");
      box.className = "form-errors";
      box.setAttribute("role", "alert");
      box.setAttribute("data-live-form-error", "");
      form.insertBefore(box, form.firstChild);
    }
    box.hidden = !text;
    box.textContent = text || "";
  }

  function settle(ref, error) {
    var form = ref && pending[ref];
    if (!form) { return; }
    delete pending[ref];
    var button = $(form, "button[type=submit]");
    if (button) { button.disabled = false; }
    formError(form, error);
    if (!error) {
      var box = $(form, "textarea");
      box.value = "";
      box.focus();
    }
  }

  function enhanceComposer(key, stream) {
    var form = $(stream.el, "[data-live-composer]");
    if (!form) { return; }
    var box = $(form, "textarea");
    form.addEventListener("submit", function (event) {
      if (!box.value.trim() || stream.last === null) { return; }
      var ref = "m" + (++refCounter);
      if (!send({ type: "post", stream: key, body: box.value, ref: ref })) { return; } // falls back to a POST
      event.preventDefault();
      pending[ref] = form;
      $(form, "button[type=submit]").disabled = true;
    });
    box.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        form.requestSubmit();
      }
    });
  }

  function enhanceTyping(key, stream) {
    var last = 0;
    stream.el.querySelectorAll("textarea[name=\"body\"], textarea[data-live-typing-input]").forEach(function (box) {
      box.addEventListener("input", function () {
        var now = Date.now();
        if (now - last > TYPING_EVERY) { last = now; send({ type: "typing", stream: key }); }
      });
    });
  }

  // START ----

  function start() {
    document.querySelectorAll("[data-live-stream]").forEach(function (el) {
      var key = el.getAttribute("data-live-stream");
      var seq = parseInt(el.getAttribute("data-live-seq"), 10);
      streams[key] = { el: el, last: isNaN(seq) ? null : seq, canPost: false, typing: {} };
      userId = el.getAttribute("data-live-user") || userId;
      enhanceComposer(key, streams[key]);
      enhanceTyping(key, streams[key]);
      localiseTimes(el);
    });
    if (!("WebSocket" in window)) { return; }
    connect();
    document.addEventListener("visibilitychange", function () {
      // Back on a sleeping tab or after the network returned: try at once rather than wait the backoff.
      if (document.visibilityState === "visible" && !socket && reconnectTimer) {
        clearTimeout(reconnectTimer);
        reconnectTimer = null;
        connect();
      }
    });
    window.addEventListener("online", function () {
      if (!socket && reconnectTimer) { clearTimeout(reconnectTimer); reconnectTimer = null; connect(); }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
