"""Exceptions the role use cases raise, shared by every service module that needs them."""

from __future__ import annotations


class RoleNotFound(Exception):
    """No such role in this workspace."""


class NotAllowed(Exception):
    """The person may not do this; ``str()`` is the explanation shown to them."""
