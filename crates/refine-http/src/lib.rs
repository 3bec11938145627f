//! `refine-http`: what the HTTP backends share. A blocking client (ureq) with a connect timeout
//! and a whole-request deadline; retries of 429 and 5xx with exponential backoff and jitter,
//! honouring `Retry-After`, bounded in count and by the deadline; server-sent events read line
//! by line; and secrets that never print.

use std::io::{BufRead, BufReader};
use std::time::{Duration, Instant};

use refine_plugin::{BackendError, Options};

/// An API key. Its `Debug` and `Display` never show the value.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a key.
    pub fn new(value: String) -> Secret {
        Secret(value)
    }

    /// The key, for the one header that carries it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// Settings of an HTTP backend, read from its options.
#[derive(Debug, Clone)]
pub struct HttpSettings {
    /// The backend id, for messages.
    pub backend: String,
    /// The API's base URL, e.g. `http://127.0.0.1:8080/v1`.
    pub base_url: String,
    /// The model name.
    pub model: String,
    /// The key, when the env var named by `api_key_env` is set.
    pub api_key: Option<Secret>,
    /// Connect timeout.
    pub connect_timeout: Duration,
    /// Deadline for the whole request, retries and streaming included.
    pub timeout: Duration,
    /// Retries after the first attempt, for 429 and 5xx.
    pub max_retries: u32,
    /// Sampling temperature.
    pub temperature: Option<f64>,
    /// Reply token limit.
    pub max_tokens: u64,
    /// Sampling seed, where the API supports one.
    pub seed: Option<u64>,
    /// Stream the reply (server-sent events).
    pub stream: bool,
    /// Extra request headers.
    pub headers: Vec<(String, String)>,
    /// Whether to ask the provider to force the reply's shape.
    pub structured: Structured,
    /// What kind of server speaks the protocol, where servers differ in how they take a shape.
    pub server: Server,
    /// A JSON Schema the answer must follow instead of the pack's (`schema=`, JSON text): for
    /// calls that are not a pack, such as the eval's judge. The answer is then kept as JSON.
    pub schema: Option<serde_json::Value>,
}

/// Whether an HTTP backend asks the provider to force the reply's shape (`structured=`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Structured {
    /// Ask for it; a server that refuses the field is asked once more without it, with a
    /// warning (the default).
    Auto,
    /// Ask for it; a server that refuses the field is an error.
    On,
    /// Never ask: the prompt alone states the shape.
    Off,
}

/// The server behind an OpenAI-style API (`server=`): they take a reply's shape differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Server {
    /// OpenAI, Ollama's `/v1`, vLLM, LM Studio: `response_format` with a strict JSON Schema.
    OpenAi,
    /// llama.cpp's `llama-server`: a GBNF `grammar` of the tagged reply itself (never together
    /// with a schema: llama.cpp refuses both at once).
    LlamaCpp,
}

/// A field that forces the reply's shape: its name in the request body, its value, and what the
/// reply then is.
pub struct Shape {
    /// The request body's field (`response_format`, `grammar`, `output_config`).
    pub field: &'static str,
    /// Its value.
    pub value: serde_json::Value,
    /// What the reply then holds: `json_schema` (JSON, turned into tagged text), `grammar`
    /// (tagged text already) or `json` (JSON of the caller's own schema, kept as it is).
    pub kind: &'static str,
}

/// Sends `body` with `shape` added, when there is one; a refusal of the field (in `auto` mode)
/// is asked once more without it, with a warning. A JSON reply becomes tagged text (read as it
/// is, with a warning, when it is not the requested JSON). Shared by the HTTP backends, so they
/// force shapes alike.
pub fn shaped(
    settings: &HttpSettings,
    body: &serde_json::Value,
    shape: Option<Shape>,
    guide: &refine_core::Guide,
    mut send: impl FnMut(&serde_json::Value) -> Result<refine_plugin::BackendReply, BackendError>,
) -> Result<refine_plugin::BackendReply, BackendError> {
    let Some(shape) = shape.filter(|_| settings.structured != Structured::Off) else {
        return send(body);
    };
    let mut with = body.clone();
    with[shape.field] = shape.value;
    let mut warnings = Vec::new();
    let mut reply = match send(&with) {
        Err(e) if settings.structured == Structured::Auto && is_refusal(&e) => {
            warnings.push(format!(
                "the server refused `{}` ({e}); asked again without structured output",
                shape.field
            ));
            let mut reply = send(body)?;
            reply.meta.warnings = warnings;
            return Ok(reply);
        }
        other => other?,
    };
    if shape.kind == "json_schema" {
        match refine_core::structured::to_tagged(&reply.text, guide) {
            Ok(tagged) => reply.text = tagged,
            Err(e) => warnings.push(format!(
                "the reply does not follow the requested JSON Schema ({e}); read as it is"
            )),
        }
    }
    reply.meta.structured = Some(shape.kind.to_string());
    reply.meta.warnings = warnings;
    Ok(reply)
}

/// Whether `error` is the server refusing the request as invalid (HTTP 400 or 422), as a server
/// does when it does not know a field such as `response_format` or `grammar`.
pub fn is_refusal(error: &BackendError) -> bool {
    matches!(error, BackendError::Input(m) if m.contains(": HTTP 400:") || m.contains(": HTTP 422:"))
}

/// The options every HTTP backend takes, with their meaning, for messages and docs.
pub const KNOWN_OPTIONS: &[&str] = &[
    "base_url",
    "model",
    "api_key_env",
    "temperature",
    "max_tokens",
    "seed",
    "timeout",
    "connect_timeout",
    "max_retries",
    "stream",
    "headers",
    "structured",
    "server",
    "schema",
];

/// Defaults of one backend.
#[derive(Debug, Clone, Copy)]
pub struct Defaults {
    /// The backend id.
    pub backend: &'static str,
    /// Base URL when none is given.
    pub base_url: &'static str,
    /// Model when none is given; `None` means the option is required.
    pub model: Option<&'static str>,
    /// The env var holding the key.
    pub api_key_env: &'static str,
}

/// An input error; the host names the backend.
fn bad(_backend: &str, message: String) -> BackendError {
    BackendError::Input(message)
}

impl HttpSettings {
    /// Reads the options. Unknown options and wrong types are input errors naming the option;
    /// an option named `api_key` is refused, since keys belong in the environment.
    pub fn from_options(
        options: &Options,
        defaults: Defaults,
    ) -> Result<HttpSettings, BackendError> {
        let backend = defaults.backend;
        for key in options.keys() {
            if key == "api_key" || key == "key" || key == "token" {
                return Err(bad(
                    backend,
                    format!(
                        "option `{key}`: do not pass a key inline; put it in an environment variable and name it with api_key_env=VAR"
                    ),
                ));
            }
            if !KNOWN_OPTIONS.contains(&key.as_str()) {
                return Err(bad(
                    backend,
                    format!(
                        "unknown option `{key}` (known: {})",
                        KNOWN_OPTIONS.join(", ")
                    ),
                ));
            }
        }
        let text = |name: &str| -> Result<Option<String>, BackendError> {
            match options.get(name) {
                None => Ok(None),
                Some(serde_json::Value::String(s)) => Ok(Some(s.clone())),
                Some(other) => Err(bad(
                    backend,
                    format!("option `{name}` must be text, not {other}"),
                )),
            }
        };
        let number = |name: &str| -> Result<Option<f64>, BackendError> {
            match options.get(name) {
                None => Ok(None),
                Some(v) => v
                    .as_f64()
                    .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
                    .filter(|n| n.is_finite() && *n >= 0.0)
                    .map(Some)
                    .ok_or_else(|| {
                        bad(
                            backend,
                            format!("option `{name}` must be a non-negative number, not {v}"),
                        )
                    }),
            }
        };
        let flag = |name: &str| -> Result<bool, BackendError> {
            match options.get(name) {
                None => Ok(false),
                Some(serde_json::Value::Bool(b)) => Ok(*b),
                Some(serde_json::Value::String(s)) if s == "true" || s == "false" => {
                    Ok(s == "true")
                }
                Some(other) => Err(bad(
                    backend,
                    format!("option `{name}` must be true or false, not {other}"),
                )),
            }
        };
        let model = match (text("model")?, defaults.model) {
            (Some(m), _) => m,
            (None, Some(m)) => m.to_string(),
            (None, None) => {
                return Err(bad(
                    backend,
                    String::from("needs a model: give model=NAME (or --model NAME)"),
                ));
            }
        };
        let api_key_env = text("api_key_env")?.unwrap_or_else(|| defaults.api_key_env.to_string());
        let api_key = std::env::var(&api_key_env)
            .ok()
            .filter(|k| !k.is_empty())
            .map(Secret::new);
        let base_url = text("base_url")?.unwrap_or_else(|| defaults.base_url.to_string());
        if !(base_url.starts_with("http://") || base_url.starts_with("https://")) {
            return Err(bad(
                backend,
                format!("base_url `{base_url}` must start with http:// or https://"),
            ));
        }
        let headers = match text("headers")? {
            None => Vec::new(),
            Some(list) => list
                .split(';')
                .filter(|h| !h.trim().is_empty())
                .map(|h| {
                    h.split_once(':')
                        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
                        .ok_or_else(|| bad(backend, format!("header `{h}` is not Name: value")))
                })
                .collect::<Result<_, _>>()?,
        };
        let schema = match text("schema")? {
            None => None,
            Some(json) => Some(
                serde_json::from_str::<serde_json::Value>(&json)
                    .ok()
                    .filter(serde_json::Value::is_object)
                    .ok_or_else(|| {
                        bad(
                            backend,
                            String::from(
                                "option `schema` must be a JSON Schema object, as JSON text",
                            ),
                        )
                    })?,
            ),
        };
        let structured = match text("structured")?.as_deref() {
            None | Some("auto") => Structured::Auto,
            Some("on") => Structured::On,
            Some("off") => Structured::Off,
            Some(other) => {
                return Err(bad(
                    backend,
                    format!("option `structured` must be auto, on or off, not `{other}`"),
                ));
            }
        };
        let server = match text("server")?
            .as_deref()
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            None | Some("openai" | "ollama" | "vllm" | "lmstudio") => Server::OpenAi,
            Some("llama.cpp" | "llamacpp" | "llama-server") => Server::LlamaCpp,
            Some(other) => {
                return Err(bad(
                    backend,
                    format!(
                        "option `server` must be openai, ollama, vllm, lmstudio or llama.cpp, not `{other}`"
                    ),
                ));
            }
        };
        let secs = |v: f64| Duration::from_secs_f64(v.min(86_400.0));
        Ok(HttpSettings {
            backend: backend.to_string(),
            base_url: base_url.trim_end_matches('/').to_string(),
            model,
            api_key,
            connect_timeout: number("connect_timeout")?.map_or(Duration::from_secs(10), secs),
            timeout: number("timeout")?.map_or(Duration::from_secs(300), secs),
            max_retries: number("max_retries")?.map_or(3, |n| n.min(20.0) as u32),
            temperature: number("temperature")?,
            max_tokens: number("max_tokens")?.map_or(1500, |n| n as u64),
            seed: number("seed")?.map(|n| n as u64),
            stream: flag("stream")?,
            headers,
            structured,
            server,
            schema,
        })
    }

    /// A one-line error naming the URL, never the key (the host names the backend).
    pub fn error(&self, url: &str, what: impl std::fmt::Display) -> BackendError {
        BackendError::Unavailable(format!("{url}: {what}"))
    }
}

/// A successful response: the body (or, when streaming, nothing) after the events were read.
pub struct Exchange {
    /// The whole body, for a non-streamed request.
    pub body: String,
    /// How many attempts it took.
    pub attempts: u32,
}

/// How long to wait before retry `attempt` (from 1): exponential from 0.5 s, capped at 8 s,
/// with ±50% jitter; `Retry-After` seconds win when the server gives them.
pub fn backoff(attempt: u32, retry_after: Option<Duration>) -> Duration {
    if let Some(wait) = retry_after {
        return wait;
    }
    let base = 0.5 * 2f64.powi(attempt.saturating_sub(1).min(10) as i32);
    let capped = base.min(8.0);
    Duration::from_secs_f64(capped * (0.5 + fastrand::f64()))
}

/// `Retry-After` as seconds (the HTTP-date form is read as no hint).
fn retry_after(response: &ureq::http::Response<ureq::Body>) -> Option<Duration> {
    let value = response.headers().get("retry-after")?.to_str().ok()?;
    value
        .trim()
        .parse::<f64>()
        .ok()
        .filter(|s| s.is_finite() && *s >= 0.0)
        .map(Duration::from_secs_f64)
}

/// The provider's own error message from an error body, when it has one.
fn provider_message(body: &str) -> String {
    let parsed: Option<serde_json::Value> = serde_json::from_str(body).ok();
    let message = parsed.as_ref().and_then(|v| {
        v.pointer("/error/message")
            .or_else(|| v.pointer("/message"))
            .or_else(|| v.pointer("/error"))
            .and_then(|m| m.as_str().map(str::to_string))
    });
    let text = message.unwrap_or_else(|| body.trim().to_string());
    text.chars().take(300).collect()
}

/// Told each server-sent event's name and data; says `true` once the reply is complete, or why
/// the stream is unusable.
pub type OnEvent<'a> = dyn FnMut(&str, &str) -> Result<bool, String> + 'a;

/// POSTs `body` to `url` with retries; for a streamed request, hands each server-sent event's
/// data to `on_event` (which says `true` once the stream is complete) and fails if the stream
/// ends before that.
pub fn post(
    settings: &HttpSettings,
    url: &str,
    headers: &[(&str, String)],
    body: &serde_json::Value,
    mut on_event: Option<&mut OnEvent<'_>>,
) -> Result<Exchange, BackendError> {
    let started = Instant::now();
    let payload = body.to_string();
    let mut attempt = 0u32;
    loop {
        attempt += 1;
        let left = settings
            .timeout
            .checked_sub(started.elapsed())
            .unwrap_or_default();
        if left.is_zero() {
            return Err(settings.error(
                url,
                format!(
                    "no answer within the timeout of {:?} ({} attempts)",
                    settings.timeout,
                    attempt - 1
                ),
            ));
        }
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_connect(Some(settings.connect_timeout.min(left)))
            .timeout_global(Some(left))
            .http_status_as_error(false)
            .build()
            .into();
        let mut request = agent.post(url).header("content-type", "application/json");
        for (name, value) in headers {
            request = request.header(*name, value.as_str());
        }
        for (name, value) in &settings.headers {
            request = request.header(name.as_str(), value.as_str());
        }
        let mut response = match request.send(payload.as_str()) {
            Ok(r) => r,
            Err(ureq::Error::Timeout(_)) => {
                return Err(settings.error(
                    url,
                    format!("timed out after {:.1} s", started.elapsed().as_secs_f64()),
                ));
            }
            Err(ureq::Error::Io(e)) if e.kind() == std::io::ErrorKind::ConnectionRefused => {
                return Err(settings.error(url, "connection refused (is the server running?)"));
            }
            Err(e) => return Err(settings.error(url, e)),
        };
        let status = response.status().as_u16();
        if status == 429 || status >= 500 {
            let hint = retry_after(&response);
            let message =
                provider_message(&response.body_mut().read_to_string().unwrap_or_default());
            let wait = backoff(attempt, hint);
            let out_of_time = started.elapsed() + wait >= settings.timeout;
            if attempt > settings.max_retries || out_of_time {
                let why = if out_of_time {
                    "the next retry would pass the timeout"
                } else {
                    "no retries left"
                };
                return Err(settings.error(
                    url,
                    format!("HTTP {status} after {attempt} attempts ({why}): {message}"),
                ));
            }
            std::thread::sleep(wait);
            continue;
        }
        if !(200..300).contains(&status) {
            let message =
                provider_message(&response.body_mut().read_to_string().unwrap_or_default());
            let error = format!("HTTP {status}: {message}");
            return Err(if status == 400 || status == 404 || status == 422 {
                BackendError::Input(format!("{url}: {error}"))
            } else {
                settings.error(url, error)
            });
        }
        let Some(on_event) = on_event.as_mut() else {
            let body = response
                .body_mut()
                .with_config()
                .limit(64 * 1024 * 1024)
                .read_to_string()
                .map_err(|e| settings.error(url, format!("reading the reply: {e}")))?;
            return Ok(Exchange {
                body,
                attempts: attempt,
            });
        };
        let reader = BufReader::new(response.into_body().into_reader());
        let mut event = String::from("message");
        let mut complete = false;
        for line in reader.lines() {
            let line =
                line.map_err(|e| settings.error(url, format!("the stream broke off: {e}")))?;
            if let Some(name) = line.strip_prefix("event:") {
                event = name.trim().to_string();
            } else if let Some(data) = line.strip_prefix("data:") {
                complete =
                    on_event(&event, data.trim_start()).map_err(|e| settings.error(url, e))?;
                if complete {
                    break;
                }
            } else if line.is_empty() {
                event = String::from("message");
            }
        }
        if !complete {
            return Err(settings.error(
                url,
                "the stream ended before the reply was complete (truncated stream)",
            ));
        }
        return Ok(Exchange {
            body: String::new(),
            attempts: attempt,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn defaults() -> Defaults {
        Defaults {
            backend: "openai",
            base_url: "http://127.0.0.1:1/v1",
            model: Some("m"),
            api_key_env: "REFINE_TEST_NO_SUCH_KEY",
        }
    }

    #[test]
    fn secrets_never_print() {
        let secret = Secret::new(String::from("sk-live-123"));
        assert_eq!(format!("{secret:?}"), "Secret(***)");
        let settings = HttpSettings::from_options(&Options::new(), defaults()).expect("settings");
        assert!(!format!("{settings:?}").contains("sk-"));
    }

    #[test]
    fn options_are_checked_by_name_and_type() {
        let mut options = Options::new();
        options.insert("api_key".into(), "sk-123".into());
        let err = HttpSettings::from_options(&options, defaults()).expect_err("inline key");
        assert!(err.to_string().contains("api_key_env"), "{err}");
        assert!(!err.to_string().contains("sk-123"));
        let mut options = Options::new();
        options.insert("temprature".into(), 0.5.into());
        assert!(
            HttpSettings::from_options(&options, defaults())
                .expect_err("typo")
                .to_string()
                .contains("unknown option `temprature`")
        );
        let mut options = Options::new();
        options.insert("timeout".into(), "soon".into());
        assert!(HttpSettings::from_options(&options, defaults()).is_err());
        let mut options = Options::new();
        options.insert("timeout".into(), 2.5.into());
        options.insert("headers".into(), "X-A: 1; X-B: two".into());
        let s = HttpSettings::from_options(&options, defaults()).expect("settings");
        assert_eq!(s.timeout, Duration::from_millis(2500));
        assert_eq!(
            s.headers,
            vec![("X-A".into(), "1".into()), ("X-B".into(), "two".into())]
        );
    }

    #[test]
    fn backoff_grows_is_capped_and_honours_retry_after() {
        for attempt in 1..20 {
            let wait = backoff(attempt, None).as_secs_f64();
            let base = (0.5 * 2f64.powi(attempt as i32 - 1)).min(8.0);
            assert!(
                wait >= base * 0.5 && wait <= base * 1.5,
                "{attempt}: {wait}"
            );
        }
        assert_eq!(
            backoff(1, Some(Duration::from_secs(2))),
            Duration::from_secs(2)
        );
    }
}
