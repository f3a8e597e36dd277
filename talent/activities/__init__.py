"""Guest lectures, work placements and projects: collaboration besides lab visits."""
