"""One meaning of a pressed action for every channel: an action of a screen (bot/present/screen.py) as the
engine input it stands for.

A channel that shows a screen's choices and actions as buttons (the web chat's forms, Telegram's keyboards, the
desk) posts back what was pressed — the act and its target — and gets the input here.  An action the screen does
not offer (an old page, a forged post) gives None: the channel then says the press was stale and shows the
current screen, never applying it to something else.  Pure.
"""

from __future__ import annotations

from bot.interview import engine
from bot.interview.engine import Input
from bot.interview.kinds import Widget
from bot.present.screen import Act, Screen

_SIMPLE: dict[Act, Input] = {
    Act.DONE: engine.Done(), Act.BACK: engine.Back(), Act.SKIP: engine.Skip(), Act.KEEP: engine.UseSuggestion(),
    Act.REVIEW: engine.Review(), Act.CONTINUE: engine.Continue(), Act.SUBMIT: engine.Submit(confirmed=False),
    Act.CONFIRM: engine.Submit(confirmed=True), Act.NOT_YET: engine.Review(), Act.ADD: engine.GroupAdd(),
    Act.DISCARD: engine.Discard(),
}


def input_of(screen: Screen, act: Act, target: str = "") -> Input | None:
    """The engine input of pressing `act` (on `target`) on `screen`; None when the screen offers no such action.
    Help is no input (a channel shows `screen.help`)."""
    if act in (Act.PICK, Act.TOGGLE):
        if not screen.asking or not any(c.option_id == target for c in screen.choices):
            return None
        if act is Act.TOGGLE:
            return engine.Toggle(target) if screen.widget is Widget.TOGGLES else None
        return engine.Pick(target) if screen.widget in (Widget.OPTIONS, Widget.YESNO) else None
    if act is Act.EDIT:
        return engine.Edit(target) if any(r.item_id == target for r in screen.rows) else None
    if act in (Act.EDIT_ENTRY, Act.REMOVE_ENTRY):
        if not any(a.act is act and a.target == target for a in screen.actions) or not target.isdigit():
            return None
        number = int(target)
        return engine.GroupEdit(number) if act is Act.EDIT_ENTRY else engine.GroupRemove(number)
    if act is Act.NOT_YET and screen.has(Act.NOT_YET):
        return engine.Review()
    if act in _SIMPLE and screen.has(act):
        return _SIMPLE[act]
    return None


def act_named(name: str) -> Act | None:
    """An act by its name as posted ("pick", "done" …), None for anything else."""
    try:
        return Act(name)
    except ValueError:
        return None
