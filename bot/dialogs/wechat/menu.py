"""The Official Account's custom menu: the entries a person would otherwise type (the list of interviews, continue,
review, the report, help, a resume code).  Each item is a click whose key the conversation reads
(bot/dialogs/wechat/conversation.py MENU_KEYS), in Chinese, the language of the account.  Pure."""

from __future__ import annotations

from typing import Any

from bot.i18n import Translator


def menu(tr: Translator) -> dict[str, Any]:
    """The menu as WeChat's /cgi-bin/menu/create takes it (three top-level items at most, five under each)."""

    def click(name: str, key: str) -> dict[str, str]:
        return {"type": "click", "name": name, "key": key}

    return {"button": [
        click(tr.ui("Interviews"), "START"),
        click(tr.ui("Continue"), "RESUME"),
        {"name": tr.ui("More"), "sub_button": [
            click(tr.ui("Review"), "REVIEW"), click(tr.ui("My report"), "REPORT"),
            click(tr.ui("Resume code"), "CODE"), click(tr.ui("Help"), "HELP")]},
    ]}
