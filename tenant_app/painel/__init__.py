"""The diretor's numbers: arrecadação vs previsto, inadimplência, cotas, próximas assembleias."""
