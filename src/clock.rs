//! The time, for scheduled publishing: a page dated after today is held back until its day.
//!
//! Today is the local date. For tests and previews, `CENTERVIEW_NOW` may name another moment
//! (`2030-01-14T23:59:58`, in the local time zone, or with an offset); the clock then starts
//! there when the process starts and runs at the normal rate, so a running `serve` can be
//! watched picking a page up at midnight.

use jiff::civil::{Date, DateTime};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp, Zoned};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// When the process started, and the moment `CENTERVIEW_NOW` named for then, if any.
static START: OnceLock<(Instant, Option<Zoned>)> = OnceLock::new();

/// The moment it is now.
pub fn now() -> Zoned {
    let (started, base) = START.get_or_init(|| {
        let base = std::env::var("CENTERVIEW_NOW").ok().and_then(|s| parse(&s));
        (Instant::now(), base)
    });
    match base {
        Some(base) => {
            let elapsed = SignedDuration::try_from(started.elapsed()).unwrap_or_default();
            base.checked_add(elapsed).unwrap_or_else(|_| base.clone())
        }
        None => Zoned::now(),
    }
}

/// Today's date.
pub fn today() -> Date {
    now().date()
}

/// How long until `date` begins (zero if it has).
pub fn until(date: Date) -> Duration {
    let now = now();
    let Ok(start) = date.to_zoned(now.time_zone().clone()) else {
        return Duration::ZERO;
    };
    let left = now.duration_until(&start);
    Duration::try_from(left).unwrap_or(Duration::ZERO)
}

/// A moment as `CENTERVIEW_NOW` gives it: a time with an offset, or a civil date and time (or
/// a date) in the local time zone.
fn parse(text: &str) -> Option<Zoned> {
    let text = text.trim();
    if let Ok(timestamp) = text.parse::<Timestamp>() {
        return Some(timestamp.to_zoned(TimeZone::system()));
    }
    let civil = text.parse::<DateTime>().ok().or_else(|| {
        text.parse::<Date>()
            .ok()
            .map(|d| d.to_datetime(jiff::civil::Time::midnight()))
    })?;
    civil.to_zoned(TimeZone::system()).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moments_parse_in_every_form() {
        assert_eq!(
            parse("2030-01-14").unwrap().date(),
            Date::new(2030, 1, 14).unwrap()
        );
        assert_eq!(
            parse("2030-01-14T23:59:58").unwrap().date(),
            Date::new(2030, 1, 14).unwrap()
        );
        assert!(parse("2030-01-14T23:59:58Z").is_some());
        assert!(parse("tomorrow").is_none());
    }
}
