"""German for the form definition's sentences (store/formdef): XLSForm and form-file reports.

A report line is ``place: message``. Places are nouns (``Blatt „survey“, Zeile 5``); a message
that is a whole sentence starts with a capital letter, one that goes on from its place (``muss
Text sein``) does not. Expression errors are "Der Ausdruck" + a part that goes on from it.
Names from the form or the file format (``list_name``, ``form_title``, ``select_one``,
``constraint``) stay as they are written.
"""

from __future__ import annotations

GERMAN: dict[str, str | tuple[str, str]] = {
    # store/formdef/model.py: FormDefError's summary, a form file of the wrong kind
    "formfile.not_utf8": "Die Datei ist kein UTF-8-Text und kann daher kein Fieldbook-Formular (.json) sein.",
    "formfile.wrong_kind": "Nur XLSForm-Tabellen (.xlsx, .xls, .csv) und Fieldbook-Formulare (.json) lassen sich importieren.",
    "formfile.unusable": "Die Formulardefinition lässt sich nicht verwenden.",
    "formfile.a_problem": "Die Formulardefinition hat ein Problem: {problem}.",
    "formfile.problems": "Die Formulardefinition hat {n} Probleme; das erste: {problem}.",
    # store/formdef/saferegex.py (what completes an expression's regex() error)
    "regex.class_feature": "das Muster nutzt eine Funktion von Zeichenklassen, die nicht unterstützt wird",
    "regex.too_complex": "das Muster ist zu komplex",
    "regex.inline_flags": "Schalter im Muster wie (?i) werden nicht unterstützt",
    "regex.look_around": "Rückverweise, Look-ahead und Look-behind werden in Mustern nicht unterstützt",
    "regex.repeats_too_often": "das Muster wiederholt etwas mehr als {n}-mal",
    "regex.pattern_too_long": "das Muster ist länger als {n} Zeichen",
    "regex.not_a_pattern": "das Muster ist kein gültiger regulärer Ausdruck ({reason})",
    "regex.nested_too_deeply": "das Muster ist zu tief verschachtelt",
    "regex.anchor": "das Muster nutzt einen Anker, der nicht unterstützt wird",
    "regex.text_too_long": "der Text ist zu lang, um ihn mit diesem Muster zu prüfen",
    # store/formdef/syntax.py (reading an expression)
    "expr.error": "Der Ausdruck {message}.",
    "expr.error_at": "Der Ausdruck {message} (bei Zeichen {position}).",
    "expr.too_long": "ist länger als {limit} Zeichen",
    "expr.lone_dollar": "enthält ein „$“, das keinen Verweis wie ${{name}} beginnt",
    "expr.open_quote": "enthält einen Text in Anführungszeichen, die nie geschlossen werden",
    "expr.bad_character": "enthält ein Zeichen, das nicht erlaubt ist: {char!r}",
    "expr.bad_reference": "verweist auf „${{{name}}}“, aber das ist kein gültiger Feldname",
    "expr.expects": "erwartet „{wanted}“, hat aber {found}",
    "expr.nested_too_deeply": "ist mehr als {n} Ebenen tief verschachtelt",
    "expr.too_many_digits": "enthält eine Zahl mit zu vielen Ziffern",
    "expr.number_too_large": "enthält eine zu große Zahl",
    "expr.double_equals": "verwendet „==“; vergleichen Sie mit einem einfachen „=“",
    "expr.not_a_value": "hat {found}, wo ein Wert stehen sollte",
    "expr.bare_boolean": "verwendet „{name}“; schreiben Sie {name}()",
    "expr.bare_word": "enthält das Wort „{name}“; schreiben Sie ${{{name}}}, um den Wert eines Feldes zu verwenden",
    "expr.unknown_function": "ruft „{name}“ auf, aber das ist keine bekannte Funktion",
    "expr.wrong_arity": (
        "ruft {name}() mit {n} Werten auf; die Funktion erwartet {takes}",
        "ruft {name}() mit {n} Wert auf; die Funktion erwartet {takes}",
    ),
    "expr.arity_range": "{low} bis {high}",
    "expr.pattern_not_text": "muss das Muster von regex() als Text in Anführungszeichen angeben",
    "expr.bad_pattern": "hat ein regex()-Muster, das sich nicht verwenden lässt: {reason}",
    "expr.chain_too_long": "ist eine zu lange Kette von Rechenschritten (mehr als {n})",
    "expr.not_text": "muss Text sein",
    "expr.empty": "ist leer",
    "expr.not_at_end": "hat {found}, wo er enden sollte",
    "expr.found.end": "nichts mehr",
    "expr.found.word": "das Wort „{word}“",
    "expr.found.symbol": "„{symbol}“",
    # store/formdef/semantics.py and expr.py (working an expression out)
    "expr.result_too_large": "ergibt eine zu große Zahl",
    "expr.needs_number": "braucht eine Zahl, bekam aber {value}",
    "expr.not_text_value": "kann {value} nicht als Text verwenden",
    "expr.cannot_compare": "kann {first} nicht mit {second} vergleichen",
    "expr.cannot_compare_number": "kann {first} nicht mit der Zahl {second} vergleichen",
    "expr.date_outside_calendar": "ergibt ein Datum außerhalb des Kalenders",
    "expr.date_arithmetic": "kann zu einem Datum nur Tage addieren, Tage davon abziehen oder zwei Daten voneinander abziehen",
    "expr.text_too_long": "ergibt einen Text mit mehr als {n} Zeichen",
    "expr.round_digits": "braucht als Stellenzahl von round() eine ganze Zahl von -15 bis 15",
    "expr.round_too_large": "kann eine so große Zahl nicht runden",
    "expr.needs_date": "braucht ein Datum in der Form JJJJ-MM-TT, bekam aber {value}",
    "expr.needs_line": "braucht eine Linie oder Fläche (Punkte, getrennt durch „;“), bekam aber {value}",
    "expr.digest_algorithm": "kennt die Prüfsummen MD5, SHA-1, SHA-256, SHA-384 und SHA-512, nicht „{name}“",
    "expr.digest_encoding": "schreibt eine Prüfsumme als base64 oder hex, nicht „{name}“",
    "expr.needs_date_time": "braucht Datum und Uhrzeit, bekam aber {value}",
    "expr.power_too_large": "ergibt eine zu große Zahl",
    "expr.outside_repeat": "verwendet position(..) außerhalb einer Wiederholung",
    "expr.regex_failed": "kann regex() nicht anwenden: {reason}",
    "expr.not_worked_out": "ließ sich für diese Werte nicht auswerten",
    "expr.cannot_evaluate": "enthält etwas, das sich nicht auswerten lässt",
    # store/formdef/plan.py (places in a form, circles)
    "formfile.where.field": "Feld „{name}“",
    "formfile.where.part": "{where}, {part}",
    "formfile.where.choice_list": "Auswahlliste „{name}“",
    "formfile.where.choice": "{where}, Auswahl {position}",
    "formfile.circle": "Berechnungen oder Relevanzbedingungen hängen im Kreis voneinander ab: {chain}",
    # store/formdef/validate.py (what a form must satisfy)
    "formfile.not_a_setting": "„{key}“ ist keine Einstellung eines Feldes vom Typ {type}",
    "formfile.appearance_not_text": "appearance muss Text sein",
    "formfile.multiline_not_boolean": "multiline muss true oder false sein",
    "formfile.range_not_numbers": "start, end und step eines Bereichs müssen Zahlen sein",
    "formfile.range_step": "Die Schrittweite (step) eines Bereichs muss größer als 0 sein",
    "formfile.range_start": "Der Anfang (start) eines Bereichs muss kleiner als sein Ende (end) sein",
    "formfile.range_too_many_steps": "Ein Bereich darf höchstens {n} Schritte haben",
    "formfile.children_outside_group": "Nur eine Gruppe oder eine Wiederholung kann Felder enthalten",
    "formfile.repeat_count_not_text": "die Anzahl einer Wiederholung muss ein als Text geschriebener Ausdruck sein",
    "formfile.repeat_limit": "min und max einer Wiederholung müssen ganze Zahlen von 0 bis {n} sein, min nicht über max",
    "formfile.repeat_attribute": "eine Wiederholung kann kein '{attribute}' haben (ihre Felder schon)",
    "formfile.repeat_rule_inside": "{attribute} einer Wiederholung wird vor ihren Einträgen ausgewertet und kann sich daher nicht auf '{name}' in ihr beziehen",
    "formfile.select_needs_list": "Ein Feld vom Typ {type} braucht eine Auswahlliste",
    "formfile.list_without_select": "Nur Felder vom Typ select_one und select_multiple verwenden eine Auswahlliste",
    "formfile.no_value_attribute": "Ein Feld vom Typ {type} hat keinen Wert und kann daher kein „{attribute}“ haben",
    "formfile.no_value_default": "Ein Feld vom Typ {type} hat keinen Wert und kann daher keinen Vorgabewert haben",
    "formfile.not_calculated": "Ein Feld vom Typ {type} kann nicht berechnet werden",
    "formfile.default_not_a_choice": "„{choice}“ ist keine Auswahl der Liste „{list}“",
    "formfile.list_name": "Ein Listenname muss mit einem Buchstaben oder _ beginnen und darf nur Buchstaben, Ziffern, _, ., - und : enthalten",
    "formfile.list_empty": "hat keine Auswahlmöglichkeiten",
    "formfile.choice_name_shape": "Der Auswahlname {name!r} muss 1 bis 200 Zeichen lang sein, einzeilig, ohne Leerzeichen am Anfang oder Ende",
    "formfile.choice_name_space": (
        "Der Auswahlname {name!r} enthält ein Leerzeichen, und die Liste wird von einem select_multiple verwendet, dessen Antworten durch Leerzeichen getrennt werden"
    ),
    "formfile.choice_name_twice": "Der Auswahlname „{name}“ wird zweimal verwendet",
    "formfile.current_outside_constraint": (
        "„.“ (der Wert dieses Feldes) geht nur in einer Einschränkung (constraint); verwenden Sie hier ${{name}}"
    ),
    "formfile.refers_to_nothing": "verweist auf ${{{name}}}, aber das Formular hat kein Feld „{name}“",
    "formfile.refers_to_no_value": "verweist auf ${{{name}}}, ein Feld vom Typ {type}, das keinen Wert hat",
    "formfile.name_taken_by_location": "Der Name „{name}“ ist schon für die Spalte {part} des Standortfelds „{location}“ vergeben",
    "formfile.name_shape": (
        "Ein Name muss mit einem Buchstaben oder _ beginnen, darf nur Buchstaben, Ziffern, _ - . enthalten "
        "und höchstens 64 Zeichen lang sein"
    ),
    "formfile.name_twice": "Der Name „{name}“ wird von mehr als einem Feld verwendet",
    "formfile.unknown_type": "„{type}“ ist kein Feldtyp, den Fieldbook kennt",
    "formfile.no_such_list": "Die Auswahlliste „{list}“ gibt es nicht",
    # store/formdef/schema.py (the shape of a form's JSON)
    "formfile.where.form": "Formular",
    "formfile.where.form_file": "Formulardatei",
    "formfile.where.choice_lists": "Auswahllisten",
    "formfile.where.field_number": "Feld {position}",
    "formfile.where.unnamed_field": "Feld {position} (ohne Namen)",
    "formfile.texts_shape": "muss ein Text oder ein Objekt mit Texten je Sprache sein",
    "formfile.bad_language_code": "hat einen unbrauchbaren Sprachcode {code!r}",
    "formfile.text_not_string": "Der Text für die Sprache „{lang}“ muss eine Zeichenkette sein",
    "formfile.text_too_long": "Der Text für die Sprache „{lang}“ ist länger als {limit} Zeichen",
    "formfile.fields_not_list": "„fields“ muss eine Liste sein",
    "formfile.groups_too_deep": "Gruppen sind mehr als {n} Ebenen tief verschachtelt",
    "formfile.too_many_fields": "hat mehr als {limit} Felder",
    "formfile.field_not_object": "muss ein Objekt mit „name“ und „type“ sein",
    "formfile.unknown_key": "hat einen unbekannten Schlüssel {key!r}",
    "formfile.needs_name": "braucht einen „name“",
    "formfile.needs_type": "braucht einen „type“",
    "formfile.expression_not_text": "muss ein als Text geschriebener Ausdruck sein",
    "formfile.not_boolean": "muss true oder false sein",
    "formfile.not_a_list_name": "muss der Name einer Auswahlliste sein",
    "formfile.not_an_object": "muss ein Objekt sein",
    "formfile.bad_column_name": (
        "der Spaltenname {column!r} muss mit einem Buchstaben oder _ beginnen, darf nur Buchstaben, Ziffern, _ und - "
        "(gefolgt von einem Buchstaben) enthalten, höchstens 64 Zeichen lang sein und nicht „name“ oder „label“ heißen"
    ),
    "formfile.column_not_text": "der Wert der Spalte „{column}“ muss ein Text von höchstens {limit} Zeichen sein",
    "formfile.filter_without_select": "nur Felder vom Typ select_one und select_multiple können einen choice_filter haben",
    "formfile.metadata_unknown": "metadata muss eines von {kinds} sein",
    "formfile.metadata_type": "die Metadaten „{kind}“ werden in einem Feld vom Typ {type} aufgezeichnet",
    "formfile.metadata_calculated": "die Metadaten „{kind}“ zeichnet Fieldbook auf, daher können sie nicht berechnet werden",
    "formfile.hidden_not_boolean": "hidden muss true oder false sein",
    "formfile.no_such_column": (
        "der choice_filter verwendet die Spalte „{column}“, die die Auswahlmöglichkeiten der Liste „{list}“ nicht haben"
    ),
    "formfile.filter_on_itself": (
        "der choice_filter bezieht sich auf die eigene Antwort des Feldes; er kann nur von anderen Feldern abhängen"
    ),
    "formfile.lists_not_object": "„choice_lists“ muss ein Objekt aus Listen sein",
    "formfile.too_many_lists": "Es gibt mehr als {n} Auswahllisten",
    "formfile.choices_not_list": "muss eine Liste von Auswahlmöglichkeiten sein",
    "formfile.too_many_choices": "hat mehr als {limit} Auswahlmöglichkeiten",
    "formfile.choice_not_object": "muss ein Objekt mit einem „name“ sein",
    "formfile.form_not_object": "muss ein JSON-Objekt mit „title“ und „fields“ sein",
    "formfile.bad_default_language": "muss ein Sprachcode wie „en“ oder „de“ sein",
    "formfile.needs_title": "Das Formular braucht einen Titel",
    "formfile.not_text": "muss Text sein",
    "formfile.needs_fields": "braucht eine Liste „fields“",
    "formfile.too_many_characters": "hat mehr als {n} Zeichen",
    "formfile.not_json": "ist kein gültiges JSON (Zeile {line}, Spalte {column}: {reason})",
    "formfile.json.expecting_value": "ein Wert fehlt",
    "formfile.json.expecting_key": "ein Schlüssel in doppelten Anführungszeichen fehlt",
    "formfile.json.expecting_comma": "ein Komma fehlt",
    "formfile.json.expecting_colon": "ein Doppelpunkt fehlt",
    "formfile.json.unterminated_string": "ein hier beginnender Text in Anführungszeichen wird nie geschlossen",
    "formfile.json.control_character": "ein Steuerzeichen, das hier nicht stehen darf",
    "formfile.json.bad_escape": "eine ungültige Escape-Folge mit \\",
    "formfile.json.bad_unicode_escape": "eine ungültige Escape-Folge \\uXXXX",
    "formfile.json.extra_data": "nach dem Ende folgt noch etwas",
    "formfile.json.trailing_comma_object": "ein überzähliges Komma vor dem Ende eines Objekts",
    "formfile.json.trailing_comma_array": "ein überzähliges Komma vor dem Ende einer Liste",
    "formfile.nested_too_deeply": "ist zu tief verschachtelt, um eine Formulardefinition zu sein",
    "formfile.file_not_object": "muss ein JSON-Objekt mit „title“ und „fields“ enthalten",
    # store/formdef/xlsform.py (a form file that cannot be read at all)
    "formfile.where.file": "Datei",
    "formfile.file_empty": "Die Datei ist leer",
    "formfile.file_too_large": "Die Datei ist größer als {n} Bytes",
    "formfile.file_unreadable": "Die Datei kann nicht gelesen werden ({reason})",
    "formfile.file_not_utf8": "Die Datei ist kein UTF-8-Text",
    "formfile.wrong_kind_of_file": (
        "Fieldbook liest Formulare aus .xlsx-, .xls- oder .csv-Dateien (XLSForm) oder .json-Dateien, nicht aus „{kind}“-Dateien"
    ),
    "xls.not_xls": "Die Datei ist keine Excel-97-2003-Arbeitsmappe (.xls)",
    # store/formdef/edit.py (an edit in the form editor that is refused)
    "edit.no_such_field": "gibt es in diesem Formular nicht",
    "edit.not_a_group": "ist keine Gruppe, also lassen sich ihm keine Felder hinzufügen",
    "edit.not_in_group": "ist nicht in der Gruppe „{group}“",
    "edit.name_taken": "Es gibt schon ein Feld mit diesem Namen",
    "edit.still_used": "verweist auf „{name}“, das entfernt würde; ändern Sie das zuerst",
    "edit.still_used_many": "verweist auf {names}, die entfernt würden; ändern Sie das zuerst",
    "edit.list_in_use": "wird vom Feld „{field}“ verwendet",
    # store/formdef/xlsrows.py (places in a workbook, reading its sheets)
    "xls.where.sheet": "Blatt „{sheet}“",
    "xls.where.sheet_row": "Blatt „{sheet}“, Zeile {row}",
    "xls.where.sheet_row_column": "Blatt „{sheet}“, Zeile {row}, Spalte „{column}“",
    "xls.where.sheet_column": "Blatt „{sheet}“, Spalte „{column}“",
    "xls.sheet_ignored": "gehört nicht zu einem XLSForm und wird ignoriert",
    "xls.workbook_damaged": "Die Arbeitsmappe ist beschädigt und kann nicht gelesen werden",
    # store/formdef/xlsmapping.py (the rows of the sheets)
    "xls.extra_settings_row": "Nur die erste Zeile der Einstellungen wird verwendet; diese Zeile wird ignoriert",
    "xls.setting_ignored": "Die Einstellung „{setting}“ wird von Fieldbook nicht verwendet und ignoriert",
    "xls.language_unknown": "Für die Sprache „{language}“ ist kein Code bekannt; sie wird so übernommen, wie sie geschrieben ist",
    "xls.no_title": "Das Formular hat keinen form_title; es heißt „Untitled form“",
    "xls.no_title_file": "Das Formular hat keinen form_title; es heißt nach seiner Datei „{name}“",
    "xls.sheet_too_long": "Das Blatt hat mehr als {n} Zeilen",
    "xls.choices_column_ignored": "Die Spalte „{column}“ wird von Fieldbook nicht verwendet und ignoriert",
    "xls.choice_name_space_multiple": (
        "Der Auswahlname „{choice}“ enthält ein Leerzeichen, und die Liste „{list}“ wird von einem select_multiple verwendet, "
        "dessen Antworten durch Leerzeichen getrennt werden; verwenden Sie stattdessen _"
    ),
    "xls.survey_column_ignored": "Die Spalte „{column}“ wird nicht unterstützt; dieser Wert wird ignoriert",
    "xls.metadata_not_recorded": "„{kind}“ zeichnet Fieldbook nicht auf; diese Zeile wird übersprungen",
    "xls.metadata_empty": (
        "„{kind}“ ist auf einem Computer nicht bekannt; Fieldbook behält das Feld „{name}“, es bleibt aber leer"
    ),
    "xls.public_key_unused": (
        "das Formular verlangt verschlüsselte Einsendungen (public_key): Fieldbook speichert die Datensätze "
        "unverschlüsselt auf diesem Computer, im eigenen Datenordner der Person, und erzeugt keine verschlüsselten "
        "ODK-Einsendungen; schützen Sie den Computer mit Anmeldung und Festplattenverschlüsselung"
    ),
    "xls.submission_url_unused": (
        "Fieldbook sendet keine Datensätze an die submission_url „{url}“: sie bleiben auf diesem Computer und gehen "
        "beim Synchronisieren an den Fieldbook-Server des Teams"
    ),
    "xls.acknowledge_as_yes_no": "„{kind}“ wird als Ja/Nein-Feld importiert",
    "xls.barcode_as_text": (
        "„barcode“ wird als Textfeld importiert: der Code wird getippt oder von einem Scanner eingegeben, der ihn tippt; "
        "Fieldbook scannt nicht mit der Kamera"
    ),
    "xls.osm_as_file": "„osm“ wird als Dateifeld importiert: die .osm-Datei anhängen; Fieldbook bearbeitet keine OpenStreetMap-Tags",
    "xls.type_unsupported": "Den Typ „{kind}“ unterstützt Fieldbook nicht",
    "xls.file_list_unsupported": "Auswahlen aus einer Datei („{file}“) unterstützt Fieldbook noch nicht",
    "xls.background_skipped": (
        "„{kind}“ zeichnet ODK Collect im Hintergrund auf; Fieldbook zeichnet es nicht auf, diese Zeile wird übersprungen"
    ),
    "xls.name_taken_elsewhere": (
        "Der Name „{name}“ wird schon von einem anderen Feld verwendet; Fieldbook braucht jeden Namen nur einmal im Formular"
    ),
    "xls.language_twice": "Die Texte „{first}“ und „{second}“ werden beide als Sprache „{lang}“ gelesen; nur „{second}“ bleibt",
    "xls.dynamic_default": (
        "Der Vorgabewert „{default}“ ist ein Ausdruck; Fieldbook nimmt als Vorgabe nur einen festen Wert, today() oder now()"
    ),
    "xls.no_value_flag": "Ein {kind} hat keinen Wert, daher wirkt „{column}“ nicht; es wird ignoriert",
    "xls.name_taken": "Der Name „{name}“ wird schon in Zeile {row} verwendet",
    "xls.not_yes_no": "„{value}“ ist weder yes noch no",
    "xls.calculate_needs_calculation": "Eine calculate-Zeile braucht eine Berechnung (calculation)",
    "xls.acknowledge_read_as_ok": (
        "{fields} ist in Fieldbook ein Ja/Nein-Feld; dieser Ausdruck liest es wie ODK als „OK“, wenn es angekreuzt ist, "
        "und als leer, wenn nicht"
    ),
    "xls.range_not_number": "Der Bereichswert {setting} „{value}“ ist keine Zahl",
    "xls.parameter_ignored": "Der Parameter „{parameter}“ wird nicht unterstützt und ignoriert",
    # store/formdef/xlsform.py (the workbook as a whole)
    "xls.where.workbook": "Arbeitsmappe",
    "xls.not_xlsx": "Die Datei ist keine Excel-Arbeitsmappe (.xlsx); speichern Sie sie in Ihrem Tabellenprogramm als .xlsx",
    "xls.zip_not_xlsx": "Die Datei ist ein ZIP-Archiv, aber keine Excel-Arbeitsmappe (.xlsx)",
    "xls.unpacks_too_large": "Die Arbeitsmappe ist entpackt größer als {n} Bytes",
    "xls.zip_damaged": "Die Datei ist beschädigt und lässt sich nicht als Excel-Arbeitsmappe (.xlsx) lesen",
    "xls.no_survey": "Es gibt kein Blatt „survey“; dort listet ein XLSForm seine Fragen auf",
    "xls.survey_misnamed": "Es gibt kein Blatt „survey“; das Blatt „{sheet}“ sieht danach aus: benennen Sie es genau „survey“",
    "xls.pyxform_refused": "pyxform, der XLSForm-Konverter von ODK, lehnt das Formular ab: {reason}",
}
