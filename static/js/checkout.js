// The checkout form: as the buyer chooses a delivery method or types the address,
// each option's price and time and the order's total follow (asked from the shop,
// which knows the zones and the rate table). Without this script the same prices
// are shown for the address last sent, and exactly on the review page.
(function () {
  "use strict";
  var form = document.querySelector("form[data-prices-url]");
  if (!form || !window.fetch) { return; }
  var totals = document.getElementById("summary-totals");
  var timer = null;
  var latest = 0;

  function value(name) {
    var field = form.elements[name];
    if (!field) { return ""; }
    if (field instanceof RadioNodeList) { return field.value || ""; }
    return field.value || "";
  }

  function refresh() {
    var asked = ++latest;
    var query = new URLSearchParams({
      delivery_method: value("delivery_method"),
      province: value("province"),
      city: value("city"),
      postal_code: value("postal_code")
    });
    fetch(form.dataset.pricesUrl + "?" + query.toString(), { headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (prices) {
        if (!prices || asked !== latest) { return; }
        Object.keys(prices.options).forEach(function (method) {
          var details = form.querySelector('[data-option="' + method + '"]');
          if (details) { details.innerHTML = prices.options[method].html; }
        });
        if (totals && prices.totals) { totals.innerHTML = prices.totals; }
      })
      .catch(function () { /* the review page prices the order anyway */ });
  }

  function soon() {
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, 250);
  }

  form.addEventListener("change", soon);
  ["city", "postal_code"].forEach(function (name) {
    if (form.elements[name]) { form.elements[name].addEventListener("input", soon); }
  });
})();
