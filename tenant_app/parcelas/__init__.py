"""Parcelas: the payment schedule of each cota, its arithmetic, and the one writer of paid amounts."""
