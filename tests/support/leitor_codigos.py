"""Reading a PDF back like a scanner would: pages rendered to PNG by Debian's pdftoppm (poppler-utils),
barcodes and QR codes decoded by zbar (libzbar0, through pyzbar)."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from PIL import Image
from pyzbar.pyzbar import ZBarSymbol, decode


def codigos_por_pagina(pdf: bytes, dpi: int = 200) -> list[dict[str, list[str]]]:
    """Per page, the decoded symbols by type ("I25" barcodes, "QRCODE")."""
    with tempfile.TemporaryDirectory() as pasta:
        caminho = Path(pasta) / "doc.pdf"
        caminho.write_bytes(pdf)
        subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(caminho), str(Path(pasta) / "p")], check=True)
        paginas = []
        for png in sorted(Path(pasta).glob("p-*.png"), key=lambda p: int(p.stem.split("-")[1])):
            with Image.open(png) as imagem:
                simbolos = decode(imagem, symbols=[ZBarSymbol.I25, ZBarSymbol.QRCODE])
            lidos: dict[str, list[str]] = {}
            for s in simbolos:
                lidos.setdefault(s.type, []).append(s.data.decode("ascii"))
            paginas.append(lidos)
        return paginas
