"""UI texts of the sync pages (English and German); joined into app.i18n.TEXTS by `_merge`."""

TEXTS: dict[str, dict[str, str]] = {
    # -- Settings → Sync ----------------------------------------------------------------------
    "sync.section": {"en": "Sync with a server", "de": "Abgleich mit einem Server"},
    "sync.intro": {
        "en": "Each computer keeps working on its own data. In online mode, changes are exchanged with a central PostgreSQL server.",
        "de": "Jeder Computer arbeitet mit seinen eigenen Daten weiter. Im Online-Modus werden Änderungen mit einem zentralen PostgreSQL-Server ausgetauscht.",
    },
    "sync.url": {"en": "Server address (URL)", "de": "Serveradresse (URL)"},
    "sync.url.placeholder": {"en": "postgresql://HOST:5432/DATABASE", "de": "postgresql://HOST:5432/DATENBANK"},
    "sync.user": {"en": "User name", "de": "Benutzername"},
    "sync.password": {"en": "Password", "de": "Passwort"},
    "sync.password.stored": {"en": "A password is stored", "de": "Ein Passwort ist gespeichert"},
    "sync.password.none": {"en": "No password stored", "de": "Kein Passwort gespeichert"},
    "sync.password.help": {
        "en": "Kept in the system's password store (keyring), never in Fieldbook's files. Leave empty to keep the stored password.",
        "de": "Wird im Passwortspeicher des Systems (Schlüsselbund) abgelegt, nie in Fieldbooks Dateien. Leer lassen, um das gespeicherte Passwort zu behalten.",
    },
    "sync.save": {"en": "Save", "de": "Speichern"},
    "sync.saved": {"en": "Saved.", "de": "Gespeichert."},
    "sync.saved_password": {"en": "Saved. The password is in the keyring.", "de": "Gespeichert. Das Passwort liegt im Schlüsselbund."},
    "sync.unsaved": {"en": "Not saved yet: press Save to use this address.", "de": "Noch nicht gespeichert: Drücken Sie „Speichern“, um diese Adresse zu verwenden."},
    "sync.forget": {"en": "Forget password", "de": "Passwort vergessen"},
    "sync.forgotten": {"en": "The stored password was removed.", "de": "Das gespeicherte Passwort wurde entfernt."},
    "sync.failed": {"en": "Could not save: {reason}", "de": "Konnte nicht speichern: {reason}"},
    "sync.failed.other": {
        "en": "the change could not be written; the details are in the log",
        "de": "die Änderung konnte nicht geschrieben werden; Einzelheiten stehen im Protokoll",
    },
    "sync.load_failed": {
        "en": "The sync settings cannot be read right now; the details are in the log.",
        "de": "Die Abgleich-Einstellungen können gerade nicht gelesen werden; Einzelheiten stehen im Protokoll.",
    },
    "sync.detail.help": {"en": "Details: {detail}", "de": "Einzelheiten (englisch): {detail}"},
    # -- why a server URL was refused (store.sync.errors.URL_REASONS) ---------------------------
    "sync.url.error.none": {
        "en": "No sync server is set. Enter one like postgresql://USER@HOST:PORT/DATABASE.",
        "de": "Es ist kein Abgleich-Server eingestellt. Geben Sie einen ein, etwa postgresql://BENUTZER@HOST:PORT/DATENBANK.",
    },
    "sync.url.error.shape": {
        "en": "The server URL must look like postgresql://USER@HOST:PORT/DATABASE.",
        "de": "Die Serveradresse muss so aussehen: postgresql://BENUTZER@HOST:PORT/DATENBANK.",
    },
    "sync.url.error.spaces": {
        "en": "The server URL must not contain spaces; it looks like postgresql://USER@HOST:PORT/DATABASE.",
        "de": "Die Serveradresse darf keine Leerzeichen enthalten; sie sieht so aus: postgresql://BENUTZER@HOST:PORT/DATENBANK.",
    },
    "sync.url.error.port": {
        "en": "The port in the server URL must be a number between 1 and 65535 (postgresql://USER@HOST:PORT/DATABASE).",
        "de": "Der Port in der Serveradresse muss eine Zahl zwischen 1 und 65535 sein (postgresql://BENUTZER@HOST:PORT/DATENBANK).",
    },
    "sync.url.error.host": {
        "en": "The server URL names no host; it looks like postgresql://USER@HOST:PORT/DATABASE.",
        "de": "Die Serveradresse nennt keinen Host; sie sieht so aus: postgresql://BENUTZER@HOST:PORT/DATENBANK.",
    },
    "sync.url.error.database": {
        "en": "The server URL names no database; it looks like postgresql://USER@HOST:PORT/DATABASE.",
        "de": "Die Serveradresse nennt keine Datenbank; sie sieht so aus: postgresql://BENUTZER@HOST:PORT/DATENBANK.",
    },
    "sync.url.error.password_param": {
        "en": "The server URL must not carry a password as a parameter (?password=…): enter the password in its own field; it is kept in the system keyring.",
        "de": "Die Serveradresse darf kein Passwort als Parameter enthalten (?password=…): Geben Sie das Passwort in seinem eigenen Feld ein; es wird im Schlüsselbund des Systems abgelegt.",
    },
    "sync.url.error.ambiguous": {
        "en": "The server URL cannot be split into user, password and host: write an @ in the user name or password as %40 and a / as %2F.",
        "de": "Die Serveradresse lässt sich nicht in Benutzer, Passwort und Host zerlegen: Schreiben Sie ein @ im Benutzernamen oder Passwort als %40 und ein / als %2F.",
    },
    "sync.url.error.unreadable": {
        "en": "The server URL cannot be read: check its [ ] brackets and % signs (a % must be followed by two hexadecimal digits; "
        "write a % in the password as %25).",
        "de": "Die Serveradresse ist nicht lesbar: Prüfen Sie die eckigen Klammern und %-Zeichen (auf ein % müssen zwei "
        "Hexadezimalziffern folgen; schreiben Sie ein % im Passwort als %25).",
    },
    "sync.url.error.other_server": {
        "en": "This device syncs with {configured}. To sync with another server, change the server first.",
        "de": "Dieses Gerät gleicht mit {configured} ab. Um mit einem anderen Server abzugleichen, ändern Sie zuerst den Server.",
    },
    "sync.keyring.failed.unusable": {
        "en": "this computer has no keyring that can store passwords, so the password was not saved (install/enable the system keyring)",
        "de": "dieser Computer hat keinen Schlüsselbund, der Passwörter speichern kann; das Passwort wurde nicht gespeichert (installieren/aktivieren Sie den Schlüsselbund des Systems)",
    },
    "sync.keyring.failed.store": {
        "en": "the keyring could not store the password; nothing was changed",
        "de": "der Schlüsselbund konnte das Passwort nicht speichern; es wurde nichts geändert",
    },
    "sync.keyring.failed.remove": {
        "en": "the keyring could not remove the password",
        "de": "der Schlüsselbund konnte das Passwort nicht entfernen",
    },
    "sync.keyring.checking": {"en": "Checking where passwords are kept…", "de": "Es wird geprüft, wo Passwörter abgelegt werden…"},
    "sync.test.not_started": {
        "en": "The connection test could not be started; the details are in the log.",
        "de": "Der Verbindungstest konnte nicht gestartet werden; Einzelheiten stehen im Protokoll.",
    },
    "sync.now.not_started": {
        "en": "The sync could not be started; the details are in the log.",
        "de": "Der Abgleich konnte nicht gestartet werden; Einzelheiten stehen im Protokoll.",
    },
    "sync.unexpected": {
        "en": "Something went wrong ({error}). Nothing was changed; the details are in the log.",
        "de": "Etwas ist schiefgegangen ({error}). Es wurde nichts geändert; Einzelheiten stehen im Protokoll.",
    },
    "sync.test": {"en": "Test connection", "de": "Verbindung testen"},
    "sync.testing": {"en": "Testing the connection…", "de": "Verbindung wird getestet…"},
    "sync.test.need_url": {"en": "Enter the server address first.", "de": "Geben Sie zuerst die Serveradresse ein."},
    "sync.test.idle": {
        "en": "Test whether this computer can reach the server with these settings.",
        "de": "Prüfen Sie, ob dieser Computer den Server mit diesen Einstellungen erreicht.",
    },
    "sync.test.connected": {"en": "Connected (PostgreSQL {version}).", "de": "Verbunden (PostgreSQL {version})."},
    "sync.test.failed_job": {"en": "The test could not run: {reason}", "de": "Der Test konnte nicht laufen: {reason}"},
    "sync.online": {"en": "Online mode: sync with the server", "de": "Online-Modus: mit dem Server abgleichen"},
    "sync.online.help": {
        "en": "Offline, everything keeps working on this computer and changes wait until you go online again.",
        "de": "Offline funktioniert alles weiter auf diesem Computer; Änderungen warten, bis Sie wieder online gehen.",
    },
    "sync.online.need_server": {"en": "Save a server address to go online.", "de": "Speichern Sie eine Serveradresse, um online zu gehen."},
    "sync.interval": {"en": "Sync every … minutes", "de": "Abgleich alle … Minuten"},
    "sync.keyring.line": {"en": "Passwords are kept in: {name}", "de": "Passwörter werden abgelegt in: {name}"},
    "sync.keyring.kind.secure": {"en": "the system's password store", "de": "dem Passwortspeicher des Systems"},
    "sync.keyring.kind.file": {"en": "a file on this computer, not encrypted", "de": "einer Datei auf diesem Computer, unverschlüsselt"},
    "sync.keyring.kind.none": {"en": "nowhere — no password store is available", "de": "nirgends — es ist kein Passwortspeicher verfügbar"},
    "sync.keyring.insecure": {
        "en": "Passwords are stored in a plain file (not secure) — install/enable the system keyring.",
        "de": "Passwörter werden in einer einfachen Datei gespeichert (nicht sicher) — installieren/aktivieren Sie den Schlüsselbund des Systems.",
    },
    "sync.keyring.unusable": {
        "en": "Passwords cannot be stored on this computer: no keyring is available. Install/enable the system keyring.",
        "de": "Auf diesem Computer können keine Passwörter gespeichert werden: Es ist kein Schlüsselbund verfügbar. Installieren/aktivieren Sie den Schlüsselbund des Systems.",
    },
    "sync.now": {"en": "Sync now", "de": "Jetzt abgleichen"},
    "sync.now.no_server": {"en": "Save a server address first.", "de": "Speichern Sie zuerst eine Serveradresse."},
    "sync.now.offline": {"en": "You are offline: switch on online mode to sync.", "de": "Sie sind offline: Schalten Sie den Online-Modus ein, um abzugleichen."},
    "sync.now.no_jobs": {"en": "Background jobs are not running, so nothing can sync.", "de": "Hintergrundaufgaben laufen nicht, daher kann nichts abgeglichen werden."},
    "sync.now.running": {"en": "A sync is running.", "de": "Ein Abgleich läuft."},
    "sync.status.title": {"en": "Status", "de": "Stand"},
    "sync.status.last_sync": {"en": "Last sync: {when}", "de": "Letzter Abgleich: {when}"},
    "sync.status.never": {"en": "never", "de": "noch nie"},
    "sync.status.pending": {"en": "Changes waiting to be sent: {n}", "de": "Änderungen, die auf den Versand warten: {n}"},
    "sync.status.conflicts": {"en": "Conflicts to review: {n}", "de": "Zu prüfende Konflikte: {n}"},
    "sync.status.open_conflicts": {"en": "Review conflicts", "de": "Konflikte prüfen"},
    "sync.status.last_error": {"en": "Last error: {reason}", "de": "Letzter Fehler: {reason}"},
    "sync.status.no_error": {"en": "Last error: none", "de": "Letzter Fehler: keiner"},
    "sync.status.next": {"en": "Next attempt: {when}", "de": "Nächster Versuch: {when}"},
    "sync.status.next_none": {"en": "Next attempt: when you go online", "de": "Nächster Versuch: sobald Sie online gehen"},
    "sync.status.next_periodic": {"en": "Next sync: {when}", "de": "Nächster Abgleich: {when}"},
    "sync.status.syncing": {"en": "Syncing now…", "de": "Abgleich läuft…"},
    # -- why a sync or a connection test failed (store.sync.errors codes) ----------------------
    "sync.code.ok": {"en": "Connected", "de": "Verbunden"},
    "sync.code.url": {"en": "The server address cannot be used", "de": "Die Serveradresse ist nicht verwendbar"},
    "sync.code.unreachable": {"en": "The server cannot be reached", "de": "Der Server ist nicht erreichbar"},
    "sync.code.refused": {"en": "The server refused the user name or password", "de": "Der Server hat Benutzername oder Passwort abgelehnt"},
    "sync.code.tls": {"en": "A secure (TLS) connection failed", "de": "Eine sichere (TLS-)Verbindung ist fehlgeschlagen"},
    "sync.code.timeout": {"en": "The server did not answer in time", "de": "Der Server hat nicht rechtzeitig geantwortet"},
    "sync.code.too_old": {"en": "The server's PostgreSQL is too old", "de": "Das PostgreSQL des Servers ist zu alt"},
    "sync.code.schema_new": {
        "en": "The server was set up by a newer Fieldbook: update Fieldbook",
        "de": "Der Server wurde von einem neueren Fieldbook eingerichtet: Aktualisieren Sie Fieldbook",
    },
    "sync.code.not_initialised": {
        "en": "The database is not set up for Fieldbook yet (fieldbook sync init-server)",
        "de": "Die Datenbank ist noch nicht für Fieldbook eingerichtet (fieldbook sync init-server)",
    },
    "sync.code.keyring": {"en": "The password cannot be read from the keyring", "de": "Das Passwort kann nicht aus dem Schlüsselbund gelesen werden"},
    "sync.code.error": {"en": "The sync failed", "de": "Der Abgleich ist fehlgeschlagen"},
    "sync.code.detail": {"en": "{title}. {detail}", "de": "{title}. {detail}"},
    # -- the header ----------------------------------------------------------------------------
    "sync.header.offline": {"en": "Offline", "de": "Offline"},
    "sync.header.syncing": {"en": "Syncing…", "de": "Abgleich läuft…"},
    "sync.header.synced": {"en": "Synced {when}", "de": "Abgeglichen {when}"},
    "sync.header.never": {"en": "Not synced yet", "de": "Noch nicht abgeglichen"},
    "sync.header.waiting.one": {"en": "1 waiting", "de": "1 wartet"},
    "sync.header.waiting.n": {"en": "{n} waiting", "de": "{n} warten"},
    "sync.header.failed": {"en": "Sync failed", "de": "Abgleich fehlgeschlagen"},
    "sync.header.failed_retry": {"en": "Sync failed — retrying {when}", "de": "Abgleich fehlgeschlagen — neuer Versuch {when}"},
    "sync.header.conflicts.one": {"en": "1 conflict", "de": "1 Konflikt"},
    "sync.header.conflicts.n": {"en": "{n} conflicts", "de": "{n} Konflikte"},
    "sync.header.help": {"en": "Sync: {text}. Click for details.", "de": "Abgleich: {text}. Klicken für Einzelheiten."},
    # -- relative times ------------------------------------------------------------------------
    "sync.ago.now": {"en": "just now", "de": "gerade eben"},
    "sync.ago.min": {"en": "{n} min ago", "de": "vor {n} Min."},
    "sync.ago.h": {"en": "{n} h ago", "de": "vor {n} Std."},
    "sync.ago.d.one": {"en": "1 day ago", "de": "vor 1 Tag"},
    "sync.ago.d.n": {"en": "{n} days ago", "de": "vor {n} Tagen"},
    "sync.in.now": {"en": "now", "de": "jetzt"},
    "sync.in.s": {"en": "in {n} s", "de": "in {n} s"},
    "sync.in.min": {"en": "in {n} min", "de": "in {n} Min."},
    "sync.in.h": {"en": "in {n} h", "de": "in {n} Std."},
    "sync.in.d": {"en": "in {n} days", "de": "in {n} Tagen"},
    # -- job titles on the Jobs page -----------------------------------------------------------
    "job.sync.run": {"en": "Sync with the server", "de": "Abgleich mit dem Server"},
    "job.sync.check": {"en": "Test the server connection", "de": "Serververbindung testen"},
}
