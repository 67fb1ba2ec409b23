"""The posting service (`bot.posts`): publishing a question, its public count, closing and the reveal."""

from bot.posts._render import cannot_post, question_embed
from bot.posts._service import CHANGED_QUESTION, POST_MODE, PostChannel, Posts

__all__ = ["CHANGED_QUESTION", "POST_MODE", "PostChannel", "Posts", "cannot_post", "question_embed"]
