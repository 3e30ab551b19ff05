"""Images inside PDFs, as data: URLs (the renderer opens no other paths or hosts)."""

import base64

MEDIA_TYPES = {"jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png"}


def data_url(content, media_type):
    return f"data:{media_type};base64,{base64.b64encode(content).decode('ascii')}"


def photo_data_url(volunteer):
    """The volunteer's photo as a data: URL, or "" when there is none (or it is gone)."""
    name = volunteer.photo.name if volunteer.photo else ""
    media_type = MEDIA_TYPES.get(name.rsplit(".", 1)[-1].lower()) if name else None
    if not media_type:
        return ""
    try:
        with volunteer.photo.storage.open(name, "rb") as handle:
            return data_url(handle.read(), media_type)
    except OSError:
        return ""
