//! Dates and times as the sample data and the APIs write them, in UTC: days and seconds since
//! the epoch in, `YYYY-MM-DD` and ISO 8601 timestamps out (and back), by the `time` crate.

use time::format_description::BorrowedFormatItem;
use time::macros::format_description;
use time::{Date, OffsetDateTime, PrimitiveDateTime, UtcOffset};

const DATE: &[BorrowedFormatItem<'static>] = format_description!("[year]-[month]-[day]");
/// `2014-12-24T20:07:24`, with `t` for `T` and any fraction of a second allowed.
const LOCAL_DATE_TIME: &[BorrowedFormatItem<'static>] = format_description!(
    "[year]-[month]-[day][first [T] [t]][hour]:[minute]:[second][optional [.[subsecond]]]"
);
const OFFSET: &[BorrowedFormatItem<'static>] =
    format_description!("[offset_hour sign:mandatory]:[offset_minute]");
const TIMESTAMP: &[BorrowedFormatItem<'static>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");
const TIMESTAMP_MILLIS: &[BorrowedFormatItem<'static>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z");

/// The moment `secs` after the epoch, held within the years `time` represents (±9999).
fn at(secs: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(secs).unwrap_or(if secs < 0 {
        PrimitiveDateTime::MIN.assume_utc()
    } else {
        PrimitiveDateTime::MAX.assume_utc()
    })
}

fn format(moment: OffsetDateTime, description: &[BorrowedFormatItem<'_>]) -> String {
    // Formatting a date into a `String` with a description of numeric fields cannot fail.
    moment.format(description).unwrap_or_default()
}

/// Parses `YYYY-MM-DD` (anything after the first ten characters is ignored) to days since the
/// epoch; a date the calendar does not have (`2025-02-30`) is `None`.
pub fn parse_date(text: &str) -> Option<i64> {
    let date = Date::parse(text.get(..10)?, DATE).ok()?;
    Some((date - OffsetDateTime::UNIX_EPOCH.date()).whole_days())
}

/// `YYYY-MM-DD` of the day `days` after 1970-01-01.
pub fn format_date(days: i64) -> String {
    format(at(days.saturating_mul(86_400)), DATE)
}

/// `2014-12-24T20:07:24.000Z` from seconds since the epoch.
pub fn format_timestamp_millis(secs: i64) -> String {
    format(at(secs), TIMESTAMP_MILLIS)
}

/// `2025-11-22T19:33:10Z` from seconds since the epoch.
pub fn format_timestamp(secs: i64) -> String {
    format(at(secs), TIMESTAMP)
}

/// Seconds since the epoch for `YYYY-MM-DDTHH:MM:SS`, optionally with fractional seconds and
/// then `Z` or a `+hh:mm` / `-hh:mm` offset (none means UTC). Every field is unsigned digits
/// in its range: no leap second `:60`, no offset of 24 hours or more.
pub fn parse_timestamp(text: &str) -> Option<i64> {
    // The zone starts after the seconds (19 characters) and their fraction, if any.
    let fraction = text
        .get(19..)?
        .strip_prefix('.')
        .map_or(0, |f| 1 + f.bytes().take_while(u8::is_ascii_digit).count());
    let (local, zone) = text.split_at(19 + fraction);
    let local = PrimitiveDateTime::parse(local, LOCAL_DATE_TIME).ok()?;
    let offset = match zone {
        "" | "Z" | "z" => UtcOffset::UTC,
        _ => UtcOffset::parse(zone, OFFSET).ok()?,
    };
    Some(local.assume_offset(offset).unix_timestamp())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip() {
        assert_eq!(parse_date("1970-01-01"), Some(0));
        assert_eq!(parse_date("1969-12-31"), Some(-1));
        assert_eq!(parse_date("2024-02-29"), Some(19_782));
        assert_eq!(parse_date("2024-02-29T10:00:00Z"), Some(19_782));
        assert_eq!(parse_date("2025-02-29"), None);
        assert_eq!(parse_date("2025-13-01"), None);
        assert_eq!(parse_date("garbage"), None);
        assert_eq!(parse_date("20xx-01-01"), None);
        for days in [-1000, 0, 19_000, 20_500] {
            assert_eq!(parse_date(&format_date(days)), Some(days));
        }
        assert_eq!(format_date(19_782), "2024-02-29");
        assert_eq!(
            format_timestamp_millis(1_419_451_644),
            "2014-12-24T20:07:24.000Z"
        );
        assert_eq!(format_timestamp(1_419_451_644), "2014-12-24T20:07:24Z");
        for text in [
            "2014-12-24T20:07:24Z",
            "2014-12-24T20:07:24.250Z",
            "2014-12-24T21:07:24+01:00",
            "2014-12-24T20:07:24",
            "2014-12-24t19:07:24.5-01:00",
        ] {
            assert_eq!(parse_timestamp(text), Some(1_419_451_644), "{text}");
        }
        for bad in [
            "2014-12-24",
            "2014-12-24T25:00:00Z",
            "2014-12-24T20:07:24Q",
            "2014-12-24T2x:07:24Z",
            "2014-12-24T20:07:24.Z",
            "2014-12-24T20:07:24+0100",
            "2014-12-24T20:07:60Z",
            "2014-12-24T20:07:24+24:00",
            "+014-12-24T20:07:24Z",
        ] {
            assert_eq!(parse_timestamp(bad), None, "{bad}");
        }
    }
}
