"""The operator password's form: what unlocks training, evaluation runs, uploads and the default in
shared mode (see recsys.access)."""

import streamlit as st

from app_context import GATE, config
from recsys import access
from recsys.words import plural


def gate() -> access.Gate:
    """This session's standing with the operator password (see recsys.access)."""
    if GATE not in st.session_state:
        st.session_state[GATE] = access.Gate(config().operator_password)
    return st.session_state[GATE]


def operator_only(what: str) -> bool:
    """Whether this session may do `what` (e.g. "training a model"). In shared mode, until the
    operator password is given, it says why the control is locked and asks for the password."""
    standing = gate()
    if standing.may_change:
        return True
    st.info(f"This app is shared: {what} needs the operator password.", icon=":material/lock:")
    if not standing.locked_out:
        with st.form(f"unlock-{what}"):
            given = st.text_input("Operator password", type="password")
            if st.form_submit_button("Unlock"):
                if standing.try_password(given):
                    st.rerun()
                left = access.MAX_ATTEMPTS - standing.failures
                if left:
                    st.error(f"That is not the operator password ({plural(left, 'try', 'tries')} left).")
    if standing.locked_out:
        st.error("Too many wrong passwords in this session; the controls stay locked.")
    return False
