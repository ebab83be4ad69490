"""Babel extractor for interview definitions: every text a person sees in bot/forms/*.yaml becomes a msgid of
the `forms` domain (registered as the `form_yaml` extraction method in pyproject.toml)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, BinaryIO

import yaml

#: keys whose string values are shown to people
TEXT_KEYS = frozenset({"title", "summary", "source", "text", "note", "help", "section", "label", "short", "name",
                       "entry", "message", "description", "authority", "authority_note", "unit", "next_steps",
                       "unconfirmed"})


def _walk(node: yaml.Node, key: str | None = None) -> Iterator[tuple[int, str]]:
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            yield from _walk(v, getattr(k, "value", None))
    elif isinstance(node, yaml.SequenceNode):
        for child in node.value:
            yield from _walk(child, key)
    elif isinstance(node, yaml.ScalarNode) and key in TEXT_KEYS and isinstance(node.value, str) and node.value:
        yield node.start_mark.line + 1, node.value


def extract_form_yaml(
    fileobj: BinaryIO, keywords: Any, comment_tags: Any, options: Any
) -> Iterator[tuple[int, str, str, list[str]]]:
    root = yaml.compose(fileobj.read().decode("utf-8"))
    if root is None:
        return
    for line, text in _walk(root):
        yield line, "", text, []
