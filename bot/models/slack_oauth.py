"""slack_sdk's installation and OAuth state tables, declared in our metadata.

slack_sdk's SQLAlchemy stores own the shape of these tables; we only make sure our Alembic
migrations create them (the stores' ``create_tables()`` is never called) and that the
models-versus-migrations check covers them.
"""

from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import Text

from bot.models.base import Base

INSTALLATIONS_TABLE = "slack_installations"
BOTS_TABLE = "slack_bots"
OAUTH_STATES_TABLE = "slack_oauth_states"

installations_table = SQLAlchemyInstallationStore.build_installations_table(
    Base.metadata, INSTALLATIONS_TABLE
)
bots_table = SQLAlchemyInstallationStore.build_bots_table(Base.metadata, BOTS_TABLE)
# Tokens are stored encrypted (bot/services/token_keys.py): a Fernet token is about 2.2 times
# as long as what it encrypts, more than slack_sdk's String(200) holds for a long refresh
# token, so these columns are Text.
ENCRYPTED_COLUMNS = {
    installations_table: ("bot_token", "bot_refresh_token", "user_token", "user_refresh_token"),
    bots_table: ("bot_token", "bot_refresh_token"),
}
for _table, _columns in ENCRYPTED_COLUMNS.items():
    for _column in _columns:
        _table.c[_column].type = Text()
oauth_states_table = SQLAlchemyOAuthStateStore.build_oauth_states_table(
    Base.metadata, OAUTH_STATES_TABLE
)
