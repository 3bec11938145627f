//! When a session starts: `--start` and `--tz` read into a [`SessionStart`].

use chrono::{DateTime, NaiveDateTime, TimeDelta, TimeZone, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Why `--start` or `--tz` could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StartError {
    /// The date and time are not in a known form.
    #[error(
        "cannot read --start `{0}`: write a date and time such as 2026-12-01T10:00, 2026-12-01 10:00 or 2026-12-01T10:00+01:00"
    )]
    Unreadable(String),
    /// The time zone is not an IANA name.
    #[error(
        "unknown time zone --tz `{0}`: use an IANA name such as Europe/Berlin or America/New_York"
    )]
    UnknownZone(String),
    /// Both an offset in `--start` and `--tz` were given.
    #[error("--start `{0}` carries a UTC offset and --tz was given too; give one or the other")]
    TwoZones(String),
    /// The local time does not exist or is ambiguous in the zone (a daylight-saving change).
    #[error(
        "{local} does not name one instant in {zone} (a daylight-saving change); pick another time"
    )]
    NotOneInstant {
        /// The local time.
        local: String,
        /// The zone.
        zone: String,
    },
}

/// When a session starts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct SessionStart {
    /// The wall-clock time where the session is held, `YYYY-MM-DDTHH:MM:SS`.
    pub local: NaiveDateTime,
    /// The same instant in UTC; absent for a floating time (no zone given).
    pub utc: Option<DateTime<Utc>>,
    /// The zone as given: an IANA name or a UTC offset such as `+01:00`; absent when floating.
    pub zone: Option<String>,
}

const FORMS: &[&str] = &[
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
];

impl SessionStart {
    /// `2026-12-01 10:00 (Europe/Berlin)`, or without the zone when floating.
    pub fn describe(&self) -> String {
        let zone = self
            .zone
            .as_deref()
            .map_or(String::new(), |z| format!(" ({z})"));
        format!("{}{zone}", self.local.format("%Y-%m-%d %H:%M"))
    }

    /// The wall-clock time `minutes` after the start.
    pub fn local_at(&self, minutes: u32) -> NaiveDateTime {
        self.local + TimeDelta::minutes(i64::from(minutes))
    }

    /// The instant `minutes` after the start, in UTC; `None` for a floating start.
    pub fn utc_at(&self, minutes: u32) -> Option<DateTime<Utc>> {
        self.utc.map(|u| u + TimeDelta::minutes(i64::from(minutes)))
    }

    /// Reads `--start` and optional `--tz`. Without a zone the time floats: calendars show it at
    /// that wall-clock time wherever the reader is.
    pub fn parse(start: &str, tz: Option<&str>) -> Result<SessionStart, StartError> {
        let text = start.trim();
        if let Ok(with_offset) = DateTime::parse_from_rfc3339(text)
            .or_else(|_| DateTime::parse_from_str(text, "%Y-%m-%dT%H:%M%:z"))
            .or_else(|_| DateTime::parse_from_str(text, "%Y-%m-%d %H:%M%:z"))
        {
            if tz.is_some() {
                return Err(StartError::TwoZones(text.to_string()));
            }
            return Ok(SessionStart {
                local: with_offset.naive_local(),
                utc: Some(with_offset.with_timezone(&Utc)),
                zone: Some(with_offset.offset().to_string()),
            });
        }
        let local = FORMS
            .iter()
            .find_map(|form| NaiveDateTime::parse_from_str(text, form).ok())
            .ok_or_else(|| StartError::Unreadable(text.to_string()))?;
        let Some(zone_name) = tz else {
            return Ok(SessionStart {
                local,
                utc: None,
                zone: None,
            });
        };
        let zone: chrono_tz::Tz = zone_name
            .trim()
            .parse()
            .map_err(|_| StartError::UnknownZone(zone_name.to_string()))?;
        let instant =
            zone.from_local_datetime(&local)
                .single()
                .ok_or_else(|| StartError::NotOneInstant {
                    local: local.to_string(),
                    zone: zone_name.to_string(),
                })?;
        Ok(SessionStart {
            local,
            utc: Some(instant.with_timezone(&Utc)),
            zone: Some(zone.name().to_string()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floating_zoned_and_offset_starts() {
        let floating = SessionStart::parse("2026-12-01 10:00", None).expect("floating");
        assert_eq!(floating.local.to_string(), "2026-12-01 10:00:00");
        assert_eq!(floating.utc, None);

        let berlin = SessionStart::parse("2026-12-01T10:00", Some("Europe/Berlin")).expect("zoned");
        assert_eq!(
            berlin.utc.map(|u| u.to_rfc3339()),
            Some("2026-12-01T09:00:00+00:00".into())
        );
        assert_eq!(berlin.zone.as_deref(), Some("Europe/Berlin"));

        let offset = SessionStart::parse("2026-12-01T10:00:00-05:00", None).expect("offset");
        assert_eq!(
            offset.utc.map(|u| u.to_rfc3339()),
            Some("2026-12-01T15:00:00+00:00".into())
        );
    }

    #[test]
    fn bad_starts_and_zones_are_named() {
        assert_eq!(
            SessionStart::parse("tomorrow", None),
            Err(StartError::Unreadable("tomorrow".into()))
        );
        assert_eq!(
            SessionStart::parse("2026-12-01 10:00", Some("Mars/Olympus")),
            Err(StartError::UnknownZone("Mars/Olympus".into()))
        );
        assert!(matches!(
            SessionStart::parse("2026-12-01T10:00+01:00", Some("Europe/Berlin")),
            Err(StartError::TwoZones(_))
        ));
        assert!(matches!(
            SessionStart::parse("2026-03-29 02:30", Some("Europe/Berlin")),
            Err(StartError::NotOneInstant { .. })
        ));
    }
}
