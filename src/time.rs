//! Times as providers send them: epoch milliseconds (a number or a numeric string) or an
//! ISO-8601 / RFC 3339 date-time (`2026-02-24T16:25:46.603Z`, any offset). The model keeps
//! epoch milliseconds, within the exact range of a JavaScript number.
//!
//! The ISO parser is written here rather than taken from `time` or `chrono`: it is one small
//! function, and the npm `.wasm` has a size budget that a date library would take a large
//! share of. The `time` crate checks it in the property tests (`tests/robustness.rs`).

use std::fmt;

use serde::de::{Deserializer, Error, Visitor};

use crate::js_int::is_safe;

/// Epoch milliseconds of `text`: digits (optionally signed) or an ISO-8601 date-time.
pub fn parse_time(text: &str) -> Option<i64> {
    let text = text.trim();
    if let Ok(ms) = text.parse::<i64>() {
        return is_safe(ms).then_some(ms);
    }
    parse_iso8601(text)
}

/// An RFC 3339 date-time (`T` or a space between date and time; seconds required; up to 9
/// fractional digits, kept to the millisecond; `Z` or `±HH:MM`/`±HHMM`; no offset means UTC).
pub fn parse_iso8601(text: &str) -> Option<i64> {
    let b = text.as_bytes();
    let digits = |range: std::ops::Range<usize>| -> Option<i64> {
        let part = b.get(range)?;
        part.iter()
            .all(u8::is_ascii_digit)
            .then(|| part.iter().fold(0i64, |n, d| n * 10 + i64::from(d - b'0')))
    };
    if b.len() < 19 || b[4] != b'-' || b[7] != b'-' || b[13] != b':' || b[16] != b':' {
        return None;
    }
    if !matches!(b[10], b'T' | b't' | b' ') {
        return None;
    }
    let (year, month, day) = (digits(0..4)?, digits(5..7)?, digits(8..10)?);
    let (hour, minute, second) = (digits(11..13)?, digits(14..16)?, digits(17..19)?);
    if !(1..=12).contains(&month)
        || day < 1
        || day > days_in_month(year, month)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    let mut rest = &b[19..];
    let mut millis = 0;
    if let Some((b'.', fraction)) = rest.split_first() {
        let count = fraction.iter().take_while(|c| c.is_ascii_digit()).count();
        if count == 0 || count > 9 {
            return None;
        }
        millis = fraction[..count.min(3)]
            .iter()
            .fold(0i64, |n, d| n * 10 + i64::from(d - b'0'))
            * 10i64.pow(3 - count.min(3) as u32);
        rest = &fraction[count..];
    }
    let offset_minutes = match rest {
        [] | [b'Z'] | [b'z'] => 0,
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] | [sign @ (b'+' | b'-'), h1, h2, m1, m2] => {
            let two = |x: u8, y: u8| -> Option<i64> {
                (x.is_ascii_digit() && y.is_ascii_digit())
                    .then(|| i64::from(x - b'0') * 10 + i64::from(y - b'0'))
            };
            let (h, m) = (two(*h1, *h2)?, two(*m1, *m2)?);
            if h > 23 || m > 59 {
                return None;
            }
            let minutes = h * 60 + m;
            if *sign == b'-' {
                -minutes
            } else {
                minutes
            }
        }
        _ => return None,
    };
    let days = days_from_civil(year, month, day);
    let seconds = days * 86_400 + hour * 3_600 + minute * 60 + second - offset_minutes * 60;
    let ms = seconds * 1000 + millis;
    is_safe(ms).then_some(ms)
}

fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's `days_from_civil`).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

struct TimeVisitor;

impl<'de> Visitor<'de> for TimeVisitor {
    type Value = Option<i64>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("epoch milliseconds or an ISO-8601 date-time")
    }

    fn visit_i64<E: Error>(self, v: i64) -> Result<Self::Value, E> {
        if is_safe(v) {
            Ok(Some(v))
        } else {
            Err(E::custom(
                "time outside the exact range of a JavaScript number",
            ))
        }
    }

    fn visit_u64<E: Error>(self, v: u64) -> Result<Self::Value, E> {
        self.visit_i64(i64::try_from(v).unwrap_or(i64::MAX))
    }

    fn visit_f64<E: Error>(self, v: f64) -> Result<Self::Value, E> {
        if v.is_finite() && v.fract() == 0.0 && v.abs() <= crate::js_int::MAX_SAFE as f64 {
            Ok(Some(v as i64))
        } else {
            Err(E::custom("time is not a whole number of milliseconds"))
        }
    }

    fn visit_str<E: Error>(self, v: &str) -> Result<Self::Value, E> {
        if v.trim().is_empty() {
            return Ok(None);
        }
        parse_time(v)
            .map(Some)
            .ok_or_else(|| E::custom("time is neither epoch milliseconds nor ISO-8601"))
    }

    fn visit_none<E: Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(TimeVisitor)
    }
}

/// An optional time (`null`, missing or `""` is `None`; use with `#[serde(default)]`).
pub(crate) fn opt_time<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    d.deserialize_option(TimeVisitor)
}

/// A required time.
pub(crate) fn time<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    opt_time(d)?.ok_or_else(|| D::Error::custom("time is missing"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_forms_give_the_same_instant() {
        assert_eq!(parse_time("1771950346603"), Some(1_771_950_346_603));
        assert_eq!(
            parse_time("2026-02-24T16:25:46.603Z"),
            Some(1_771_950_346_603)
        );
        assert_eq!(
            parse_time("2026-02-24T17:25:46.603+01:00"),
            Some(1_771_950_346_603)
        );
        assert_eq!(
            parse_time("2026-02-24 11:25:46.603-0500"),
            Some(1_771_950_346_603)
        );
        assert_eq!(
            parse_time("2026-02-24T16:25:46.603999999Z"),
            Some(1_771_950_346_603)
        );
        assert_eq!(parse_time("2026-02-24T16:25:46Z"), Some(1_771_950_346_000));
        assert_eq!(parse_time("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_time("1969-12-31T23:59:59.9Z"), Some(-100));
        assert_eq!(parse_time("2024-02-29T00:00:00Z"), Some(1_709_164_800_000));
    }

    #[test]
    fn malformed_dates_are_refused() {
        for bad in [
            "",
            "yesterday",
            "2026-02-30T00:00:00Z",
            "2025-02-29T00:00:00Z",
            "2026-13-01T00:00:00Z",
            "2026-02-24T24:00:00Z",
            "2026-02-24T16:25Z",
            "2026-02-24T16:25:46.Z",
            "2026-02-24T16:25:46.1234567890Z",
            "2026-02-24T16:25:46+24:00",
            "2026-02-24T16:25:46 UTC",
            "2026-02-24",
            "9007199254740992",
            "+2026-02-24T16:25:46Z",
            "２０２６-02-24T16:25:46Z",
        ] {
            assert_eq!(parse_time(bad), None, "{bad}");
        }
    }

    #[derive(serde::Deserialize)]
    struct Sample {
        #[serde(default, deserialize_with = "opt_time")]
        at: Option<i64>,
    }

    #[test]
    fn json_numbers_strings_and_null_deserialize() {
        let at = |json: &str| serde_json::from_str::<Sample>(json).map(|s| s.at);
        assert_eq!(
            at(r#"{"at": 1771950346603}"#).unwrap(),
            Some(1_771_950_346_603)
        );
        assert_eq!(
            at(r#"{"at": 1771950346603.0}"#).unwrap(),
            Some(1_771_950_346_603)
        );
        assert_eq!(
            at(r#"{"at": "1771950346603"}"#).unwrap(),
            Some(1_771_950_346_603)
        );
        assert_eq!(
            at(r#"{"at": "2026-02-24T16:25:46.603Z"}"#).unwrap(),
            Some(1_771_950_346_603)
        );
        assert_eq!(at(r#"{"at": null}"#).unwrap(), None);
        assert_eq!(at(r#"{}"#).unwrap(), None);
        assert_eq!(at(r#"{"at": ""}"#).unwrap(), None);
        for bad in [
            r#"{"at": "soon"}"#,
            r#"{"at": 1.5}"#,
            r#"{"at": true}"#,
            r#"{"at": 9007199254740992}"#,
        ] {
            assert!(at(bad).is_err(), "{bad}");
        }
    }
}
