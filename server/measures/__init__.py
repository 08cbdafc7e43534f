"""Oversight measures (考核指标): per-department rates, rankings, hot issues, the monthly bulletin."""
