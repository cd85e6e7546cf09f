"""Settings, declared once and read from one place.

Every setting is declared in ``SETTINGS`` as ``(name, default, help)`` with a parser. A value comes
from, in order: the environment (``FIELDBOOK_<NAME>``), ``config.toml`` in the config folder, the
default. A value that cannot be used, an unknown key in ``config.toml`` or an unknown
``FIELDBOOK_*`` variable stops start-up with a ``ConfigError`` that names the setting: a typo must
not be ignored silently. Nothing here is read at import time; ``load_config()`` is called by the
launcher and the result is passed on.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from store.core.errors import ConfigError
from store.core.paths import Paths, resolve_paths

ENV_PREFIX = "FIELDBOOK_"


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str
    parse: Callable[[Any], Any]
    env_only: bool = False  # settings that decide where config.toml is cannot come from it

    @property
    def env_name(self) -> str:
        return ENV_PREFIX + self.name.upper()


def _choice(*options: str) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        text = str(value).strip().lower()
        if text not in options:
            raise ValueError(f"must be one of {', '.join(options)}")
        return text

    return parse


def _integer(low: int, high: int) -> Callable[[Any], int]:
    def parse(value: Any) -> int:
        if isinstance(value, bool):
            raise ValueError("must be a whole number")
        try:
            number = int(str(value).strip())
        except ValueError:
            raise ValueError("must be a whole number") from None
        if not low <= number <= high:
            raise ValueError(f"must be between {low} and {high}")
        return number

    return parse


def _boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off"):
        return False
    raise ValueError("must be true or false")


def _path(value: Any) -> Path | None:
    text = str(value).strip()
    if not text:
        raise ValueError("must be a folder path")
    return Path(text).expanduser()


SETTINGS: tuple[Setting, ...] = (
    Setting("home", None, "Put data, snapshots, inbox, logs, config and runtime files under this one folder.", _path, env_only=True),
    Setting("config_dir", None, "Folder of config.toml (default: the platform's config folder).", _path, env_only=True),
    Setting("data_dir", None, "Folder of the database, attachments and job queue.", _path),
    Setting("snapshots_dir", None, "Folder of automatic and manual snapshots.", _path),
    Setting("inbox_dir", None, "Watched folder for snapshot files and imports.", _path),
    Setting("logs_dir", None, "Folder of the JSON log files.", _path),
    Setting("runtime_dir", None, "Folder of the single-instance lock and the control-channel file.", _path),
    Setting("env", "prod", "dev or prod; dev logs more and shows diagnostics.", _choice("dev", "prod")),
    Setting("mode", "offline", "offline, or online to sync with a server (the default of the switch in Settings).", _choice("offline", "online")),
    Setting("theme", "auto", "Default colour theme: auto, light or dark (changeable in Settings).", _choice("auto", "light", "dark")),
    Setting("language", "auto", "Default UI language: auto (from the system), de or en (changeable in Settings).", _choice("auto", "de", "en")),
    Setting("window", "auto", "How the app is shown: auto, webview, app, browser or none (print the URL).", _choice("auto", "webview", "app", "browser", "none")),
    Setting("port", 0, "Local port of the app server; 0: the data folder's own port (the last one if free, else a new free one).", _integer(0, 65535)),
    Setting("min_free_mb", 200, "Refuse writes when the data folder's disk has less free space than this (MB).", _integer(0, 1_000_000)),
    Setting("max_upload_mb", 25, "Largest file a user can attach (MB).", _integer(1, 2048)),
    Setting("max_upload_held_mb", 200, "Most file bytes one window may hold uploaded but not yet saved (MB); all windows together hold at most 4 times this.", _integer(1, 65_536)),
    Setting("demo_project", True, "Create the tree-survey demo project on first start when there are no projects (true/false).", _boolean),
    Setting("log_level", "info", "debug, info, warning or error.", _choice("debug", "info", "warning", "error")),
    Setting("snapshot_interval_min", 15, "Take an automatic snapshot this often (minutes) when something changed; 0 turns it off.", _integer(0, 10_080)),
    Setting("snapshot_keep_hourly", 24, "Snapshots kept: the newest of each of this many hours.", _integer(0, 10_000)),
    Setting("snapshot_keep_daily", 14, "Snapshots kept: the newest of each of this many days.", _integer(0, 10_000)),
    Setting("snapshot_keep_weekly", 8, "Snapshots kept: the newest of each of this many weeks.", _integer(0, 10_000)),
    Setting("snapshot_keep_pre_restore", 5, "Snapshots taken before a restore that are kept (the newest ones); older ones go with retention.", _integer(0, 10_000)),
    Setting("sync_interval_min", 5, "In online mode, sync this often (minutes, 1 to 1440; the default of the interval in Settings).", _integer(1, 1440)),
)

_BY_NAME = {s.name: s for s in SETTINGS}
_PATH_SETTINGS = ("config_dir", "data_dir", "snapshots_dir", "inbox_dir", "logs_dir", "runtime_dir")


@dataclass(frozen=True)
class AppConfig:
    """The settings in force, plus the folders they resolve to."""

    env: str
    mode: str
    theme: str
    language: str
    window: str
    port: int
    min_free_mb: int
    max_upload_mb: int
    max_upload_held_mb: int
    demo_project: bool
    log_level: str
    snapshot_interval_min: int
    snapshot_keep_hourly: int
    snapshot_keep_daily: int
    snapshot_keep_weekly: int
    snapshot_keep_pre_restore: int
    sync_interval_min: int
    paths: Paths
    config_file: Path

    def resolved_language(self, environ: Mapping[str, str] | None = None) -> str:
        """``language`` with ``auto`` turned into ``de`` or ``en`` from the system locale."""
        if self.language != "auto":
            return self.language
        env = os.environ if environ is None else environ
        for var in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
            value = env.get(var, "")
            if value:
                return "de" if value.lower().startswith("de") else "en"
        return "en"


def _parse(setting: Setting, raw: Any, where: str) -> Any:
    try:
        return setting.parse(raw)
    except ValueError as exc:
        raise ConfigError(f"The setting '{setting.name}' ({where}) has the value {raw!r}, which {exc}.") from None


def _read_file(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"The config file {path} cannot be read: {exc}.") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"The config file {path} is not valid TOML: {exc}.") from None
    for key in data:
        setting = _BY_NAME.get(key)
        if setting is None:
            raise ConfigError(f"The config file {path} has an unknown setting '{key}'. Known settings: {', '.join(s.name for s in SETTINGS if not s.env_only)}.")
        if setting.env_only:
            raise ConfigError(f"The setting '{key}' cannot be set in {path}; use the environment variable {setting.env_name}.")
    return data


def load_config(environ: Mapping[str, str] | None = None) -> AppConfig:
    """Read the settings from ``environ`` (default: ``os.environ``) and ``config.toml``.

    Raises ``ConfigError`` naming the setting for any unknown or unusable value.
    """
    env = dict(os.environ if environ is None else environ)
    known_env = {s.env_name for s in SETTINGS}
    for var in sorted(env):
        if var.startswith(ENV_PREFIX) and var not in known_env:
            raise ConfigError(f"Unknown environment variable {var}. Known: {', '.join(sorted(known_env))}.")

    values: dict[str, Any] = {}
    for setting in SETTINGS:
        if setting.env_only and setting.env_name in env:
            values[setting.name] = _parse(setting, env[setting.env_name], f"from {setting.env_name}")

    paths_from_env = resolve_paths(home=values.get("home"), config_dir=values.get("config_dir"))
    config_file = paths_from_env.config_dir / "config.toml"
    from_file = _read_file(config_file)

    for setting in SETTINGS:
        if setting.env_only:
            values.setdefault(setting.name, setting.default)
        elif setting.env_name in env:
            values[setting.name] = _parse(setting, env[setting.env_name], f"from {setting.env_name}")
        elif setting.name in from_file:
            values[setting.name] = _parse(setting, from_file[setting.name], f"in {config_file}")
        else:
            values[setting.name] = setting.default

    folders = {name: values[name] for name in _PATH_SETTINGS}
    paths = resolve_paths(home=values["home"], **folders)
    plain = {s.name: values[s.name] for s in SETTINGS if s.name != "home" and s.name not in _PATH_SETTINGS}
    return AppConfig(
        **plain,
        paths=paths,
        config_file=config_file,
    )
