"""gunicorn entry point: `gunicorn 'config.wsgi:app'` (Procfile web)."""
from .app import create_app
from .logs import configure_for
from .settings import from_environment

settings = from_environment()
configure_for(settings.environment, log_format=settings.log_format)
app = create_app(settings)
