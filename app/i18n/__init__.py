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
    "page.inputs": {"en": "Inputs", "de": "Eingaben"},
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
        "en": "NOT saved: {reason} What you entered is still shown and is saved with your next change.",
        "de": "NICHT gespeichert: {reason} Ihre Eingabe wird weiter angezeigt und mit Ihrer nächsten Änderung gespeichert.",
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
    # controlled widgets and forms
    "file.remove": {"en": "Remove", "de": "Entfernen"},
    "list.prev": {"en": "Previous page", "de": "Vorige Seite"},
    "list.next": {"en": "Next page", "de": "Nächste Seite"},
    "a11y.skip": {"en": "Skip to main content", "de": "Zum Hauptinhalt springen"},
    "upload.add": {"en": "Add files", "de": "Dateien hinzufügen"},
    "upload.input": {"en": "file upload", "de": "Datei hochladen"},
    "upload.remove": {"en": "Remove", "de": "Entfernen:"},
    "a11y.heading_link": {"en": "Link to heading", "de": "Link zu dieser Überschrift"},
    "upload.choose": {"en": "Upload", "de": "Datei wählen"},
    "upload.drop": {"en": "or drop a file here", "de": "oder Datei hierher ziehen"},
    "file.too_big": {
        "en": "{name} is {size}; files can be at most {limit}. It was not stored.",
        "de": "{name} ist {size} groß; Dateien dürfen höchstens {limit} groß sein. Sie wurde nicht gespeichert.",
    },
    "number.not_a_number": {
        "en": "“{text}” is not a number as written in English. Write it like {example}; nothing was changed in what you typed.",
        "de": "„{text}“ ist keine Zahl in deutscher Schreibweise. Schreiben Sie sie wie {example}; Ihre Eingabe bleibt, wie sie ist.",
    },
    "number.whole": {
        "en": "“{text}” is not a whole number. Write it like {example}.",
        "de": "„{text}“ ist keine ganze Zahl. Schreiben Sie sie wie {example}.",
    },
    "geopoint.not_a_location": {
        "en": "“{text}” is not a location. Write latitude, longitude and, if known, the accuracy in metres, like {example}.",
        "de": "„{text}“ ist kein Standort. Schreiben Sie Breite; Länge und, falls bekannt, die Genauigkeit in Metern, wie {example}.",
    },
    "geoline.too_few_geotrace": {
        "en": "A line needs at least 2 points: one location per line, like {example}.",
        "de": "Eine Linie braucht mindestens 2 Punkte: einen Standort pro Zeile, wie {example}.",
    },
    "geoline.too_few_geoshape": {
        "en": "An area needs at least 3 points around it: one location per line, like {example}.",
        "de": "Eine Fläche braucht mindestens 3 Punkte ringsum: einen Standort pro Zeile, wie {example}.",
    },
    "geopoint.outside": {
        "en": "“{text}” is not on the earth: the latitude goes from −90 to 90, the longitude from −180 to 180.",
        "de": "„{text}“ liegt nicht auf der Erde: Die Breite reicht von −90 bis 90, die Länge von −180 bis 180.",
    },
    "geopoint.accuracy": {
        "en": "“{text}”: the accuracy (the third number, in metres) cannot be negative.",
        "de": "„{text}“: Die Genauigkeit (die dritte Zahl, in Metern) kann nicht negativ sein.",
    },
    "value.invalid": {
        "en": "This value cannot be used here. Correct it or clear the field.",
        "de": "Dieser Wert passt hier nicht. Korrigieren Sie ihn oder leeren Sie das Feld.",
    },
    "file.unreadable": {"en": "The file could not be read ({reason}).", "de": "Die Datei konnte nicht gelesen werden ({reason})."},
    "form.unsaved": {"en": "Unsaved changes (kept as a draft)", "de": "Ungespeicherte Änderungen (als Entwurf behalten)"},
    "form.saved": {"en": "Saved", "de": "Gespeichert"},
    "form.no_changes": {"en": "No changes", "de": "Keine Änderungen"},
    "form.undo": {"en": "Undo", "de": "Rückgängig"},
    "form.redo": {"en": "Redo", "de": "Wiederholen"},
    "form.save": {"en": "Save", "de": "Speichern"},
    "form.apply": {"en": "Apply", "de": "Übernehmen"},
    "form.reset": {"en": "Reset", "de": "Zurücksetzen"},
    "form.cannot_save": {"en": "Cannot save yet — check: {names}", "de": "Speichern noch nicht möglich — bitte prüfen: {names}"},
    "form.versions": {"en": "Versions of this form", "de": "Versionen dieses Formulars"},
    "form.version.name": {"en": "Name of a new version", "de": "Name einer neuen Version"},
    "form.version.save": {"en": "Keep version", "de": "Version behalten"},
    "form.version.pick": {"en": "Saved versions", "de": "Gespeicherte Versionen"},
    "form.version.none": {"en": "Choose a version", "de": "Version wählen"},
    "form.version.restore": {"en": "Restore", "de": "Wiederherstellen"},
    "form.version.unnamed": {"en": "Version", "de": "Version"},
    "form.error.required": {"en": "Required.", "de": "Pflichtfeld."},
    "form.error.min": {"en": "Must be at least {min}.", "de": "Muss mindestens {min} sein."},
    "form.error.max": {"en": "Must be at most {max}.", "de": "Darf höchstens {max} sein."},
    "form.error.min_length": {"en": "At least {n} characters.", "de": "Mindestens {n} Zeichen."},
    "form.error.max_length": {"en": "At most {n} characters.", "de": "Höchstens {n} Zeichen."},
    "form.error.pattern": {"en": "Not in the expected format.", "de": "Nicht im erwarteten Format."},
    "form.error.type": {"en": "Not a valid value.", "de": "Kein gültiger Wert."},
    "form.error.future": {"en": "Cannot be in the future.", "de": "Darf nicht in der Zukunft liegen."},
    "inputs.observer": {"en": "Observer", "de": "Beobachter/in"},
    "inputs.notes": {"en": "Notes", "de": "Notizen"},
    "inputs.count": {"en": "Count", "de": "Anzahl"},
    "inputs.species": {"en": "Species", "de": "Art"},
    "inputs.habitats": {"en": "Habitats", "de": "Lebensräume"},
    "inputs.verified": {"en": "Verified", "de": "Geprüft"},
    "inputs.weather": {"en": "Weather", "de": "Wetter"},
    "inputs.observed_on": {"en": "Date observed", "de": "Beobachtet am"},
    "inputs.observed_at": {"en": "Time observed", "de": "Beobachtet um"},
    "inputs.cover": {"en": "Cover (%)", "de": "Deckung (%)"},
    "inputs.photo": {"en": "Photo", "de": "Foto"},
    "diag.title": {"en": "Diagnostics", "de": "Diagnose"},
    "diag.reruns": {
        "en": "{n} page runs · median {p50:.1f} ms · 95% within {p95:.1f} ms · {share:.0f}% within 50 ms",
        "de": "{n} Seitenläufe · Median {p50:.1f} ms · 95 % innerhalb {p95:.1f} ms · {share:.0f} % innerhalb 50 ms",
    },
    "diag.none": {"en": "No page runs measured yet.", "de": "Noch keine Seitenläufe gemessen."},
    # background jobs (app/views/jobs.py)
    "jobs.intro": {
        "en": "Long work runs here in the background while you keep working. A job interrupted by a restart runs again.",
        "de": "Lange Arbeiten laufen hier im Hintergrund, während Sie weiterarbeiten. Eine durch einen Neustart unterbrochene Aufgabe läuft erneut.",
    },
    "jobs.unavailable": {"en": "Background jobs are not running.", "de": "Hintergrundaufgaben laufen gerade nicht."},
    "jobs.start_demo": {"en": "Start demo job", "de": "Demo-Aufgabe starten"},
    "jobs.started": {"en": "Job {id} started.", "de": "Aufgabe {id} gestartet."},
    "jobs.none": {
        "en": "No jobs yet. Jobs you start appear here with their progress.",
        "de": "Noch keine Aufgaben. Gestartete Aufgaben erscheinen hier mit ihrem Fortschritt.",
    },
    "jobs.cancel": {"en": "Cancel", "de": "Abbrechen"},
    "jobs.retry": {"en": "Retry", "de": "Wiederholen"},
    "jobs.download": {"en": "Download", "de": "Herunterladen"},
    "jobs.cancel_requested": {"en": "Job {id}: cancel requested.", "de": "Aufgabe {id}: Abbruch angefordert."},
    "jobs.retried": {"en": "Job {id} queued again.", "de": "Aufgabe {id} wurde erneut eingereiht."},
    "jobs.action_failed": {"en": "Not done: {reason}", "de": "Nicht ausgeführt: {reason}"},
    "jobs.status.queued": {"en": "Queued", "de": "Wartet"},
    "jobs.status.running": {"en": "Running", "de": "Läuft"},
    "jobs.status.stopping": {"en": "Stopping…", "de": "Wird beendet…"},
    "jobs.status.done": {"en": "Done", "de": "Fertig"},
    "jobs.status.failed": {"en": "Failed", "de": "Fehlgeschlagen"},
    "jobs.status.cancelled": {"en": "Cancelled", "de": "Abgebrochen"},
    "jobs.attempt": {"en": "attempt {attempt} of {max}", "de": "Versuch {attempt} von {max}"},
    "jobs.elapsed": {"en": "running for {elapsed}", "de": "läuft seit {elapsed}"},
    "jobs.remaining": {"en": "about {remaining} left", "de": "noch etwa {remaining}"},
    "jobs.took": {"en": "took {elapsed}", "de": "dauerte {elapsed}"},
    "jobs.waiting": {"en": "waiting for a free worker", "de": "wartet auf einen freien Platz"},
    "jobs.waiting_for": {"en": "waits for {n} other job(s) to finish", "de": "wartet, bis {n} andere Aufgabe(n) fertig sind"},
    "jobs.starts_at": {"en": "starts at {time}", "de": "beginnt um {time}"},
    "jobs.retrying": {
        "en": "attempt {attempt} of {max} failed; next try at {time}",
        "de": "Versuch {attempt} von {max} fehlgeschlagen; nächster Versuch um {time}",
    },
    "jobs.error": {"en": "error: {error}", "de": "Fehler: {error}"},
    "jobs.indicator.running": {"en": "{n} running · {pct}%", "de": "{n} aktiv · {pct} %"},
    "jobs.indicator.queued": {"en": "{n} queued", "de": "{n} wartend"},
    "job.demo.sleep_steps": {"en": "Demo job", "de": "Demo-Aufgabe"},
    "job.records.export": {"en": "Export records", "de": "Datensätze exportieren"},
    "job.records.import": {"en": "Import records", "de": "Datensätze importieren"},
    "jobs.details": {"en": "Details", "de": "Details"},
    "jobs.details.text": {"en": "Job {id} · task {task} · attempt {attempt} of {max}", "de": "Aufgabe {id} · Art {task} · Versuch {attempt} von {max}"},
    "jobs.result.records": {"en": "{n} records written", "de": "{n} Datensätze geschrieben"},
    "jobs.result.imported": {"en": "{n} records imported", "de": "{n} Datensätze importiert"},
    "jobs.result.steps": {"en": "{n} steps done", "de": "{n} Schritte erledigt"},
    # snapshots page (issue 6)
    "snap.hint": {"en": "Snapshots are taken automatically; you can also take one now.", "de": "Sicherungen entstehen automatisch; Sie können auch jetzt eine anlegen."},
    "snap.create": {"en": "Take a snapshot now", "de": "Jetzt sichern"},
    "snap.col.created": {"en": "Taken", "de": "Erstellt"},
    "snap.col.age": {"en": "Age", "de": "Alter"},
    "snap.col.reason": {"en": "Reason", "de": "Anlass"},
    "snap.col.size": {"en": "Size", "de": "Größe"},
    "snap.col.verified": {"en": "Verified", "de": "Geprüft"},
    "snap.col.pinned": {"en": "Pinned", "de": "Angeheftet"},
    "snap.age.now": {"en": "just now", "de": "gerade eben"},
    "snap.age.min": {"en": "{n} min", "de": "{n} Min."},
    "snap.age.h": {"en": "{n} h", "de": "{n} Std."},
    "snap.age.d": {"en": "{n} days", "de": "{n} Tage"},
    "snap.verified.ok": {"en": "✓ verified", "de": "✓ geprüft"},
    "snap.verified.failed": {"en": "✗ failed", "de": "✗ fehlerhaft"},
    "snap.verified.never": {"en": "not yet", "de": "noch nicht"},
    "snap.pick": {"en": "Snapshot", "de": "Sicherung"},
    "snap.none": {"en": "No snapshot yet", "de": "Noch keine Sicherung"},
    "snap.verify": {"en": "Verify", "de": "Prüfen"},
    "snap.restore": {"en": "Restore…", "de": "Wiederherstellen…"},
    "snap.pin": {"en": "Pin", "de": "Anheften"},
    "snap.unpin": {"en": "Unpin", "de": "Lösen"},
    "snap.export.passphrase": {"en": "Passphrase for the download (optional: encrypts the file)", "de": "Passphrase für den Download (optional: verschlüsselt die Datei)"},
    "snap.download": {"en": "Download .fbsnap", "de": ".fbsnap herunterladen"},
    "snap.upload.title": {"en": "Restore from a snapshot file", "de": "Aus einer Sicherungsdatei wiederherstellen"},
    "snap.upload": {"en": "Snapshot file (.fbsnap)", "de": "Sicherungsdatei (.fbsnap)"},
    "snap.upload.passphrase": {"en": "Its passphrase (if encrypted)", "de": "Ihre Passphrase (falls verschlüsselt)"},
    "snap.inbox.title": {"en": "Inbox: {folder}", "de": "Eingang: {folder}"},
    "snap.inbox.empty": {"en": "Nothing in the inbox.", "de": "Nichts im Eingang."},
    "snap.inbox.available": {"en": "available to restore", "de": "kann wiederhergestellt werden"},
    "snap.inbox.arriving": {"en": "still arriving…", "de": "wird noch geschrieben…"},
    "snap.inbox.import": {"en": "offered for import", "de": "zum Import angeboten"},
    "snap.inbox.import_button": {"en": "Import", "de": "Importieren"},
    "snap.confirm.title": {"en": "Restore **{label}**?", "de": "**{label}** wiederherstellen?"},
    "snap.confirm.replaces": {
        "en": "This replaces all current data — every input, form, version, setting and the job list — with the state of this snapshot.",
        "de": "Das ersetzt alle aktuellen Daten — alle Eingaben, Formulare, Versionen, Einstellungen und die Aufgabenliste — durch den Stand dieser Sicherung.",
    },
    "snap.confirm.kept": {
        "en": "The current state is kept first as a pinned snapshot, so you can go back to it. The newest {n} of these are kept; older ones are removed with the other old snapshots unless you pin them.",
        "de": "Der aktuelle Stand wird vorher als angeheftete Sicherung behalten, Sie können also zu ihm zurück. Die neuesten {n} davon bleiben; ältere werden mit den anderen alten Sicherungen entfernt, außer Sie heften sie an.",
    },
    "snap.confirm.go": {"en": "Restore now", "de": "Jetzt wiederherstellen"},
    "snap.confirm.cancel": {"en": "Cancel", "de": "Abbrechen"},
    "snap.op.create": {"en": "Taking a snapshot", "de": "Sicherung wird erstellt"},
    "snap.op.verify": {"en": "Verifying", "de": "Prüfung"},
    "snap.op.restore": {"en": "Restoring", "de": "Wiederherstellung"},
    "snap.done.create": {"en": "Snapshot {id} taken and verified.", "de": "Sicherung {id} erstellt und geprüft."},
    "snap.done.verify": {"en": "Snapshot {id} is intact.", "de": "Sicherung {id} ist in Ordnung."},
    "snap.done.restore": {
        "en": "Restored {source}. The previous state is kept as snapshot {previous}.",
        "de": "{source} wiederhergestellt. Der vorige Stand ist als Sicherung {previous} behalten.",
    },
}


def t(lang: str, key: str, **values: Any) -> str:
    """The text for ``key`` in ``lang`` (English if missing), formatted with ``values``."""
    entry = TEXTS.get(key)
    if entry is None:
        return key
    text = entry.get(lang) or entry["en"]
    return text.format(**values) if values else text


def say(lang: str, what: object) -> str:
    """``what`` for a person in ``lang``: a sentence the store said (``store.core.texts.Text``,
    also inside an exception, or a form ``Problem``) in that language, anything else as its text."""
    from app.i18n.said import forms
    from store.core.texts import Text, of, word
    from store.formdef import Problem

    if isinstance(what, Problem):
        what = what.text()
    if isinstance(what, BaseException):
        what = of(what)
    if isinstance(what, Text):
        return word(what.key, what.args, lang, forms(lang))
    return str(what)


def _merge(*tables: dict[str, dict[str, str]]) -> None:
    """Texts of a feature live in their own module; they join the one table (keys stay unique)."""
    for table in tables:
        clash = set(table) & set(TEXTS)
        if clash:
            raise RuntimeError(f"UI text keys defined twice: {sorted(clash)}")
        TEXTS.update(table)


from app.i18n import conflicts, field, forms, sync  # noqa: E402  (they only define tables)

_merge(field.TEXTS, forms.TEXTS, sync.TEXTS, conflicts.TEXTS)
