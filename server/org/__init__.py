"""Departments and users."""
