"""Run a lesson's TensorFlow code in a warm worker process and return what it really prints.

The bot process imports only this package; TensorFlow is imported by the worker process alone.
"""

from bot.trainer._result import LESSON_FILENAME, RunResult, Status, TrainerBusy
from bot.trainer._trainer import Trainer

__all__ = ["LESSON_FILENAME", "RunResult", "Status", "Trainer", "TrainerBusy"]
