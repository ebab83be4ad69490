"""The WeChat conversation's messages: the screen model (bot/present/screen.py) as plain text.

WeChat's conversation with an Official Account has no buttons: options are printed numbered ("回复数字选择"),
the actions as the words the one grammar of typed commands reads (bot/dialogs/commands.py: 返回、跳过、检查、
提交、修改 N …, in the person's language), and a text longer than one message (2,048 bytes of UTF-8) is split on
line boundaries, a longer line only between words and never inside a number.

Pure: a Screen (or a Turn's parts) and a Translator in, text out; what a screen holds is decided by
bot/present/build.py.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from bot.dialogs.commands import word
from bot.i18n import Translator
from bot.interview.schema import Form
from bot.present import shorten
from bot.present.screen import Act, Action, Screen, ScreenKind, Widget

#: the longest text message WeChat takes (a passive reply or a customer-service message), in bytes of UTF-8
MAX_BYTES = 2048
#: the longest echo of a refused text (the rest stays in the person's own message above)
MAX_ECHO = 300

#: the grammar's word for each action a screen offers (numbered ones — edit N, remove N — apart)
_ACT_WORDS: dict[Act, str] = {
    Act.DONE: "done", Act.KEEP: "keep", Act.BACK: "back", Act.SKIP: "skip", Act.REVIEW: "review",
    Act.HELP: "help", Act.CONTINUE: "continue", Act.SUBMIT: "submit", Act.CONFIRM: "submit",
    Act.NOT_YET: "review", Act.ADD: "add", Act.DISCARD: "discard",
}


def _q(text: str, tr: Translator) -> str:
    """A word to type, quoted as the language quotes it."""
    return f"“{text}”"


def commands_line(actions: Sequence[Action], tr: Translator) -> str:
    """"可回复：返回｜跳过｜检查｜帮助" — the words for the screen's actions, each once."""
    words: list[str] = []
    for action in actions:
        name = _ACT_WORDS.get(action.act)
        if action.act is Act.EDIT_ENTRY:
            shown = word("edit", tr.lang) + " N"
        elif action.act is Act.REMOVE_ENTRY:
            shown = word("remove", tr.lang) + " N"
        elif name is not None:
            shown = word(name, tr.lang)
        else:
            continue
        if shown not in words:
            words.append(shown)
    sep = "｜" if tr.lang == "zh" else " | "
    return tr.ui("You can also reply: {words}", words=sep.join(words)) if words else ""


def _flags(flags: Sequence[str], tr: Translator) -> str:
    if not flags:
        return ""
    return "（" + "，".join(flags) + "）" if tr.lang == "zh" else " (" + ", ".join(flags) + ")"


def _options(scr: Screen, tr: Translator) -> list[str]:
    """The options numbered, a ✓ after those chosen, and how to answer."""
    lines = [f"{c.number}. {c.label}{' ✓' if c.chosen else ''}" for c in scr.choices]
    if scr.widget is Widget.TOGGLES:
        lines.append(tr.ui("Reply with the numbers of your choice; several are allowed, e.g. 1 3 4."))
    elif scr.choices:
        lines.append(tr.ui("Reply with a number to choose."))
    return lines


def question(scr: Screen, tr: Translator) -> str:
    """A question (or a group's list or field) as one text."""
    parts: list[str] = []
    if scr.heading:
        parts.append(scr.heading)
    if scr.group is not None:
        parts.append(f"{scr.number}. {scr.group_text}")
        if scr.kind is ScreenKind.GROUP_MENU:
            if scr.entries:
                parts.append("\n".join(f"{n}. {entry}" for n, entry in enumerate(scr.entries, 1)))
            else:
                parts.append(tr.ui("No {entry} yet.", entry=scr.entry_noun))
            parts.append(tr.ui("Type add, edit N, remove N, or done."))
        else:
            parts.append(f"{scr.entry} · {scr.text}{_flags(scr.flags, tr)}" + (f"\n{scr.note}" if scr.note else ""))
    else:
        parts.append(f"{scr.number}. {scr.text}{_flags(scr.flags, tr)}" + (f"\n{scr.note}" if scr.note else ""))
    if scr.kind is ScreenKind.OTHER:
        if scr.current:
            parts.append(tr.ui("Current answer: {answer}", answer=scr.current))
        parts.append(tr.ui("Please say what “other” is:"))
    elif scr.kind is not ScreenKind.GROUP_MENU:
        options = _options(scr, tr)
        if options:
            parts.append("\n".join(options))
        if scr.prompt:
            parts.append(scr.prompt)
        if scr.current:
            parts.append(tr.ui("Current answer: {answer}", answer=scr.current))
        elif scr.suggestion:
            given = (tr.ui("Given before: {answer}", answer=scr.suggestion) if scr.suggested == "before"
                     else tr.ui("Suggested from your answers: {answer}", answer=scr.suggestion))
            parts.append(given + "\n" + tr.ui("Reply {word} to use it, or give another answer.",
                                              word=_q(word("keep", tr.lang), tr)))
    figures = [scr.progress, *([scr.score] if scr.score else [])]
    parts.append("\n".join(figures))
    line = commands_line(scr.actions, tr)
    if line:
        parts.append(line)
    return "\n\n".join(p for p in parts if p)


def review(scr: Screen, tr: Translator) -> str:
    """The review list (or the confirmation): every answer, what is still wrong, and how to go on."""
    lines = [tr.ui("Review: {answered}/{total} answered", answered=scr.answered, total=scr.total), ""]
    for row in scr.rows:
        lines.append(f"{row.number}. {shorten(row.text, 30 if tr.lang == 'zh' else 50)} — {row.answer}{row.mark}")
    lines.append("")
    if scr.score:
        lines.append(scr.score)
    lines.extend(f"⚠ {w}" for w in scr.warnings)
    if scr.missing:
        lines.append(tr.ui("{count} unanswered. Type “continue” to answer them.", count=scr.missing))
    if scr.kind is ScreenKind.CONFIRM:
        lines.append(tr.ui("Submit now? Once submitted, answers can only be changed through the helpdesk. "
                           "Type “submit” again to confirm, or “edit N” to change an answer."))
    else:
        lines.append(tr.ui("Type “edit N” to change item N, or “submit” to finish."))
    return "\n".join(lines)


def result(scr: Screen, tr: Translator) -> str:
    lines = [tr.ui("Submitted. Thank you!"), scr.title, ""]
    lines.extend(line.text for line in scr.result)
    return "\n".join(lines)


def screen_text(scr: Screen, tr: Translator) -> str:
    """Any screen as the conversation's text."""
    if scr.kind in (ScreenKind.REVIEW, ScreenKind.CONFIRM):
        return review(scr, tr)
    if scr.kind is ScreenKind.RESULT:
        return result(scr, tr)
    return question(scr, tr)


def refusal(reason: str, typed: str | None, tr: Translator) -> str:
    """"✗ why" and what was typed."""
    text = f"✗ {reason}"
    if typed:
        shown = typed if len(typed) <= MAX_ECHO else typed[:MAX_ECHO] + "…"
        text += "\n" + tr.ui("You typed: {typed}", typed=shown)
    return text


def saved(answer: str, tr: Translator) -> str:
    return "✓ " + tr.ui("Saved: {answer}", answer=answer)


def warnings(lines: Iterable[str]) -> list[str]:
    return [f"⚠ {line}" for line in lines]


def form_list(forms: Sequence[Form], tr: Translator) -> str:
    """The interviews, numbered, and how to start one."""
    lines = [tr.ui("Choose an interview:"), ""]
    for n, form in enumerate(forms, 1):
        lines.append(f"{n}. {tr.form(form.title)}")
        if form.summary:
            lines.append(f"   {tr.form(form.summary)}")
    lines.append("")
    lines.append(tr.ui("Reply {example} to start interview 1 (any number from the list).",
                       example=_q(start_word(tr) + " 1", tr)))
    return "\n".join(lines)


def start_word(tr: Translator) -> str:
    return "开始" if tr.lang == "zh" else "start"


def help_text(scr: Screen | None, tr: Translator) -> str:
    """What the question means (when one is asked), then the words this conversation reads."""
    parts: list[str] = []
    if scr is not None and scr.asking:
        parts.append(f"❓ {scr.text}\n{scr.help or tr.ui('No further explanation for this question.')}")
    w = {name: word(name, tr.lang) for name in ("back", "skip", "review", "report", "help")}
    parts.append("\n".join((
        tr.ui("Answer each question by replying with the option number(s) or the value asked for."),
        tr.ui("{back}: the previous question · {skip}: leave an optional question empty · {review}: all your "
              "answers · {edit}: change item N on the review", back=w["back"], skip=w["skip"], review=w["review"],
              edit=word("edit", tr.lang) + " N"),
        tr.ui("{start}: the list of interviews · {report}: links to your latest report", start=start_word(tr),
              report=w["report"]),
        tr.ui("code: a code to continue on another phone or with the helpdesk · lang en / lang zh"),
        tr.ui("Every answer is saved at once; reply anything later to continue where you left off."),
    )))
    return "\n\n".join(parts)


def document_links(names: Sequence[tuple[str, bool]], base: str, tr: Translator) -> str:
    """Links to a session's documents (`base` is the signed link's address): each file, a PDF by its page
    preview (a phone's in-app browser shows pictures, not PDFs) and as a download."""
    lines = [tr.ui("Your documents (the links are valid for 7 days):")]
    for n, (name, previewable) in enumerate(names):
        lines.append(f"📄 {name}")
        if previewable:
            lines.append(tr.ui("View: {url}", url=f"{base}/{n}/pages"))
        lines.append(tr.ui("Download: {url}", url=f"{base}/{n}"))
    lines.append(tr.ui("All files: {url}", url=base))
    return "\n".join(lines)


# --- one message at most MAX_BYTES ----------------------------------------------------------------------------


def _size(text: str) -> int:
    return len(text.encode("utf-8"))


_NUMBER_END = re.compile(r"[0-9０-９][0-9０-９.,:%／/-]*$")


def _cut_line(line: str, limit: int) -> list[str]:
    """A line longer than `limit` bytes in pieces: cut after a space or a CJK character, never inside a number
    (a run of digits with its separators)."""
    pieces: list[str] = []
    while _size(line) > limit:
        end = 0
        size = 0
        for i, ch in enumerate(line):
            size += _size(ch)
            if size > limit:
                break
            end = i + 1
        cut = end
        space = line.rfind(" ", 0, end)
        if space > end // 2:
            cut = space + 1
        number = _NUMBER_END.search(line[:cut])
        if number is not None and cut < len(line) and line[cut].isdigit() and number.start() > 0:
            cut = number.start()  # the number goes whole to the next piece
        pieces.append(line[:cut].rstrip())
        line = line[cut:].lstrip(" ")
    pieces.append(line)
    return pieces


def split_message(text: str, limit: int = MAX_BYTES) -> list[str]:
    """`text` as WeChat messages of at most `limit` bytes each: whole lines packed in order (a blank line that
    would start a message is dropped), a line longer than a message cut by `_cut_line`."""
    text = text.strip("\n")
    if _size(text) <= limit:
        return [text] if text else []
    messages: list[str] = []
    current: list[str] = []
    size = 0
    for raw in text.split("\n"):
        for line in (_cut_line(raw, limit) if _size(raw) > limit else [raw]):
            extra = _size(line) + (1 if current else 0)
            if current and size + extra > limit:
                messages.append("\n".join(current).strip("\n"))
                current, size = [], 0
                extra = _size(line)
            if not current and not line.strip():
                continue
            current.append(line)
            size += extra
    if current:
        messages.append("\n".join(current).strip("\n"))
    return [m for m in messages if m]


def pack(blocks: Iterable[str], limit: int = MAX_BYTES) -> list[str]:
    """Blocks of text (a refusal, what was saved, the next screen) as few messages as fit: blocks joined by a
    blank line while they fit one message, split where they do not."""
    return split_message("\n\n".join(b for b in blocks if b), limit)
