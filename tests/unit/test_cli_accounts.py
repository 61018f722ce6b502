"""``flask create-user`` and ``flask set-role``, as the head of unit runs them on the
server, on SQLite and PostgreSQL: the password from a prompt or standard input with the
buyers' rules, known roles only, partner users tied to an existing partner, every
account change audited and a role change ending the account's sessions.
"""

from __future__ import annotations

import pytest
from factories import make_partner
from sqlalchemy import select
from write_model_support import audit_since, count, last_audit_id

from storefront.accounts import services as accounts
from storefront.accounts.models import User, UserSession
from storefront.extensions import db
from storefront.timeutil import utcnow

GOOD_PASSWORD = "tenun-songket-2026"


@pytest.fixture
def partner(app):
    partner = make_partner("dekranasda-sumsel", "Dekranasda Sumatera Selatan")
    db.session.commit()
    return partner


def create_user(runner, *args: str, password: str = GOOD_PASSWORD):
    return runner.invoke(args=["create-user", *args, "--password-stdin"], input=password + "\n")


def user_by_email(email: str) -> User | None:
    db.session.expire_all()
    return db.session.execute(select(User).where(User.email == email)).scalar_one_or_none()


def test_create_user_reads_the_password_from_stdin_and_the_account_can_sign_in(runner):
    mark = last_audit_id()

    result = create_user(
        runner, "--email", " Sari@Cantik.example ", "--role", "operations", "--name", "Sari"
    )

    assert result.exit_code == 0, result.output
    assert "created sari@cantik.example (operations)" in result.output
    user = user_by_email("sari@cantik.example")
    assert (user.role, user.name, user.partner_id) == ("operations", "Sari", None)
    assert accounts.authenticate(email="sari@cantik.example", password=GOOD_PASSWORD).id == user.id
    assert GOOD_PASSWORD not in user.password_hash
    [row] = audit_since(mark)
    assert (row.action, row.subject_id, row.actor_label) == ("user.created", str(user.id), "cli")


def test_create_user_asks_for_the_password_twice_at_a_prompt(runner):
    result = runner.invoke(
        args=["create-user", "--email", "rina@cantik.example", "--role", "finance"],
        input=f"{GOOD_PASSWORD}\n{GOOD_PASSWORD}\n",
    )

    assert result.exit_code == 0, result.output
    assert GOOD_PASSWORD not in result.output  # hidden while typed
    assert user_by_email("rina@cantik.example").role == "finance"


def test_a_prompt_whose_two_passwords_differ_asks_again(runner):
    result = runner.invoke(
        args=["create-user", "--email", "rina@cantik.example", "--role", "finance"],
        input=f"{GOOD_PASSWORD}\nsomething-else-1\n{GOOD_PASSWORD}\n{GOOD_PASSWORD}\n",
    )

    assert result.exit_code == 0, result.output
    user = user_by_email("rina@cantik.example")
    assert accounts.authenticate(email=user.email, password=GOOD_PASSWORD).id == user.id


@pytest.mark.parametrize(
    "password",
    ["", "pendek", "123456789012", "admin@cantik.example", "ADMIN@cantik.example"],
    ids=["empty", "short", "digits only", "the e-mail address", "the e-mail in capitals"],
)
def test_a_weak_password_is_refused_and_no_account_is_made(runner, password):
    mark = last_audit_id()

    result = create_user(
        runner, "--email", "admin@cantik.example", "--role", "admin", password=password
    )

    assert result.exit_code != 0
    assert "Error" in result.output
    assert user_by_email("admin@cantik.example") is None
    assert audit_since(mark) == []


@pytest.mark.parametrize("role", ["superuser", "staff", "ADMIN", "", "admin; drop table"])
def test_an_unknown_role_is_refused(runner, role):
    result = create_user(runner, "--email", "x@cantik.example", "--role", role)

    assert result.exit_code != 0
    assert user_by_email("x@cantik.example") is None


def test_a_partner_user_needs_an_existing_partner(runner, partner):
    without = create_user(runner, "--email", "kurator@dekranasda.example", "--role", "partner")
    unknown = create_user(
        runner, "--email", "kurator@dekranasda.example", "--role", "partner",
        "--partner", "no-such-partner",
    )  # fmt: skip
    assert without.exit_code != 0 and unknown.exit_code != 0
    assert user_by_email("kurator@dekranasda.example") is None

    made = create_user(
        runner, "--email", "kurator@dekranasda.example", "--role", "partner",
        "--partner", partner.slug, "--name", "Kurator Dekranasda",
    )  # fmt: skip

    assert made.exit_code == 0, made.output
    assert user_by_email("kurator@dekranasda.example").partner_id == partner.id


def test_only_a_partner_user_belongs_to_a_partner(runner, partner):
    result = create_user(
        runner, "--email", "ops@cantik.example", "--role", "operations", "--partner", partner.slug
    )

    assert result.exit_code != 0
    assert user_by_email("ops@cantik.example") is None


@pytest.mark.parametrize("email", ["not-an-address", "", "a@b", "sari@cantik.example"])
def test_a_bad_or_taken_email_is_refused(runner, email):
    assert (
        create_user(runner, "--email", "sari@cantik.example", "--role", "operations").exit_code == 0
    )

    result = create_user(runner, "--email", email, "--role", "finance")

    assert result.exit_code != 0
    assert count(User) == 1
    assert user_by_email("sari@cantik.example").role == "operations"


# --- set-role -------------------------------------------------------------------------


def signed_in_sessions(user_id: int, how_many: int = 2) -> None:
    now = utcnow()
    for i in range(how_many):
        db.session.add(
            UserSession(
                id=f"sess-{user_id}-{i}",
                user_id=user_id,
                created_at=now,
                authenticated_at=now,
                last_seen_at=now,
            )
        )
    db.session.commit()


def test_set_role_changes_the_role_ends_every_session_and_is_audited(runner):
    create_user(runner, "--email", "dewi@cantik.example", "--role", "operations")
    user = user_by_email("dewi@cantik.example")
    version = user.session_version
    signed_in_sessions(user.id)
    mark = last_audit_id()

    result = runner.invoke(args=["set-role", "--email", "DEWI@cantik.example", "--role", "finance"])

    assert result.exit_code == 0, result.output
    assert "dewi@cantik.example is now finance" in result.output
    user = user_by_email("dewi@cantik.example")
    assert user.role == "finance" and user.session_version == version + 1
    assert count(UserSession, UserSession.user_id == user.id) == 0
    [row] = audit_since(mark)
    assert row.action == "user.role_changed" and '"operations"' in row.changes


@pytest.mark.parametrize(
    ("email", "role"),
    [
        ("dewi@cantik.example", "superuser"),
        ("dewi@cantik.example", ""),
        ("nobody@cantik.example", "finance"),
        ("not an address", "finance"),
        ("dewi@cantik.example", "partner"),  # a partner user needs a partner
    ],
    ids=["unknown role", "no role", "unknown account", "bad address", "partner without one"],
)
def test_set_role_refuses_and_changes_nothing(runner, email, role):
    create_user(runner, "--email", "dewi@cantik.example", "--role", "operations")
    user = user_by_email("dewi@cantik.example")
    signed_in_sessions(user.id)
    mark = last_audit_id()

    result = runner.invoke(args=["set-role", "--email", email, "--role", role])

    assert result.exit_code != 0
    user = user_by_email("dewi@cantik.example")
    assert user.role == "operations"
    assert count(UserSession, UserSession.user_id == user.id) == 2
    assert audit_since(mark) == []


def test_a_partner_user_moved_to_staff_leaves_its_partner(runner, partner):
    create_user(
        runner, "--email", "kurator@dekranasda.example", "--role", "partner",
        "--partner", partner.slug,
    )  # fmt: skip

    result = runner.invoke(
        args=["set-role", "--email", "kurator@dekranasda.example", "--role", "auditor"]
    )

    assert result.exit_code == 0, result.output
    user = user_by_email("kurator@dekranasda.example")
    assert (user.role, user.partner_id) == ("auditor", None)
