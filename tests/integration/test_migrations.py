"""The migrations build exactly the schema core.models describes, on both databases."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from core.models import Base


def test_migrations_match_the_models(engine):
    with engine.connect() as connection:
        context = MigrationContext.configure(connection)
        differences = compare_metadata(context, Base.metadata)
    assert differences == [], "run scripts/remake-initial-migration"
