//! `refine`: the command-line edge. It reads arguments and files, calls `refine-core`, prints,
//! and maps outcomes to exit codes: 0 success, 1 error findings, 2 usage or input error.

mod backlog;
mod cli;
mod input;
mod output;
mod plugins;
mod prep;
mod run_view;
mod session;

use std::io::Write;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Parser;
use refine_core::{analyze, prompt};

use crate::cli::{CheckArgs, Cli, Command, Deferred, GuideArgs, OutputFormat, PromptArgs};
use crate::input::{Stdin, load_guide};

/// Exit status when a checked reply has error findings.
const EXIT_FINDINGS: u8 = 1;
/// Exit status for usage and input errors (clap uses it for its own usage errors too).
const EXIT_INPUT: u8 = 2;
/// Exit status when a backend cannot be reached or fails.
const EXIT_BACKEND: u8 = 3;

/// A failure with its exit status.
#[derive(Debug)]
pub(crate) enum Failure {
    /// A usage or input error: exit 2.
    Input(anyhow::Error),
    /// A backend failed: exit 3.
    Backend(anyhow::Error),
}

impl From<anyhow::Error> for Failure {
    fn from(error: anyhow::Error) -> Self {
        Failure::Input(error)
    }
}

impl Failure {
    fn error(&self) -> &anyhow::Error {
        match self {
            Failure::Input(e) | Failure::Backend(e) => e,
        }
    }
}

/// `refine items FILE`: what an export holds, as `refine prep --items` will read it.
fn items_command(args: &cli::ItemsArgs, stdin: &mut Stdin) -> Result<ExitCode, Failure> {
    let text = stdin.file_or_stdin(&args.file, "the items file")?;
    let origin = args.file.display().to_string();
    let items =
        refine_items::read(&text, args.items_format, &origin).map_err(anyhow::Error::from)?;
    let format = args
        .items_format
        .or_else(|| refine_items::detect(&text))
        .map_or("", |f| f.name());
    let out = match args.format {
        OutputFormat::Json => {
            serde_json::to_string_pretty(&items).map_err(anyhow::Error::from)? + "\n"
        }
        OutputFormat::Text => output::backlog_items(&items, &origin, format),
    };
    write_stdout(&out, true)?;
    Ok(ExitCode::SUCCESS)
}

fn main() -> ExitCode {
    // Re-executed as a plugin host process, this serves one plugin library and never returns.
    refine_host::isolate::serve_if_asked();
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(failure) if is_broken_pipe(failure.error()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("error: {:#}", failure.error());
            match failure {
                Failure::Input(_) => ExitCode::from(EXIT_INPUT),
                Failure::Backend(_) => ExitCode::from(EXIT_BACKEND),
            }
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode, Failure> {
    let mut stdin = Stdin::default();
    Ok(match cli.command {
        Command::Prep(Deferred(args)) => return prep::run(*args, &mut stdin),
        Command::Plugins(args) => return plugins::command(args),
        Command::Prompt(Deferred(args)) => prompt_command(args, &mut stdin)?,
        Command::Check(Deferred(args)) => check_command(args, &mut stdin)?,
        Command::Guide(Deferred(args)) => guide_command(args)?,
        Command::Codes => {
            write_stdout(&output::codes(), true)?;
            ExitCode::SUCCESS
        }
        Command::Backends(Deferred(flags)) => {
            let config = refine_host::config::Config::load(None).map_err(anyhow::Error::from)?;
            let registry = plugins::registry(&flags, &config)?;
            let rows = registry.backends().map(|b| b.info()).map(|info| {
                (
                    registry.origin(&info.id).map(|(p, _)| p.to_path_buf()),
                    info,
                )
            });
            write_stdout(&output::plugins(rows), true)?;
            ExitCode::SUCCESS
        }
        Command::Formats(Deferred(flags)) => {
            let config = refine_host::config::Config::load(None).map_err(anyhow::Error::from)?;
            let registry = plugins::registry(&flags, &config)?;
            let rows = registry.formats().map(|f| f.info()).map(|info| {
                (
                    registry.origin(&info.id).map(|(p, _)| p.to_path_buf()),
                    info,
                )
            });
            write_stdout(&output::plugins(rows), true)?;
            ExitCode::SUCCESS
        }
        Command::Items(Deferred(args)) => items_command(&args, &mut stdin)?,
        Command::Run(Deferred(args)) => crate::session::run(&args)?,
        Command::Log(Deferred(args)) => crate::session::log(&args)?,
        Command::Notes(Deferred(args)) => crate::session::notes(&args)?,
        Command::Serve(Deferred(args)) => crate::session::serve(&args)?,
        Command::Schema { what } => {
            let schema = match what {
                cli::SchemaOf::Pack => format_json::schema(),
                cli::SchemaOf::Notes => refine_session::notes::schema(),
                cli::SchemaOf::JournalEvent => refine_session::event::schema(),
            };
            write_stdout(&schema, false)?;
            ExitCode::SUCCESS
        }
        Command::Completions { shell } => {
            let mut command = <Cli as clap::CommandFactory>::command();
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut command, "refine", &mut script);
            std::io::stdout()
                .lock()
                .write_all(&script)
                .map_err(anyhow::Error::from)?;
            ExitCode::SUCCESS
        }
    })
}

fn prompt_command(args: PromptArgs, stdin: &mut Stdin) -> Result<ExitCode> {
    let guide = load_guide(&args.session.guide)?;
    let (request, _) = backlog::request(
        args.topic.as_deref(),
        &args.backlog,
        &args.session,
        &guide,
        stdin,
    )?;
    let text = match crate::input::load_template(args.template.as_deref())? {
        Some(t) => t.render(&guide, &request)?,
        None => prompt::render(&guide, &request)?,
    };
    write_stdout(&text, false)?;
    Ok(ExitCode::SUCCESS)
}

fn check_command(args: CheckArgs, stdin: &mut Stdin) -> Result<ExitCode> {
    let reply = stdin.file_or_stdin(&args.reply_file, "REPLY_FILE")?;
    if reply.len() > refine_core::request::REPLY_MAX_BYTES {
        return Err(anyhow::anyhow!(
            "{}: the reply is {} bytes, over the limit of {} bytes (1 MiB)",
            args.reply_file.display(),
            reply.len(),
            refine_core::request::REPLY_MAX_BYTES
        ));
    }
    let guide = load_guide(&args.session.guide)?;
    let (request, _) = backlog::request(
        args.topic.as_deref(),
        &args.backlog,
        &args.session,
        &guide,
        stdin,
    )?;
    let report = analyze(&reply, &guide, &request);
    match args.format {
        OutputFormat::Json => {
            let json =
                serde_json::to_string_pretty(&report).context("encoding the report as JSON")?;
            write_stdout(&(json + "\n"), false)?;
        }
        OutputFormat::Text => {
            let source = if args.reply_file.as_os_str() == "-" {
                String::from("<stdin>")
            } else {
                args.reply_file.display().to_string()
            };
            write_stdout(&output::check_report(&report, &source), true)?;
        }
    }
    Ok(if report.has_errors() {
        ExitCode::from(EXIT_FINDINGS)
    } else {
        ExitCode::SUCCESS
    })
}

fn guide_command(args: GuideArgs) -> Result<ExitCode> {
    let guide = load_guide(&args.guide)?;
    match args.format {
        OutputFormat::Json => {
            let json =
                serde_json::to_string_pretty(&guide).context("encoding the guide as JSON")?;
            write_stdout(&(json + "\n"), false)?;
        }
        OutputFormat::Text => write_stdout(&output::guide(&guide), true)?,
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes to stdout; `styled` text may carry colour, which is dropped when stdout is not a
/// terminal or `NO_COLOR` is set.
///
/// A reader that has gone (`refine check reply.md | head -1`) is not an error, and the command
/// goes on to its own exit status: findings still exit 1.
pub(crate) fn write_stdout(text: &str, styled: bool) -> Result<()> {
    let written = if styled {
        let mut out = anstream::stdout().lock();
        out.write_all(text.as_bytes()).and_then(|()| out.flush())
    } else {
        let mut out = std::io::stdout().lock();
        out.write_all(text.as_bytes()).and_then(|()| out.flush())
    };
    match written {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(e).context("writing to standard output")
        }
        _ => Ok(()),
    }
}

fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
