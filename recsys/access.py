"""Who may change things: with an operator password set, the installation is shared, and
training, evaluation runs, uploads and the default need the password; without one (a fresh
clone on localhost) anyone may.

The password comes from RECSYS_OPERATOR_PASSWORD or, for the app, `operator_password` in
.streamlit/secrets.toml. It is compared in constant time and never logged or shown.
"""

import hmac
import os
from dataclasses import dataclass

PASSWORD_VARIABLE = "RECSYS_OPERATOR_PASSWORD"
MAX_ATTEMPTS = 5  # wrong passwords one session may try before it is locked out


def operator_password(secrets: dict | None = None, environ=os.environ) -> str | None:
    """The operator password, or None for local mode; the environment wins over the secrets file."""
    password = environ.get(PASSWORD_VARIABLE) or (secrets or {}).get("operator_password")
    return str(password) if password else None


@dataclass
class Gate:
    """One session's standing: shared mode or not, unlocked or not, and its failed attempts."""

    password: str | None
    unlocked: bool = False
    failures: int = 0

    @property
    def shared(self) -> bool:
        return self.password is not None

    @property
    def may_change(self) -> bool:
        """Whether this session may train, evaluate, upload or change the default."""
        return not self.shared or self.unlocked

    @property
    def locked_out(self) -> bool:
        return self.failures >= MAX_ATTEMPTS

    def try_password(self, given: str) -> bool:
        """Unlock with the right password; count a wrong one. No attempt counts once locked out."""
        if self.locked_out or not self.shared:
            return self.may_change
        if hmac.compare_digest(given.encode("utf-8"), self.password.encode("utf-8")):
            self.unlocked = True
        else:
            self.failures += 1
        return self.unlocked
