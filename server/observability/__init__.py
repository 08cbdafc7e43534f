"""Watching a running server: ``/metrics`` (Prometheus text), structured logs with a request id,
readiness (``/readyz``). See the README's "Operating the server"."""
