"""The app's own CSS, with no imports: the server's edge puts it into index.html, so the first
paint already has it (app/desktop/edge.py), and the shell draws it again for page tests."""

SHELL_CSS = """
.st-key-fb_header { position: sticky; top: 0; z-index: 990; background: var(--background-color, inherit); }
.st-key-fb_header { overflow: visible; }  /* nothing in it is taller than a button; focus rings show */
.st-key-fb_header p { margin: 0; }
.st-key-fb_banner { min-height: 3.25rem; }
/* reserved slots: always drawn (an empty one holds a zero-width space), always the same height,
   so a message appearing never pushes the page down. The attribute selector outranks
   Streamlit's own sizing; min and max because a flex item ignores `height`. */
[data-testid="stVerticalBlock"][class*="st-key-fbmsg-"], [data-testid="stVerticalBlock"][class*="st-key-fbslot-"] { min-height: 1.5rem; max-height: 1.5rem; overflow: hidden; }
[class*="st-key-fbmsg-"] p, [class*="st-key-fbslot-"] p { margin: 0; line-height: 1.5rem; font-size: 0.875rem; white-space: nowrap; text-overflow: ellipsis; overflow: hidden; }
[data-testid="stVerticalBlock"][class*="st-key-fbfile-"] { min-height: 2.5rem; max-height: 2.5rem; overflow: hidden; }
[class*="st-key-fbhidden-"] { display: none; }
/* contrast (WCAG 2.2 AA, 4.5:1): Streamlit's grey captions are 3.8:1 on white; the theme's own
   text colour, a little faded, is above 6:1 in the light and in the dark theme */
[data-testid="stCaptionContainer"] { color: inherit; opacity: 0.82; }
/* targets at least 24 × 24 px (WCAG 2.5.8), also the small icon buttons at 800 px and the two
   digits of a date's day and month */
[data-testid="stMain"] button { min-width: 24px; min-height: 24px; }
[data-testid="stMain"] [role="spinbutton"] { display: inline-block; min-width: 24px; min-height: 24px; text-align: center; }
/* nothing a person must read is cut: a button's label wraps (a word longer than its button
   breaks) instead of ending in "…" in a narrow window or a long German word */
[data-testid="stMain"] button [data-testid="stMarkdownContainer"],
[data-testid="stMain"] button [data-testid="stMarkdownContainer"] p {
  white-space: normal; overflow: visible; text-overflow: clip; overflow-wrap: break-word; }
[data-testid="stMain"] button { height: auto; }
/* icon buttons: the name is the button's label, for screen readers; the icon is what is seen */
[class*="st-key-fbicon-"] button { padding: 0 4px; min-width: 28px; }
[class*="st-key-fbicon-"] button [data-testid="stMarkdownContainer"] {
  position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
/* the sync indicator in the header (app/sync_header.py) */
.st-key-fb_sync_indicator button { max-width: 100%; min-height: 0; padding: 0; justify-content: flex-start; }
.st-key-fb_sync_indicator button div { overflow: hidden; }
"""


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def language_css(
    lang: str, skip: str, words: dict[str, str], names: dict[str, str] | None = None, decimal: str = ".", labels: dict[str, str] | None = None
) -> str:
    """CSS for the reader's language ``lang``: the document's language and the words of
    Streamlit's "Skip to main content" link (``skip``), as properties the page's script applies
    (app/desktop/edge.py, _A11Y_JS), and the file uploader's own English words (Streamlit 1.67
    has no option for them): ``words`` maps ``choose`` and ``drop`` to the texts, or is empty for
    English, where Streamlit's words stay. The label is replaced, not covered: the English text is
    ``display: none`` (so screen readers skip it too) and the new words are the generated
    content, which screen readers read. ``names`` maps a button's key to its spoken name (the
    arrows, whose label is a symbol); ``decimal`` is the language's decimal symbol; ``labels``
    maps Streamlit's English control names (a key ending in a space is a name's start) to the
    language's. Covered by tests/e2e/test_language.py."""
    named = "".join(f" --fb-name-{key}: {_quoted(name)};" for key, name in (names or {}).items())
    import json

    named += f" --fb-labels: {_quoted(json.dumps(labels or {}, ensure_ascii=True))};"
    if words:  # the uploader button's name for screen readers (axe does not count generated content): _A11Y_JS
        named += f" --fb-upload: {_quoted(words['choose'])};"
    root = f":root {{ --fb-lang: {_quoted(lang)}; --fb-skip: {_quoted(skip)}; --fb-decimal: {_quoted(decimal)};{named} }}"
    if not words:
        return root
    return root + f"""
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p {{ display: none; }}
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"]::after {{ content: {_quoted(words["choose"])}; }}
[data-testid="stFileUploaderDropzoneInstructions"] span {{ display: none; }}
[data-testid="stFileUploaderDropzoneInstructions"] > div::after {{
  content: {_quoted(words["drop"])}; font-size: 0.875rem; opacity: 0.82; }}
"""
