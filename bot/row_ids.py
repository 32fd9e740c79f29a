"""The range of the database's row ids, so an id read from a request is checked before it
reaches a query.

Every id column is an INTEGER: 32-bit on PostgreSQL. An id from a request (a button value,
``private_metadata``, a picked option) beyond this cannot name a row, and a query with it would
fail on PostgreSQL (NumericValueOutOfRange) and on SQLite (OverflowError) alike.
"""

MAX_ROW_ID = 2**31 - 1
