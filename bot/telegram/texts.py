"""The few sentences only the Telegram adapter says, in Spanish and English.

Everything about meetings, points and positions comes from the core's catalogues
(`drafting/messages/*.toml`); these are about Telegram itself: buttons, edits, anonymous senders.
"""

from __future__ import annotations

_TEXTS: dict[str, dict[str, str]] = {
    "es": {
        "object_how": "Para objetar el punto {label}, escriba en el grupo:\n/objetar {label} <motivo>",
        "object_how_unknown": "Para objetar, escriba en el grupo: /objetar <n> <motivo>",
        "stale_button": "Este botón ya no es válido. Escriba /puntos para ver los puntos.",
        "edit_ignored": (
            "Las ediciones de mensajes no se aplican: nada cambió. "
            "Envíe el comando de nuevo en un mensaje nuevo."
        ),
        "anonymous": (
            "Usted escribe como el grupo (administrador anónimo), así que no sé qué delegación habla: "
            "no registro posiciones, propuestas ni comentarios así. Desactive «Permanecer anónimo» en sus "
            "permisos de administrador o escriba desde su cuenta personal."
        ),
        "channel": (
            "Este mensaje llega en nombre del canal «{name}», así que no sé qué persona ni qué delegación "
            "habla: no registro posiciones, propuestas ni comentarios así. Escriba desde su cuenta personal."
        ),
        "document_failed": "No pude enviar el documento {name}: {error}",
    },
    "en": {
        "object_how": "To object to point {label}, type in the group:\n/object {label} <reason>",
        "object_how_unknown": "To object, type in the group: /object <n> <reason>",
        "stale_button": "This button is no longer valid. Type /items to see the points.",
        "edit_ignored": (
            "Edited messages are not applied: nothing changed. Send the command again as a new message."
        ),
        "anonymous": (
            "You are writing as the group (anonymous admin), so I cannot tell which delegation is speaking: "
            "I record no positions, proposals or comments sent that way. Turn off “Remain anonymous” in your "
            "admin rights, or write from your personal account."
        ),
        "channel": (
            "This message comes in the name of the channel “{name}”, so I cannot tell which person or "
            "delegation is speaking: I record no positions, proposals or comments sent that way. Write from "
            "your personal account."
        ),
        "document_failed": "I could not send the document {name}: {error}",
    },
}


def say(lang: str, key: str, **params: object) -> str:
    table = _TEXTS.get(lang, _TEXTS["es"])
    return table.get(key, _TEXTS["es"][key]).format(**params)
