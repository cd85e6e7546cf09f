"""Form definitions: fields, choices, expressions and their evaluation, without a database.

Pure functions and immutable values only; nothing here imports streamlit or touches DuckDB.
See the README section "Form definitions" for the JSON form and the expression language.
"""

from store.formdef.convert import format_value, parse_text, to_stored, to_widget
from store.formdef.demo import demo_form
from store.formdef.edit import add_field, move_field, remove_choices, remove_field, rename_field, set_choices, update_field
from store.formdef.evaluate import Evaluation, FieldError, clean_for_save, evaluate_record, initial_values
from store.formdef.expr import Expr, ExpressionError, evaluate, parse, references
from store.formdef.model import FIELD_TYPES, Choice, Field, FormDef, FormDefError, Problem
from store.formdef.schema import form_from_json, form_from_text
from store.formdef.xlsform import ImportResult, import_xlsform, load_form_file

__all__ = [
    "FIELD_TYPES",
    "Choice",
    "Evaluation",
    "Expr",
    "ExpressionError",
    "Field",
    "FieldError",
    "FormDef",
    "FormDefError",
    "ImportResult",
    "Problem",
    "add_field",
    "clean_for_save",
    "demo_form",
    "evaluate",
    "evaluate_record",
    "form_from_json",
    "form_from_text",
    "format_value",
    "import_xlsform",
    "initial_values",
    "load_form_file",
    "move_field",
    "parse",
    "parse_text",
    "references",
    "remove_choices",
    "remove_field",
    "rename_field",
    "set_choices",
    "to_stored",
    "to_widget",
    "update_field",
]
