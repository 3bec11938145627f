//! Plugin libraries at the edge: loading the ones named with `--plugin` (an error stops the
//! command) and the ones discovered on the search path (an error is a warning), and
//! `refine plugins`.

use std::fmt::Write as _;
use std::process::ExitCode;

use anyhow::Context;
use refine_host::Registry;
use refine_host::config::Config;
use refine_host::isolate::HostCommand;
use refine_host::plugin_set::{self, Isolation, PluginSelection};

use crate::Failure;
use crate::cli::{PluginFlags, PluginsArgs, PluginsCommand};

/// The built-in plugins plus the libraries named and discovered (warnings for those that could
/// not load), each plugin configured from its `[plugins.<id>]` table.
pub(crate) fn registry(flags: &PluginFlags, config: &Config) -> Result<Registry, Failure> {
    let (registry, warnings) = plugin_set::registry_with_plugins(&selection(flags)?, config)
        .map_err(|e| Failure::Input(e.into()))?;
    for warning in warnings {
        eprintln!("warning: {warning}");
    }
    Ok(registry)
}

/// What the flags select.
pub(crate) fn selection(flags: &PluginFlags) -> Result<PluginSelection, Failure> {
    let isolation = match flags.plugin_isolation.as_str() {
        "none" => Isolation::None,
        _ => Isolation::Process(
            HostCommand::this_executable()
                .context("cannot find this executable to host plugins")?,
        ),
    };
    Ok(PluginSelection {
        files: flags
            .files
            .iter()
            .map(|f| plugin_set::named_file(f))
            .collect(),
        over_builtins: flags.plugin_overrides,
        isolation,
        timeout: flags.plugin_timeout,
    })
}

/// `refine plugins` and `refine plugins check FILE`.
pub(crate) fn command(args: PluginsArgs) -> Result<ExitCode, Failure> {
    let config = Config::load(None).map_err(|e| Failure::Input(e.into()))?;
    if let Some(PluginsCommand::Check { file }) = args.command {
        // Checked as prep would load it: beside the built-ins, in its own process.
        let mut flags = args.plugins.clone();
        flags.files = vec![file];
        let selection = selection(&flags)?;
        let file = &selection.files[0];
        let mut registry = Registry::builtin();
        registry
            .load_library_with(file, &config, &selection)
            .map_err(|e| Failure::Input(e.into()))?;
        let mut out = String::new();
        let rows = registry
            .backends()
            .map(|b| ("backend", b.info()))
            .chain(registry.formats().map(|f| ("format", f.info())));
        for (kind, info) in rows {
            if let Some((_, abi)) = registry.origin(&info.id) {
                if out.is_empty() {
                    let _ = writeln!(
                        out,
                        "{}: a refine plugin library, ABI {abi}",
                        file.display()
                    );
                }
                let _ = writeln!(
                    out,
                    "  {kind:<8} {:<16} {:<8} {}",
                    info.id, info.version, info.description
                );
            }
        }
        let _ = writeln!(
            out,
            "all checks passed: magic, ABI version, struct sizes, kinds, ids, UTF-8, functions"
        );
        crate::write_stdout(&out, false)?;
        return Ok(ExitCode::SUCCESS);
    }
    let registry = registry(&args.plugins, &config)?;
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
