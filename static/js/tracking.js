// Follows one case over the WebSocket route ws/track/<code>/ and updates the
// status in place. Labels come from the page, so they are in the reader's
// language whatever language the change was made in.
(function () {
  "use strict";
  var box = document.getElementById("tracking");
  if (!box) return;
  var code = box.dataset.trackingCode;
  var labels = JSON.parse(document.getElementById("status-labels").textContent);
  var stepOf = JSON.parse(document.getElementById("step-of").textContent);
  var stepKeys = JSON.parse(document.getElementById("step-keys").textContent);
  var statusEl = document.getElementById("status-label");
  var updatedEl = document.getElementById("updated-at");
  var live = document.getElementById("live-indicator");
  var delay = 1000;

  function render(msg) {
    if (msg.version && Number(msg.version) < Number(box.dataset.version || 0)) return;
    box.dataset.version = msg.version || box.dataset.version;
    statusEl.dataset.status = msg.status;
    statusEl.textContent = labels[msg.status] || msg.status_label || msg.status;
    if (msg.updated_at && updatedEl) {
      var d = new Date(msg.updated_at);
      updatedEl.textContent = isNaN(d) ? msg.updated_at : d.toLocaleString();
    }
    var current = stepKeys.indexOf(stepOf[msg.status]);
    var items = document.querySelectorAll("#steps li");
    for (var i = 0; i < items.length; i++) {
      var final = current === -1;
      items[i].className = i === current ? "current" : (final || i < current ? "done" : "");
    }
  }

  function connect() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    var ws = new WebSocket(scheme + location.host + "/ws/track/" + encodeURIComponent(code) + "/");
    ws.onopen = function () {
      delay = 1000;
      live.textContent = live.dataset.on;
      live.classList.add("on");
      box.dataset.live = "1";
    };
    ws.onmessage = function (ev) {
      try { render(JSON.parse(ev.data)); } catch (e) { /* ignore malformed frames */ }
    };
    ws.onclose = function () {
      live.textContent = live.dataset.off;
      live.classList.remove("on");
      box.dataset.live = "0";
      setTimeout(connect, delay);
      delay = Math.min(delay * 2, 30000);
    };
  }
  connect();
})();
