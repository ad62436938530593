//! Wall-clock time in Europe/Amsterdam and repeating series (RFC 5545 `RRULE`, expanded by the
//! `rrule` crate in the zone, so a weekly visit at 14:00 stays at 14:00 across daylight saving).

use chrono::{DateTime, Days, Months, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use kring_shared::agenda::{Frequency, Recurrence};
use rrule::{RRule, Unvalidated};

/// The agenda's zone.
pub const ZONE: Tz = chrono_tz::Europe::Amsterdam;

/// Occurrences of one series at most (two years of daily visits, with room).
pub const MAX_OCCURRENCES: u16 = 750;

/// The instant of a wall-clock time. A time that does not exist (the hour skipped when summer
/// time starts) moves an hour on; a time that exists twice (when it ends) is the first one.
pub fn instant(local: NaiveDateTime) -> DateTime<Utc> {
    match ZONE.from_local_datetime(&local).earliest() {
        Some(at) => at.with_timezone(&Utc),
        None => ZONE
            .from_local_datetime(&(local + chrono::Duration::hours(1)))
            .earliest()
            .map_or_else(|| local.and_utc(), |at| at.with_timezone(&Utc)),
    }
}

/// The wall-clock time of an instant.
pub fn local(at: DateTime<Utc>) -> NaiveDateTime {
    at.with_timezone(&ZONE).naive_local()
}

/// The instant a day begins.
pub fn day_start(date: NaiveDate) -> DateTime<Utc> {
    instant(date.and_time(NaiveTime::MIN))
}

/// The first day after `date` plus two years: an occurrence must start before it.
pub fn two_years_after(date: NaiveDate) -> NaiveDate {
    date.checked_add_months(Months::new(24))
        .unwrap_or(date)
        .checked_add_days(Days::new(1))
        .unwrap_or(date)
}

/// The `RRULE` value of a recurrence of a series that starts on `first_day`.
pub fn rule_of(recurrence: &Recurrence) -> String {
    let frequency = match recurrence.frequency {
        Frequency::Daily => "DAILY",
        Frequency::Weekly => "WEEKLY",
        Frequency::Monthly => "MONTHLY",
    };
    let mut rule = format!("FREQ={frequency};INTERVAL={}", recurrence.interval);
    if let Some(until) = recurrence.until {
        // The end of that day in the zone, as UTC (RFC 5545 wants UTC with a zoned start).
        let last = day_start(until.succ_opt().unwrap_or(until)) - chrono::Duration::seconds(1);
        rule.push_str(&format!(";UNTIL={}", last.format("%Y%m%dT%H%M%SZ")));
    }
    if let Some(count) = recurrence.count {
        rule.push_str(&format!(";COUNT={count}"));
    }
    rule
}

/// The recurrence a stored `RRULE` describes.
pub fn recurrence_of(rule: &str) -> Option<Recurrence> {
    let parsed: RRule<Unvalidated> = rule.parse().ok()?;
    let frequency = match parsed.get_freq() {
        rrule::Frequency::Daily => Frequency::Daily,
        rrule::Frequency::Weekly => Frequency::Weekly,
        rrule::Frequency::Monthly => Frequency::Monthly,
        _ => return None,
    };
    Some(Recurrence {
        frequency,
        interval: u8::try_from(parsed.get_interval()).unwrap_or(1),
        until: parsed
            .get_until()
            .map(|until| local(until.with_timezone(&Utc)).date()),
        count: parsed
            .get_count()
            .and_then(|count| u16::try_from(count).ok()),
    })
}

/// The starts of a series' occurrences from `from` up to and including `through`, in order.
pub fn starts_between(
    rule: &str,
    first: DateTime<Utc>,
    from: DateTime<Utc>,
    through: DateTime<Utc>,
) -> Result<Vec<DateTime<Utc>>, rrule::RRuleError> {
    let zone: rrule::Tz = ZONE.into();
    let start = first.with_timezone(&zone);
    let set = rule.parse::<RRule<Unvalidated>>()?.build(start)?;
    let found = set
        .after(from.with_timezone(&zone))
        .before(through.with_timezone(&zone))
        .all(MAX_OCCURRENCES + 1);
    Ok(found
        .dates
        .into_iter()
        .map(|at| at.with_timezone(&Utc))
        .collect())
}

/// Every start of a series (at most `MAX_OCCURRENCES + 1`, to notice one too many).
pub fn all_starts(
    rule: &str,
    first: DateTime<Utc>,
) -> Result<Vec<DateTime<Utc>>, rrule::RRuleError> {
    let far = first + chrono::Duration::days(3 * 366);
    starts_between(rule, first, first, far)
}

/// An occurrence's end: the same wall-clock length as the first occurrence, so a whole-day
/// appointment ends at the next midnight even on the day the clocks change.
pub fn end_of_occurrence(
    start: DateTime<Utc>,
    first_start: DateTime<Utc>,
    first_end: DateTime<Utc>,
) -> DateTime<Utc> {
    let length = local(first_end) - local(first_start);
    instant(local(start) + length)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    fn wall(text: &str) -> NaiveDateTime {
        text.parse().unwrap()
    }

    #[test]
    fn wall_clock_times_follow_daylight_saving() {
        // Winter: UTC+1; summer: UTC+2.
        assert_eq!(
            instant(wall("2026-12-01T14:00:00")),
            at("2026-12-01T13:00:00Z")
        );
        assert_eq!(
            instant(wall("2026-07-01T14:00:00")),
            at("2026-07-01T12:00:00Z")
        );
        // 29 March 2026 02:30 does not exist: it becomes 03:30 summer time.
        assert_eq!(
            instant(wall("2026-03-29T02:30:00")),
            at("2026-03-29T01:30:00Z")
        );
        // 25 October 2026 02:30 exists twice: the first (summer time) counts.
        assert_eq!(
            instant(wall("2026-10-25T02:30:00")),
            at("2026-10-25T00:30:00Z")
        );
        assert_eq!(
            local(at("2026-10-25T01:30:00Z")),
            wall("2026-10-25T02:30:00")
        );
    }

    #[test]
    fn a_weekly_visit_keeps_its_hour_across_the_clock_change() {
        let recurrence = Recurrence {
            frequency: Frequency::Weekly,
            interval: 1,
            until: None,
            count: Some(3),
        };
        let first = instant(wall("2026-10-20T14:00:00"));
        let starts = all_starts(&rule_of(&recurrence), first).unwrap();
        let walls: Vec<NaiveDateTime> = starts.iter().map(|start| local(*start)).collect();
        assert_eq!(
            walls,
            vec![
                wall("2026-10-20T14:00:00"),
                wall("2026-10-27T14:00:00"),
                wall("2026-11-03T14:00:00"),
            ]
        );
        // The UTC hour moves when the clocks go back.
        assert_eq!(starts[0], at("2026-10-20T12:00:00Z"));
        assert_eq!(starts[1], at("2026-10-27T13:00:00Z"));
    }

    #[test]
    fn until_is_the_last_day_in_the_zone_and_reads_back() {
        let recurrence = Recurrence {
            frequency: Frequency::Weekly,
            interval: 2,
            until: Some(NaiveDate::from_ymd_opt(2026, 12, 29).unwrap()),
            count: None,
        };
        let rule = rule_of(&recurrence);
        assert_eq!(rule, "FREQ=WEEKLY;INTERVAL=2;UNTIL=20261229T225959Z");
        assert_eq!(recurrence_of(&rule), Some(recurrence));
        // A visit late in the evening of the last day still counts.
        let first = instant(wall("2026-12-01T23:30:00"));
        let starts = all_starts(&rule, first).unwrap();
        assert_eq!(starts.len(), 3);
        assert_eq!(local(*starts.last().unwrap()), wall("2026-12-29T23:30:00"));
    }

    #[test]
    fn a_whole_day_ends_at_the_next_midnight_on_the_day_the_clocks_change() {
        let first_start = day_start(NaiveDate::from_ymd_opt(2026, 10, 18).unwrap());
        let first_end = day_start(NaiveDate::from_ymd_opt(2026, 10, 19).unwrap());
        let start = day_start(NaiveDate::from_ymd_opt(2026, 10, 25).unwrap());
        let end = end_of_occurrence(start, first_start, first_end);
        assert_eq!(local(end), wall("2026-10-26T00:00:00"));
        assert_eq!(end - start, chrono::Duration::hours(25));
    }
}
