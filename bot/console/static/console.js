/* The console's live parts: queue and transcript updates over /console/ws, and the
 * "Pakai" buttons that put a suggestion into the reply box. Pages work without it. */
(function () {
  "use strict";

  var backoff = 1000;
  var statusLabel = document.querySelector("[data-console=live-status]");

  function connect() {
    var url = new URL("/console/ws", location.href);
    url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
    var socket = new WebSocket(url);
    socket.onopen = function () {
      backoff = 1000;
      if (statusLabel) statusLabel.textContent = "";
    };
    socket.onmessage = function (event) {
      var data;
      try { data = JSON.parse(event.data); } catch (error) { return; }
      if (data.type === "queue") refreshQueue();
      if (data.type === "message") addLine(data.conversation_id, data.message);
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
      badge.textContent = message.intent + " · " + Math.round((message.confidence || 0) * 100) + "%";
      meta.appendChild(badge);
    }
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

  var transcript = document.querySelector("[data-console=transcript]");
  if (transcript) transcript.scrollTop = transcript.scrollHeight;
  connect();
})();
