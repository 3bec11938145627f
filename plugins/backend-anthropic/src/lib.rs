//! `backend-anthropic` (id `anthropic`): Anthropic's Messages API. Streaming reads the
//! `message_start`, `content_block_delta`, `message_delta` and `message_stop` events.

use std::time::Instant;

use refine_core::structured;
use refine_http::{Defaults, HttpSettings, Shape, post, shaped};
use refine_plugin::{Backend, BackendError, BackendInput, BackendReply, PluginInfo, ReplyMeta};
use serde_json::{Value, json};

/// The defaults: Anthropic's API, the key in `ANTHROPIC_API_KEY`, a model required.
pub const DEFAULTS: Defaults = Defaults {
    backend: "anthropic",
    base_url: "https://api.anthropic.com/v1",
    model: None,
    api_key_env: "ANTHROPIC_API_KEY",
};

/// The API version header this backend speaks.
pub const API_VERSION: &str = "2023-06-01";

/// Input tokens of a usage object: fresh, cache-read and cache-written tokens together, as the
/// API splits them.
fn input_tokens(usage: Option<&Value>) -> Option<u64> {
    let usage = usage?;
    let parts: Vec<u64> = [
        "input_tokens",
        "cache_read_input_tokens",
        "cache_creation_input_tokens",
    ]
    .iter()
    .filter_map(|k| usage.get(*k).and_then(Value::as_u64))
    .collect();
    (!parts.is_empty()).then(|| parts.iter().sum())
}

/// The Anthropic Messages backend.
#[derive(Debug, Clone, Copy, Default)]
pub struct AnthropicBackend;

impl Backend for AnthropicBackend {
    fn info(&self) -> PluginInfo {
        PluginInfo {
            id: String::from("anthropic"),
            version: env!("CARGO_PKG_VERSION").to_string(),
            description: String::from("Anthropic Messages API; model=, base_url="),
        }
    }

    fn generate(&self, input: &BackendInput<'_>) -> Result<BackendReply, BackendError> {
        let s = HttpSettings::from_options(input.options, DEFAULTS)?;
        let url = format!("{}/messages", s.base_url);
        let mut body = json!({
            "model": s.model,
            "max_tokens": s.max_tokens,
            "messages": [{"role": "user", "content": input.prompt}],
            "stream": s.stream,
        });
        if let Some(t) = s.temperature {
            body["temperature"] = json!(t);
        }
        let mut headers = vec![("anthropic-version", API_VERSION.to_string())];
        if let Some(key) = &s.api_key {
            headers.push(("x-api-key", key.expose().to_string()));
        }
        // Structured outputs: the reply as JSON following the reply's schema.
        // A caller's own schema (the eval's judge) is kept as JSON; else the pack's.
        let (schema, kind) = match &s.schema {
            Some(schema) => (schema.clone(), "json"),
            None => (
                structured::json_schema(input.guide, input.request),
                "json_schema",
            ),
        };
        let shape = Shape {
            field: "output_config",
            value: json!({"format": {"type": "json_schema", "schema": schema}}),
            kind,
        };
        shaped(&s, &body, Some(shape), input.guide, |body| {
            complete(&s, &url, &headers, body, input)
        })
    }
}

/// One Messages call, streamed or not, as reply text and how it was made.
fn complete(
    s: &HttpSettings,
    url: &str,
    headers: &[(&str, String)],
    body: &Value,
    input: &BackendInput<'_>,
) -> Result<BackendReply, BackendError> {
    let started = Instant::now();
    let mut meta = ReplyMeta {
        model: Some(s.model.clone()),
        ..ReplyMeta::default()
    };
    let text = if s.stream {
        let mut text = String::new();
        let mut on_event = |event: &str, data: &str| -> Result<bool, String> {
            let payload: Value = serde_json::from_str(data)
                .map_err(|e| format!("invalid JSON in a stream event: {e}"))?;
            let kind = payload.get("type").and_then(Value::as_str).unwrap_or(event);
            match kind {
                "message_start" => {
                    meta.input_tokens = input_tokens(payload.pointer("/message/usage"));
                    if let Some(model) = payload.pointer("/message/model").and_then(Value::as_str) {
                        meta.model = Some(model.to_string());
                    }
                }
                "content_block_delta" => {
                    if let Some(piece) = payload.pointer("/delta/text").and_then(Value::as_str) {
                        if meta.first_token_ms.is_none() && !piece.is_empty() {
                            meta.first_token_ms = Some(started.elapsed().as_millis() as u64);
                        }
                        text.push_str(piece);
                        if input.on_text.is_some_and(|sink| !sink(piece)) {
                            return Err(String::from("cancelled by the user"));
                        }
                    }
                }
                "message_delta" => {
                    if let Some(n) = payload
                        .pointer("/usage/output_tokens")
                        .and_then(Value::as_u64)
                    {
                        meta.output_tokens = Some(n);
                    }
                    if let Some(n) = input_tokens(payload.get("usage")).filter(|n| *n > 0) {
                        meta.input_tokens = Some(n);
                    }
                }
                "message_stop" => return Ok(true),
                "error" => {
                    let message = payload
                        .pointer("/error/message")
                        .and_then(Value::as_str)
                        .unwrap_or("unknown error");
                    return Err(format!(
                        "the server reported an error mid-stream: {message}"
                    ));
                }
                _ => {}
            }
            Ok(false)
        };
        post(s, url, headers, body, Some(&mut on_event))?;
        text
    } else {
        let exchange = post(s, url, headers, body, None)?;
        let reply: Value = serde_json::from_str(&exchange.body)
            .map_err(|e| s.error(url, format!("invalid JSON in the reply: {e}")))?;
        meta.input_tokens = input_tokens(reply.get("usage"));
        meta.output_tokens = reply
            .pointer("/usage/output_tokens")
            .and_then(Value::as_u64);
        if let Some(model) = reply.get("model").and_then(Value::as_str) {
            meta.model = Some(model.to_string());
        }
        let blocks = reply
            .get("content")
            .and_then(Value::as_array)
            .ok_or_else(|| s.error(url, "the reply has no content blocks"))?;
        blocks
            .iter()
            .filter_map(|b| b.get("text").and_then(Value::as_str))
            .collect::<String>()
    };
    meta.latency_ms = Some(started.elapsed().as_millis() as u64);
    Ok(BackendReply { text, meta })
}
