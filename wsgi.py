"""Entry point for WSGI servers: ``gunicorn wsgi:app``."""

from asti import create_app

app = create_app()
