"""One timeline per pupil, filled by providers that each feature registers."""
