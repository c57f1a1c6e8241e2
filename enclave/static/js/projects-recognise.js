// Recognition page: show each party's share as a percentage and the running total while typing.
(function () {
  "use strict";
  var inputs = Array.prototype.slice.call(document.querySelectorAll("input.share-bp"));
  if (!inputs.length) { return; }
  var total = document.getElementById("share-total");
  var totalPercent = document.getElementById("share-total-percent");

  function percent(bp) {
    // Basis points to a percentage string using integer arithmetic (no float rounding surprises).
    var whole = Math.trunc(bp / 100), part = Math.abs(bp % 100);
    var text = String(whole) + (part ? "." + String(part).padStart(2, "0").replace(/0$/, "") : "");
    return (bp < 0 && whole === 0 ? "-" : "") + text + "%";
  }

  function update() {
    var sum = 0, valid = true;
    inputs.forEach(function (input) {
      var value = input.value.trim();
      var output = document.querySelector('output.share-percent[for="' + input.id + '"]');
      if (/^\d+$/.test(value)) {
        var bp = parseInt(value, 10);
        sum += bp;
        if (output) { output.textContent = percent(bp); }
      } else {
        valid = false;
        if (output) { output.textContent = ""; }
      }
    });
    total.textContent = valid ? String(sum) : "—";
    totalPercent.textContent = valid ? percent(sum) : "";
    var wrong = !valid || sum !== 10000;
    total.classList.toggle("share-wrong", wrong);
    totalPercent.classList.toggle("share-wrong", wrong);
  }

  inputs.forEach(function (input) { input.addEventListener("input", update); });
  update();
})();
