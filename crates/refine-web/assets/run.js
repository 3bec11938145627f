// The run page's clocks tick in the browser between page loads; the journal on the server is
// what counts, and the page reloads when another view (a terminal, another browser) adds to it.
(function () {
  "use strict";
  function text(seconds) {
    var s = Math.abs(seconds), m = Math.floor(s / 60), r = s % 60;
    return (seconds < 0 ? "-" : "") + m + ":" + (r < 10 ? "0" : "") + r;
  }
  var left = document.getElementById("left");
  var label = document.getElementById("left-label");
  var elapsed = document.getElementById("elapsed");
  var leftLabel = label ? label.textContent : "";
  function show() {
    if (elapsed) { elapsed.textContent = text(Number(elapsed.dataset.seconds)); }
    if (left) {
      var n = Number(left.dataset.seconds);
      if (left.dataset.timed === "1" && n < 0) {
        left.textContent = "OVER by " + text(-n);
        left.parentNode.classList.add("over");
        if (label) { label.textContent = ""; }
      } else {
        left.textContent = text(n);
        if (label) { label.textContent = leftLabel; }
      }
    }
  }
  show();
  setInterval(function () {
    if (elapsed && elapsed.dataset.running === "1") { elapsed.dataset.seconds = Number(elapsed.dataset.seconds) + 1; }
    if (left && left.dataset.running === "1") { left.dataset.seconds = Number(left.dataset.seconds) - 1; }
    show();
  }, 1000);
  var run = document.querySelector(".run");
  if (run && window.fetch) {
    setInterval(function () {
      var typing = document.activeElement && /INPUT|TEXTAREA|SELECT/.test(document.activeElement.tagName) && document.activeElement.value;
      if (typing) { return; }
      fetch(run.dataset.state, { credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (s) { if (String(s.version) !== run.dataset.version) { location.replace(location.pathname); } })
        .catch(function () {});
    }, 5000);
  }
})();
