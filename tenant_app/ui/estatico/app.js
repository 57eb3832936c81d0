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

  // Live updates: the notifications stream (SSE) of the logged-in user, announced in a polite live
  // region (screen readers read it; nothing steals the focus).
  var TEXTOS = {
    "pagamento.confirmado": "Pagamento confirmado",
    "relatorio.pronto": "Relatório pronto",
    "assembleia.apurada": "Assembleia apurada",
    "cota.contemplada": "Cota contemplada",
    "cota.aderida": "Nova cota vendida",
    "consorciado.criado": "Consorciado cadastrado",
    "boleto.emitido": "Boleto emitido",
    "documento.gerado": "Documento gerado"
  };
  function anunciar(tipo, dados) {
    var alvo = document.getElementById("ao-vivo");
    if (!alvo) return;
    var item = document.createElement("p");
    item.className = "aviso sucesso evento-ao-vivo";
    var texto = TEXTOS[tipo] || ("Novo evento: " + tipo);
    if (dados && dados.valor) texto += " — R$ " + String(dados.valor).replace(".", ",");
    item.textContent = texto;
    item.dataset.tipo = tipo;
    alvo.prepend(item);
    while (alvo.children.length > 3) alvo.lastElementChild.remove();
  }
  document.addEventListener("DOMContentLoaded", function () {
    var url = document.body.dataset.eventos;
    if (!url || !window.EventSource) return;
    var fonte = new EventSource(url);
    window.consorcioEventos = fonte;
    Object.keys(TEXTOS).forEach(function (tipo) {
      fonte.addEventListener(tipo, function (e) {
        var corpo = {};
        try { corpo = JSON.parse(e.data); } catch (erro) { corpo = {}; }
        anunciar(tipo, corpo.dados || corpo);
      });
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
