"""Each member in their own Discord language, public posts in the server's: the real bot against the
loopback Discord, the expected words read from the shipped catalogs (and never the English)."""

from __future__ import annotations

from collections.abc import Callable
from copy import deepcopy as copy_of
from pathlib import Path

import pytest

from bot.emulator.commands import problems as sync_problems
from bot.i18n import CATALOGS, catalog_name, translations
from tests.conftest import StartBot
from tests.emulator import DiscordForTests
from tests.messages import button, fields, lessons_folder, title

LESSON = """\
id: lang
title: Languages lesson
topic: testing
source: written for the tests
questions:
  - id: lang.mc
    kind: multiple_choice
    shuffle: false
    prompt: Which method updates the weights from gradients?
    options: [optimizer.apply_gradients, model.compile, tf.Variable]
    answer: A
    difficulty: hard
    hint: It takes (gradient, variable) pairs.
    mistakes:
      - text: compile only configures training.
        option: B
    solution:
      - apply_gradients changes each variable by its gradient.
    translations:
      de:
        prompt: Welche Methode aktualisiert die Gewichte anhand der Gradienten?
        options: [optimizer.apply_gradients, model.compile, tf.Variable]
        hint: Sie nimmt Paare aus (Gradient, Variable).
        mistakes: [compile richtet das Training nur ein.]
        solution:
          - apply_gradients ändert jede Variable um ihren Gradienten.
"""


@pytest.fixture
def lessons_dir(tmp_path: Path) -> Path:
    return lessons_folder(tmp_path, lang=LESSON)


def said(locale: str, message: str, **values: object) -> str:
    """`message` as the catalog for `locale` says it; fails when the catalog leaves it English."""
    catalog = catalog_name(locale)
    assert catalog is not None
    text = translations(catalog).gettext(message).format(**values)
    assert text != message.format(**values), f"{message!r} is not translated for {locale}"
    return text


async def post(emulator: DiscordForTests) -> dict:
    ix = await emulator.slash("quiz post", by="mod", lesson="lang", question="lang.mc", channel="quiz")
    await emulator.wait_reply(ix)
    return emulator.channel_messages("quiz")[-1]


async def test_the_synced_commands_carry_every_shipped_language_within_discords_limits(
    emulator: DiscordForTests, start_bot: StartBot
) -> None:
    await start_bot()
    commands = await emulator.wait_commands_synced()

    def walk(items: list[dict]) -> list[dict]:
        return [x for item in items for x in [item, *walk(item.get("options") or [])] if "name" in x]

    named = walk(commands)
    for item in named:  # the loopback Discord checked each name and text as Discord does (emulator.commands)
        assert set(item.get("name_localizations") or {}) <= set(CATALOGS)
        assert set(item.get("description_localizations") or {}) <= set(CATALOGS)
    quiz = next(c for c in commands if c["name"] == "quiz")
    assert set(quiz["description_localizations"]) == set(CATALOGS), "every Discord code of each catalog"
    assert quiz["description_localizations"]["de"] == said("de", quiz["description"])
    assert quiz["description_localizations"]["fr"] != quiz["description_localizations"]["de"]
    localised = [item for item in named if item.get("name_localizations")]
    assert len(localised) > len(commands), "options are named in each language too"


async def test_two_members_read_the_same_wrong_answer_in_their_own_languages(
    emulator: DiscordForTests, start_bot: StartBot, lessons_dir: Path
) -> None:
    await start_bot(QUIZBOT_CONTENT_DIR=str(lessons_dir))
    emulator.world.members["alice"].locale = "de"
    emulator.world.members["bob"].locale = "fr"
    message = await post(emulator)

    german = await emulator.wait_reply(await emulator.click(message, button(message, ":B"), by="alice"))
    french = await emulator.wait_reply(await emulator.click(message, button(message, ":B"), by="bob"))
    english = await emulator.wait_reply(await emulator.click(message, button(message, ":B"), by="carol"))

    assert set(fields(english)) >= {"Hint", "Common mistake"}
    assert said("de", "Hint") in fields(german) and said("de", "Common mistake") in fields(german)
    assert said("fr", "Hint") in fields(french) and said("fr", "Common mistake") in fields(french)
    assert len({title(german), title(french), title(english)}) == 3, "each title in its own language"
    # The lesson has a German translation and no French one: each reads what exists for them.
    assert fields(german)[said("de", "Hint")] == "Sie nimmt Paare aus (Gradient, Variable)."
    assert fields(french)[said("fr", "Hint")] == "It takes (gradient, variable) pairs."


async def test_a_pack_translation_is_what_the_german_member_practises(
    emulator: DiscordForTests, start_bot: StartBot, lessons_dir: Path
) -> None:
    await start_bot(QUIZBOT_CONTENT_DIR=str(lessons_dir))
    emulator.world.members["alice"].locale = "de"
    german = await emulator.wait_reply(await emulator.slash("practice", by="alice", lesson="lang"))
    english = await emulator.wait_reply(await emulator.slash("practice", by="bob", lesson="lang"))
    assert "Welche Methode aktualisiert die Gewichte" in german["embeds"][0]["description"]
    assert "Which method updates the weights" in english["embeds"][0]["description"]


async def test_a_public_post_speaks_the_servers_language_and_config_language_overrides_it(
    emulator: DiscordForTests, start_bot: StartBot, lessons_dir: Path
) -> None:
    emulator.world.guild_locale = "de"  # the server's Discord language, as the bot is told on connecting
    await start_bot(QUIZBOT_CONTENT_DIR=str(lessons_dir))
    german = await post(emulator)
    assert said("de", "Answered") in fields(german), "the server's Discord language"
    assert "Welche Methode" in german["embeds"][0]["description"], "the pack's German, for a German server"

    ix = await emulator.slash("config language", by="mod", language="fr")
    await emulator.wait_reply(ix)
    french = await post(emulator)
    assert said("fr", "Answered") in fields(french), "/config language wins over Discord's"
    assert "Which method updates the weights" in french["embeds"][0]["description"]


async def test_a_language_without_a_catalog_reads_english(
    emulator: DiscordForTests, start_bot: StartBot, lessons_dir: Path
) -> None:
    await start_bot(QUIZBOT_CONTENT_DIR=str(lessons_dir))
    emulator.world.members["alice"].locale = "ja"
    message = await post(emulator)
    reply = await emulator.wait_reply(await emulator.click(message, button(message, ":B"), by="alice"))
    assert "Hint" in fields(reply)
    assert fields(reply)["Hint"] == "It takes (gradient, variable) pairs."


async def test_the_loopback_discord_refuses_a_sync_discord_would_refuse(
    emulator: DiscordForTests, start_bot: StartBot
) -> None:
    await start_bot()
    synced = await emulator.wait_commands_synced()  # accepted: nothing below is wrong in it
    body = [{k: v for k, v in c.items() if k not in ("id", "application_id", "version")} for c in synced]
    assert sync_problems(body) == []

    def broken(change: Callable[[list[dict]], None]) -> list[str]:
        copy = copy_of(body)
        change(copy)
        return sync_problems(copy)

    def quiz(commands: list[dict]) -> dict:
        return next(c for c in commands if c["name"] == "quiz")

    assert broken(lambda c: quiz(c)["name_localizations"].update(de="Quiz Post"))  # a space, capitals
    assert broken(lambda c: quiz(c)["description_localizations"].update(fr="x" * 101))
    assert broken(lambda c: quiz(c)["name_localizations"].update(xx="quiz"))  # not a Discord locale
    post, close = quiz(body)["options"][:2]
    locale, twin = next(iter(post["name_localizations"].items()))  # /quiz post in some language
    assert broken(lambda c: quiz(c)["options"][1]["name_localizations"].update({locale: twin})), "a clash"
    assert close["name"] != post["name"]
