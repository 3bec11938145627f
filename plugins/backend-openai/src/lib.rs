//! `backend-openai` (id `openai`): the OpenAI chat-completions protocol, which OpenAI, Ollama,
//! vLLM, llama.cpp's server, LM Studio and OpenRouter all speak. Streaming reads the
//! `chat.completion.chunk` events up to `data: [DONE]`, with usage from the final chunk.

use std::time::Instant;

use refine_core::structured;
use refine_http::{Defaults, HttpSettings, Server, Shape, post, shaped};
use refine_plugin::{Backend, BackendError, BackendInput, BackendReply, PluginInfo, ReplyMeta};
use serde_json::{Value, json};

/// The defaults: OpenAI's API, the key in `OPENAI_API_KEY`, a model required.
pub const DEFAULTS: Defaults = Defaults {
    backend: "openai",
    base_url: "https://api.openai.com/v1",
    model: None,
    api_key_env: "OPENAI_API_KEY",
};

/// The OpenAI-compatible backend.
#[derive(Debug, Clone, Copy, Default)]
pub struct OpenAiBackend;

fn tokens(usage: &Value, name: &str) -> Option<u64> {
    usage.get(name).and_then(Value::as_u64)
}

impl Backend for OpenAiBackend {
    fn info(&self) -> PluginInfo {
        PluginInfo {
            id: String::from("openai"),
            version: env!("CARGO_PKG_VERSION").to_string(),
            description: String::from(
                "OpenAI chat completions (also Ollama, vLLM, llama.cpp, LM Studio); model=, base_url=",
            ),
        }
    }

    fn generate(&self, input: &BackendInput<'_>) -> Result<BackendReply, BackendError> {
        let s = HttpSettings::from_options(input.options, DEFAULTS)?;
        let url = format!("{}/chat/completions", s.base_url);
        let mut body = json!({
            "model": s.model,
            "messages": [{"role": "user", "content": input.prompt}],
            "max_tokens": s.max_tokens,
            "stream": s.stream,
        });
        if let Some(t) = s.temperature {
            body["temperature"] = json!(t);
        }
        if let Some(seed) = s.seed {
            body["seed"] = json!(seed);
        }
        if s.stream {
            body["stream_options"] = json!({"include_usage": true});
        }
        let mut headers = Vec::new();
        if let Some(key) = &s.api_key {
            headers.push(("authorization", format!("Bearer {}", key.expose())));
        }
        // The reply's shape, forced where the server can: a strict JSON Schema, or for
        // llama.cpp's server a grammar of the tagged reply itself.
        let shape = match (&s.schema, s.server) {
            // A caller's own schema (the eval's judge): the answer stays JSON.
            (Some(schema), _) => Shape {
                field: "response_format",
                value: json!({
                    "type": "json_schema",
                    "json_schema": {"name": "answer", "strict": true, "schema": schema},
                }),
                kind: "json",
            },
            (None, server) => match server {
                Server::LlamaCpp => Shape {
                    field: "grammar",
                    value: json!(structured::grammar(input.guide, input.request)),
                    kind: "grammar",
                },
                Server::OpenAi => Shape {
                    field: "response_format",
                    value: json!({
                        "type": "json_schema",
                        "json_schema": {
                            "name": structured::SCHEMA_NAME,
                            "strict": true,
                            "schema": structured::json_schema(input.guide, input.request),
                        },
                    }),
                    kind: "json_schema",
                },
            },
        };
        shaped(&s, &body, Some(shape), input.guide, |body| {
            complete(&s, &url, &headers, body, input)
        })
    }
}

/// One chat completion, streamed or not, as reply text and how it was made.
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
        let mut on_event = |_: &str, data: &str| -> Result<bool, String> {
            if data == "[DONE]" {
                return Ok(true);
            }
            let chunk: Value = serde_json::from_str(data)
                .map_err(|e| format!("invalid JSON in a stream event: {e}"))?;
            if let Some(message) = chunk.pointer("/error/message").and_then(Value::as_str) {
                return Err(format!(
                    "the server reported an error mid-stream: {message}"
                ));
            }
            if let Some(piece) = chunk
                .pointer("/choices/0/delta/content")
                .and_then(Value::as_str)
            {
                if meta.first_token_ms.is_none() && !piece.is_empty() {
                    meta.first_token_ms = Some(started.elapsed().as_millis() as u64);
                }
                text.push_str(piece);
                if input.on_text.is_some_and(|sink| !sink(piece)) {
                    return Err(String::from("cancelled by the user"));
                }
            }
            if let Some(usage) = chunk.get("usage").filter(|u| u.is_object()) {
                meta.input_tokens = tokens(usage, "prompt_tokens");
                meta.output_tokens = tokens(usage, "completion_tokens");
            }
            if let Some(model) = chunk.get("model").and_then(Value::as_str) {
                meta.model = Some(model.to_string());
            }
            Ok(false)
        };
        post(s, url, headers, body, Some(&mut on_event))?;
        text
    } else {
        let exchange = post(s, url, headers, body, None)?;
        let reply: Value = serde_json::from_str(&exchange.body)
            .map_err(|e| s.error(url, format!("invalid JSON in the reply: {e}")))?;
        if let Some(usage) = reply.get("usage") {
            meta.input_tokens = tokens(usage, "prompt_tokens");
            meta.output_tokens = tokens(usage, "completion_tokens");
        }
        if let Some(model) = reply.get("model").and_then(Value::as_str) {
            meta.model = Some(model.to_string());
        }
        reply
            .pointer("/choices/0/message/content")
            .and_then(Value::as_str)
            .ok_or_else(|| s.error(url, "the reply has no choices[0].message.content"))?
            .to_string()
    };
    meta.latency_ms = Some(started.elapsed().as_millis() as u64);
    Ok(BackendReply { text, meta })
}
