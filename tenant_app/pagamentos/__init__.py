"""Pagamentos: recording (idempotent), allocation oldest-first, estorno."""
