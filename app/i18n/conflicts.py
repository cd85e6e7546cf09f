"""UI texts of the conflicts pages (English and German); joined into app.i18n.TEXTS by `_merge`."""

TEXTS: dict[str, dict[str, str]] = {
    "page.conflicts": {"en": "Conflicts", "de": "Konflikte"},
    "conflicts.intro": {
        "en": "The same record was changed on two devices at once. The later change is in use; the other is kept here. Nothing is lost.",
        "de": "Derselbe Datensatz wurde auf zwei Geräten gleichzeitig geändert. Die spätere Änderung gilt; die andere ist hier aufbewahrt. Nichts geht verloren.",
    },
    "conflicts.none": {"en": "No open conflicts.", "de": "Keine offenen Konflikte."},
    "conflicts.held.title": {"en": "Received but not applied yet: {n}", "de": "Empfangen, aber noch nicht übernommen: {n}"},
    "conflicts.held.intro": {
        "en": "These changes from other devices cannot be used by this Fieldbook yet. They are kept and tried again at every sync; the sync goes on without them.",
        "de": "Diese Änderungen anderer Geräte kann dieses Fieldbook noch nicht verwenden. Sie bleiben erhalten und werden bei jedem Abgleich erneut versucht; der Abgleich läuft ohne sie weiter.",
    },
    "conflicts.held.form": {"en": "Form", "de": "Formular"},
    "conflicts.held.why.unknown_type": {
        "en": "it uses a field type this Fieldbook does not know — update Fieldbook to use this form; its records are kept and arrive then.",
        "de": "es verwendet einen Feldtyp, den dieses Fieldbook nicht kennt — aktualisieren Sie Fieldbook, um dieses Formular zu verwenden; seine Datensätze bleiben erhalten und kommen dann an.",
    },
    "conflicts.held.why.bad_form": {
        "en": "this form cannot be used here (the log says why); its records are kept until a usable version arrives.",
        "de": "dieses Formular kann hier nicht verwendet werden (das Protokoll sagt, warum); seine Datensätze bleiben erhalten, bis eine verwendbare Fassung ankommt.",
    },
    "conflicts.held.why.form_held": {
        "en": "its form cannot be used here yet; the record is kept and arrives with it.",
        "de": "sein Formular kann hier noch nicht verwendet werden; der Datensatz bleibt erhalten und kommt mit ihm an.",
    },
    "conflicts.held.record": {"en": "Record", "de": "Datensatz"},
    "conflicts.open_count.one": {"en": "1 open conflict", "de": "1 offener Konflikt"},
    "conflicts.open_count.n": {"en": "{n} open conflicts", "de": "{n} offene Konflikte"},
    "conflicts.compare": {"en": "Compare", "de": "Vergleichen"},
    "conflicts.record_line": {"en": "{project} · {record} · {when}", "de": "{project} · {record} · {when}"},
    "conflicts.in_use.local": {"en": "In use: this device's version", "de": "Es gilt: die Fassung dieses Geräts"},
    "conflicts.in_use.remote": {"en": "In use: the other device's version", "de": "Es gilt: die Fassung des anderen Geräts"},
    "conflicts.in_use.changed": {
        "en": "Changed again since (version {version})",
        "de": "Seitdem wieder geändert (Version {version})",
    },
    "conflicts.from": {"en": "other version from device {device} ({user}, {when})", "de": "andere Fassung von Gerät {device} ({user}, {when})"},
    "conflicts.deleted_there": {"en": "deleted there", "de": "dort gelöscht"},
    "conflicts.unknown_project": {"en": "(unknown project)", "de": "(unbekanntes Projekt)"},
    "conflicts.unknown_record": {"en": "This record is not on this device (any more).", "de": "Dieser Datensatz ist nicht (mehr) auf diesem Gerät."},
    "conflicts.form_line": {
        "en": "{project} · form version {version}: two devices published different forms. The one in use here: “{used}”; the other (“{other}”, device {device}) is kept.",
        "de": "{project} · Formularversion {version}: Zwei Geräte haben verschiedene Formulare veröffentlicht. Hier gilt: „{used}“; das andere („{other}“, Gerät {device}) ist aufbewahrt.",
    },
    "conflicts.acknowledge": {"en": "Acknowledge", "de": "Zur Kenntnis genommen"},
    "conflicts.acknowledge_help": {
        "en": "Form versions are never changed: acknowledging only closes this notice. Publish a new form version to combine both.",
        "de": "Formularversionen werden nie geändert: Dies schließt nur den Hinweis. Veröffentlichen Sie eine neue Formularversion, um beide zu vereinen.",
    },
    "conflicts.acknowledged": {"en": "Form conflict acknowledged.", "de": "Formularkonflikt zur Kenntnis genommen."},
    "conflicts.detail": {"en": "Compare: {record}", "de": "Vergleich: {record}"},
    "conflicts.col.field": {"en": "Field", "de": "Feld"},
    "conflicts.col.local": {"en": "This device", "de": "Dieses Gerät"},
    "conflicts.col.remote": {"en": "Other device", "de": "Anderes Gerät"},
    "conflicts.col.choice": {"en": "Keep", "de": "Behalten"},
    "conflicts.col.now": {"en": "Now (in use)", "de": "Jetzt (gilt)"},
    "conflicts.current_mark": {"en": "(in use)", "de": "(gilt)"},
    "conflicts.opt.local": {"en": "This device", "de": "Dieses Gerät"},
    "conflicts.opt.remote": {"en": "Other device", "de": "Anderes Gerät"},
    "conflicts.opt.now": {"en": "Now (in use)", "de": "Jetzt (gilt)"},
    "conflicts.opt.edit": {"en": "Edit", "de": "Bearbeiten"},
    "conflicts.edit_label": {"en": "Merged text for {label}", "de": "Zusammengeführter Text für {label}"},
    "conflicts.all_local": {"en": "Use all from this device", "de": "Alles von diesem Gerät"},
    "conflicts.all_remote": {"en": "Use all from the other device", "de": "Alles vom anderen Gerät"},
    "conflicts.all_now": {"en": "Keep all as now in use", "de": "Alles wie jetzt gültig"},
    "conflicts.save": {"en": "Save resolution", "de": "Lösung speichern"},
    "conflicts.close": {"en": "Close", "de": "Schließen"},
    "conflicts.open_record": {"en": "Open record", "de": "Datensatz öffnen"},
    "conflicts.need_choice": {
        "en": "Choose a version for every field that differs ({n} left: {names}).",
        "de": "Wählen Sie für jedes abweichende Feld eine Fassung ({n} offen: {names}).",
    },
    "conflicts.ready": {
        "en": "Ready: saving writes one new version with your choices; both old versions stay kept.",
        "de": "Bereit: Speichern schreibt eine neue Fassung mit Ihrer Auswahl; beide alten Fassungen bleiben erhalten.",
    },
    "conflicts.changed_since": {
        "en": "This record was changed again after the conflict: the version in use now is shown as a third column. "
              "Choose for every field where the three differ.",
        "de": "Dieser Datensatz wurde nach dem Konflikt erneut geändert: Die jetzt gültige Fassung steht in einer dritten Spalte. "
              "Wählen Sie für jedes Feld, in dem die drei abweichen.",
    },
    "conflicts.saved": {
        "en": "Resolved: version {version} saved. The other devices get it with the next sync.",
        "de": "Gelöst: Version {version} gespeichert. Die anderen Geräte erhalten sie mit der nächsten Synchronisation.",
    },
    "conflicts.same": {"en": "Fields that agree ({n})", "de": "Übereinstimmende Felder ({n})"},
    "conflicts.resolved_list": {"en": "Resolved conflicts ({n})", "de": "Gelöste Konflikte ({n})"},
    "conflicts.resolved_line": {"en": "{what} · resolved {when} · {how}", "de": "{what} · gelöst {when} · {how}"},
    "conflicts.how.resolved": {"en": "fields chosen by {user}", "de": "Felder gewählt von {user}"},
    "conflicts.how.kept_current": {"en": "kept as it was by {user}", "de": "unverändert behalten von {user}"},
    "conflicts.how.resolved_elsewhere": {"en": "resolved on device {device} by {user}", "de": "gelöst auf Gerät {device} von {user}"},
    "conflicts.how.acknowledged": {"en": "acknowledged by {user}", "de": "zur Kenntnis genommen von {user}"},
    "conflicts.empty": {"en": "(empty)", "de": "(leer)"},
    "conflicts.deleted.yes": {"en": "Deleted", "de": "Gelöscht"},
    "conflicts.deleted.no": {"en": "Not deleted", "de": "Nicht gelöscht"},
    "conflicts.gone": {"en": "This conflict is resolved or no longer exists.", "de": "Dieser Konflikt ist gelöst oder existiert nicht mehr."},
    "conflicts.error.gone": {"en": "This conflict does not exist (any more).", "de": "Diesen Konflikt gibt es nicht (mehr)."},
    "conflicts.error.stale": {
        "en": "This record changed while you were choosing (a sync or another window). Nothing was saved; your choices are kept — check the fields again.",
        "de": "Dieser Datensatz hat sich geändert, während Sie gewählt haben (Synchronisation oder ein anderes Fenster). "
              "Nichts wurde gespeichert; Ihre Auswahl bleibt erhalten – prüfen Sie die Felder erneut.",
    },
    "conflicts.error.changed_since": {
        "en": "This record was changed again after the conflict. Nothing was saved; compare it with the version in use now.",
        "de": "Dieser Datensatz wurde nach dem Konflikt erneut geändert. Nichts wurde gespeichert; vergleichen Sie ihn mit der jetzt gültigen Fassung.",
    },
    "conflicts.error.already_resolved": {"en": "This conflict was already resolved.", "de": "Dieser Konflikt wurde bereits gelöst."},
    "conflicts.error.missing": {
        "en": "Choose a version for every field that differs ({n} left: {names}).",
        "de": "Wählen Sie für jedes abweichende Feld eine Fassung ({n} offen: {names}).",
    },
    "conflicts.error.not_part": {"en": "“{field}” is not part of this conflict.", "de": "„{field}“ gehört nicht zu diesem Konflikt."},
    "conflicts.error.bad_choice": {
        "en": "“{field}”: choose this device, the other device, or a value.",
        "de": "„{field}“: Wählen Sie dieses Gerät, das andere Gerät oder einen Wert.",
    },
    "conflicts.error.bad_status": {"en": "A record is either a draft or final.", "de": "Ein Datensatz ist entweder ein Entwurf oder endgültig."},
    "conflicts.error.bad_deleted": {"en": "“Deleted” is yes or no.", "de": "„Gelöscht“ ist ja oder nein."},
    "conflicts.error.bad_value": {
        "en": "The value for “{field}” does not fit this field. Nothing was saved. (Detail: {detail})",
        "de": "Der Wert für „{field}“ passt nicht zu diesem Feld. Nichts wurde gespeichert. (Detail: {detail})",
    },
    "conflicts.error.form_conflict": {
        "en": "A form conflict cannot be merged; acknowledge it (the form in use stays in use).",
        "de": "Ein Formularkonflikt kann nicht zusammengeführt werden; nehmen Sie ihn zur Kenntnis (das gültige Formular bleibt gültig).",
    },
    "conflicts.error.record_conflict": {
        "en": "A record conflict is resolved by choosing its fields, not acknowledged.",
        "de": "Ein Datensatzkonflikt wird gelöst, indem Sie seine Felder wählen, nicht durch Kenntnisnahme.",
    },
    "conflicts.error.other": {
        "en": "This could not be done. Nothing was saved. (Detail: {detail})",
        "de": "Das ging nicht. Nichts wurde gespeichert. (Detail: {detail})",
    },
    "record.conflict": {"en": "Unresolved conflict", "de": "Ungelöster Konflikt"},
    "record.conflict_open": {"en": "Resolve conflict", "de": "Konflikt lösen"},
    "record.conflict_help": {
        "en": "This record was changed on another device at the same time; compare both versions.",
        "de": "Dieser Datensatz wurde gleichzeitig auf einem anderen Gerät geändert; vergleichen Sie beide Fassungen.",
    },
}
