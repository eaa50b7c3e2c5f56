"""The ``locality`` command line (contract in DESIGN.md).

Exit 0 on success, 2 for a usage error (argparse's own), 1 for anything else with one clear line on stderr and
never a traceback: unexpected errors go to the log file with their traceback.
"""

from __future__ import annotations

import argparse
import getpass
import logging
import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from locality import __version__
from locality.domain.errors import LocalityError
from locality.domain.text import noun_for, plural

if TYPE_CHECKING:
    from locality.services.context import User
    from locality.services.registry import Services

log = logging.getLogger("locality.cli")

SIZES = ("small", "medium", "large")
EXPORT_FORMATS = ("pdf", "docx", "xlsx", "csv", "html")
REPORT_KINDS = ("board", "evidence")
REPORT_FORMATS = ("pdf", "docx")
IMPORT_KINDS = ("organisations", "needs", "actions", "progress", "providers", "offers")


class CommandError(LocalityError):
    """A command cannot go ahead; the sentence says why."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="locality",
        description="Locality: map shared improvement needs, agree joint actions and track them.",
    )
    parser.add_argument("--version", action="version", version=f"locality {__version__}")
    parser.add_argument("--db", metavar="PATH_OR_URL", help="workspace file or database URL")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text, description=help_text)
        # --db is accepted after the command too: "locality demo --db x.locality".
        sub.add_argument("--db", metavar="PATH_OR_URL", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
        return sub

    demo = command("demo", "fill a new workspace with a realistic demonstration partnership")
    demo.add_argument("--size", choices=SIZES, default="small")
    demo.add_argument("--seed", type=int, default=1)

    import_ = command("import", "import organisations, needs, actions or progress from CSV or XLSX")
    import_.add_argument("--kind", choices=IMPORT_KINDS, required=True)
    import_.add_argument("file", metavar="FILE")
    import_.add_argument("--dry-run", action="store_true")

    export = command("export", "export the joint action plan")
    export.add_argument("--format", choices=EXPORT_FORMATS, required=True)
    export.add_argument("--out", required=True, metavar="FILE")
    export.add_argument("--organisation", action="append", default=[], metavar="NAME")
    export.add_argument("--theme", metavar="NAME")
    export.add_argument("--status", action="append", default=[], metavar="STATUS")
    export.add_argument("--include-confidential", action="store_true")

    report = command("report", "write a short paper for the board")
    report.add_argument("--kind", choices=REPORT_KINDS, required=True)
    report.add_argument("--format", choices=REPORT_FORMATS, required=True)
    report.add_argument("--out", required=True, metavar="FILE")
    report.add_argument("--include-confidential", action="store_true")

    merge = command("merge", "merge another copy of the workspace into this one")
    merge.add_argument("--from", dest="source", required=True, metavar="OTHER_PATH")
    merge.add_argument("--dry-run", action="store_true")
    merge.add_argument(
        "--prefer", choices=("mine", "theirs"), default="mine", help="which value a conflict keeps (default: mine)"
    )

    copy = commands.add_parser(
        "copy",
        help="copy a workspace between a file and a server, either way",
        description="Copy a workspace, with every record and its whole history, to a new file or an empty "
        "server database (or from a server to a file).",
    )
    copy.add_argument("--from", dest="source", required=True, metavar="PATH_OR_URL")
    copy.add_argument("--to", dest="destination", required=True, metavar="PATH_OR_URL")

    accounts = command(
        "accounts", "set up who may change what in a workspace on a PostgreSQL server (run as its administrator)"
    )
    account_actions = accounts.add_subparsers(dest="accounts_action", metavar="ACTION", required=True)
    account_actions.add_parser("list", help="list the accounts set up on this workspace")
    coordinator = account_actions.add_parser("add-coordinator", help="an account that may change everything")
    coordinator.add_argument("role", metavar="ROLE")
    partner = account_actions.add_parser(
        "add-partner",
        help="an account that may read the plan and change only the progress, milestones and spend of the "
        "actions its organisation leads or partners in",
    )
    partner.add_argument("role", metavar="ROLE")
    partner.add_argument("--organisation", required=True, metavar="NAME")
    account_actions.add_parser(
        "refresh", help="set every account up again (done by itself after an upgrade adds tables)"
    )
    remove = account_actions.add_parser("remove", help="take away every right an account has on this workspace")
    remove.add_argument("role", metavar="ROLE")

    command("check", "check a workspace: integrity, schema revision and counts")
    command("upgrade", "back up a workspace, then upgrade it to the latest schema")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        from locality.log import configure_logging

        configure_logging()
    except OSError:
        pass  # no writable data folder: carry on without a log file
    try:
        if args.command is None:
            return _run_gui(args.db)
        if (
            args.command in ("demo", "import", "export", "report", "merge", "check", "upgrade", "accounts")
            and not args.db
        ):
            parser.error(f"locality {args.command} needs --db PATH")
        handler = _HANDLERS[args.command]
        code = handler(args)
        sys.stdout.flush()  # a closed pipe shows here, not at exit where Python would complain about it
        return code
    except BrokenPipeError:
        return _stdout_closed()
    except LocalityError as error:
        print(str(error), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("Stopped.", file=sys.stderr)
        return 1
    except Exception as error:  # a bug, or a damaged value: keep the traceback in the log, give the user one line
        log.exception("unexpected error in locality %s", args.command or "")
        from locality.services.workspace_info import damaged_value_explanation

        explanation = damaged_value_explanation(error)
        if explanation:
            print(explanation, file=sys.stderr)
            return 1
        from locality.log import log_file

        print(
            f"Locality hit an unexpected problem ({type(error).__name__}); details are in {log_file()}.",
            file=sys.stderr,
        )
        return 1


def _missing_workspace_file(db: str) -> Path | None:
    """The file ``demo`` or ``import`` is about to create as a new workspace, when ``--db`` names none yet."""
    if "://" in db:
        return None
    path = Path(db).expanduser()
    return None if path.exists() or path.is_symlink() else path


@contextmanager
def _workspace_for(db: str, user: User | None, new: Path | None) -> Iterator[Services]:
    """The workspace a command fills: ``db`` as it is, or, when ``new`` names a file that does not exist yet, a
    new workspace built aside and put there only if the command succeeds (a failed or cancelled command, or a
    typo in ``--db``, leaves nothing behind; another program's workspace there is never touched)."""
    from locality.services.registry import Services
    from locality.store.creation import WorkspaceExistsError

    if new is None:
        services = Services.open(db, user)
        try:
            yield services
        finally:
            services.close()
        return
    try:
        with Services.new_workspace(new, user) as services:
            yield services
    except WorkspaceExistsError:
        raise CommandError(
            f"Another program created {new} while this command ran, so nothing was written to it; run the "
            "command again to use that workspace, or choose another file name."
        ) from None


def _stdout_closed() -> int:
    """The reader of our output went away (``locality demo | head -1``): stop quietly, as other commands do.

    Python's own recipe: point stdout at the null device so the flush at exit does not fail again.
    """
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
    return 1


def _existing_db(target: str) -> str:
    """Commands that work on an existing workspace refuse a missing file rather than create one."""
    if "://" not in target and not Path(target).expanduser().exists():
        raise CommandError(f"There is no workspace at {target}.")
    return target


def _user() -> User:
    from locality.services.context import User

    try:
        name = getpass.getuser()
    except (KeyError, OSError, ImportError):  # no login name on some systems
        name = ""
    return User(name=name, organisation="")


def _cmd_demo(args: argparse.Namespace) -> int:
    from locality.services.demo import generate_demo
    from locality.store.engine import shown_location

    new = _missing_workspace_file(args.db)
    with _workspace_for(args.db, _user(), new) as services:
        show_progress = sys.stderr.isatty()

        def progress(done: int, total: int, stage: str) -> None:
            if show_progress:
                print(f"\r{stage}: {done * 100 // max(total, 1)}%   ", end="", file=sys.stderr, flush=True)

        # The demo's plan is moved to run through the current year, so its RAG ratings mean something today.
        summary = generate_demo(
            services.context, size=args.size, seed=args.seed, progress=progress, move_to_year_of=date.today()
        )
        if show_progress:
            print(file=sys.stderr)
    if new is not None:
        print(f"Created a new workspace at {new}.")
    print(f"Created the {args.size} demo partnership in {shown_location(args.db)}:")
    for label, count in summary.counts():
        print(f"  {label}: {count:,}")
    return 0


def _cmd_import(args: argparse.Namespace) -> int:
    import tempfile

    from locality.domain.errors import ImportFileError
    from locality.exchange.file_access import check_file
    from locality.exchange.importing import check_kind, import_file

    source = Path(args.file).expanduser()
    try:
        check_kind(args.kind)
        check_file(source)  # a missing or wrong file is refused before any workspace is created
    except ImportFileError as error:
        print(str(error), file=sys.stderr)
        return 1
    with ExitStack() as scratch_folder:
        target = args.db
        if args.dry_run and "://" not in target and not Path(target).expanduser().exists():
            # A dry run writes nothing, not even the new workspace: check the rows against an empty one, made
            # in a scratch folder only then (a killed import leaves no empty folders behind otherwise).
            scratch = scratch_folder.enter_context(tempfile.TemporaryDirectory(prefix="locality-dry-run-"))
            target = str(Path(scratch) / "dry-run.locality")
        new = None if args.dry_run else _missing_workspace_file(target)
        try:
            with _workspace_for(target, _user(), new) as services:
                report = import_file(services, args.kind, source, dry_run=args.dry_run)
        except ImportFileError as error:
            print(str(error), file=sys.stderr)
            for line in error.row_errors:
                print(line, file=sys.stderr)
            return 1
    if new is not None:
        print(f"Created a new workspace at {new}.")
    for line in report.lines():
        print(line)
    for warning in report.warnings:
        print(f"Warning: {warning}", file=sys.stderr)
    return 0


def _cmd_export(args: argparse.Namespace) -> int:
    from locality.domain.vocabulary import ActionStatus, parse_enum
    from locality.exchange.export import export_plan
    from locality.services.plan import PlanFilters
    from locality.services.registry import Services

    statuses: list[ActionStatus] = []
    for text in args.status:
        try:
            statuses.append(parse_enum(ActionStatus, text))
        except ValueError:
            allowed = ", ".join(status.value for status in ActionStatus)
            raise CommandError(f'"{text.strip()}" is not an action status; use one of: {allowed}.') from None
    filters = PlanFilters(
        organisations=tuple(args.organisation),
        theme=args.theme,
        statuses=tuple(dict.fromkeys(statuses)),
        include_confidential=args.include_confidential,
    )
    db = _existing_db(args.db)
    out = Path(args.out).expanduser()
    _refuse_writing_over_a_workspace(db, out)  # before building a plan that could not be written anyway
    services = Services.open(db, create_missing=False, read_only=True)
    try:
        show_progress = sys.stderr.isatty()

        def progress(done: int, total: int) -> None:
            if show_progress:
                print(f"\rExporting: {done * 100 // max(total, 1)}%   ", end="", file=sys.stderr, flush=True)

        plan = export_plan(services, args.format, out, filters, progress=progress)
        if show_progress:
            print(file=sys.stderr)
    finally:
        services.close()
    count = len(plan.actions)
    print(f"Wrote the joint action plan ({count} {noun_for(count, 'action')}) to {args.out}.")
    return 0


def _cmd_report(args: argparse.Namespace) -> int:
    from locality.exchange.board_paper import write_board_paper
    from locality.exchange.evidence_paper import write_evidence_paper
    from locality.services.registry import Services

    db = _existing_db(args.db)
    out = Path(args.out).expanduser()
    _refuse_writing_over_a_workspace(db, out, "reported on")
    services = Services.open(db, create_missing=False, read_only=True)
    try:
        if args.kind == "evidence":
            # The evidence paper holds no confidential note or personal detail: --include-confidential changes
            # nothing in it.
            evidence = write_evidence_paper(services, args.format, out)
        else:
            report = write_board_paper(services, args.format, out, include_confidential=args.include_confidential)
    finally:
        services.close()
    if args.kind == "evidence":
        print(f"Wrote the evidence paper ({plural(evidence.completed, 'completed action')}) to {args.out}.")
        return 0
    compared = f" (compared with the board snapshot “{report.snapshot.title}”)" if report.snapshot is not None else ""
    print(f"Wrote the board exception report to {args.out}{compared}.")
    return 0


def _refuse_writing_over_a_workspace(db: str, out: Path, doing: str = "exported") -> None:
    """An export written over the workspace (or any other) would replace it with the plan: refuse it early."""
    from locality.files import refuse_workspace

    refuse_workspace(out)  # an existing workspace, or a side file of one, however it is spelled or linked
    if "://" in db:
        return
    workspace = Path(db).expanduser()
    try:
        same = os.path.realpath(workspace) == os.path.realpath(out) or (
            out.exists() and os.path.samefile(workspace, out)
        )
    except OSError:
        same = False
    if same:
        raise CommandError(
            f"{out.name} is the workspace being {doing}; choose another file name so it is not overwritten."
        )


def _cmd_merge(args: argparse.Namespace) -> int:
    from locality.store.engine import is_url, shown_location
    from locality.sync.merge import apply_merge, plan_merge

    db = _existing_db(args.db)
    shown = shown_location(db)  # a server's password never printed
    if is_url(args.source):
        raise CommandError(
            "locality merge brings in a copy saved as a file; to take a server's workspace to a laptop, save it as a "
            "file with locality copy --from SERVER --to FILE, and merge that file back later."
        )
    source = Path(args.source).expanduser()
    show_progress = sys.stderr.isatty()

    def progress(done: int, total: int) -> None:
        if show_progress:
            print(f"\rMerging: {done * 100 // max(total, 1)}%   ", end="", file=sys.stderr, flush=True)

    if args.dry_run:
        plan = plan_merge(db, source, progress=progress)
        if show_progress:
            print(file=sys.stderr)
        print(f"Dry run: merging {source.name} into {shown} would change nothing until run without --dry-run.")
        for line in plan.lines():
            print(f"  {line}")
        return 0
    result = apply_merge(db, source, prefer=args.prefer, progress=progress, user=_user())
    if show_progress:
        print(file=sys.stderr)
    print(f"Merged {source.name} into {shown}: {result.summary}.")
    for conflict, side in result.decided:
        kept, lost = (conflict.mine, conflict.theirs) if side == "mine" else (conflict.theirs, conflict.mine)
        whose = "this workspace's value" if side == "mine" else f"the value from {source.name}"
        field = f"{conflict.record_label}, {conflict.field_label}"
        print(f'  Conflict decided, {whose} kept: {field}: "{kept}" (not "{lost}")')
    if result.backup_path is not None:
        print(f"The workspace as it was is backed up at {result.backup_path}.")
    return 0


def _cmd_copy(args: argparse.Namespace) -> int:
    from locality.domain.text import plural
    from locality.store.transfer import copy_workspace

    summary = copy_workspace(args.source, args.destination)
    entries = plural(summary.history_entries, "history entry", "history entries")
    print(f"Copied {plural(summary.records, 'record')} and {entries} from {summary.source} to {summary.destination}.")
    return 0


def _cmd_check(args: argparse.Namespace) -> int:
    from locality.services.registry import Services

    services = Services.open(_existing_db(args.db), create_missing=False, read_only=True)
    try:
        report = services.workspace.check()
    finally:
        services.close()
    print(f"Workspace: {report.location}")
    if report.recovered:
        print("Recovered: a change that was interrupted (a crash or a full disk) was rolled back, as SQLite does.")
    latest = (
        " (latest)" if report.schema_revision == report.latest_revision else f" (latest is {report.latest_revision})"
    )
    print(f"Schema revision: {report.schema_revision}{latest}")
    if report.problems:
        print(f"Integrity: {len(report.problems)} problem(s) found")
        for problem in report.problems:
            print(f"  {problem}")
    else:
        print("Integrity: ok")
    print("Counts:")
    for label, count in report.counts:
        print(f"  {label}: {count:,}")
    return 0 if report.ok else 1


def _cmd_upgrade(args: argparse.Namespace) -> int:
    from locality.store.engine import is_url
    from locality.store.upgrade import upgrade_workspace_file
    from locality.store.workspace import open_workspace

    target = _existing_db(args.db)
    if is_url(target):
        open_workspace(target, create_missing=False).close()
        print("The workspace is at the latest schema.")
        return 0
    result = upgrade_workspace_file(Path(target).expanduser())
    if result.changed:
        print(f"Upgraded {target} from schema {result.from_revision} to {result.to_revision}.")
        print(f"The original was backed up to {result.backup}.")
    else:
        print(f"{target} is already at the latest schema ({result.to_revision}); nothing to do.")
    return 0


def _cmd_accounts(args: argparse.Namespace) -> int:
    from locality.domain.text import plural
    from locality.store import server_accounts
    from locality.store.engine import is_url, server_engine

    if not is_url(args.db) or str(args.db).startswith("sqlite:"):
        raise CommandError(
            "Accounts are for a workspace on a PostgreSQL server (--db postgresql+psycopg://...); a workspace file "
            "is protected by who may open the file."
        )
    engine = server_engine(args.db)
    try:
        if args.accounts_action == "list":
            accounts = server_accounts.list_accounts(engine)
            if not accounts:
                print("No accounts are set up on this workspace; its owner may change everything.")
            for account in accounts:
                print(account.describe())
            return 0
        if args.accounts_action == "refresh":
            refreshed = server_accounts.refresh(engine)
            print(f"Set up again: {plural(len(refreshed), 'account')}.")
            return 0
        if args.accounts_action == "remove":
            server_accounts.remove_account(engine, args.role)
            print(f"{args.role} may no longer read or change this workspace (the login remains: DROP ROLE removes it).")
            return 0
        if args.accounts_action == "add-coordinator":
            account = server_accounts.add_coordinator(engine, args.role)
        else:
            account = server_accounts.add_partner(engine, args.role, args.organisation)
    finally:
        engine.dispose()
    print(account.describe())
    print(f"Set its password in psql with: \\password {account.role}")
    return 0


def _run_gui(db: str | None) -> int:
    from locality.app import run

    return run(db)


_HANDLERS = {
    "demo": _cmd_demo,
    "import": _cmd_import,
    "export": _cmd_export,
    "report": _cmd_report,
    "merge": _cmd_merge,
    "copy": _cmd_copy,
    "accounts": _cmd_accounts,
    "check": _cmd_check,
    "upgrade": _cmd_upgrade,
}
