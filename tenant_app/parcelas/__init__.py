"""Parcelas: the payment schedule of each cota and its arithmetic."""
