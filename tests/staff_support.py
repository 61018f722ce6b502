"""Signing in as staff in tests: one account per role, and a logged-in client for each."""

from __future__ import annotations

from types import SimpleNamespace

from storefront.accounts import services as accounts
from storefront.accounts.permissions import Actor

PASSWORD = "kain-songket-2026"
ROLES = ("admin", "operations", "production", "finance", "auditor", "partner", "buyer")


class StaffActions:
    """``staff.login("operations")`` signs the client in as that role's account."""

    def __init__(self, app, client, partner_slug: str | None = None) -> None:
        self.app = app
        self.client = client
        self.partner_slug = partner_slug
        self.users: dict[str, object] = {}

    def user(self, role: str, suffix: str = ""):
        key = role + suffix
        if key not in self.users:
            user = accounts.create_user(
                Actor.system("test"),
                email=f"{key}@cantik.example",
                password=PASSWORD,
                role=role,
                name=f"{role.capitalize()}{suffix} Test",
                partner_slug=self.partner_slug if role == "partner" else None,
            )
            self.users[key] = SimpleNamespace(id=user.id, email=user.email, role=role)
        return self.users[key]

    def login(self, role: str, suffix: str = "", client=None):
        """Sign in (a new account for the role on first use); returns the client."""
        client = client or self.client
        client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"  # tests read the English screens
        user = self.user(role, suffix)
        answer = client.post("/account/login", data={"email": user.email, "password": PASSWORD})
        assert answer.status_code in (302, 303), answer.get_data(as_text=True)[:500]
        return client

    def logout(self, client=None):
        (client or self.client).post("/account/logout")
