//! Which plugin libraries a run loads, and how each runs: the one path `refine` and
//! `refine-eval` share, so a plugin that works in one works in the other.
//!
//! Libraries come from `--plugin FILE` (an error stops the command) and the search path
//! (`REFINE_PLUGIN_PATH`, the user plugin folder, `plugins/` beside the executable; an error
//! there is a warning). Each runs in a plugin host process of its own unless its
//! `[plugins.<id>]` tables say `isolation = "none"` or the command asks for no isolation.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use crate::config::Config;
use crate::isolate::{
    HostCommand, IsolatedBackend, IsolatedFormat, IsolatedLibrary, IsolatedPlugin, PluginEntry,
};
use crate::loader::{self, LibraryReport, LoadError, LoadedPlugin};
use crate::{Overrides, Registry};

/// A backend plugin's per-call deadline unless its table or the command says otherwise.
pub const BACKEND_TIMEOUT: Duration = Duration::from_secs(300);
/// A format plugin's per-call deadline unless its table or the command says otherwise.
pub const FORMAT_TIMEOUT: Duration = Duration::from_secs(30);

/// Where loaded plugins run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Isolation {
    /// Each library in plugin host processes started with this command (the default).
    Process(HostCommand),
    /// In this process: no deadline, and a crash takes the process down. For trusted plugins.
    None,
}

/// The plugins a command loads, and how.
#[derive(Debug, Clone)]
pub struct PluginSelection {
    /// Libraries named on the command line (`--plugin`).
    pub files: Vec<PathBuf>,
    /// `--plugin-overrides`: a loaded plugin may replace a built-in of the same id.
    pub over_builtins: bool,
    /// Where they run.
    pub isolation: Isolation,
    /// `--plugin-timeout`: every plugin call's deadline, over the tables and the defaults.
    pub timeout: Option<Duration>,
}

impl PluginSelection {
    /// The libraries `files`, isolated in processes of this executable, default deadlines.
    pub fn isolated(files: Vec<PathBuf>) -> std::io::Result<PluginSelection> {
        Ok(PluginSelection {
            files,
            over_builtins: false,
            isolation: Isolation::Process(HostCommand::this_executable()?),
            timeout: None,
        })
    }
}

/// A library file as the user named it on the command line: a bare `name.so` is the file in the
/// current folder (the dynamic loader would otherwise search its own paths for it).
pub fn named_file(file: &Path) -> PathBuf {
    if file.components().count() == 1 {
        Path::new(".").join(file)
    } else {
        file.to_path_buf()
    }
}

/// The built-in plugins plus the libraries selected and discovered, each plugin configured from
/// its `[plugins.<id>]` table; with a warning for each discovered library that could not load.
pub fn registry_with_plugins(
    selection: &PluginSelection,
    config: &Config,
) -> Result<(Registry, Vec<String>), LoadError> {
    let mut registry = Registry::builtin();
    let mut warnings = Vec::new();
    for path in selection.files.iter() {
        registry.load_library_with(path, config, selection)?;
    }
    let (found, problems) = loader::discover_with_problems();
    warnings.extend(problems);
    for path in found {
        if selection.files.contains(&path) {
            continue;
        }
        if let Err(e) = registry.load_library_with(&path, config, selection) {
            warnings.push(format!("{e} (skipped)"));
        }
    }
    Ok((registry, warnings))
}

impl Registry {
    /// Loads a library as `selection` says: isolated or not, with the deadlines of `config`'s
    /// tables. An id already taken is an error (unless built-ins may be replaced), and then
    /// nothing of the library is registered.
    pub fn load_library_with(
        &mut self,
        path: &Path,
        config: &Config,
        selection: &PluginSelection,
    ) -> Result<(), LoadError> {
        let config_for = |id: &str| {
            config
                .plugins
                .get(id)
                .map_or_else(|| String::from("{}"), |v| v.to_string())
        };
        let overrides = if selection.over_builtins {
            Overrides::Builtins
        } else {
            Overrides::Refused
        };
        // An id that is taken refuses the library before its init runs, as prep would.
        let ids_free = |report: &LibraryReport| self.ids_free(path, report, overrides);
        let host = match &selection.isolation {
            Isolation::None => {
                let (report, plugins) = loader::load_with(path, &config_for, &ids_free)?;
                return self.register(path, report, plugins, overrides);
            }
            Isolation::Process(host) => host,
        };
        let (library, report, entries) = IsolatedLibrary::open(path, host, &ids_free)?;
        let trusted = !entries.is_empty()
            && entries
                .iter()
                .all(|e| config.hosting.get(&e.info.id).is_some_and(|h| h.in_process));
        if trusted {
            // Checked (and its init survived) in a process of its own; now loaded here.
            drop(library);
            let (report, plugins) = loader::load_with(path, &config_for, &ids_free)?;
            return self.register(path, report, plugins, overrides);
        }
        let plugins = entries
            .into_iter()
            .map(|entry| isolated(&library, entry, config, selection, &config_for))
            .collect();
        self.register(path, report, plugins, overrides)
    }
}

fn isolated(
    library: &Arc<IsolatedLibrary>,
    entry: PluginEntry,
    config: &Config,
    selection: &PluginSelection,
    config_for: &dyn Fn(&str) -> String,
) -> LoadedPlugin {
    let backend = entry.kind == "backend";
    let timeout = selection
        .timeout
        .or_else(|| config.hosting.get(&entry.info.id).and_then(|h| h.timeout))
        .unwrap_or(if backend {
            BACKEND_TIMEOUT
        } else {
            FORMAT_TIMEOUT
        });
    let plugin = IsolatedPlugin {
        library: Arc::clone(library),
        config: config_for(&entry.info.id),
        entry,
        timeout,
    };
    if backend {
        LoadedPlugin::Backend(Box::new(IsolatedBackend(plugin)))
    } else {
        LoadedPlugin::Format(Box::new(IsolatedFormat(plugin)))
    }
}
