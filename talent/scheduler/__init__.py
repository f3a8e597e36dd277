"""The scheduler process (`talent scheduler`): runs the jobs of talent.scheduler.jobs on
interval ticks. It is its own process; nothing in the web app imports this package, so web
workers never run scheduled work. Extra scheduler processes are harmless: deliveries are claimed
in the database."""
