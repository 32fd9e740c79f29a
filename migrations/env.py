"""Alembic environment: Tandem's metadata, a connection handed in by bot.migrate or a URL from
the settings (never from alembic.ini)."""

from alembic import context

from bot.models import Base, UTCDateTime

config = context.config


def _render_item(type_: str, obj: object, autogen_context: object) -> str | bool:
    # Migrations must not import application types; UTCDateTime is a timestamptz underneath.
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def _run(connection: object) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        # SQLite cannot ALTER most things; batch mode rebuilds the table instead.
        render_as_batch=True,
        compare_type=True,
        render_item=_render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("Tandem's migrations run online only: use `tandem db upgrade`.")

handed_in = config.attributes.get("connection")
if handed_in is not None:
    _run(handed_in)
else:
    from bot.config import load_database_settings
    from bot.db import make_engine

    engine = make_engine(load_database_settings().database_url)
    with engine.connect() as connection:
        _run(connection)
    engine.dispose()
