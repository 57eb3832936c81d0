"""The lance payment deadline in business days (its amortisation: tests/unit/tenant_app/dinheiro)."""

from __future__ import annotations

from datetime import date

import pytest

from tenant_app.assembleias.prazo_lance import prazo_pagamento_lance, vencido

pytestmark = pytest.mark.unit


def test_deadline_counts_business_days_skipping_weekend_and_holidays() -> None:
    # Thursday 2026-11-19: Fri 20 is Consciência Negra (national holiday), so Mon 23, Tue 24, Wed 25.
    assert prazo_pagamento_lance(date(2026, 11, 19), 3) == date(2026, 11, 25)
    # Monday 2026-11-09: Tue, Wed, Thu.
    assert prazo_pagamento_lance(date(2026, 11, 9), 3) == date(2026, 11, 12)
    assert prazo_pagamento_lance(date(2026, 11, 13), 1) == date(2026, 11, 16)


def test_the_last_day_is_still_in_time() -> None:
    assert not vencido(date(2026, 11, 25), date(2026, 11, 25))
    assert vencido(date(2026, 11, 25), date(2026, 11, 26))


def test_deadline_needs_at_least_one_day() -> None:
    with pytest.raises(ValueError):
        prazo_pagamento_lance(date(2026, 11, 9), 0)
