"""Settings: defaults, FIELDBOOK_HOME, precedence env > config.toml > default, and failing fast.

Every test passes ``environ`` explicitly with FIELDBOOK_HOME under ``tmp_path``, so neither the
machine's environment nor the real user folders play a part.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from store.core.config import SETTINGS, load_config
from store.core.errors import ConfigError, FieldbookError


def env_for(home: Path, **extra: str) -> dict[str, str]:
    return {"FIELDBOOK_HOME": str(home), **extra}


def write_config(home: Path, text: str) -> Path:
    path = home / "config" / "config.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults(tmp_path: Path) -> None:
    cfg = load_config(environ=env_for(tmp_path))
    assert (cfg.env, cfg.mode, cfg.theme, cfg.language, cfg.window) == ("prod", "offline", "auto", "auto", "auto")
    assert (cfg.port, cfg.min_free_mb, cfg.log_level) == (0, 200, "info")
    assert cfg.config_file == tmp_path / "config" / "config.toml"


def test_defaults_match_declared_settings(tmp_path: Path) -> None:
    cfg = load_config(environ=env_for(tmp_path))
    for setting in SETTINGS:
        if hasattr(cfg, setting.name):
            assert getattr(cfg, setting.name) == setting.default, setting.name


def test_home_puts_all_six_folders_under_it(tmp_path: Path) -> None:
    paths = load_config(environ=env_for(tmp_path)).paths
    assert {name: p for name, p in paths.folders().items()} == {
        "data_dir": tmp_path / "data",
        "snapshots_dir": tmp_path / "snapshots",
        "inbox_dir": tmp_path / "inbox",
        "logs_dir": tmp_path / "logs",
        "config_dir": tmp_path / "config",
        "runtime_dir": tmp_path / "run",
    }
    assert paths.database == tmp_path / "data" / "fieldbook.duckdb"


def test_load_config_creates_no_folders(tmp_path: Path) -> None:
    load_config(environ=env_for(tmp_path / "home"))
    assert not (tmp_path / "home").exists()


def test_single_folder_overrides_home(tmp_path: Path) -> None:
    paths = load_config(environ=env_for(tmp_path, FIELDBOOK_LOGS_DIR=str(tmp_path / "elsewhere"))).paths
    assert paths.logs_dir == tmp_path / "elsewhere"
    assert paths.data_dir == tmp_path / "data"


def test_config_dir_moves_config_file(tmp_path: Path) -> None:
    (tmp_path / "cfg").mkdir()
    (tmp_path / "cfg" / "config.toml").write_text('theme = "dark"\n', encoding="utf-8")
    cfg = load_config(environ=env_for(tmp_path, FIELDBOOK_CONFIG_DIR=str(tmp_path / "cfg")))
    assert cfg.config_file == tmp_path / "cfg" / "config.toml"
    assert cfg.theme == "dark"


def test_config_file_beats_default(tmp_path: Path) -> None:
    write_config(tmp_path, 'theme = "dark"\nport = 8123\nmin_free_mb = 50\n')
    cfg = load_config(environ=env_for(tmp_path))
    assert (cfg.theme, cfg.port, cfg.min_free_mb) == ("dark", 8123, 50)
    assert cfg.window == "auto"


def test_environment_beats_config_file(tmp_path: Path) -> None:
    write_config(tmp_path, 'theme = "dark"\nport = 8123\n')
    cfg = load_config(environ=env_for(tmp_path, FIELDBOOK_THEME="light", FIELDBOOK_PORT="9000"))
    assert (cfg.theme, cfg.port) == ("light", 9000)


def test_config_file_folder_setting(tmp_path: Path) -> None:
    write_config(tmp_path, f'data_dir = "{tmp_path / "mydata"}"\n')
    assert load_config(environ=env_for(tmp_path)).paths.data_dir == tmp_path / "mydata"


def test_choice_values_are_normalised(tmp_path: Path) -> None:
    assert load_config(environ=env_for(tmp_path, FIELDBOOK_WINDOW=" Browser ")).window == "browser"


def test_unknown_key_in_config_file(tmp_path: Path) -> None:
    write_config(tmp_path, 'theme = "dark"\nthem = "light"\n')
    with pytest.raises(ConfigError, match="'them'"):
        load_config(environ=env_for(tmp_path))


@pytest.mark.parametrize("key", ["home", "config_dir"])
def test_env_only_key_in_config_file(tmp_path: Path, key: str) -> None:
    write_config(tmp_path, f'{key} = "{tmp_path / "x"}"\n')
    with pytest.raises(ConfigError) as info:
        load_config(environ=env_for(tmp_path))
    assert f"'{key}'" in str(info.value)
    assert f"FIELDBOOK_{key.upper()}" in str(info.value)


def test_malformed_toml(tmp_path: Path) -> None:
    path = write_config(tmp_path, 'theme = "dark\n')
    with pytest.raises(ConfigError) as info:
        load_config(environ=env_for(tmp_path))
    assert str(path) in str(info.value)
    assert "TOML" in str(info.value)


@pytest.mark.parametrize(
    ("var", "value", "setting"),
    [
        ("FIELDBOOK_WINDOW", "banana", "window"),
        ("FIELDBOOK_PORT", "70000", "port"),
        ("FIELDBOOK_PORT", "abc", "port"),
        ("FIELDBOOK_MIN_FREE_MB", "-1", "min_free_mb"),
        ("FIELDBOOK_LOG_LEVEL", "loud", "log_level"),
        ("FIELDBOOK_HOME", "", "home"),
    ],
)
def test_bad_environment_value_names_the_setting(tmp_path: Path, var: str, value: str, setting: str) -> None:
    environ = env_for(tmp_path)
    environ[var] = value
    with pytest.raises(ConfigError) as info:
        load_config(environ=environ)
    message = str(info.value)
    assert f"'{setting}'" in message
    assert var in message
    assert repr(value) in message


def test_bad_config_file_value_names_setting_and_file(tmp_path: Path) -> None:
    path = write_config(tmp_path, "port = 70000\n")
    with pytest.raises(ConfigError) as info:
        load_config(environ=env_for(tmp_path))
    assert "'port'" in str(info.value)
    assert str(path) in str(info.value)


def test_boolean_is_not_a_port(tmp_path: Path) -> None:
    write_config(tmp_path, "port = true\n")
    with pytest.raises(ConfigError, match="'port'"):
        load_config(environ=env_for(tmp_path))


def test_unknown_environment_variable(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="FIELDBOOK_FOO"):
        load_config(environ=env_for(tmp_path, FIELDBOOK_FOO="1"))


def test_other_environment_variables_are_ignored(tmp_path: Path) -> None:
    cfg = load_config(environ=env_for(tmp_path, FIELDBOOKX="1", PATH="/bin", FIELD_BOOK_PORT="x"))
    assert cfg.port == 0


def test_config_error_exit_code() -> None:
    assert ConfigError.exit_code == 2
    assert issubclass(ConfigError, FieldbookError)
    assert ConfigError("x").exit_code == 2


@pytest.mark.parametrize(
    ("locale_env", "expected"),
    [
        ({"LANG": "de_DE.UTF-8"}, "de"),
        ({"LANG": "de_AT.UTF-8"}, "de"),
        ({"LANG": "C"}, "en"),
        ({"LANG": "en_GB.UTF-8"}, "en"),
        ({}, "en"),
        ({"LC_ALL": "C", "LANG": "de_DE.UTF-8"}, "en"),
        ({"LC_ALL": "de_CH.UTF-8", "LANG": "C"}, "de"),
    ],
)
def test_resolved_language_auto(tmp_path: Path, locale_env: dict[str, str], expected: str) -> None:
    cfg = load_config(environ=env_for(tmp_path))
    assert cfg.language == "auto"
    assert cfg.resolved_language(locale_env) == expected


@pytest.mark.parametrize("language", ["de", "en"])
def test_explicit_language_wins(tmp_path: Path, language: str) -> None:
    cfg = load_config(environ=env_for(tmp_path, FIELDBOOK_LANGUAGE=language))
    other = "en_US.UTF-8" if language == "de" else "de_DE.UTF-8"
    assert cfg.resolved_language({"LANG": other, "LC_ALL": other}) == language
