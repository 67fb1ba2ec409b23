"""/lessons upload end to end: a moderator attaches a file to the slash command (an attachment option,
served from the emulator's CDN route) and privately sees what it would become; nothing is stored."""

from __future__ import annotations

from pathlib import Path

from bot.emulator.server import Interaction
from bot.i18n import translations
from content.discord_limits import MESSAGE_CHARS
from content.formats import MAX_IMPORT_BYTES, convert
from tests.conftest import StartBot
from tests.emulator import DiscordForTests
from tests.messages import components

EPHEMERAL = 1 << 6
FIXTURES = Path(__file__).parent / "fixtures" / "formats"
GIFT = (FIXTURES / "ml_basics.gift").read_bytes()

BROKEN_YAML = b"""\
id: broken
title: A broken lesson
topic: testing
source: written for the tests
questions:
  - id: broken.one
    kind: multiple_choice
    prompt: Which method updates the weights?
    options: [optimizer.apply_gradients, model.compile]
    answer: E
    difficulty: hard
    hnit: It takes gradients.
    solution: [It applies them.]
"""


def _question(number: int) -> str:
    return f"""\
  - id: many.q{number}
    kind: multiple_choice
    prompt: Question {number}?
    options: ["yes", "no"]
    answer: E
    difficulty: easy
    hint: Think.
    solution: [Yes.]
"""


MANY_PROBLEMS = (
    "id: many\ntitle: Many problems\ntopic: testing\nsource: the tests\nquestions:\n"
    + "".join(_question(n) for n in range(1, 26))
).encode()


async def _check(
    emulator: DiscordForTests, name: str, data: bytes, *, by: str = "mod", **options: str
) -> dict:
    ix = await emulator.slash("lessons upload", by=by, file=(name, data), **options)
    return await _first_reply(emulator, ix)


async def _first_reply(emulator: DiscordForTests, ix: Interaction) -> dict:
    """The problems, or the preview (once the Publish question below it has come too)."""
    reply = await emulator.wait_reply(ix)
    first = (emulator.followups(ix) or [reply])[0]  # a file too big is refused at once, not followed up
    if first.get("embeds"):
        await emulator.wait_for(lambda: len(emulator.followups(ix)) == 2, what="the Publish question")
    assert first["flags"] & EPHEMERAL
    return first


async def test_a_valid_gift_file_previews_counts_assumptions_and_the_first_question(
    emulator: DiscordForTests, start_bot: StartBot
) -> None:
    await start_bot()
    ix = await emulator.slash("lessons upload", by="mod", file=("ml_basics.gift", GIFT))
    reply = await _first_reply(emulator, ix)
    summary, card = reply["embeds"]
    assert summary["title"] == "Preview · Machine learning basics"
    assert "reads as GIFT" in summary["description"]
    fields = {f["name"].split(" (")[0]: f["value"] for f in summary["fields"]}
    assert fields["Kinds"] == "5 multiple choice"
    assert fields["Difficulty"] == "5 medium"
    assumed = fields["What the import assumed"]
    assert "GIFT has no difficulty: set to medium" in assumed
    assert "Question 5 (line 25) skipped: a short answer is typed" in assumed
    # The first question as a quiz post shows it, options in the file's order (and it says so).
    assert card["title"] == "Question · Machine learning basics"
    assert card["description"].startswith("A model scores 99% on its training data")
    assert "**A.** Overfitting: it memorised the training examples" in card["description"]
    assert "**D.** Using too little memory" in card["description"]
    assert "options in the file's order, each post shuffles them" in card["footer"]["text"]
    buttons = components(reply)
    assert [b["label"] for b in buttons][:2] == [
        "A. Overfitting: it memorised the training examples",
        "B. Underfitting",
    ]
    assert all(b.get("disabled") for b in buttons)
    # The converted pack comes along, exactly what `content import` writes; the upload was downloaded.
    assert emulator.attachment(reply, "ml_basics.yaml").decode() == convert("ml_basics.gift", GIFT).pack_yaml
    (uploaded,) = ix.payload["data"]["resolved"]["attachments"]
    assert emulator.downloads == [int(uploaded)]


async def test_a_broken_quizbot_yaml_reports_file_line_problems_and_stores_nothing(
    emulator: DiscordForTests, start_bot: StartBot
) -> None:
    await start_bot()
    reply = await _check(emulator, "broken.yaml", BROKEN_YAML)
    content = reply["content"]
    assert "**broken.yaml** can't be used as it is: 2 problems (read as quizbot YAML)." in content
    assert "broken.yaml:10: questions[0].answer: 'E' is not one of the options A-B" in content
    assert "broken.yaml:12: questions[0].hnit: unknown key 'hnit' (did you mean 'hint'?)" in content
    assert "Nothing was stored." in content
    assert reply["embeds"] == [] and reply["attachments"] == []


async def test_twenty_five_problems_show_twenty_and_attach_all_of_them(
    emulator: DiscordForTests, start_bot: StartBot
) -> None:
    await start_bot()
    reply = await _check(emulator, "many.yaml", MANY_PROBLEMS)
    content = reply["content"]
    assert len(content) <= MESSAGE_CHARS
    shown = [line for line in content.splitlines() if line.startswith("many.yaml:")]
    assert len(shown) == 20 and shown[0].startswith("many.yaml:10: questions[0].answer:")
    assert "… and 5 more" in content and "All 25 are in `problems.txt`." in content
    listed = emulator.attachment(reply, "problems.txt").decode().splitlines()
    assert len(listed) == 25 and listed[:20] == shown
    assert listed[24].startswith("many.yaml:202: questions[24].answer:")


async def test_a_file_over_one_mib_is_refused_without_downloading_it(
    emulator: DiscordForTests, start_bot: StartBot
) -> None:
    await start_bot()
    reply = await _check(emulator, "huge.gift", b"x" * (MAX_IMPORT_BYTES + 1))
    assert reply["content"] == (
        "**huge.gift** is 1025 KiB; an imported file may be at most 1024 KiB: split it. Nothing was stored."
    )
    assert emulator.downloads == []


async def test_the_host_sets_how_big_a_file_and_how_many_questions_a_lesson_may_be(
    emulator: DiscordForTests, start_bot: StartBot
) -> None:
    await start_bot(QUIZBOT_UPLOAD_KIB="2", QUIZBOT_LESSON_QUESTIONS="3")
    reply = await _check(emulator, "big.gift", b"x" * 2049)
    assert reply["content"] == (
        "**big.gift** is 3 KiB; an imported file may be at most 2 KiB: split it. Nothing was stored."
    )
    assert emulator.downloads == []
    head = MANY_PROBLEMS[: MANY_PROBLEMS.index(b"  - id: many.q1")]
    yaml_four = head + "".join(_question(n) for n in range(1, 5)).replace("answer: E", "answer: A").encode()
    gift_four = b"\n\n".join(b"::q%d:: Question %d? {=yes ~no}" % (n, n) for n in range(1, 5))
    for name, data in (("many.yaml", yaml_four), ("many.gift", gift_four)):
        reply = await _check(emulator, name, data)
        assert "has 4 questions; a lesson holds at most 3: split the file" in reply["content"], name


async def test_a_member_who_is_not_a_moderator_is_refused(
    emulator: DiscordForTests, start_bot: StartBot
) -> None:
    await start_bot()
    reply = await _check(emulator, "ml_basics.gift", GIFT, by="alice")
    assert "Only moderators" in reply["content"]
    assert emulator.downloads == []


async def test_untrusted_files_are_one_problem_line_each(
    emulator: DiscordForTests, start_bot: StartBot
) -> None:
    await start_bot()
    alias_bomb = b'a: &a ["x","x","x","x","x","x","x","x","x"]\n' + b"".join(
        b"%c: &%c [*%c,*%c,*%c,*%c,*%c,*%c,*%c,*%c,*%c]\n" % ((98 + i,) * 2 + (97 + i,) * 9)
        for i in range(10)
    )
    entities = b"""<?xml version="1.0"?>
<!DOCTYPE q [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>
<quiz><question type="multichoice"><name><text>&lol2;</text></name></question></quiz>
"""
    cases = {
        "photo.gift": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20, "looks like a binary file, not text"),
        "bomb.yaml": (alias_bomb, "expands to more than 100000 values"),
        "bomb.xml": (entities, "declares a DTD or entities, which quizbot refuses"),
    }
    for name, (data, why) in cases.items():
        reply = await _check(emulator, name, data)
        problems = [line for line in reply["content"].splitlines() if line.startswith(f"{name}:")]
        assert len(problems) == 1 and why in problems[0], reply["content"]
        assert f"**{name}** can't be used as it is: 1 problem" in reply["content"]


async def test_the_format_option_overrides_what_the_name_suggests(
    emulator: DiscordForTests, start_bot: StartBot
) -> None:
    await start_bot()
    misnamed = await _check(emulator, "bank.yaml", GIFT)
    assert "(read as quizbot YAML)" in misnamed["content"]
    reply = await _check(emulator, "bank.yaml", GIFT, format="gift")
    assert "**bank.yaml** reads as GIFT: 5 questions, lesson id `bank`." in reply["embeds"][0]["description"]


def _embed_chars(embed: dict) -> int:
    """What Discord counts towards a message's 6000 embed characters."""
    fields = sum(len(f["name"]) + len(f["value"]) for f in embed.get("fields", []))
    footer = len(embed.get("footer", {}).get("text", ""))
    return len(embed.get("title", "")) + len(embed.get("description", "")) + fields + footer


async def test_a_long_first_question_and_many_assumptions_stay_within_discords_limits(
    emulator: DiscordForTests, start_bot: StartBot
) -> None:
    await start_bot()
    long_prompt = "Which layer learns? " + "Consider the model carefully. " * 120
    skipped = "".join(f"::Typed {n}:: Name layer number {n}. {{=dense}}\n\n" for n in range(40))
    gift = f"::Long:: {long_prompt} {{=Dense ~Dropout ~Flatten}}\n\n{skipped}".encode()
    reply = await _check(emulator, "long.gift", gift)
    summary, card = reply["embeds"]
    assert card["description"].startswith("Which layer learns?") and len(card["description"]) > 3600
    assert sum(_embed_chars(e) for e in reply["embeds"]) <= 6000
    heading, assumed = next(
        (f["name"], f["value"]) for f in summary["fields"] if f["name"].startswith("What")
    )
    assert heading.endswith(": all in assumptions.txt") and "… and" in assumed
    listed = emulator.attachment(reply, "assumptions.txt").decode().splitlines()
    assert len(listed) == len(convert("long.gift", gift).assumptions) > 40
    assert "Question 41 (line 81) skipped: a short answer is typed, not picked from options" in listed


async def test_an_upload_discord_no_longer_serves_is_one_line(
    emulator: DiscordForTests, start_bot: StartBot
) -> None:
    await start_bot()

    def expire_uploads(kind: str, data: dict) -> None:
        # Once the bot has deferred, before it downloads: the CDN answers 404, as for an expired link.
        if kind == "request" and data["path"].endswith("/callback"):
            emulator.attachments.clear()

    emulator.listeners.append(expire_uploads)
    reply = await _check(emulator, "ml_basics.gift", GIFT)
    assert reply["content"] == "I couldn't download **ml_basics.gift** from Discord: try the command again."
    assert reply["embeds"] == []


async def test_a_downloaded_lesson_checks_again_with_the_same_questions(
    emulator: DiscordForTests, start_bot: StartBot
) -> None:
    bot = await start_bot()
    seed = bot.library.lesson("training-weights")
    assert seed is not None
    ix = await emulator.slash("lessons download", by="mod", lesson="training-weights")
    reply = await emulator.wait_reply(ix)
    assert (
        reply["flags"] & EPHEMERAL and "Upload it again and it gives the same questions." in reply["content"]
    )
    data = emulator.attachment(reply, "training-weights.yaml")
    again = await _check(emulator, "training-weights.yaml", data)
    summary = again["embeds"][0]
    assert summary["title"] == f"Preview · {seed.title}"
    assert f"{len(seed.questions)} questions, lesson id `training-weights`" in summary["description"]
    round_trip = convert("training-weights.yaml", data).lesson
    assert round_trip is not None
    assert [(q.id, q.options, q.answer, q.solution) for q in round_trip.questions] == [
        (q.id, q.options, q.answer, q.solution) for q in seed.questions
    ]
    gift = await emulator.wait_reply(
        await emulator.slash("lessons download", by="mod", lesson="training-weights", format="gift")
    )
    assert "training-weights.gift.txt" in gift["content"] and "- " in gift["content"], "GIFT's notes"
    refused = await emulator.wait_reply(
        await emulator.slash("lessons download", by="alice", lesson="training-weights")
    )
    assert refused["flags"] & EPHEMERAL and not refused.get("attachments"), "the file holds every answer"


async def test_the_lesson_list_says_where_each_lesson_comes_from(
    emulator: DiscordForTests, start_bot: StartBot
) -> None:
    bot = await start_bot()
    reply = await emulator.wait_reply(await emulator.slash("lessons list", by="mod"))
    lines = reply["embeds"][0]["description"].splitlines()
    assert len(lines) == len(bot.library.lessons)
    assert lines[0].startswith(
        "**Why training optimizes model weights in TensorFlow** (`training-weights`) · bundled · 10 questions: "
    )
    assert lines[0].endswith("5 multiple choice · 5 fill in the blanks")


async def test_a_german_moderator_reads_the_problems_of_a_broken_file_in_german(
    emulator: DiscordForTests, start_bot: StartBot
) -> None:
    await start_bot()
    emulator.world.members["mod"].locale = "de"
    content = (await _check(emulator, "broken.yaml", BROKEN_YAML))["content"]
    german = translations("de")

    def said(message: str, **values: str) -> str:
        text = german.gettext(message).format(**values)
        assert text != message.format(**values), f"{message!r} is not translated"
        return text

    wrong = said("{letter} is not one of the options {letters}", letter="'E'", letters="A-B")
    typo = said("unknown key {key} (did you mean {suggestion}?)", key="'hnit'", suggestion="'hint'")
    assert f"broken.yaml:10: questions[0].answer: {wrong}" in content, "file, line and field stay as they are"
    assert f"broken.yaml:12: questions[0].hnit: {typo}" in content
    assert said("Nothing was stored.") in content


async def test_a_french_moderator_reads_an_import_refusal_in_french(
    emulator: DiscordForTests, start_bot: StartBot
) -> None:
    await start_bot()
    emulator.world.members["mod"].locale = "fr"
    entities = b'<?xml version="1.0"?>\n<!DOCTYPE q [<!ENTITY lol "lol">]>\n<quiz></quiz>\n'
    content = (await _check(emulator, "bomb.xml", entities))["content"]
    why = (
        "declares a DTD or entities, which quizbot refuses (entity expansion can exhaust memory); "
        "Moodle's own exports have none"
    )
    french = translations("fr").gettext(why)
    assert french != why and french in content and why not in content
