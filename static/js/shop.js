// Small helps on every page; each page works without them.
(function () {
  "use strict";

  // Messages shown after a form (e.g. "Added to your cart") are in a live region
  // from the start; putting them in again once the page has loaded makes screen
  // readers announce them instead of leaving them to be found.
  var region = document.querySelector("[data-announce]");
  if (region && region.children.length) {
    var messages = Array.prototype.slice.call(region.children);
    messages.forEach(function (message) { region.removeChild(message); });
    window.setTimeout(function () {
      messages.forEach(function (message) { region.appendChild(message); });
    }, 150);
  }

  // The filter form sends only the fields in use, so the URL carries only them
  // (the server tidies the URL of a form sent without this script).
  Array.prototype.forEach.call(document.querySelectorAll("form[data-tidy-url]"), function (form) {
    form.addEventListener("submit", function () {
      Array.prototype.forEach.call(form.elements, function (field) {
        var unused = field.name && !field.value.trim();
        var isDefault = field.dataset.defaultValue !== undefined && field.value === field.dataset.defaultValue;
        if (unused || isDefault) { field.disabled = true; }
      });
      // A form restored from the back/forward cache must be usable again.
      window.setTimeout(function () {
        Array.prototype.forEach.call(form.elements, function (field) { field.disabled = false; });
      }, 0);
    });
  });
})();
