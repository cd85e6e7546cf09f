"""German for the store's sentences about projects, table files, imports, values and jobs."""

from __future__ import annotations

GERMAN: dict[str, str | tuple[str, str]] = {
    "problem.line": "{where}: {message}",
    # app/operations.py (a snapshot operation in the background)
    "operation.busy": "Ein anderer Sicherungsvorgang läuft noch; warten Sie, bis er fertig ist.",
    "operation.unexpected": "Der Vorgang wurde wegen eines unerwarteten Problems angehalten ({kind}); Einzelheiten stehen im Protokoll.",
    # store/snapshots: what a snapshot, its check, an export or a restore says
    "snap.label": "Sicherung {id}",
    "snap.there_snapshot_yet": "Es gibt noch keine Sicherung.",
    "snap.there_snapshot_fieldbook_snapshot": "Es gibt keine Sicherung {ref!r}. `fieldbook snapshot list` zeigt die vorhandenen.",
    "snap.database_could_checkpointed_reader": (
        "Die Datenbank ließ sich nicht auf den Datenträger festschreiben (ein Lesevorgang läuft noch); die Sicherung wurde nicht erstellt. Versuchen Sie es erneut."
    ),
    "snap.disk_became_full_while": "Der Datenträger von {folder} wurde beim Kopieren der Sicherung voll; es wurde nichts geändert.",
    "snap.disk_became_full_while2": "Der Datenträger von {folder} wurde beim Schreiben der Sicherung voll; es wurde nichts geändert.",
    "snap.there_file": "Es gibt keine Datei {path}.",
    "snap.database_file_missing": "Die Datenbankdatei von {label} fehlt. Es wurde nichts geändert.",
    "snap.disk_became_full_while3": "Der Datenträger wurde voll, während {label} geprüft wurde; es wurde nichts geändert.",
    "snap.database_does_match_checksum": "Die Datenbank von {label} passt nicht zu ihrer Prüfsumme: sie ist beschädigt. Es wurde nichts geändert.",
    "snap.misses_attachment_cannot_restored": "In {label} fehlt der Anhang {sha}…; die Sicherung lässt sich nicht vollständig wiederherstellen. Es wurde nichts geändert.",
    "snap.attachment_damaged": "Der Anhang {sha}… von {label} ist beschädigt. Es wurde nichts geändert.",
    "snap.holds_database": "{label} enthält keine Datenbank. Es wurde nichts geändert.",
    "snap.database_does_match_checksum2": "Die Datenbank in {label} passt nicht zu ihrer Prüfsumme: sie ist beschädigt. Es wurde nichts geändert.",
    "snap.attachment_damaged2": "Der Anhang {sha}… in {label} ist beschädigt. Es wurde nichts geändert.",
    "snap.folder_does_exist": "Den Ordner {folder} gibt es nicht.",
    "snap.snapshot_misses_attachment_cannot": "Der Sicherung {id} fehlt der Anhang {sha}…; sie lässt sich nicht exportieren. Es wurde nichts geschrieben.",
    "snap.disk_full_export_written": "Der Datenträger von {folder} ist voll; der Export wurde nicht geschrieben.",
    "snap.export_failed_written": "Der Export nach {path} ist fehlgeschlagen: {reason}. Es wurde nichts geschrieben.",
    "snap.database_could_read_snapshot": "Die Datenbank ließ sich für die Sicherung nicht lesen: {reason}",
    "snap.does_match_checksum_snapshot": "Die Datei {source} passt nicht zu ihrer Prüfsumme im Manifest der Sicherung: Die Sicherung ist beschädigt.",
    "snap.fieldbook_snapshot_file_fbsnap": "{name} ist keine Fieldbook-Sicherungsdatei (.fbsnap). Es wurde nichts geändert.",
    "snap.encrypted_give_passphrase": "{name} ist verschlüsselt: geben Sie die Passphrase an.",
    "snap.passphrase_wrong": "Die Passphrase für {name} ist falsch. Es wurde nichts geändert.",
    "snap.fieldbook_snapshot_manifest_missing": "{label} ist keine Fieldbook-Sicherung (ihr Manifest fehlt oder ist fremd). Es wurde nichts geändert.",
    "snap.has_incomplete_manifest": "{label} hat ein unvollständiges Manifest (ohne {names}). Es wurde nichts geändert.",
    "snap.has_manifest_that_cannot": "{label} hat ein Manifest, das sich nicht verwenden lässt ({names}). Es wurde nichts geändert.",
    "snap.database_cannot_opened": "Die Datenbank in {label} lässt sich nicht öffnen ({reason}). Es wurde nichts geändert.",
    "snap.database_cannot_read": "Die Datenbank in {label} lässt sich nicht lesen ({reason}). Es wurde nichts geändert.",
    "snap.database_does_match_manifest": "Die Datenbank in {label} passt nicht zu ihrem Manifest ({diff}). Es wurde nichts geändert.",
    "snap.restored_database_does_match": "Die wiederhergestellte Datenbank passt nicht zu {label} (Tabellen {names}).",
    # store/fielddata/records.py
    "record.this_record_does_exist": "Diesen Datensatz gibt es nicht (mehr).",
    "record.record_either_draft_final": "Ein Datensatz ist entweder ein Entwurf oder endgültig, nicht „{status}“.",
    "record.this_record_has_version": "Dieser Datensatz hat keine Version {version}.",
    # store/core: the disk and the database writer
    "disk.cannot_start": (
        "Fieldbook kann nicht starten: Auf dem Datenträger von {folder} sind nur {free} MB frei (nötig sind {needs} MB). "
        "Schaffen Sie Platz und starten Sie es erneut; Ihre Daten sind unverändert."
    ),
    "disk.too_little": (
        "Auf dem Datenträger von {folder} sind nur {free} MB frei; Fieldbook braucht mindestens {needs} MB, um sicher zu speichern. "
        "Schaffen Sie Platz; es wurde nichts gespeichert."
    ),
    "store.writer_not_finished": "Die Datenbank hat ihre anstehenden Schreibvorgänge nicht rechtzeitig abgeschlossen.",
    "store.closed": "Die Datenbank ist geschlossen; die Änderung wurde nicht gespeichert.",
    "store.not_saved": "Die Datenbank konnte die Änderung nicht speichern: {reason}",
    "record.saved_meanwhile": (
        "Diesen Datensatz hat {user} um {time} gespeichert, seit Sie ihn geöffnet haben. "
        "Ihre Änderungen sind noch da: „Meine Änderungen behalten“ setzt sie auf die neueste Version."
    ),
    "value.rule_failed_dot": "Die Regel des Formulars für dieses Feld ließ sich nicht auswerten: {detail}.",
    "value.calculation_not_whole": "die Berechnung ergab {number}, und das ist keine ganze Zahl",
    "value.calculation": "die Berechnung {error}",
    # store/snapshots/fbsnap.py and manifest.py: a damaged or foreign snapshot file
    "snap.damaged": "Die Sicherungsdatei {name} ist beschädigt: {why}. Es wurde nichts geändert; verwenden Sie eine andere Kopie.",
    "snap.other_format": (
        "{name} ist eine Sicherungsdatei im Format {version}; dieses Fieldbook liest Format {reads}. "
        "Verwenden Sie das Fieldbook, das sie erstellt hat. Es wurde nichts geändert."
    ),
    "snap.other_version": (
        "{label} hat das Sicherungsformat {version}; dieses Fieldbook liest Format {reads}. "
        "Verwenden Sie das Fieldbook, das sie erstellt hat. Es wurde nichts geändert."
    ),
    "snap.newer": (
        "{label} wurde von einem neueren Fieldbook erstellt (Schemaversion {schema}); dieses kennt Versionen bis {known}. "
        "Installieren Sie das neuere Fieldbook, um sie wiederherzustellen. Es wurde nichts geändert."
    ),
    "snap.schema_differs": "Die Datenbank in {label} hat die Schemaversion {schema}, ihr Manifest nennt {says}. Es wurde nichts geändert.",
    "snap.why.an_encrypted_block_has_a": "ein verschlüsselter Block hat einen fehlerhaften Rahmen",
    "snap.why.an_entry_has_a_bad": "ein Eintrag hat einen fehlerhaften Namen",
    "snap.why.block_fails": "der verschlüsselte Block {index} besteht seine Prüfung nicht",
    "snap.why.checksum_changed": "ihre Prüfsumme stimmt nicht (unvollständig oder verändert)",
    "snap.why.data_follows_its_end": "nach ihrem Ende folgen noch Daten",
    "snap.why.it_ends_too_early_cut": "sie endet zu früh (abgeschnitten?)",
    "snap.why.it_has_no_manifest": "sie hat kein Manifest",
    "snap.why.its_checksum_does_not_match": "ihre Prüfsumme stimmt nicht",
    "snap.why.its_content_ends_too_early": "ihr Inhalt endet zu früh",
    "snap.why.its_header_cannot_be_read": "ihr Kopf lässt sich nicht lesen",
    "snap.why.its_header_is_implausibly_large": "ihr Kopf ist unplausibel groß",
    "snap.why.its_manifest_cannot_be_read": "ihr Manifest lässt sich nicht lesen",
    "snap.why.its_manifest_is_not_where": "ihr Manifest steht nicht an seinem Platz",
    "snap.why.twice": "sie enthält {name} zweimal",
    "snap.why.unexpected": "sie enthält einen unerwarteten Eintrag {name!r}",
    # store/fielddata/projects.py
    "project.name_missing": "Ein Projekt braucht einen Namen.",
    "project.name_control": "Ein Projektname darf keine Steuerzeichen enthalten (etwa Terminal-Steuerfolgen oder Schreibrichtungswechsel).",
    "project.name_too_long": "Ein Projektname darf höchstens {n} Zeichen lang sein.",
    "project.name_taken": "Es gibt schon ein Projekt namens „{name}“. Wählen Sie einen anderen Namen.",
    "project.gone": "Dieses Projekt gibt es nicht (mehr).",
    "project.version_gone": "Dieses Projekt oder diese Formularversion gibt es nicht.",
    # store/fielddata/tablefile.py
    "table.too_many_rows": "Die Datei hat mehr als {n} Zeilen (Zeile {row} ist eine zu viel); teilen Sie sie in kleinere Dateien.",
    "table.unreadable": "Die Datei {name} kann nicht gelesen werden ({reason}).",
    "table.too_big": "Die Datei {name} ist {size} MB groß; Fieldbook importiert Dateien bis {limit} MB. Teilen Sie sie in kleinere Dateien.",
    "table.empty": "Die Datei {name} ist leer.",
    "table.not_xlsx_named": "Die Datei {name} ist keine Excel-Arbeitsmappe (.xlsx), obwohl ihr Name das sagt. Speichern Sie sie in Excel als .xlsx oder als CSV.",
    "table.not_xlsx": "Die Datei {name} ist keine Excel-Arbeitsmappe (.xlsx), die Fieldbook lesen kann. Speichern Sie sie in Excel als .xlsx oder als CSV.",
    "table.old_xls": "Die Datei {name} ist eine alte Excel-Datei (.xls). Speichern Sie sie in Excel als .xlsx oder als CSV.",
    "table.bad_utf16": "Die Datei {name} gibt an, UTF-16-Text zu sein, lässt sich so aber nicht lesen.",
    "table.not_text": "Die Datei {name} ist keine Textdatei (CSV). Speichern Sie sie als CSV (UTF-8) oder als Excel-.xlsx.",
    "table.not_utf8": (
        "Die Datei {name} ist nicht in UTF-8; sie wurde als {encoding} gelesen. Prüfen Sie in der Vorschau, ob Umlaute richtig "
        "aussehen, oder speichern Sie die Datei als „CSV UTF-8“."
    ),
    "table.bad_csv": "Die Datei {name} lässt sich bei Zeile {row} nicht als CSV lesen ({reason}).",
    "table.no_header": "Die erste Zeile von {name} ist leer; sie muss die Spaltennamen enthalten (Feldnamen oder Beschriftungen).",
    "table.same_column": "Die Spalten {first} und {second} von {name} heißen beide „{title}“. Geben Sie jeder Spalte einen eigenen Namen.",
    "table.all_sheets": "Alle {n} Blätter dieses Fieldbook-Exports werden gelesen ({names}); die Zeilennummern sind die des jeweiligen Blatts.",
    "table.first_sheet_only": "Die Arbeitsmappe hat {n} Blätter; nur das erste, „{sheet}“, wird gelesen.",
    # store/fielddata/importer.py
    "import.at_row_column": "Zeile {row}, Spalte „{name}“: {message}",
    "import.at_row_field": "Zeile {row}, Feld „{name}“: {message}",
    "import.at_row": "Zeile {row}: {message}",
    "import.at_column": "Spalte „{name}“: {message}",
    "import.at_field": "Feld „{name}“: {message}",
    "import.warning": "Hinweis: {message}",
    "import.more_problems": ("… und {n} weitere Probleme.", "… und 1 weiteres Problem."),
    "import.already": (
        "Diese Datei wurde schon mit denselben Spalten importiert ({n} Datensätze); es wurde nichts hinzugefügt.",
        "Diese Datei wurde schon mit denselben Spalten importiert (1 Datensatz); es wurde nichts hinzugefügt.",
    ),
    "import.imported": ("{n} Datensätze importiert.", "1 Datensatz importiert."),
    "import.rows_fine": ("Alle {n} Zeilen sind in Ordnung.", "Die eine Zeile ist in Ordnung."),
    "import.nothing": (
        "Nichts wurde importiert: {n} Probleme in {rows} Zeilen. Berichtigen Sie die Datei und importieren Sie sie erneut.",
        "Nichts wurde importiert: 1 Problem in {rows} Zeilen. Berichtigen Sie die Datei und importieren Sie sie erneut.",
    ),
    "import.rows_checked": "{n} Zeilen geprüft",
    "import.columns_ignored": "Diese Spalten passen zu keinem Feld und werden nicht gelesen: {columns}.",
    "import.own_columns_ignored": "Die eigenen Spalten eines Fieldbook-Exports werden nicht gelesen (importierte Zeilen werden neue Datensätze): {columns}.",
    "import.bad_status": "Importierte Datensätze sind entweder Entwürfe oder endgültig, nicht „{status}“.",
    "import.no_rows": "Die Datei {name} hat eine Kopfzeile, aber keine Datenzeilen.",
    "import.no_such_column": "Die Datei hat keine Spalte „{column}“ (ihre Spalten: {columns}).",
    "import.not_a_field": "„{name}“ ist kein Feld dieses Formulars.",
    "import.no_files": "Fotos und Dateien lassen sich nicht aus einer Tabelle importieren; ordnen Sie „{column}“ keinem Feld zu.",
    "import.two_columns": "Die Spalten „{first}“ und „{second}“ gehen beide in „{field}“; ordnen Sie nur eine davon zu.",
    "import.no_column_matches": (
        "Keine Spalte passt zu einem Feld des Formulars. Die erste Zeile muss die Spaltennamen enthalten — die Feldnamen oder "
        "Beschriftungen, z. B. {examples}."
    ),
    "import.too_many_cells": "Diese Zeile hat {cells} oder mehr Zellen, die Kopfzeile aber {n} Spalten (ein Trennzeichen in einem Wert?).",
    "import.form_says": "{de}",
    "import.not_valid": "Dieser Wert ist nicht gültig.",
    "import.job_done": ("{n} Datensätze importiert", "1 Datensatz importiert"),
    "import.job_done_earlier": ("{n} Datensätze importiert (schon früher)", "1 Datensatz importiert (schon früher)"),
    "import.refused": (
        "Nichts wurde importiert: {n} Probleme. {problems}. Der vollständige Bericht: {path}",
        "Nichts wurde importiert: 1 Problem. {problems}. Der vollständige Bericht: {path}",
    ),
    "import.refused_more": "Nichts wurde importiert: {n} Probleme. {problems} (und {more} weitere). Der vollständige Bericht: {path}",
    # store/exports
    "export.records_of": "{done}/{n} Datensätze",
    "export.cell_too_long": (
        "„{field}“ hat einen Wert mit {n} Zeichen; eine Excel-Zelle fasst höchstens 32.767, daher wurde nichts exportiert. "
        "Exportieren Sie als CSV oder Parquet, die ihn ganz behalten."
    ),
    "export.exported": ("{n} Datensätze exportiert", "1 Datensatz exportiert"),
    # jobs: the runner, the ledger and the tasks
    "job.took_too_long": "Die Aufgabe dauerte länger als ihr Zeitlimit von {seconds} s und wurde angehalten.",
    "job.result_not_stored": "Die Aufgabe ist fertig, aber ihr Ergebnis ließ sich nicht speichern ({reason}).",
    "job.result_too_large": "Die Aufgabe ist fertig, aber ihr Ergebnis ist zu groß zum Aufbewahren; sie sollte eine Datei schreiben und deren Pfad liefern.",
    "job.trying_again": "Versuch {attempt} von {max} ist fehlgeschlagen; neuer Versuch in {seconds} s.",
    "job.failed_times": "{n}-mal fehlgeschlagen; der letzte Fehler: {error}",
    "job.parent_failed": "Nicht ausgeführt: Die Aufgabe {parent}, von der diese Aufgabe abhängt, ist fehlgeschlagen.",
    "job.parent_cancelled": "Nicht ausgeführt: Die Aufgabe {parent}, von der diese Aufgabe abhängt, wurde abgebrochen.",
    "job.parent_missing": "Nicht ausgeführt: Die Aufgabe {parent}, von der diese Aufgabe abhängt, gibt es nicht mehr.",
    "job.stopped_times": (
        "{n}-mal angehalten, bevor sie fertig werden konnte (die App wurde geschlossen oder ist abgestürzt).",
        "Einmal angehalten, bevor sie fertig werden konnte (die App wurde geschlossen oder ist abgestürzt).",
    ),
    "job.interrupted": "Unterbrochen; beginnt von Neuem",
    "demo.steps": "{step}/{n}",
    "sync.step.connecting": "Verbindung wird aufgebaut",
    "sync.step.pushed": "{n} gesendet",
    "sync.step.pulled": "{n} empfangen",
    "sync.step.done": "{pushed} gesendet · {pulled} empfangen",
    # store/snapshots: steps of a snapshot, an export, a restore
    "snap.step.copying_the_database": "Datenbank wird kopiert",
    "snap.step.checking_the_copy": "Kopie wird geprüft",
    "snap.step.storing_attachments": "Anhänge werden gespeichert",
    "snap.step.verifying": "wird geprüft",
    "snap.step.done": "fertig",
    "snap.step.unpacking": "wird entpackt",
    "snap.step.checking": "wird geprüft",
    "snap.step.copying": "wird kopiert",
    "snap.step.opening_the_copy": "Kopie wird geöffnet",
    "snap.step.writing_the_file": "Datei wird geschrieben",
    "snap.step.saving_the_current_data_as_a_snapshot": "der jetzige Stand wird als Sicherung gespeichert",
    "snap.step.copying_attachments": "Anhänge werden kopiert",
    "snap.step.putting_the_restored_database_in_place": "die wiederhergestellte Datenbank wird eingesetzt",
    "snap.step.checking_the_snapshot": "Sicherung wird geprüft",
    # store/formdef/convert.py: values read from a table cell or given to the store
    "value.needs_number": "„{field}“ braucht eine Zahl.",
    "value.needs_finite_number": "„{field}“ braucht eine endliche Zahl.",
    "value.number_too_large": "Die Zahl für „{field}“ ist zu groß.",
    "value.needs_text": "„{field}“ braucht einen Text.",
    "value.text_longer_than_characters": "Der Text für „{field}“ ist länger als {n} Zeichen.",
    "value.needs_whole_number": "„{field}“ braucht eine ganze Zahl.",
    "value.needs_yes_no": "„{field}“ braucht ja oder nein.",
    "value.needs_list_choices": "„{field}“ braucht eine Liste von Auswahlen.",
    "value.needs_date": "„{field}“ braucht ein Datum.",
    "value.needs_time_day_without": "„{field}“ braucht eine Uhrzeit ohne Zeitzone.",
    "value.needs_local_date_time": "„{field}“ braucht ein Datum mit Uhrzeit in Ortszeit, ohne Zeitzone.",
    "value.has_type_fieldbook_does": "„{field}“ hat einen Typ, den Fieldbook nicht kennt ({type}).",
    "value.needs_points": "„{field}“ braucht mindestens {n} Punkte, einen pro Zeile.",
    "value.needs_instances": "„{field}“ braucht eine Liste von Einträgen, jeder mit den Antworten darin.",
    "value.too_many_instances": "„{field}“ nimmt höchstens {n} Einträge.",
    "value.not_inside": "Ein Eintrag von „{field}“ hat eine Antwort für „{name}“, das kein Feld darin ist.",
    "value.instances_cannot_read": "Die Einträge von „{field}“ lassen sich aus diesem Text nicht lesen.",
    "value.too_many_points": "„{field}“ nimmt höchstens {n} Punkte.",
    "value.needs_location_lat_lon": "„{field}“ braucht einen Standort nur mit Breite, Länge und Genauigkeit.",
    "value.needs_location_latitude_longitude": "„{field}“ braucht einen Standort (Breite und Länge).",
    "value.needs_location_given_numbers": "„{field}“ braucht einen Standort aus Zahlen.",
    "value.location_outside_earth_s": "Der Standort für „{field}“ liegt außerhalb der Koordinaten der Erde.",
    "value.accuracy_cannot_negative": "Die Genauigkeit für „{field}“ kann nicht negativ sein.",
    "value.needs_stored_file": "„{field}“ braucht eine gespeicherte Datei.",
    "value.file_has_valid_content": "Die Datei für „{field}“ hat keine gültige Prüfsumme ihres Inhalts.",
    "value.file_needs_name_size": "Die Datei für „{field}“ braucht einen Namen und eine Größe.",
    "value.file_type_must_text": "Der Dateityp für „{field}“ muss ein Text sein.",
    "value.value_stored_form_field": "Der Wert von „{field}“ hat nicht die gespeicherte Form eines Felds vom Typ {type}.",
    "value.stored_value_valid": "Der gespeicherte Wert von „{field}“ ist kein gültiger Wert vom Typ {type}.",
    "value.number_write_like": "„{text}“ ist für „{field}“ keine Zahl (schreiben Sie sie wie 12,5 oder 12.5).",
    "value.number_too_large2": "Die Zahl „{text}“ für „{field}“ ist zu groß.",
    "value.expects_text_read_value": "„{field}“ erwartet einen Text, aus dem ein Wert gelesen wird.",
    "value.whole_number": "„{text}“ ist für „{field}“ keine ganze Zahl.",
    "value.not_yes_no": "„{text}“ ist für „{field}“ weder ja noch nein.",
    "value.location_write_latitude_longitude": "„{text}“ ist für „{field}“ kein Standort (schreiben Sie „Breite, Länge“).",
    "value.file_cannot_read_from": "Eine Datei für „{field}“ lässt sich nicht aus einer Tabellenzelle lesen.",
    "value.rule_failed": "Die Regel des Formulars für dieses Feld ließ sich nicht auswerten: {detail}",
    "value.not_date": "„{text}“ ist für „{field}“ kein Datum (schreiben Sie es wie {example}).",
    "value.not_time": "„{text}“ ist für „{field}“ keine Uhrzeit (schreiben Sie sie wie {example}).",
    "value.not_datetime": "„{text}“ ist für „{field}“ kein Datum mit Uhrzeit (schreiben Sie es wie {example}).",
}
