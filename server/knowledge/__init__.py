"""The knowledge base (知识库): entries, reply templates, search, sync, usage, spreadsheets."""
