"""Admin change-form payloads read from the page itself, as a browser would send them.

A test that posts to an admin change or add page starts from what the page shows: every
field's current value and each inline formset's management form (TOTAL_FORMS,
INITIAL_FORMS and the rest), so a new field or inline never breaks a hand-written payload.
"""

from html.parser import HTMLParser

# Inputs a browser sends only when clicked, or never.
_NOT_SENT = {"submit", "button", "image", "reset", "file"}


class _FormParser(HTMLParser):
    """Collects the fields of the admin's main form (`<model>_form`) in document order."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = False
        self.inside = False
        self.fields = []  # (name, value) pairs, a name repeated for multiple values
        self._select = None  # [name, multiple, options, selected]
        self._option = None  # [value or None, text, selected]
        self._textarea = None  # [name, text]

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            form_id = attrs.get("id") or ""
            if not self.found and form_id.endswith("_form"):
                self.found = self.inside = True
            return
        # A browser never sends a disabled control (nor the options of a disabled select).
        if not self.inside or "disabled" in attrs:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = (attrs.get("type") or "text").lower()
            if kind in _NOT_SENT:
                return
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.fields.append((name, attrs.get("value") or "on"))
                return
            self.fields.append((name, attrs.get("value") or ""))
        elif tag == "textarea" and name:
            self._textarea = [name, ""]
        elif tag == "select" and name:
            self._select = [name, "multiple" in attrs, [], []]
        elif tag == "option" and self._select is not None:
            self._option = [attrs.get("value"), "", "selected" in attrs]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data
        if self._option is not None:
            self._option[1] += data

    def handle_endtag(self, tag):
        if tag == "form" and self.inside:
            self.inside = False
        elif tag == "textarea" and self._textarea is not None:
            name, text = self._textarea
            # A browser drops the newline that follows <textarea>, and so does Django's form.
            if text.startswith("\r\n"):
                text = text[2:]
            elif text.startswith("\n"):
                text = text[1:]
            self.fields.append((name, text))
            self._textarea = None
        elif tag == "option" and self._option is not None:
            self._close_option()
        elif tag == "select" and self._select is not None:
            if self._option is not None:
                self._close_option()
            name, multiple, options, selected = self._select
            if multiple:
                self.fields.extend((name, value) for value in selected)
            elif selected:
                self.fields.append((name, selected[-1]))
            elif options:  # a single select with nothing marked sends its first option
                self.fields.append((name, options[0]))
            self._select = None

    def _close_option(self):
        value, text, selected = self._option
        value = text.strip() if value is None else value
        self._select[2].append(value)
        if selected:
            self._select[3].append(value)
        self._option = None


def form_values(html: str) -> dict:
    """The values the admin's main form on `html` would submit, lists for repeated names.

    Inline templates for new rows (names with `__prefix__`) are left out, as the admin's
    script never submits them.
    """
    parser = _FormParser()
    parser.feed(html)
    parser.close()
    if not parser.found:
        raise AssertionError("The page has no admin change form (<form id='..._form'>).")
    values = {}
    for name, value in parser.fields:
        if "__prefix__" in name:
            continue
        if name in values:
            previous = values[name]
            values[name] = [*previous, value] if isinstance(previous, list) else [previous, value]
        else:
            values[name] = value
    return values


def change_form_payload(client, url, **overrides):
    """GET the admin change or add page at `url` and return what its form would POST.

    `overrides` replace or add fields (names with dashes go through `**{...}`, for example
    `**{"bylines-0-position": "2"}`); an override of None drops the field, as an unticked
    checkbox does. add_inline_row() fills a new inline row.
    """
    response = client.get(url)
    if response.status_code != 200:
        raise AssertionError(f"GET {url} answered {response.status_code}, not the form")
    payload = form_values(response.content.decode())
    for name, value in overrides.items():
        if value is None:
            payload.pop(name, None)
        else:
            payload[name] = value
    return payload


def add_inline_row(payload, prefix, **fields):
    """Fill one more row of the inline `prefix`, as the admin's "Add another" link does."""
    index = int(payload[f"{prefix}-TOTAL_FORMS"])
    payload[f"{prefix}-TOTAL_FORMS"] = str(index + 1)
    payload.update({f"{prefix}-{index}-{name}": value for name, value in fields.items()})
    return payload
