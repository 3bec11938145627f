//! `refine-host`: the registry of backends and formats, and the pipeline that turns a request
//! into a session pack: prompt -> backend -> parse + lint -> [`Pack`].

pub mod config;
pub mod isolate;
pub mod loader;
pub mod plugin_set;
pub mod repair;

use refine_core::guide::shown_bullets;
use refine_core::{Guide, SessionRequest, prompt};
use refine_plugin::{
    Backend, BackendError, BackendInput, Format, ItemKind, Options, Pack, PackMeta, SessionStart,
};

/// The id of the default backend.
pub const DEFAULT_BACKEND: &str = "offline";
/// The id of the default format.
pub const DEFAULT_FORMAT: &str = "markdown";

/// Why a pack could not be prepared.
#[derive(Debug, thiserror::Error)]
pub enum PrepError {
    /// No backend has this id.
    #[error("unknown backend `{id}`; available: {known}")]
    UnknownBackend {
        /// The id asked for.
        id: String,
        /// The ids there are, comma-separated.
        known: String,
    },
    /// Two backends share an id.
    #[error("a backend with id `{id}` is already registered")]
    DuplicateBackend {
        /// The id.
        id: String,
    },
    /// No format has this id.
    #[error("unknown format `{id}`; available: {known}")]
    UnknownFormat {
        /// The id asked for.
        id: String,
        /// The ids there are, comma-separated.
        known: String,
    },
    /// The backend's reply is larger than a reply can be.
    #[error(
        "backend `{backend}` answered with {bytes} bytes, over the limit of {} bytes (1 MiB) for a reply",
        refine_core::request::REPLY_MAX_BYTES
    )]
    ReplyTooLarge {
        /// The backend id.
        backend: String,
        /// The reply's size.
        bytes: usize,
    },
    /// The prompt could not be rendered.
    #[error(transparent)]
    Prompt(#[from] prompt::PromptError),
    /// The backend failed.
    #[error("backend `{backend}`: {error}")]
    Backend {
        /// The backend id.
        backend: String,
        /// What went wrong.
        error: BackendError,
    },
}

/// The backends and formats `refine` can use.
pub struct Registry {
    backends: Vec<Box<dyn Backend>>,
    formats: Vec<Box<dyn Format>>,
    /// Plugins loaded from libraries: id -> (kind, library, ABI version).
    loaded: std::collections::BTreeMap<String, (String, std::path::PathBuf, String)>,
}

impl Registry {
    /// The first-party plugins built into `refine`.
    pub fn builtin() -> Registry {
        Registry {
            backends: vec![
                Box::new(backend_offline::OfflineBackend),
                Box::new(backend_replay::ReplayBackend::default()),
                Box::new(backend_openai::OpenAiBackend),
                Box::new(backend_anthropic::AnthropicBackend),
            ],
            formats: vec![
                Box::new(format_markdown::MarkdownFormat),
                Box::new(format_json::JsonFormat),
                Box::new(format_html::HtmlFormat),
                Box::new(format_ics::IcsFormat),
                Box::new(format_tagged::TaggedFormat),
                Box::new(format_pre_read::PreReadFormat),
                Box::new(format_pre_read::PreReadHtmlFormat),
            ],
            loaded: std::collections::BTreeMap::new(),
        }
    }

    /// Adds a backend; a backend with the same id as one already there is refused.
    pub fn with_backend(mut self, backend: Box<dyn Backend>) -> Result<Registry, PrepError> {
        let id = backend.info().id;
        if self.backends().any(|b| b.info().id == id) {
            return Err(PrepError::DuplicateBackend { id });
        }
        self.backends.push(backend);
        Ok(self)
    }

    /// Loads the plugins of a library. An id already taken (by a built-in or another library)
    /// is an error, and then nothing of the library is registered.
    pub fn load_library(
        &mut self,
        path: &std::path::Path,
        config_for: &dyn Fn(&str) -> String,
    ) -> Result<(), loader::LoadError> {
        let ids_free =
            |report: &loader::LibraryReport| self.ids_free(path, report, Overrides::Refused);
        let (report, plugins) = loader::load_with(path, config_for, &ids_free)?;
        self.register(path, report, plugins, Overrides::Refused)
    }

    /// Loads the plugins of a library, each replacing a built-in plugin of the same id (the user
    /// asked for it with `--plugin-overrides`); an id taken by another library is still an error.
    pub fn load_library_over_builtins(
        &mut self,
        path: &std::path::Path,
        config_for: &dyn Fn(&str) -> String,
    ) -> Result<(), loader::LoadError> {
        let ids_free =
            |report: &loader::LibraryReport| self.ids_free(path, report, Overrides::Builtins);
        let (report, plugins) = loader::load_with(path, config_for, &ids_free)?;
        self.register(path, report, plugins, Overrides::Builtins)
    }

    /// Whether the library's ids are free here: not taken by another library, nor by a
    /// built-in unless built-ins may be replaced.
    fn ids_free(
        &self,
        path: &std::path::Path,
        report: &loader::LibraryReport,
        overrides: Overrides,
    ) -> Result<(), loader::LoadError> {
        for (_, info) in &report.plugins {
            let taken = self.backends().any(|b| b.info().id == info.id)
                || self.formats().any(|f| f.info().id == info.id);
            let builtin = !self.loaded.contains_key(&info.id);
            if taken && !(builtin && overrides == Overrides::Builtins) {
                let by = self.loaded.get(&info.id).map_or_else(
                    || String::from("a built-in plugin"),
                    |(_, p, _)| p.display().to_string(),
                );
                return Err(loader::LoadError {
                    path: path.to_path_buf(),
                    message: format!(
                        "plugin id `{}` is already taken by {by}; rename it (a built-in may be replaced with --plugin-overrides)",
                        info.id
                    ),
                });
            }
        }
        Ok(())
    }

    fn register(
        &mut self,
        path: &std::path::Path,
        report: loader::LibraryReport,
        plugins: Vec<loader::LoadedPlugin>,
        overrides: Overrides,
    ) -> Result<(), loader::LoadError> {
        // Every id is checked before anything changes, so a refused library leaves no trace.
        self.ids_free(path, &report, overrides)?;
        for (_, info) in &report.plugins {
            if !self.loaded.contains_key(&info.id) {
                self.backends.retain(|b| b.info().id != info.id);
                self.formats.retain(|f| f.info().id != info.id);
            }
        }
        for ((kind, info), plugin) in report.plugins.into_iter().zip(plugins) {
            self.loaded.insert(
                info.id.clone(),
                (kind, path.to_path_buf(), report.abi.clone()),
            );
            match plugin {
                loader::LoadedPlugin::Backend(b) => self.backends.push(b),
                loader::LoadedPlugin::Format(f) => self.formats.push(f),
            }
        }
        Ok(())
    }

    /// Where a plugin came from: `None` for a built-in, else its library and ABI version.
    pub fn origin(&self, id: &str) -> Option<(&std::path::Path, &str)> {
        self.loaded
            .get(id)
            .map(|(_, path, abi)| (path.as_path(), abi.as_str()))
    }

    /// Every backend, in registration order.
    pub fn backends(&self) -> impl Iterator<Item = &dyn Backend> {
        self.backends.iter().map(|b| b.as_ref())
    }

    /// Every format, in registration order.
    pub fn formats(&self) -> impl Iterator<Item = &dyn Format> {
        self.formats.iter().map(|f| f.as_ref())
    }

    /// The backend with this id.
    pub fn backend(&self, id: &str) -> Result<&dyn Backend, PrepError> {
        self.backends()
            .find(|b| b.info().id == id)
            .ok_or_else(|| PrepError::UnknownBackend {
                id: id.to_string(),
                known: self
                    .backends()
                    .map(|b| b.info().id)
                    .collect::<Vec<_>>()
                    .join(", "),
            })
    }

    /// The format with this id.
    pub fn format(&self, id: &str) -> Result<&dyn Format, PrepError> {
        self.formats()
            .find(|f| f.info().id == id)
            .ok_or_else(|| PrepError::UnknownFormat {
                id: id.to_string(),
                known: self
                    .formats()
                    .map(|f| f.info().id)
                    .collect::<Vec<_>>()
                    .join(", "),
            })
    }
}

/// Whether a loaded plugin may take the id of a built-in one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Overrides {
    Refused,
    Builtins,
}

/// One preparation: what to ask, of which backend, and when the session starts.
#[derive(Clone, Copy)]
pub struct PrepInput<'a> {
    /// Topic, context and session length.
    pub request: &'a SessionRequest,
    /// The guide.
    pub guide: &'a Guide,
    /// Backend options.
    pub options: &'a Options,
    /// The session start, when known.
    pub start: Option<&'a SessionStart>,
    /// Told each piece of reply text as it arrives, when the backend streams.
    pub on_text: Option<&'a refine_plugin::OnText<'a>>,
    /// How many follow-ups may ask for a corrected reply when one breaks the contract (never
    /// for a local backend, whose reply would be the same).
    pub repair: u32,
    /// The prompt template, when not the built-in one (`--template`).
    pub template: Option<&'a refine_core::template::PromptTemplate>,
}

/// Renders the prompt, asks `backend`, and parses and lints the reply into a pack.
pub fn prepare(backend: &dyn Backend, input: PrepInput<'_>) -> Result<Pack, PrepError> {
    let PrepInput {
        request,
        guide,
        options,
        start,
        on_text,
        repair,
        template,
    } = input;
    let text = match template {
        Some(t) => t.render(guide, request)?,
        // The built-in prompt is only rendered for a backend that reads it.
        None if !backend.reads_prompt() => String::new(),
        None => prompt::render(guide, request)?,
    };
    let backend_id = backend.info().id;
    let repair = if backend.is_local() { 0 } else { repair };
    let repaired = repair::with_repair(&text, repair, guide, request, |prompt| {
        let reply = backend
            .generate(&BackendInput {
                prompt,
                request,
                guide,
                options,
                on_text,
            })
            .map_err(|error| PrepError::Backend {
                backend: backend_id.clone(),
                error,
            })?;
        if reply.text.len() > refine_core::request::REPLY_MAX_BYTES {
            return Err(PrepError::ReplyTooLarge {
                backend: backend_id.clone(),
                bytes: reply.text.len(),
            });
        }
        Ok(reply)
    })?;
    let reply = repaired.reply;
    let mut report = repaired.report;
    let multi = !request.items().is_empty();
    // A session on several items has no one kind or brief: each item has its own.
    let (kind, brief) = if multi {
        (None, refine_plugin::ItemBrief::default())
    } else {
        read_item(request.topic().as_str(), request.context())
    };
    let item_notes: Vec<refine_plugin::ItemNotes> = request
        .items()
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let (kind, brief) = read_item(item.title().as_str(), item.notes());
            refine_plugin::ItemNotes {
                number: i + 1,
                kind,
                excerpt: item.notes().map(|n| prompt::excerpt(n, ITEM_EXCERPT_CHARS)),
                brief,
            }
        })
        .collect();
    for item in &mut report.plan.items {
        item.kind = item_notes
            .iter()
            .find(|n| n.number == item.number)
            .and_then(|n| n.kind.as_ref())
            .map(|k| k.name.clone());
    }
    let mut pack = Pack {
        plan: report.plan,
        meta: PackMeta {
            topic: request.topic().to_string(),
            context: request.context().map(str::to_string),
            kind,
            source: None,
            brief,
            guide: guide.title.clone(),
            session_minutes: 0,
            start: start.cloned(),
            backend: backend_id,
            reply: reply.meta,
            findings: report.findings,
            scores: report.scores,
            notes: length_notes(guide, request.minutes()),
            preparation: guide
                .preparation
                .iter()
                .flat_map(|g| shown_bullets(&g.items))
                .collect(),
            team_preparation: guide
                .preparation
                .iter()
                .filter(|g| {
                    let name = g.name.to_lowercase();
                    name.contains("team") && !name.contains("product")
                })
                .flat_map(|g| shown_bullets(&g.items))
                .collect(),
            practices: guide
                .practices
                .iter()
                .flat_map(|b| shown_bullets(&b.items))
                .collect(),
            phase_focus: guide
                .phases
                .iter()
                .map(|p| {
                    // "Discuss each refinement item:" introduces the bullets under it.
                    let focus = shown_bullets(&p.items)
                        .into_iter()
                        .filter(|t| !t.ends_with(':'))
                        .collect();
                    (p.slug.clone(), focus)
                })
                .collect(),
            invitation: refine_plugin::Invitation::default(),
            attempts: repaired.attempts,
            item_phase: multi.then(|| guide.item_phase().slug.clone()),
            item_notes,
        },
    };
    pack.meta.session_minutes = request.minutes().unwrap_or_else(|| pack.total_minutes());
    if let Some(note) = deferral_note(guide, request) {
        pack.meta.notes.push(note);
    }
    Ok(pack)
}

/// What the pack says when items were deferred: how many fit, by what rule, and which wait.
fn deferral_note(guide: &Guide, request: &SessionRequest) -> Option<String> {
    let deferred = request.deferred();
    if deferred.is_empty() {
        return None;
    }
    let taken = request.items().len();
    let total = request.items().len() + deferred.len();
    let phase = guide.item_phase();
    let slots = refine_core::schedule::item_slots(guide, request);
    let minutes = slots.map_or(0, |s| s.phase_minutes);
    let fit = refine_core::schedule::fit_items(guide, request.minutes(), total, None).ok();
    let why = match fit {
        Some(f) if f.taken > taken => String::from(" (as --max-items asked)"),
        _ => format!(
            " ({} gets {minutes} minutes, at least {} per item)",
            phase.name,
            refine_core::contract::ITEM.min_minutes
        ),
    };
    let names: Vec<String> = deferred.iter().map(|d| d.label()).collect();
    Some(format!(
        "{taken} of {total} items fit this session{why}; deferred to the next session: {}.",
        names.join("; ")
    ))
}

/// The most characters of an item's description the pre-read shows.
pub const ITEM_EXCERPT_CHARS: usize = 600;

/// An item's kind (and the words that decided it) and its brief, read from its title and notes.
fn read_item(title: &str, notes: Option<&str>) -> (Option<ItemKind>, refine_plugin::ItemBrief) {
    let reading = refine_topic::read(title, notes);
    let brief = refine_topic::Brief::of(&reading.notes);
    let kind = ItemKind {
        name: reading.kind.kind.as_str().to_string(),
        because: reading.kind.because,
    };
    (
        Some(kind),
        refine_plugin::ItemBrief {
            known: brief.known,
            open: brief.open,
        },
    )
}

/// What the pack must say when the requested length forces phases out of the guide's ranges.
fn length_notes(guide: &Guide, minutes: Option<u32>) -> Vec<String> {
    let natural = guide.total();
    match minutes {
        Some(n) if n < natural.min => vec![format!(
            "The guide's phases need {natural} in all; at {n} minutes each phase is shortened in proportion, below the guide's range."
        )],
        Some(n) if n > natural.max => vec![format!(
            "The guide's phases need {natural} in all; at {n} minutes each phase is lengthened in proportion, above the guide's range."
        )],
        _ => Vec::new(),
    }
}
