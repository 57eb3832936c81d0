"""Pure parts of the notifications: Standard Webhooks signatures, SSRF address rules, pt-BR e-mails."""

from __future__ import annotations

import base64
import hashlib
import hmac

import pytest

from tenant_app.notificacoes.email import modelos
from tenant_app.notificacoes.webhooks import assinatura, cifra
from tenant_app.notificacoes.webhooks.ssrf import DestinoProibido, analisar_url, endereco_permitido


def test_assinatura_segue_standard_webhooks_calculada_a_mao() -> None:
    chave = bytes(range(24))
    segredo = "whsec_" + base64.b64encode(chave).decode()
    corpo = b'{"type":"pagamento.confirmado","data":{"valor":"10.00"}}'
    esperado = base64.b64encode(
        hmac.new(chave, b"msg_1.1700000000." + corpo, hashlib.sha256).digest()
    ).decode()
    assert assinatura.assinar(segredo, "msg_1", 1700000000, corpo) == "v1," + esperado
    h = assinatura.cabecalhos([segredo, assinatura.novo_segredo()], "msg_1", 1700000000, corpo)
    assert h["webhook-id"] == "msg_1" and h["webhook-timestamp"] == "1700000000"
    assert h["webhook-signature"].split()[0] == "v1," + esperado and len(h["webhook-signature"].split()) == 2
    assert assinatura.verificar(segredo, h, corpo, 1700000000 + 60)
    assert not assinatura.verificar(segredo, h, corpo + b" ", 1700000000)  # body changed
    assert not assinatura.verificar(segredo, h, corpo, 1700000000 + 3600)  # stale timestamp
    with pytest.raises(ValueError):
        assinatura.assinar("sem-prefixo", "m", 1, b"")


def test_segredo_cifrado_so_abre_com_a_chave() -> None:
    s = assinatura.novo_segredo()
    dado = cifra.cifrar("chave-a", s)
    assert s.encode() not in dado and cifra.decifrar("chave-a", dado) == s
    with pytest.raises(Exception):  # noqa: B017 - cryptography's InvalidTag
        cifra.decifrar("chave-b", dado)


@pytest.mark.parametrize(
    ("ip", "permitido"),
    [
        ("8.8.8.8", True),
        ("2606:4700:4700::1111", True),
        ("127.0.0.1", False),
        ("10.0.0.5", False),
        ("172.16.3.4", False),
        ("192.168.1.1", False),
        ("169.254.169.254", False),
        ("100.64.0.1", False),  # carrier-grade NAT
        ("0.0.0.0", False),
        ("::1", False),
        ("fe80::1", False),
        ("fc00::1", False),
        ("::ffff:127.0.0.1", False),
        ("::ffff:8.8.8.8", True),
        ("224.0.0.1", False),
    ],
)
def test_enderecos_em_producao(ip: str, permitido: bool) -> None:
    assert endereco_permitido(ip, producao=True) is permitido
    assert endereco_permitido(ip, producao=False) is True


def test_url_em_producao() -> None:
    assert analisar_url("https://erp.exemplo.com.br/hooks?x=1", producao=True).caminho == "/hooks?x=1"
    for url in ("http://erp.exemplo.com.br/x", "https://u:p@erp.exemplo.com.br/", "gopher://x", "https://"):
        with pytest.raises(DestinoProibido):
            analisar_url(url, producao=True)
    assert analisar_url("http://127.0.0.1:9000/x", producao=False).porta == 9000


def test_email_em_portugues_com_valores_brasileiros() -> None:
    assert modelos.reais("1234.5") == "R$ 1.234,50" and modelos.reais("-0.01") == "-R$ 0,01"
    assert modelos.data_br("2025-03-05") == "05/03/2025"
    e = modelos.para_evento(
        "parcela.vencendo",
        {
            "parcela_numero": 4,
            "cota_numero": 12,
            "grupo_codigo": "G1",
            "valor": "812.30",
            "vencimento": "2025-03-05",
        },
        administradora="Aurora <Consórcios>",
        nome="Maria",
    )
    assert e is not None
    assert e.assunto == "Sua parcela vence em 05/03/2025 — Aurora <Consórcios>"
    assert "Olá, Maria," in e.texto and "R$ 812,30" in e.texto and "cota 12 do grupo G1" in e.texto
    assert "Aurora &lt;Consórcios&gt;" in e.html  # escaped in HTML
    assert modelos.para_evento("consorciado.criado", {}, administradora="A", nome=None) is None
    m = modelos.montar("Oferta", ["Texto"], administradora="A", nome=None, descadastro_url="https://x/d/1")
    assert "https://x/d/1" in m.texto and 'href="https://x/d/1"' in m.html
