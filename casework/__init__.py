"""The work-order domain shared by the case server and the desktop client.

Pure Python: no Qt, no HTTP, no database. The server enforces these rules; the client
consults the same tables offline to offer only the actions that are allowed.
"""
