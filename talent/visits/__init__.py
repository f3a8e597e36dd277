"""Lab visits: host sites and slots, class bookings with their rules, visit requests,
checklists, attendance and feedback."""
