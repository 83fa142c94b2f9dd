"""gunicorn entry point: `gunicorn 'config.wsgi:app'` (Procfile web)."""
from .app import create_app

app = create_app()
