"""Generate TypeScript types from an OpenAPI document with openapi-typescript, and type-check them.

    python -m devstack.openapi_typescript <openapi.json | http(s)://…/schema/openapi.json> <out.d.ts>

Writes ``out.d.ts`` (``paths``, ``operations``, ``components``, as openapi-typescript
emits them; pair it with ``openapi-fetch`` or any fetch wrapper) and then compiles it
with ``tsc --noEmit --strict`` together with a generated program that names every
operation's success response. A document that cannot give a usable client (a reference
that does not resolve, an operation whose success body types as ``unknown``) fails with
tsc's output. openapi-typescript and TypeScript are pinned in devstack/npm_tools.py and
installed once into the cache.

``tests/unit/foundation/test_openapi_typescript_generated.py`` runs this on both apps'
documents.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from devstack import npm_tools

_METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")


class TypeScriptClientError(RuntimeError):
    """openapi-typescript refused the document or tsc rejected what it generated."""


def generate(source: str | Path, out: Path, *, log: Callable[[str], None] = print) -> Path:
    """``out`` (a ``.d.ts``) generated from ``source``: a JSON file or the document's URL."""
    binary = npm_tools.ensure(npm_tools.OPENAPI_TYPESCRIPT, log=log)
    result = subprocess.run(
        [str(binary), str(source), "--output", str(out)],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
    )
    if result.returncode != 0 or not out.exists():
        raise TypeScriptClientError(
            f"openapi-typescript {source} failed (exit {result.returncode}):\n"
            + result.stderr[-4000:]
            + result.stdout[-2000:]
        )
    return out


def _literal(value: str) -> str:
    return json.dumps(value)


def usage_program(document: dict[str, Any], module: str) -> str:
    """TypeScript naming every operation's success body, asserting none of them is ``unknown``/``any``.

    ``module`` is the import path of the generated types (``"./client"`` for ``client.d.ts``).
    """
    lines = [
        f'import type {{ paths }} from "{module}";',
        "",
        "// The operation's name for unknown and any (a body the generator could not type), else false.",
        "type Opaque<T, Operation extends string> = unknown extends T ? Operation : false;",
        "",
    ]
    count = 0
    for path, item in document.get("paths", {}).items():
        for method in _METHODS:
            operation = item.get(method)
            if not isinstance(operation, dict):
                continue
            for status, answer in operation.get("responses", {}).items():
                if not re.fullmatch(r"2\d\d", str(status)):
                    continue
                content = (answer or {}).get("content") or {}
                for media in content:
                    if "json" not in media:
                        continue
                    count += 1
                    operation_type = f"paths[{_literal(path)}][{_literal(method)}]"
                    body = f'{operation_type}["responses"][{status}]["content"][{_literal(media)}]'
                    # An opaque body fails to compile, and tsc's message names the operation:
                    # Type 'false' is not assignable to type '"GET /x 200 sem tipo"'.
                    label = _literal(f"{method.upper()} {path} {status} sem tipo")
                    lines.append(f"export type Resposta{count} = {body};")
                    lines.append(f"export const opaca{count}: Opaque<Resposta{count}, {label}> = false;")
    lines.append(f"export const respostas = {count};")
    return "\n".join(lines) + "\n"


def typecheck(files: Iterable[Path], *, cwd: Path, log: Callable[[str], None] = print) -> None:
    """``tsc --noEmit --strict`` over ``files`` (declaration files included: no skipLibCheck)."""
    tsc = npm_tools.ensure(npm_tools.TYPESCRIPT, log=log)
    result = subprocess.run(
        [
            str(tsc),
            "--noEmit",
            "--strict",
            "--target",
            "es2022",
            "--module",
            "es2022",
            "--moduleResolution",
            "bundler",
            *map(str, files),
        ],
        capture_output=True,
        text=True,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
    )
    if result.returncode != 0:
        raise TypeScriptClientError(
            f"tsc --noEmit --strict failed (exit {result.returncode}):\n"
            + result.stdout[-6000:]
            + result.stderr[-2000:]
        )


def _load(source: str) -> dict[str, Any]:
    if re.match(r"https?://", source):
        import urllib.request

        with urllib.request.urlopen(source, timeout=30) as answer:
            loaded: dict[str, Any] = json.load(answer)
            return loaded
    loaded = json.loads(Path(source).read_text())
    return loaded


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2 or not args[1].endswith(".d.ts"):
        print(__doc__, file=sys.stderr)
        return 2
    source, out = args[0], Path(args[1]).resolve()
    try:
        document = _load(source)
        with tempfile.TemporaryDirectory(prefix="openapi-ts-") as work:
            folder = Path(work)
            # Generate from the loaded copy so the URL is fetched once.
            spec = folder / "openapi.json"
            spec.write_text(json.dumps(document))
            generated = generate(spec, folder / "client.d.ts", log=lambda line: print(line, file=sys.stderr))
            usage = folder / "uso.ts"
            usage.write_text(usage_program(document, "./client"))
            typecheck([generated, usage], cwd=folder, log=lambda line: print(line, file=sys.stderr))
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(generated.read_text())
    except (TypeScriptClientError, npm_tools.NpmToolError) as error:
        print(error, file=sys.stderr)
        return 1
    print(f"{out}: {document.get('info', {}).get('title', '')} types checked with tsc --strict")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
