"""School of Health Innovation: the course catalogue, applications and waitlists with offers,
attendance and certificates."""
