"""The working-day calendar as the server keeps it: statutory days plus an admin's days."""
