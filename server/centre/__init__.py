"""The hotline centre's own views (the supervisor's board)."""
