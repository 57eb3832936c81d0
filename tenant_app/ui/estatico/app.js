// The UI's own script (served from this origin; the CSP allows no inline code).
// Progressive: every form and link works without it.
(function () {
  "use strict";

  // A submitted form's buttons are disabled until the page changes: a double
  // click sends one request. (Money forms also carry an Idempotency-Key, so a
  // second request that slips through is applied once by the API.)
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || event.defaultPrevented) return;
    if (form.dataset.enviado === "1") { event.preventDefault(); return; }
    form.dataset.enviado = "1";
    form.querySelectorAll("button[type=submit], button:not([type])").forEach(function (b) {
      b.setAttribute("aria-busy", "true");
    });
  });
  // Back/forward cache restores a page as it was: let its forms submit again.
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[data-enviado]").forEach(function (f) {
      delete f.dataset.enviado;
      f.querySelectorAll("[aria-busy]").forEach(function (b) { b.removeAttribute("aria-busy"); });
    });
  });

  // Forms that ask for confirmation: <form data-confirmar="Texto?">.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var texto = form instanceof HTMLFormElement ? form.dataset.confirmar : null;
    if (texto && !window.confirm(texto)) {
      event.preventDefault();
      event.stopImmediatePropagation();
      delete form.dataset.enviado;
    }
  }, true);
})();
