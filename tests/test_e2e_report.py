"""/report end to end: CSV exports for moderators (a forgotten member absent, zipped and split when
over the attachment limit), and question quality with hand-computed figures."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import timedelta
from pathlib import Path
from typing import Any

import discord
import PIL.Image
import pytest

from bot.app import QuizBot
from bot.emulator.state import Member, snowflake
from cogs.report._chart import CHART_FILE, chart_size
from cogs.report._cog import Report
from tests.clock import Clock
from tests.conftest import StartBot
from tests.emulator import DiscordForTests
from tests.messages import button, lessons_folder, shown_letters
from tests.postgres import reset_tables
from tests.test_e2e_leaderboard import GUILD_OF, LESSONS, MONDAY, member, score, started

EPHEMERAL = 1 << 6
BOM = "\ufeff".encode()


@pytest.fixture
def lessons_dir(tmp_path: Path) -> Path:
    return lessons_folder(tmp_path, **LESSONS)


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The exports read aggregates whose types differ by engine: both are checked."""
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path}/report.db"
    url: str = request.getfixturevalue("postgres_run_url")
    return url


async def on_engine(
    emulator: DiscordForTests, start_bot: StartBot, lessons_dir: Path, clock: Clock, database_url: str
) -> QuizBot:
    bot = await start_bot(QUIZBOT_CONTENT_DIR=str(lessons_dir), clock=clock, database_url=database_url)
    await reset_tables(bot.database)  # the run's PostgreSQL database is shared with other tests
    GUILD_OF[bot] = emulator.world.guild_id
    return bot


def attachments(emulator: DiscordForTests, message: dict[str, Any]) -> dict[str, bytes]:
    return {a["filename"]: emulator.attachments[int(a["id"])][2] for a in message.get("attachments", [])}


def rows(content: bytes) -> list[dict[str, str]]:
    assert content.startswith(BOM), "Excel reads UTF-8 only after a byte order mark"
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


async def history(emulator: DiscordForTests, bot: QuizBot) -> dict[str, int]:
    """Alice: lb.hard right first try, lb.easy right on the second; Zoë: other.q wrong once; Bob answers too, then uses /forget-me."""
    alice, bob, zoe = (member(emulator, n) for n in ("alice", "bob", "zoë"))
    await score(bot, alice, "lb.hard", MONDAY)
    await score(bot, alice, "lb.easy", MONDAY + timedelta(hours=1), tries="BA")
    await score(bot, zoe, "other.q", MONDAY - timedelta(days=8), tries="B")
    await score(bot, bob, "lb.hard", MONDAY)
    prompt = await emulator.wait_reply(await emulator.slash("forget-me", by="bob"))
    await emulator.wait_response(await emulator.click(prompt, f"forget:confirm:{bob}", by="bob"))
    return {"alice": alice, "bob": bob, "zoe": zoe}


def add_members(emulator: DiscordForTests) -> None:
    # A name that needs UTF-8, and one a spreadsheet would run as a formula.
    emulator.world.members["zoë"] = Member(snowflake(), "zoë")
    emulator.world.members["=cmd"] = Member(snowflake(), "=cmd")


def cache_members(bot: QuizBot, emulator: DiscordForTests, *names: str) -> None:
    """Put members in the bot's member cache, as the (privileged) members intent would: without
    it discord.py caches nobody but the bot, and the export leaves those names empty."""
    guild = bot.get_guild(emulator.world.guild_id)
    assert guild is not None
    for name in names:
        data: Any = emulator.world.members[name].member_payload()
        guild._add_member(discord.Member(data=data, guild=guild, state=guild._state))


async def test_export_sends_both_csvs_privately_without_the_forgotten_member(
    emulator: DiscordForTests, start_bot: StartBot, lessons_dir: Path, database_url: str
) -> None:
    add_members(emulator)
    bot = await on_engine(emulator, start_bot, lessons_dir, Clock(MONDAY + timedelta(hours=2)), database_url)
    cache_members(bot, emulator, "alice", "zoë")
    ids = await history(emulator, bot)
    reply = await emulator.wait_reply(await emulator.slash("report export", by="mod"))
    assert reply["flags"] & EPHEMERAL
    assert reply["content"].startswith("📄 Export of all time: 3 answer rows, 2 members.")
    files = attachments(emulator, reply)
    assert set(files) == {"answers.csv", "members.csv"}
    answers = rows(files["answers.csv"])
    assert list(answers[0]) == [
        "member_id",
        "display_name",
        "lesson",
        "question_id",
        "post_id",
        "posted_at_utc",
        "tries",
        "first_choice",
        "right",
        "right_first_try",
        "points",
        "seconds_to_first_answer",
    ]
    assert str(ids["bob"]) not in files["answers.csv"].decode() + files["members.csv"].decode()
    shown = [{k: v for k, v in r.items() if k != "post_id"} for r in answers]
    assert shown == [
        {
            "member_id": str(ids["zoe"]),
            "display_name": "Zoë",
            "lesson": "other",
            "question_id": "other.q",
            "posted_at_utc": "2025-03-02T09:00:00Z",
            "tries": "1",
            "first_choice": "B",
            "right": "0",
            "right_first_try": "0",
            "points": "0",
            "seconds_to_first_answer": "0.0",
        },
        {
            "member_id": str(ids["alice"]),
            "display_name": "Alice",
            "lesson": "lb",
            "question_id": "lb.hard",
            "posted_at_utc": "2025-03-10T09:00:00Z",
            "tries": "1",
            "first_choice": "A",
            "right": "1",
            "right_first_try": "1",
            "points": "3",
            "seconds_to_first_answer": "0.0",
        },
        {
            "member_id": str(ids["alice"]),
            "display_name": "Alice",
            "lesson": "lb",
            "question_id": "lb.easy",
            "posted_at_utc": "2025-03-10T10:00:00Z",
            "tries": "2",
            "first_choice": "B",
            "right": "1",
            "right_first_try": "0",
            "points": "0.67",
            "seconds_to_first_answer": "0.0",
        },
    ]
    members = rows(files["members.csv"])
    assert [(m["member_id"], m["display_name"]) for m in members] == sorted(
        [(str(ids["alice"]), "Alice"), (str(ids["zoe"]), "Zoë")]
    )
    alice = next(m for m in members if m["member_id"] == str(ids["alice"]))
    assert [alice[k] for k in ("answered", "right", "right_first_try", "points")] == ["2", "2", "1", "3.67"]
    assert (alice["current_streak"], alice["best_streak"]) == ("1", "1")
    # A period and a lesson narrow it: this week, only the lb lesson's two rows.
    week = await emulator.wait_reply(
        await emulator.slash("report export", by="mod", period="week", lesson="lb")
    )
    assert week["content"].startswith("📄 Export of this week · Leaderboard lesson: 2 answer rows, 1 member.")
    assert [r["question_id"] for r in rows(attachments(emulator, week)["answers.csv"])] == [
        "lb.hard",
        "lb.easy",
    ]


async def test_export_is_for_moderators_only(
    emulator: DiscordForTests, start_bot: StartBot, lessons_dir: Path
) -> None:
    await started(emulator, start_bot, lessons_dir, Clock(MONDAY))
    refused = await emulator.wait_reply(await emulator.slash("report export", by="alice"))
    assert refused["flags"] & EPHEMERAL and "Only moderators" in refused["content"]
    assert not refused.get("attachments")
    unknown = await emulator.wait_reply(await emulator.slash("report export", by="mod", lesson="nope"))
    assert "There is no lesson `nope`" in unknown["content"]


async def test_a_formula_as_display_name_stays_text(
    emulator: DiscordForTests, start_bot: StartBot, lessons_dir: Path
) -> None:
    add_members(emulator)
    bot = await started(emulator, start_bot, lessons_dir, Clock(MONDAY))
    cache_members(bot, emulator, "=cmd")
    await score(bot, member(emulator, "=cmd"), "lb.easy", MONDAY)
    await score(bot, 4242, "lb.easy", MONDAY)  # someone who left the server: id only
    reply = await emulator.wait_reply(await emulator.slash("report export", by="mod"))
    names = {r["member_id"]: r["display_name"] for r in rows(attachments(emulator, reply)["members.csv"])}
    assert names == {str(member(emulator, "=cmd")): "'=Cmd", "4242": ""}


async def test_an_export_over_the_limit_is_zipped_then_split_and_says_so(
    emulator: DiscordForTests, start_bot: StartBot, lessons_dir: Path
) -> None:
    bot = await started(emulator, start_bot, lessons_dir, Clock(MONDAY))
    for n in range(60):
        await score(bot, 5000 + n, "lb.easy", MONDAY)
    plain = await emulator.wait_reply(await emulator.slash("report export", by="mod"))
    files = attachments(emulator, plain)
    size = sum(len(c) for c in files.values())
    report = bot.feature(Report)

    report.attachment_limit = size - 1  # the CSVs compress far below this
    zipped = await emulator.wait_reply(await emulator.slash("report export", by="mod"))
    assert "Zipped" in zipped["content"] and "over Discord's" in zipped["content"]
    (archive,) = attachments(emulator, zipped).values()
    with zipfile.ZipFile(io.BytesIO(archive)) as z:
        assert {n: z.read(n) for n in z.namelist()} == files

    report.attachment_limit = 700  # each part must fit; the whole zip does not
    ix = await emulator.slash("report export", by="mod")
    await emulator.wait_reply(ix)
    first = emulator.followups(ix)[0]
    assert "over Discord's 0.7 kB limit even zipped: split into" in first["content"]
    parts = int(first["content"].split("split into ")[1].split()[0])
    await emulator.wait_for(lambda: len(emulator.followups(ix)) == parts, 10, "every part")
    messages = emulator.followups(ix)
    assert all(m["flags"] & EPHEMERAL for m in messages)
    answers: list[dict[str, str]] = []
    for message in messages:
        ((name, content),) = attachments(emulator, message).items()
        assert name.endswith(f"-of-{parts}.zip") and len(content) <= 700
        with zipfile.ZipFile(io.BytesIO(content)) as z:
            for inner in z.namelist():
                if inner.startswith("answers"):
                    answers += rows(z.read(inner))
    assert sorted(int(r["member_id"]) for r in answers) == list(range(5000, 5060))

    report.attachment_limit = 150  # more than ten messages: the command line instead
    refused = await emulator.wait_reply(await emulator.slash("report export", by="mod"))
    assert refused["content"].startswith("📄 This export is 4.7 kB: too big for Discord even zipped")
    assert f"python -m bot report export --guild {emulator.world.guild_id} -o DIR" in refused["content"]
    assert not refused.get("attachments")


# ----- question quality: a hand-computed example ------------------------------------------------
#
# Six members (M1..M6) answer the five questions of one lesson once each. A score is 1 when right
# on the first try, else 0 (the letter is the wrong option they picked):
#
#            easy  hard  good  broken  weak   total T
#     M1      1     0     0      0      0       1
#     M2      1     0     0      0      0       1
#     M3      1     0     0      1      0       2
#     M4      1     0     1      0      1       3
#     M5      1     0     1      0      1       3
#     M6      1     0     1      1      0       3
#
# Facility = the column's mean: easy 6/6 = 100% (too easy), hard 0/6 = 0% (too hard), good 3/6 = 50%,
# broken 2/6 = 33%, weak 2/6 = 33%.
# Discrimination = Pearson's r between x (the column) and y, the member's average on the other four
# questions, (T - x) / 4. Scaling y by 1/4 does not change r, so take y = T - x, and
# r = (nΣxy - ΣxΣy) / sqrt((nΣx² - (Σx)²)(nΣy² - (Σy)²)) with n = 6:
#   good:   x = 0 0 0 1 1 1, y = 1 1 2 2 2 2: Σx 3, Σy 10, Σxy 6, Σx² 3, Σy² 18
#           r = (36 - 30) / sqrt((18 - 9)(108 - 100)) = 6 / sqrt(72) = 0.707   -> good
#   broken: x = 0 0 1 0 0 1, y = 1 1 1 3 3 2: Σx 2, Σy 11, Σxy 3, Σx² 2, Σy² 25
#           r = (18 - 22) / sqrt((12 - 4)(150 - 121)) = -4 / sqrt(232) = -0.263 -> may be broken
#   weak:   x = 0 0 0 1 1 0, y = 1 1 2 2 2 3: Σx 2, Σy 11, Σxy 4, Σx² 2, Σy² 23
#           r = (24 - 22) / sqrt((12 - 4)(138 - 121)) = 2 / sqrt(136) = 0.171   -> weak
#   easy and hard: x never varies, so r is undefined (nobody is told apart).
R, W = True, False
HAND_EXAMPLE: dict[str, list[tuple[bool, str]]] = {
    "easy": [(R, "")] * 6,
    "hard": [(W, "B"), (W, "B"), (W, "B"), (W, "B"), (W, "C"), (W, "C")],
    "good": [(W, "B"), (W, "B"), (W, "C"), (R, ""), (R, ""), (R, "")],
    "broken": [(W, "B"), (W, "B"), (R, ""), (W, "B"), (W, "B"), (R, "")],
    "weak": [(W, "C"), (W, "C"), (W, "B"), (R, ""), (R, ""), (W, "C")],
}
HAND_FIGURES: dict[str, tuple[float, float | None]] = {
    "easy": (1.0, None),
    "hard": (0.0, None),
    "good": (0.5, 6 / 72**0.5),
    "broken": (2 / 6, -4 / 232**0.5),
    "weak": (2 / 6, 2 / 136**0.5),
}
QUALITY_LESSON = (
    "id: hq\ntitle: Quality lesson\ntopic: testing\nsource: written for the tests\nquestions:\n"
    + "".join(
        f"""  - id: hq.{name}
    kind: multiple_choice
    prompt: Question {name}?
    options: [right {name}, wrong one, wrong two]
    answer: A
    difficulty: medium
    hint: The first one.
    solution: [It is A.]
"""
        for name in HAND_EXAMPLE
    )
)


async def test_report_questions_lists_doubtful_ones_first_with_hand_computed_figures(
    emulator: DiscordForTests, start_bot: StartBot, lessons_dir: Path, database_url: str
) -> None:
    (lessons_dir / "hq.yaml").write_text(QUALITY_LESSON)
    bot = await on_engine(emulator, start_bot, lessons_dir, Clock(MONDAY), database_url)
    for name, scores in HAND_EXAMPLE.items():
        for member_id, (right, letter) in enumerate(scores, start=6000):
            await score(bot, member_id, f"hq.{name}", MONDAY, tries="A" if right else letter)
    await score(bot, 7000, "lb.easy", MONDAY)  # another lesson: not part of hq's figures
    reply = await emulator.wait_reply(await emulator.slash("report questions", by="mod", lesson="hq"))
    assert reply["flags"] & EPHEMERAL
    embed = reply["embeds"][0]
    assert embed["title"] == "🔎 Question quality · Quality lesson"
    blocks = embed["description"].split("\n\n")
    assert [b.split("**")[1] for b in blocks] == ["hq.broken", "hq.hard", "hq.easy", "hq.weak", "hq.good"]
    assert blocks[0].splitlines() == [
        "⚠️ **hq.broken** · facility 33% · discrimination -0.26 · 6 answers",
        "> 33% right on the first try.",
        "> May be broken (r = -0.26): strong members get it wrong more often than weak ones. Check the answer key.",
        "> wrong pick: B. wrong one (4) · never picked: C",
    ]
    assert blocks[1].splitlines()[1:3] == [
        "> Too hard: 0% right on the first try.",
        "> Not measured: everyone scored alike, so it tells nobody apart.",
    ]
    assert blocks[1].splitlines()[3] == "> wrong pick: B. wrong one (4) · never picked: A"
    assert blocks[2].splitlines()[1] == "> Too easy: 100% right on the first try."
    assert blocks[2].splitlines()[3] == "> no wrong picks · never picked: B, C"
    assert blocks[3].splitlines()[0] == "⚠️ **hq.weak** · facility 33% · discrimination 0.17 · 6 answers"
    assert "> Weak (r = 0.17): it barely tells strong members from weak ones." in blocks[3]
    assert blocks[4].splitlines() == [
        "✅ **hq.good** · facility 50% · discrimination 0.71 · 6 answers",
        "> wrong pick: B. wrong one (2)",
    ]
    assert embed["footer"]["text"].startswith("4 doubtful questions of 5 · page 1 of 1")
    # The chart: one bar per question, the text above stays for those who see no images.
    assert embed["image"]["url"] == f"attachment://{CHART_FILE}"
    (png,) = attachments(emulator, reply).values()
    with PIL.Image.open(io.BytesIO(png)) as image:
        assert image.format == "PNG" and image.size == chart_size(5) == (700, 250)
        rgb = image.convert("RGB")
        doubtful_bar = rgb.getpixel((image.width // 2, _bar_y(image, 0)))
        fine_bar = rgb.getpixel((image.width // 2 - 100, _bar_y(image, 4)))
    assert doubtful_bar == (0xED, 0x42, 0x45) and fine_bar == (0x58, 0x65, 0xF2), "doubtful ones are red"
    # The whole server: the other lesson's question joins, with too few answers to judge.
    everything = await emulator.wait_reply(await emulator.slash("report questions", by="mod"))
    assert everything["embeds"][0]["footer"]["text"].startswith("4 doubtful questions of 6")
    # /stats question: gives the same figures in words.
    stats = await emulator.wait_reply(await emulator.slash("stats", by="mod", question="hq.broken"))
    shown = {f["name"]: f["value"] for f in stats["embeds"][0]["fields"]}
    assert shown["Right on the first try"].startswith("33%") and "Facility (Moodle)" not in shown, "said once"
    assert shown["Discrimination (Moodle)"].startswith("⚠️ May be broken (r = -0.26)")
    easy = await emulator.wait_reply(await emulator.slash("stats", by="mod", question="hq.easy"))
    shown = {f["name"]: f["value"] for f in easy["embeds"][0]["fields"]}
    assert shown["Facility (Moodle)"] == "⚠️ Too easy: 100% right on the first try."


def _bar_y(image: Any, index: int) -> int:
    """The pixel row of bar `index` (of 5), from the figure's fixed margins (cogs/report/_chart.py)."""
    top, bottom = 0.45 * 100, image.height - 0.65 * 100
    step = (bottom - top) / 5
    return int(top + step * (index + 0.5))


async def test_report_questions_is_for_moderators_only(
    emulator: DiscordForTests, start_bot: StartBot, lessons_dir: Path
) -> None:
    await started(emulator, start_bot, lessons_dir, Clock(MONDAY))
    refused = await emulator.wait_reply(await emulator.slash("report questions", by="carol"))
    assert refused["flags"] & EPHEMERAL and "Only moderators" in refused["content"]
    empty = await emulator.wait_reply(await emulator.slash("report questions", by="mod"))
    assert empty["embeds"][0]["description"] == "No question has been answered yet here."


async def test_a_member_who_answered_by_clicking_is_named_without_the_member_cache(
    emulator: DiscordForTests, start_bot: StartBot, lessons_dir: Path
) -> None:
    """Discord gives the bot no member list without the privileged intent: the name comes from the
    member's own latest click, kept with their scores."""
    bot = await start_bot(QUIZBOT_CONTENT_DIR=str(lessons_dir), clock=Clock(MONDAY))
    posted = await emulator.wait_reply(
        await emulator.slash("quiz post", by="mod", lesson="lb", question="lb.easy", channel="quiz")
    )
    assert "Posted" in posted["content"]
    post = emulator.channel_messages("quiz")[-1]
    letter = shown_letters(post)["To reduce the loss"]
    await emulator.wait_reply(await emulator.click(post, button(post, f":{letter}"), by="bob"))
    guild = bot.get_guild(emulator.world.guild_id)
    assert guild is not None and guild.get_member(member(emulator, "bob")) is None, "not in the cache"
    reply = await emulator.wait_reply(await emulator.slash("report export", by="mod"))
    (bob,) = rows(attachments(emulator, reply)["members.csv"])
    assert (bob["member_id"], bob["display_name"]) == (str(member(emulator, "bob")), "Bob")
