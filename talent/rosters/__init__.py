"""Class rosters: the school's pupils, imported from CSV files with a preview first."""
