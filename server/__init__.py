"""The central case server: FastAPI app, SQLAlchemy models, services and command line."""
