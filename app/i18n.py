"""UI text in German and English. Every key has both; a test checks it."""

from __future__ import annotations

from typing import Any

LANGUAGES = {"de": "Deutsch", "en": "English"}

TEXTS: dict[str, dict[str, str]] = {
    "app.title": {"en": "Fieldbook", "de": "Fieldbook"},
    "app.tagline": {"en": "Field data, kept safe on this computer.", "de": "Felddaten, sicher auf diesem Computer."},
    "nav.back": {"en": "Back", "de": "Zurück"},
    "nav.forward": {"en": "Forward", "de": "Vor"},
    "nav.pages": {"en": "Pages", "de": "Seiten"},
    "page.home": {"en": "Home", "de": "Start"},
    "page.records": {"en": "Records", "de": "Datensätze"},
    "page.jobs": {"en": "Jobs", "de": "Aufgaben"},
    "page.snapshots": {"en": "Snapshots", "de": "Sicherungen"},
    "page.settings": {"en": "Settings", "de": "Einstellungen"},
    "home.welcome": {
        "en": "Welcome to Fieldbook. Everything you enter is saved at once on this computer.",
        "de": "Willkommen bei Fieldbook. Alles, was Sie eingeben, wird sofort auf diesem Computer gespeichert.",
    },
    "home.data_location": {"en": "Your data is stored in", "de": "Ihre Daten liegen in"},
    "home.schema": {"en": "Database schema version", "de": "Version des Datenbankschemas"},
    "placeholder.soon": {
        "en": "This page is being built and arrives in a coming version.",
        "de": "Diese Seite entsteht gerade und kommt mit einer der nächsten Versionen.",
    },
    "settings.language": {"en": "Language", "de": "Sprache"},
    "settings.theme": {"en": "Theme", "de": "Farbschema"},
    "settings.theme.auto": {"en": "Automatic (like the system)", "de": "Automatisch (wie das System)"},
    "settings.theme.light": {"en": "Light", "de": "Hell"},
    "settings.theme.dark": {"en": "Dark", "de": "Dunkel"},
    "settings.saved": {"en": "Saved.", "de": "Gespeichert."},
    "settings.folders": {"en": "Folders", "de": "Ordner"},
    "settings.folder.data_dir": {"en": "Data", "de": "Daten"},
    "settings.folder.snapshots_dir": {"en": "Snapshots", "de": "Sicherungen"},
    "settings.folder.inbox_dir": {"en": "Inbox", "de": "Eingang"},
    "settings.folder.logs_dir": {"en": "Logs", "de": "Protokolle"},
    "settings.folder.config_dir": {"en": "Configuration", "de": "Konfiguration"},
    "settings.folder.runtime_dir": {"en": "Runtime", "de": "Laufzeit"},
    "locked.title": {"en": "Open Fieldbook from its icon", "de": "Öffnen Sie Fieldbook über sein Symbol"},
    "locked.body": {
        "en": "This address only works in the window Fieldbook opens itself. Please start Fieldbook from its icon.",
        "de": "Diese Adresse funktioniert nur im Fenster, das Fieldbook selbst öffnet. Bitte starten Sie Fieldbook über sein Symbol.",
    },
    "error.not_saved": {
        "en": "Not saved: {reason}",
        "de": "Nicht gespeichert: {reason}",
    },
    "error.not_running": {
        "en": "Fieldbook's data service is not running. Start Fieldbook from its icon.",
        "de": "Der Datendienst von Fieldbook läuft nicht. Starten Sie Fieldbook über sein Symbol.",
    },
    "error.not_allowed": {"en": "You may not open this page.", "de": "Sie dürfen diese Seite nicht öffnen."},
    "error.page_failed": {
        "en": "This page could not be shown. Your data is safe; the details are in the log.",
        "de": "Diese Seite konnte nicht angezeigt werden. Ihre Daten sind sicher; Einzelheiten stehen im Protokoll.",
    },
}


def t(lang: str, key: str, **values: Any) -> str:
    """The text for ``key`` in ``lang`` (English if missing), formatted with ``values``."""
    entry = TEXTS.get(key)
    if entry is None:
        return key
    text = entry.get(lang) or entry["en"]
    return text.format(**values) if values else text
