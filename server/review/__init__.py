"""Review chains kept in the database: versions an administrator adds, each in force from a date."""
