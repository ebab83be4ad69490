"""What keeps the answer path cheap, checked on the real dispatcher (the figures are in benchmarks/answer_path.py)."""

from __future__ import annotations

import gc
from typing import Any

from aiogram import Router
from aiogram.methods.base import Response
from aiogram.types import Message
from conftest import World
from sqlalchemy import select

from bot.db.models import AnswerRow
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


async def test_an_answer_reads_nothing_from_the_database_and_scores_once(world: World, monkeypatch: Any) -> None:
    """On SQLite the re-delivery check is answered from memory: a typed answer and a pressed button read nothing
    on the service's connections (the answer writer's own engine writes them; the only statement is the record
    of the screen each answer's reply shows, bot/service/shown.py), a repeated update id still shows the current
    screen and changes nothing (and writes nothing); the running score is computed once per answer."""
    from sqlalchemy import event

    from bot.present import build

    person = world.person()
    await person.send("/start")
    await person.press("制造业中小企业数字化水平评测表（2022年版）")
    statements: list[str] = []
    engine = world.interviews.sessionmaker.kw["bind"].sync_engine
    event.listen(engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    scored: list[int] = []
    real_running = build.running

    def counted(*args: Any) -> Any:
        scored.append(1)
        return real_running(*args)

    monkeypatch.setattr(build, "running", counted)
    update = person.message_update("2", update_id=90_001)
    first = await person.feed(update)
    await person.press("(10%, 20%)")  # q2 by its button
    assert len(scored) == 2
    assert statements and all(s.startswith("INSERT INTO shown_screens") for s in statements), statements
    statements.clear()
    again = await person.feed(update)  # delivered again: nothing applied, and q3 is on the chat already
    assert statements == []
    assert "企业的数字化设备覆盖范围" not in person.last_text() and "已保存" not in person.last_text()
    assert person.last_text().startswith("<b>3.")
    assert len(first) == 1 and again == []  # no second copy of the screen the chat shows
    async with world.db() as s:
        stored = {row[0]: row[1] for row in await s.execute(select(AnswerRow.item_id, AnswerRow.value))}
    assert set(stored) == {"q1", "q2"}


def test_aiogram_types_are_built_when_first_used() -> None:
    """The service imports aiogram without building every Telegram type (bot/dialogs/telegram/lazy_types.py); a
    type it meets is built then and validates and serialises as aiogram's own import builds it."""
    import subprocess
    import sys
    from pathlib import Path

    script = """
import json
import bot.dialogs.telegram
from aiogram import Bot
from aiogram.methods import SendMessage
from aiogram.types import Sticker, Update
print(Sticker.__pydantic_complete__)
update = Update.model_validate({"update_id": 1, "message": {"message_id": 2, "date": 1700000000, "text": "hi",
    "chat": {"id": 3, "type": "private"}, "from": {"id": 3, "is_bot": False, "first_name": "x"},
    "reply_markup": {"inline_keyboard": [[{"text": "a", "callback_data": "b"}]]}}})
bot = Bot("123456:AAA")
method = SendMessage(chat_id=3, text="x", reply_markup=update.message.reply_markup)
print(json.dumps([update.model_dump(mode="json", exclude_none=True),
                  {k: bot.session.prepare_value(v, bot=bot, files={}) for k, v in method.model_dump().items()}],
                 sort_keys=True))
"""
    repo = Path(__file__).resolve().parents[3]
    lazy = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=repo)
    eager = subprocess.run([sys.executable, "-c", "import aiogram\n" + script], capture_output=True, text=True,
                           check=True, cwd=repo)
    assert lazy.stdout.splitlines()[0] == "False" and eager.stdout.splitlines()[0] == "True"
    assert lazy.stdout.splitlines()[1] == eager.stdout.splitlines()[1]
    assert '"text": "hi"' in lazy.stdout and "inline_keyboard" in lazy.stdout


async def test_the_interview_router_asked_first_takes_no_command(world: World) -> None:
    """The interview's router comes first (typed answers skip the command routers): a command still reaches its
    router, an unknown one is said to be unknown, an answer is saved."""
    from html import escape

    from bot.i18n import Translator

    tr = Translator("zh")
    person = world.person()
    await person.send("/start")
    await person.press("制造业中小企业数字化水平评测表（2022年版）")
    await person.send("/nonsense")
    assert person.last_text() == escape(tr.ui("Unknown command. Send /help to see what I understand."))
    await person.send("/help")
    assert "Unknown command" not in person.last_text() and person.last_text() != escape(
        tr.ui("Unknown command. Send /help to see what I understand."))
    await person.send("2")
    assert person.last_text().startswith("✓ ") and "<b>2." in person.last_text()
