"""Domain logic. Services take a SQLAlchemy ``session`` and ``now``; they never import Bolt."""
