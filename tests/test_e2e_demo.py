"""Run the code, end to end: real TensorFlow in the worker, its output shown in Discord."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cogs.demo._cog import Demo
from content import load_library
from tests.conftest import StartBot
from tests.emulator import DiscordForTests
from tests.messages import button, embed, fields, shown_letters
from tests.test_e2e_quiz import post_question

EPHEMERAL = 1 << 6
REPO = Path(__file__).resolve().parents[1]

LIMITS_LESSON = """\
id: limits
title: Code that misbehaves
topic: testing
source: written for the tests
questions:
"""
_QUESTION = """\
  - id: limits.{name}
    kind: multiple_choice
    shuffle: false
    prompt: What happens with {name}?
    options: [It works, It fails]
    answer: B
    difficulty: easy
    hint: Try it.
    solution: [See the output.]
    demo: |
{demo}
"""
DEMOS = {
    "slow": "import time\nprint('starting', flush=True)\ntime.sleep(60)",
    "hog": "block = bytearray(64 * 1024 ** 3)\nprint(len(block))",
    "crash": "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)",
    "wait": "import time\ntime.sleep(1.5)\nprint('done')",
    "error": "x = 1\nprint('before')\nraise ValueError('lesson bug')",
}


@pytest.fixture
def limits_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "lessons"
    folder.mkdir()
    blocks = [
        _QUESTION.format(name=name, demo="\n".join("      " + line for line in code.splitlines()))
        for name, code in DEMOS.items()
    ]
    (folder / "limits.yaml").write_text(LIMITS_LESSON + "".join(blocks))
    return folder


def plain_python_output(code: str, seed: int) -> str:
    """The same snippet as a fresh `python` process with the same seed: the ground truth."""
    script = f"import keras\nkeras.utils.set_random_seed({seed})\n" + code
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "TF_ENABLE_ONEDNN_OPTS": "0"}
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120
    )
    return done.stdout.strip()


async def test_demo_shows_the_real_printed_loss_and_which_option_it_confirms(
    emulator: DiscordForTests, start_bot: StartBot
) -> None:
    await start_bot()
    question = load_library().question("weights.q3")
    assert question is not None and question.demo is not None
    expected = plain_python_output(question.demo, seed=0)
    ix = await emulator.slash("demo", by="bob", question="weights.q3", seed=0)
    assert (await emulator.wait_response(ix))["type"] == 5, "deferred at once: the 3-second rule"
    reply = await emulator.wait_reply(ix, timeout=60)
    assert not reply["flags"] & EPHEMERAL, "/demo shows the group"
    assert f"```\n{expected}\n```" in embed(reply)["description"]
    assert (
        fields(reply)["What it means"]
        == f"The code printed `{expected}`: that is the answer **{question.answer_texts[0]}**."
    )
    assert "seed 0" in embed(reply)["footer"]["text"]


async def test_demo_autocomplete_offers_only_questions_with_code(
    emulator: DiscordForTests, start_bot: StartBot
) -> None:
    await start_bot()
    choices = await emulator.autocomplete("demo", "question", question="weights.q")
    values = [c["value"] for c in choices]
    assert "weights.q3" in values and "weights.q1" not in values  # q1 has no code


async def test_fit_demo_streams_epochs_and_attaches_a_loss_curve(
    emulator: DiscordForTests, start_bot: StartBot
) -> None:
    bot = await start_bot()
    bot.feature(Demo).progress_every_s = 0
    ix = await emulator.slash("demo", by="alice", question="weights.task3", seed=1)
    reply = await emulator.wait_reply(ix, timeout=60)
    await emulator.wait_for(
        lambda: emulator.message(int(reply["id"]))["attachments"], timeout=60, what="the loss curve"
    )
    final = emulator.message(int(reply["id"]))
    (attachment,) = final["attachments"]
    assert attachment["filename"] == "loss.png" and attachment["content_type"] == "image/png"
    png = emulator.attachments[int(attachment["id"])][2]
    assert png.startswith(b"\x89PNG"), base64.b64encode(png[:8])
    assert embed(final)["image"]["url"] == "attachment://loss.png"
    description = embed(final)["description"]
    assert description.startswith("```\n5 epochs\nloss went down:"), description
    assert "epoch 1" not in description, "under 'printed' only what was printed: the demo fits with verbose=0"
    epochs = fields(final)["Training progress (per epoch)"]
    assert "epoch 1: loss" in epochs and "epoch 5: loss" in epochs
    assert "epoch 6" not in epochs, "five epochs, counted from 1"
    edits = emulator.requests_to("PATCH", "/messages/@original")
    assert len(edits) >= 2, "progress edits before the result"


async def test_run_the_code_waits_until_the_member_has_answered(
    emulator: DiscordForTests, start_bot: StartBot
) -> None:
    await start_bot()
    post = await post_question(emulator, "weights.q4", lesson="training-weights")
    ids = [c["custom_id"] for row in post["components"] for c in row["components"]]
    assert "demo:run:weights.q4" in ids
    early = await emulator.wait_reply(await emulator.click(post, "demo:run:weights.q4", by="carol"))
    assert early["flags"] & EPHEMERAL and "Answer first" in early["content"]
    await emulator.wait_reply(
        await emulator.click(post, next(i for i in ids if i.endswith(":A")), by="carol")
    )
    ran = await emulator.wait_reply(await emulator.click(post, "demo:run:weights.q4", by="carol"), timeout=60)
    assert ran["flags"] & EPHEMERAL, "a member's run is private"
    assert embed(ran)["title"] == "▶️ What the code printed"


async def test_demo_keeps_an_open_questions_output_private_and_for_those_who_answered(
    emulator: DiscordForTests, start_bot: StartBot
) -> None:
    await start_bot()
    post = await post_question(emulator, "weights.q3", lesson="training-weights")
    early = await emulator.wait_reply(await emulator.slash("demo", by="carol", question="weights.q3"))
    assert early["flags"] & EPHEMERAL and "Answer first" in early["content"], "no public spoiler"

    question = load_library().question("weights.q3")
    assert question is not None
    answer = button(post, f":{shown_letters(post)[question.answer_texts[0]]}")
    await emulator.wait_reply(await emulator.click(post, answer, by="carol"))
    ran = await emulator.wait_reply(
        await emulator.slash("demo", by="carol", question="weights.q3"), timeout=60
    )
    assert ran["flags"] & EPHEMERAL and embed(ran)["title"] == "▶️ What the code printed"

    closed = await emulator.wait_reply(await emulator.slash("quiz close", by="mod", in_channel="quiz"))
    assert "Closed `weights.q3`" in closed["content"]
    public = await emulator.wait_reply(
        await emulator.slash("demo", by="bob", question="weights.q3"), timeout=60
    )
    assert not public.get("flags", 0) & EPHEMERAL, "once revealed, anyone may show the output to all"


async def test_demo_in_a_dm_waits_while_the_question_is_open_in_a_server(
    emulator: DiscordForTests, start_bot: StartBot
) -> None:
    await start_bot()
    await post_question(emulator, "weights.q3", lesson="training-weights")
    early = await emulator.wait_reply(
        await emulator.slash("demo", by="carol", in_channel=None, question="weights.q3")
    )
    assert early["flags"] & EPHEMERAL and "Answer first" in early["content"], "no answer by DM"


async def test_run_the_code_on_an_older_closed_post_waits_while_a_newer_post_is_open(
    emulator: DiscordForTests, start_bot: StartBot
) -> None:
    await start_bot()
    older = await post_question(emulator, "weights.q4", lesson="training-weights")
    closed = await emulator.wait_reply(await emulator.slash("quiz close", by="mod", in_channel="quiz"))
    assert "Closed `weights.q4`" in closed["content"]
    await post_question(emulator, "weights.q4", lesson="training-weights")
    early = await emulator.wait_reply(await emulator.click(older, "demo:run:weights.q4", by="carol"))
    assert early["flags"] & EPHEMERAL and "Answer first" in early["content"], "the new post is open"


async def test_a_hung_demo_is_stopped_the_member_told_and_the_next_run_served(
    emulator: DiscordForTests, start_bot: StartBot, limits_dir: Path
) -> None:
    bot = await start_bot(QUIZBOT_CONTENT_DIR=str(limits_dir))
    bot.feature(Demo).time_limit_s = 2.0
    slow = await emulator.wait_reply(await emulator.slash("demo", question="limits.slow"), timeout=60)
    assert embed(slow)["title"] == "⏱️ The code took too long"
    assert "starting" in embed(slow)["description"], "what it printed before the limit is kept"
    assert "longer than the 2 s time limit" in embed(slow)["description"], "stopped at the cog's limit"
    assert "fresh worker" in fields(slow)["What happened"]
    after = await emulator.wait_reply(await emulator.slash("demo", question="limits.error"), timeout=60)
    assert embed(after)["title"] == "⚠️ The code raised an error"
    assert "ValueError: lesson bug" in embed(after)["description"]
    assert "line 3" in embed(after)["description"], "the traceback names the snippet's own line"


async def test_memory_hog_and_crash_are_reported_and_the_worker_replaced(
    emulator: DiscordForTests, start_bot: StartBot, limits_dir: Path
) -> None:
    await start_bot(QUIZBOT_CONTENT_DIR=str(limits_dir))
    hog = await emulator.wait_reply(await emulator.slash("demo", question="limits.hog"), timeout=60)
    assert embed(hog)["title"] == "💥 The code ran out of memory"
    crash = await emulator.wait_reply(await emulator.slash("demo", question="limits.crash"), timeout=60)
    assert embed(crash)["title"] == "💥 The TensorFlow worker crashed"
    after = await emulator.wait_reply(await emulator.slash("demo", question="limits.wait"), timeout=90)
    assert embed(after)["title"] == "▶️ What the code printed"
    assert "done" in embed(after)["description"]


async def test_one_run_at_a_time_per_member(
    emulator: DiscordForTests, start_bot: StartBot, limits_dir: Path
) -> None:
    await start_bot(QUIZBOT_CONTENT_DIR=str(limits_dir))
    first = await emulator.slash("demo", by="alice", question="limits.wait")
    await emulator.wait_response(first)
    second = await emulator.slash("demo", by="alice", question="limits.wait")
    busy = await emulator.wait_reply(second, timeout=30)
    assert busy["content"].startswith("⏳ ") and "already" in busy["content"]
    done = await emulator.wait_reply(first, timeout=60)
    assert "done" in embed(done)["description"]
