"""Removing a resource with everything below it, letting each type undo its side effects first."""

from __future__ import annotations

from collections.abc import Callable

from aksnet.emulator.store import Row, Tx

BeforeDelete = Callable[[Tx, Row], None]
BEFORE_DELETE: dict[str, BeforeDelete] = {}


def before_delete(arm_type: str) -> Callable[[BeforeDelete], BeforeDelete]:
    """Register what must be undone elsewhere when a resource of `arm_type` goes away."""

    def register(fn: BeforeDelete) -> BeforeDelete:
        BEFORE_DELETE[arm_type.lower()] = fn
        return fn

    return register


def remove(tx: Tx, row: Row) -> None:
    """Delete `row` and its descendants, running their hooks (children first)."""
    for child in reversed(tx.under(row.id)):
        _remove_one(tx, child)
    _remove_one(tx, row)


def _remove_one(tx: Tx, row: Row) -> None:
    if tx.get(row.id) is None:
        return
    hook = BEFORE_DELETE.get(row.type.lower())
    if hook is not None:
        hook(tx, row)
    tx.delete(row.id)


def settle_delete(tx: Tx, row: Row | None, ok: bool, restore: Callable[[Row], None]) -> None:
    """A delete operation ended: remove the resource and what hangs off it, or put it back in service."""
    if row is None:
        return
    if ok:
        remove(tx, row)
        return
    restore(row)
    tx.put(row)
