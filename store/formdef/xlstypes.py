"""pyxform's question types as XLSForm writes them (every alias pyxform accepts) and what each
becomes in Fieldbook: a field type, a select, a calculation, metadata Fieldbook records itself,
or a row that is skipped. Used by ``xlsmapping``."""

from __future__ import annotations

# pyxform's question types (its aliases already resolved to these names by its reading, or
# looked up in its QUESTION_TYPE_DICT) → Fieldbook's types.
SIMPLE_TYPES = {
    "text": "text", "string": "text", "add text prompt": "text", "q string": "text",
    "integer": "integer", "int": "integer", "add integer prompt": "integer", "q int": "integer",
    "decimal": "decimal", "add decimal prompt": "decimal", "q decimal": "decimal",
    "date": "date", "add date prompt": "date", "q date": "date",
    "time": "time",
    "dateTime": "datetime", "datetime": "datetime", "date time": "datetime", "add dateTime prompt": "datetime",
    "add date time prompt": "datetime", "q dateTime": "datetime", "q date time": "datetime",
    "note": "note", "add note prompt": "note", "q note": "note",
    "geopoint": "geopoint", "gps": "geopoint", "location": "geopoint", "q geopoint": "geopoint",
    "q location": "geopoint", "add location prompt": "geopoint",
    "geotrace": "geotrace", "q geotrace": "geotrace", "geoshape": "geoshape", "q geoshape": "geoshape",
    "image": "photo", "photo": "photo", "q picture": "photo", "q image": "photo", "add image prompt": "photo",
    "file": "file", "add file prompt": "file",
    "audio": "audio", "add audio prompt": "audio", "q audio": "audio",
    "video": "video", "add video prompt": "video", "q video": "video",
    "osm": "file",  # OpenMapKit's OpenStreetMap file: kept as the file it is (see AS_ANOTHER_TYPE)
    "barcode": "text", "add barcode prompt": "text", "q barcode": "text",
    "trigger": "boolean",
    "acknowledge": "boolean", "q acknowledge": "boolean", "add acknowledge prompt": "boolean",
    "range": "range",
    "calculate": "text", "q calculate": "text", "add calculate prompt": "text",
    "hidden": "text",
    "phone number": "text",
    "percentage": "integer",
    "number of days in last month": "integer",
    "number of days in last six months": "integer",
    "number of days in last year": "integer",
}  # fmt: skip
SELECT_TYPES = {
    "select one": "select_one", "select one using": "select_one", "q select1": "select_one",
    "add select one prompt using": "select_one",
    "select all that apply": "select_multiple", "select multiple from": "select_multiple",
    "select all that apply from": "select_multiple", "select multiple using": "select_multiple",
    "q select": "select_multiple", "add select multiple prompt using": "select_multiple",
}  # fmt: skip
CALCULATED = {"calculate", "q calculate", "add calculate prompt"}
ACKNOWLEDGE = {"acknowledge", "q acknowledge", "add acknowledge prompt", "trigger"}
# Types recorded as another Fieldbook type, each with what the user loses (a warning at import).
AS_ANOTHER_TYPE = {"barcode": "barcode", "add barcode prompt": "barcode", "q barcode": "barcode", "osm": "osm"}
# Values ODK Collect records by itself (no question is shown).
METADATA = {
    "start", "end", "today", "deviceid", "username", "phonenumber", "simserial", "subscriberid", "email",
    "audit", "start-geopoint", "imei", "device id", "subscriber id", "sim id", "start time", "end time",
    "get start time", "get end time", "get today", "get device id", "get sim id", "get subscriber id",
    "get phone number", "uri:deviceid", "uri:username", "uri:email", "uri:phonenumber", "uri:simserial",
    "uri:subscriberid", "background-geopoint",
}  # fmt: skip
RECORDED = {"start", "end", "today", "deviceid", "username"}  # the rest of METADATA_KINDS stays empty
SKIPPED = {"background-audio"}  # recorded in the background by ODK Collect: nothing to ask
