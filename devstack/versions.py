"""Pinned versions of every binary the local stack builds from Go modules.

One place, so that the cache key, the build and the README agree.
"""

from __future__ import annotations

KUBERNETES = "v1.34.4"
# Kubernetes 1.34 is qualified against etcd 3.6.x.
ETCD = "v3.6.16"
# kwok v0.8.0 needs Go >= 1.26, which the build machines have.
KWOK = "v0.8.0"
# v1.21.4 does not build from modules: its in-tree sdk/ mixes an older
# ActivationFunc with a newer RestorePolicy, a pair no published sdk module
# has (v0.21.0 fails to compile; v0.24.0 changed RestorePolicy but not the
# other). v1.21.0 requires sdk v0.20.0, published three weeks before it.
VAULT = "v1.21.0"
HELM = "v3.22.0"
# The S3 server: its admin API creates users and buckets owned by one user
# (another user's key gets AccessDenied), which is what per-tenant
# isolation needs; a plain `go install` of the tag works (no replaces).
VERSITYGW = "v1.8.0"
# promtool (`check rules`, `test rules` for the operator chart's alerts):
# Prometheus v3.16.0 is module version v0.316.0; a plain `go install` works.
PROMTOOL = "v0.316.0"
# Mailpit: the local SMTP server with an HTTP API to read delivered messages
# back (tests, the demo). Its UI assets are committed in the module, so a
# plain `go install` of the tag works.
MAILPIT = "v1.33.1"
