"""Export and erasure of a pupil's data, and the retention rule."""
