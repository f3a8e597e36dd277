"""Calendar feeds: a private iCalendar URL per user, and the registry features add events to."""
