"""The terminal channel: any interview on stdin/stdout, over the same engine and database as Telegram.

Works when stdin is a pipe, so a script can answer every question.  Every accepted answer is committed before
the next question is printed; quitting (or the input ending, or the process being killed) loses nothing, and
running again resumes at the first unanswered item.  A typed line is read by the grammar every channel shares
(bot/dialogs/commands.py); what an input did comes back as a Turn (bot/service/turn.py), printed here.

Report files: given an output folder (`--out DIR`), the console writes the session's PDF (and Word application,
where the form has one) there when the interview is submitted, and whenever the person types `report` (报告).
The rendering libraries are imported only then, so answering stays light.
"""

from __future__ import annotations

import shlex
import sys
from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any, TextIO

from bot.dialogs import commands
from bot.i18n import LANGUAGES, Translator, known_lang, language_name
from bot.interview import engine
from bot.interview.engine import Input, State
from bot.interview.schema import Form
from bot.interview.typed import MAX_READ, clean, typed_int
from bot.present import shorten
from bot.present.screen import Act, Screen, ScreenKind, Widget
from bot.service.sessions import Interviews, Opened
from bot.service.turn import AfterSubmission, Turn, current_screen, opening_lines, take_turn

#: the report folder the next-step commands name when this run was given none
NEXT_OUT = Path("reports")


def form_menu(forms: Mapping[str, Form], tr: Translator) -> list[str]:
    """The interviews as /start lists them, with the --form id that starts each one."""
    lines = [tr.ui("Choose an interview:")]
    for n, form in enumerate(forms.values(), 1):
        lines.append(f"  {n}. {tr.form(form.title)}  (--form {form.id})")
        if form.summary:
            lines.append(f"     {tr.form(form.summary)}")
    lines.append(tr.ui("Type its number to start it here, or start one directly with: python -m bot run --form ID "
                       "(or python -m bot console --form ID). quit leaves."))
    return lines


def pick_form(forms: Mapping[str, Form], lang: str, read_line: Callable[[], str | None],
              out: TextIO = sys.stdout) -> str | None:
    """Show the menu of interviews and read the person's choice (a number or an id); None: they left."""
    tr = Translator(lang)
    out.write("\n".join(form_menu(forms, tr)) + "\n")
    ids = list(forms)
    while True:
        out.flush()
        line = read_line()
        if line is None:
            return None
        text = line.strip()
        if not text:
            continue
        if commands.word_of(text) == "quit":
            return None
        n = typed_int(text)
        if n is not None and 1 <= n <= len(ids):
            return ids[n - 1]
        if text in forms:
            return text
        out.write(tr.ui("Please type a number from 1 to {max}, or quit.", max=len(ids)) + "\n")


class Console:
    def __init__(self, interviews: Interviews, *, user: str, lang: str, out: TextIO = sys.stdout,
                 out_dir: Path | None = None) -> None:
        self.interviews = interviews
        self.external_id = f"console:{user}"
        self.tr = Translator(lang)
        self.out = out
        #: where report files are written (None: not written; the person is told how)
        self.out_dir = out_dir
        #: the item of the question shown last (None after a review or result screen)
        self._last_item: str | None = None

    def say(self, text: str = "") -> None:
        self.out.write(text + "\n")
        self.out.flush()

    async def run(self, form_id: str, read_line: Callable[[], str | None], *, opened: Opened | None = None) -> State:
        """The interview `form_id` (or the session already `opened`, a contract) until it ends or input ends."""
        if opened is None:
            opened = await self.interviews.open(self.external_id, form_id, lang=self.tr.lang)
        form, state = opened.form, opened.state
        tr = self.tr
        self.say(f"== {tr.form(form.title)} ==")
        lines = opening_lines(opened, tr)
        self.say(lines[-1])  # a welcome back, or the interview's size (the title is above)
        self.say(tr.ui("Type the option number(s). Commands: back, skip, review, help, quit."))
        self.show(await current_screen(self.interviews, opened, tr))
        while True:
            line = read_line()
            if line is None:
                self.say(tr.ui("Input ended; your answers are saved. Run the same command again to continue."))
                return state
            # the boundary: capped, controls dropped, NFC (a longer line is refused by the item, never parsed)
            text = clean(line, limit=MAX_READ).strip()  # a line longer than a message stays so: refused whole
            if not text:  # every line gets an answer: an empty one, where things stand
                self.say(tr.ui("Type an answer, or help for the commands."))
                continue
            command = commands.read(form, state, text)
            if isinstance(command, commands.Quit):
                self.say(tr.ui("Saved. Run the same command again to continue where you left off."))
                return state
            if isinstance(command, commands.Help):
                self.help(await current_screen(self.interviews, replace(opened, state=state), self.tr))
                continue
            if isinstance(command, commands.Report):
                await self.report(form, opened.session_id, state)
                continue
            event = self.event_of(command)
            if event is None:  # said why; the question (or the review) again, in the language now chosen
                tr = self.tr
                self.show(await current_screen(self.interviews, replace(opened, state=state), tr))
                continue
            turn = await take_turn(self.interviews, replace(opened, state=state), event, tr, actor=self.external_id,
                                   typed=text)  # a refusal shows what was typed, a word command too
            if turn.refusal is None:
                state = turn.state
            self.render(turn)
            if turn.after is not None:
                await self.after_submission(form, turn.after, state)
                return state

    def event_of(self, command: commands.Command) -> Input | None:
        """The engine input a typed command gives; None when the console handled it itself (said why)."""
        if isinstance(command, commands.Language):
            lang = known_lang(command.code)
            if lang is None:
                self.say("✗ " + self.tr.ui("Unknown language: {code}. Available: {languages}.", code=command.code,
                                            languages=" / ".join(map(language_name, LANGUAGES))))
                return None
            self.tr = Translator(lang)
            self.say(self.tr.ui("Language: {language}", language=language_name(self.tr.lang)))
            return None
        if isinstance(command, commands.NoSuchLabel):
            self.say("✗ " + self.tr.ui("There is no item {n} on the review list.", n=command.label))
            return None
        if isinstance(command, commands.AttachFile):
            path = Path(command.path).expanduser()
            if not path.is_file():
                self.say("✗ " + self.tr.ui("No such file: {path}", path=str(path)))
                return None
            return engine.Attach(file_id=f"file:{path.resolve()}", name=path.name)
        if isinstance(command, commands.RemoveEntry):  # typed on purpose: removed at once
            return engine.GroupRemove(command.number)
        assert not isinstance(command, commands.Help | commands.Quit | commands.Report)
        return command

    def render(self, turn: Turn) -> None:
        """A Turn: the refusal (and what was typed) or what was saved and the warnings, then the next screen."""
        tr = self.tr
        if turn.refusal is not None:
            self.say("✗ " + turn.refusal.reason)
            if turn.refusal.typed:
                self.say(tr.ui("(you typed: {typed})", typed=turn.refusal.typed))
        else:
            if turn.saved is not None:
                self.say("✓ " + tr.ui("Saved: {answer}", answer=turn.saved))
            elif turn.removed is not None:
                self.say("🗑 " + turn.removed)
            for warning in turn.warnings:
                self.say("⚠ " + warning)
        self.show(turn.screen)

    async def after_submission(self, form: Form, after: AfterSubmission, state: State) -> None:
        """What follows a submission: a contract's total against its filing, the report files, the interviews
        that come next, the contracts to draft."""
        if after.contract_check is not None:
            for line in after.contract_check:
                self.say("⚠ " + line if after.contract_differs else line)
        await self.report(form, after.documents, state)
        # the commands as they can be pasted: the same person, and the reports written (this run's folder, else one)
        user = shlex.quote(self.external_id.split(":", 1)[1])
        out = "--out " + shlex.quote(str(self.out_dir or NEXT_OUT))
        if after.next_forms:
            self.say(self.tr.ui("Next: the self-assessment and the filing. What you answered here is offered there "
                                "for you to confirm."))
            for form_id in after.next_forms:
                self.say(f"  python -m bot console --form {form_id} --user {user} {out}")
        if after.filing is not None:
            self.say(self.tr.ui("Next: draft the service contract (annex 2) with each provider; what the filing "
                                "holds is filled in:"))
            for n in range(len(after.filing.providers)):
                self.say(f"  {n + 1}. {after.filing.provider_name(n)}: python -m bot console --user {user} "
                         f"--provider {n + 1} {out}")

    # --- service contracts drafted from a filing --------------------------------------------------------------

    async def run_contract(self, provider: int, read_line: Callable[[], str | None], *,
                           filing_id: int | None = None) -> State | None:
        """Draft the contract of provider `provider` (1-based) of the person's latest submitted filing (or of
        filing `filing_id`, which must be theirs); None when there is no such filing or provider (told)."""
        from bot.service.contracts import NoSuchFiling, NoSuchProvider, latest_filing, load_filing, open_contract

        tr, maker = self.tr, self.interviews.sessionmaker
        try:
            filing = await (load_filing(maker, filing_id) if filing_id is not None
                            else latest_filing(maker, self.external_id))
            if filing.owner != self.external_id:
                raise NoSuchFiling(filing_id)
            opened = await open_contract(self.interviews, filing, provider - 1)
        except NoSuchFiling:
            self.say("✗ " + tr.ui("A contract is drafted from a submitted filing (hangzhou-filing), and you have "
                                  "none: finish the filing first."))
            return None
        except NoSuchProvider:
            self.say("✗ " + tr.ui("The filing has no provider {number}. Its providers:", number=provider))
            self._providers(filing)
            return None
        self.say(tr.ui("Service contract with {provider}.", provider=filing.provider_name(provider - 1)))
        if opened.state.submitted:
            self.say(tr.ui("This contract was already drafted; its files are written again."))
            await self.report(opened.form, opened.session_id, opened.state)
            return opened.state
        return await self.run(opened.form.id, read_line, opened=opened)

    def _providers(self, filing: Any) -> None:
        from bot.service.contracts import provider_lines

        for line in provider_lines(filing):
            self.say("  " + line)

    def help(self, scr: Screen) -> None:
        tr = self.tr
        if scr.asking:
            self.say(scr.help or tr.ui("No further explanation for this question."))
            if scr.widget is Widget.TOGGLES:
                self.say(tr.ui("Several numbers separated by spaces, e.g. 1 3 4."))
        self.say(tr.ui("Commands: back, skip (optional questions), review, quit (answers are kept), "
                       "lang en / lang zh."))
        if scr.group is not None:
            self.say(tr.ui("In a list: back goes to the previous field, discard drops the entry being "
                           "typed."))
        self.say(tr.ui("report: write the report files (PDF, Word) into the --out folder."))

    def flags(self, flags: tuple[str, ...]) -> str:
        """"（单选，选填）" / " (single choice, optional)": only the hints there are, or nothing."""
        if not flags:
            return ""
        return "（" + "，".join(flags) + "）" if self.tr.lang == "zh" else " (" + ", ".join(flags) + ")"

    def show_choices(self, scr: Screen) -> None:
        tr = self.tr
        if scr.widget in (Widget.OPTIONS, Widget.TOGGLES):
            for c in scr.choices:
                self.say(f"  {c.number}. {c.label}")
        elif scr.widget is Widget.YESNO:
            self.say("  " + "  ".join(f"{c.number}. {c.label}" for c in scr.choices))
        if scr.prompt:
            self.say("  " + scr.prompt)
        if scr.takes_files:
            self.say(tr.ui("  (you may attach a file: file PATH)"))

    def show_question(self, scr: Screen) -> None:
        tr = self.tr
        self.say()
        # inside a repeatable group, its heading is printed once, not again before each field
        again = scr.group is not None and self._last_item == scr.item_id
        self._last_item = scr.item_id
        if not again:
            if scr.heading:
                self.say(scr.heading)
            title = scr.group_text if scr.group is not None else scr.text
            flags = "" if scr.group is not None else self.flags(scr.flags)
            self.say(f"[{scr.progress}] {scr.number}. {title}{flags}")
            if scr.note and scr.group is None:
                self.say(scr.note)
        if scr.kind is ScreenKind.OTHER:
            self.say(tr.ui("Please say what “other” is:"))
            return
        if scr.kind is ScreenKind.GROUP_MENU:
            for n, entry in enumerate(scr.entries, 1):
                self.say(f"  {n}. {entry}")
            if not scr.entries:  # all discarded or removed: say so, with the question it belongs to
                self.say(tr.ui("  {question}: no {entry} yet.", question=scr.group_text, entry=scr.entry_noun))
            self.say(tr.ui("Type add, edit N, remove N, or done."))
            return
        if scr.kind is ScreenKind.GROUP_FIELD:
            self.say(f"  {scr.entry} · {scr.text}{self.flags(scr.flags)}")
            if scr.note:
                self.say("  " + scr.note)
            self.show_choices(scr)
            if scr.current:
                self.say(tr.ui("  current answer: {answer}", answer=scr.current) + tr.ui(" (type keep to keep it)"))
            if scr.has(Act.DISCARD) or (scr.group is not None and scr.group.field):
                self.say(tr.ui("  back: the previous field · discard: drop this entry"))
            return
        self.show_choices(scr)
        if scr.current:
            self.say(tr.ui("  current answer: {answer}", answer=scr.current))
        elif scr.suggestion and scr.suggested == "before":
            self.say(tr.ui("  given before: {answer} — type keep to use it, or a new answer",
                           answer=scr.suggestion))
        elif scr.suggestion:
            self.say(tr.ui("  suggested from your answers: {answer} — type keep to use it, or a new answer",
                           answer=scr.suggestion))
        if scr.score:
            self.say("  " + scr.score)

    def show(self, scr: Screen) -> None:
        tr = self.tr
        if scr.asking:
            self.show_question(scr)
            return
        self._last_item = None
        if scr.kind in (ScreenKind.REVIEW, ScreenKind.CONFIRM):
            self.say()
            self.say(tr.ui("== Review: {answered}/{total} answered ==", answered=scr.answered, total=scr.total))
            for row in scr.rows:
                self.say(f"{row.number:>4}. {shorten(row.short or row.text, 40 if tr.lang == 'zh' else 60)} — "
                         f"{row.answer}{row.mark}")
            if scr.score:
                self.say(scr.score)
            for warning in scr.warnings:
                self.say("⚠ " + warning)
            if scr.missing:
                self.say(tr.ui("{count} unanswered. Type “continue” to answer them.", count=scr.missing))
            if scr.kind is ScreenKind.CONFIRM:
                self.say(tr.ui("Submit now? Once submitted, answers can only be changed through the helpdesk. "
                               "Type “submit” again to confirm, or “edit N” to change an answer."))
                return
            self.say(tr.ui("Type “edit N” to change item N, or “submit” to finish."))
            return
        # finished
        self.say()
        self.say(tr.ui("Submitted. Thank you!"))
        for line in scr.result:
            self.say(line.text)

    # --- report files --------------------------------------------------------------------------------------

    async def report(self, form: Form, session_id: int, state: State) -> None:
        """Write the report files of this session (or, while it has no answers yet, of the person's latest
        submitted session of the same form) into the output folder, and print their paths.  Never raises: the
        answers are already saved, a failed rendering is only told."""
        tr = self.tr
        if self.out_dir is None:
            self.say(tr.ui("Report files (PDF, Word) are written only with --out DIR: run the same command "
                           "with e.g. --out ./reports and type report."))
            return
        try:
            target = session_id if state.answers else await self.interviews.latest_submitted(self.external_id, form.id)
            if target is None:
                self.say(tr.ui("There is nothing to report yet: this interview has no answers."))
                return
            from bot.service.reports import session_reports  # renders PDF and Word: imported only when needed

            files = await session_reports(self.interviews.sessionmaker, self.interviews.forms, target,
                                          lang=tr.lang)
            self.out_dir.mkdir(parents=True, exist_ok=True)
            for file in files:
                path = self.out_dir / file.name
                path.write_bytes(file.content)
                self.say(tr.ui("Report written: {path}", path=str(path)))
        except Exception as exc:  # the interview is saved: a report that fails must not end the run
            self.say("✗ " + tr.ui("The report files could not be written: {error}", error=str(exc) or repr(exc)))

