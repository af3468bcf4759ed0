/*
 * Tanya PTSP web live chat. Embed on any page with one tag:
 *
 *   <script src="https://GATEWAY/widget.js" async></script>
 *
 * Optional attributes on that tag: data-title, data-subtitle, data-open="true".
 * No build step and no dependencies: plain ES2017 that current browsers run.
 * The wire format is described in bot/channels/web.py.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  if (!script || window.__tanyaIzin) return;
  window.__tanyaIzin = true;

  var ORIGIN = new URL(script.src, location.href).origin;
  var STORAGE_KEY = "tanya-izin-session";
  var OPEN_KEY = "tanya-izin-open";
  var maxChars = 2000; // the gateway's max_message_chars, sent in the session event
  var TYPING_TIMEOUT_MS = 20000;
  var AGENT_TYPING_TIMEOUT_MS = 6000; // the console repeats it every few seconds of typing
  var TYPING_REPORT_MS = 3000; // how often the applicant's typing is told to the agent
  var MAX_BACKOFF_MS = 30000;
  // The texts, filled in by the gateway from its message catalogue (bot/channels/web_widget.py).
  var T = /*TEXTS*/{};
  var STARTERS = T.starters || [];

  var config = {
    title: script.dataset.title || "Tanya PTSP",
    subtitle: script.dataset.subtitle || T.subtitle,
    open: script.dataset.open === "true",
  };

  var state = {
    socket: null,
    connected: false,
    backoff: 1000,
    seen: {}, // message ids already shown, so a resend or history never doubles
    outbox: [], // messages typed while offline, sent on reconnect
    typingTimer: null,
    agent: null, // the first name of the agent holding the conversation, if one does
    typingReportedAt: 0,
  };

  // A catalogue text with its {title} filled in.
  function say(key) {
    return (T[key] || "").split("{title}").join(config.title);
  }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === "text") node.textContent = attrs[key];
      else if (key.indexOf("data-") === 0 || key.indexOf("aria-") === 0 || key === "role") {
        node.setAttribute(key, attrs[key]);
      } else node[key] = attrs[key];
    });
    (children || []).forEach(function (child) { node.appendChild(child); });
    return node;
  }

  function loadStyle() {
    var link = el("link", { rel: "stylesheet", href: ORIGIN + "/widget.css" });
    document.head.appendChild(link);
  }

  /* ---- layout ---------------------------------------------------------- */

  var ui = {};

  function build() {
    ui.launcher = el("button", {
      type: "button", className: "tanya-launcher", "data-tanya": "launcher",
      "aria-label": say("open"), text: "💬 " + config.title,
    });
    ui.status = el("div", { className: "tanya-status", "data-tanya": "status", role: "status" });
    ui.messages = el("div", {
      className: "tanya-messages", "data-tanya": "messages", role: "log", "aria-live": "polite",
    });
    ui.typingLabel = el("span", { className: "tanya-typing-label", "data-tanya": "typing-label" });
    ui.typing = el("div", {
      className: "tanya-typing", "data-tanya": "typing", hidden: true,
      "aria-label": say("typing"),
    }, [dot(), dot(), dot(), ui.typingLabel]);
    ui.quick = el("div", { className: "tanya-quick", "data-tanya": "quick-replies" });
    ui.input = el("textarea", {
      className: "tanya-input", "data-tanya": "input", rows: 1, maxLength: maxChars,
      placeholder: say("placeholder"), "aria-label": say("input"),
    });
    ui.send = el("button", {
      type: "submit", className: "tanya-send", "data-tanya": "send", text: say("send"),
    });
    ui.form = el("form", { className: "tanya-form" }, [ui.input, ui.send]);
    var close = el("button", {
      type: "button", className: "tanya-close", "data-tanya": "close",
      "aria-label": say("close"), text: "×",
    });
    var header = el("div", { className: "tanya-header" }, [
      el("div", {}, [
        el("div", { className: "tanya-title", text: config.title }),
        ui.subtitle = el("div", {
          className: "tanya-subtitle", "data-tanya": "subtitle", text: config.subtitle,
        }),
      ]),
      close,
    ]);
    ui.panel = el("section", {
      className: "tanya-panel", "data-tanya": "panel", hidden: true,
      "aria-label": say("panel"),
    }, [header, ui.status, ui.messages, ui.typing, ui.quick, ui.form]);
    var root = el("div", { className: "tanya-root", "data-tanya": "root" }, [ui.panel, ui.launcher]);
    document.body.appendChild(root);

    ui.launcher.addEventListener("click", function () { setOpen(true); });
    close.addEventListener("click", function () { setOpen(false); });
    ui.form.addEventListener("submit", function (event) {
      event.preventDefault();
      submitTyped();
    });
    ui.input.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.shiftKey) {
        event.preventDefault();
        submitTyped();
      }
    });
  }

  function setOpen(open) {
    try { sessionStorage.setItem(OPEN_KEY, open ? "1" : ""); } catch (error) { /* private mode */ }
    ui.panel.hidden = !open;
    ui.launcher.hidden = open;
    document.documentElement.classList.toggle("tanya-open", open);
    if (open) {
      connect();
      ui.input.focus();
      scrollToEnd();
    }
  }

  /* ---- rendering ------------------------------------------------------- */

  var LINK = /(https?:\/\/[^\s]+)/g;

  function richText(text) {
    // Text only: links become anchors, everything else stays text (no HTML injection).
    var fragment = document.createDocumentFragment();
    String(text).split(LINK).forEach(function (part, index) {
      if (index % 2 === 1) {
        fragment.appendChild(el("a", { href: part, target: "_blank", rel: "noopener", text: part }));
      } else if (part) {
        fragment.appendChild(document.createTextNode(part));
      }
    });
    return fragment;
  }

  function formatTime(iso) {
    var date = iso ? new Date(iso) : new Date();
    return date.toLocaleTimeString("id-ID", { hour: "2-digit", minute: "2-digit" });
  }

  function addMessage(message) {
    if (message.id != null) {
      if (state.seen[message.id]) return;
      state.seen[message.id] = true;
    }
    var from = message.from || "bot";
    var bubble = el("div", {
      className: "tanya-message tanya-from-" + from, "data-tanya": "message", "data-from": from,
    });
    if (from === "agent") bubble.appendChild(el("div", { className: "tanya-sender", text: say("agent") }));
    var body = el("div", { className: "tanya-text" });
    body.appendChild(richText(message.text || ""));
    bubble.appendChild(body);
    bubble.appendChild(el("time", { className: "tanya-time", text: formatTime(message.at) }));
    ui.messages.appendChild(bubble);
    if (from !== "user") showQuickReplies(message.buttons || []);
    scrollToEnd();
    if (from === "agent") noteAgentReply(message.id);
    offerVerdict(message, from);
  }

  function showQuickReplies(buttons) {
    ui.quick.textContent = "";
    buttons.forEach(function (button) {
      var chip = el("button", {
        type: "button", className: "tanya-chip", "data-tanya": "quick-reply", text: button.title,
      });
      // The title is sent as text: the gateway maps it to the button's payload,
      // and the transcript shows what the user chose in words.
      chip.addEventListener("click", function () { submit(button.title); });
      ui.quick.appendChild(chip);
    });
  }

  function showStarters() {
    addMessage({
      id: "greeting", from: "bot",
      text: say("greeting"),
      buttons: STARTERS.map(function (title) { return { title: title }; }),
    });
  }

  function dot() {
    return el("span", { className: "tanya-dot" });
  }

  // who: "bot" (the dots), "agent" (the dots and words: a person is writing), or false.
  function setTyping(who) {
    clearTimeout(state.typingTimer);
    ui.typing.hidden = !who;
    if (!who) return;
    var words = who === "agent" ? say("agent_typing") : "";
    ui.typing.dataset.from = who;
    ui.typing.setAttribute("aria-label", words || say("typing"));
    ui.typingLabel.textContent = words;
    state.typingTimer = setTimeout(function () {
      ui.typing.hidden = true;
    }, who === "agent" ? AGENT_TYPING_TIMEOUT_MS : TYPING_TIMEOUT_MS);
    scrollToEnd();
  }

  function setStatus(text) {
    ui.status.textContent = text || "";
    ui.status.hidden = !text;
  }

  function scrollToEnd() {
    ui.messages.scrollTop = ui.messages.scrollHeight;
  }

  /* ---- sending --------------------------------------------------------- */

  function clientId() {
    var random = window.crypto && crypto.getRandomValues
      ? Array.prototype.map.call(crypto.getRandomValues(new Uint8Array(9)), function (b) {
        return ("0" + b.toString(16)).slice(-2);
      }).join("")
      : Math.random().toString(16).slice(2);
    return "c" + Date.now().toString(36) + random;
  }

  function submitTyped() {
    var text = ui.input.value.trim();
    if (!text) return;
    ui.input.value = "";
    submit(text);
  }

  function clip(text) {
    // By characters, not UTF-16 units: half an emoji is text the gateway refuses.
    var characters = Array.from(text);
    return characters.length > maxChars ? characters.slice(0, maxChars).join("") : text;
  }

  function submit(text) {
    var message = { type: "message", id: clientId(), text: clip(text) };
    ui.quick.textContent = "";
    addMessage({ id: "local-" + message.id, from: "user", text: message.text });
    state.outbox.push(message);
    flush();
    state.typingReportedAt = 0; // a sent message ends the burst: the next key is news
  }

  function flush() {
    // A message stays in the outbox until the gateway acknowledges it; after a
    // reconnect it is sent again and the gateway drops the copy by its client id.
    if (!state.connected) return;
    state.outbox.forEach(function (message) {
      if (message.sentOn === state.socket) return;
      try {
        state.socket.send(JSON.stringify({ type: "message", id: message.id, text: message.text }));
        message.sentOn = state.socket;
      } catch (error) { /* resent on reconnect */ }
    });
  }

  function acknowledge(id) {
    state.outbox = state.outbox.filter(function (message) { return message.id !== id; });
  }

  /* ---- connection ------------------------------------------------------ */

  function socketUrl() {
    // The session token goes in the first frame, never in the URL (logs keep URLs).
    var url = new URL("/chat/ws", ORIGIN);
    url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
    return url.toString();
  }

  function readToken() {
    try { return localStorage.getItem(STORAGE_KEY); } catch (error) { return null; }
  }

  function saveToken(token) {
    try { localStorage.setItem(STORAGE_KEY, token); } catch (error) { /* private mode */ }
  }

  function connect() {
    if (state.socket) return;
    var socket = new WebSocket(socketUrl());
    state.socket = socket;
    socket.onopen = function () {
      var hello = { type: "hello" };
      var token = readToken();
      if (token) hello.session = token;
      socket.send(JSON.stringify(hello));
      state.connected = true;
      state.backoff = 1000;
      setStatus("");
    };
    socket.onmessage = function (event) {
      var data;
      try { data = JSON.parse(event.data); } catch (error) { return; }
      handle(data);
    };
    socket.onclose = function () {
      state.connected = false;
      state.socket = null;
      setTyping(false);
      setStatus(say("disconnected"));
      setTimeout(connect, state.backoff);
      state.backoff = Math.min(state.backoff * 2, MAX_BACKOFF_MS);
    };
  }

  function handle(event) {
    if (event.type === "session") {
      saveToken(event.token);
      if (event.max_chars > 0) {
        maxChars = event.max_chars;
        ui.input.maxLength = maxChars;
      }
    } else if (event.type === "history") {
      setAgent(event.agent || null);
      showHistory(event.messages || []);
      flush();
      sendVerdicts();
    } else if (event.type === "message") {
      setTyping(false);
      addMessage(event);
    } else if (event.type === "received") {
      acknowledge(event.id);
    } else if (event.type === "typing") {
      showTyping(event);
    } else if (event.type === "agent") {
      setAgent(event.name || null);
    } else if (event.type === "error") {
      if (event.id) acknowledge(event.id); // refused, not lost: resending cannot help
      addMessage({ from: "system", text: event.text });
    }
  }

  function showHistory(messages) {
    ui.messages.textContent = "";
    state.seen = {};
    if (!messages.length) showStarters();
    messages.forEach(addMessage);
    // Messages still in the outbox were typed offline: keep them visible.
    state.outbox.forEach(function (message) {
      addMessage({ id: "local-" + message.id, from: "user", text: message.text });
    });
  }

  /* ---- read receipts: the agent's console shows a reply as read ------- */

  var reading = { latest: 0, reported: 0 }; // transcript ids of agents' replies

  function noteAgentReply(id) {
    // Live and history messages carry the transcript's numeric id; local echoes do not.
    if (typeof id === "number" && id > reading.latest) reading.latest = id;
    reportRead();
  }

  function reportRead() {
    // Read means seen: the panel open in a visible tab. One receipt per newer reply.
    if (reading.latest <= reading.reported || !state.connected) return;
    if (ui.panel.hidden || document.visibilityState !== "visible") return;
    try {
      state.socket.send(JSON.stringify({ type: "read", id: reading.latest }));
      reading.reported = reading.latest;
    } catch (error) { /* sent at the next chance */ }
  }

  function watchReading() {
    document.addEventListener("visibilitychange", reportRead);
    ui.launcher.addEventListener("click", reportRead);
  }

  /* ---- presence: who attends the conversation, typing both ways ------- */

  function setAgent(name) {
    // Held by an agent: the header names them. The bot does not answer meanwhile, so
    // its dots never show; the applicant's typing is told to the agent instead.
    state.agent = name;
    setTyping(false);
    ui.subtitle.textContent = name ? say("with_agent").split("{name}").join(name) : config.subtitle;
  }

  function showTyping(event) {
    if (event.from !== "agent") {
      if (!state.agent) setTyping("bot");
    } else if (!event.stopped) {
      setTyping("agent");
    } else if (ui.typing.dataset.from === "agent") {
      setTyping(false); // the agent emptied their reply box
    }
  }

  function reportTyping() {
    // Only a person reads along, and a few seconds apart is enough for "mengetik…".
    if (!state.agent || !state.connected) return;
    if (!ui.input.value.trim()) {
      reportStoppedTyping();
      return;
    }
    var now = Date.now();
    if (now - state.typingReportedAt < TYPING_REPORT_MS) return;
    state.typingReportedAt = now;
    tell({ type: "typing" });
  }

  function reportStoppedTyping() {
    // Emptied without sending: the agent's "mengetik…" goes now, not after its seconds.
    if (!state.typingReportedAt) return; // nothing was told, nothing to take back
    state.typingReportedAt = 0;
    tell({ type: "typing", stopped: true });
  }

  function tell(frame) {
    try { state.socket.send(JSON.stringify(frame)); } catch (error) { /* a hint only */ }
  }

  function watchTyping() {
    ui.input.addEventListener("input", reportTyping);
  }

  /* ---- "Apakah jawaban ini membantu? Ya · Tidak" under the latest answer -- */

  var VERDICTS_KEY = "tanya-izin-verdicts";
  var verdicts = { control: null, outbox: [] };

  function judgedIds() {
    try { return JSON.parse(localStorage.getItem(VERDICTS_KEY) || "[]"); } catch (error) { return []; }
  }

  function rememberJudged(id) {
    var ids = judgedIds().concat([id]).slice(-100);
    try { localStorage.setItem(VERDICTS_KEY, JSON.stringify(ids)); } catch (error) { /* private mode */ }
  }

  function offerVerdict(message, from) {
    // Under the bot's latest answer only: any newer message takes the question away.
    if (verdicts.control) verdicts.control.remove();
    verdicts.control = null;
    // A transcript id (not the greeting or a local echo), no choices offered (those ask
    // back rather than answer), and not judged before: one verdict per answer.
    if (from !== "bot" || typeof message.id !== "number") return;
    if ((message.buttons || []).length || judgedIds().indexOf(message.id) >= 0) return;
    var yes = el("button", {
      type: "button", className: "tanya-verdict-choice", "data-tanya": "verdict-yes",
      text: say("verdict_yes"),
    });
    var no = el("button", {
      type: "button", className: "tanya-verdict-choice", "data-tanya": "verdict-no",
      text: say("verdict_no"),
    });
    var control = el("div", {
      className: "tanya-verdict", "data-tanya": "verdict", role: "group",
      "aria-label": say("verdict_question"),
    }, [
      el("span", { text: say("verdict_question") }),
      yes, el("span", { "aria-hidden": "true", text: "·" }), no,
    ]);
    yes.addEventListener("click", function () { judge(message.id, true, control); });
    no.addEventListener("click", function () { judge(message.id, false, control); });
    ui.messages.appendChild(control);
    verdicts.control = control;
  }

  function judge(id, helpful, control) {
    rememberJudged(id);
    control.textContent = "";
    control.appendChild(el("span", {
      className: "tanya-verdict-thanks", "data-tanya": "verdict-thanks", role: "status",
      text: say("verdict_thanks"),
    }));
    verdicts.outbox.push({ type: "feedback", id: id, helpful: helpful });
    sendVerdicts();
  }

  function sendVerdicts() {
    // Only on an open socket, after its hello (a first frame that is no hello starts a
    // new conversation); a verdict given offline waits for the history event.
    while (verdicts.outbox.length && state.connected) {
      try { state.socket.send(JSON.stringify(verdicts.outbox[0])); } catch (error) { return; }
      verdicts.outbox.shift();
    }
  }

  function start() {
    loadStyle();
    build();
    watchTyping();
    watchReading();
    var wasOpen = false;
    try { wasOpen = sessionStorage.getItem(OPEN_KEY) === "1"; } catch (error) { /* private mode */ }
    if (config.open || wasOpen) setOpen(true);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
