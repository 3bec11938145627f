//! `refine run`, `refine log` and `refine notes`: a session's journal from the command line.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, anyhow, bail};
use chrono::{DateTime, FixedOffset, NaiveDate};
use clap::{Args, ValueEnum};
use refine_plugin::{Pack, PackDocument};
use refine_session::journal::item_count;
use refine_session::{Event, Journal, JournalError, Notes, Outcome};

use crate::write_stdout;

#[derive(Debug, Args)]
pub(crate) struct ServeArgs {
    /// The port [0 picks a free one].
    #[arg(long, default_value_t = 7878)]
    pub(crate) port: u16,
    /// The address to listen on; anything but loopback needs --token.
    #[arg(long, default_value = "127.0.0.1")]
    pub(crate) host: std::net::IpAddr,
    /// An access token every visitor must bring (the printed URL carries it); required with a
    /// --host that is not loopback. `generate` makes a random one.
    #[arg(long, value_name = "TOKEN")]
    pub(crate) token: Option<String>,
    /// Where packs and journals are kept [default: $XDG_DATA_HOME/refine/sessions].
    #[arg(long, value_name = "DIR")]
    pub(crate) data: Option<PathBuf>,
    /// The config file, for named backends [default: $XDG_CONFIG_HOME/refine/config.toml when
    /// it exists].
    #[arg(long, value_name = "FILE")]
    pub(crate) config: Option<PathBuf>,
    #[command(flatten)]
    pub(crate) plugins: crate::cli::PluginFlags,
}

/// `refine serve`.
pub(crate) fn serve(args: &ServeArgs) -> Result<ExitCode> {
    let token = match args.token.as_deref() {
        Some("generate") => Some(refine_web::random_token()?),
        Some(t) if t.trim().len() < 16 => {
            bail!("--token must be at least 16 characters (or `generate` for a random one)")
        }
        other => other.map(str::to_string),
    };
    if !args.host.is_loopback() && token.is_none() {
        bail!(
            "--host {} opens the page to the network: give --token TOKEN (or --token generate) so only people with the link get in",
            args.host
        );
    }
    let config = refine_host::config::Config::load(args.config.as_deref())?;
    let registry = crate::plugins::registry(&args.plugins, &config).map_err(|f| match f {
        crate::Failure::Input(e) | crate::Failure::Backend(e) => e,
    })?;
    let data = match &args.data {
        Some(d) => d.clone(),
        None => data_home().join("refine").join("sessions"),
    };
    let settings = refine_web::Settings {
        data: data.clone(),
        token: token.clone(),
        registry,
        named: config.backends.clone(),
        default_backend: config
            .default_backend
            .clone()
            .unwrap_or_else(|| String::from(refine_host::DEFAULT_BACKEND)),
    };
    let addr = std::net::SocketAddr::new(args.host, args.port);
    refine_web::run(settings, addr, |bound| {
        let query = token
            .as_ref()
            .map(|t| format!("?token={t}"))
            .unwrap_or_default();
        println!("refine serve: http://{bound}/{query}");
        eprintln!("sessions are kept in {} (Ctrl-C stops)", data.display());
    })?;
    Ok(ExitCode::SUCCESS)
}

/// `$XDG_DATA_HOME`, else `~/.local/share`.
fn data_home() -> PathBuf {
    std::env::var_os("XDG_DATA_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))
        .unwrap_or_else(|| PathBuf::from("."))
}

#[derive(Debug, Args)]
pub(crate) struct RunArgs {
    /// The session pack, as `refine prep --format json` writes it.
    pub(crate) pack: PathBuf,
    /// The journal [default: beside the pack, PACK.journal.jsonl].
    #[arg(long, value_name = "FILE")]
    pub(crate) journal: Option<PathBuf>,
    /// Go on with the session in an existing journal.
    #[arg(long)]
    pub(crate) resume: bool,
    /// Ring the terminal bell when a step runs over its timebox.
    #[arg(long)]
    pub(crate) bell: bool,
    #[command(flatten)]
    pub(crate) recover: Recover,
}

#[derive(Debug, Args)]
pub(crate) struct Recover {
    /// When the journal's last line is torn (the session stopped while an event was being
    /// written), set it aside in JOURNAL.torn and go on.
    #[arg(long)]
    pub(crate) recover: bool,
}

/// What `refine log` records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum LogKind {
    /// Begin the journal from --pack and start the first step.
    Start,
    /// End the current step and start the next.
    Next,
    /// End the current step and go back to the one before.
    Back,
    /// End the current step.
    End,
    /// Stop the clock.
    Pause,
    /// Start the clock again.
    Resume,
    /// A decision (TEXT), with --why.
    Decision,
    /// A tangent parked for later (TEXT).
    Parked,
    /// An open question (TEXT).
    Question,
    /// An action item (TEXT), with --owner and optionally --due.
    Action,
    /// An item's outcome (TEXT: ready, deep-dive, split or dropped), with --item and --note.
    Outcome,
    /// Retrospective feedback (TEXT), with --heading.
    Retro,
    /// Someone who took part (TEXT: the name).
    Attendee,
}

#[derive(Debug, Args)]
pub(crate) struct LogArgs {
    /// The journal.
    pub(crate) journal: PathBuf,
    /// What to record.
    #[arg(value_enum)]
    pub(crate) kind: LogKind,
    /// The text: the decision, the question, the action, the name, ...
    pub(crate) text: Option<String>,
    /// The pack, to begin a journal with `start`.
    #[arg(long, value_name = "PACK.json")]
    pub(crate) pack: Option<PathBuf>,
    /// Who will do an action item.
    #[arg(long, value_name = "NAME")]
    pub(crate) owner: Option<String>,
    /// When an action item is due, YYYY-MM-DD.
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub(crate) due: Option<NaiveDate>,
    /// Why a decision was taken.
    #[arg(long, value_name = "TEXT")]
    pub(crate) why: Option<String>,
    /// The backlog item it is about (its number) [default: the item whose slot is running].
    #[arg(long, value_name = "N")]
    pub(crate) item: Option<usize>,
    /// A word on an outcome.
    #[arg(long, value_name = "TEXT")]
    pub(crate) note: Option<String>,
    /// The guide's retrospective heading a retro note answers, e.g. "Time management".
    #[arg(long, value_name = "HEADING")]
    pub(crate) heading: Option<String>,
    #[command(flatten)]
    pub(crate) recover: Recover,
}

/// How notes are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum NotesFormat {
    /// Pastes into a wiki or chat.
    Markdown,
    /// One standalone page.
    Html,
    /// The documented `refine.session_notes/1` shape.
    Json,
}

#[derive(Debug, Args)]
pub(crate) struct NotesArgs {
    /// The journal.
    pub(crate) journal: PathBuf,
    /// The notes' format.
    #[arg(long, value_enum, default_value = "markdown")]
    pub(crate) format: NotesFormat,
    /// Write the notes to FILE instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    pub(crate) output: Option<PathBuf>,
    #[command(flatten)]
    pub(crate) recover: Recover,
}

fn parse_date(text: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|e| format!("`{text}` is not a date YYYY-MM-DD ({e})"))
}

/// The local time now, with its offset.
pub(crate) fn now() -> DateTime<FixedOffset> {
    chrono::Local::now().fixed_offset()
}

/// Reads a pack written by `refine prep --format json`.
pub(crate) fn load_pack(path: &Path) -> Result<Pack> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the pack `{}`", path.display()))?;
    let doc: PackDocument = serde_json::from_str(&text).map_err(|e| {
        anyhow!(
            "{}, line {}, column {}: not a session pack as `refine prep --format json` writes it: {e}",
            path.display(),
            e.line(),
            e.column()
        )
    })?;
    if !doc.schema.starts_with("refine.session_pack/") {
        bail!(
            "{}: schema `{}` is not a session pack (refine.session_pack/1 or /2)",
            path.display(),
            doc.schema
        );
    }
    Ok(Pack::from(doc))
}

/// The journal beside a pack: `pack.json` → `pack.journal.jsonl`.
pub(crate) fn journal_beside(pack: &Path) -> PathBuf {
    let stem = pack.file_stem().map_or_else(
        || String::from("session"),
        |s| s.to_string_lossy().into_owned(),
    );
    pack.with_file_name(format!("{stem}.journal.jsonl"))
}

/// Opens a journal, setting a torn last line aside first when asked.
pub(crate) fn open_journal(path: &Path, recover: &Recover) -> Result<Journal> {
    if recover.recover
        && let Some(aside) = Journal::recover(path)?
    {
        eprintln!(
            "warning: {}: the torn last line was set aside in {}",
            path.display(),
            aside.display()
        );
    }
    Ok(Journal::open(path)?)
}

/// `refine run`.
pub(crate) fn run(args: &RunArgs) -> Result<ExitCode> {
    let path = args
        .journal
        .clone()
        .unwrap_or_else(|| journal_beside(&args.pack));
    let journal = if args.resume {
        open_journal(&path, &args.recover)?
    } else {
        let pack = load_pack(&args.pack)?;
        Journal::create(&path, &pack, now())?
    };
    crate::run_view::run(journal, args.bell)?;
    eprintln!(
        "journal: {} (notes: refine notes {})",
        path.display(),
        path.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// `refine log`.
pub(crate) fn log(args: &LogArgs) -> Result<ExitCode> {
    if args.kind == LogKind::Start {
        let pack_path = args
            .pack
            .as_ref()
            .ok_or_else(|| anyhow!("`start` needs --pack PACK.json: the session to journal"))?;
        let pack = load_pack(pack_path)?;
        let mut journal = match Journal::create(&args.journal, &pack, now()) {
            Ok(j) => j,
            Err(JournalError::Exists(_)) => open_journal(&args.journal, &args.recover)?,
            Err(e) => return Err(e.into()),
        };
        if journal.standing(now()).current.is_none() {
            journal.next(now())?;
        }
        return Ok(ExitCode::SUCCESS);
    }
    let mut journal = open_journal(&args.journal, &args.recover)?;
    let text = || {
        args.text
            .clone()
            .filter(|t| !t.trim().is_empty())
            .ok_or_else(|| anyhow!("`{}` needs a TEXT", kind_name(args.kind)))
    };
    let item = args.item.or_else(|| journal.current_item(now()));
    let events = match args.kind {
        LogKind::Start => unreachable!("handled above"),
        LogKind::Next => return clock(journal.next(now())),
        LogKind::Back => return clock(journal.back(now())),
        LogKind::End => return clock(journal.end(now())),
        LogKind::Pause => vec![Event::Paused],
        LogKind::Resume => vec![Event::Resumed],
        LogKind::Decision => vec![Event::Decision {
            text: text()?,
            why: args.why.clone(),
            item,
        }],
        LogKind::Parked => vec![Event::Parked {
            text: text()?,
            item,
        }],
        LogKind::Question => vec![Event::Question {
            text: text()?,
            item,
        }],
        LogKind::Action => vec![Event::Action {
            text: text()?,
            owner: args.owner.clone().ok_or_else(|| {
                anyhow!("an action item needs an owner: --owner NAME (who will do it)")
            })?,
            due: args.due,
            item,
        }],
        LogKind::Outcome => {
            let outcome: Outcome = text()?.parse().map_err(|m: String| anyhow!(m))?;
            let item = match item {
                Some(n) => n,
                None if item_count(&journal.pack) == 1 => 1,
                None => bail!("which item? --item N (1-{})", item_count(&journal.pack)),
            };
            vec![Event::Outcome {
                item,
                outcome,
                note: args.note.clone(),
            }]
        }
        LogKind::Retro => vec![Event::Retro {
            heading: args.heading.clone(),
            text: text()?,
        }],
        LogKind::Attendee => vec![Event::Attendee { name: text()? }],
    };
    for event in events {
        journal.append(event, now())?;
    }
    Ok(ExitCode::SUCCESS)
}

/// The outcome of moving the clock.
fn clock(moved: Result<(), JournalError>) -> Result<ExitCode> {
    moved?;
    Ok(ExitCode::SUCCESS)
}

fn kind_name(kind: LogKind) -> String {
    kind.to_possible_value()
        .map_or_else(String::new, |v| v.get_name().to_string())
}

/// `refine notes`.
pub(crate) fn notes(args: &NotesArgs) -> Result<ExitCode> {
    if args.recover.recover {
        open_journal(&args.journal, &args.recover)?;
    }
    let (header, entries) = refine_session::journal::read(&args.journal)?;
    let pack = Pack::from(header.pack.clone());
    let steps = refine_session::steps(&pack);
    let notes = Notes::new(&header, &pack, &steps, &entries);
    let text = match args.format {
        NotesFormat::Markdown => refine_session::render::markdown(&notes),
        NotesFormat::Html => refine_session::render::html(&notes)?,
        NotesFormat::Json => refine_session::render::json(&notes),
    };
    match &args.output {
        Some(path) => std::fs::write(path, text)
            .with_context(|| format!("cannot write the notes to `{}`", path.display()))?,
        None => write_stdout(&text, false)?,
    }
    Ok(ExitCode::SUCCESS)
}
