"""The audit log at /staff/audit: every change, newest first, for inspectors and finance."""

from __future__ import annotations

from flask import render_template, request
from sqlalchemy import select

from storefront.accounts.permissions import Permission, permission_required
from storefront.audit.models import AuditEntry
from storefront.extensions import db
from storefront.parsing import positive_int
from storefront.staff.views import staff

PAGE = 100


@staff.get("/audit")
@permission_required(Permission.AUDIT_VIEW)
def audit_log():
    """One page of audit rows, newest first, optionally for one subject type."""
    before = positive_int(request.args.get("before"))
    subject = (request.args.get("subject") or "")[:40]
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(PAGE + 1)
    if before:
        query = query.where(AuditEntry.id < before)
    if subject:
        query = query.where(AuditEntry.subject_type == subject)
    rows = list(db.session.scalars(query))
    more = len(rows) > PAGE
    rows = rows[:PAGE]
    return render_template(
        "staff/audit.html",
        rows=rows,
        subject=subject,
        next_before=rows[-1].id if more and rows else None,
    )
