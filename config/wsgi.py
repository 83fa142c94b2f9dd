"""gunicorn entry point: `gunicorn 'config.wsgi:app'` (Procfile web)."""
from .app import create_app
from .error_reports import init_error_reporting
from .logs import configure_for
from .settings import from_environment

settings = from_environment()
configure_for(settings.environment, log_format=settings.log_format)
init_error_reporting(settings.sentry_dsn, environment=settings.environment, component="web")
app = create_app(settings)
