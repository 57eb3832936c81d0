"""Pagamentos: the one money path of a cota (registrar_pagamento, estornar_pagamento), idempotent."""
