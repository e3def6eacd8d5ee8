from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import TextAreaField

from partnerhub.services.threads import MAX_BODY


class MessageForm(FlaskForm):
    """A message in a thread; the service decides what is empty or refused."""

    body = TextAreaField(_l("Message"), render_kw={"maxlength": MAX_BODY, "rows": 3})
    files = MultipleFileField(_l("Files"))


def message_form(reservation, **kwargs):
    """The thread's form, its field ids unique on a page with several threads."""
    return MessageForm(prefix=f"t{reservation.id}", **kwargs)
