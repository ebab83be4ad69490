"""The WeChat markup: the words a screen offers are the words the grammar reads, and long texts are split at
2,048 bytes between whole lines, never inside a number."""

from __future__ import annotations

import itertools
from datetime import date

import pytest

from bot.dialogs import commands
from bot.dialogs.actions import input_of
from bot.dialogs.commands import word
from bot.dialogs.wechat import texts
from bot.dialogs.wechat.texts import MAX_BYTES, split_message
from bot.i18n import Translator
from bot.interview import engine
from bot.interview.loader import load_forms
from bot.present.build import build_screen
from bot.present.screen import Act

FORMS = load_forms()
TODAY = date(2026, 6, 1)


def _size(text: str) -> int:
    return len(text.encode())


def test_a_3000_byte_text_is_two_messages_of_whole_lines() -> None:
    lines = [f"{n}. 企业是否建立了覆盖主要业务的信息系统 — 已建立，部分业务覆盖（第 {n} 行）" for n in range(1, 36)]
    text = "\n".join(lines)
    assert 2900 < _size(text) < 4096
    parts = split_message(text)
    assert len(parts) == 2
    assert all(_size(p) <= MAX_BYTES for p in parts)
    assert "\n".join(parts) == text  # nothing lost, nothing cut: every line whole in one part


def test_a_line_longer_than_a_message_is_cut_between_words_never_inside_a_number() -> None:
    line = "".join(f"第{n}项金额为1234567.89万元，" for n in range(200))
    parts = split_message(line)
    assert len(parts) > 1 and all(_size(p) <= MAX_BYTES for p in parts)
    assert "".join(parts) == line
    for before, after in itertools.pairwise(parts):
        assert not (before[-1].isdigit() and after[0].isdigit()), (before[-10:], after[:10])


def test_a_short_text_is_one_message_and_blank_blocks_vanish() -> None:
    assert texts.pack(["✓ 已保存：是", "", "2. 企业名称"]) == ["✓ 已保存：是\n\n2. 企业名称"]
    assert split_message("\n\n") == []


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_word_a_screen_offers_reads_back_as_its_action(lang: str) -> None:
    tr = Translator(lang)
    form = FORMS["miit-2022"]
    state = engine.start(form)
    for answer in ("1", "1"):
        step = engine.apply(form, state, engine.Text(answer), TODAY)
        assert step.error is None
        state = step.state
    screens = [(state, build_screen(form, state, TODAY, tr, session_id=1))]
    review = engine.apply(form, state, engine.Review(), TODAY).state
    screens.append((review, build_screen(form, review, TODAY, tr, session_id=1)))
    for at, scr in screens:
        line = texts.commands_line(scr.actions, tr) if scr.asking else ""
        for action in scr.actions:
            if action.act in (Act.HELP, Act.EDIT, Act.EDIT_ENTRY, Act.REMOVE_ENTRY):
                continue
            typed = {Act.CONFIRM: "submit", Act.NOT_YET: "review"}.get(action.act, action.act.value)
            shown = word(typed, lang)
            if scr.asking:
                assert shown in line
            assert commands.read(form, at, shown) == input_of(scr, action.act, action.target), action


def test_a_question_numbers_its_options_and_says_how_to_answer() -> None:
    tr = Translator("zh")
    form = FORMS["miit-2022"]
    scr = build_screen(form, engine.start(form), TODAY, tr, session_id=1)
    shown = texts.screen_text(scr, tr)
    assert "1. " + scr.choices[0].label in shown and "回复数字选择" in shown
    assert scr.progress in shown and "还可回复：" in shown and "检查" in shown
