//! Plugin libraries at the edge: loading the ones named with `--plugin` (an error stops the
//! command) and the ones discovered on the search path (an error is a warning), and
//! `refine plugins`.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use refine_host::Registry;
use refine_host::config::Config;
use refine_host::loader;

use crate::Failure;
use crate::cli::{PluginsArgs, PluginsCommand};

/// Which plugin libraries to load besides the discovered ones.
pub(crate) struct Selection<'a> {
    /// Libraries named with `--plugin`.
    pub(crate) files: &'a [PathBuf],
    /// `--plugin-overrides`: loaded plugins may replace built-ins.
    pub(crate) over_builtins: bool,
}

/// The built-in plugins plus the libraries named and discovered, each plugin configured from
/// its `[plugins.<id>]` table.
pub(crate) fn registry(selection: &Selection<'_>, config: &Config) -> Result<Registry, Failure> {
    let mut registry = Registry::builtin();
    let config_for = |id: &str| {
        config
            .plugins
            .get(id)
            .map_or_else(|| String::from("{}"), |v| v.to_string())
    };
    let load = |registry: &mut Registry, path: &std::path::Path| {
        if selection.over_builtins {
            registry.load_library_over_builtins(path, &config_for)
        } else {
            registry.load_library(path, &config_for)
        }
    };
    for path in selection.files {
        load(&mut registry, path).map_err(|e| Failure::Input(e.into()))?;
    }
    for path in loader::discover() {
        if selection.files.contains(&path) {
            continue;
        }
        if let Err(e) = load(&mut registry, &path) {
            eprintln!("warning: {e} (skipped)");
        }
    }
    Ok(registry)
}

/// `refine plugins` and `refine plugins check FILE`.
pub(crate) fn command(args: PluginsArgs) -> Result<ExitCode, Failure> {
    let config = Config::load(None).map_err(|e| Failure::Input(e.into()))?;
    if let Some(PluginsCommand::Check { file }) = args.command {
        let (report, _) =
            loader::load(&file, &|_| String::from("{}")).map_err(|e| Failure::Input(e.into()))?;
        let mut out = format!(
            "{}: a refine plugin library, ABI {}\n",
            report.path.display(),
            report.abi
        );
        for (kind, info) in &report.plugins {
            let _ = writeln!(
                out,
                "  {kind:<8} {:<16} {:<8} {}",
                info.id, info.version, info.description
            );
        }
        let _ = writeln!(
            out,
            "all checks passed: magic, ABI version, struct sizes, kinds, ids, UTF-8, functions"
        );
        crate::write_stdout(&out, false)?;
        return Ok(ExitCode::SUCCESS);
    }
    let selection = Selection {
        files: &args.plugins,
        over_builtins: args.plugin_overrides,
    };
    let registry = registry(&selection, &config)?;
    let abi = format!(
        "{}.{}",
        refine_plugin_abi_version().0,
        refine_plugin_abi_version().1
    );
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<12} {:<8} {:<8} {:<4} origin",
        "id", "kind", "version", "abi"
    );
    let rows = registry
        .backends()
        .map(|b| ("backend", b.info()))
        .chain(registry.formats().map(|f| ("format", f.info())));
    for (kind, info) in rows {
        let (origin, plugin_abi) = match registry.origin(&info.id) {
            Some((path, abi)) => (path.display().to_string(), abi.to_string()),
            None => (String::from("built-in"), abi.clone()),
        };
        let _ = writeln!(
            out,
            "{:<12} {kind:<8} {:<8} {plugin_abi:<4} {origin}",
            info.id, info.version
        );
    }
    crate::write_stdout(&out, false)?;
    Ok(ExitCode::SUCCESS)
}

fn refine_plugin_abi_version() -> (u16, u16) {
    (
        refine_plugin_abi::RF_ABI_MAJOR,
        refine_plugin_abi::RF_ABI_MINOR,
    )
}
