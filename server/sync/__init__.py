"""Sync for the offline client: pull changes since a cursor, push queued mutations."""
