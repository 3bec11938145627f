//! What the user asks for: a validated topic, optional context notes and an optional session length.

use std::fmt;

/// The most characters a topic may have. A topic names one refinement item; longer material
/// belongs in context notes.
pub const TOPIC_MAX_CHARS: usize = 500;

/// The most characters context notes may have (about 10 pages of notes).
pub const CONTEXT_MAX_CHARS: usize = 40_000;

/// The largest reply read, in bytes: a reply is a few kilobytes; a megabyte is no reply.
pub const REPLY_MAX_BYTES: usize = 1 << 20;

/// The largest guide read, in bytes.
pub const GUIDE_MAX_BYTES: usize = 1 << 20;

/// The longest session length accepted, in minutes (one working day).
pub const SESSION_MAX_MINUTES: u32 = 480;

/// The deepest bullet nesting a guide keeps: bullets nested deeper are read as this level, so no
/// guide, however deeply nested, makes the reader recurse without bound.
pub const GUIDE_MAX_DEPTH: usize = 8;

/// Why a request is not acceptable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RequestError {
    /// The topic is empty or only white space.
    #[error(
        "the topic is empty; give the item to refine, e.g. \"Reduce checkout abandonment on mobile\""
    )]
    EmptyTopic,
    /// The topic is longer than [`TOPIC_MAX_CHARS`].
    #[error(
        "the topic is {chars} characters long, over the limit of {TOPIC_MAX_CHARS}; keep the topic short and put details in context notes (--context FILE)"
    )]
    TopicTooLong {
        /// Its length in characters.
        chars: usize,
    },
    /// The context notes are longer than [`CONTEXT_MAX_CHARS`].
    #[error("the context notes are {chars} characters long, over the limit of {CONTEXT_MAX_CHARS}")]
    ContextTooLong {
        /// Their length in characters.
        chars: usize,
    },
    /// The topic holds a control character other than white space (NUL, ESC, DEL, ...).
    #[error(
        "the topic holds the control character U+{code:04X} at character {at}; remove it (a topic is one line of plain text)"
    )]
    TopicControlCharacter {
        /// The character's code point.
        code: u32,
        /// Its 1-based position in the trimmed topic.
        at: usize,
    },
    /// The session length is zero or over [`SESSION_MAX_MINUTES`].
    #[error("a session length of {minutes} minutes is out of range (1-{SESSION_MAX_MINUTES})")]
    MinutesOutOfRange {
        /// The length asked for.
        minutes: u32,
    },
}

/// A session topic: trimmed, non-empty, at most [`TOPIC_MAX_CHARS`] characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Topic(String);

impl Topic {
    /// Validates a topic, trimming surrounding white space.
    pub fn new(text: &str) -> Result<Topic, RequestError> {
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return Err(RequestError::EmptyTopic);
        }
        let chars = trimmed.chars().count();
        if chars > TOPIC_MAX_CHARS {
            return Err(RequestError::TopicTooLong { chars });
        }
        if let Some((i, c)) = trimmed
            .chars()
            .enumerate()
            .find(|(_, c)| c.is_control() && !c.is_whitespace())
        {
            return Err(RequestError::TopicControlCharacter {
                code: u32::from(c),
                at: i + 1,
            });
        }
        Ok(Topic(trimmed.to_string()))
    }

    /// The topic text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Topic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// One backlog item of a session on several items: its tracker key and link when known, its
/// title and its description (Markdown notes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionItem {
    key: Option<String>,
    title: Topic,
    notes: Option<String>,
    url: Option<String>,
}

impl SessionItem {
    /// An item with this title (validated as a [`Topic`]).
    pub fn new(title: &str) -> Result<SessionItem, RequestError> {
        Ok(SessionItem {
            key: None,
            title: Topic::new(title)?,
            notes: None,
            url: None,
        })
    }

    /// Adds the tracker's key (`#412`, `PAY-7`); blank keys count as none.
    pub fn with_key(mut self, key: Option<&str>) -> Self {
        self.key = key
            .map(str::trim)
            .filter(|k| !k.is_empty())
            .map(String::from);
        self
    }

    /// Adds the item's link; blank links count as none.
    pub fn with_url(mut self, url: Option<&str>) -> Self {
        self.url = url
            .map(str::trim)
            .filter(|u| !u.is_empty())
            .map(String::from);
        self
    }

    /// Adds the description, cleaned and bounded as context notes are
    /// ([`SessionRequest::with_context`]).
    pub fn with_notes(mut self, notes: &str) -> Result<Self, RequestError> {
        self.notes = clean_notes(notes)?;
        Ok(self)
    }

    /// The tracker's key.
    pub fn key(&self) -> Option<&str> {
        self.key.as_deref()
    }

    /// The title.
    pub fn title(&self) -> &Topic {
        &self.title
    }

    /// The description.
    pub fn notes(&self) -> Option<&str> {
        self.notes.as_deref()
    }

    /// The link.
    pub fn url(&self) -> Option<&str> {
        self.url.as_deref()
    }

    /// The item as named in a list: key and title.
    pub fn label(&self) -> String {
        match &self.key {
            Some(key) => format!("{key} {}", self.title),
            None => self.title.to_string(),
        }
    }
}

/// Context notes cleaned (control characters other than white space removed) and bounded;
/// blank notes are none.
fn clean_notes(notes: &str) -> Result<Option<String>, RequestError> {
    let cleaned: String;
    let notes = if notes.chars().any(|c| c.is_control() && !c.is_whitespace()) {
        cleaned = notes
            .chars()
            .filter(|c| !c.is_control() || c.is_whitespace())
            .collect();
        cleaned.as_str()
    } else {
        notes
    };
    let trimmed = notes.trim();
    let chars = trimmed.chars().count();
    if chars > CONTEXT_MAX_CHARS {
        return Err(RequestError::ContextTooLong { chars });
    }
    Ok((!trimmed.is_empty()).then(|| trimmed.to_string()))
}

/// Everything a session is prepared from, besides the guide.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRequest {
    topic: Topic,
    context: Option<String>,
    minutes: Option<u32>,
    items: Vec<SessionItem>,
    deferred: Vec<SessionItem>,
}

impl SessionRequest {
    /// A request for `topic` with no context and the guide's natural length.
    pub fn new(topic: Topic) -> Self {
        SessionRequest {
            topic,
            context: None,
            minutes: None,
            items: Vec::new(),
            deferred: Vec::new(),
        }
    }

    /// A request for a session on several backlog items: `items` are the ones the session takes,
    /// in order ([`crate::schedule::fit_items`] says how many fit), `deferred` the ones left for
    /// the next session. The topic names them: "3 backlog items: A; B; C", shortened to
    /// [`TOPIC_MAX_CHARS`].
    pub fn for_items(
        items: Vec<SessionItem>,
        deferred: Vec<SessionItem>,
    ) -> Result<Self, RequestError> {
        let titles: Vec<String> = items.iter().map(|i| i.title.to_string()).collect();
        let mut topic = format!(
            "{} backlog item{}: {}",
            items.len(),
            if items.len() == 1 { "" } else { "s" },
            titles.join("; ")
        );
        if topic.chars().count() > TOPIC_MAX_CHARS {
            topic = topic.chars().take(TOPIC_MAX_CHARS - 1).collect();
            topic.push('…');
        }
        let mut request = SessionRequest::new(Topic::new(&topic)?);
        request.items = items;
        request.deferred = deferred;
        Ok(request)
    }

    /// Adds context notes; blank notes count as none. Control characters other than white space
    /// (NUL, the ESC of terminal colours pasted with a log) are removed.
    pub fn with_context(mut self, context: &str) -> Result<Self, RequestError> {
        self.context = clean_notes(context)?;
        Ok(self)
    }

    /// Sets the session length in minutes.
    pub fn with_minutes(mut self, minutes: u32) -> Result<Self, RequestError> {
        if minutes == 0 || minutes > SESSION_MAX_MINUTES {
            return Err(RequestError::MinutesOutOfRange { minutes });
        }
        self.minutes = Some(minutes);
        Ok(self)
    }

    /// The topic.
    pub fn topic(&self) -> &Topic {
        &self.topic
    }

    /// The context notes, when given.
    pub fn context(&self) -> Option<&str> {
        self.context.as_deref()
    }

    /// The requested session length, when given.
    pub fn minutes(&self) -> Option<u32> {
        self.minutes
    }

    /// The backlog items the session takes, in order; empty for a session on one topic.
    pub fn items(&self) -> &[SessionItem] {
        &self.items
    }

    /// The backlog items deferred to the next session.
    pub fn deferred(&self) -> &[SessionItem] {
        &self.deferred
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topics_are_trimmed_and_bounded() {
        assert_eq!(
            Topic::new("  Checkout  ").map(|t| t.0),
            Ok("Checkout".to_string())
        );
        assert_eq!(Topic::new(" \n\t "), Err(RequestError::EmptyTopic));
        let long = "x".repeat(TOPIC_MAX_CHARS + 1);
        assert_eq!(
            Topic::new(&long),
            Err(RequestError::TopicTooLong {
                chars: TOPIC_MAX_CHARS + 1
            })
        );
        assert!(Topic::new(&"界".repeat(TOPIC_MAX_CHARS)).is_ok());
    }

    #[test]
    fn control_characters_are_refused_in_topics_and_removed_from_notes() {
        assert_eq!(
            Topic::new("Export\u{0}CSV"),
            Err(RequestError::TopicControlCharacter { code: 0, at: 7 })
        );
        assert!(
            Topic::new("Export\tCSV").is_ok(),
            "white space is not refused"
        );
        let request = SessionRequest::new(Topic::new("t").expect("topic"))
            .with_context("\u{1b}[31mERROR\u{1b}[0m upload\u{0} failed")
            .expect("notes");
        assert_eq!(request.context(), Some("[31mERROR[0m upload failed"));
    }

    #[test]
    fn minutes_and_context_are_bounded() {
        let request = SessionRequest::new(Topic::new("t").expect("topic"));
        assert!(request.clone().with_minutes(0).is_err());
        assert!(
            request
                .clone()
                .with_minutes(SESSION_MAX_MINUTES + 1)
                .is_err()
        );
        assert_eq!(
            request.clone().with_minutes(60).map(|r| r.minutes()),
            Ok(Some(60))
        );
        assert_eq!(
            request.clone().with_context("  ").map(|r| r.context),
            Ok(None)
        );
        assert!(
            request
                .with_context(&"x".repeat(CONTEXT_MAX_CHARS + 1))
                .is_err()
        );
    }
}
