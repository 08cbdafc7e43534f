"""Demo city data and sample photos for seeding a CaseDesk server."""
