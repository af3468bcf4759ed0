/* The console's live parts: queue and transcript updates over /console/ws, the
 * "Pakai" buttons that put a suggestion into the reply box, and the workspace of a
 * shift (queue alerts, preview, Ctrl+Enter, delivery marks). Pages work without it. */
(function () {
  "use strict";

  var backoff = 1000;
  var statusLabel = document.querySelector("[data-console=live-status]");

  function connect() {
    var url = new URL("/console/ws", location.href);
    url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
    var socket = new WebSocket(url);
    presence.socket = socket;
    socket.onopen = function () {
      backoff = 1000;
      if (statusLabel) statusLabel.textContent = "";
    };
    socket.onmessage = function (event) {
      var data;
      try { data = JSON.parse(event.data); } catch (error) { return; }
      if (data.type === "queue") { refreshQueue(); checkWaiting(); }
      if (data.type === "message") {
        addLine(data.conversation_id, data.message);
        if (data.message.from === "user") hideApplicantTyping(data.conversation_id);
      }
      if (data.type === "applicant") showApplicant(data);
    };
    socket.onclose = function (event) {
      if (event.code === 4401) { // the session ended: signed out, deactivated or expired
        location.assign("/console/login?pesan=masuk-dulu");
        return;
      }
      if (statusLabel) statusLabel.textContent = "(koneksi langsung terputus, menyambung ulang…)";
      setTimeout(connect, backoff);
      backoff = Math.min(backoff * 2, 30000);
    };
  }

  function refreshQueue() {
    var holder = document.querySelector("[data-console=queue]");
    if (!holder) return;
    fetch("/console/queue", { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) { if (html !== null) holder.innerHTML = html; });
  }

  var SENDERS = { user: "Pengguna", bot: "Bot", agent: "Petugas", system: "Sistem" };

  function addLine(conversationId, message) {
    var transcript = document.querySelector("[data-console=transcript]");
    if (!transcript || transcript.dataset.conversation !== conversationId) return;
    // A line may come twice: stored, then again with the NLU's reading; keep the newer.
    var known = transcript.querySelector('[data-console=line][data-id="' + message.id + '"]');
    var item = document.createElement("li");
    item.className = "line line-" + message.from;
    item.dataset.console = "line";
    item.dataset.id = message.id;
    item.dataset.from = message.from;
    var meta = document.createElement("div");
    meta.className = "line-meta";
    var who = document.createElement("strong");
    who.textContent = SENDERS[message.from] || message.from;
    var time = document.createElement("time");
    time.textContent = message.time || "";
    meta.appendChild(who);
    meta.appendChild(time);
    if (message.direction === "in" && message.intent) {
      var badge = document.createElement("span");
      badge.className = "badge";
      badge.dataset.console = "intent";
      badge.dataset.intent = message.intent;
      badge.textContent = (message.intent_label || message.intent) + " · " + Math.round((message.confidence || 0) * 100) + "%";
      meta.appendChild(badge);
    }
    var mark = deliveryMark(message, known);
    if (mark) meta.appendChild(mark);
    var text = document.createElement("div");
    text.className = "line-text";
    text.textContent = message.text;
    item.appendChild(meta);
    item.appendChild(text);
    if (known) {
      known.replaceWith(item);
    } else {
      transcript.appendChild(item);
      transcript.scrollTop = transcript.scrollHeight;
    }
    if (message.direction === "in") refreshPanel();
  }

  var panelTimer = null;

  function refreshPanel() {
    // The NLU's reading of a user message is stored a moment after the message
    // itself, so load once soon and once more a little later.
    clearTimeout(panelTimer);
    panelTimer = setTimeout(loadPanel, 400);
    setTimeout(loadPanel, 2000);
  }

  function loadPanel() {
    var holder = document.querySelector("[data-console=live-panel]");
    if (!holder) return;
    fetch(holder.dataset.source, { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) { if (html !== null) holder.innerHTML = html; });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-console=use-suggestion]");
    if (!button) return;
    var reply = document.querySelector("[data-console=reply]");
    var text = button.parentElement.querySelector("[data-console=suggestion-text]");
    if (!reply || !text) return;
    reply.value = text.textContent;
    reply.focus();
  });

  document.addEventListener("input", function (event) {
    if (!event.target.matches("[data-console=canned-search]")) return;
    var wanted = event.target.value.trim().toLowerCase();
    document.querySelectorAll("[data-console=canned-item]").forEach(function (item) {
      item.hidden = wanted !== "" && item.textContent.toLowerCase().indexOf(wanted) === -1;
    });
  });

  /* ---- the workspace: queue alerts, preview, sending and delivery ------ */

  // A new conversation in the queue: a sound, the count in the tab title and, if the
  // agent opted in, a desktop notification. Known ids tell an arrival from one already
  // waiting; the first answer only learns them (no alert for the queue as it was).
  var waiting = { known: null, busy: false, again: false };
  var baseTitle = document.title.replace(/^\(\d+\) /, "");

  function checkWaiting() {
    if (waiting.busy) { waiting.again = true; return; }
    waiting.busy = true;
    fetch("/console/queue/waiting", { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) { if (data) takeWaiting(data.waiting || []); })
      .catch(function () { /* signed out or offline: the socket's close handles it */ })
      .then(function () {
        waiting.busy = false;
        if (waiting.again) { waiting.again = false; checkWaiting(); }
      });
  }

  function takeWaiting(items) {
    document.title = (items.length ? "(" + items.length + ") " : "") + baseTitle;
    var arrived = waiting.known === null ? [] : items.filter(function (item) { return !waiting.known[item.id]; });
    waiting.known = {};
    items.forEach(function (item) { waiting.known[item.id] = true; });
    if (!arrived.length) return;
    ring();
    notifyDesktop(arrived);
  }

  var sound = { context: null, rung: 0 };

  function audioContext() {
    var Context = window.AudioContext || window.webkitAudioContext;
    if (!sound.context && Context) sound.context = new Context();
    return sound.context;
  }

  function ring() {
    // What rang, and whether it could be heard, is kept on <body> (data-alerts-rung,
    // data-alert-sound): a page-visible record for staff tools and tests.
    sound.rung += 1;
    document.body.dataset.alertsRung = String(sound.rung);
    var context = audioContext();
    if (!context || context.state !== "running") {
      document.body.dataset.alertSound = "blocked";
      showSoundHint(true);
      return;
    }
    // Two short rising tones, made here: no sound file to load or cache.
    [660, 880].forEach(function (pitch, index) {
      var start = context.currentTime + index * 0.18;
      var tone = context.createOscillator();
      var gain = context.createGain();
      tone.frequency.value = pitch;
      gain.gain.setValueAtTime(0.0001, start);
      gain.gain.exponentialRampToValueAtTime(0.3, start + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + 0.16);
      tone.connect(gain);
      gain.connect(context.destination);
      tone.start(start);
      tone.stop(start + 0.17);
    });
    document.body.dataset.alertSound = "played";
  }

  function showSoundHint(show) {
    var hint = document.querySelector("[data-console=sound-hint]");
    if (hint) hint.hidden = !show;
  }

  function watchSoundPermission() {
    // Browsers keep a page silent until it is clicked or typed in: say so on the queue
    // page, and let the first click or key wake the sound.
    var context = audioContext();
    if (!context) return;
    showSoundHint(context.state !== "running");
    var wake = function () {
      context.resume().then(function () { showSoundHint(false); }).catch(function () {});
    };
    document.addEventListener("pointerdown", wake, { once: true });
    document.addEventListener("keydown", wake, { once: true });
  }

  var NOTIFY_KEY = "tanya-console-notify"; // "off": the agent switched them off here

  function notificationsWanted() {
    return "Notification" in window && Notification.permission === "granted" &&
      localStorage.getItem(NOTIFY_KEY) !== "off";
  }

  function notifyDesktop(items) {
    if (!notificationsWanted()) return;
    // Channel and reason only: a notification shows on screen, to anyone nearby.
    var body = items.length === 1
      ? items[0].channel + " · " + items[0].reason
      : items.length + " percakapan baru menunggu petugas";
    var note = new Notification("Percakapan baru di antrian", { body: body, tag: "tanya-antrian" });
    note.onclick = function () {
      window.focus();
      if (location.pathname !== "/console") location.assign("/console");
      note.close();
    };
  }

  function setupNotifyOptIn() {
    var button = document.querySelector("[data-console=notify-optin]");
    if (!button || !("Notification" in window)) return;
    button.hidden = false;
    showNotifyChoice(button);
    // Permission is asked only here, on the agent's click, never on load.
    button.addEventListener("click", function () {
      if (button.dataset.on === "1") {
        localStorage.setItem(NOTIFY_KEY, "off");
        showNotifyChoice(button);
        return;
      }
      localStorage.removeItem(NOTIFY_KEY);
      Promise.resolve(Notification.requestPermission()).then(function () { showNotifyChoice(button); });
    });
  }

  function showNotifyChoice(button) {
    var state = document.querySelector("[data-console=notify-state]");
    var blocked = Notification.permission === "denied";
    var on = notificationsWanted();
    button.dataset.on = on ? "1" : "";
    button.textContent = on ? "Matikan notifikasi desktop" : "Aktifkan notifikasi desktop";
    button.disabled = blocked;
    if (state) {
      state.textContent = blocked ? "Notifikasi diblokir; izinkan di pengaturan situs browser."
        : on ? "Notifikasi desktop aktif." : "";
    }
  }

  // "Pratinjau": a waiting conversation's last lines in a dialog, without claiming it.
  // The link itself opens the conversation page, which does not claim either.
  document.addEventListener("click", function (event) {
    var link = event.target.closest("[data-console=preview]");
    var dialog = document.querySelector("[data-console=preview-dialog]");
    if (!link || !dialog || typeof dialog.showModal !== "function") return;
    event.preventDefault();
    fetch(link.dataset.source, { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (html === null) { location.assign(link.href); return; }
        dialog.innerHTML = html;
        if (!dialog.open) dialog.showModal();
        var lines = dialog.querySelector("[data-console=transcript]");
        if (lines) lines.scrollTop = lines.scrollHeight;
      });
  });

  document.addEventListener("close", function (event) {
    // Emptied, so that its transcript no longer takes live lines.
    if (event.target.matches && event.target.matches("[data-console=preview-dialog]")) {
      event.target.textContent = "";
    }
  }, true);

  // Ctrl+Enter (⌘+Enter on a Mac) sends; Enter alone makes a new line.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || !(event.ctrlKey || event.metaKey)) return;
    if (!event.target.matches("[data-console=reply]")) return;
    event.preventDefault();
    event.target.form.requestSubmit();
  });

  // The reply is sent without leaving the page: the line appears at once as
  // "mengirim…" and moves on ("terkirim", "diterima", "dibaca") with the socket's events.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches("[data-console=reply-form]")) return;
    event.preventDefault();
    sendReply(form);
  });

  function sendReply(form) {
    var box = form.querySelector("[data-console=reply]");
    var button = form.querySelector("[data-console=send]");
    var status = form.querySelector("[data-console=reply-state]");
    if (button.disabled) return; // one send at a time: no double reply
    button.disabled = true;
    status.textContent = "Mengirim…";
    fetch(form.action, {
      method: "POST", body: new FormData(form), credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        var isJson = (response.headers.get("Content-Type") || "").indexOf("application/json") === 0;
        if (response.ok && isJson) return response.json();
        // A notice page (the conversation is no longer yours, the reply was empty) or an error.
        if (response.ok && response.redirected) location.assign(response.url);
        else status.textContent = "Balasan belum terkirim (kode " + response.status + "). Muat ulang halaman lalu coba lagi.";
        return null;
      })
      .then(function (data) {
        if (!data) return;
        box.value = "";
        presence.typedAt = 0; // the reply ends the burst: the next keystroke is news
        status.textContent = "";
        addLine(data.conversation_id, data.line);
      })
      .catch(function () {
        status.textContent = "Balasan belum terkirim: koneksi terputus. Coba lagi.";
      })
      .then(function () {
        button.disabled = false;
        box.focus();
      });
  }

  // How far an agent's reply got; a line never moves back (a late "terkirim" event after
  // "dibaca"). A failure outranks sending, not a confirmed delivery (permits/outbox.py).
  var DELIVERY_RANK = { queued: 0, sent: 1, failed: 2, delivered: 3, read: 4 };
  var DELIVERY_LABELS = {
    queued: "mengirim…", sent: "terkirim", delivered: "diterima", read: "dibaca", failed: "gagal terkirim",
  };

  function deliveryMark(message, known) {
    if (message.from !== "agent" || !message.delivery) return null;
    var step = message.delivery;
    var before = known && known.querySelector("[data-console=delivery]");
    if (before && DELIVERY_RANK[before.dataset.status] > DELIVERY_RANK[step]) step = before.dataset.status;
    var mark = document.createElement("span");
    mark.className = "delivery delivery-" + step;
    mark.dataset.console = "delivery";
    mark.dataset.status = step;
    mark.textContent = DELIVERY_LABELS[step] || step;
    return mark;
  }

  /* ---- presence: the web-chat applicant typing, leaving, coming back; the agent's
   * typing told to the applicant's window (bot/console/presence.py) ---------------- */

  var presence = { socket: null, timer: null, left: false, typedAt: 0 };
  var APPLICANT_STATES = {
    typing: "Pemohon sedang mengetik…",
    left: "Pemohon meninggalkan percakapan: jendela chat ditutup.",
    back: "Pemohon kembali ke percakapan.",
  };
  var APPLICANT_SHOWN_MS = { typing: 6000, back: 8000 }; // "left" stays until they return
  var AGENT_TYPING_EVERY_MS = 2500;

  function showApplicant(data) {
    var label = document.querySelector("[data-console=applicant-presence]");
    var shown = document.querySelector("[data-console=transcript]");
    if (!label || !shown || shown.dataset.conversation !== data.conversation_id) return;
    if (data.state === "idle") { // they emptied the box: only "mengetik…" goes
      hideApplicantTyping(data.conversation_id);
      return;
    }
    if (data.state === "back" && !presence.left) return; // a reload, not a return
    presence.left = data.state === "left";
    clearTimeout(presence.timer);
    label.textContent = APPLICANT_STATES[data.state] || "";
    label.dataset.state = data.state;
    label.hidden = !label.textContent;
    var lasts = APPLICANT_SHOWN_MS[data.state];
    if (lasts) presence.timer = setTimeout(function () { label.hidden = true; }, lasts);
  }

  function hideApplicantTyping(conversationId) {
    var label = document.querySelector("[data-console=applicant-presence]");
    var shown = document.querySelector("[data-console=transcript]");
    if (!label || !shown || shown.dataset.conversation !== conversationId) return;
    if (label.dataset.state !== "typing") return;
    clearTimeout(presence.timer);
    label.hidden = true;
  }

  function reportAgentTyping(event) {
    if (!event.target.matches("[data-console=reply]")) return;
    // Emptied without sending: the applicant's "Petugas sedang mengetik" goes now.
    var stopped = !event.target.value.trim();
    if (stopped && !presence.typedAt) return; // nothing was told, nothing to take back
    var shown = document.querySelector("[data-console=transcript]");
    var socket = presence.socket;
    if (!shown || !socket || socket.readyState !== WebSocket.OPEN) return;
    var frame = { type: "typing", conversation_id: shown.dataset.conversation };
    var now = Date.now();
    if (stopped) {
      frame.stopped = true;
      presence.typedAt = 0;
    } else if (now - presence.typedAt < AGENT_TYPING_EVERY_MS) {
      return;
    } else {
      presence.typedAt = now;
    }
    socket.send(JSON.stringify(frame));
  }

  document.addEventListener("input", reportAgentTyping);

  var transcript = document.querySelector("[data-console=transcript]");
  if (transcript) transcript.scrollTop = transcript.scrollHeight;
  watchSoundPermission();
  setupNotifyOptIn();
  checkWaiting();
  connect();
})();
