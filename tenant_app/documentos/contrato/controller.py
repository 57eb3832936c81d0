"""``/api/contratos``: the tenant's versioned template and the contrato de adesão of a cota."""

from __future__ import annotations

import uuid

import msgspec
from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody

from consorcio_contract.identifiers.cnpj import is_valid_cnpj, normalize_cnpj
from tenant_app.armazenamento.store import ObjectStore
from tenant_app.documentos.contrato import service
from tenant_app.documentos.contrato.schemas import Clausula, ModeloContratoIn, ModeloContratoOut
from tenant_app.documentos.controller import to_out
from tenant_app.documentos.schemas import DocumentoOut
from tenant_app.documentos.service import obter
from tenant_app.erros import RegraVioladaError
from tenant_app.unit_of_work import UnitOfWork
from tenant_app.users.guards import requires
from tenant_app.users.roles import Permission

READ = [requires(Permission.COTAS_READ)]
GERAR = [requires(Permission.COTAS_WRITE)]
MODELO = [requires(Permission.GRUPOS_WRITE)]


def _modelo_out(m) -> ModeloContratoOut:  # type: ignore[no-untyped-def]
    return ModeloContratoOut(
        id=m.id,
        versao=m.versao,
        administradora_nome=m.administradora_nome,
        administradora_cnpj=m.administradora_cnpj,
        administradora_endereco=m.administradora_endereco,
        autorizacao_bcb=m.autorizacao_bcb,
        foro=m.foro,
        clausulas_adicionais=[Clausula(**c) for c in m.clausulas_adicionais or []],
        criado_em=m.criado_em,
        criado_por=m.criado_por,
    )


class ContratoController(Controller):
    """Contrato de adesão (PDF) from the grupo's contract parameters and the consorciado's data."""

    path = "/api/contratos"
    tags = ["documentos"]  # noqa: RUF012

    @get(
        "/modelos",
        operation_id="listModelosContrato",
        name="contratos:modelos",
        guards=READ,
        summary="Versões do modelo de contrato",
        description="Todas as versões do modelo de contrato do tenant, a mais nova primeiro.",
    )
    async def listar_modelos(self, uow: NamedDependency[UnitOfWork]) -> list[ModeloContratoOut]:
        return [_modelo_out(m) for m in await service.listar_modelos(uow.session)]

    @post(
        "/modelos",
        operation_id="createModeloContrato",
        name="contratos:modelo-novo",
        guards=MODELO,
        summary="Nova versão do modelo de contrato",
        description=(
            "Cria a próxima versão do modelo (dados da administradora, autorização do BCB, foro e cláusulas "
            "adicionais). Versões anteriores não mudam: cada contrato gerado registra a versão usada. "
            "422 com CNPJ inválido."
        ),
        status_code=201,
    )
    async def criar_modelo(
        self, data: JSONBody[ModeloContratoIn], uow: NamedDependency[UnitOfWork]
    ) -> ModeloContratoOut:
        cnpj = normalize_cnpj(data.administradora_cnpj)
        if not is_valid_cnpj(cnpj):
            raise RegraVioladaError("CNPJ inválido.", campo="administradora_cnpj")
        dados = msgspec.structs.asdict(data)
        dados["administradora_cnpj"] = cnpj
        dados["clausulas_adicionais"] = [msgspec.structs.asdict(c) for c in data.clausulas_adicionais]
        return _modelo_out(await service.criar_modelo(uow, dados))

    @post(
        "/cotas/{cota_id:uuid}",
        operation_id="gerarContratoAdesao",
        name="contratos:gerar",
        guards=GERAR,
        summary="Gerar o contrato de adesão da cota (PDF)",
        description=(
            "Gera o contrato de adesão em PDF com os parâmetros do grupo, os dados do consorciado e a "
            "versão atual do modelo, e o guarda como nova versão do documento `contrato_adesao` da cota "
            "(com SHA-256 na trilha de auditoria). Baixe-o por `GET /api/documentos/{id}/download`. 422 "
            "`modelo_contrato_ausente` sem modelo cadastrado; 404 cota inexistente."
        ),
        status_code=201,
    )
    async def gerar(
        self,
        cota_id: FromPath[uuid.UUID],
        uow: NamedDependency[UnitOfWork],
        armazenamento: NamedDependency[ObjectStore],
    ) -> DocumentoOut:
        doc, _ = await service.gerar_contrato(uow, armazenamento, cota_id)
        return to_out(await obter(uow.session, doc.id))
