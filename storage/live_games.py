"""Live round queries: a game's row, who joined, and the answers its standings are made of.

A game moves by compare-and-set on its `version` (`advance`): every step (post the next question,
reveal it, finish) is taken by exactly one caller, whether the others are a second process, a
restarted bot or a click racing the timer. The answers are ordinary first tries on the game's posts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from sqlalchemy import exc, func, update
from sqlmodel import col, select

from storage._common import aware, insert_for
from storage.engine import Database
from storage.models import Attempt, LiveGame, LivePlayer, Post

LOBBY: Final = "lobby"
QUESTION: Final = "question"
REVEAL: Final = "reveal"
DONE: Final = "done"


class GameRunning(Exception):
    """The channel already has a game that has not finished."""


@dataclass(frozen=True, slots=True)
class LiveAnswer:
    """One member's answer to one question of a game (their first and only try on its post)."""

    post_id: int
    member_id: int
    chosen: tuple[str, ...]
    right: bool
    seconds: float  # from the question's post to the answer


async def create_game(
    db: Database,
    *,
    guild_id: int,
    channel_id: int,
    lesson_id: str,
    question_ids: Sequence[str],
    seconds: int,
    started_by: int,
    starts_at: datetime,
    now: datetime,
) -> LiveGame:
    game = LiveGame(
        guild_id=guild_id,
        channel_id=channel_id,
        lesson_id=lesson_id,
        question_ids=list(question_ids),
        seconds=seconds,
        started_by=started_by,
        deadline=aware(starts_at, "starts_at"),
        created_at=aware(now, "now"),
    )
    try:
        async with db.writing() as s:
            s.add(game)
            await s.commit()
            await s.refresh(game)
    except exc.IntegrityError as error:
        raise GameRunning from error
    return game


async def get_game(db: Database, game_id: int) -> LiveGame | None:
    async with db.session() as s:
        return await s.get(LiveGame, game_id)


async def running_game(db: Database, channel_id: int) -> LiveGame | None:
    """The channel's game that has not finished, if any."""
    async with db.session() as s:
        rows = await s.exec(select(LiveGame).where(LiveGame.channel_id == channel_id, LiveGame.phase != DONE))
        return rows.first()


async def running_games(db: Database) -> list[LiveGame]:
    """Games that have not finished: what a tick looks at (their steps due, a question unsent)."""
    async with db.session() as s:
        return list((await s.exec(select(LiveGame).where(LiveGame.phase != DONE))).all())


async def running_post_ids(db: Database, guild_id: int) -> set[int]:
    """The posts of the guild's games that have not finished: theirs to close, not /quiz close's."""
    async with db.session() as s:
        rows = await s.exec(select(LiveGame).where(LiveGame.guild_id == guild_id, LiveGame.phase != DONE))
        return {post_id for game in rows.all() for post_id in game.post_ids}


async def advance(db: Database, game: LiveGame, **values: Any) -> LiveGame | None:
    """Take the game's next step: set `values` if nobody moved it since `game` was read. Returns the
    game as it is now, or None when another caller took this step first."""
    assert game.id is not None
    async with db.writing() as s:
        result = await s.exec(
            update(LiveGame)
            .where(col(LiveGame.id) == game.id, col(LiveGame.version) == game.version)
            .values(version=game.version + 1, **values)
        )
        await s.commit()
    if result.rowcount != 1:
        return None
    return await get_game(db, game.id)


async def join(db: Database, game_id: int, member_id: int, now: datetime) -> bool:
    """True for the member's first Join of this game."""
    stmt = (
        insert_for(db, LivePlayer)
        .values(game_id=game_id, member_id=member_id, joined_at=aware(now, "now"))
        .on_conflict_do_nothing()
    )
    async with db.writing() as s:
        result = await s.exec(stmt)
        await s.commit()
    return bool(result.rowcount == 1)


async def players(db: Database, game_id: int) -> list[int]:
    """Who joined, in the order they did."""
    async with db.session() as s:
        rows = await s.exec(
            select(LivePlayer.member_id)
            .where(LivePlayer.game_id == game_id)
            .order_by(col(LivePlayer.joined_at))
        )
        return list(rows.all())


async def everyone_answered(db: Database, game_id: int, post_id: int) -> bool:
    """Whether someone joined and every one of them has answered this question."""
    answered = select(Attempt.member_id).where(Attempt.post_id == post_id)
    async with db.session() as s:
        joined = (
            await s.exec(select(func.count()).select_from(LivePlayer).where(LivePlayer.game_id == game_id))
        ).one()
        waiting = (
            await s.exec(
                select(func.count())
                .select_from(LivePlayer)
                .where(LivePlayer.game_id == game_id, col(LivePlayer.member_id).not_in(answered))
            )
        ).one()
    return joined > 0 and waiting == 0


async def answers(db: Database, post_ids: Sequence[int]) -> list[LiveAnswer]:
    """Every first try on these posts, with its time from the post."""
    if not post_ids:
        return []
    async with db.session() as s:
        rows = await s.exec(
            select(Attempt, Post.posted_at)
            .join(Post, col(Post.id) == Attempt.post_id)
            .where(col(Attempt.post_id).in_(list(post_ids)), Attempt.try_no == 1)
            .order_by(col(Attempt.answered_at))
        )
        return [
            LiveAnswer(
                post_id=attempt.post_id,
                member_id=attempt.member_id,
                chosen=tuple(attempt.chosen.split(",")),
                right=attempt.is_right,
                seconds=(
                    aware(attempt.answered_at, "answered_at") - aware(posted_at, "posted_at")
                ).total_seconds(),
            )
            for attempt, posted_at in rows.all()
        ]
