"""Command line: `python -m bot` (or `quizbot`) runs the bot; subcommands check and inspect lessons."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import signal
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.app import QuizBot
    from bot.settings import Settings
    from content import Library

EXIT_USAGE = 2

NO_TOKEN = (
    "DISCORD_TOKEN is not set: create an application at https://discord.com/developers/applications, "
    "add a bot, copy its token and `export DISCORD_TOKEN=...` (or put it in .env). "
    "To try quizbot without Discord: `python -m bot playground`."
)


WRONG_TOKEN = (
    "error: DISCORD_TOKEN: Discord refused the token; copy it again from your bot's page at "
    "https://discord.com/developers/applications"
)


def _count(count: int, word: str) -> str:
    """'1 lesson', '3 lessons': the command line speaks English (members' text goes through bot.i18n)."""
    return f"{count} {word if count == 1 else word + 's'}"


def _parser() -> argparse.ArgumentParser:
    from content.formats import EXPORT_FORMATS, FORMATS

    parser = argparse.ArgumentParser(prog="quizbot", description="A Discord study-group tutor.")
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("run", help="run the bot (the default)")
    check = sub.add_parser("check", help="validate lesson packs")
    check.add_argument(
        "paths", nargs="*", type=Path, help="files or folders (default: the configured lessons)"
    )
    content = sub.add_parser("content", help="inspect the loaded lessons; import and export other formats")
    content_sub = content.add_subparsers(dest="content_command", required=True)
    listing = content_sub.add_parser("list", help="every question")
    listing.add_argument("--json", action="store_true", help="one JSON array (the only format for now)")
    content_sub.add_parser("schema", help="the JSON Schema of a lesson pack")
    importing = content_sub.add_parser(
        "import", help="convert GIFT, Moodle XML, Aiken, a Kahoot CSV, Red trivia or Open Trivia DB JSON"
    )
    importing.add_argument("file", type=Path)
    importing.add_argument(
        "--format", choices=list(FORMATS), help="default: recognised from name and content"
    )
    importing.add_argument("-o", "--output", type=Path, help="write the pack here (default: stdout)")
    exporting = content_sub.add_parser("export", help="write a loaded lesson as GIFT, Moodle XML or YAML")
    exporting.add_argument("lesson", help="the lesson id")
    exporting.add_argument("--format", choices=EXPORT_FORMATS, required=True)
    exporting.add_argument("-o", "--output", type=Path, help="write it here (default: stdout)")
    demo = sub.add_parser("demo", help="run a question's demo code in the TensorFlow worker")
    demo.add_argument("question_id")
    demo.add_argument("--seed", type=int, default=None, help="keras.utils.set_random_seed(N) first")
    report = sub.add_parser("report", help="moderators' reports from the database")
    report_sub = report.add_subparsers(dest="report_command", required=True)
    export = report_sub.add_parser(
        "export",
        help="write answers.csv and members.csv (as /report export; names as of each member's latest answer)",
    )
    export.add_argument("--guild", type=int, required=True, help="the server's id")
    export.add_argument("--lesson", default=None, help="only this lesson's questions")
    export.add_argument(
        "--since",
        type=_day,
        default=None,
        help="only questions posted on or after YYYY-MM-DD (the server's time zone)",
    )
    export.add_argument("-o", "--output", type=Path, required=True, help="folder to write the files in")
    i18n = sub.add_parser("i18n", help="the message catalogs of each language (development)")
    i18n_sub = i18n.add_subparsers(dest="i18n_command", required=True)
    i18n_sub.add_parser("extract", help="refresh bot/locales/quizbot.pot and merge it into every .po")
    playground = sub.add_parser(
        "playground", help="try quizbot in a browser: a local Discord, the bot and a web page, no account"
    )
    playground.add_argument("--port", type=int, default=8765, help="port on 127.0.0.1 (default 8765)")
    playground.add_argument(
        "--lessons", type=Path, default=None, help="lesson folder to load and reload on every change"
    )
    playground.add_argument(
        "--database",
        type=Path,
        default=None,
        help="SQLite file for scores and schedules (default data/playground.db; "
        "with --lessons a fresh one for this run)",
    )
    playground.add_argument(
        "--verbose", action="store_true", help="log everything (alembic, discord.py, the bot)"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    from bot.settings import SettingsError, load_settings

    args = _parser().parse_args(argv)
    if args.command == "i18n":
        from bot.message_catalogs import extract

        for written in extract():
            print(f"wrote {written}")
        return 0
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    command = args.command or "run"
    if command == "check":
        return _check(args.paths or [_lessons_dir(settings)])
    if command == "content":
        return _content(args, settings)
    if command == "demo":
        return _demo(args.question_id, args.seed, settings)
    if command == "playground":
        return _playground(args, settings)
    if command == "report":
        return _report_export(args, settings)
    return _run(settings)


def _lessons_dir(settings: Settings) -> Path:
    from content import DEFAULT_LESSONS_DIR

    return settings.content_dir or DEFAULT_LESSONS_DIR


def _check(paths: list[Path]) -> int:
    from content.loader import check_report

    problems, lessons, questions = check_report(paths)
    for problem in problems:
        print(problem)
    if not problems:
        print(f"ok: {_count(lessons, 'lesson')}, {_count(questions, 'question')}")
    return 1 if problems else 0


def _load_or_report(settings: Settings) -> Library | None:
    from content import LessonError, load_library

    try:
        return load_library(_lessons_dir(settings), skip_bad=settings.skip_bad_lessons)
    except LessonError as exc:
        print(
            f"error: lessons are invalid (fix them, or set QUIZBOT_SKIP_BAD_LESSONS=1):\n{exc}",
            file=sys.stderr,
        )
        return None


def _content(args: argparse.Namespace, settings: Settings) -> int:
    from content import json_schema, question_rows

    if args.content_command == "schema":
        print(json.dumps(json_schema(), indent=2))
        return 0
    if args.content_command == "import":
        return _import(args.file, args.format, args.output)
    library = _load_or_report(settings)
    if library is None:
        return 1
    if args.content_command == "export":
        return _export(library, args.lesson, args.format, args.output)
    print(json.dumps(question_rows(library), indent=2, ensure_ascii=False))
    return 0


def _import(file: Path, format: str | None, output: Path | None) -> int:
    """Problems as FILE:LINE: field: problem on stderr and exit 1, like `check`; else the pack."""
    from content.formats import MAX_IMPORT_BYTES, convert

    try:
        with file.open("rb") as handle:
            data = handle.read(MAX_IMPORT_BYTES + 1)  # one byte over is enough to refuse it
    except OSError as exc:
        print(f"{file}:1: (file): cannot read: {exc.strerror or exc}", file=sys.stderr)
        return 1
    result = convert(str(file), data, format)
    for problem in result.problems:
        print(problem, file=sys.stderr)
    if result.pack_yaml is None:
        return 1
    for assumption in result.assumptions:
        print(f"assumed: {assumption}", file=sys.stderr)
    if output is None:
        sys.stdout.write(result.pack_yaml)
        return 0

    if not _write(output, result.pack_yaml):
        return 1
    print(f"ok: {_count(result.questions, 'question')} written to {output}", file=sys.stderr)
    return 0


def _write(output: Path, text: str) -> bool:
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        print(f"error: cannot write {output}: {exc.strerror or exc}", file=sys.stderr)
        return False
    return True


def _export(library: Library, lesson_id: str, format: str, output: Path | None) -> int:
    from content.formats import export

    lesson = library.lesson(lesson_id)
    if lesson is None:
        known = ", ".join(library.lessons)
        print(f"error: no lesson with id {lesson_id!r} (the lessons are: {known})", file=sys.stderr)
        return EXIT_USAGE
    text, notes = export(lesson, format)
    for note in notes:
        print(f"note: {note}", file=sys.stderr)
    if output is None:
        sys.stdout.write(text)
        return 0
    return 0 if _write(output, text) else 1


def _demo(question_id: str, seed: int | None, settings: Settings) -> int:
    from bot.trainer.cli import run_demo_cli

    library = _load_or_report(settings)
    if library is None:
        return 1
    question = library.question(question_id)
    if question is None:
        print(
            f"error: no question with id {question_id!r} (see `python -m bot content list --json`)",
            file=sys.stderr,
        )
        return EXIT_USAGE
    if question.demo is None:
        print(f"error: question {question_id!r} has no demo code", file=sys.stderr)
        return EXIT_USAGE
    return run_demo_cli(question.demo, seed, sys.stdout, sys.stderr)


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2025-03-10") from None


def _report_export(args: argparse.Namespace, settings: Settings) -> int:
    from storage import DatabaseUnavailable

    try:
        written = asyncio.run(_write_export(args, settings))
    except DatabaseUnavailable as exc:
        print(f"error: DATABASE_URL: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except OSError as exc:
        print(f"error: {args.output}: {exc.strerror or exc}", file=sys.stderr)
        return 1

    for path, count in written:
        print(f"wrote {path} ({_count(count, 'row')})")
    return 0


async def _write_export(args: argparse.Namespace, settings: Settings) -> list[tuple[Path, int]]:
    from datetime import UTC, datetime, time

    from bot.exports import csv_files, file_bytes
    from storage import Database, guilds
    from storage.reports import export_rows

    db = await Database.open(settings.database_url)
    try:
        since = None
        if args.since is not None:
            tz = guilds.zone((await guilds.get_guild_settings(db, args.guild)).timezone)
            since = datetime.combine(args.since, time(), tz).astimezone(UTC)
        found = await export_rows(db, args.guild, now=datetime.now(UTC), lesson_id=args.lesson, since=since)
    finally:
        await db.close()
    args.output.mkdir(parents=True, exist_ok=True)
    written = []
    # No Discord connection here: the names are those kept at each member's latest try.
    for name, lines in csv_files(found, found.stored_name):
        path = args.output / name
        path.write_bytes(file_bytes(lines))
        written.append((path, len(lines) - 1))
    return written


def _playground(args: argparse.Namespace, settings: Settings) -> int:
    from bot.logs import setup_logging
    from bot.playground import DEFAULT_DATABASE, quiet_logging, serve_until_stopped

    setup_logging()
    if not args.verbose:
        quiet_logging()
    # Without --lessons: the configured lessons (QUIZBOT_CONTENT_DIR) or the bundled ones, watched too.
    return serve_until_stopped(
        port=args.port,
        lessons_dir=args.lessons or getattr(settings, "content_dir", None),
        database=playground_database(args.lessons, args.database, DEFAULT_DATABASE),
    )


def playground_database(lessons: Path | None, database: Path | None, default: Path) -> Path | None:
    """A --lessons preview gets a fresh database of its own (None: no old points or schedules carried
    over) unless --database names one; the default playground keeps data/playground.db."""
    if database is not None:
        return database
    return None if lessons is not None else default


def _run(settings: Settings) -> int:
    from content import LessonError

    token = settings.discord_token.get_secret_value().strip() if settings.discord_token else ""
    if not token:
        print(NO_TOKEN, file=sys.stderr)
        return EXIT_USAGE
    import discord

    from bot.logs import setup_logging
    from storage import DatabaseUnavailable

    setup_logging(secrets=[token])
    try:
        asyncio.run(_serve(settings, token))
    except LessonError as exc:
        print(
            f"error: lessons are invalid (fix them, or set QUIZBOT_SKIP_BAD_LESSONS=1):\n{exc}",
            file=sys.stderr,
        )
        return EXIT_USAGE
    except DatabaseUnavailable as exc:
        print(f"error: DATABASE_URL: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except discord.LoginFailure:
        print(WRONG_TOKEN, file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        pass
    return 0


async def _serve(settings: Settings, token: str) -> None:
    from bot.app import QuizBot

    bot = QuizBot(settings)
    loop = asyncio.get_running_loop()
    async with bot:
        running = asyncio.ensure_future(bot.start(token))

        def stop() -> None:
            # Stop start() wherever it is (opening storage, launching shards: discord.py would retry
            # a shard forever once closed); leaving `async with` closes the gateway, database and worker.
            running.cancel()

        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop)
        reloads: set[asyncio.Task[None]] = set()  # kept until done: the loop holds tasks only weakly

        def reload() -> None:
            task = asyncio.ensure_future(_reload_lessons(bot))
            reloads.add(task)
            task.add_done_callback(reloads.discard)

        loop.add_signal_handler(signal.SIGHUP, reload)
        with contextlib.suppress(asyncio.CancelledError):
            await running
    logging.getLogger(__name__).info("quizbot stopped cleanly")


async def _reload_lessons(bot: QuizBot) -> None:
    """SIGHUP: read the lesson files again without a restart. A broken edit is logged with its
    FILE:LINE problems and the lessons in use stay (a broken load never replaces them)."""
    from content import LessonError

    log = logging.getLogger(__name__)
    try:
        # Read and checked off the event loop (answers keep flowing), one reload at a time.
        library = await bot.refresh_lessons()
    except LessonError as exc:
        log.error("lessons not reloaded, the ones in use stay:\n%s", exc)
        return
    log.info("lessons reloaded: %d lessons, %d questions", len(library.lessons), len(library.questions))


if __name__ == "__main__":
    raise SystemExit(main())
