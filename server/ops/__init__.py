"""Operating the server: ``backup`` and ``restore`` (``python -m server backup|restore DIR``)."""
