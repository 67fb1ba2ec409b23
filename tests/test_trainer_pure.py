"""Trainer pieces that need no worker: the import boundary, the pipe format, output cutting."""

from __future__ import annotations

import subprocess
import sys

import pytest

from bot.trainer import RunResult, TrainerBusy
from bot.trainer._result import cut_text
from bot.trainer._worker import format_error


def test_importing_the_trainer_does_not_import_tensorflow() -> None:
    probe = "import sys, bot.trainer, bot.trainer.cli; print(sorted(m for m in ('tensorflow', 'keras', 'numpy') if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_run_result_survives_the_pipe_format() -> None:
    result = RunResult(
        output="1.5\n", error=None, seed=9, wall_ms=12.5, losses=[0.5, 0.25], status="ok", stdout="1.5\n"
    )
    assert RunResult.from_dict(result.to_dict()) == result
    with pytest.raises(ValueError):
        RunResult.from_dict({**result.to_dict(), "status": "exploded"})


def test_cut_text_keeps_short_output_whole() -> None:
    assert cut_text("a\nb\n", 4, 10) == ("a\nb\n", False)


def test_cut_text_counts_characters_the_worker_never_kept() -> None:
    text, cut = cut_text("x" * 10, 12_345, 10)
    assert cut
    assert text == "x" * 10 + "\n... (output cut: 12,335 more characters)"


def test_busy_error_says_which_limit_was_hit() -> None:
    assert TrainerBusy("wait", reason="member").reason == "member"


def test_error_text_without_snippet_frames_is_just_the_exception() -> None:
    try:
        raise KeyError("units")
    except KeyError as exc:
        assert format_error(exc) == "KeyError: 'units'"
