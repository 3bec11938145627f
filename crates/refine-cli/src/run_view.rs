//! `refine run`: the session on a full-screen terminal (ratatui). The view holds no state of
//! its own that matters: every key that changes the session appends an event to the journal
//! (synced to disk) before the screen shows it, so quitting, a closed terminal or a crash loses
//! at most the form being typed.

use std::time::Duration;

use anyhow::Result;
use chrono::{DateTime, FixedOffset, NaiveDate};
use ratatui::Frame;
use ratatui::crossterm::event::{
    self, Event as TermEvent, KeyCode, KeyEvent, KeyEventKind, KeyModifiers,
};
use ratatui::layout::{Constraint, Layout};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, List, ListItem, Paragraph, Wrap};
use refine_session::clock::clock_text;
use refine_session::journal::{item_count, retro_headings};
use refine_session::{Event, Journal, Outcome, Standing};

/// Runs the view on the terminal until `q`.
pub(crate) fn run(journal: Journal, bell: bool) -> Result<()> {
    let mut app = App::new(
        journal,
        bell,
        std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()),
    );
    let mut terminal = ratatui::init();
    let outcome = (|| -> Result<()> {
        loop {
            let now = crate::session::now();
            app.tick(now);
            terminal.draw(|frame| app.draw(frame, now))?;
            if app.ring {
                app.ring = false;
                use std::io::Write;
                let mut out = std::io::stdout();
                let _ = out.write_all(b"\x07").and_then(|()| out.flush());
            }
            if event::poll(Duration::from_millis(250))?
                && let TermEvent::Key(key) = event::read()?
                && key.kind != KeyEventKind::Release
                && app.key(key, crate::session::now()) == Flow::Quit
            {
                return Ok(());
            }
        }
    })();
    ratatui::restore();
    outcome
}

/// Whether the view goes on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Flow {
    /// Keep running.
    Go,
    /// Leave.
    Quit,
}

/// What a capture form records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Capture {
    Decision,
    Parked,
    Question,
    Action,
    Outcome,
    Retro,
    Attendee,
}

impl Capture {
    fn from_key(c: char) -> Option<Capture> {
        Some(match c {
            'd' => Capture::Decision,
            'p' => Capture::Parked,
            'o' => Capture::Question,
            'a' => Capture::Action,
            'c' => Capture::Outcome,
            'r' => Capture::Retro,
            'w' => Capture::Attendee,
            _ => return None,
        })
    }

    fn title(self) -> &'static str {
        match self {
            Capture::Decision => "Decision",
            Capture::Parked => "Parked item",
            Capture::Question => "Open question",
            Capture::Action => "Action item",
            Capture::Outcome => "Item outcome",
            Capture::Retro => "Retrospective note",
            Capture::Attendee => "Attendee",
        }
    }

    fn fields(self) -> &'static [&'static str] {
        match self {
            Capture::Decision => &["What was decided", "Why"],
            Capture::Parked => &["What is parked"],
            Capture::Question => &["The open question"],
            Capture::Action => &["What", "Owner", "Due (YYYY-MM-DD, optional)"],
            Capture::Outcome => &[
                "Outcome (ready, deep-dive, split, dropped)",
                "Note (optional)",
            ],
            Capture::Retro => &["Heading (number or name, optional)", "Feedback"],
            Capture::Attendee => &["Name"],
        }
    }
}

/// A capture being typed.
#[derive(Debug, Clone)]
struct Form {
    capture: Capture,
    values: Vec<String>,
    at: usize,
}

/// The view's state.
pub(crate) struct App {
    journal: Journal,
    form: Option<Form>,
    help: bool,
    status: String,
    bell: bool,
    /// Set when the bell should ring now.
    ring: bool,
    /// The step whose overrun has been rung for.
    rung: Option<usize>,
    plain: bool,
}

impl App {
    /// A view of `journal`; `plain` drops colour (NO_COLOR).
    pub(crate) fn new(journal: Journal, bell: bool, plain: bool) -> App {
        App {
            journal,
            form: None,
            help: false,
            status: String::from("n: start the first step · h: keys · q: quit"),
            bell,
            ring: false,
            rung: None,
            plain,
        }
    }

    /// The journal, as the view has written it.
    #[cfg(test)]
    pub(crate) fn journal(&self) -> &Journal {
        &self.journal
    }

    fn standing(&self, now: DateTime<FixedOffset>) -> Standing {
        Standing::at(self.journal.steps.len(), &self.journal.entries, now)
    }

    /// Reads what others wrote to the journal and rings for a fresh overrun.
    pub(crate) fn tick(&mut self, now: DateTime<FixedOffset>) {
        if let Err(e) = self.journal.refresh() {
            self.status = format!("error: {e}");
        }
        let s = self.standing(now);
        if let (Some(step), Some(left)) = (s.current, s.left(&self.journal.steps))
            && left < 0
            && self.rung != Some(step)
        {
            self.rung = Some(step);
            self.ring = self.bell;
        }
    }

    fn write(&mut self, events: Vec<Event>, now: DateTime<FixedOffset>) -> bool {
        for event in events {
            let kind = event.kind();
            if let Err(e) = self.journal.append(event, now) {
                self.status = format!("not saved: {e}");
                return false;
            }
            self.status = format!("saved: {kind}");
        }
        true
    }

    /// Handles one key.
    pub(crate) fn key(&mut self, key: KeyEvent, now: DateTime<FixedOffset>) -> Flow {
        if key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('c') {
            return Flow::Quit;
        }
        if let Some(mut form) = self.form.take() {
            match key.code {
                KeyCode::Esc => self.status = String::from("cancelled"),
                KeyCode::Enter if form.at + 1 < form.values.len() => {
                    form.at += 1;
                    self.form = Some(form);
                }
                KeyCode::Enter => {
                    if !self.submit(&form, now) {
                        self.form = Some(form);
                    }
                }
                KeyCode::Tab | KeyCode::Down => {
                    form.at = (form.at + 1) % form.values.len();
                    self.form = Some(form);
                }
                KeyCode::BackTab | KeyCode::Up => {
                    form.at = (form.at + form.values.len() - 1) % form.values.len();
                    self.form = Some(form);
                }
                KeyCode::Backspace => {
                    form.values[form.at].pop();
                    self.form = Some(form);
                }
                KeyCode::Char(c) => {
                    form.values[form.at].push(c);
                    self.form = Some(form);
                }
                _ => self.form = Some(form),
            }
            return Flow::Go;
        }
        let standing = self.standing(now);
        match key.code {
            KeyCode::Char('q') | KeyCode::Esc if !self.help => return Flow::Quit,
            KeyCode::Char('h') | KeyCode::Char('?') => self.help = !self.help,
            KeyCode::Esc => self.help = false,
            KeyCode::Char('n') | KeyCode::Right => {
                let moved = self.journal.next(now);
                self.moved(moved, "next step");
            }
            KeyCode::Char('b') | KeyCode::Left => {
                let moved = self.journal.back(now);
                self.moved(moved, "back");
            }
            KeyCode::Char('e') => {
                let moved = self.journal.end(now);
                self.moved(moved, "step ended");
            }
            KeyCode::Char(' ') => {
                let moved = self.journal.toggle_pause(now);
                self.moved(moved, if standing.paused { "resumed" } else { "paused" });
            }
            KeyCode::Char(c) => {
                if let Some(capture) = Capture::from_key(c) {
                    self.form = Some(Form {
                        capture,
                        values: vec![String::new(); capture.fields().len()],
                        at: 0,
                    });
                    self.help = false;
                    self.status = String::from("Enter: next field / save · Esc: cancel");
                }
            }
            _ => {}
        }
        Flow::Go
    }

    /// Shows how moving the clock went.
    fn moved(&mut self, moved: Result<(), refine_session::JournalError>, done: &str) {
        self.status = match moved {
            Ok(()) => done.to_string(),
            Err(e) => format!("not saved: {e}"),
        };
    }

    /// Turns a filled form into its event and writes it; false (form kept) when it is not valid.
    fn submit(&mut self, form: &Form, now: DateTime<FixedOffset>) -> bool {
        let v = |i: usize| form.values[i].trim().to_string();
        let optional = |i: usize| Some(v(i)).filter(|t| !t.is_empty());
        let item = self.journal.current_item(now);
        let event = match form.capture {
            Capture::Decision => Event::Decision {
                text: v(0),
                why: optional(1),
                item,
            },
            Capture::Parked => Event::Parked { text: v(0), item },
            Capture::Question => Event::Question { text: v(0), item },
            Capture::Action => {
                let due = match optional(2) {
                    None => None,
                    Some(d) => match NaiveDate::parse_from_str(&d, "%Y-%m-%d") {
                        Ok(d) => Some(d),
                        Err(_) => {
                            self.status = format!("not saved: `{d}` is not a date YYYY-MM-DD");
                            return false;
                        }
                    },
                };
                Event::Action {
                    text: v(0),
                    owner: v(1),
                    due,
                    item,
                }
            }
            Capture::Outcome => {
                let outcome: Outcome = match v(0).parse() {
                    Ok(o) => o,
                    Err(m) => {
                        self.status = format!("not saved: {m}");
                        return false;
                    }
                };
                Event::Outcome {
                    item: item.unwrap_or(1).min(item_count(&self.journal.pack)),
                    outcome,
                    note: optional(1),
                }
            }
            Capture::Retro => {
                let headings = retro_headings(&self.journal.pack);
                let heading = optional(0).map(|h| match h.parse::<usize>() {
                    Ok(n) if n >= 1 && n <= headings.len() => headings[n - 1].clone(),
                    _ => h,
                });
                Event::Retro {
                    heading,
                    text: v(1),
                }
            }
            Capture::Attendee => Event::Attendee { name: v(0) },
        };
        self.write(vec![event], now)
    }

    fn style(&self, color: Color) -> Style {
        if self.plain {
            Style::default()
        } else {
            Style::default().fg(color)
        }
    }

    /// Draws the view.
    pub(crate) fn draw(&self, frame: &mut Frame<'_>, now: DateTime<FixedOffset>) {
        let standing = self.standing(now);
        let steps = &self.journal.steps;
        let area = frame.area();
        let [header, body, captured, footer] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Min(6),
            Constraint::Length(4),
            Constraint::Length(1),
        ])
        .areas(area);
        // Header: the topic and the session clock.
        let total: u32 = steps.iter().map(|s| s.minutes).sum();
        let session_left = i64::from(total) * 60 - standing.elapsed;
        let mut right = format!("session {} / {}:00", clock_text(standing.elapsed), total);
        if session_left < 0 {
            right.push_str(&format!("  OVER {}", clock_text(-session_left)));
        }
        if standing.paused {
            right.push_str("  PAUSED");
        }
        let width = usize::from(header.width);
        let topic = truncate(
            &self.journal.pack.meta.topic,
            width.saturating_sub(right.chars().count() + 3),
        );
        let pad = width.saturating_sub(topic.chars().count() + right.chars().count() + 1);
        frame.render_widget(
            Paragraph::new(Line::from(vec![
                Span::styled(
                    format!(" {topic}"),
                    Style::default().add_modifier(Modifier::BOLD),
                ),
                Span::raw(" ".repeat(pad)),
                Span::styled(
                    right,
                    if session_left < 0 {
                        self.style(Color::Red).add_modifier(Modifier::BOLD)
                    } else {
                        Style::default()
                    },
                ),
            ])),
            header,
        );
        let [agenda, current] =
            Layout::horizontal([Constraint::Length(34), Constraint::Min(20)]).areas(body);
        // The agenda: each step with its timebox and the time it has used.
        let rows: Vec<ListItem<'_>> = steps
            .iter()
            .enumerate()
            .map(|(i, step)| {
                let mark = if standing.current == Some(i) {
                    "▶"
                } else if standing.ended[i] {
                    "✓"
                } else {
                    " "
                };
                let name = match step.item {
                    Some(n) => format!("{n}. {}", step.title),
                    None => step.title.clone(),
                };
                let used = standing.used[i];
                let over = used > i64::from(step.minutes) * 60 && step.minutes > 0;
                let text = format!(
                    "{mark} {:<18} {:>3}m {:>6}",
                    truncate(&name, 18),
                    step.minutes,
                    if used > 0 {
                        clock_text(used)
                    } else {
                        String::new()
                    }
                );
                let mut style = if over {
                    self.style(Color::Red)
                } else {
                    Style::default()
                };
                if standing.current == Some(i) {
                    style = style.add_modifier(Modifier::REVERSED);
                }
                ListItem::new(Line::styled(text, style))
            })
            .collect();
        frame.render_widget(
            List::new(rows).block(Block::default().borders(Borders::ALL).title(" Agenda ")),
            agenda,
        );
        frame.render_widget(self.current_view(&standing), current);
        // What was captured last.
        let recent: Vec<Line<'_>> = self
            .journal
            .entries
            .iter()
            .rev()
            .filter(|e| {
                !matches!(
                    e.event,
                    Event::Started { .. } | Event::Ended { .. } | Event::Paused | Event::Resumed
                )
            })
            .take(3)
            .map(|e| {
                Line::raw(truncate(
                    &e.event.describe(),
                    usize::from(captured.width).saturating_sub(2),
                ))
            })
            .collect();
        match &self.form {
            Some(form) => {
                let lines: Vec<Line<'_>> = form
                    .capture
                    .fields()
                    .iter()
                    .zip(&form.values)
                    .enumerate()
                    .map(|(i, (label, value))| {
                        let cursor = if i == form.at { "█" } else { "" };
                        let style = if i == form.at {
                            Style::default().add_modifier(Modifier::BOLD)
                        } else {
                            Style::default()
                        };
                        Line::styled(format!("{label}: {value}{cursor}"), style)
                    })
                    .collect();
                frame.render_widget(
                    Paragraph::new(lines).block(
                        Block::default()
                            .borders(Borders::TOP)
                            .title(format!(" New {} ", form.capture.title().to_lowercase())),
                    ),
                    captured,
                );
            }
            None => frame.render_widget(
                Paragraph::new(recent)
                    .block(Block::default().borders(Borders::TOP).title(" Captured ")),
                captured,
            ),
        }
        let keys = "n next · b back · space pause · d decision · p park · o question · a action · c outcome · r retro · w who · h help · q quit";
        let line = if self.status.is_empty() {
            keys.to_string()
        } else {
            self.status.clone()
        };
        frame.render_widget(
            Paragraph::new(Line::styled(
                truncate(&line, usize::from(footer.width)),
                Style::default().add_modifier(Modifier::DIM),
            )),
            footer,
        );
    }

    fn current_view(&self, standing: &Standing) -> Paragraph<'_> {
        let steps = &self.journal.steps;
        let pack = &self.journal.pack;
        let mut lines: Vec<Line<'_>> = Vec::new();
        if self.help {
            for (key, what) in [
                ("n / →", "end this step, start the next"),
                ("b / ←", "back to the step before"),
                ("e", "end this step"),
                ("space", "pause / resume the clock"),
                ("d", "decision (and why)"),
                ("p", "park a tangent"),
                ("o", "open question"),
                ("a", "action item (owner, due date)"),
                ("c", "the item's outcome"),
                ("r", "retrospective note"),
                ("w", "attendee"),
                ("q", "quit (the journal keeps everything)"),
            ] {
                lines.push(Line::raw(format!("{key:>6}  {what}")));
            }
            return Paragraph::new(lines)
                .block(Block::default().borders(Borders::ALL).title(" Keys "));
        }
        let Some(step_index) = standing.current else {
            lines.push(Line::raw(if standing.begun {
                "Between steps: n starts the next one."
            } else {
                "Not started: n starts the first step."
            }));
            return Paragraph::new(lines)
                .wrap(Wrap { trim: true })
                .block(Block::default().borders(Borders::ALL).title(" Now "));
        };
        let step = &steps[step_index];
        let left = standing.left(steps).unwrap_or(0);
        let timer = if step.minutes == 0 {
            Span::raw(format!(
                "{} used (untimed)",
                clock_text(standing.used[step_index])
            ))
        } else if left < 0 {
            Span::styled(
                format!("OVER by {}", clock_text(-left)),
                self.style(Color::Red)
                    .add_modifier(Modifier::BOLD | Modifier::REVERSED),
            )
        } else {
            Span::styled(
                format!("{} left of {} min", clock_text(left), step.minutes),
                Style::default().add_modifier(Modifier::BOLD),
            )
        };
        lines.push(Line::from(vec![timer]));
        if standing.paused {
            lines.push(Line::styled(
                "PAUSED: space resumes",
                Style::default().add_modifier(Modifier::BOLD),
            ));
        }
        let (questions, points): (Vec<String>, Vec<String>) = match step.item {
            Some(n) => pack
                .plan
                .items
                .iter()
                .find(|i| i.number == n)
                .map(|i| (i.discussion_questions.clone(), i.key_points.clone()))
                .unwrap_or_default(),
            None => (
                pack.plan.discussion_questions.clone(),
                pack.plan.key_points.clone(),
            ),
        };
        let focus = step
            .phase
            .as_ref()
            .and_then(|p| pack.meta.phase_focus.get(p))
            .cloned()
            .unwrap_or_default();
        let is_retro = step.phase.as_deref().is_some_and(|p| p.contains("retro"));
        if is_retro {
            lines.push(Line::styled(
                "Ask about (r to note):",
                Style::default().add_modifier(Modifier::BOLD),
            ));
            for (i, h) in retro_headings(pack).iter().enumerate() {
                lines.push(Line::raw(format!(" {}. {h}", i + 1)));
            }
        } else {
            if !questions.is_empty() {
                lines.push(Line::styled(
                    "Questions",
                    Style::default().add_modifier(Modifier::BOLD),
                ));
                lines.extend(questions.iter().map(|q| Line::raw(format!("• {q}"))));
            }
            if !points.is_empty() {
                lines.push(Line::styled(
                    "Key points",
                    Style::default().add_modifier(Modifier::BOLD),
                ));
                lines.extend(points.iter().map(|p| Line::raw(format!("• {p}"))));
            }
            if questions.is_empty() && points.is_empty() && !focus.is_empty() {
                lines.push(Line::styled(
                    "Cover",
                    Style::default().add_modifier(Modifier::BOLD),
                ));
                lines.extend(focus.iter().map(|f| Line::raw(format!("• {f}"))));
            }
        }
        let title = match step.item {
            Some(n) => format!(" {n}. {} ", step.title),
            None => format!(" {} ", step.title),
        };
        Paragraph::new(lines)
            .wrap(Wrap { trim: true })
            .block(Block::default().borders(Borders::ALL).title(title))
    }
}

/// At most `width` characters, with an ellipsis when cut.
fn truncate(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_string();
    }
    let mut out: String = text.chars().take(width.saturating_sub(1)).collect();
    out.push('…');
    out
}

#[cfg(test)]
#[path = "run_view_tests.rs"]
mod tests;
