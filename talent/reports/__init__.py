"""The coordinator's impact report: per school year, school, host organisation and programme."""
