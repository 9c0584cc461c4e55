// Live updates: one EventSource on /admin/events; each `change` refreshes the htmx fragments
// that listen for "fleet-changed" and the alarm badge in the header. A few lines, no extension.
(function () {
  var source = new EventSource("/admin/events");
  source.addEventListener("change", function (message) {
    var snapshot = JSON.parse(message.data);
    var badge = document.getElementById("open-alarms");
    if (badge) {
      badge.textContent = snapshot.open_alarms;
      badge.classList.toggle("none", snapshot.open_alarms === 0);
    }
    document.body.dataset.liveVersion = snapshot.version;
    htmx.trigger(document.body, "fleet-changed");
  });
  window.addEventListener("beforeunload", function () { source.close(); });
})();
