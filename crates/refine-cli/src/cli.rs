//! Command-line definitions.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Prepare and check product refinement sessions with LLMs.
///
/// A refinement session is about understanding problems, not estimating solutions. `refine`
/// renders a prompt that carries a refinement guide and a topic, and judges replies against the
/// guide: a timeboxed agenda that follows the guide's phases, 3-5 key points, 3-5 problem-space
/// questions and a 2-3 sentence closing statement.
#[derive(Debug, Parser)]
#[command(
    name = "refine",
    version,
    propagate_version = true,
    max_term_width = 100
)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

/// The subcommands. Most take their arguments as [`Deferred`]: built only when that subcommand
/// is parsed or its help shown (building all of them was a tenth of `refine prep`).
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Prepare a session pack for a topic: agenda, key points, questions and closing.
    ///
    /// The default backend, `offline`, plans the session from the guide and the item with no
    /// network and no key: give the item's body with --context and its questions draw on it.
    /// The pack states the kind of item (bug, feature, migration, ...) and why. Findings on the
    /// pack go to stderr as warnings.
    ///
    /// Exit status: 0 success, 1 findings with --strict, 2 usage or input error, 3 backend
    /// failure.
    Prep(Deferred<Box<PrepArgs>>),
    /// Print the exact prompt for a topic.
    ///
    /// The prompt is the seed prompt with the guide and the topic. Angle brackets in the topic,
    /// the context notes and the guide are replaced by ‹ and › so they cannot open or close the
    /// prompt's tags.
    Prompt(Deferred<PromptArgs>),
    /// Parse and lint a reply: its plan, findings and scores.
    ///
    /// Exit status: 0 when no finding is an error, 1 when one is, 2 on a usage or input error.
    Check(Deferred<CheckArgs>),
    /// Show how a guide is read: its phases with their timeboxes, practices and pitfalls.
    Guide(Deferred<GuideArgs>),
    /// List the finding codes with their severity and meaning.
    Codes,
    /// List plugins: id, kind, version, ABI version and origin; or check one library.
    Plugins(PluginsArgs),
    /// List the available backends, one line each: built-in and loaded plugins, with origin.
    Backends(Deferred<PluginFlags>),
    /// List the available output formats, one line each: built-in and loaded plugins, with
    /// origin.
    Formats(Deferred<PluginFlags>),
    /// Print a JSON Schema: of `refine prep --format json` output (the default), of `refine
    /// notes --format json` output, or of one line of a session journal.
    Schema {
        /// Which document.
        #[arg(value_enum, default_value = "pack")]
        what: SchemaOf,
    },
    /// Read backlog items from a tracker's export and print what was read, one line per item:
    /// check an export before a session. Reads GitHub (`gh issue list --json
    /// number,title,body,labels,url`, or the REST issues array), Jira (REST search JSON or the
    /// CSV export), Linear (CSV export) and Markdown lists (`- title` with indented notes).
    Items(Deferred<ItemsArgs>),
    /// Run a session from its pack (`refine prep --format json -o pack.json`): a full-screen
    /// view with the agenda, a countdown for the current step and the session, the current
    /// item's questions and key points, and keys to capture decisions, parked items, open
    /// questions, action items, outcomes, retrospective notes and attendees. Every capture is
    /// written to the journal and synced to disk before it shows; `h` in the view lists the
    /// keys.
    Run(Deferred<crate::session::RunArgs>),
    /// Add one event to a session's journal: the scriptable form of `refine run`, e.g.
    /// `refine log pack.journal.jsonl action "Ask legal about retention" --owner Dana --due
    /// 2026-12-05`. `start --pack PACK.json` begins a journal; `next`, `back`, `end`, `pause`
    /// and `resume` move the clock.
    ///
    /// Exit status: 0 written, 2 usage or input error (the event is not written).
    Log(Deferred<crate::session::LogArgs>),
    /// Print a session's notes from its journal: per item its outcome, decisions with their
    /// rationale, open questions, parked items and action items; time used per phase against
    /// the plan; the retrospective's feedback.
    Notes(Deferred<crate::session::NotesArgs>),
    /// Serve the web page: prepare a pack from a topic or an export, download it in every
    /// format, run the session on a shared screen (the same journal as `refine run`) and read
    /// the notes. Bound to 127.0.0.1 unless --host is given, which then needs --token.
    Serve(Deferred<crate::session::ServeArgs>),
    /// Print a shell completion script, e.g. `refine completions bash > /etc/bash_completion.d/refine`.
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

/// A subcommand's arguments, added to its [`clap::Command`] only when that subcommand is built
/// (parsed, or its help shown) rather than with the whole command tree.
///
/// Not for a subcommand with subcommands of its own (`plugins`): the tree of `refine help`,
/// which completion scripts list, is taken before deferred arguments are built. The argument
/// groups these flatten carry `//` comments, not doc comments: built late, a group's doc comment
/// would replace the subcommand's description (a test holds both).
#[derive(Debug)]
pub(crate) struct Deferred<T>(pub(crate) T);

impl<T: clap::FromArgMatches> clap::FromArgMatches for Deferred<T> {
    fn from_arg_matches(matches: &clap::ArgMatches) -> Result<Self, clap::Error> {
        T::from_arg_matches(matches).map(Deferred)
    }

    fn from_arg_matches_mut(matches: &mut clap::ArgMatches) -> Result<Self, clap::Error> {
        T::from_arg_matches_mut(matches).map(Deferred)
    }

    fn update_from_arg_matches(&mut self, matches: &clap::ArgMatches) -> Result<(), clap::Error> {
        self.0.update_from_arg_matches(matches)
    }

    fn update_from_arg_matches_mut(
        &mut self,
        matches: &mut clap::ArgMatches,
    ) -> Result<(), clap::Error> {
        self.0.update_from_arg_matches_mut(matches)
    }
}

impl<T: Args> Args for Deferred<T> {
    fn augment_args(command: clap::Command) -> clap::Command {
        command.defer(T::augment_args)
    }

    fn augment_args_for_update(command: clap::Command) -> clap::Command {
        command.defer(T::augment_args_for_update)
    }

    fn group_id() -> Option<clap::Id> {
        T::group_id()
    }
}

#[derive(Debug, Args)]
pub(crate) struct PrepArgs {
    /// The item to refine, e.g. "Reduce checkout abandonment on mobile" (`-` for stdin; at most
    /// 500 characters); or give --items.
    #[arg(required_unless_present = "items", conflicts_with = "items")]
    pub(crate) topic: Option<String>,
    #[command(flatten)]
    pub(crate) backlog: BacklogArgs,
    #[command(flatten)]
    pub(crate) session: SessionArgs,
    /// An earlier session's journal (repeatable): its unfinished items come back first, a
    /// short review slot lists its open action items, open questions and parked items, and
    /// phases that overran (or that its retrospective says ran short) get more of the guide's
    /// range; the pack's notes say what changed and why.
    #[arg(long = "carry-over", value_name = "JOURNAL")]
    pub(crate) carry_over: Vec<PathBuf>,
    /// A prompt template of your own (MiniJinja; the variables it sees are in README.md,
    /// "Prompt templates") instead of the built-in prompt; checked before anything is asked.
    #[arg(long, value_name = "FILE")]
    pub(crate) template: Option<PathBuf>,
    /// The backend that writes the reply: a plugin id (see `refine backends`) or a backend named
    /// in the config file, such as the built-in `local` [default: the config's default_backend,
    /// else offline].
    #[arg(long, value_name = "ID")]
    pub(crate) backend: Option<String>,
    /// The output format (see `refine formats`) [default: the config's default_format, else
    /// markdown].
    #[arg(long, value_name = "ID")]
    pub(crate) format: Option<String>,
    /// The config file [default: $XDG_CONFIG_HOME/refine/config.toml when it exists].
    #[arg(long, value_name = "FILE")]
    pub(crate) config: Option<PathBuf>,
    #[command(flatten)]
    pub(crate) plugins: PluginFlags,
    /// Write the pack to FILE instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    pub(crate) output: Option<PathBuf>,
    /// When the session starts, e.g. 2026-12-01T10:00 or "2026-12-01 10:00" (needed by `ics`).
    #[arg(long, value_name = "DATETIME")]
    pub(crate) start: Option<String>,
    /// The time zone of --start, an IANA name such as Europe/Berlin [default: floating time].
    #[arg(long, value_name = "ZONE", requires = "start")]
    pub(crate) tz: Option<String>,
    /// Who sends the invitation, `email` or `"Name <email>"`: the calendar becomes a team
    /// invitation (METHOD:REQUEST) with ORGANIZER and ATTENDEEs.
    #[arg(long, value_name = "PERSON")]
    pub(crate) organizer: Option<refine_plugin::Person>,
    /// Who is invited (repeatable), `email` or `"Name <email>"`; needs --organizer.
    #[arg(long = "attendee", value_name = "PERSON", requires = "organizer")]
    pub(crate) attendees: Vec<refine_plugin::Person>,
    /// Exit 1 when the pack has any finding.
    #[arg(long)]
    pub(crate) strict: bool,
    /// The model, for HTTP backends (the backend option `model`).
    #[arg(long, value_name = "NAME")]
    pub(crate) model: Option<String>,
    /// The API's base URL, for HTTP backends (the option `base_url`), e.g.
    /// http://127.0.0.1:8080/v1.
    #[arg(long, value_name = "URL")]
    pub(crate) base_url: Option<String>,
    /// A backend option, KEY=VALUE (repeatable), e.g. --option temperature=0 --option
    /// api_key_env=MY_KEY. Keys are never given inline: name the variable that holds one.
    #[arg(long = "option", value_name = "KEY=VALUE")]
    pub(crate) options: Vec<String>,
    /// Stream the reply (HTTP backends): shown on stderr as it arrives when stderr is a
    /// terminal, then the pack is rendered.
    #[arg(long)]
    pub(crate) stream: bool,
    /// Ask the backend to force the reply's shape: `auto` (where the backend supports it; a
    /// server that refuses is asked again without, with a warning), `on` (a refusal is an
    /// error) or `off`. The HTTP backends send the reply's JSON Schema (or, with
    /// `--option server=llama.cpp`, a grammar); offline and replay replies are unchanged
    /// [default: the backend's option, else auto].
    #[arg(long, value_name = "MODE", value_parser = ["auto", "on", "off"])]
    pub(crate) structured: Option<String>,
    /// When the reply breaks the contract (error findings), ask the backend again for a
    /// corrected reply, quoting the findings, at most N times; the reply with the fewest errors
    /// is kept (0: never; local backends are never asked again).
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u32).range(0..=5))]
    pub(crate) repair: u32,
}

// Backlog items from a tracker's export: shared by every command that builds a request.
// (Flattened argument groups carry `//` comments: a doc comment would become the `about` of
// every subcommand that flattens them once its arguments are built; see `Command`.)
#[derive(Debug, Args)]
pub(crate) struct BacklogArgs {
    /// Take the items from a tracker's export (see `refine items`; `-` for stdin). One item: its
    /// title is the topic, its body and acceptance criteria the context. Several: a session on
    /// all of them, one slot each in the problem-space exploration, in the file's order; those
    /// that do not fit --minutes (at least 5 minutes each) are deferred to the next session.
    #[arg(long, value_name = "FILE", conflicts_with = "context")]
    pub(crate) items: Option<PathBuf>,
    /// Take only this item of --items, by key (`#412`, `PROJ-42`).
    #[arg(
        long,
        value_name = "KEY",
        requires = "items",
        conflicts_with = "max_items"
    )]
    pub(crate) item: Option<String>,
    /// Take at most N items of --items into the session (the first N that fit); the rest are
    /// deferred to the next session [default: as many as fit].
    #[arg(long, value_name = "N", requires = "items", value_parser = clap::value_parser!(u16).range(1..))]
    pub(crate) max_items: Option<u16>,
    /// The export's format: github, jira-json, jira-csv, linear-csv, csv, markdown [default:
    /// told from the content].
    #[arg(long, value_name = "FORMAT", requires = "items")]
    pub(crate) items_format: Option<refine_items::ItemsFormat>,
    /// A link for items the export gives none (a Jira CSV has no link column): an http(s) URL
    /// with `{key}` where the item's key goes, e.g.
    /// `https://acme.atlassian.net/browse/{key}`.
    #[arg(long, value_name = "URL", requires = "items", value_parser = parse_item_url)]
    pub(crate) item_url: Option<String>,
}

fn parse_item_url(text: &str) -> Result<String, String> {
    let lower = text.to_ascii_lowercase();
    if !(lower.starts_with("https://") || lower.starts_with("http://")) {
        return Err(format!("`{text}` is not an http(s) URL"));
    }
    if !text.contains("{key}") {
        return Err(format!(
            "`{text}` has no `{{key}}` for the item's key, e.g. https://acme.atlassian.net/browse/{{key}}"
        ));
    }
    Ok(text.to_string())
}

#[derive(Debug, Args)]
pub(crate) struct SessionArgs {
    /// Context notes for the topic: the item's body from the tracker or your own notes (a text
    /// or Markdown file; `-` for stdin). The offline planner quotes what they say about who is
    /// affected, numbers, limits, dependencies, proposals and disagreements.
    #[arg(long, value_name = "FILE")]
    pub(crate) context: Option<PathBuf>,
    /// Session length in minutes [default: the guide's natural length].
    #[arg(long, value_name = "N")]
    pub(crate) minutes: Option<u32>,
    #[command(flatten)]
    pub(crate) guide: GuideSource,
}

// Which guide to use.
#[derive(Debug, Args)]
pub(crate) struct GuideSource {
    /// A team refinement guide in Markdown [default: the built-in guide].
    #[arg(long, value_name = "FILE")]
    pub(crate) guide: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub(crate) struct PromptArgs {
    /// The item to refine, e.g. "Reduce checkout abandonment on mobile" (`-` for stdin; at most
    /// 500 characters); or give --items.
    #[arg(required_unless_present = "items", conflicts_with = "items")]
    pub(crate) topic: Option<String>,
    #[command(flatten)]
    pub(crate) backlog: BacklogArgs,
    #[command(flatten)]
    pub(crate) session: SessionArgs,
    /// A prompt template of your own (MiniJinja; see README.md, "Prompt templates").
    #[arg(long, value_name = "FILE")]
    pub(crate) template: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub(crate) struct CheckArgs {
    /// The reply to check (`-` for stdin).
    pub(crate) reply_file: PathBuf,
    /// The topic the reply was written for (`-` for stdin); or give --items.
    #[arg(long, required_unless_present = "items", conflicts_with = "items")]
    pub(crate) topic: Option<String>,
    #[command(flatten)]
    pub(crate) backlog: BacklogArgs,
    #[command(flatten)]
    pub(crate) session: SessionArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub(crate) format: OutputFormat,
}

#[derive(Debug, Args)]
pub(crate) struct GuideArgs {
    #[command(flatten)]
    pub(crate) guide: GuideSource,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub(crate) format: OutputFormat,
}

/// The documents `refine schema` describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum SchemaOf {
    /// A session pack (`refine.session_pack/1` and `/2`).
    Pack,
    /// Session notes (`refine.session_notes/1`).
    Notes,
    /// One event line of a session journal (`refine.session_journal/1`).
    JournalEvent,
}

/// How results are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum OutputFormat {
    /// For people: readable, coloured on a terminal unless NO_COLOR is set.
    Text,
    /// The documented, stable JSON shape.
    Json,
}

#[derive(Debug, Args)]
pub(crate) struct ItemsArgs {
    /// The export (`-` for stdin).
    pub(crate) file: PathBuf,
    /// The export's format [default: told from the content]: github, jira-json, jira-csv,
    /// linear-csv, csv (any CSV with a Title column), markdown.
    #[arg(long, value_name = "FORMAT")]
    pub(crate) items_format: Option<refine_items::ItemsFormat>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub(crate) format: OutputFormat,
}

#[derive(Debug, Args)]
pub(crate) struct PluginsArgs {
    #[command(subcommand)]
    pub(crate) command: Option<PluginsCommand>,
    #[command(flatten)]
    pub(crate) plugins: PluginFlags,
}

// Which plugin libraries to load and how they run.
#[derive(Debug, Clone, Args)]
pub(crate) struct PluginFlags {
    /// Load a plugin library (repeatable), besides those found on REFINE_PLUGIN_PATH,
    /// $XDG_DATA_HOME/refine/plugins and plugins/ beside the executable.
    #[arg(long = "plugin", value_name = "FILE", global = true)]
    pub(crate) files: Vec<PathBuf>,
    /// Let loaded plugins replace built-in plugins of the same id (refused otherwise).
    #[arg(long, global = true)]
    pub(crate) plugin_overrides: bool,
    /// Where plugins run: `process` (each library in a process of its own, so a crash or hang
    /// cannot take refine down) or `none` (in refine's process: trusted plugins only).
    #[arg(long, value_name = "MODE", default_value = "process", value_parser = ["process", "none"], global = true)]
    pub(crate) plugin_isolation: String,
    /// Every plugin call's deadline in seconds, past which its process is killed [default: the
    /// plugin's `timeout` in its [plugins.<id>] table, else 300 for backends, 30 for formats].
    #[arg(long, value_name = "SECONDS", value_parser = parse_seconds, global = true)]
    pub(crate) plugin_timeout: Option<std::time::Duration>,
}

fn parse_seconds(text: &str) -> Result<std::time::Duration, String> {
    match text.parse::<f64>() {
        Ok(s) if s > 0.0 && s <= 86_400.0 => Ok(std::time::Duration::from_secs_f64(s)),
        _ => Err(format!("`{text}` is not a number of seconds in (0, 86400]")),
    }
}

#[derive(Debug, Subcommand)]
pub(crate) enum PluginsCommand {
    /// Load one library and print its validation report (exit 2 when it is refused).
    Check {
        /// The library, e.g. ./liboutline.so.
        file: PathBuf,
    },
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::Cli;

    /// Deferred arguments must not change what a subcommand's help says about it: a doc
    /// comment on a flattened argument group would replace the subcommand's description once
    /// its arguments are built.
    #[test]
    fn building_a_subcommand_keeps_its_description() {
        Cli::command().debug_assert();
        let eager = Cli::command();
        let mut built = Cli::command();
        built.build();
        let mut seen = 0;
        for sub in eager.get_subcommands() {
            let after = built
                .find_subcommand(sub.get_name())
                .expect("the same subcommands");
            let about = |c: &clap::Command| c.get_about().map(ToString::to_string);
            let long = |c: &clap::Command| c.get_long_about().map(ToString::to_string);
            assert_eq!(about(sub), about(after), "{}: about", sub.get_name());
            assert_eq!(long(sub), long(after), "{}: long about", sub.get_name());
            seen += 1;
        }
        assert!(seen > 10, "every subcommand is compared, not {seen}");
    }

    /// A subcommand with subcommands of its own is not deferred: `refine help` mirrors the tree
    /// as it stands before deferred arguments are built, and completion scripts list that tree.
    #[test]
    fn completions_know_help_for_nested_subcommands() {
        let mut script = Vec::new();
        clap_complete::generate(
            clap_complete::Shell::Fish,
            &mut Cli::command(),
            "refine",
            &mut script,
        );
        let script = String::from_utf8(script).expect("a script is text");
        assert!(
            script.contains("__fish_refine_using_subcommand help; and __fish_seen_subcommand_from plugins\" -f -a \"check\""),
            "`refine help plugins check` is completed"
        );
    }
}
