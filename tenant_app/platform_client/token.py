"""The ServiceAccount token the tenant app presents to the control plane.

Projected tokens are rotated by the kubelet, so the file is re-read whenever
it changes instead of being cached for the life of the process. The kubelet
swaps a symlink to a freshly written file, so the file's identity (inode) is
part of what "changed" means, not only its time and size.
"""

from __future__ import annotations

import base64
import json
import os
import threading
from pathlib import Path

TENANT_NAMESPACE_PREFIX = "tenant-"


class TokenUnavailable(RuntimeError):
    pass


class ServiceAccountToken:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._stamp: tuple[int, int, int] | None = None
        self._value = ""

    def value(self) -> str:
        """The current token; TokenUnavailable when the file cannot be read."""
        try:
            stat = os.stat(self.path)
        except OSError as err:
            raise TokenUnavailable(f"cannot read the ServiceAccount token at {self.path}: {err}") from None
        stamp = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
        with self._lock:
            if stamp != self._stamp:
                self._value = self.path.read_text().strip()
                self._stamp = stamp
            return self._value

    def bearer(self) -> dict[str, str]:
        """The ``Authorization`` header carrying the current token."""
        return {"Authorization": f"Bearer {self.value()}"}

    def tenant_slug(self) -> str:
        """The tenant this token speaks for, from its namespace claim.

        Read without verifying the signature: the control plane verifies the
        token (TokenReview); this only picks the URL to call.
        """
        namespace_file = self.path.parent / "namespace"
        namespace = ""
        if namespace_file.exists() and self.path.name == "token":
            namespace = namespace_file.read_text().strip()
        if not namespace:
            namespace = _namespace_from_claims(self.value())
        if not namespace.startswith(TENANT_NAMESPACE_PREFIX):
            raise TokenUnavailable(f"namespace {namespace!r} is not a tenant namespace")
        return namespace.removeprefix(TENANT_NAMESPACE_PREFIX)


def _namespace_from_claims(token: str) -> str:
    try:
        payload = token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (IndexError, ValueError) as err:
        raise TokenUnavailable(f"the token is not a JWT: {err}") from None
    k8s = claims.get("kubernetes.io") or {}
    if isinstance(k8s, dict) and k8s.get("namespace"):
        return str(k8s["namespace"])
    sub = str(claims.get("sub", ""))
    parts = sub.split(":")
    if len(parts) == 4 and parts[:2] == ["system", "serviceaccount"]:
        return parts[2]
    raise TokenUnavailable("the token names no namespace")
