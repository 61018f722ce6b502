// Polls the order's state until the payment is confirmed, then shows the order.
(function () {
  "use strict";
  var section = document.getElementById("order-state");
  if (!section || !window.fetch) { return; }
  var deadline = Date.now() + 5 * 60 * 1000;
  function poll() {
    fetch(section.dataset.statusUrl, { headers: { Accept: "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (state) {
        if (state.paid || state.payment_state !== "unpaid" || state.status !== "awaiting_payment" || state.problem) {
          window.location.reload();
        } else if (Date.now() < deadline) {
          setTimeout(poll, 1500);
        }
      })
      .catch(function () { if (Date.now() < deadline) { setTimeout(poll, 3000); } });
  }
  setTimeout(poll, 1000);
})();
