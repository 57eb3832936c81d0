"""Assembleias: month calendar, scheduling, the lance window, apuração (result, verification hash), closing.

Also the grupo's assembly rules (the sorteio clause and lance rules), which an
apuração needs first.
"""

from __future__ import annotations

import calendar
import uuid
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath

from tenant_app.ui.api import Api, ErroApi
from tenant_app.ui.formatos import percentual_do_formulario, reais_do_formulario
from tenant_app.ui.formularios import campos, ir_para, nova_chave, opcional
from tenant_app.ui.paginas import pagina
from tenant_app.ui.telas.documentos import TAMANHO_MAXIMO, enviar_ata, titulo_da_ata
from tenant_app.users.guards import requires
from tenant_app.users.roles import Permission

METODOS = (
    ("centena_final", "Centena final (1º ao 5º prêmio)"),
    ("centena", "Centena intercalada"),
    ("finais", "Finais do 1º prêmio"),
)
LANCE_PAGA = (
    ("fundo_comum", "Só o fundo comum das parcelas (taxa e fundo de reserva seguem nas demais)"),
    ("parcela_integral", "Parcelas inteiras (fundo comum, taxa, fundo de reserva e seguro)"),
)
NOMES_MES = (
    "janeiro", "fevereiro", "março", "abril", "maio", "junho",
    "julho", "agosto", "setembro", "outubro", "novembro", "dezembro",
)  # fmt: skip


def semanas_do_mes(ano: int, mes: int) -> list[list[date]]:
    """The month's weeks (Sunday first, as Brazilian calendars), with the neighbour months' days. Pure."""
    return calendar.Calendar(firstweekday=6).monthdatescalendar(ano, mes)


def _mes(texto: str, hoje: date) -> tuple[int, int]:
    try:
        ano, mes = (int(x) for x in texto.split("-", 1))
        if 1900 <= ano <= 2199 and 1 <= mes <= 12:
            return ano, mes
    except ValueError:
        pass
    return hoje.year, hoje.month


def _desloca(ano: int, mes: int, delta: int) -> str:
    indice = ano * 12 + mes - 1 + delta
    return f"{indice // 12:04d}-{indice % 12 + 1:02d}"


def _corte_iso(texto: str, fuso: ZoneInfo) -> str:
    """``datetime-local`` input (no offset) as ISO 8601 in the tenant's zone; unreadable text unchanged."""
    try:
        return datetime.fromisoformat(texto).replace(tzinfo=fuso).isoformat()
    except ValueError:
        return texto


class AssembleiasController(Controller):
    """``/app/assembleias`` and ``/app/grupos/{id}/regras``."""

    path = "/"
    guards = [requires(Permission.ASSEMBLEIAS_READ)]  # noqa: RUF012

    @get("/assembleias", name="ui:assembleias")
    async def calendario(self, request: Request[Any, Any, Any]) -> Response[str]:
        """Every grupo's assembleias in a month grid (and as a list)."""
        fuso = ZoneInfo(request.app.state.settings.time_zone)
        hoje = datetime.now(fuso).date()
        ano, mes = _mes(request.query_params.get("mes", ""), hoje)
        api = Api(request)
        grupos = (await api.get("/api/grupos", limit=200))["items"]
        eventos: dict[str, list[dict[str, Any]]] = {}
        lista: list[dict[str, Any]] = []
        for g in grupos:
            for a in await api.get(f"/api/grupos/{g['id']}/assembleias"):
                item = {**a, "grupo_codigo": g["codigo"]}
                if a["data_assembleia"][:7] == f"{ano:04d}-{mes:02d}":
                    eventos.setdefault(a["data_assembleia"], []).append(item)
                    lista.append(item)
        lista.sort(key=lambda a: (a["data_assembleia"], a["grupo_codigo"]))
        return pagina(
            request,
            "assembleias/calendario.html",
            titulo="Assembleias",
            semanas=semanas_do_mes(ano, mes),
            mes=mes,
            nome_mes=f"{NOMES_MES[mes - 1]} de {ano}",
            anterior=_desloca(ano, mes, -1),
            proximo=_desloca(ano, mes, 1),
            hoje=hoje,
            eventos=eventos,
            lista=lista,
            grupos=[g for g in grupos if g["status"] == "em_andamento"],
        )

    @get("/assembleias/nova", name="ui:assembleia-nova", guards=[requires(Permission.ASSEMBLEIAS_WRITE)])
    async def nova(self, request: Request[Any, Any, Any]) -> Response[str]:
        """Scheduling form for one grupo."""
        grupo_id = request.query_params.get("grupo", "")
        api = Api(request)
        grupo = await api.get(f"/api/grupos/{uuid.UUID(grupo_id)}") if grupo_id else None
        proximo = 1
        if grupo:
            existentes = await api.get(f"/api/grupos/{grupo['id']}/assembleias")
            proximo = max((a["numero"] for a in existentes), default=0) + 1
        grupos = (await api.get("/api/grupos", status="em_andamento", limit=200))["items"]
        return pagina(
            request, "assembleias/nova.html", titulo="Agendar assembleia", grupo=grupo, grupos=grupos,
            valores={"numero": str(proximo), "grupo_id": grupo["id"] if grupo else ""}, erro=None, erros={},
        )  # fmt: skip

    @post("/assembleias/nova", name="ui:assembleia-criar", guards=[requires(Permission.ASSEMBLEIAS_WRITE)])
    async def criar(self, request: Request[Any, Any, Any]) -> Response[Any]:
        """Schedule; date and cut-off errors come back next to their fields."""
        v = await campos(request)
        fuso = ZoneInfo(request.app.state.settings.time_zone)
        corpo = {
            "numero": int(v["numero"]) if v.get("numero", "").isdigit() else v.get("numero", ""),
            "data_assembleia": v.get("data_assembleia", ""),
            "corte_lances_em": _corte_iso(v.get("corte_lances_em", ""), fuso),
        }
        api = Api(request)
        try:
            grupo_id = uuid.UUID(v.get("grupo_id", ""))
            criada = await api.post(f"/api/grupos/{grupo_id}/assembleias", corpo)
        except (ErroApi, ValueError) as exc:
            erro = (
                exc
                if isinstance(exc, ErroApi)
                else ErroApi(400, "Escolha o grupo.", erros={"grupo_id": "obrigatório"})
            )
            if erro.status >= 500 or erro.status == 403:
                raise
            grupos = (await api.get("/api/grupos", status="em_andamento", limit=200))["items"]
            return pagina(
                request, "assembleias/nova.html", status=erro.status, titulo="Agendar assembleia", grupo=None,
                grupos=grupos, valores=v, erro=erro.detail, erros=erro.erros,
            )  # fmt: skip
        return ir_para(f"/app/assembleias/{criada['id']}", aviso="assembleia_criada")

    @get("/assembleias/{assembleia_id:uuid}", name="ui:assembleia")
    async def detalhe(
        self, request: Request[Any, Any, Any], assembleia_id: FromPath[uuid.UUID]
    ) -> Response[str]:
        """The assembleia by its stage: lance window, apuração form, result with hash and verification."""
        return await self._tela(request, assembleia_id)

    async def _tela(
        self,
        request: Request[Any, Any, Any],
        assembleia_id: uuid.UUID,
        *,
        status: int = 200,
        erro: ErroApi | None = None,
        valores: dict[str, str] | None = None,
        verificacao: dict[str, Any] | None = None,
        form: str = "",
    ) -> Response[str]:
        api = Api(request)
        a = await api.get(f"/api/assembleias/{assembleia_id}")
        grupo = await api.get(f"/api/grupos/{a['grupo_id']}")
        apuracao = lances = None
        atas: list[dict[str, Any]] = []
        if a["status"] in ("apurada", "encerrada"):
            apuracao = await api.get(f"/api/assembleias/{assembleia_id}/apuracao")
            lances = await api.get(f"/api/assembleias/{assembleia_id}/lances")
            documentos = await api.get(
                "/api/documentos", entidade_tipo="grupo", entidade_id=a["grupo_id"],
                categoria="ata_assembleia", limit=200,
            )  # fmt: skip
            atas = [d for d in documentos["items"] if d["titulo"] == titulo_da_ata(a["numero"])]
        corte = datetime.fromisoformat(a["corte_lances_em"])
        return pagina(
            request,
            "assembleias/detalhe.html",
            status=status,
            titulo=f"Assembleia {a['numero']} — grupo {grupo['codigo']}",
            a=a,
            grupo=grupo,
            apuracao=apuracao,
            lances=lances,
            apos_corte=datetime.now(corte.tzinfo) >= corte,
            chave=(valores or {}).get("chave") or nova_chave(),
            verificacao=verificacao,
            atas=atas,
            form=form,
            erro=erro.detail if erro else None,
            erros=_erros_premios(erro.erros) if erro else {},
            valores=valores or {},
        )

    @post(
        "/assembleias/{assembleia_id:uuid}/abertura-lances",
        name="ui:abrir-lances",
        guards=[requires(Permission.ASSEMBLEIAS_WRITE)],
    )
    async def abrir(
        self, request: Request[Any, Any, Any], assembleia_id: FromPath[uuid.UUID]
    ) -> Response[Any]:
        """Open the lance window."""
        try:
            await Api(request).post(f"/api/assembleias/{assembleia_id}/abertura-lances")
        except ErroApi as erro:
            if erro.status >= 500 or erro.status in (403, 404):
                raise
            return await self._tela(request, assembleia_id, status=erro.status, erro=erro)
        return ir_para(f"/app/assembleias/{assembleia_id}", aviso="lances_abertos")

    @post(
        "/assembleias/{assembleia_id:uuid}/apuracao",
        name="ui:apurar",
        guards=[requires(Permission.ASSEMBLEIAS_WRITE)],
    )
    async def apurar(
        self, request: Request[Any, Any, Any], assembleia_id: FromPath[uuid.UUID]
    ) -> Response[Any]:
        """Run the apuração with the Loteria Federal extraction (Idempotency-Key from the form)."""
        v = await campos(request)
        corpo = {
            "concurso": int(v["concurso"]) if v.get("concurso", "").isdigit() else v.get("concurso", ""),
            "premios": [v.get(f"premio{i}", "") for i in range(1, 6)],
        }
        try:
            await Api(request).post(f"/api/assembleias/{assembleia_id}/apuracao", corpo, chave=v.get("chave"))
        except ErroApi as erro:
            if erro.status >= 500 or erro.status in (403, 404):
                raise
            return await self._tela(request, assembleia_id, status=erro.status, erro=erro, valores=v)
        return ir_para(f"/app/assembleias/{assembleia_id}", aviso="apurada")

    @post(
        "/assembleias/{assembleia_id:uuid}/pagamentos-lance",
        name="ui:lance-pagar",
        guards=[requires(Permission.PAGAMENTOS_WRITE)],
    )
    async def pagar_lance(
        self, request: Request[Any, Any, Any], assembleia_id: FromPath[uuid.UUID]
    ) -> Response[Any]:
        """The winner paid its lance (Idempotency-Key from the form: a double submit pays once)."""
        v = await campos(request)
        numero = v.get("cota_numero", "")
        corpo = {
            "cota_numero": int(numero) if numero.isdigit() else numero,
            "valor": reais_do_formulario(v.get("valor", "")),
        }
        try:
            await Api(request).post(
                f"/api/assembleias/{assembleia_id}/pagamentos-lance", corpo, chave=v.get("chave")
            )
        except ErroApi as erro:
            if erro.status >= 500 or erro.status in (403, 404):
                raise
            return await self._tela(
                request, assembleia_id, status=erro.status, erro=erro, valores=v, form=f"lance-{numero}"
            )
        return ir_para(f"/app/assembleias/{assembleia_id}", aviso="lance_pago")

    @post(
        "/assembleias/{assembleia_id:uuid}/desclassificacoes",
        name="ui:lance-desclassificar",
        guards=[requires(Permission.ASSEMBLEIAS_WRITE)],
    )
    async def desclassificar(
        self, request: Request[Any, Any, Any], assembleia_id: FromPath[uuid.UUID]
    ) -> Response[Any]:
        """The winner did not pay in time: a new revision awards the next bids the money covers."""
        v = await campos(request)
        numero = v.get("cota_numero", "")
        corpo = {"cota_numero": int(numero) if numero.isdigit() else numero}
        try:
            await Api(request).post(
                f"/api/assembleias/{assembleia_id}/desclassificacoes", corpo, chave=v.get("chave")
            )
        except ErroApi as erro:
            if erro.status >= 500 or erro.status in (403, 404):
                raise
            return await self._tela(
                request, assembleia_id, status=erro.status, erro=erro, form=f"lance-{numero}"
            )
        return ir_para(f"/app/assembleias/{assembleia_id}", aviso="lance_desclassificado")

    @post(
        "/assembleias/{assembleia_id:uuid}/ata",
        name="ui:ata-enviar",
        guards=[requires(Permission.CONSORCIADOS_WRITE)],
        request_max_body_size=TAMANHO_MAXIMO,
    )
    async def ata(self, request: Request[Any, Any, Any], assembleia_id: FromPath[uuid.UUID]) -> Response[Any]:
        """The signed ata, kept among the grupo's documents (a new version when one was sent before)."""
        api = Api(request)
        a = await api.get(f"/api/assembleias/{assembleia_id}")
        erro, v = await enviar_ata(request, api, a)
        if erro is not None:
            return await self._tela(
                request, assembleia_id, status=erro.status, erro=erro, valores=v, form="ata"
            )
        return ir_para(f"/app/assembleias/{assembleia_id}", aviso="ata_gerada")

    @get("/assembleias/{assembleia_id:uuid}/verificacao", name="ui:verificar-apuracao")
    async def verificar(
        self, request: Request[Any, Any, Any], assembleia_id: FromPath[uuid.UUID]
    ) -> Response[str]:
        """Re-run the stored inputs and show whether hash and result match the record."""
        resultado = await Api(request).get(f"/api/assembleias/{assembleia_id}/apuracao/verificacao")
        return await self._tela(request, assembleia_id, verificacao=resultado)

    @post(
        "/assembleias/{assembleia_id:uuid}/encerramento",
        name="ui:encerrar-assembleia",
        guards=[requires(Permission.ASSEMBLEIAS_WRITE)],
    )
    async def encerrar(
        self, request: Request[Any, Any, Any], assembleia_id: FromPath[uuid.UUID]
    ) -> Response[Any]:
        """Close the assembleia."""
        try:
            await Api(request).post(f"/api/assembleias/{assembleia_id}/encerramento")
        except ErroApi as erro:
            if erro.status >= 500 or erro.status in (403, 404):
                raise
            return await self._tela(request, assembleia_id, status=erro.status, erro=erro)
        return ir_para(f"/app/assembleias/{assembleia_id}", aviso="encerrada")

    @get("/grupos/{grupo_id:uuid}/regras", name="ui:regras")
    async def regras(self, request: Request[Any, Any, Any], grupo_id: FromPath[uuid.UUID]) -> Response[str]:
        """The grupo's assembly rules (a form while they can still change)."""
        api = Api(request)
        grupo = await api.get(f"/api/grupos/{grupo_id}")
        try:
            atuais = await api.get(f"/api/grupos/{grupo_id}/regras-assembleia")
        except ErroApi as erro:
            if erro.status != 404:
                raise
            atuais = None
        valores = _valores_regras(atuais)
        return pagina(
            request, "assembleias/regras.html", titulo=f"Regras — {grupo['codigo']}", grupo=grupo,
            atuais=atuais, valores=valores, metodos=METODOS, lance_paga=LANCE_PAGA, erro=None, erros={},
        )  # fmt: skip

    @post(
        "/grupos/{grupo_id:uuid}/regras",
        name="ui:regras-salvar",
        guards=[requires(Permission.ASSEMBLEIAS_WRITE)],
    )
    async def salvar_regras(
        self, request: Request[Any, Any, Any], grupo_id: FromPath[uuid.UUID]
    ) -> Response[Any]:
        """PUT the rules; refused parameters are named next to their fields."""
        form = await request.form()
        v = await campos(request)
        api = Api(request)
        try:
            guardadas = await api.get(f"/api/grupos/{grupo_id}/regras-assembleia")
        except ErroApi as erro:
            if erro.status != 404:
                raise
            guardadas = {}
        # PUT replaces every rule: the clauses this form does not show keep their stored values.
        corpo: dict[str, Any] = {k: val for k, val in guardadas.items() if k != "grupo_id"}
        corpo |= {
            "metodo_sorteio": v.get("metodo_sorteio", ""),
            "contemplacoes_sorteio": int(v.get("contemplacoes_sorteio") or 1),
            "tipos_lance": form.getall("tipos_lance") if "tipos_lance" in form else [],
            "lance_minimo_percentual": percentual_do_formulario(v.get("lance_minimo_percentual") or "0"),
            "embutido_maximo_percentual": percentual_do_formulario(
                v.get("embutido_maximo_percentual") or "0"
            ),
            "lance_paga": v.get("lance_paga") or "fundo_comum",
        }
        maximo = opcional(v.get("contemplacoes_lance_maximo"))
        corpo["contemplacoes_lance_maximo"] = int(maximo) if maximo and maximo.isdigit() else maximo
        try:
            await api.put(f"/api/grupos/{grupo_id}/regras-assembleia", corpo)
        except ErroApi as erro:
            if erro.status >= 500 or erro.status in (403, 404):
                raise
            grupo = await api.get(f"/api/grupos/{grupo_id}")
            try:
                atuais = await api.get(f"/api/grupos/{grupo_id}/regras-assembleia")
            except ErroApi:
                atuais = None
            valores: dict[str, Any] = {**v, "tipos_lance": corpo["tipos_lance"]}
            return pagina(
                request, "assembleias/regras.html", status=erro.status, titulo="Regras da assembleia",
                grupo=grupo, atuais=atuais, valores=valores, metodos=METODOS, lance_paga=LANCE_PAGA,
                erro=erro.detail, erros=erro.erros,
            )  # fmt: skip
        return ir_para(f"/app/grupos/{grupo_id}/regras", aviso="regras_salvas")


def _valores_regras(atuais: dict[str, Any] | None) -> dict[str, Any]:
    if not atuais:
        return {"metodo_sorteio": "centena_final", "contemplacoes_sorteio": "1", "tipos_lance": ["livre"]}
    return {
        **{k: str(v) if v is not None else "" for k, v in atuais.items() if k != "tipos_lance"},
        "tipos_lance": atuais.get("tipos_lance") or [],
    }


def _erros_premios(erros: dict[str, str]) -> dict[str, str]:
    """The API names ``premios[0]``..``premios[4]``; the form's fields are ``premio1``..``premio5``. Pure."""
    saida = dict(erros)
    for i in range(5):
        if f"premios[{i}]" in saida:
            saida[f"premio{i + 1}"] = saida.pop(f"premios[{i}]")
    return saida
