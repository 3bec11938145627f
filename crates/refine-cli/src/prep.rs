//! `refine prep`: the main job. Topic -> prompt -> backend -> parse + lint -> format.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::{Context, anyhow};
use refine_host::config::Config;
use refine_host::{PrepError, PrepInput, prepare};
use refine_plugin::{BackendError, FormatError, Options, SessionStart};

use crate::cli::PrepArgs;
use crate::input::{Stdin, load_guide};
use crate::{Failure, write_stdout};

/// Set by Ctrl-C while a reply streams.
static CANCELLED: AtomicBool = AtomicBool::new(false);
/// The exit status of a run cancelled with Ctrl-C (128 + SIGINT).
const EXIT_CANCELLED: i32 = 130;

/// Handles Ctrl-C for the rest of the process. A call that can be told (`tellable`) is asked
/// to stop: the first Ctrl-C sets [`CANCELLED`] and [`refine_plugin::cancel::request`], a
/// second ends the process. Otherwise the first ends it.
///
/// The handler runs in the signal's context, not on a thread of its own (starting one is a
/// good part of an offline `refine prep`'s time): it only swaps atomics, writes to standard
/// error with `write(2)` and ends with `_exit(2)`, all async-signal-safe.
#[allow(unsafe_code)]
fn on_ctrl_c(tellable: bool) {
    fn say(text: &[u8]) {
        // SAFETY: `write(2)` on standard error from a valid buffer of `text.len()` bytes; a
        // short or failed write only loses the message.
        unsafe { libc::write(libc::STDERR_FILENO, text.as_ptr().cast(), text.len()) };
    }
    let action = move || {
        if CANCELLED.swap(true, Ordering::SeqCst) || !tellable {
            say(b"\nerror: cancelled\n");
            signal_hook::low_level::exit(EXIT_CANCELLED);
        }
        refine_plugin::cancel::request();
        say(b"\ncancelling... (Ctrl-C again to quit at once)\n");
    };
    // SAFETY: `action` is async-signal-safe (see above). Without a handler (the registration
    // failing), Ctrl-C ends the process as the system does.
    let _ = unsafe { signal_hook::low_level::register(signal_hook::consts::SIGINT, action) };
}

pub(crate) fn run(args: PrepArgs, stdin: &mut Stdin) -> Result<ExitCode, Failure> {
    let guide = load_guide(&args.session.guide)?;
    let template = crate::input::load_template(args.template.as_deref())?;
    let (request, source) = crate::backlog::request(
        args.topic.as_deref(),
        &args.backlog,
        &args.session,
        &guide,
        stdin,
    )?;
    let carry = if args.carry_over.is_empty() {
        None
    } else {
        Some(refine_session::carry::from_journals(&args.carry_over).map_err(anyhow::Error::from)?)
    };
    let (request, guide, changes) = match &carry {
        Some(carry) => {
            let max = args.backlog.max_items.map(usize::from);
            refine_session::carry::shape(carry, request, source.as_ref(), &guide, max)
                .map_err(anyhow::Error::from)?
        }
        None => (request, guide, Vec::new()),
    };
    // A single topic that became a session on several items keeps its link on its item.
    let source = if request.items().is_empty() {
        source
    } else {
        None
    };
    let start = args
        .start
        .as_deref()
        .map(|s| SessionStart::parse(s, args.tz.as_deref()))
        .transpose()
        .map_err(anyhow::Error::from)?;
    let config = Config::load(args.config.as_deref()).map_err(anyhow::Error::from)?;
    let backend_name = args
        .backend
        .clone()
        .or_else(|| config.default_backend.clone())
        .unwrap_or_else(|| String::from(refine_host::DEFAULT_BACKEND));
    let format_id = args
        .format
        .clone()
        .or_else(|| config.default_format.clone())
        .unwrap_or_else(|| String::from(refine_host::DEFAULT_FORMAT));
    // A name from the config file brings its plugin and options; the command line wins.
    let (plugin, mut options) = match config.backends.get(&backend_name) {
        Some(named) => (named.plugin.clone(), named.options.clone()),
        None => (backend_name.clone(), Options::new()),
    };
    options.extend(backend_options(&args)?);
    let registry = crate::plugins::registry(&args.plugins, &config)?;
    // Name both plugins before doing any work, so a typo costs nothing.
    let backend = registry.backend(&plugin).map_err(anyhow::Error::from)?;
    let format = registry.format(&format_id).map_err(anyhow::Error::from)?;
    let show_stream = args.stream && std::io::stderr().is_terminal();
    // Ctrl-C asks the call in progress to stop: a stream at its next piece of text, a plugin
    // at once (its is_cancelled turns 1; one that does not stop is killed after a grace
    // period). A second Ctrl-C ends the process at once. Nothing is written after a cancel.
    // A built-in backend's plain call cannot be told: there Ctrl-C ends the process at once,
    // as it always did.
    let tellable =
        args.stream || registry.origin(&plugin).is_some() || registry.origin(&format_id).is_some();
    on_ctrl_c(tellable);
    let echo = move |piece: &str| {
        if show_stream {
            let mut err = std::io::stderr().lock();
            let _ = err.write_all(piece.as_bytes());
            let _ = err.flush();
        }
        !CANCELLED.load(Ordering::SeqCst)
    };
    let input = PrepInput {
        request: &request,
        guide: &guide,
        options: &options,
        start: start.as_ref(),
        on_text: if args.stream { Some(&echo) } else { None },
        repair: args.repair,
        template: template.as_ref(),
    };
    let prepared = prepare(backend, input);
    if CANCELLED.load(Ordering::SeqCst) {
        eprintln!("error: cancelled");
        return Ok(ExitCode::from(EXIT_CANCELLED as u8));
    }
    let mut pack = prepared.map_err(|e| match e {
        PrepError::Backend {
            error: BackendError::Unavailable(_),
            ..
        }
        | PrepError::ReplyTooLarge { .. } => Failure::Backend(anyhow!(e)),
        other => Failure::Input(anyhow!(other)),
    })?;
    pack.meta.source = source;
    if let Some(carry) = &carry {
        carry.apply(&mut pack, &changes);
    }
    pack.meta.invitation.organizer = args.organizer.clone();
    pack.meta.invitation.attendees = args.attendees.clone();
    // The time of writing stamps an invitation; other packs stay the same for the same input.
    if format_id == "ics" || !pack.meta.invitation.is_empty() {
        pack.meta.invitation.written = Some(refine_plugin::Invitation::now());
    }
    let rendered = format.render(&pack);
    if CANCELLED.load(Ordering::SeqCst) {
        eprintln!("error: cancelled");
        return Ok(ExitCode::from(EXIT_CANCELLED as u8));
    }
    let rendered = rendered.map_err(|e| {
        let error = anyhow!("format `{format_id}`: {e}");
        match e {
            FormatError::Input(_) | FormatError::Failed(_) => Failure::Input(error),
        }
    })?;
    match &args.output {
        Some(path) => write_whole(path, &rendered.bytes)
            .with_context(|| format!("cannot write the pack to `{}`", path.display()))?,
        None => match String::from_utf8(rendered.bytes) {
            Ok(text) => write_stdout(&text, false)?,
            Err(raw) => std::io::stdout()
                .lock()
                .write_all(raw.as_bytes())
                .map_err(anyhow::Error::from)?,
        },
    }
    if let (Some(first), Some(kept)) = (pack.meta.attempts.first(), pack.meta.attempts.last()) {
        let codes = |a: &refine_plugin::Attempt| {
            a.errors
                .iter()
                .map(|c| c.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        };
        eprintln!(
            "note: the reply broke the contract ({}); asked {} more time(s) for a corrected one, the last with {} error(s){}",
            codes(first),
            pack.meta.attempts.len() - 1,
            kept.errors.len(),
            if kept.errors.is_empty() {
                String::new()
            } else {
                format!(": {}", codes(kept))
            }
        );
    }
    for warning in &pack.meta.reply.warnings {
        eprintln!("warning: backend `{}`: {warning}", pack.meta.backend);
    }
    for finding in &pack.meta.findings {
        let line = finding
            .line
            .map_or(String::new(), |l| format!(" (reply line {l})"));
        eprintln!(
            "warning: [{}] {}{line}",
            finding.code.as_str(),
            finding.message
        );
    }
    let code = if args.strict && !pack.meta.findings.is_empty() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    };
    // The process ends with this command: freeing the guide's and the pack's hundreds of
    // allocations one by one would be a twentieth of a `refine prep`, for nobody.
    std::mem::forget((guide, pack));
    Ok(code)
}

/// Writes `bytes` to `path` whole or not at all: into a file beside it, then renamed over it, so
/// an interrupted write never leaves half a pack.
fn write_whole(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    let name = path.file_name().map_or_else(
        || String::from("pack"),
        |n| n.to_string_lossy().into_owned(),
    );
    let partial = path.with_file_name(format!(".{name}.{}.partial", std::process::id()));
    let written = std::fs::write(&partial, bytes).and_then(|()| std::fs::rename(&partial, path));
    if written.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    written
}

/// The backend options from --model, --base-url, --stream and --option KEY=VALUE.
fn backend_options(args: &PrepArgs) -> Result<Options, Failure> {
    let mut options = Options::new();
    for pair in &args.options {
        let (key, value) = pair
            .split_once('=')
            .ok_or_else(|| anyhow!("--option `{pair}` is not KEY=VALUE"))?;
        // Numbers and booleans are typed; anything else is text.
        let value = serde_json::from_str::<serde_json::Value>(value)
            .ok()
            .filter(|v| v.is_number() || v.is_boolean())
            .unwrap_or_else(|| serde_json::Value::String(value.to_string()));
        options.insert(key.trim().to_string(), value);
    }
    if let Some(model) = &args.model {
        options.insert(String::from("model"), model.clone().into());
    }
    if let Some(url) = &args.base_url {
        options.insert(String::from("base_url"), url.clone().into());
    }
    if args.stream {
        options.insert(String::from("stream"), true.into());
    }
    if let Some(mode) = &args.structured {
        options.insert(String::from("structured"), mode.clone().into());
    }
    Ok(options)
}
