"""Content-addressed blob storage and authorised download."""
