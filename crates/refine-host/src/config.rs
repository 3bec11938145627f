//! The configuration file: named backends, the default backend and format.
//!
//! ```toml
//! default_backend = "local"
//! default_format = "markdown"
//!
//! [backends.local]
//! plugin = "openai"
//! base_url = "http://127.0.0.1:8089/v1"
//! model = "smollm2-135m"
//! ```
//!
//! Read from `--config FILE`, else `$XDG_CONFIG_HOME/refine/config.toml` (or
//! `~/.config/refine/config.toml`) when it exists. Unknown keys and wrong types are errors naming
//! the file, line and key; a key written inline is refused in favour of `api_key_env`.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use refine_plugin::Options;
use serde::Deserialize;
use toml::Spanned;

/// The port `cargo xtask model-server start` prefers, so the built-in `local` backend finds it.
pub const LOCAL_MODEL_PORT: u16 = 8089;

/// Why a configuration file cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file cannot be read.
    #[error("cannot read the config file {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not valid configuration.
    #[error("{path}:{line}: {message}")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// What is wrong, naming the key.
        message: String,
    },
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    default_backend: Option<Spanned<String>>,
    default_format: Option<Spanned<String>>,
    #[serde(default)]
    backends: BTreeMap<Spanned<String>, BTreeMap<Spanned<String>, Spanned<toml::Value>>>,
    #[serde(default)]
    plugins: BTreeMap<Spanned<String>, BTreeMap<Spanned<String>, Spanned<toml::Value>>>,
    #[serde(default)]
    prices: BTreeMap<String, Spanned<Price>>,
}

/// A model's token prices, in US dollars per million tokens (`[prices."gpt-4o-mini"]` with
/// `input` and `output`), for the cost of eval runs.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Price {
    /// Dollars per million prompt tokens.
    pub input: f64,
    /// Dollars per million reply tokens.
    pub output: f64,
}

impl Price {
    /// The cost of a call, in dollars.
    pub fn cost(&self, input_tokens: u64, output_tokens: u64) -> f64 {
        (input_tokens as f64 * self.input + output_tokens as f64 * self.output) / 1_000_000.0
    }
}

/// A backend defined by name in the configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct NamedBackend {
    /// The plugin that serves it (`openai`, `anthropic`, ...).
    pub plugin: String,
    /// Its options.
    pub options: Options,
}

/// The configuration in force.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Config {
    /// The backend when `--backend` is not given.
    pub default_backend: Option<String>,
    /// The format when `--format` is not given.
    pub default_format: Option<String>,
    /// Named backends.
    pub backends: BTreeMap<String, NamedBackend>,
    /// Each loaded plugin's `[plugins.<id>]` table, as JSON, without the keys `refine` reads
    /// itself (`isolation`, `timeout`).
    pub plugins: BTreeMap<String, serde_json::Value>,
    /// How each plugin is run, from the `isolation` and `timeout` keys of its table.
    pub hosting: BTreeMap<String, PluginHosting>,
    /// Token prices by model name (`[prices."MODEL"]`).
    pub prices: BTreeMap<String, Price>,
}

/// How one plugin is run: `isolation = "none"` loads it into refine's own process (trusted
/// plugins; no deadline, a crash takes refine down); `timeout = SECONDS` is its per-call deadline.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct PluginHosting {
    /// `isolation = "none"`.
    pub in_process: bool,
    /// `timeout`, in seconds.
    pub timeout: Option<std::time::Duration>,
}

fn line_of(text: &str, span: Range<usize>) -> usize {
    text[..span.start.min(text.len())].matches('\n').count() + 1
}

impl Config {
    /// The configuration every installation has: `local`, the model server on loopback.
    pub fn builtin() -> Config {
        let mut options = Options::new();
        options.insert(
            "base_url".into(),
            format!("http://127.0.0.1:{LOCAL_MODEL_PORT}/v1").into(),
        );
        options.insert("model".into(), "smollm2-135m".into());
        options.insert("timeout".into(), 120.into());
        // llama.cpp's server takes a grammar of the tagged reply: even a small model's packs
        // then have every section.
        options.insert("server".into(), "llama.cpp".into());
        let mut backends = BTreeMap::new();
        backends.insert(
            String::from("local"),
            NamedBackend {
                plugin: String::from("openai"),
                options,
            },
        );
        Config {
            default_backend: None,
            default_format: None,
            backends,
            plugins: BTreeMap::new(),
            hosting: BTreeMap::new(),
            prices: BTreeMap::new(),
        }
    }

    /// The default file's path, when `XDG_CONFIG_HOME` or `HOME` says where it would be.
    pub fn default_path() -> Option<PathBuf> {
        std::env::var_os("XDG_CONFIG_HOME")
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))
            .map(|base| base.join("refine/config.toml"))
    }

    /// The built-in configuration with `path`'s on top; a missing default file is no error,
    /// a missing file named with `--config` is.
    pub fn load(path: Option<&Path>) -> Result<Config, ConfigError> {
        let mut config = Config::builtin();
        let (path, required) = match path {
            Some(p) => (p.to_path_buf(), true),
            None => match Config::default_path() {
                Some(p) => (p, false),
                None => return Ok(config),
            },
        };
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !required => return Ok(config),
            Err(source) => return Err(ConfigError::Read { path, source }),
        };
        config.merge(Config::parse(&text, &path)?);
        Ok(config)
    }

    fn merge(&mut self, other: Config) {
        if other.default_backend.is_some() {
            self.default_backend = other.default_backend;
        }
        if other.default_format.is_some() {
            self.default_format = other.default_format;
        }
        self.backends.extend(other.backends);
        self.plugins.extend(other.plugins);
        self.hosting.extend(other.hosting);
    }

    /// Parses configuration text; `path` is for messages.
    pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
        let invalid = |line: usize, message: String| ConfigError::Invalid {
            path: path.to_path_buf(),
            line,
            message,
        };
        let raw: RawConfig = toml::from_str(text).map_err(|e| {
            let line = e.span().map_or(1, |s| line_of(text, s));
            invalid(line, e.message().to_string())
        })?;
        let mut backends = BTreeMap::new();
        for (name, table) in raw.backends {
            let mut plugin = None;
            let mut options = Options::new();
            for (key, value) in table {
                let line = line_of(text, key.span());
                let key_name = key.get_ref().as_str();
                if matches!(key_name, "api_key" | "key" | "token") {
                    return Err(invalid(
                        line,
                        format!(
                            "backends.{}.{key_name}: do not write a key in the config file; put it in an environment variable and name it with api_key_env = \"VAR\"",
                            name.get_ref()
                        ),
                    ));
                }
                let json = match value.get_ref() {
                    toml::Value::String(s) => serde_json::Value::String(s.clone()),
                    toml::Value::Integer(i) => serde_json::Value::from(*i),
                    toml::Value::Float(f) => serde_json::Value::from(*f),
                    toml::Value::Boolean(b) => serde_json::Value::Bool(*b),
                    other => {
                        return Err(invalid(
                            line,
                            format!(
                                "backends.{}.{key_name}: expected text, a number or true/false, found a {}",
                                name.get_ref(),
                                other.type_str()
                            ),
                        ));
                    }
                };
                if key_name == "plugin" {
                    match json {
                        serde_json::Value::String(s) => plugin = Some(s),
                        _ => {
                            return Err(invalid(
                                line,
                                format!(
                                    "backends.{}.plugin: expected the plugin id as text",
                                    name.get_ref()
                                ),
                            ));
                        }
                    }
                } else {
                    options.insert(key_name.to_string(), json);
                }
            }
            let plugin = plugin.ok_or_else(|| {
                invalid(
                    line_of(text, name.span()),
                    format!(
                        "backends.{}: missing `plugin = \"openai\"` (or another backend id)",
                        name.get_ref()
                    ),
                )
            })?;
            if (plugin == "openai" || plugin == "anthropic")
                && let Some((key, _)) = options
                    .iter()
                    .find(|(k, _)| !refine_http::KNOWN_OPTIONS.contains(&k.as_str()))
            {
                let at = text
                    .find(&format!("\n{key}"))
                    .map_or(line_of(text, name.span()), |i| line_of(text, i + 1..i + 2));
                return Err(invalid(
                    at,
                    format!(
                        "backends.{}.{key}: unknown option (known: {})",
                        name.get_ref(),
                        refine_http::KNOWN_OPTIONS.join(", ")
                    ),
                ));
            }
            backends.insert(name.into_inner(), NamedBackend { plugin, options });
        }
        let mut plugins = BTreeMap::new();
        let mut hosting = BTreeMap::new();
        for (id, table) in raw.plugins {
            let mut json = serde_json::Map::new();
            let mut host = PluginHosting::default();
            for (key, value) in table {
                let key_name = key.get_ref().as_str();
                let line = line_of(text, key.span());
                match (key_name, value.get_ref()) {
                    ("isolation", toml::Value::String(mode))
                        if mode == "none" || mode == "process" =>
                    {
                        host.in_process = mode == "none";
                        continue;
                    }
                    ("isolation", other) => {
                        return Err(invalid(
                            line,
                            format!(
                                "plugins.{}.isolation: `{other}` is neither \"process\" (the default: the plugin runs in a process of its own) nor \"none\" (in refine's process, for trusted plugins)",
                                id.get_ref()
                            ),
                        ));
                    }
                    ("timeout", value) => {
                        let seconds = match value {
                            toml::Value::Integer(n) => *n as f64,
                            toml::Value::Float(x) => *x,
                            _ => -1.0,
                        };
                        if !(seconds > 0.0 && seconds <= 86_400.0) {
                            return Err(invalid(
                                line,
                                format!(
                                    "plugins.{}.timeout: `{value}` must be a number of seconds in (0, 86400]",
                                    id.get_ref()
                                ),
                            ));
                        }
                        host.timeout = Some(std::time::Duration::from_secs_f64(seconds));
                        continue;
                    }
                    _ => {}
                }
                if matches!(
                    key_name,
                    "api_key" | "key" | "token" | "secret" | "password"
                ) {
                    return Err(invalid(
                        line_of(text, key.span()),
                        format!(
                            "plugins.{}.{key_name}: do not write a secret in the config file; put it in an environment variable and name it, e.g. api_key_env = \"VAR\"",
                            id.get_ref()
                        ),
                    ));
                }
                let value = serde_json::to_value(value.get_ref()).map_err(|e| {
                    invalid(
                        line_of(text, key.span()),
                        format!("plugins.{}.{key_name}: {e}", id.get_ref()),
                    )
                })?;
                json.insert(key_name.to_string(), value);
            }
            if host != PluginHosting::default() {
                hosting.insert(id.get_ref().clone(), host);
            }
            plugins.insert(id.into_inner(), serde_json::Value::Object(json));
        }
        let mut prices = BTreeMap::new();
        for (model, price) in raw.prices {
            let line = line_of(text, price.span());
            let price = price.into_inner();
            if !(price.input >= 0.0
                && price.output >= 0.0
                && price.input.is_finite()
                && price.output.is_finite())
            {
                return Err(invalid(
                    line,
                    format!(
                        "prices.\"{model}\": input and output are dollars per million tokens, 0 or more"
                    ),
                ));
            }
            prices.insert(model, price);
        }
        Ok(Config {
            default_backend: raw.default_backend.map(Spanned::into_inner),
            default_format: raw.default_format.map(Spanned::into_inner),
            backends,
            plugins,
            hosting,
            prices,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, String> {
        Config::parse(text, Path::new("refine.toml")).map_err(|e| e.to_string())
    }

    #[test]
    fn named_backends_defaults_and_types() {
        let config = parse(
            "default_backend = \"lab\"\n[backends.lab]\nplugin = \"openai\"\nbase_url = \"http://127.0.0.1:9/v1\"\nmodel = \"m\"\ntemperature = 0.2\nmax_retries = 1\nstream = true\n",
        )
        .expect("valid");
        assert_eq!(config.default_backend.as_deref(), Some("lab"));
        let lab = &config.backends["lab"];
        assert_eq!(lab.plugin, "openai");
        assert_eq!(lab.options["temperature"], 0.2);
        assert_eq!(lab.options["max_retries"], 1);
        assert_eq!(lab.options["stream"], true);
    }

    #[test]
    fn errors_name_file_line_and_key() {
        assert_eq!(
            parse("default_backend = \"x\"\ndefault_fromat = \"json\"\n")
                .expect_err("unknown key")
                .lines()
                .next()
                .map(|l| l.starts_with("refine.toml:2: unknown field `default_fromat`")),
            Some(true)
        );
        let err =
            parse("[backends.lab]\nplugin = \"openai\"\nmodel = \"m\"\napi_key = \"sk-secret\"\n")
                .expect_err("inline key");
        assert!(
            err.starts_with("refine.toml:4: backends.lab.api_key: do not write a key"),
            "{err}"
        );
        assert!(!err.contains("sk-secret"));
        let err = parse("[backends.lab]\nplugin = \"openai\"\ntemprature = 0\n").expect_err("typo");
        assert!(
            err.starts_with("refine.toml:3: backends.lab.temprature: unknown option"),
            "{err}"
        );
        let err = parse("[backends.lab]\nplugin = \"openai\"\nmodel = [1, 2]\n").expect_err("type");
        assert!(
            err.starts_with("refine.toml:3: backends.lab.model: expected text"),
            "{err}"
        );
        let err = parse("default_backend = 3\n").expect_err("type");
        assert!(err.starts_with("refine.toml:1: invalid type"), "{err}");
        let err = parse("[backends.lab]\nmodel = \"m\"\n").expect_err("no plugin");
        assert!(err.contains("missing `plugin"), "{err}");
    }

    #[test]
    fn plugin_tables_become_json_and_refuse_secrets() {
        let config = parse("[plugins.outline]\nwidth = 80\nstyle = \"dense\"\n").expect("valid");
        assert_eq!(
            config.plugins["outline"],
            serde_json::json!({"width": 80, "style": "dense"})
        );
        let err = parse("[plugins.outline]\nwidth = 80\ntoken = \"abc\"\n").expect_err("secret");
        assert!(
            err.starts_with("refine.toml:3: plugins.outline.token: do not write a secret"),
            "{err}"
        );
        assert!(!err.contains("abc"));
    }

    #[test]
    fn the_builtin_local_backend_points_at_the_model_server() {
        let local = &Config::builtin().backends["local"];
        assert_eq!(local.plugin, "openai");
        assert_eq!(local.options["base_url"], "http://127.0.0.1:8089/v1");
    }
}
