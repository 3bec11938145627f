//! Who the session invitation is from and for, and when it was written: what turns the calendar
//! file from a personal event into a team invitation (`--organizer`, `--attendee`).

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A person on an invitation: an email address and, when given, a name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Person {
    /// The display name, when given (`Ana Ruiz <ana@example.com>`).
    pub name: Option<String>,
    /// The email address.
    pub email: String,
}

/// Why a person cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{given}` is not an email address or `Name <email>`: {why}")]
pub struct PersonError {
    /// What was given.
    pub given: String,
    /// What is wrong.
    pub why: &'static str,
}

impl std::str::FromStr for Person {
    type Err = PersonError;

    /// `ana@example.com`, `mailto:ana@example.com` or `Ana Ruiz <ana@example.com>`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let fail = |why| PersonError {
            given: s.to_string(),
            why,
        };
        if s.chars().any(char::is_control) {
            return Err(fail("it holds a control character"));
        }
        let (name, email) = match (s.find('<'), s.rfind('>')) {
            (Some(open), Some(close)) if open < close && s[close + 1..].trim().is_empty() => {
                let name = s[..open].trim().trim_matches('"').trim();
                (
                    (!name.is_empty()).then(|| name.to_string()),
                    s[open + 1..close].trim(),
                )
            }
            (None, None) => (None, s.trim()),
            _ => return Err(fail("unbalanced < >")),
        };
        let email = email.strip_prefix("mailto:").unwrap_or(email);
        let Some((local, domain)) = email.split_once('@') else {
            return Err(fail("no @"));
        };
        let plain = |part: &str| {
            !part.is_empty()
                && !part.chars().any(|c| {
                    c.is_whitespace() || matches!(c, '<' | '>' | '"' | ',' | ';' | ':' | '@')
                })
        };
        if !plain(local) || !plain(domain) || !domain.contains('.') {
            return Err(fail("an address looks like name@example.com"));
        }
        if name.as_deref().is_some_and(|n| n.contains(['"', ';', ':'])) {
            return Err(fail("a name may not hold \" ; or :"));
        }
        Ok(Person {
            name,
            email: email.to_string(),
        })
    }
}

/// The invitation: organizer, attendees, and when it was written.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Invitation {
    /// Who sends it (`--organizer`); without one the calendar is a personal event.
    #[serde(default)]
    pub organizer: Option<Person>,
    /// Who it is for (`--attendee`, repeatable).
    #[serde(default)]
    pub attendees: Vec<Person>,
    /// When it was written (the time of `refine prep`, or `SOURCE_DATE_EPOCH` for reproducible
    /// output); the calendar's DTSTAMP and SEQUENCE derive from it.
    #[serde(default)]
    pub written: Option<DateTime<Utc>>,
}

impl Invitation {
    /// Nothing set: the pack carries no invitation.
    pub fn is_empty(&self) -> bool {
        *self == Invitation::default()
    }

    /// The time of writing: `SOURCE_DATE_EPOCH` (seconds since 1970, for reproducible builds)
    /// when set and valid, else now.
    pub fn now() -> DateTime<Utc> {
        std::env::var("SOURCE_DATE_EPOCH")
            .ok()
            .and_then(|s| s.trim().parse::<i64>().ok())
            .and_then(|secs| DateTime::from_timestamp(secs, 0))
            .unwrap_or_else(Utc::now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn people_read_with_or_without_a_name_and_nothing_that_breaks_a_calendar_line() {
        let ana: Person = "Ana Ruiz <ana@example.com>".parse().expect("named");
        assert_eq!(ana.name.as_deref(), Some("Ana Ruiz"));
        assert_eq!(ana.email, "ana@example.com");
        let bo: Person = "mailto:bo@team.example.org".parse().expect("bare");
        assert_eq!((bo.name, bo.email.as_str()), (None, "bo@team.example.org"));
        for bad in [
            "ana",
            "ana@localhost",
            "Ana <ana@example.com",
            "a@b.c\r\nATTENDEE:x@y.z",
            "\"A;B\" <a@b.co>",
            "two words@example.com",
        ] {
            assert!(bad.parse::<Person>().is_err(), "{bad}");
        }
    }
}
