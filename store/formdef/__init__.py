"""Form definitions: fields, choices, expressions and their evaluation, without a database.

Pure functions and immutable values only; nothing here imports streamlit or touches DuckDB.
See the README section "Form definitions" for the JSON form and the expression language.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from store.core.lazy import public_face

if TYPE_CHECKING:
    from store.formdef.convert import (
        format_value as format_value,
    )
    from store.formdef.convert import (
        number_text as number_text,
    )
    from store.formdef.convert import (
        parse_text as parse_text,
    )
    from store.formdef.convert import (
        range_settings as range_settings,
    )
    from store.formdef.convert import (
        to_stored as to_stored,
    )
    from store.formdef.convert import (
        to_widget as to_widget,
    )
    from store.formdef.demo import demo_form as demo_form
    from store.formdef.edit import (
        add_field as add_field,
    )
    from store.formdef.edit import (
        move_field as move_field,
    )
    from store.formdef.edit import (
        remove_choices as remove_choices,
    )
    from store.formdef.edit import (
        remove_field as remove_field,
    )
    from store.formdef.edit import (
        rename_field as rename_field,
    )
    from store.formdef.edit import (
        set_choices as set_choices,
    )
    from store.formdef.edit import (
        update_field as update_field,
    )
    from store.formdef.evaluate import (
        Evaluation as Evaluation,
    )
    from store.formdef.evaluate import (
        FieldError as FieldError,
    )
    from store.formdef.evaluate import (
        clean_for_save as clean_for_save,
    )
    from store.formdef.evaluate import (
        entry_defaults as entry_defaults,
    )
    from store.formdef.evaluate import (
        entry_key as entry_key,
    )
    from store.formdef.evaluate import (
        evaluate_record as evaluate_record,
    )
    from store.formdef.evaluate import (
        initial_values as initial_values,
    )
    from store.formdef.evaluate import (
        is_stamped as is_stamped,
    )
    from store.formdef.evaluate import (
        same_answers as same_answers,
    )
    from store.formdef.expr import Expr as Expr
    from store.formdef.expr import ExpressionError as ExpressionError
    from store.formdef.expr import parse as parse
    from store.formdef.expr import references as references
    from store.formdef.model import (
        FIELD_TYPES as FIELD_TYPES,
    )
    from store.formdef.model import (
        FILE_TYPES as FILE_TYPES,
    )
    from store.formdef.model import (
        SELECT_TYPES as SELECT_TYPES,
    )
    from store.formdef.model import (
        Choice as Choice,
    )
    from store.formdef.model import (
        Field as Field,
    )
    from store.formdef.model import (
        FormDef as FormDef,
    )
    from store.formdef.model import (
        FormDefError as FormDefError,
    )
    from store.formdef.model import (
        Problem as Problem,
    )
    from store.formdef.model import (
        instance_fields as instance_fields,
    )
    from store.formdef.plan import DYNAMIC_DEFAULTS as DYNAMIC_DEFAULTS
    from store.formdef.schema import form_from_json as form_from_json
    from store.formdef.schema import form_from_text as form_from_text
    from store.formdef.xlsform import (
        ImportResult as ImportResult,
    )
    from store.formdef.xlsform import (
        import_xlsform as import_xlsform,
    )
    from store.formdef.xlsform import (
        load_form_file as load_form_file,
    )

__all__, __getattr__, __dir__ = public_face(
    __name__,
    {
        "convert": "format_value number_text parse_text range_settings to_stored to_widget",
        "demo": "demo_form",
        "edit": "add_field move_field remove_choices remove_field rename_field set_choices update_field",
        "evaluate": "Evaluation FieldError clean_for_save entry_defaults entry_key evaluate_record initial_values is_stamped same_answers",
        "expr": "Expr ExpressionError parse references",
        "model": "FIELD_TYPES FILE_TYPES SELECT_TYPES Choice Field FormDef FormDefError Problem instance_fields",
        "plan": "DYNAMIC_DEFAULTS",
        "schema": "form_from_json form_from_text",
        "xlsform": "ImportResult import_xlsform load_form_file",
    },
)
