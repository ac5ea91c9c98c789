"""Staff accounts on both databases: argon2 hashes, roles, disabling, resets, sessions, slowed-down logins."""

from __future__ import annotations

import os
import subprocess

import pytest
from sqlalchemy import select

from assistant.database import Database
from assistant.errors import AccountError, Refused
from assistant.staff.accounts import Accounts
from assistant.tables import User
from tests.conftest import venv_bin

PASSWORD = "correct paard batterij"


@pytest.fixture
def accounts(database_url) -> Accounts:
    db = Database(database_url)
    db.migrate()
    accounts = Accounts(db, max_failures=3)
    accounts.add("anna", "staff", PASSWORD)
    return accounts


def test_passwords_are_stored_as_argon2_hashes(accounts):
    with accounts.db.session() as session:
        stored = session.scalar(select(User.password_hash).where(User.name == "anna"))
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


def test_right_password_signs_in_and_the_session_ends_on_logout(accounts):
    token, account = accounts.login("anna", PASSWORD, "10.0.0.1")
    assert account.name == "anna" and account.role == "staff" and account.csrf
    assert accounts.account(token).name == "anna"
    accounts.logout(token)
    assert accounts.account(token) is None


def test_a_session_expires(accounts):
    expired = Accounts(accounts.db, session_hours=-1)
    token, _ = expired.login("anna", PASSWORD, "10.0.0.1")
    assert accounts.account(token) is None


@pytest.mark.parametrize("name, password", [("anna", "verkeerd wachtwoord"), ("niemand", PASSWORD), ("x" * 5000, PASSWORD)])
def test_wrong_name_or_password_is_refused(accounts, name, password):
    with pytest.raises(Refused, match="login_failed"):
        accounts.login(name, password, "10.0.0.1")


def test_failed_logins_slow_down_the_account_and_the_address(accounts):
    for _ in range(3):
        with pytest.raises(Refused, match="login_failed"):
            accounts.login("anna", "fout fout fout", "10.0.0.1")
    with pytest.raises(Refused) as refused:
        accounts.login("anna", PASSWORD, "10.0.0.2")  # the right password waits too, from anywhere
    assert refused.value.code == "login_throttled" and refused.value.values["seconds"] > 0
    accounts.add("bram", "staff", PASSWORD)
    for i in range(12):  # one address trying many accounts
        with pytest.raises(Refused):
            accounts.login(f"gok{i}", "fout fout fout", "10.0.0.9")
    assert accounts.wait_seconds("bram", "10.0.0.9") > 0
    assert accounts.wait_seconds("bram", "10.0.0.3") == 0


def test_disable_ends_sessions_and_reset_reactivates(accounts):
    token, _ = accounts.login("anna", PASSWORD, "10.0.0.1")
    accounts.disable("anna")
    assert accounts.account(token) is None
    with pytest.raises(Refused):
        accounts.login("anna", PASSWORD, "10.0.0.1")
    accounts.reset("anna", "een heel nieuw wachtwoord")
    assert accounts.login("anna", "een heel nieuw wachtwoord", "10.0.0.1")[1].name == "anna"


@pytest.mark.parametrize("name, role, password, reason", [
    ("anna", "staff", PASSWORD, "already exists"),
    ("bram", "baas", PASSWORD, "role"),
    ("bram", "staff", "kort", "12 characters"),
])
def test_bad_accounts_are_refused_with_the_reason(accounts, name, role, password, reason):
    with pytest.raises(AccountError, match=reason):
        accounts.add(name, role, password)


def test_the_user_commands(database_url, tmp_path):
    env = {**os.environ, "WIJZER_DATA_DIR": str(tmp_path / "data"), "WIJZER_DATABASE_URL": database_url}

    def wijzer(*args, password=None):
        return subprocess.run([venv_bin("wijzer"), "user", *args], input=password, capture_output=True, text=True,
                              timeout=120, env=env)

    assert wijzer("add", "carla", "--role", "admin", "--password-stdin", password=PASSWORD + "\n").returncode == 0
    assert wijzer("add", "dirk", "--password-stdin", password=PASSWORD + "\n").returncode == 0
    assert wijzer("disable", "dirk").returncode == 0
    listed = wijzer("list").stdout.splitlines()
    assert [line.split("\t")[:3] for line in listed] == [["carla", "admin", "active"], ["dirk", "staff", "disabled"]]
    assert wijzer("reset", "dirk", "--password-stdin", password="een ander lang wachtwoord\n").returncode == 0
    assert "dirk\tstaff\tactive" in wijzer("list").stdout
    failed = wijzer("disable", "niemand")
    assert failed.returncode == 1 and "no such user" in failed.stderr
    accounts = Accounts(Database(database_url))
    assert accounts.login("carla", PASSWORD, "127.0.0.1")[1].is_admin


def test_user_add_asks_the_password_on_the_terminal(tmp_path):
    """Without --password-stdin the password is typed at a real terminal (a pseudo-terminal here), twice."""
    import pty

    env = {**os.environ, "WIJZER_DATA_DIR": str(tmp_path / "data")}
    pid, terminal = pty.fork()
    if pid == 0:  # the child: `wijzer user add` with the pseudo-terminal as its controlling terminal
        os.execve(venv_bin("wijzer"), [venv_bin("wijzer"), "user", "add", "erik", "--role", "staff"], env)
    seen = b""
    for answer in (PASSWORD, PASSWORD):
        while b"password" not in seen.lower():
            seen += os.read(terminal, 1024)
        seen = b""
        os.write(terminal, answer.encode() + b"\n")
    output = b""
    try:
        while True:
            chunk = os.read(terminal, 1024)
            if not chunk:
                break
            output += chunk
    except OSError:  # the child closed the terminal
        pass
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0, output
    assert PASSWORD.encode() not in output  # not echoed
    db = Database(f"sqlite:///{tmp_path / 'data' / 'wijzer.sqlite'}")
    assert Accounts(db).login("erik", PASSWORD, "127.0.0.1")[1].name == "erik"
