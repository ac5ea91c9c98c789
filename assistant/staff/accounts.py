"""Staff accounts: argon2 password hashes, roles, and failed logins that slow the next attempts down."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select

from assistant.database import Database
from assistant.errors import AccountError, Refused
from assistant.tables import LoginFailure, LoginSession, User, utcnow

ROLES = ("staff", "admin")
_HASHER = PasswordHasher()
# A hash to verify against when the account does not exist, so that timing does not tell.
_DUMMY = _HASHER.hash(secrets.token_hex(16))


@dataclass(frozen=True)
class Account:
    """A signed-in user as the pages see it."""

    id: int
    name: str
    role: str
    csrf: str = ""

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Accounts:
    def __init__(self, db: Database, session_hours: float = 8.0, max_failures: int = 5, window_minutes: int = 15):
        self.db = db
        self.session_hours = session_hours
        self.max_failures = max_failures
        self.window = timedelta(minutes=window_minutes)

    # -- the `wijzer user` commands ------------------------------------------------------------
    def add(self, name: str, role: str, password: str) -> None:
        if role not in ROLES:
            raise AccountError(name, f"role must be one of {', '.join(ROLES)}")
        if not name.strip() or len(name) > 80:
            raise AccountError(name, "a name has 1 to 80 characters")
        _check_password(name, password)
        with self.db.session() as session:
            if session.scalar(select(User).where(User.name == name)) is not None:
                raise AccountError(name, "already exists")
            session.add(User(name=name, role=role, password_hash=_HASHER.hash(password), active=True))

    def list(self) -> list[User]:
        with self.db.session() as session:
            return list(session.scalars(select(User).order_by(User.name)))

    def disable(self, name: str) -> None:
        with self.db.session() as session:
            user = self._user(session, name)
            user.active = False
            session.execute(delete(LoginSession).where(LoginSession.user_id == user.id))

    def reset(self, name: str, password: str) -> None:
        """A new password; the account is active again and every open session of it ends."""
        _check_password(name, password)
        with self.db.session() as session:
            user = self._user(session, name)
            user.password_hash = _HASHER.hash(password)
            user.active = True
            session.execute(delete(LoginSession).where(LoginSession.user_id == user.id))
            session.execute(delete(LoginFailure).where(LoginFailure.key == f"account:{name}"))

    @staticmethod
    def _user(session, name: str) -> User:
        user = session.scalar(select(User).where(User.name == name))
        if user is None:
            raise AccountError(name, "no such user")
        return user

    # -- logging in ----------------------------------------------------------------------------
    def wait_seconds(self, name: str, address: str) -> int:
        """How long this account or address must wait before the next try: 0 until `max_failures`
        recent failures (four times as many for an address, which offices share), then doubling."""
        since = utcnow() - self.window
        waits = []
        with self.db.session() as session:
            session.execute(delete(LoginFailure).where(LoginFailure.at < since))  # only recent failures count
            for key, allowed in ((f"account:{name}", self.max_failures), (f"address:{address}", 4 * self.max_failures)):
                count, last = session.execute(
                    select(func.count(), func.max(LoginFailure.at)).where(LoginFailure.key == key, LoginFailure.at >= since)
                ).one()
                if count >= allowed and last is not None:
                    delay = min(2 ** (count - allowed) * 30, int(self.window.total_seconds()))
                    waits.append(int((last + timedelta(seconds=delay) - utcnow()).total_seconds()) + 1)
        return max([0, *waits])

    def login(self, name: str, password: str, address: str) -> tuple[str, Account]:
        """A new session token for a right name and password; Refused otherwise."""
        name, address = name[:80], address[:100]  # no account has a longer name; keys stay within their columns
        wait = self.wait_seconds(name, address)
        if wait > 0:
            raise Refused("login_throttled", f"{name} from {address}", seconds=wait)
        with self.db.session() as session:
            user = session.scalar(select(User).where(User.name == name))
            try:
                _HASHER.verify(user.password_hash if user else _DUMMY, password)
                valid = user is not None and user.active
            except (VerificationError, InvalidHashError):
                valid = False
            if not valid:
                session.add_all([LoginFailure(key=f"account:{name}"), LoginFailure(key=f"address:{address}")])
        if not valid:
            raise Refused("login_failed", name)
        token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        with self.db.session() as session:
            if _HASHER.check_needs_rehash(user.password_hash):
                session.get(User, user.id).password_hash = _HASHER.hash(password)
            session.execute(delete(LoginFailure).where(LoginFailure.key == f"account:{name}"))
            session.execute(delete(LoginSession).where(LoginSession.expires_at < utcnow()))
            session.add(LoginSession(token_hash=_token_hash(token), user_id=user.id, csrf=csrf,
                                     expires_at=utcnow() + timedelta(hours=self.session_hours)))
        return token, Account(user.id, user.name, user.role, csrf)

    def account(self, token: str | None) -> Account | None:
        """The active user behind a session token, or None when it is unknown or expired."""
        if not token:
            return None
        with self.db.session() as session:
            row = session.get(LoginSession, _token_hash(token))
            if row is None or row.expires_at < utcnow() or not row.user.active:
                return None
            return Account(row.user.id, row.user.name, row.user.role, row.csrf)

    def logout(self, token: str | None) -> None:
        if token:
            with self.db.session() as session:
                session.execute(delete(LoginSession).where(LoginSession.token_hash == _token_hash(token)))


def _check_password(name: str, password: str) -> None:
    if len(password) < 12:
        raise AccountError(name, "a password needs at least 12 characters")
