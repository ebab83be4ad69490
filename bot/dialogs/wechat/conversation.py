"""One message of a WeChat person, answered: what they typed read by the one grammar (bot/dialogs/commands.py),
applied through the service's Turn (bot/service/turn.py), and the texts to send back (bot/dialogs/wechat/texts.py).

Besides the grammar, the conversation reads a few words of its own, since it has no buttons and no slash commands
of Telegram's kind: 开始 / start (the list of interviews) and 开始 N (start one; a bare number does it too while no
interview is open), code (a resume code; code revoke), 续答 CODE / resume CODE (continue a session from another
phone), contract N (draft the service contract with provider N of one's latest filing), and the erasure of one's
data ("forget", then "forget confirm").  The custom menu's items (bot/dialogs/wechat/menu.py) send the same.

Documents are sent as signed links to the web chat's downloads and page previews (bot/service/links.py): WeChat
does not carry files in this conversation.  They are rendered before the links are sent, so a link opens at once;
that is what can make a reply take longer than WeChat waits (the endpoint then sends it as customer-service
messages).
"""

from __future__ import annotations

import logging
import re
import time
from typing import Any

from bot.dialogs import commands
from bot.dialogs.web.services import Services
from bot.dialogs.wechat import ids, texts
from bot.dialogs.wechat.protocol import Incoming
from bot.i18n import LANGUAGES, Translator, known_lang, language_name
from bot.interview import engine
from bot.interview.engine import Input
from bot.interview.errors import AnswerError
from bot.interview.schema import Form
from bot.interview.typed import MAX_READ, clean, typed_int
from bot.present import error_text, typed_too_early
from bot.present.build import screen_key
from bot.service import links
from bot.service.helpdesk import NotAllowed, SlowDown, pretty_code
from bot.service.sessions import Opened, Redelivered
from bot.service.shown import typed_before
from bot.service.turn import AfterSubmission, Turn, current_screen, opening_lines, take_turn

log = logging.getLogger(__name__)

#: "开始 2", "start 2", "start miit-2022" (a word after 开始 is an answer, not a command: "开始数字化改造")
_START = re.compile(r"^(?:/?start|开始)\s*(\d+|(?<=\s)[a-z][a-z0-9-]*)$", re.IGNORECASE)
_LIST = frozenset({"/start", "start", "开始", "菜单", "menu", "问卷", "/menu"})
_RESUME_WORDS = frozenset({"/resume", "resume", "续答", "接着答"})
_REDEEM = re.compile(r"^(?:/?resume|续答)\s+([A-Za-z0-9-]{4,40})$", re.IGNORECASE)
_CODE = re.compile(r"^(?:/?code|续答码)(?:\s+(revoke|撤销))?$", re.IGNORECASE)
_CONTRACT = re.compile(r"^(?:/?contract|合同)\s*(\d+)$", re.IGNORECASE)
_FORGET = re.compile(r"^(?:/?forget|删除我的数据)(?:\s+(confirm|确认))?$", re.IGNORECASE)

#: the custom menu's keys (bot/dialogs/wechat/menu.py) and what each one types
MENU_KEYS: dict[str, str] = {"START": "/start", "RESUME": "/resume", "REVIEW": "review", "REPORT": "report",
                             "HELP": "help", "CODE": "/code"}


class Conversation:
    def __init__(self, services: Services) -> None:
        self.svc = services

    @property
    def interviews(self) -> Any:
        return self.svc.interviews

    def startable(self) -> list[Form]:
        return [f for f in self.interviews.forms.values() if f.starts_from is None]

    async def translator(self, who: str) -> Translator:
        return Translator(await self.interviews.lang_of(who) or self.svc.settings.default_lang)

    async def answer(self, incoming: Incoming, update_id: int | None) -> list[str]:
        """The texts that answer `incoming` (each within WeChat's limit); [] when nothing is to be said."""
        who = incoming.who
        tr = await self.translator(who)
        if incoming.kind == "event":
            event = incoming.event.lower()
            if event == "subscribe" or event == "scan":
                return await self.welcome(who, tr)
            if event == "click" and incoming.key in MENU_KEYS:
                return await self.typed(who, MENU_KEYS[incoming.key], tr, update_id)  # a menu's word: no time
            return []  # unsubscribe, a link opened, a template sent …: nothing to answer
        if incoming.kind != "text":
            return texts.pack([tr.ui("Please reply with text: this conversation reads typed answers only."),
                               await self.screen_or_list(who, tr)])
        return await self.typed(who, incoming.text, tr, update_id, created=incoming.created)

    # --- what was typed --------------------------------------------------------------------------------------

    async def typed(self, who: str, raw: str, tr: Translator, update_id: int | None, *, created: int = 0
                    ) -> list[str]:
        """`created`: when WeChat received the text (seconds; 0 unknown), for the typed-too-early check."""
        text = clean(raw, limit=MAX_READ).strip()  # the boundary: capped, controls dropped, NFC
        if not text:
            return texts.pack([tr.ui("Type an answer, or help for the commands."), await self.screen_or_list(who, tr)])
        key = text.lower()
        if key in _LIST:
            return texts.pack([texts.form_list(self.startable(), tr)])
        if key in _RESUME_WORDS:
            return texts.pack([await self.screen_or_list(who, tr)])
        if m := _REDEEM.match(text):
            return await self.redeem(who, m.group(1), tr)
        if m := _CODE.match(text):
            return await self.code(who, bool(m.group(1)), tr)
        if m := _FORGET.match(text):
            return await self.forget(who, bool(m.group(1)), tr)
        if m := _CONTRACT.match(text):
            return await self.contract(who, m.group(1), tr)
        opened = await self.interviews.current(who)
        if (m := _START.match(text)) and (m.group(1).isdigit() or m.group(1) in self.interviews.forms):
            return await self.start(who, m.group(1), tr)
        if opened is None:
            if typed_int(text) is not None:
                return await self.start(who, text, tr)
            command = commands.word_of(text)
            if command == "report":
                return await self.report(who, None, tr)
            if command == "help":
                return texts.pack([texts.help_text(None, tr)])
            if (lang := _language(text)) is not None:
                return await self.language(who, lang, None, tr)
            return texts.pack([tr.ui("You have no interview in progress."), texts.form_list(self.startable(), tr)])
        return await self.in_interview(who, opened, text, tr, update_id, created=created)

    async def in_interview(self, who: str, opened: Opened, text: str, tr: Translator,
                           update_id: int | None, *, created: int = 0) -> list[str]:
        command = commands.read(opened.form, opened.state, text)
        if isinstance(command, commands.Help):
            return texts.pack([texts.help_text(await current_screen(self.interviews, opened, tr), tr)])
        if isinstance(command, commands.Quit):
            return texts.pack([tr.ui("Saved. Reply anything later to continue where you left off.")])
        if isinstance(command, commands.Report):
            return await self.report(who, opened, tr)
        if isinstance(command, commands.Language):
            return await self.language(who, command.code, opened, tr)
        if isinstance(command, commands.NoSuchLabel):
            return texts.pack([texts.refusal(tr.ui("There is no item {n} on the review list.", n=command.label),
                                             None, tr), await self.screen(who, opened, tr)])
        event: Input
        if isinstance(command, commands.RemoveEntry):  # typed on purpose: removed at once, as in the terminal
            event = engine.GroupRemove(command.number)
        elif isinstance(command, commands.AttachFile):  # no files here: what was typed is the answer
            event = engine.Text(text)
        else:
            event = command
        if created and await self.typed_too_early(who, opened, created):
            # typed before the screen the session shows now was sent: not applied (bot/service/shown.py)
            return texts.pack(["⚠ " + typed_too_early(opened.form, opened.state, text, tr),
                               await self.screen(who, opened, tr)])
        try:
            turn = await take_turn(self.interviews, opened, event, tr, actor=who, update_id=update_id, typed=text)
        except Redelivered:  # applied before (a retry that reached another worker): where things stand now
            fresh = await self.interviews.current(who) or opened
            return texts.pack([await self.screen(who, fresh, tr)])
        return await self.render(who, turn, tr)

    async def typed_too_early(self, who: str, opened: Opened, created: int) -> bool:
        """Whether a text WeChat received at `created` (seconds) came before the person was sent the screen the
        session shows now.  Whole seconds on both sides: one typed in the second the screen was sent is taken."""
        openid = ids.openid_of(who)
        if openid is None:
            return False
        recorded = await self.interviews.shown.get(ids.chat_number(openid), opened.session_id)
        return typed_before(recorded, screen_key(opened.form, opened.state), created)

    async def shown(self, who: str) -> None:
        """The person was sent a reply now: if it showed their session's screen, its time is recorded (a screen
        already recorded keeps its first time; bot/service/shown.py)."""
        openid = ids.openid_of(who)
        opened = await self.interviews.current(who)
        if openid is None or opened is None:
            return
        await self.interviews.shown.record(ids.chat_number(openid), opened.session_id,
                                           screen_key(opened.form, opened.state), int(time.time()))

    async def render(self, who: str, turn: Turn, tr: Translator) -> list[str]:
        """A Turn as messages: the refusal and what was typed, or what was saved and the warnings; the next
        screen; after a submission the documents and what comes next."""
        if turn.refusal is not None and turn.refusal.error.code == "held_by_staff":
            return texts.pack([texts.refusal(turn.refusal.reason, None, tr)])  # nothing to answer meanwhile
        blocks: list[str] = []
        if turn.refusal is not None:
            blocks.append(texts.refusal(turn.refusal.reason, turn.refusal.typed, tr))
        else:
            if turn.saved is not None:
                blocks.append(texts.saved(turn.saved, tr))
            elif turn.removed is not None:
                blocks.append("🗑 " + turn.removed)
            blocks.extend(texts.warnings(turn.warnings))
        if turn.after is not None:
            return texts.pack([*blocks, texts.screen_text(turn.screen, tr)]) + await self.after(who, turn.after, tr)
        blocks.append(texts.screen_text(turn.screen, tr))
        return texts.pack(blocks)

    async def after(self, who: str, after: AfterSubmission, tr: Translator) -> list[str]:
        """What follows a submission: a contract's total against its filing, the documents' links, the next
        interviews, the contracts to draft."""
        blocks: list[str] = []
        if after.contract_check is not None:
            blocks.append("\n".join(("⚠ " + line if after.contract_differs else line) for line in after.contract_check))
        blocks.append(await self.documents(who, after.documents, tr))
        numbers = {f.id: n for n, f in enumerate(self.startable(), 1)}
        offered = [(numbers[f], tr.form(self.interviews.forms[f].title)) for f in after.next_forms if f in numbers]
        if offered:
            blocks.append("\n".join([tr.ui("Next: the self-assessment and the filing. What you answered here is "
                                           "offered there for you to confirm.")]
                                    + [f"{texts.start_word(tr)} {n}: {title}" for n, title in offered]))
        if after.filing is not None:
            lines = [tr.ui("Next: draft the service contract (annex 2) with each provider; what the filing holds is "
                           "filled in:")]
            lines += [f"{_contract_word(tr)} {n + 1}: {after.filing.provider_name(n)}"
                      for n in range(len(after.filing.providers))]
            blocks.append("\n".join(lines))
        return texts.pack(blocks)

    async def documents(self, who: str, session_id: int, tr: Translator) -> str:
        """The links to a session's documents, rendered first (so a link opens at once)."""
        token = links.sign(self.svc.link_key, session_id, who, time.time())
        base = f"{self.svc.public_url}/d/{token}"
        try:
            files = await self.svc.documents.files(session_id, tr.lang)
        except Exception:  # the answers are submitted: the link's page renders them again when opened
            log.exception("could not render the documents of session %s", session_id)
            return tr.ui("Your documents (the links are valid for 7 days):") + "\n" + base
        return texts.document_links([(f.name, f.previewable) for f in files], base, tr)

    # --- screens ---------------------------------------------------------------------------------------------

    async def screen(self, who: str, opened: Opened, tr: Translator) -> str:
        """The session's screen as it stands; while helpdesk staff hold it, only why nothing can be answered."""
        _, held_by = await self.interviews.holder(opened.session_id)
        if held_by is not None and held_by != who:
            return texts.refusal(error_text(AnswerError("held_by_staff"), tr), None, tr)
        return texts.screen_text(await current_screen(self.interviews, opened, tr), tr)

    async def screen_or_list(self, who: str, tr: Translator) -> str:
        opened = await self.interviews.current(who)
        if opened is None:
            return texts.form_list(self.startable(), tr)
        return await self.screen(who, opened, tr)

    async def welcome(self, who: str, tr: Translator) -> list[str]:
        blocks = [tr.ui("Welcome! This account walks you through the official questionnaires one question at a "
                        "time; every answer is saved at once.")]
        opened = await self.interviews.current(who)
        if opened is not None:
            blocks.append(tr.ui("You have an interview in progress: reply {word} to continue it.", word="“续答”"
                                if tr.lang == "zh" else "“resume”"))
        blocks.append(texts.form_list(self.startable(), tr))
        return texts.pack(blocks)

    async def start(self, who: str, choice: str, tr: Translator) -> list[str]:
        forms = self.startable()
        n = typed_int(choice)
        form = forms[n - 1] if n is not None and 1 <= n <= len(forms) else next(
            (f for f in forms if f.id == choice), None)
        if form is None:
            return texts.pack([texts.refusal(tr.ui("Please type a number from 1 to {max}.", max=len(forms)), choice,
                                             tr), texts.form_list(forms, tr)])
        opened = await self.interviews.open(who, form.id, lang=tr.lang)
        lines = opening_lines(opened, tr)
        return texts.pack(["\n".join(lines), await self.screen(who, opened, tr)])

    async def language(self, who: str, code: str, opened: Opened | None, tr: Translator) -> list[str]:
        lang = known_lang(code)
        if lang is None:
            return texts.pack([texts.refusal(tr.ui("Unknown language: {code}. Available: {languages}.", code=code,
                                                   languages=" / ".join(map(language_name, LANGUAGES))), None, tr)])
        await self.interviews.set_lang(who, lang)
        tr = Translator(lang)
        blocks = [tr.ui("Language: {language}", language=language_name(lang))]
        blocks.append(await self.screen(who, opened, tr) if opened is not None
                      else texts.form_list(self.startable(), tr))
        return texts.pack(blocks)

    # --- documents, codes, contracts, erasure -----------------------------------------------------------------

    async def report(self, who: str, opened: Opened | None, tr: Translator) -> list[str]:
        target = None
        if opened is not None and opened.state.submitted:
            target = opened.session_id
        if target is None:
            target = await self.interviews.latest_submitted(who)
        if target is None:
            return texts.pack([tr.ui("There is nothing to report yet: finish an interview first.")])
        return texts.pack([await self.documents(who, target, tr)])

    async def code(self, who: str, revoke: bool, tr: Translator) -> list[str]:
        opened = await self.interviews.current(who)
        if opened is None:
            return texts.pack([tr.ui("You have no interview in progress.")])
        try:
            if revoke:
                count = await self.svc.helpdesk.revoke_codes(opened.session_id, who)
                return texts.pack([tr.ui("{count} code(s) revoked.", count=count)])
            code = await self.svc.helpdesk.issue_code(opened.session_id, who)
        except NotAllowed:
            return texts.pack([texts.refusal(error_text(AnswerError("not_your_session"), tr), None, tr)])
        return texts.pack([tr.ui("Your resume code: {code} (valid 7 days). To continue on another phone, send "
                                 "{word} {code} to this account there, or open {url}; give it to the helpdesk "
                                 "if they should take over.", code=pretty_code(code),
                                 word="续答" if tr.lang == "zh" else "resume",
                                 url=f"{self.svc.public_url}/r/{code}")])

    async def redeem(self, who: str, code: str, tr: Translator) -> list[str]:
        before = await self.svc.helpdesk.code_session(code)
        owner_before = (await self.interviews.holder(before))[0] if before is not None else None
        try:
            session_id, how = await self.svc.helpdesk.redeem(code, who)
        except SlowDown as slow:
            return texts.pack([texts.refusal(tr.ui("Too many wrong codes. Please wait {seconds} seconds and try "
                                                   "again.", seconds=int(slow.wait) + 1), None, tr)])
        except LookupError:
            return texts.pack([texts.refusal(tr.ui("This code is not valid (wrong, expired or revoked)."), code, tr)])
        self.interviews.focus(who, session_id)
        if how == "moved" and owner_before and owner_before != who:
            await self.svc.notices.tell(owner_before, "Your interview (session {id}) was opened with your resume "
                                                      "code on another device and now continues there. If this was "
                                                      "not you, contact the helpdesk at once: they can give it "
                                                      "back to you.", kind="moved", id=session_id)
        opened = await self.interviews.current(who)
        return texts.pack([await self.screen(who, opened, tr) if opened is not None
                           else tr.ui("You have no interview in progress.")])

    async def contract(self, who: str, number: str, tr: Translator) -> list[str]:
        from bot.service.contracts import NoSuchFiling, NoSuchProvider, latest_filing, open_contract

        n = typed_int(number)
        try:
            filing = await latest_filing(self.interviews.sessionmaker, who)
            opened = await open_contract(self.interviews, filing, (n or 0) - 1)
        except NoSuchFiling:
            return texts.pack([texts.refusal(tr.ui("A contract is drafted from a submitted filing (hangzhou-filing), "
                                                   "and you have none: finish the filing first."), None, tr)])
        except NoSuchProvider:
            return texts.pack([texts.refusal(tr.ui("The filing has no provider {number}. Its providers:",
                                                   number=number), None, tr)]
                              + [f"{_contract_word(tr)} {k + 1}: {filing.provider_name(k)}"
                                 for k in range(len(filing.providers))])
        self.interviews.focus(who, opened.session_id)
        head = tr.ui("Service contract with {provider}.", provider=filing.provider_name((n or 1) - 1))
        return texts.pack([head, "\n".join(opening_lines(opened, tr)), await self.screen(who, opened, tr)])

    async def forget(self, who: str, confirmed: bool, tr: Translator) -> list[str]:
        if not confirmed:
            counts = await self.svc.helpdesk.holdings(who)
            return texts.pack([tr.ui("This erases all your data: {sessions} interview(s) with their answers, and "
                                     "what you told us about your enterprise. It cannot be undone. Reply {word} to "
                                     "erase it.", sessions=counts.get("sessions", 0),
                                     word="“删除我的数据 确认”" if tr.lang == "zh" else "“forget confirm”")])
        await self.svc.helpdesk.forget_person(who)
        self.svc.documents.forget()
        return texts.pack([tr.ui("All your data has been erased.")])


def _language(text: str) -> str | None:
    command = commands.read_language(text)
    return command.code if command is not None else None


def _contract_word(tr: Translator) -> str:
    return "合同" if tr.lang == "zh" else "contract"


__all__ = ["MENU_KEYS", "Conversation"]
