"""``record()``: the one gate that writes audit rows, in the caller's transaction.

A service calls ``record(actor, action, subject, changes)`` next to the change
it makes. The rows are written just before that transaction commits (a
``before_commit`` hook), after every other statement of it: the audit head's
row lock is then always the last lock a transaction takes, so writers queue
on it briefly and in one order, and the chain of hashes stays a single line.
If the transaction rolls back, its audit rows vanish with it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import event, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from storefront.accounts.permissions import Actor
from storefront.audit.models import AuditEntry, AuditHead
from storefront.extensions import db
from storefront.timeutil import utcnow

GENESIS_HASH = "0" * 64
_PENDING = "audit_pending"


@dataclass
class _Pending:
    actor: Actor
    action: str
    subject: Any
    changes: dict
    created_at: datetime


def record(actor: Actor, action: str, subject: Any, changes: dict | None = None) -> None:
    """Note a change for the audit log; it is written when the caller's transaction commits.

    ``subject`` is a model instance (its table name and id are used, read at
    commit so a new row has its id) or a ``(type, id)`` pair. ``changes`` maps
    a field to ``[before, after]`` or carries the facts of the action.
    """
    session = db.session()
    session.info.setdefault(_PENDING, []).append(
        _Pending(actor, action, subject, dict(changes or {}), utcnow())
    )


def field_changes(before: dict, after: dict) -> dict:
    """``{field: [before, after]}`` for the fields whose value changed."""
    return {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}


def _subject_key(subject: Any) -> tuple[str, str]:
    if isinstance(subject, tuple):
        return str(subject[0]), str(subject[1])
    return subject.__tablename__, str(subject.id)


def _moment(value: datetime) -> str:
    """A timestamp as the chain hashes it: UTC, microseconds, the same on every database."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds")


def entry_hash(row: dict) -> str:
    """The SHA-256 over a row's content and the previous row's hash."""
    material = [
        row["id"],
        _moment(row["created_at"]),
        row["actor_user_id"],
        row["actor_role"],
        row["actor_label"],
        row["action"],
        row["subject_type"],
        row["subject_id"],
        row["changes"],
        row["request_id"],
        row["prev_hash"],
    ]
    return hashlib.sha256(
        json.dumps(material, ensure_ascii=False, separators=(",", ":")).encode()
    ).hexdigest()


def _claim_ids(session: Session, count: int) -> tuple[int, str]:
    """Reserve ``count`` ids at the chain's head (locking it); returns the first id and the
    hash before it."""
    claim = (
        update(AuditHead)
        .where(AuditHead.id == 1)
        .values(last_id=AuditHead.last_id + count)
        .returning(AuditHead.last_id, AuditHead.last_hash)
    )
    row = session.execute(claim).first()
    if row is None:
        dialect = session.get_bind().dialect.name
        make = postgresql.insert if dialect == "postgresql" else sqlite.insert
        session.execute(
            make(AuditHead).values(id=1, last_id=0, last_hash=GENESIS_HASH).on_conflict_do_nothing()
        )
        row = session.execute(claim).first()
    last_id, prev_hash = row
    return last_id - count + 1, prev_hash


@event.listens_for(Session, "before_commit")
def _write_pending(session: Session) -> None:
    pending: list[_Pending] = session.info.pop(_PENDING, [])
    if not pending:
        return
    session.flush()  # new subjects get their ids
    first_id, prev_hash = _claim_ids(session, len(pending))
    rows = []
    for offset, item in enumerate(pending):
        subject_type, subject_id = _subject_key(item.subject)
        row = {
            "id": first_id + offset,
            "created_at": item.created_at,
            "actor_user_id": item.actor.user_id,
            "actor_role": str(item.actor.role),
            "actor_label": item.actor.label[:120],
            "action": item.action,
            "subject_type": subject_type,
            "subject_id": subject_id,
            "changes": json.dumps(item.changes, ensure_ascii=False, sort_keys=True, default=str),
            "request_id": item.actor.request_id,
            "prev_hash": prev_hash,
        }
        row["hash"] = prev_hash = entry_hash(row)
        rows.append(row)
    session.execute(insert(AuditEntry), rows)
    session.execute(update(AuditHead).where(AuditHead.id == 1).values(last_hash=prev_hash))


@event.listens_for(Session, "after_transaction_end")
def _forget_pending(session: Session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop(_PENDING, None)


def verify_chain(*, batch: int = 5000) -> Iterator[str]:
    """Yield one line per break in the audit chain (a changed, missing or reordered row)."""
    expected_prev = GENESIS_HASH
    expected_id = None
    last_id = 0
    columns = [c.name for c in AuditEntry.__table__.columns]
    after = 0
    while True:
        rows = (
            db.session.execute(
                select(AuditEntry.__table__)
                .where(AuditEntry.id > after)
                .order_by(AuditEntry.id)
                .limit(batch)
            )
            .mappings()
            .all()
        )
        if not rows:
            break
        for row in rows:
            data = {c: row[c] for c in columns}
            if expected_id is not None and data["id"] != expected_id:
                yield f"row {data['id']}: rows {expected_id}..{data['id'] - 1} are missing"
            if data["prev_hash"] != expected_prev:
                yield f"row {data['id']}: does not follow the row before it"
            if entry_hash(data) != data["hash"]:
                yield f"row {data['id']}: its content does not match its hash (changed)"
            expected_prev = data["hash"]
            expected_id = data["id"] + 1
            last_id = data["id"]
        after = rows[-1]["id"]
    head = db.session.get(AuditHead, 1)
    if (
        head is not None
        and (head.last_id, head.last_hash) != (last_id, expected_prev)
        and (head.last_id or last_id)
    ):
        yield f"the chain ends at row {last_id} but its head names row {head.last_id}"


def audit_trail(subject_type: str, subject_id: str | int) -> list[AuditEntry]:
    """Every audit row about one subject, oldest first."""
    return list(
        db.session.scalars(
            select(AuditEntry)
            .where(
                AuditEntry.subject_type == subject_type, AuditEntry.subject_id == str(subject_id)
            )
            .order_by(AuditEntry.id)
        )
    )
