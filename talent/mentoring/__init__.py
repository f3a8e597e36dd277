"""Mentoring: mentors from member organisations paired with pupils or researchers."""
