"""WSGI entry point for gunicorn: ``gunicorn wsgi:app``."""

import gc

from talent import create_app

app = create_app()
# What is loaded by now (the libraries, the app, its models) lives as long as the worker.
# Frozen, it is left out of the garbage collector's full collections, which otherwise walk it
# all every few hundred requests: a pause of about 120 ms in whichever request triggers one.
gc.freeze()
