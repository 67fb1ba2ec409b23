"""What speaking a member's language costs: the private feedback of a wrong and a right answer built
in German (catalog lookups, Babel numbers) against the same built in English, in the same process.

    python bench/languages.py [--renders 20000] [--rounds 5]

Prints one JSON object: per-render microseconds for en-US and de (the best of the rounds), their
ratio, and how long compiling each shipped catalog took the first time (ms, once per process).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot import grading
from bot.i18n import CATALOGS, speaking, translations
from cogs.quiz._render import feedback_embed
from content import DEFAULT_LESSONS_DIR, load_library


def per_render_us(locale: str, renders: int) -> float:
    question = next(iter(load_library(DEFAULT_LESSONS_DIR).questions.values()))
    wrong = next(letter for letter in question.letters if letter not in question.answer_letters)
    outcomes = [
        grading.feedback_for(question, [wrong], 1),
        grading.feedback_for(question, list(question.answer_letters), 2),
    ]
    with speaking(locale):
        started = time.perf_counter()
        for i in range(renders):
            feedback_embed(question, outcomes[i % 2])
        return (time.perf_counter() - started) / renders * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--renders", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    compile_ms = {}
    for catalog in sorted(set(CATALOGS.values())):
        started = time.perf_counter()
        translations(catalog)
        compile_ms[catalog] = round((time.perf_counter() - started) * 1000, 1)
    per_render_us("en-US", args.renders // 10)  # warm up: imports, the lesson, Babel's first use
    timings: dict[str, list[float]] = {"en-US": [], "de": []}
    for _ in range(args.rounds):  # interleaved, so the machine's noise falls on both alike
        for locale, taken in timings.items():
            taken.append(per_render_us(locale, args.renders))
    english, german = min(timings["en-US"]), min(timings["de"])
    print(
        json.dumps(
            {
                "renders": args.renders,
                "en_us_per_render_us": round(english, 2),
                "de_per_render_us": round(german, 2),
                "ratio_de_vs_en": round(german / english, 3),
                "catalog_compile_ms": compile_ms,
            }
        )
    )


if __name__ == "__main__":
    main()
