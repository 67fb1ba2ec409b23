"""Posted questions: the post rows, their closing, and what the public post may show (counts only)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from sqlalchemy import and_, case, delete, func, or_, update
from sqlalchemy import select as core_select
from sqlmodel import col, select

from storage._common import aware, core_rows, table_of, utcnow
from storage.engine import Database
from storage.models import Attempt, Post

# posts.id is a 32-bit integer; a larger id (a forged custom_id) must read as "no such post", not crash.
POST_ID_MAX: Final = 2**31 - 1


async def create_post(
    db: Database,
    guild_id: int,
    channel_id: int,
    question_id: str,
    lesson_id: str,
    closes_at: datetime | None,
    posted_by: int | None,
    *,
    now: datetime | None = None,
    question_digest: str | None = None,
) -> Post:
    """Store a post before sending it, so its id can go in the buttons' custom_id. The question's
    digest tells a later click whether the question is still the one posted."""
    post = Post(
        guild_id=guild_id,
        channel_id=channel_id,
        question_id=question_id,
        lesson_id=lesson_id,
        posted_by=posted_by,
        posted_at=aware(now or utcnow(), "now"),
        closes_at=aware(closes_at, "closes_at") if closes_at is not None else None,
        question_digest=question_digest,
    )
    async with db.writing() as s:
        s.add(post)
        await s.commit()
        await s.refresh(post)
    return post


async def set_post_message(db: Database, post_id: int, message_id: int) -> None:
    async with db.writing() as s:
        result = await s.exec(update(Post).where(col(Post.id) == post_id).values(message_id=message_id))
        if result.rowcount != 1:
            raise LookupError(f"no post {post_id}")
        await s.commit()


async def get_post(db: Database, post_id: int) -> Post | None:
    if not 0 < post_id <= POST_ID_MAX:
        return None
    async with db.session() as s:
        return await s.get(Post, post_id)


async def get_post_by_message(db: Database, message_id: int) -> Post | None:
    async with db.session() as s:
        return (await s.exec(select(Post).where(Post.message_id == message_id))).first()


async def drop_unsent_post(db: Database, post_id: int) -> bool:
    """Delete a post whose message was never confirmed, unless someone answered it: then its
    message did reach Discord, and it stays (its tries and the points they earned must agree)."""
    answered = select(Attempt.id).where(Attempt.post_id == post_id).exists()
    async with db.writing() as s:
        result = await s.exec(delete(Post).where(col(Post.id) == post_id, ~answered))
        await s.commit()
    return bool(result.rowcount == 1)


async def close_post(db: Database, post_id: int, *, now: datetime | None = None) -> bool:
    """Close a post. True only for the call that closed it, so exactly one caller reveals the answer."""
    async with db.writing() as s:
        result = await s.exec(
            update(Post)
            .where(col(Post.id) == post_id, col(Post.closed).is_(False))
            .values(closed=True, closed_at=aware(now or utcnow(), "now"))
        )
        await s.commit()
    return bool(result.rowcount == 1)


async def due_posts_to_close(db: Database, now: datetime) -> list[Post]:
    """Open posts whose closing time has come, oldest first."""
    now = aware(now, "now")
    async with db.session() as s:
        rows = await s.exec(
            select(Post)
            .where(col(Post.closed).is_(False), col(Post.closes_at).is_not(None), col(Post.closes_at) <= now)
            .order_by(col(Post.closes_at), col(Post.id))
        )
        return list(rows.all())


async def unconfirmed_posts(db: Database, *, posted_after: datetime, posted_before: datetime) -> list[Post]:
    """Open posts stored in this window whose message Discord never confirmed, oldest first."""
    after, before = aware(posted_after, "posted_after"), aware(posted_before, "posted_before")
    async with db.session() as s:
        rows = await s.exec(
            select(Post)
            .where(
                col(Post.closed).is_(False),
                col(Post.message_id).is_(None),
                col(Post.posted_at) > after,
                col(Post.posted_at) <= before,
            )
            .order_by(col(Post.id))
        )
        return list(rows.all())


async def open_posts(
    db: Database,
    guild_id: int,
    *,
    channel_id: int | None = None,
    question_id: str | None = None,
    limit: int | None = 25,
) -> list[Post]:
    """The guild's posts still taking answers (optionally in one channel, of one question), newest first."""
    query = select(Post).where(
        Post.guild_id == guild_id, col(Post.closed).is_(False), col(Post.message_id).is_not(None)
    )
    if channel_id is not None:
        query = query.where(Post.channel_id == channel_id)
    if question_id is not None:
        query = query.where(Post.question_id == question_id)
    async with db.session() as s:
        rows = await s.exec(query.order_by(col(Post.id).desc()).limit(limit))
        return list(rows.all())


async def open_post_ids(db: Database, question_id: str, digest: str | None = None) -> list[int]:
    """Every post of this question taking answers, in any server (few: a post closes within days);
    like open_posts, a post whose message Discord never confirmed does not count yet. With the
    question's `digest`, a post of an earlier version of it (it takes no answers) does not count."""
    query = select(Post.id).where(
        Post.question_id == question_id, col(Post.closed).is_(False), col(Post.message_id).is_not(None)
    )
    if digest is not None:
        query = query.where(or_(col(Post.question_digest).is_(None), col(Post.question_digest) == digest))
    async with db.session() as s:
        return [post_id for post_id in (await s.exec(query)).all() if post_id is not None]


async def question_recency(db: Database, guild_id: int, channel_id: int) -> dict[str, int]:
    """Question id -> its latest post id in this channel (larger: posted more recently). Questions
    never posted there are absent: rotation picks those first, then the ones posted longest ago."""
    async with db.session() as s:
        rows = await s.exec(
            select(Post.question_id, func.max(Post.id))
            .where(Post.guild_id == guild_id, Post.channel_id == channel_id)
            .group_by(col(Post.question_id))
        )
        return {question_id: post_id for question_id, post_id in rows.all() if post_id is not None}


@dataclass(frozen=True, slots=True)
class PostTally:
    """What the public post may show while open: counts only, never who chose what."""

    choice_counts: dict[str, int]  # every try, keyed by the stored choice ("B", or "A,C" for blanks)
    first_try_counts: dict[str, int]
    tries: int
    answered: int  # members with at least one try
    right: int  # members who got it right on some try
    first_try_right: int


async def post_tally(db: Database, post_id: int) -> PostTally:
    a = table_of(Attempt).c
    async with db.session() as s:
        per_choice = await core_rows(
            s,
            core_select(a.chosen, a.try_no, func.count())
            .where(a.post_id == post_id)
            .group_by(a.chosen, a.try_no),
        )
        members = (
            await core_rows(
                s,
                core_select(
                    func.count(func.distinct(a.member_id)),
                    func.count(func.distinct(case((a.is_right.is_(True), a.member_id)))),
                    func.count(func.distinct(case((and_(a.is_right.is_(True), a.try_no == 1), a.member_id)))),
                ).where(a.post_id == post_id),
            )
        )[0]
    choice_counts: Counter[str] = Counter()
    first_try_counts: Counter[str] = Counter()
    for chosen, try_no, count in per_choice:
        choice_counts[chosen] += count
        if try_no == 1:
            first_try_counts[chosen] += count
    return PostTally(
        choice_counts=dict(choice_counts),
        first_try_counts=dict(first_try_counts),
        tries=sum(choice_counts.values()),
        answered=members[0],
        right=members[1],
        first_try_right=members[2],
    )


async def first_try_right_members(db: Database, post_id: int) -> list[int]:
    """Members who answered right on their first try, in the order they answered (for the reveal)."""
    a = Attempt
    async with db.session() as s:
        rows = await s.exec(
            select(a.member_id)
            .where(a.post_id == post_id, a.try_no == 1, col(a.is_right).is_(True))
            .order_by(col(a.answered_at), col(a.member_id))
        )
        return list(rows.all())
