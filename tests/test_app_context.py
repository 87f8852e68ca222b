"""app_context.py: the app's configuration, read once from the environment."""

from pathlib import Path

import pytest

from app_context import AppConfig
from recsys.config import DEFAULT_CACHE_DIR


def test_an_empty_environment_serves_the_default_data_and_cache_in_local_mode():
    config = AppConfig.from_env({})
    assert config == AppConfig(data=None, cache_dir=DEFAULT_CACHE_DIR, operator_password=None)


def test_the_environment_pins_the_data_and_the_cache():
    config = AppConfig.from_env({"RECSYS_DATA": "/srv/songs.csv", "RECSYS_CACHE_DIR": "/srv/cache"})
    assert config.data == Path("/srv/songs.csv") and config.cache_dir == Path("/srv/cache")


def test_empty_variables_count_as_unset():
    assert AppConfig.from_env({"RECSYS_DATA": "", "RECSYS_CACHE_DIR": ""}) == AppConfig()


def test_a_password_comes_from_the_environment_before_the_secrets_file():
    assert AppConfig.from_env({}, secrets={"operator_password": "s3cret"}).operator_password == "s3cret"
    both = AppConfig.from_env({"RECSYS_OPERATOR_PASSWORD": "from env"}, secrets={"operator_password": "s3cret"})
    assert both.operator_password == "from env"


def test_the_configuration_is_frozen():
    with pytest.raises(AttributeError):
        AppConfig().cache_dir = Path("/elsewhere")
