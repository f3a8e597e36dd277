"""WSGI entry point for gunicorn: ``gunicorn wsgi:app``."""

from talent import create_app

app = create_app()
