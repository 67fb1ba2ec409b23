"""/schedule add|list|remove|pause|resume and the loop that posts each day's quiz exactly once."""

from __future__ import annotations

import logging
import zoneinfo
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot import daily, timezones
from bot.embeds import DIFFICULTY_NAMES, difficulty_name
from bot.i18n import N_, _, ngettext, speaking
from bot.loops import every
from bot.posts import PostChannel, cannot_post
from bot.rendering import shorten
from bot.stored_text import english, keep, read
from cogs import _choices as choices
from cogs._checks import RowId, moderator_only
from cogs.schedule import _render as render
from content import Lesson
from content.scoping import authored
from storage import guilds, post_rows
from storage import schedules as store
from storage.models import Post, Schedule, ScheduleRun
from storage.schedules import RunStatus

if TYPE_CHECKING:
    from bot.app import QuizBot

log = logging.getLogger(__name__)

Difficulty = Literal["any", "easy", "medium", "hard"]
# TRANSLATORS: {id} is the number of a daily quiz the moderator gave.
NO_SUCH_SCHEDULE = N_("This server has no schedule #{id}. `/schedule list` shows them.")


class Schedules(
    commands.GroupCog,
    name="Schedule",
    group_name="schedule",
    group_description="Daily quizzes (moderators)",
):
    """Moderators set up daily quizzes; a loop claims each due (schedule, date) run and posts it."""

    def __init__(self, bot: QuizBot) -> None:
        self.bot = bot
        super().__init__()

    async def cog_load(self) -> None:
        self.loop.start()

    async def cog_unload(self) -> None:
        self.loop.cancel()

    # ----- commands (moderators) ------------------------------------------------------------
    @app_commands.command(name="add", description="Post lesson questions every day at a set time")
    @app_commands.guild_only()
    @moderator_only()
    @app_commands.describe(
        channel="Where to post",
        time="Time of day, 24-hour HH:MM (e.g. 09:00)",
        lesson="The lesson to take the questions from",
        timezone="IANA time zone, e.g. Europe/Berlin (default: the server's, see /config timezone)",
        difficulty="Only questions of this difficulty (default: any)",
        count="Questions each day (1-5)",
        close_after="Minutes until the answers are revealed (default: when the next day's quiz opens)",
    )
    async def add(
        self,
        interaction: discord.Interaction[QuizBot],
        channel: discord.TextChannel,
        time: str,
        lesson: str,
        timezone: str | None = None,
        difficulty: Difficulty = "any",
        count: app_commands.Range[int, 1, daily.MAX_COUNT] = 1,
        close_after: app_commands.Range[int, 1, 1440] | None = None,
    ) -> None:
        assert interaction.guild_id is not None
        found = self.bot.catalog.lessons_in(interaction.guild_id).lesson(lesson)
        if found is None:
            await interaction.response.send_message(choices.no_lesson(lesson), ephemeral=True)
            return
        if not daily.with_difficulty(found.questions, difficulty):
            # TRANSLATORS: {lesson} is a lesson's title; {difficulty} is "easy", "medium" or "hard".
            text = _("*{lesson}* has no {difficulty} questions: pick another difficulty.")
            await interaction.response.send_message(
                text.format(lesson=shorten(found.title, 80), difficulty=difficulty_name(difficulty)),
                ephemeral=True,
            )
            return
        if timezone is None:
            timezone = (await guilds.get_guild_settings(self.bot.database, interaction.guild_id)).timezone
        try:
            hour, minute = daily.parse_time(time)
            zone = timezones.parse_zone(timezone)
        except (daily.ScheduleError, timezones.UnknownZone) as exc:
            await interaction.response.send_message(str(exc), ephemeral=True)
            return
        me = channel.guild.me
        if me is not None:
            perms = channel.permissions_for(me)
            if not (perms.send_messages and perms.embed_links):
                await interaction.response.send_message(cannot_post(channel.mention), ephemeral=True)
                return
        now = self.bot.now()
        try:
            schedule = await store.create_schedule(
                self.bot.database,
                guild_id=interaction.guild_id,
                channel_id=channel.id,
                created_by=interaction.user.id,
                lesson_id=found.id,
                hour=hour,
                minute=minute,
                timezone=zone.key,
                difficulty=difficulty,
                count=count,
                close_after_minutes=close_after,
                now=now,
            )
        except store.TooManySchedules:
            most = store.MAX_SCHEDULES_PER_GUILD
            text = ngettext(
                "This server already has {count} daily quiz: remove it first.",
                "This server already has {count} daily quizzes: remove one first.",
                most,
            )
            await interaction.response.send_message(text.format(count=most), ephemeral=True)
            return
        next_at = daily.next_run(hour, minute, zone, now)
        log.info("schedule %s added in guild %s by %s", schedule.id, schedule.guild_id, schedule.created_by)
        await interaction.response.send_message(render.added(schedule, found, next_at), ephemeral=True)

    @add.autocomplete("lesson")
    async def _lesson_choices(
        self, interaction: discord.Interaction[QuizBot], typed: str
    ) -> list[app_commands.Choice[str]]:
        return choices.lessons(interaction, typed)

    @add.autocomplete("timezone")
    async def _timezone_choices(
        self, interaction: discord.Interaction[QuizBot], typed: str
    ) -> list[app_commands.Choice[str]]:
        return choices.zones(typed)

    @app_commands.command(name="list", description="This server's daily quizzes")
    @app_commands.guild_only()
    @moderator_only()
    async def list_(self, interaction: discord.Interaction[QuizBot]) -> None:
        assert interaction.guild_id is not None
        db = self.bot.database
        schedules = await store.list_schedules(db, interaction.guild_id)
        last = await store.last_runs(db, [s.id for s in schedules if s.id is not None])
        now = self.bot.now()
        rows: list[tuple[Schedule, Lesson | None, datetime | None, ScheduleRun | None]] = []
        for s in schedules:
            zone = timezones.zone_or_none(s.timezone)
            next_at = daily.next_run(s.hour, s.minute, zone, now) if zone else None
            rows.append((s, self.bot.library.lesson(s.lesson_id), next_at, last.get(s.id or 0)))
        await interaction.response.send_message(embed=render.list_embed(rows), ephemeral=True)

    @app_commands.command(name="remove", description="Delete a daily quiz")
    @app_commands.guild_only()
    @moderator_only()
    @app_commands.describe(schedule="The schedule to delete")
    async def remove(self, interaction: discord.Interaction[QuizBot], schedule: RowId) -> None:
        assert interaction.guild_id is not None
        db = self.bot.database
        found = await store.get_schedule(db, schedule, guild_id=interaction.guild_id)
        if found is None or found.id is None:
            await interaction.response.send_message(_(NO_SUCH_SCHEDULE).format(id=schedule), ephemeral=True)
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        # Posts that were waiting for "the next day's quiz" to close would otherwise stay open forever.
        open_posts = await store.previous_post_ids(db, found.id, datetime.max.date())
        await store.delete_schedule(db, found.id, guild_id=interaction.guild_id)
        await self.bot.posts.close_open(open_posts, only_without_deadline=True)  # the server's language
        log.info("schedule %s removed by %s", found.id, interaction.user.id)
        # TRANSLATORS: {id} is the daily quiz's number; {when} reads "09:00 Europe/Berlin"; {channel} is
        # the channel's id inside <#...>.
        text = _("Removed daily quiz **#{id}** ({when} in <#{channel}>).")
        await interaction.followup.send(
            text.format(id=found.id, when=render.when(found), channel=found.channel_id)
        )

    @app_commands.command(name="pause", description="Stop a daily quiz for now")
    @app_commands.guild_only()
    @moderator_only()
    @app_commands.describe(schedule="The schedule to pause")
    async def pause(self, interaction: discord.Interaction[QuizBot], schedule: RowId) -> None:
        await self._set_paused(interaction, schedule, True)

    @app_commands.command(name="resume", description="Start a paused daily quiz again")
    @app_commands.guild_only()
    @moderator_only()
    @app_commands.describe(schedule="The schedule to resume")
    async def resume(self, interaction: discord.Interaction[QuizBot], schedule: RowId) -> None:
        await self._set_paused(interaction, schedule, False)

    async def _set_paused(
        self, interaction: discord.Interaction[QuizBot], schedule_id: int, paused: bool
    ) -> None:
        assert interaction.guild_id is not None
        if not paused:
            existing = await store.get_schedule(self.bot.database, schedule_id, guild_id=interaction.guild_id)
            if existing is not None and timezones.zone_or_none(existing.timezone) is None:
                # TRANSLATORS: {id} is the daily quiz's number; {timezone} an IANA time zone name.
                text = _(
                    "Daily quiz **#{id}** is set in `{timezone}`, a time zone I no longer know: remove it "
                    "and add it again with `/schedule add`."
                )
                await interaction.response.send_message(
                    text.format(id=existing.id, timezone=existing.timezone), ephemeral=True
                )
                return
        # TRANSLATORS: why a daily quiz is paused, kept and shown in /schedule list; {member} is the
        # moderator, mentioned.
        reason = keep(N_("paused by {member}"), member=f"<@{interaction.user.id}>") if paused else None
        found = await store.set_paused(
            self.bot.database, schedule_id, paused, reason=reason, guild_id=interaction.guild_id
        )
        if found is None:
            await interaction.response.send_message(
                _(NO_SUCH_SCHEDULE).format(id=schedule_id), ephemeral=True
            )
            return
        if paused:
            # TRANSLATORS: {id} is the daily quiz's number.
            text = _("Paused daily quiz **#{id}**. `/schedule resume` starts it again.").format(id=found.id)
        else:
            zone = timezones.zone_or_none(found.timezone) or zoneinfo.ZoneInfo("UTC")  # known: checked above
            next_at = daily.next_run(found.hour, found.minute, zone, self.bot.now())
            # TRANSLATORS: {id} is the daily quiz's number; {when} reads "09:00 Europe/Berlin"; {channel}
            # is the channel's id inside <#...>; {next} is a Discord timestamp that reads "in 3 hours".
            text = _("Resumed daily quiz **#{id}** ({when} in <#{channel}>); next one {next}.").format(
                id=found.id,
                when=render.when(found),
                channel=found.channel_id,
                next=discord.utils.format_dt(next_at, "R"),
            )
        await interaction.response.send_message(text, ephemeral=True)

    @remove.autocomplete("schedule")
    @pause.autocomplete("schedule")
    @resume.autocomplete("schedule")
    async def _schedule_choices(
        self, interaction: discord.Interaction[QuizBot], typed: str
    ) -> list[app_commands.Choice[int]]:
        if interaction.guild_id is None:
            return []
        typed = str(typed).lower()
        found = []
        for s in await store.list_schedules(self.bot.database, interaction.guild_id):
            channel = self.bot.get_channel(s.channel_id)
            name = render.choice_name(s, getattr(channel, "name", None))
            if typed in name.lower() and s.id is not None:
                found.append(app_commands.Choice(name=name, value=s.id))
        return found[: choices.CHOICES]

    # ----- the scheduler --------------------------------------------------------------------
    @every(seconds=30, what="posting scheduled quizzes")
    async def loop(self) -> None:
        await self.run_due()

    @loop.before_loop
    async def _before_loop(self) -> None:
        await self.bot.wait_until_ready()

    async def run_due(self) -> int:
        """Claim and post every run that is due now; returns how many runs this process posted.

        Safe to call from several processes at once: a run is posted only by the caller whose
        INSERT of (schedule, date) succeeded, or who took over its stale claim.
        """
        now = self.bot.now()
        catch_up = timedelta(minutes=self.bot.settings.catch_up_minutes)
        db = self.bot.database
        schedules = {s.id: s for s in await store.active_schedules(db) if self.bot.holds_guild(s.guild_id)}
        if not schedules:
            return 0
        posted = await self._take_over_stale_claims(schedules, now, catch_up)
        done = await store.run_dates_since(db, (now - timedelta(days=3)).date())
        for schedule in schedules.values():
            assert schedule.id is not None
            try:
                posted += await self._run_one(schedule, now, catch_up, done.get(schedule.id, set()))
            except Exception:  # one broken schedule must not stop the others
                log.exception("scheduled quiz %s failed", schedule.id)
        return posted

    async def _take_over_stale_claims(
        self, schedules: dict[int | None, Schedule], now: datetime, catch_up: timedelta
    ) -> int:
        """Finish the runs whose claimer died while posting (storage.schedules explains how this
        never posts a question twice); past the catch-up window they are recorded as failed."""
        db = self.bot.database
        finished = 0
        for stale in await store.stale_claims(db, now):
            schedule = schedules.get(stale.schedule_id)
            if schedule is None:
                continue  # paused, removed, or another shard's
            run = await store.reclaim_run(db, stale, now)
            if run is None:
                continue  # another process took it over first
            assert run.id is not None
            log.warning("scheduled quiz %s: finishing run %s, whose poster stopped", schedule.id, run.id)
            if now - run.due_at > catch_up:
                kept = [p for p in await self._listed_posts(run) if not await self._drop_if_unsent(p)]
                confirmed = [p.id for p in kept if p.id is not None]
                # TRANSLATORS: why a daily quiz's run failed, shown in /schedule list after "failed".
                error = keep(N_("the bot stopped while posting it, and restarted after the catch-up window"))
                await store.finish_run(db, run, RunStatus.FAILED, post_ids=confirmed, error=error, now=now)
                continue
            try:
                finished += await self._post_claimed(schedule, run)
            except Exception:
                log.exception("scheduled quiz %s failed", schedule.id)
        return finished

    async def _listed_posts(self, run: ScheduleRun) -> list[Post]:
        """The posts a claimer listed on this run that still exist: where a takeover starts."""
        found = [await post_rows.get_post(self.bot.database, post_id) for post_id in run.post_ids]
        return [post for post in found if post is not None]

    async def _drop_if_unsent(self, post: Post) -> bool:
        """Delete a post Discord never confirmed that nobody answered (if its message did arrive, a
        click on it is told politely that the question is gone); True if it was deleted."""
        assert post.id is not None
        return post.message_id is None and await post_rows.drop_unsent_post(self.bot.database, post.id)

    async def _run_one(
        self, schedule: Schedule, now: datetime, catch_up: timedelta, done_dates: set[date]
    ) -> bool:
        assert schedule.id is not None
        zone = timezones.zone_or_none(schedule.timezone)
        if zone is None:
            # TRANSLATORS: why a daily quiz paused itself (the end of "... is paused: "); {timezone} is an
            # IANA time zone name.
            reason = keep(N_("its time zone `{timezone}` is no longer known."), timezone=schedule.timezone)
            await self._pause(schedule, reason)
            return False
        due = daily.decide(
            schedule.hour,
            schedule.minute,
            zone,
            now=now,
            created_at=schedule.created_at,
            done_dates=done_dates,
            catch_up=catch_up,
        )
        if due.action is daily.Action.WAIT:
            return False
        db = self.bot.database
        if due.action is daily.Action.SKIP:
            skipped = await store.claim_run(
                db, schedule.id, due.run_date, due.due_at, status=RunStatus.SKIPPED, now=now
            )
            if skipped is not None:
                log.warning(
                    "scheduled quiz %s: the run due %s (%s) was missed by more than %s; skipped",
                    schedule.id,
                    due.due_at.isoformat(),
                    due.run_date,
                    catch_up,
                )
            return False
        run = await store.claim_run(db, schedule.id, due.run_date, due.due_at, now=now)
        if run is None:
            return False  # another process (or an earlier tick) has this run
        return await self._post_claimed(schedule, run)

    async def _post_claimed(self, schedule: Schedule, run: ScheduleRun) -> bool:
        assert run.id is not None
        try:
            return await self._post_run(schedule, run)
        except store.ClaimLost:
            log.warning("scheduled quiz %s: run %s was taken over by another process", schedule.id, run.id)
            return False
        except Exception as exc:
            # Claimed but not posted: recorded as failed, not retried (no retry loop against a broken
            # Discord). The posts listed so far stay on the run, so the next run still closes them.
            await store.finish_run(
                self.bot.database,
                run,
                RunStatus.FAILED,
                post_ids=run.post_ids,
                error=repr(exc),
                now=self.bot.now(),
            )
            raise

    async def _post_run(self, schedule: Schedule, run: ScheduleRun) -> bool:
        assert schedule.id is not None and run.id is not None
        db = self.bot.database
        lesson = self.bot.catalog.lessons_in(schedule.guild_id).lesson(schedule.lesson_id)
        pool = daily.with_difficulty(lesson.questions, schedule.difficulty) if lesson else []
        if not pool:
            if lesson is None:
                # TRANSLATORS: why a daily quiz paused itself (the end of "... is paused: "); {lesson} is
                # the lesson's id.
                reason = keep(N_("the lesson `{lesson}` is gone."), lesson=authored(schedule.lesson_id))
            else:
                # TRANSLATORS: why a daily quiz paused itself (the end of "... is paused: "); {difficulty}
                # is "easy", "medium" or "hard".
                reason = keep(
                    N_("the lesson has no {difficulty} questions any more."),
                    translated={"difficulty": DIFFICULTY_NAMES.get(schedule.difficulty, schedule.difficulty)},
                )
            await store.finish_run(db, run, RunStatus.FAILED, error=reason, now=self.bot.now())
            await self._pause(schedule, reason)
            return False
        # A takeover: the posts the previous claimer listed (some may never have reached Discord).
        listed = await self._listed_posts(run)
        recency = await post_rows.question_recency(db, schedule.guild_id, schedule.channel_id)
        picked = daily.pick_questions(pool, recency, max(0, schedule.count - len(listed)))
        previous = await store.previous_post_ids(db, schedule.id, run.run_date)
        close_after = (
            timedelta(minutes=schedule.close_after_minutes) if schedule.close_after_minutes else None
        )
        channel = self._channel(schedule)

        async def list_on_run(post: Post) -> None:
            assert post.id is not None
            await store.add_run_post(db, run, post.id)

        post_ids: list[int] = []
        try:
            for post in listed:
                question = self.bot.posts.question_of(post)  # None: left the lessons, or changed
                if post.message_id is None and question is not None:
                    await self.bot.posts.finish_sending(channel, question, post)
                elif await self._drop_if_unsent(post):
                    continue  # its question left the lessons or changed meanwhile: nothing to resend
                assert post.id is not None
                post_ids.append(post.id)
            for question in picked:
                post = await self.bot.posts.publish(
                    schedule.guild_id,
                    channel,
                    question,
                    close_after,
                    posted_by=schedule.created_by,
                    before_send=list_on_run,
                )
                assert post.id is not None
                post_ids.append(post.id)
        except discord.HTTPException as exc:
            error = f"{exc.status} {exc.text}"
            await store.finish_run(
                db, run, RunStatus.FAILED, post_ids=post_ids, error=error, now=self.bot.now()
            )
            if isinstance(exc, discord.Forbidden | discord.NotFound):
                # The channel is gone or closed to us: pausing beats failing every day.
                if isinstance(exc, discord.Forbidden):
                    # TRANSLATORS: why a daily quiz paused itself (the end of "... is paused: "). "Send
                    # Messages" and "Embed Links" are Discord's own names: use the ones Discord shows.
                    reason = keep(
                        N_(
                            "I'm not allowed to post in that channel any more "
                            "(I need *Send Messages* and *Embed Links*)."
                        )
                    )
                else:
                    # TRANSLATORS: why a daily quiz paused itself (the end of "... is paused: ").
                    reason = keep(N_("that channel no longer exists."))
                await self._pause(schedule, reason)
            else:
                log.warning("scheduled quiz %s: Discord refused the post (%s); not retried", schedule.id, exc)
            return False
        await store.finish_run(db, run, RunStatus.POSTED, post_ids=post_ids, now=self.bot.now())
        log.info("scheduled quiz %s posted %s for %s", schedule.id, post_ids, run.run_date)
        # The previous day's questions close (and reveal) as the new ones open.
        await self.bot.posts.close_open(previous)
        return True

    def _channel(self, schedule: Schedule) -> PostChannel:
        channel = self.bot.get_channel(schedule.channel_id)
        if isinstance(channel, discord.TextChannel | discord.Thread):
            return channel
        # Not cached (or gone): sending by id still works, and a 404 tells us it vanished.
        return self.bot.get_partial_messageable(schedule.channel_id, guild_id=schedule.guild_id)

    async def _pause(self, schedule: Schedule, reason: str) -> None:
        """Pause a schedule that cannot run (`reason` as stored_text keeps it), and tell the moderator
        who made it: a DM without an interaction, so in the server's language (else the log)."""
        assert schedule.id is not None
        await store.set_paused(self.bot.database, schedule.id, True, reason=reason)
        log.warning("scheduled quiz %s paused: %s", schedule.id, english(reason))
        with speaking(await self.bot.server_locale(schedule.guild_id)):
            text = render.paused_notice(schedule, self.bot.library.lesson(schedule.lesson_id), read(reason))
        try:
            channel = await self.bot.create_dm(discord.Object(id=schedule.created_by))
            await channel.send(text)
        except discord.HTTPException as exc:
            log.warning(
                "scheduled quiz %s: could not DM moderator %s that it paused (%s)",
                schedule.id,
                schedule.created_by,
                exc,
            )
