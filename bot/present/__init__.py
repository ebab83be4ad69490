"""What a person sees, for every channel: the words (answers, progress, scores, refusals, results) and the screen
model (what is asked next, as plain data).

- `words`: pure text helpers shared by every channel and document (bot/present/words.py);
- `screen`: the screen model's data classes (bot/present/screen.py);
- `build`: the one place a screen is built from a form, a state and a Translator (bot/present/build.py).

A channel (web, Telegram, WeChat, terminal, desk) marks a `Screen` up and decides nothing about what to show.
"""

from bot.present.words import (
    answer_text,
    colon,
    entry_text,
    error_text,
    explanation,
    format_hint,
    has_marker,
    item_flags,
    item_label,
    kind_hint,
    list_sep,
    next_steps,
    notice_text,
    open_count,
    points,
    progress_line,
    result_lines,
    review_warnings,
    score_line,
    section_heading,
    shorten,
    size_line,
    staff_mark,
    step_warnings,
    typed_too_early,
)

__all__ = ["answer_text", "colon", "entry_text", "error_text", "explanation", "format_hint", "has_marker",
           "item_flags", "item_label", "kind_hint", "list_sep", "next_steps", "notice_text", "open_count", "points",
           "progress_line", "result_lines", "review_warnings", "score_line", "section_heading", "shorten",
           "size_line", "staff_mark", "step_warnings", "typed_too_early"]
