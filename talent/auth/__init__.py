"""Authentication (login, passwords, invitations) and the authorisation policy."""
