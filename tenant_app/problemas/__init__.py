"""The problem-type catalogue as pages: ``/problemas`` and ``/problemas/<code>`` (public, Portuguese)."""
