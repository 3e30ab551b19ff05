// Progress of a background roster check, import or print: poll the status URL, reload when done.
(function () {
  "use strict";
  var box = document.querySelector("[data-roster-progress]");
  if (!box) return;
  var bar = box.querySelector("progress");
  var text = box.querySelector("[data-roster-progress-text]");

  function poll() {
    fetch(box.dataset.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (state) {
        if (!state.running) {
          window.location.reload();
          return;
        }
        bar.value = state.percent;
        bar.textContent = state.percent + "%";
        text.textContent = state.queued
          ? "排队中，等待后台处理……"
          : state.label + "……已处理 " + state.done + " 行，约 " + state.total + " 行（" + state.percent + "%）";
        window.setTimeout(poll, 1500);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  poll();
})();
