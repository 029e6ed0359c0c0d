"""The status rules: one table of moves for problems and one for partnerships, and what each status means."""

from __future__ import annotations

from matcher import lifecycle, taxonomy
from matcher.lifecycle import Stage, Status


def test_the_shared_vocabulary_is_derived_from_the_enums():
    assert taxonomy.slugs(taxonomy.PROBLEM_STATUSES) == tuple(s.value for s in Status)
    assert taxonomy.label(taxonomy.PROBLEM_STATUSES, "partnered") == "Partnership under way"
    assert taxonomy.label(taxonomy.PARTNERSHIP_STAGES, "declined") == "Researcher declined"
    assert set(taxonomy.OPEN_PROBLEM_STATUSES) == {"new", "under-review", "introduced", "partnered"}
    assert set(taxonomy.INACTIVE_PARTNERSHIP_STAGES) == {"closed", "declined"}


def test_problem_moves_follow_the_table():
    assert lifecycle.can_change("new", "under-review") and lifecycle.can_change("partnered", "closed")
    assert lifecycle.can_change("closed", "under-review")  # reopening
    assert not lifecycle.can_change("closed", "withdrawn")
    assert not lifecycle.can_change("under-review", "new")
    assert not lifecycle.can_change("new", "no-such-status") and not lifecycle.can_change("bogus", "closed")


def test_partnership_moves_go_forward_back_one_step_or_end_and_ended_ones_reopen():
    assert lifecycle.can_change_stage("introduced", "under-way")
    assert lifecycle.can_change_stage("agreement", "first-meeting")  # a correction
    assert not lifecycle.can_change_stage("under-way", "introduced")
    assert lifecycle.can_change_stage("first-meeting", "declined")
    assert not lifecycle.can_change_stage("closed", "declined")
    assert lifecycle.can_change_stage("declined", "first-meeting")


def test_capacity_and_openness():
    assert lifecycle.counts_against_capacity("report-delivered")
    assert not lifecycle.counts_against_capacity("closed") and not lifecycle.counts_against_capacity("declined")
    assert lifecycle.is_open("partnered") and not lifecycle.is_open("withdrawn")
    assert lifecycle.is_assignable("new") and not lifecycle.is_assignable("introduced")
    assert not lifecycle.chosen_by_hand("partnered") and lifecycle.chosen_by_hand("closed")


def test_the_problem_status_follows_its_partnerships():
    follow = lifecycle.status_for_partnerships
    assert follow("under-review", ["introduced"]) == Status.INTRODUCED
    assert follow("introduced", ["introduced", "under-way"]) == Status.PARTNERED
    assert follow("partnered", ["closed"]) == Status.UNDER_REVIEW  # the last one ended: not "under way" any more
    assert follow("partnered", ["declined", "first-meeting"]) == Status.INTRODUCED
    assert follow("new", []) == Status.NEW
    assert follow("closed", ["under-way"]) == Status.CLOSED  # a finished problem keeps its status


def test_next_stage():
    assert lifecycle.next_stage("introduced") == Stage.FIRST_MEETING
    assert lifecycle.next_stage("report-delivered") == Stage.CLOSED
    assert lifecycle.next_stage("declined") == Stage.INTRODUCED
