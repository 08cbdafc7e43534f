"""Notifications that reach people: stored warnings, escalations, 督办, 催办 and 督办反馈."""
