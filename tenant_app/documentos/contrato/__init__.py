"""The contrato de adesão: data gathered from the grupo, cota and consorciado, rendered to PDF."""
