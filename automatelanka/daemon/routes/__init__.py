"""HTTP routes, one module per resource; ``daemon.app`` includes every module exposing ``router``
(modules whose name starts with ``_`` are helpers and are skipped)."""
