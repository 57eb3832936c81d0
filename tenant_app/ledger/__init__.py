"""The group ledger: fundo comum / fundo de reserva (and fee) movements with balances."""
