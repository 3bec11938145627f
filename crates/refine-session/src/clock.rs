//! The session on a clock: its steps (the agenda's phases, the item phase split into one slot per
//! backlog item) and, from the journal's events, where the session stands at a moment.

use chrono::{DateTime, FixedOffset};
use refine_plugin::Pack;

use crate::event::{Entry, Event};

/// One step of the session: an agenda item, or a backlog item's slot in the item phase.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// What the agenda calls it.
    pub title: String,
    /// Its timebox in minutes (0 when the agenda gives none).
    pub minutes: u32,
    /// The guide phase it belongs to, when known.
    pub phase: Option<String>,
    /// The agenda item's title it belongs to (itself, unless it is a backlog item's slot).
    pub agenda_title: String,
    /// The backlog item's number, for an item's slot.
    pub item: Option<usize>,
}

/// The session's steps, in order: the agenda, with the agenda item of the phase that holds the
/// backlog items replaced by one step per item.
pub fn steps(pack: &Pack) -> Vec<Step> {
    let items = pack.item_timeline();
    let mut out = Vec::new();
    for slot in pack.timeline() {
        let holds_items = !items.is_empty()
            && slot.phase.is_some()
            && slot.phase.as_ref() == pack.meta.item_phase.as_ref();
        if holds_items {
            for (i, item) in items.iter().enumerate() {
                out.push(Step {
                    title: item.title.clone(),
                    minutes: item.minutes,
                    phase: slot.phase.clone(),
                    agenda_title: slot.title.clone(),
                    item: Some(i + 1),
                });
            }
        } else {
            out.push(Step {
                agenda_title: slot.title.clone(),
                title: slot.title,
                minutes: slot.minutes,
                phase: slot.phase,
                item: None,
            });
        }
    }
    out
}

/// Where the session stands at a moment.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Standing {
    /// The step running (started, not ended), if any.
    pub current: Option<usize>,
    /// Whether the clock is stopped.
    pub paused: bool,
    /// Seconds each step has run, by step index.
    pub used: Vec<i64>,
    /// Seconds the session has run (pauses left out), from its first start.
    pub elapsed: i64,
    /// Whether any step has started.
    pub begun: bool,
    /// Steps that have ended at least once.
    pub ended: Vec<bool>,
}

impl Standing {
    /// Where the session of `steps` stands at `now`, after `entries`.
    pub fn at(steps: usize, entries: &[Entry], now: DateTime<FixedOffset>) -> Standing {
        let mut s = Standing {
            used: vec![0; steps],
            ended: vec![false; steps],
            ..Standing::default()
        };
        // The moment the clock last started counting, while it counts.
        let mut counting_since: Option<DateTime<FixedOffset>> = None;
        let mut session_since: Option<DateTime<FixedOffset>> = None;
        let stop = |s: &mut Standing, since: &mut Option<DateTime<FixedOffset>>, at| {
            if let (Some(step), Some(from)) = (s.current, since.take()) {
                let secs = seconds(from, at);
                if let Some(u) = s.used.get_mut(step) {
                    *u += secs;
                }
            }
        };
        for entry in entries {
            let at = entry.at;
            match entry.event {
                Event::Started { step } => {
                    stop(&mut s, &mut counting_since, at);
                    s.current = Some(step);
                    s.begun = true;
                    if !s.paused {
                        counting_since = Some(at);
                        session_since.get_or_insert(at);
                    }
                }
                Event::Ended { step } => {
                    if s.current == Some(step) {
                        stop(&mut s, &mut counting_since, at);
                        s.current = None;
                    }
                    if let Some(e) = s.ended.get_mut(step) {
                        *e = true;
                    }
                }
                Event::Paused if !s.paused => {
                    stop(&mut s, &mut counting_since, at);
                    if let Some(from) = session_since.take() {
                        s.elapsed += seconds(from, at);
                    }
                    s.paused = true;
                }
                Event::Resumed if s.paused => {
                    s.paused = false;
                    if s.current.is_some() {
                        counting_since = Some(at);
                    }
                    if s.begun {
                        session_since = Some(at);
                    }
                }
                _ => {}
            }
            // Between steps the session clock keeps running; only a pause stops it.
            if s.begun && !s.paused && session_since.is_none() {
                session_since = Some(at);
            }
        }
        if let (Some(step), Some(from)) = (s.current, counting_since)
            && let Some(u) = s.used.get_mut(step)
        {
            *u += seconds(from, now);
        }
        if let Some(from) = session_since {
            s.elapsed += seconds(from, now);
        }
        s
    }

    /// Seconds left in the current step's timebox (negative when it overran).
    pub fn left(&self, steps: &[Step]) -> Option<i64> {
        let step = self.current?;
        Some(i64::from(steps.get(step)?.minutes) * 60 - self.used.get(step).copied().unwrap_or(0))
    }
}

fn seconds(from: DateTime<FixedOffset>, to: DateTime<FixedOffset>) -> i64 {
    (to - from).num_seconds().max(0)
}

/// `m:ss`, with a minus sign for time over.
pub fn clock_text(seconds: i64) -> String {
    let sign = if seconds < 0 { "-" } else { "" };
    let s = seconds.unsigned_abs();
    format!("{sign}{}:{:02}", s / 60, s % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(minute: i64) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339("2026-11-25T10:00:00+01:00").expect("time")
            + chrono::Duration::minutes(minute)
    }

    fn entry(minute: i64, event: Event) -> Entry {
        Entry {
            at: at(minute),
            event,
        }
    }

    #[test]
    fn time_counts_per_step_and_pauses_do_not() {
        let entries = [
            entry(0, Event::Started { step: 0 }),
            entry(12, Event::Ended { step: 0 }),
            entry(12, Event::Started { step: 1 }),
            entry(20, Event::Paused),
            entry(30, Event::Resumed),
            entry(35, Event::Ended { step: 1 }),
            entry(35, Event::Started { step: 2 }),
        ];
        let s = Standing::at(3, &entries, at(40));
        assert_eq!(s.used, vec![12 * 60, 13 * 60, 5 * 60]);
        assert_eq!(s.elapsed, 30 * 60, "the ten paused minutes do not count");
        assert_eq!(s.current, Some(2));
        assert!(!s.paused);
        let steps: Vec<Step> = (0..3)
            .map(|i| Step {
                title: format!("s{i}"),
                minutes: 4,
                phase: None,
                agenda_title: format!("s{i}"),
                item: None,
            })
            .collect();
        assert_eq!(s.left(&steps), Some(-60), "one minute over");
        assert_eq!(clock_text(-61), "-1:01");
        assert_eq!(clock_text(754), "12:34");
        // Paused at the end: the clock stands still.
        let mut paused = entries.to_vec();
        paused.push(entry(41, Event::Paused));
        let s = Standing::at(3, &paused, at(90));
        assert_eq!(s.used[2], 6 * 60);
        assert!(s.paused);
    }
}
