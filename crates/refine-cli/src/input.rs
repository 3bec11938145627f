//! Reading what the user gave: topic, files or stdin, guide; turned into core types.

use std::io::Read;
use std::path::Path;

use anyhow::{Context, Result, bail};
use refine_core::{Guide, SessionRequest, Topic};

use crate::cli::{GuideSource, SessionArgs};

/// Hands out standard input once: two arguments cannot both be `-`.
#[derive(Debug, Default)]
pub(crate) struct Stdin {
    taken_by: Option<&'static str>,
}

impl Stdin {
    /// Reads all of stdin as UTF-8 for the argument named `what`.
    fn read(&mut self, what: &'static str) -> Result<String> {
        if let Some(earlier) = self.taken_by {
            bail!("both {earlier} and {what} are `-`: only one of them can be read from stdin");
        }
        self.taken_by = Some(what);
        let mut bytes = Vec::new();
        std::io::stdin()
            .read_to_end(&mut bytes)
            .with_context(|| format!("reading {what} from stdin"))?;
        String::from_utf8(bytes).map_err(|e| {
            anyhow::anyhow!(
                "{what} on stdin is not UTF-8 text (invalid byte at offset {})",
                e.utf8_error().valid_up_to()
            )
        })
    }

    /// The text of `arg`, or stdin when it is `-`.
    pub(crate) fn text_or_stdin(&mut self, arg: &str, what: &'static str) -> Result<String> {
        if arg == "-" {
            self.read(what)
        } else {
            Ok(arg.to_string())
        }
    }

    /// The contents of the file at `path`, or stdin when it is `-`.
    pub(crate) fn file_or_stdin(&mut self, path: &Path, what: &'static str) -> Result<String> {
        if path == Path::new("-") {
            return self.read(what);
        }
        read_text_file(path, what)
    }
}

/// Reads a UTF-8 text file, naming the file and the argument on failure.
pub(crate) fn read_text_file(path: &Path, what: &str) -> Result<String> {
    let bytes =
        std::fs::read(path).with_context(|| format!("cannot read {what} `{}`", path.display()))?;
    String::from_utf8(bytes).map_err(|e| {
        anyhow::anyhow!(
            "{what} `{}` is not UTF-8 text (invalid byte at offset {})",
            path.display(),
            e.utf8_error().valid_up_to()
        )
    })
}

/// Loads the guide the user named, or the built-in one.
pub(crate) fn load_guide(source: &GuideSource) -> Result<Guide> {
    match &source.guide {
        Some(path) => Ok(Guide::from_file(path)?),
        None => Ok(Guide::builtin()),
    }
}

/// Builds the session request from the topic text and the session arguments.
pub(crate) fn session_request(
    topic: &str,
    args: &SessionArgs,
    stdin: &mut Stdin,
) -> Result<SessionRequest> {
    let mut request = SessionRequest::new(Topic::new(topic).context("invalid topic")?);
    if let Some(path) = &args.context {
        let notes = stdin.file_or_stdin(path, "--context")?;
        request = request
            .with_context(&notes)
            .with_context(|| format!("invalid context notes `{}`", path.display()))?;
    }
    if let Some(minutes) = args.minutes {
        request = request.with_minutes(minutes).context("invalid --minutes")?;
    }
    Ok(request)
}

/// The prompt template of `--template`, checked, when one is given.
pub(crate) fn load_template(
    path: Option<&std::path::Path>,
) -> Result<Option<refine_core::template::PromptTemplate>> {
    path.map(|p| refine_core::template::PromptTemplate::from_file(p).map_err(anyhow::Error::from))
        .transpose()
}
