"""The database itself keeps the audit log append-only and bookings undeletable

The ORM refuses these too (core.audit), but a direct UPDATE or DELETE, a console session or a
future bug would pass it. An audit entry's recorded values (before/after) may still be blanked:
retention does that to an anonymised visitor's entries.

Hand-written (triggers are not in core.models); scripts/remake-initial-migration keeps it.

Revision ID: 0002
Revises: 0001
"""
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

# Every column of audit_event but its recorded values.
AUDIT_FACTS = "at, actor, channel, entity, entity_id, action"
AUDIT_MESSAGE = "the audit log is append-only"
BOOKING_MESSAGE = "bookings are never deleted, only ended"


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"""
            CREATE FUNCTION visitline_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION '%', TG_ARGV[0]; END $$""")
        op.execute(f"""CREATE TRIGGER audit_event_facts_fixed BEFORE UPDATE OF {AUDIT_FACTS}
            ON audit_event FOR EACH ROW EXECUTE FUNCTION visitline_refuse('{AUDIT_MESSAGE}')""")
        op.execute(f"""CREATE TRIGGER audit_event_kept BEFORE DELETE ON audit_event
            FOR EACH ROW EXECUTE FUNCTION visitline_refuse('{AUDIT_MESSAGE}')""")
        op.execute(f"""CREATE TRIGGER booking_kept BEFORE DELETE ON booking
            FOR EACH ROW EXECUTE FUNCTION visitline_refuse('{BOOKING_MESSAGE}')""")
        return
    op.execute(f"""CREATE TRIGGER audit_event_facts_fixed BEFORE UPDATE OF {AUDIT_FACTS}
        ON audit_event BEGIN SELECT RAISE(ABORT, '{AUDIT_MESSAGE}'); END""")
    op.execute(f"""CREATE TRIGGER audit_event_kept BEFORE DELETE ON audit_event
        BEGIN SELECT RAISE(ABORT, '{AUDIT_MESSAGE}'); END""")
    op.execute(f"""CREATE TRIGGER booking_kept BEFORE DELETE ON booking
        BEGIN SELECT RAISE(ABORT, '{BOOKING_MESSAGE}'); END""")


def downgrade() -> None:
    for trigger, table in (("audit_event_facts_fixed", "audit_event"),
                           ("audit_event_kept", "audit_event"), ("booking_kept", "booking")):
        op.execute(f"DROP TRIGGER IF EXISTS {trigger}" +
                   (f" ON {table}" if op.get_bind().dialect.name == "postgresql" else ""))
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS visitline_refuse()")
