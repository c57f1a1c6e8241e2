"""Length limits of free text, one place for the page forms and the API schemas that write the same field
(a lead note the page took at 10,000 characters was refused by the API at 5,000).
`accounts/tests/test_length_limits.py` fails when a form and its schema disagree."""

from __future__ import annotations

LONG_TEXT = 5000  # notes, descriptions, outcomes, a sub-park's focus
REASON = 2000  # reasons, opinions, a stage move's explanation
TYPED_CODE = 40  # an identifier as typed, before it is normalised (全国投资项目代码 with spaces)
