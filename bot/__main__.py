"""Command line: python -m bot {run,console,export,score,forms,db,staff}.

Only `run` serves (the web chat; Telegram, importing aiogram, only with a BOT_TOKEN); the other commands stay
fast.  The rendering libraries
(WeasyPrint, python-docx, openpyxl, through bot.service.reports) are imported only by the commands that write files:
`console --out` when it writes a report, and `export`.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

from bot.i18n import LANGUAGES, normalise_lang
from bot.interview.errors import AnswerError, FormError
from bot.interview.loader import load_forms


def _settings() -> Any:
    from bot.config import Settings

    return Settings()


def cmd_forms(args: argparse.Namespace) -> int:
    from bot.interview.dump import form_summary, form_to_json

    forms = load_forms()
    if args.action == "show":
        if args.form_id not in forms:
            print(f"unknown form {args.form_id!r}; known: {', '.join(forms)}", file=sys.stderr)
            return 2
        form = forms[args.form_id]
        if args.json:
            print(json.dumps(form_to_json(form), ensure_ascii=False, indent=2))
        else:
            print(form_summary(form, full=True))
        return 0
    for form in forms.values():
        print(form_summary(form))
    return 0


def cmd_score(args: argparse.Namespace) -> int:
    from bot.interview.dump import answers_from_json
    from bot.scoring import rule_of
    from bot.scoring.summary import evaluation_to_json

    forms = load_forms()
    if args.form_id not in forms:
        print(f"unknown form {args.form_id!r}; known: {', '.join(forms)}", file=sys.stderr)
        return 2
    form = forms[args.form_id]
    try:
        raw = json.loads(Path(args.answers).read_text(encoding="utf-8"))
        rule = rule_of(form)
        if rule is not None:  # as the rule's source writes them (the 2024 platform's option letters "C")
            raw = rule.prepare_answers(form, raw)
        answers = answers_from_json(form, raw, date.today())  # the command line reads the clock
    except AnswerError as exc:  # before ValueError, which it is: the message names the item
        print(f"{args.answers}: {exc.params.get('item', '?')}: {exc.code} {exc.params}", file=sys.stderr)
        return 2
    except (OSError, ValueError) as exc:
        print(f"cannot read {args.answers}: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(evaluation_to_json(form, answers), ensure_ascii=False, indent=2))
    return 0


async def _open_db(url: str) -> Any:
    from bot.db.engine import create_engine, sessionmaker
    from bot.db.migrate import upgrade

    engine = create_engine(url)
    await upgrade(engine)
    return engine, sessionmaker(engine)


def cmd_console(args: argparse.Namespace) -> int:
    from bot.dialogs.console import Console
    from bot.service.sessions import Interviews

    settings = _settings()
    forms = load_forms()
    if args.form not in forms:
        print(f"unknown form {args.form!r}; known: {', '.join(forms)}", file=sys.stderr)
        return 2
    starts_from = forms[args.form].starts_from
    if args.provider is None and starts_from:
        print(f"{args.form} is started from a submitted {starts_from}: use --provider N", file=sys.stderr)
        return 2
    if args.provider is not None and args.provider < 1:
        print("--provider counts from 1", file=sys.stderr)
        return 2

    out_dir = Path(args.out).expanduser() if getattr(args, "out", None) else None

    async def main() -> None:
        engine, maker = await _open_db(args.database_url or settings.database_url)
        interviews = Interviews(maker, forms)
        try:
            console = Console(interviews, user=args.user, lang=args.lang or settings.default_lang, out_dir=out_dir)
            if args.provider is not None:  # a service contract drafted from the filing
                await console.run_contract(args.provider, _read_line, filing_id=args.filing)
            else:
                await console.run(args.form, _read_line)
        finally:
            await interviews.close()
            await engine.dispose()

    asyncio.run(main())
    return 0


def _read_line() -> str | None:
    line = sys.stdin.readline()
    return None if line == "" else line


#: the interview whose submissions make up the district summary table, and its district question
FILING_FORM = "hangzhou-filing"
DISTRICT_ITEM = "district"


def _district_label(forms: dict[str, Any], name: str) -> tuple[str | None, list[str]]:
    """The district `name` means (its printed label; an option id or the start of a label will do), and all
    the district labels.  None when it names no district, or several."""
    options = getattr(forms[FILING_FORM].item(DISTRICT_ITEM), "options", ())
    labels = [o.label for o in options]
    key = name.strip()
    if not key:
        return None, labels
    exact = [o.label for o in options if key in (o.id, o.label)]
    found = exact or [o.label for o in options if o.label.startswith(key)]
    return (found[0] if len(found) == 1 else None), labels


def cmd_export(args: argparse.Namespace) -> int:
    settings = _settings()
    forms = load_forms()
    district: str | None = None
    if args.district is not None:
        district, labels = _district_label(forms, args.district)
        if district is None:
            print(f"unknown district {args.district!r}; the {len(labels)} districts and counties of Hangzhou are: "
                  f"{'、'.join(labels)}", file=sys.stderr)
            return 2
    try:
        filled_on = date.fromisoformat(args.filled_on) if args.filled_on else date.today()
    except ValueError:
        print(f"--filled-on wants a date such as 2024-03-11, not {args.filled_on!r}", file=sys.stderr)
        return 2
    target = Path(args.out).expanduser()

    async def main() -> int:
        from bot.service.reports import export_district  # openpyxl: imported only here

        engine, maker = await _open_db(args.database_url or settings.database_url)
        try:
            return await export_district(maker, forms, target, district=district, filled_by=args.filled_by,
                                         filled_on=filled_on)
        finally:
            await engine.dispose()

    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        count = asyncio.run(main())
    except LookupError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"cannot write {target}: {exc}", file=sys.stderr)
        return 1
    scope = district or "all districts"
    print(f"{count} submitted filing(s) of {scope} written to {target}")
    return 0


def cmd_staff(args: argparse.Namespace) -> int:
    """Desk accounts: add one (its one-time sign-in link printed), a new link for one (a forgotten password), the
    list."""
    from bot.serve import public_url
    from bot.service.helpdesk import Helpdesk
    from bot.service.sessions import Interviews
    from bot.service.staff import ROLES, StaffAccounts, StaffError

    settings = _settings()
    forms = load_forms()
    districts: list[str] = []
    for name in args.district or ():
        label, labels = _district_label(forms, name)
        if label is None:
            print(f"unknown district {name!r}; the {len(labels)} districts and counties of Hangzhou are: "
                  f"{'、'.join(labels)}", file=sys.stderr)
            return 2
        districts.append(label)
    problems = {"name": "the name is empty", "role": f"the role is one of {', '.join(ROLES)}",
                "districts": "a district officer needs --district (one or more); other roles take none",
                "taken": f"there is already an account named {args.name!r}", "account": "no such account",
                "telegram_taken": "that Telegram id is already linked to another account",
                "telegram": "a Telegram user id is a number of at most 52 bits"}

    async def main() -> list[str]:
        engine, maker = await _open_db(args.database_url or settings.database_url)
        interviews = Interviews(maker, forms)
        accounts = StaffAccounts(maker, Helpdesk(interviews))
        try:
            if args.action == "list":
                return [f"{a.name}\t{a.role}\t{'、'.join(a.districts) or '-'}\t"
                        f"{'tg:' + str(a.telegram_id) if a.telegram_id else '-'}\t"
                        f"{'active' if a.active else 'deactivated'}{'' if a.has_password else ', no password yet'}"
                        for a in await accounts.accounts()]
            if args.action == "add":
                account, token = await accounts.add(args.name, args.role, districts, telegram_id=args.telegram)
            else:
                found = await accounts.named(args.name)
                if found is None:
                    raise StaffError("account")
                account, token = found, await accounts.issue_link(found.id)
            link = f"{public_url(settings)}/desk/welcome/{token}"
            where = ": " + "、".join(account.districts) if account.districts else ""
            return [f"{account.name} ({account.role}{where})",
                    f"one-time sign-in link (valid 3 days, works once): {link}"]
        finally:
            await interviews.close()
            await engine.dispose()

    if args.action != "list" and not args.name:
        print(f"staff {args.action} needs a NAME", file=sys.stderr)
        return 2
    if args.action == "add" and not args.role:
        print(f"staff add needs --role ({', '.join(ROLES)})", file=sys.stderr)
        return 2
    try:
        lines = asyncio.run(main())
    except StaffError as exc:
        print(f"cannot: {problems.get(exc.code, exc.code)}", file=sys.stderr)
        return 2
    print("\n".join(lines) if lines else "no staff accounts yet")
    return 0


def cmd_db(args: argparse.Namespace) -> int:
    """Migrate (under PostgreSQL's advisory lock, so a deployment may run it from every worker at once) and check
    that the database takes a write."""
    from bot.db.engine import create_engine
    from bot.db.migrate import DatabaseUnwritable, prepare

    settings = _settings()

    async def main() -> None:
        engine = create_engine(args.database_url or settings.database_url)
        try:
            await prepare(engine)
        finally:
            await engine.dispose()

    try:
        asyncio.run(main())
    except DatabaseUnwritable as exc:
        print(f"cannot upgrade: {exc}", file=sys.stderr)
        return 2
    print("database is at the newest schema")
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    """The service: the web chat (WEB_HOST:WEB_PORT, default 127.0.0.1:8080) and Telegram when BOT_TOKEN is set."""
    from bot.serve import run

    settings = _settings()
    if args.host is not None:
        settings.web_host = args.host
    if args.port is not None:
        settings.web_port = args.port
    return run(settings)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot", description="Guided interviews: a mobile web chat, "
                                                                        "Telegram, WeChat and the terminal")
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="start the service: the web chat (and the staff desk) at 127.0.0.1:8080, and "
                                     "Telegram too when BOT_TOKEN is set")
    run.add_argument("--host", default=None, help="where the web chat listens (default WEB_HOST, 127.0.0.1)")
    run.add_argument("--port", type=int, default=None, help="its port (default WEB_PORT, 8080; 0: no web chat)")
    run.set_defaults(func=cmd_run)

    con = sub.add_parser("console", help="answer an interview in the terminal")
    con.add_argument("--form", default="miit-2022")
    con.add_argument("--lang", choices=LANGUAGES, type=normalise_lang)
    con.add_argument("--user", default=getpass.getuser(), help="whose session to open or resume")
    con.add_argument("--database-url", help="overrides DATABASE_URL")
    con.add_argument("--out", metavar="DIR",
                     help="folder for the report files (PDF; Word for the filing and benchmark forms), created if "
                          "missing: written when the interview is submitted, and on the command report (报告)")
    con.add_argument("--provider", type=int, metavar="N",
                     help="draft the service contract (annex 2) with provider N (1, 2, …) of your latest submitted "
                          "hangzhou-filing (or of --filing); --form is then not needed")
    con.add_argument("--filing", type=int, metavar="SESSION", help="with --provider: the filing's session number")
    con.set_defaults(func=cmd_console)

    export = sub.add_parser(
        "export", help="write the annex-5 summary table (备案汇总表) of submitted hangzhou-filing applications",
        description="Write the annex-5 summary table (区、县（市）备案汇总表) of the submitted hangzhou-filing "
                    "applications as an .xlsx workbook.  With --district, only that district's filings, and the "
                    "table's 填报单位 reads '<district>经济和信息化局'; without it, the filings of all 13 districts "
                    "and counties in one table, with 填报单位 left empty unless --filled-by is given.")
    export.add_argument("--district", metavar="NAME",
                        help="a district or county of Hangzhou, e.g. 滨江区 (or its start, 滨江, or its id, "
                             "binjiang); default: all districts")
    export.add_argument("--out", metavar="FILE.xlsx", required=True, help="the workbook to write (overwritten)")
    export.add_argument("--database-url", help="overrides DATABASE_URL")
    export.add_argument("--filled-by", metavar="TEXT", help="填报单位 (default: '<district>经济和信息化局')")
    export.add_argument("--filled-on", metavar="YYYY-MM-DD", help="填报时间 (default: today)")
    export.set_defaults(func=cmd_export)

    score = sub.add_parser("score", help="evaluate a set of answers and print JSON")
    score.add_argument("form_id")
    score.add_argument("answers", help="ANSWERS.json: item id → option number(s) / value")
    score.set_defaults(func=cmd_score)

    forms = sub.add_parser("forms", help="list the interviews, or show one")
    forms.add_argument("action", nargs="?", choices=["list", "show"], default="list")
    forms.add_argument("form_id", nargs="?")
    forms.add_argument("--json", action="store_true")
    forms.set_defaults(func=cmd_forms)

    db = sub.add_parser("db", help="database maintenance")
    db.add_argument("action", choices=["upgrade"])
    db.add_argument("--database-url")
    db.set_defaults(func=cmd_db)

    staff = sub.add_parser(
        "staff", help="staff accounts of the desk (/desk): add one, a new sign-in link, the list",
        description="Staff who work at the desk in the browser (/desk).  `add` makes an account and prints its "
                    "one-time sign-in link (PUBLIC_URL, default http://WEB_HOST:WEB_PORT; valid 3 days, works "
                    "once): its first visit sets the password.  `link` prints a new link (a forgotten password); "
                    "`list` shows every account.  Roles: helpdesk (see, take over, answer), officer (read and "
                    "export the filings of their --district only), admin (also manages staff on the desk).")
    staff.add_argument("action", choices=["add", "link", "list"])
    staff.add_argument("name", nargs="?", help="the staff member's name, as they sign in (e.g. 王芳)")
    staff.add_argument("--role", choices=["helpdesk", "officer", "admin"])
    staff.add_argument("--district", action="append", metavar="NAME",
                       help="a district officer's district or county (repeat for several), e.g. 滨江区")
    staff.add_argument("--telegram", type=int, metavar="USER_ID",
                       help="the same person's Telegram user id: their Telegram staff commands work too")
    staff.add_argument("--database-url", help="overrides DATABASE_URL")
    staff.set_defaults(func=cmd_staff)

    args = parser.parse_args(argv)
    if args.command == "forms" and args.action == "show" and not args.form_id:
        parser.error("forms show needs a form id")
    try:
        return int(args.func(args))
    except FormError as exc:
        print(f"broken form definition: {exc}", file=sys.stderr)
        return 3
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
