"""Grupos de consórcio: contract parameters, lifecycle and fund balances."""
