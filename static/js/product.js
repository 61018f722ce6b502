// The product page without reloads: choosing a variant shows its price, stock,
// SKU and photo and puts it in the URL; thumbnails swap the gallery's photo and
// the zoom button enlarges it. Without this script every control still works
// by following links and submitting the form.
(function () {
  "use strict";
  var form = document.getElementById("buy-form");
  var main = document.getElementById("main-photo");
  var thumbs = Array.prototype.slice.call(document.querySelectorAll(".thumbs a[data-photo]"));

  function showPhoto(link) {
    if (!main || !link) { return; }
    main.src = link.dataset.src;
    main.srcset = link.dataset.srcset;
    main.width = Number(link.dataset.width);
    main.height = Number(link.dataset.height);
    main.alt = link.dataset.alt;
    main.dataset.zoomSrc = link.dataset.zoomSrc;
    thumbs.forEach(function (other) {
      if (other === link) { other.setAttribute("aria-current", "true"); }
      else { other.removeAttribute("aria-current"); }
    });
  }

  thumbs.forEach(function (link) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      showPhoto(link);
    });
  });

  var dialog = document.getElementById("zoom");
  var zoomButton = document.querySelector("[data-zoom]");
  if (dialog && zoomButton && main && typeof dialog.showModal === "function") {
    var large = null;  // made on first use: an <img> without a source counts as a broken image
    var openZoom = function () {
      if (!large) {
        large = document.createElement("img");
        // Inside the dialog a tap doubles the photo; the frame scrolls to pan.
        large.addEventListener("click", function () { large.classList.toggle("magnified"); });
        dialog.querySelector(".zoom-frame").appendChild(large);
      }
      large.src = main.dataset.zoomSrc;
      large.alt = main.alt;
      large.width = main.width;
      large.height = main.height;
      large.classList.remove("magnified");
      dialog.showModal();
    };
    zoomButton.hidden = false;
    zoomButton.addEventListener("click", openZoom);
    main.addEventListener("click", openZoom);
    main.classList.add("zoomable");
    dialog.addEventListener("click", function (event) {
      if (event.target === dialog) { dialog.close(); }
    });
  }

  if (!form) { return; }
  var price = document.getElementById("price");
  var mirror = form.querySelector("[data-price-mirror]");
  var stock = document.getElementById("stock");
  var stockText = document.getElementById("stock-text");
  var sku = document.getElementById("sku");
  var quantity = document.getElementById("quantity");
  var showVersion = form.querySelector(".show-version");
  if (showVersion) { showVersion.hidden = true; }

  function choose(radio) {
    var data = radio.dataset;
    if (price) { price.textContent = data.price; }
    if (mirror) { mirror.textContent = data.price; }
    if (stockText) { stockText.textContent = data.stock; }
    if (stock) { stock.className = "stock " + data.stockClass; }
    if (sku) { sku.textContent = data.sku; }
    if (quantity && data.max) {
      quantity.max = data.max;
      if (Number(quantity.value) > Number(data.max)) { quantity.value = data.max; }
    }
    if (data.photo !== undefined) { showPhoto(thumbs[Number(data.photo)]); }
    var url = new URL(window.location.href);
    url.searchParams.set("variant", radio.value);
    url.searchParams.delete("photo");
    window.history.replaceState(null, "", url.pathname + url.search + url.hash);
  }

  form.addEventListener("change", function (event) {
    if (event.target.name === "variant_id") { choose(event.target); }
  });
})();
