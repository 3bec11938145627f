//! The journal: a session's pack and every event, as JSON Lines in one file.
//!
//! The first line is the [`Header`] (the journal's version and the pack); every other line is
//! an [`Entry`]. An event is appended as one whole line, under an exclusive lock on the file (so
//! a terminal and a browser can share a session), and synced to disk before [`Journal::append`]
//! returns: what was acknowledged survives a crash, a closed terminal or a power cut. A last line
//! without its newline — an event being written when the session stopped — is reported as
//! [`JournalError::Torn`], never dropped silently; [`Journal::recover`] sets it aside.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset};
use refine_plugin::{Pack, PackDocument};
use serde::{Deserialize, Serialize};

use crate::clock::{Step, steps};
use crate::event::{Entry, Event, JOURNAL_SCHEMA};

/// The first line of a journal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Header {
    /// [`JOURNAL_SCHEMA`].
    pub schema: String,
    /// When the journal was started.
    pub created: DateTime<FixedOffset>,
    /// The pack the session runs, as the `json` format writes it.
    pub pack: PackDocument,
}

/// What can go wrong with a journal.
#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    /// The file cannot be read or written.
    #[error("journal {}", path.display())]
    Io {
        /// The journal.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A new journal would overwrite one.
    #[error("journal {} already exists: resume it (--resume) or name another file", .0.display())]
    Exists(PathBuf),
    /// The file is empty.
    #[error("journal {} is empty: it has no header line", .0.display())]
    Empty(PathBuf),
    /// The last line has no newline: it was being written when the session stopped.
    #[error(
        "journal {}, line {line}: the last line is torn (the session stopped while it was being written, so that event was never acknowledged); rerun with --recover to set it aside in {}.torn and go on",
        path.display(),
        path.display()
    )]
    Torn {
        /// The journal.
        path: PathBuf,
        /// The torn line's number (1-based).
        line: usize,
    },
    /// The journal is of another version.
    #[error(
        "journal {}, line 1: version `{found}`, but this refine reads `{JOURNAL_SCHEMA}`",
        path.display()
    )]
    Version {
        /// The journal.
        path: PathBuf,
        /// The version it says it is.
        found: String,
    },
    /// A line is not a valid header or event.
    #[error("journal {}, line {line}: {message}", path.display())]
    Line {
        /// The journal.
        path: PathBuf,
        /// The line's number (1-based).
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// An event to append is not valid for this session.
    #[error("{0}")]
    Invalid(String),
}

/// A session: its pack, its steps and what has happened, backed by the journal file.
#[derive(Debug)]
pub struct Journal {
    path: PathBuf,
    file: File,
    /// How many bytes of the file have been read into `entries`.
    read_to: u64,
    /// The header line.
    pub header: Header,
    /// The pack the session runs.
    pub pack: Pack,
    /// The session's steps.
    pub steps: Vec<Step>,
    /// Every event, in order.
    pub entries: Vec<Entry>,
}

impl Journal {
    /// Starts a new journal for `pack` at `path`; an existing file is never overwritten.
    pub fn create(
        path: &Path,
        pack: &Pack,
        created: DateTime<FixedOffset>,
    ) -> Result<Journal, JournalError> {
        let io = |source| JournalError::Io {
            path: path.to_path_buf(),
            source,
        };
        let mut file = OpenOptions::new()
            .read(true)
            .append(true)
            .create_new(true)
            .open(path)
            .map_err(|e| {
                if e.kind() == std::io::ErrorKind::AlreadyExists {
                    JournalError::Exists(path.to_path_buf())
                } else {
                    io(e)
                }
            })?;
        let header = Header {
            schema: JOURNAL_SCHEMA.to_string(),
            created,
            pack: PackDocument::from(pack),
        };
        let mut line = serde_json::to_string(&header)
            .map_err(|e| JournalError::Invalid(format!("the pack cannot be written: {e}")))?;
        line.push('\n');
        file.write_all(line.as_bytes()).map_err(io)?;
        file.sync_all().map_err(io)?;
        Ok(Journal {
            path: path.to_path_buf(),
            file,
            read_to: line.len() as u64,
            steps: steps(pack),
            pack: pack.clone(),
            header,
            entries: Vec::new(),
        })
    }

    /// Opens a journal to read and append to it.
    pub fn open(path: &Path) -> Result<Journal, JournalError> {
        let io = |source| JournalError::Io {
            path: path.to_path_buf(),
            source,
        };
        let mut file = OpenOptions::new()
            .read(true)
            .append(true)
            .open(path)
            .map_err(io)?;
        let mut text = String::new();
        file.read_to_string(&mut text).map_err(io)?;
        let (header, entries) = parse(path, &text)?;
        let pack = Pack::from(header.pack.clone());
        Ok(Journal {
            path: path.to_path_buf(),
            file,
            read_to: text.len() as u64,
            steps: steps(&pack),
            pack,
            header,
            entries,
        })
    }

    /// Sets a torn last line aside in `JOURNAL.torn` (appended, so nothing is lost) and cuts it
    /// from the journal. Returns the file it went to, or `None` when nothing was torn.
    pub fn recover(path: &Path) -> Result<Option<PathBuf>, JournalError> {
        let io = |source| JournalError::Io {
            path: path.to_path_buf(),
            source,
        };
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .open(path)
            .map_err(io)?;
        file.lock().map_err(io)?;
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes).map_err(io)?;
        if bytes.is_empty() || bytes.ends_with(b"\n") {
            return Ok(None);
        }
        let cut = bytes.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        let aside = PathBuf::from(format!("{}.torn", path.display()));
        let mut kept = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&aside)
            .map_err(io)?;
        kept.write_all(&bytes[cut..]).map_err(io)?;
        kept.write_all(b"\n").map_err(io)?;
        kept.sync_all().map_err(io)?;
        file.set_len(cut as u64).map_err(io)?;
        file.sync_all().map_err(io)?;
        Ok(Some(aside))
    }

    /// The journal's file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends `event` at `at`: checked against the session, written as one line under the
    /// file's lock, synced to disk, then kept in `entries`. Events others appended since are
    /// read first, so several writers share one session.
    pub fn append(
        &mut self,
        event: Event,
        at: DateTime<FixedOffset>,
    ) -> Result<&Entry, JournalError> {
        let event = check(&self.pack, &self.steps, event).map_err(JournalError::Invalid)?;
        self.file.lock().map_err(|source| JournalError::Io {
            path: self.path.clone(),
            source,
        })?;
        let written = self.append_locked(Entry { at, event });
        let _ = self.file.unlock();
        written?;
        Ok(self.entries.last().expect("just appended"))
    }

    fn append_locked(&mut self, entry: Entry) -> Result<(), JournalError> {
        self.refresh()?;
        let path = self.path.clone();
        let io = |source| JournalError::Io { path, source };
        let mut line = serde_json::to_string(&entry)
            .map_err(|e| JournalError::Invalid(format!("the event cannot be written: {e}")))?;
        line.push('\n');
        self.file
            .write_all(line.as_bytes())
            .and_then(|()| self.file.sync_data())
            .map_err(io)?;
        self.read_to += line.len() as u64;
        self.entries.push(entry);
        Ok(())
    }

    /// Reads what others appended since this journal was last read.
    pub fn refresh(&mut self) -> Result<(), JournalError> {
        let io = |source| JournalError::Io {
            path: self.path.clone(),
            source,
        };
        let len = self.file.metadata().map_err(io)?.len();
        if len == self.read_to {
            return Ok(());
        }
        self.file.seek(SeekFrom::Start(0)).map_err(io)?;
        let mut text = String::new();
        self.file.read_to_string(&mut text).map_err(io)?;
        let (_, entries) = parse(&self.path, &text)?;
        self.entries = entries;
        self.read_to = text.len() as u64;
        Ok(())
    }
}

/// Reads a journal without opening it for writing.
pub fn read(path: &Path) -> Result<(Header, Vec<Entry>), JournalError> {
    let text = std::fs::read_to_string(path).map_err(|source| JournalError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    parse(path, &text)
}

/// Parses a journal's text: the header, then every event, each checked.
pub fn parse(path: &Path, text: &str) -> Result<(Header, Vec<Entry>), JournalError> {
    if text.trim().is_empty() {
        return Err(JournalError::Empty(path.to_path_buf()));
    }
    let line_error = |line: usize, message: String| JournalError::Line {
        path: path.to_path_buf(),
        line,
        message,
    };
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    if let Some(last) = lines.last()
        && !last.ends_with('\n')
    {
        return Err(JournalError::Torn {
            path: path.to_path_buf(),
            line: lines.len(),
        });
    }
    let first = lines[0].trim_end();
    // The version first, so a journal of another shape says so rather than what field it lacks.
    let version: serde_json::Value =
        serde_json::from_str(first).map_err(|e| line_error(1, format!("not JSON: {e}")))?;
    let found = version
        .get("schema")
        .and_then(|s| s.as_str())
        .unwrap_or("")
        .to_string();
    if found != JOURNAL_SCHEMA {
        return Err(JournalError::Version {
            path: path.to_path_buf(),
            found,
        });
    }
    let header: Header = serde_json::from_value(version)
        .map_err(|e| line_error(1, format!("not a journal header: {e}")))?;
    let pack = Pack::from(header.pack.clone());
    let session_steps = steps(&pack);
    let mut entries = Vec::with_capacity(lines.len() - 1);
    for (i, line) in lines.iter().enumerate().skip(1) {
        let line = line.trim_end();
        if line.is_empty() {
            continue;
        }
        let entry: Entry =
            serde_json::from_str(line).map_err(|e| line_error(i + 1, event_error(&e)))?;
        let event = check(&pack, &session_steps, entry.event).map_err(|m| line_error(i + 1, m))?;
        entries.push(Entry {
            at: entry.at,
            event,
        });
    }
    Ok((header, entries))
}

/// Serde's message, with the known kinds named when the kind is unknown.
fn event_error(e: &serde_json::Error) -> String {
    let text = e.to_string();
    if text.contains("unknown variant") {
        format!("unknown event kind: {text}")
    } else {
        format!("not a valid event: {text}")
    }
}

/// The guide's retrospective headings, from the pack.
pub fn retro_headings(pack: &Pack) -> Vec<String> {
    pack.meta
        .phase_focus
        .iter()
        .find(|(slug, _)| slug.contains("retro"))
        .map(|(_, items)| items.clone())
        .unwrap_or_default()
}

/// How many backlog items the session has: its items, or the topic as item 1.
pub fn item_count(pack: &Pack) -> usize {
    pack.plan.items.len().max(1)
}

/// Checks `event` against the session, tidying its text: what it returns is what is written.
fn check(pack: &Pack, steps: &[Step], event: Event) -> Result<Event, String> {
    let text = |what: &str, t: String| {
        let t = t.trim().to_string();
        if t.is_empty() {
            Err(format!("{what} needs a text"))
        } else {
            Ok(t)
        }
    };
    let optional = |t: Option<String>| t.map(|t| t.trim().to_string()).filter(|t| !t.is_empty());
    let items = item_count(pack);
    let item = |n: Option<usize>| match n {
        Some(n) if n == 0 || n > items => Err(format!(
            "item {n} is not in this session (it has {items} item{})",
            if items == 1 { "" } else { "s" }
        )),
        other => Ok(other),
    };
    let step = |s: usize| {
        if s < steps.len() {
            Ok(s)
        } else {
            Err(format!(
                "step {s} is not in this session (it has {} steps)",
                steps.len()
            ))
        }
    };
    Ok(match event {
        Event::Started { step: s } => Event::Started { step: step(s)? },
        Event::Ended { step: s } => Event::Ended { step: step(s)? },
        Event::Paused => Event::Paused,
        Event::Resumed => Event::Resumed,
        Event::Decision {
            text: t,
            why,
            item: n,
        } => Event::Decision {
            text: text("a decision", t)?,
            why: optional(why),
            item: item(n)?,
        },
        Event::Parked { text: t, item: n } => Event::Parked {
            text: text("a parked item", t)?,
            item: item(n)?,
        },
        Event::Question { text: t, item: n } => Event::Question {
            text: text("an open question", t)?,
            item: item(n)?,
        },
        Event::Action {
            text: t,
            owner,
            due,
            item: n,
        } => {
            let owner = owner.trim().to_string();
            if owner.is_empty() {
                return Err(String::from(
                    "an action item needs an owner (who will do it)",
                ));
            }
            Event::Action {
                text: text("an action item", t)?,
                owner,
                due,
                item: item(n)?,
            }
        }
        Event::Outcome {
            item: n,
            outcome,
            note,
        } => Event::Outcome {
            item: item(Some(n))?.unwrap_or(n),
            outcome,
            note: optional(note),
        },
        Event::Retro { heading, text: t } => {
            let headings = retro_headings(pack);
            let heading = match optional(heading) {
                None => None,
                Some(h) if headings.is_empty() => Some(h),
                Some(h) => Some(
                    headings
                        .iter()
                        .find(|known| known.eq_ignore_ascii_case(&h))
                        .cloned()
                        .ok_or_else(|| {
                            format!(
                                "the guide's retrospective has no heading `{h}` (its headings: {})",
                                headings.join("; ")
                            )
                        })?,
                ),
            };
            Event::Retro {
                heading,
                text: text("a retrospective note", t)?,
            }
        }
        Event::Attendee { name } => Event::Attendee {
            name: text("an attendee", name)?,
        },
    })
}

/// Moving the session's clock: every view (terminal, script, browser) moves it the same way.
impl Journal {
    /// Where the session stands at `now`.
    pub fn standing(&self, now: DateTime<FixedOffset>) -> crate::Standing {
        crate::Standing::at(self.steps.len(), &self.entries, now)
    }

    /// The backlog item whose slot runs at `now`, for captures that name none (none in a
    /// single-topic session).
    pub fn current_item(&self, now: DateTime<FixedOffset>) -> Option<usize> {
        if self.pack.plan.items.is_empty() {
            return None;
        }
        self.standing(now)
            .current
            .and_then(|s| self.steps.get(s))
            .and_then(|s| s.item)
    }

    /// Ends the step running and starts `to`.
    fn move_to(&mut self, to: usize, now: DateTime<FixedOffset>) -> Result<(), JournalError> {
        if let Some(step) = self.standing(now).current {
            self.append(Event::Ended { step }, now)?;
        }
        self.append(Event::Started { step: to }, now)?;
        Ok(())
    }

    /// Starts the next step: the first, the one after the step running, or after the step
    /// that ended last.
    pub fn next(&mut self, now: DateTime<FixedOffset>) -> Result<(), JournalError> {
        self.refresh()?;
        let standing = self.standing(now);
        let last = self.steps.len().saturating_sub(1);
        let to = match standing.current {
            Some(s) if s >= last => {
                return Err(JournalError::Invalid(String::from(
                    "the session is at its last step; end it instead",
                )));
            }
            Some(s) => s + 1,
            None => self
                .entries
                .iter()
                .rev()
                .find_map(|e| match e.event {
                    Event::Ended { step } => Some((step + 1).min(last)),
                    _ => None,
                })
                .unwrap_or(0),
        };
        self.move_to(to, now)
    }

    /// Goes back to the step before the one running.
    pub fn back(&mut self, now: DateTime<FixedOffset>) -> Result<(), JournalError> {
        self.refresh()?;
        match self.standing(now).current {
            Some(s) if s > 0 => self.move_to(s - 1, now),
            _ => Err(JournalError::Invalid(String::from(
                "the session is at its first step",
            ))),
        }
    }

    /// Ends the step running.
    pub fn end(&mut self, now: DateTime<FixedOffset>) -> Result<(), JournalError> {
        self.refresh()?;
        match self.standing(now).current {
            Some(step) => self.append(Event::Ended { step }, now).map(|_| ()),
            None => Err(JournalError::Invalid(String::from("no step is running"))),
        }
    }

    /// Stops the clock, or starts it again.
    pub fn toggle_pause(&mut self, now: DateTime<FixedOffset>) -> Result<(), JournalError> {
        self.refresh()?;
        let event = if self.standing(now).paused {
            Event::Resumed
        } else {
            Event::Paused
        };
        self.append(event, now).map(|_| ())
    }
}
