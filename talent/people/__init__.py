"""People and organisations: users, their roles, the cluster's member organisations."""
