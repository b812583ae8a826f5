"""Built-in adapters.  ``--adapter bench`` resolves to ``pooler_worker.adapters.bench``."""
