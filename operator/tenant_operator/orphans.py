"""Marks on what a Retain deletion keeps, and their removal on adoption (pure)."""

from __future__ import annotations

from typing import Any

from tenant_operator import names


def mark_patch(*, when: str, reason: str) -> dict[str, Any]:
    """Merge patch labelling and annotating an object as orphaned."""
    return {
        "metadata": {
            "labels": {names.ORPHANED_LABEL: "true"},
            "annotations": {names.ORPHANED_AT_ANNOTATION: when, names.ORPHANED_REASON_ANNOTATION: reason},
        }
    }


def unmark_patch() -> dict[str, Any]:
    """Merge patch removing the orphan label and annotations."""
    return {
        "metadata": {
            "labels": {names.ORPHANED_LABEL: None},
            "annotations": {names.ORPHANED_AT_ANNOTATION: None, names.ORPHANED_REASON_ANNOTATION: None},
        }
    }


def is_marked(obj: dict[str, Any] | None) -> bool:
    """True when a live object carries the orphan label."""
    return bool(obj) and names.ORPHANED_LABEL in ((obj or {}).get("metadata", {}).get("labels") or {})
