"""recsys/access.py: shared mode needs the operator password; local mode needs none."""

import pytest

from recsys import access


def test_without_a_password_anyone_may_change_things(monkeypatch):
    monkeypatch.delenv(access.PASSWORD_VARIABLE, raising=False)
    gate = access.Gate(access.operator_password({}))
    assert not gate.shared and gate.may_change


@pytest.mark.parametrize("environment, secrets, expected", [
    ("from-env", {"operator_password": "from-secrets"}, "from-env"),
    (None, {"operator_password": "from-secrets"}, "from-secrets"),
    (None, {}, None),
    ("", {"operator_password": ""}, None),  # an empty setting is no password, not a password of ""
])
def test_the_environment_wins_over_the_secrets_file(monkeypatch, environment, secrets, expected):
    if environment is None:
        monkeypatch.delenv(access.PASSWORD_VARIABLE, raising=False)
    else:
        monkeypatch.setenv(access.PASSWORD_VARIABLE, environment)
    assert access.operator_password(secrets) == expected


def test_the_right_password_unlocks_and_a_wrong_one_counts():
    gate = access.Gate("sésame ouvre-toi")
    assert gate.shared and not gate.may_change
    assert not gate.try_password("sesame") and gate.failures == 1
    assert gate.try_password("sésame ouvre-toi") and gate.may_change


def test_a_session_is_locked_out_after_too_many_wrong_passwords():
    gate = access.Gate("right")
    for _ in range(access.MAX_ATTEMPTS):
        gate.try_password("wrong")
    assert gate.locked_out
    assert not gate.try_password("right")  # even the right one, now
    assert gate.failures == access.MAX_ATTEMPTS
