// Mounts Stripe's Payment Element: card data goes from Stripe's iframe to Stripe only.
(function () {
  "use strict";
  var form = document.getElementById("payment-form");
  if (!form) { return; }
  var container = document.getElementById("payment-element");
  var button = document.getElementById("pay-button");
  var message = document.getElementById("payment-message");
  function unavailable() { container.textContent = container.dataset.unavailable; }
  if (typeof Stripe === "undefined") { unavailable(); return; }
  var stripe = Stripe(form.dataset.publishableKey);
  var elements = stripe.elements({ clientSecret: form.dataset.clientSecret });
  var paymentElement = elements.create("payment");
  var timer = setTimeout(unavailable, 15000);
  paymentElement.on("ready", function () { clearTimeout(timer); button.disabled = false; });
  container.innerHTML = "";
  paymentElement.mount(container);
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    button.disabled = true;
    stripe.confirmPayment({ elements: elements, confirmParams: { return_url: form.dataset.returnUrl } })
      .then(function (result) {
        if (result.error) { message.textContent = result.error.message; button.disabled = false; }
      });
  });
})();
