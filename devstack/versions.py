"""Pinned versions of every binary the local stack builds from Go modules.

One place, so that the cache key, the build and the README agree.
"""

from __future__ import annotations

KUBERNETES = "v1.34.4"
# Kubernetes 1.34 is qualified against etcd 3.6.x.
ETCD = "v3.6.16"
# kwok v0.8.0 needs Go >= 1.26, which the build machines have.
KWOK = "v0.8.0"
VAULT = "v1.21.4"
HELM = "v3.22.0"
