"""The scheduler process (`talent scheduler`): runs the jobs of talent.scheduler.jobs on
interval ticks. It is its own process; nothing in the web app imports this package, so web
workers never run scheduled work. Extra scheduler processes are harmless: every job claims its
rows or holds a lease (talent.periodic), and deliveries are claimed and confirmed in the
database (talent.reminders.ledger)."""
