"""Shared mode, driven headless through AppTest: with an operator password set, training,
evaluation runs and uploads wait for it, and a session that guesses wrong too often is locked out."""


def unlock(app, password: str) -> None:
    """Type `password` into the page's operator password form and submit it."""
    next(w for w in app.text_input if w.label == "Operator password").input(password)
    next(b for b in app.button if b.label == "Unlock").click().run()


def test_in_shared_mode_training_uploads_and_evaluation_wait_for_the_operator_password(app_env):
    app_env = app_env.replace(operator_password="correct horse")
    app = app_env.open("pages/train.py")
    assert "training a model needs the operator password" in app.info[0].value
    assert not [b for b in app.button if b.label == "Start training"]
    unlock(app, "wrong")
    assert "not the operator password (4 tries left)" in app.error[0].value
    unlock(app, "correct horse")
    assert [b for b in app.button if b.label == "Start training"]  # unlocked for this session
    app.switch_page("pages/evaluation.py").run()
    assert [b for b in app.button if b.label.startswith("Run the evaluation")]  # once per session
    visitor = app_env.open("pages/evaluation.py")  # another session: still locked
    assert "running the evaluation needs the operator password" in visitor.info[0].value
    assert not app_env.replace(data=None).open("pages/data.py").file_uploader  # uploads are the operator's too


def test_a_session_that_guesses_wrong_too_often_is_locked_out(app_env):
    app_env = app_env.replace(operator_password="correct horse")
    app = app_env.open("pages/train.py")
    for _ in range(5):
        unlock(app, "guess")
    assert "Too many wrong passwords" in app.error[0].value
    app.run()
    assert not [w for w in app.text_input if w.label == "Operator password"]  # no more tries
    assert "Too many wrong passwords" in app.error[0].value
