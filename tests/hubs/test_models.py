import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from hubs.models import Meeting
from tests.factories.hubs import make_meeting, make_session

pytestmark = pytest.mark.django_db


def today():
    """Today as the meetings' queries read it (UTC), asked when a test runs: a date taken when
    the module was collected was yesterday's for a run that crossed midnight."""
    return datetime.datetime.now(datetime.UTC).date()


def days(n):
    return today() + datetime.timedelta(days=n)


def test_upcoming_and_past_are_told_apart_by_date():
    past = make_meeting(start_date=days(-10), end_date=days(-8))
    ending_today = make_meeting(start_date=days(-2), end_date=days(0))
    one_day_tomorrow = make_meeting(start_date=days(1), end_date=None)
    year_only_past = make_meeting(year=today().year - 2)
    year_only_this_year = make_meeting(year=today().year)
    undated = make_meeting(year=None)

    assert list(Meeting.objects.upcoming()) == [ending_today, one_day_tomorrow, year_only_this_year]
    assert list(Meeting.objects.past()) == [past, year_only_past]
    assert list(Meeting.objects.undated()) == [undated]


def test_year_is_kept_from_the_first_day():
    meeting = make_meeting(start_date=datetime.date(2016, 10, 17), end_date=datetime.date(2016, 10, 21))
    assert meeting.year == 2016


def test_year_only_meeting_never_gets_a_day():
    meeting = make_meeting(year=2017)
    meeting.refresh_from_db()
    assert (meeting.start_date, meeting.end_date, meeting.year) == (None, None, 2017)
    assert meeting.dates_text() == "2017"


def test_dates_text_for_a_day_a_span_and_nothing():
    assert make_meeting(start_date=datetime.date(2019, 6, 5), end_date=None).dates_text() == "June 5, 2019"
    span = make_meeting(start_date=datetime.date(2019, 10, 8), end_date=datetime.date(2019, 10, 11))
    assert span.dates_text() == "Oct. 8, 2019 to Oct. 11, 2019"
    assert make_meeting(year=None).dates_text() == ""


def test_meeting_cannot_end_before_it_starts():
    with pytest.raises(ValidationError) as error:
        make_meeting(start_date=datetime.date(2019, 6, 5), end_date=datetime.date(2019, 6, 4))
    assert "end_date" in error.value.message_dict


def test_database_refuses_a_meeting_ending_before_it_starts():
    meeting = make_meeting()
    Meeting.objects.filter(pk=meeting.pk)
    with pytest.raises(IntegrityError):
        Meeting.objects.filter(pk=meeting.pk).update(end_date=datetime.date(2000, 1, 1))


def test_unknown_time_zone_is_refused():
    with pytest.raises(ValidationError) as error:
        make_meeting(time_zone="Mars/Olympus_Mons")
    assert "time_zone" in error.value.message_dict


def test_session_must_fall_within_the_meeting_and_end_after_it_starts():
    meeting = make_meeting(start_date=datetime.date(2019, 6, 5), end_date=datetime.date(2019, 6, 6))
    with pytest.raises(ValidationError) as error:
        make_session(meeting, day=datetime.date(2019, 6, 9))
    assert "day" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        make_session(meeting, start_time=datetime.time(11), end_time=datetime.time(10))
    assert "end_time" in error.value.message_dict


def test_session_times_are_in_the_meeting_time_zone():
    meeting = make_meeting(time_zone="Asia/Bangkok", start_date=datetime.date(2019, 10, 8), end_date=None)
    session = make_session(meeting, start_time=datetime.time(9, 0), end_time=datetime.time(10, 30))
    assert session.starts().utcoffset() == datetime.timedelta(hours=7)
    assert session.starts().astimezone(datetime.UTC).hour == 2
