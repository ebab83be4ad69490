"""What keeps the answer path cheap, checked on the real dispatcher (the figures are in benchmarks/answer_path.py)."""

from __future__ import annotations

import gc

from aiogram import Router
from aiogram.methods.base import Response
from aiogram.types import Message
from conftest import World

from bot.dialogs.telegram.responses import KEPT
from bot.runtime import YOUNG_THRESHOLD, tune_garbage_collector
from tests.today import TODAY


def _routers(router: Router) -> list[Router]:
    found = [router]
    for sub in router.sub_routers:
        found.extend(_routers(sub))
    return found


def test_every_filter_is_awaited_in_the_event_loop(world: World) -> None:
    """aiogram runs a plain-function or magic filter (F.text) in a worker thread, one hop per check."""
    dp = world.dp
    checked = 0
    for router in _routers(dp):
        for observer in router.observers.values():
            filters = list(observer._handler.filters or [])
            for handler in observer.handlers:
                filters.extend(handler.filters or [])
            for f in filters:
                checked += 1
                assert f.awaitable, f"{router.name}: {f.callback!r} would run in a thread"
    assert checked > 20


def test_parsed_response_classes_survive_a_full_collection(world: World) -> None:
    before = Response[Message]
    gc.collect()
    assert Response[Message] is before
    assert before in KEPT


def test_the_service_collects_young_objects_in_larger_passes() -> None:
    saved = gc.get_threshold()
    try:
        tune_garbage_collector()
        assert gc.get_threshold()[0] == YOUNG_THRESHOLD
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
        gc.set_threshold(*saved)


def test_the_official_tick_condition_is_shown_with_the_question() -> None:
    """Q8's "（50%以上…即可勾选该项）" is part of the question on Telegram, not hidden behind ❓."""
    from html import escape

    from bot.dialogs.telegram import texts
    from bot.i18n import Translator
    from bot.interview import engine
    from bot.interview.dump import answers_from_json
    from bot.interview.loader import load_forms
    from bot.present.build import build_screen
    from tests.scoring.miit_answers import extreme_answers

    form = load_forms()["miit-2022"]
    before_q8 = {k: v for k, v in extreme_answers(form, "none").items() if form.position(k) < form.position("q8")}
    state = engine.start(form, answers_from_json(form, before_q8, TODAY))
    note = form.item("q8").note
    assert note == "（50%以上关键业务研发设计项目实现下列数字化场景即可勾选该项）"
    for lang in ("zh", "en"):
        tr = Translator(lang)
        scr = build_screen(form, state, TODAY, tr, session_id=1)
        assert scr.item_id == "q8"
        shown = texts.question(scr, tr)
        assert f"<i>{escape(tr.form(note))}</i>" in shown
        assert shown.index(escape(tr.form(form.item("q8").text))) < shown.index(escape(tr.form(note)))
