"""Mentoring business rules: every write goes through these Flask-free functions.

profiles (mentors, vetting, mentees, programmes), matching (ranked, explained suggestions),
pairings (proposal to end), sessions (goals, the log, confirmation, planning), cadence
(overdue, silence), safeguarding (concerns), feedback, and reminders (the one module that
talks to the reminder engine and the calendar).
"""
