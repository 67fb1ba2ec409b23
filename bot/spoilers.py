"""One rule for every place that could give a question away: while the question is open on a post
that a member could still answer, nothing shows that member its answer or its code's output until
they have finished that post.

"Could still answer" means any server's open post: from a DM (or a server where it is not posted)
the bot cannot tell which servers the member is in, and a member in two servers could read the
answer in one and score it in the other.
"""

from __future__ import annotations

import enum

from bot import answering
from content import Question
from storage import post_rows
from storage.engine import Database


class Visibility(enum.Enum):
    FREE = "free"  # not open anywhere: show it to anyone, publicly too
    PRIVATE = "private"  # open, and this member has finished every open post: show it to them only
    HIDDEN = "hidden"  # open on a post this member has not finished: show nothing of the answer


async def visibility(db: Database, member_id: int, question: Question) -> Visibility:
    """How much of this question's answer and output may be shown to this member now. A post of an
    earlier version of it takes no answers (bot.posts), so it hides nothing of this one."""
    open_posts = await post_rows.open_post_ids(db, question.id, question.digest)
    for post_id in open_posts:
        result = await answering.member_result(db, post_id, member_id)
        if result is None or not result.done:
            return Visibility.HIDDEN
    return Visibility.PRIVATE if open_posts else Visibility.FREE


async def hidden_from(db: Database, member_id: int, questions: list[Question]) -> set[str]:
    """The ids of those of these questions whose answers must stay hidden from this member now."""
    return {q.id for q in questions if await visibility(db, member_id, q) is Visibility.HIDDEN}
