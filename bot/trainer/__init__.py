"""Run a lesson's TensorFlow code in a warm worker process and return what it really prints.

The bot process imports only this package; TensorFlow is imported by the worker process alone.

Use from the bot (one Trainer for the whole process)::

    trainer = Trainer()                       # time_limit_s=20, memory_limit_mb=2048, output 1800 chars, queue 4
    await trainer.start()                     # in setup_hook: returns at once, TensorFlow loads meanwhile
    try:
        result = await trainer.run(question.demo, seed=seed, member=user.id, on_epoch=show_progress)
    except TrainerBusy as busy:
        ...                                   # str(busy) is the message for the member; busy.reason: member|queue
    result.status                             # "ok" | "error" | "timeout" | "memory" | "crashed"
    result.output, result.error, result.seed, result.losses, result.wall_ms, result.truncated
    result.output_matches                     # with run(..., output_pattern=...): True | False | None (not decided)
    await trainer.close()                     # on shutdown

Only code from lesson packs on disk may be passed to `run`: nothing a Discord user types is executed.
Processes the code starts (a fork, a subprocess) are in the worker's process group: they are ended when the
run ends, and killed with the worker on a time-out, a crash and `close`. Each run starts from the state after
the warm-up: sys.modules, os.environ, builtins, sys.path, sys.argv and the working directory are put back.
In the worker, every Keras model runs eagerly (graph-mode fit leaks memory in a long-lived process) and
`model.fit` prints one line per epoch (verbose=2) instead of the redrawn progress bar; otherwise a run
prints what `python` would print for the same code after `keras.utils.set_random_seed(seed)`,
warnings included.
"""

from bot.trainer._result import LESSON_FILENAME, RunResult, Status, TrainerBusy, printed_text
from bot.trainer._trainer import DemoRefused, Trainer

__all__ = ["LESSON_FILENAME", "DemoRefused", "RunResult", "Status", "Trainer", "TrainerBusy", "printed_text"]
