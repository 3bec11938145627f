//! The HTTP backends against a loopback server of the test's own that answers from a script:
//! 429 with Retry-After, 500s, a stalled response, a truncated stream, invalid JSON, a 401, a
//! closed port; each proves bounded attempts and a clear one-line error that never holds the key.
//! Streaming and non-streaming replies of both protocols are read too.

mod common;

use std::net::TcpListener;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use common::{Answer, KEY, call, no_key, ok_json, serve, set_key, sse};

use backend_anthropic::AnthropicBackend;
use backend_openai::OpenAiBackend;
use refine_plugin::BackendError;

#[test]
fn a_429_with_retry_after_is_retried_after_waiting() {
    set_key();
    let server = serve(vec![
        Answer::Full(
            429,
            vec![("retry-after", "1".into())],
            r#"{"error":{"message":"slow down"}}"#.into(),
        ),
        ok_json("<agenda>x</agenda>"),
    ]);
    let started = Instant::now();
    let reply = call(&OpenAiBackend, &server.url, &[]).expect("second attempt succeeds");
    assert!(
        started.elapsed() >= Duration::from_millis(950),
        "waited for Retry-After"
    );
    assert_eq!(server.connections.load(Ordering::SeqCst), 2);
    assert_eq!(reply.text, "<agenda>x</agenda>");
    assert_eq!(
        (reply.meta.input_tokens, reply.meta.output_tokens),
        (Some(11), Some(7))
    );
    let seen = server.seen.lock().expect("lock");
    assert!(seen[0].head.to_ascii_lowercase().contains(&format!(
        "authorization: bearer {}",
        KEY.to_ascii_lowercase()
    )));
    let body: serde_json::Value = serde_json::from_str(&seen[0].body).expect("JSON request");
    assert_eq!(body["messages"][0]["content"], "PROMPT");
    assert_eq!(body["model"], "tiny");
}

#[test]
fn repeated_500s_stop_after_max_retries_with_the_providers_message() {
    set_key();
    let server = serve(vec![Answer::Full(
        500,
        vec![],
        r#"{"error":{"message":"model overloaded"}}"#.into(),
    )]);
    let err =
        call(&OpenAiBackend, &server.url, &[("max_retries", 2.into())]).expect_err("gives up");
    let text = err.to_string();
    assert!(matches!(err, BackendError::Unavailable(_)));
    assert!(
        text.contains("HTTP 500 after 3 attempts") && text.contains("model overloaded"),
        "{text}"
    );
    assert!(text.contains(&server.url), "{text}");
    assert_eq!(
        server.connections.load(Ordering::SeqCst),
        3,
        "1 + max_retries attempts"
    );
    assert_eq!(text.lines().count(), 1);
    no_key(&text);
}

#[test]
fn retries_stop_at_the_whole_request_timeout() {
    let server = serve(vec![Answer::Full(
        429,
        vec![("retry-after", "30".into())],
        "{}".into(),
    )]);
    let started = Instant::now();
    let err = call(
        &OpenAiBackend,
        &server.url,
        &[("timeout", 2.into()), ("max_retries", 5.into())],
    )
    .expect_err("gives up");
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "does not sleep past the deadline"
    );
    assert!(
        err.to_string()
            .contains("the next retry would pass the timeout"),
        "{err}"
    );
    assert_eq!(server.connections.load(Ordering::SeqCst), 1);
}

#[test]
fn a_stalled_response_times_out() {
    let server = serve(vec![Answer::Stall]);
    let started = Instant::now();
    let err = call(&OpenAiBackend, &server.url, &[("timeout", 1.into())]).expect_err("times out");
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "bounded: {:?}",
        started.elapsed()
    );
    assert!(err.to_string().contains("timed out"), "{err}");
}

#[test]
fn other_4xx_are_not_retried_and_show_the_providers_message() {
    set_key();
    let server = serve(vec![Answer::Full(
        401,
        vec![],
        r#"{"error":{"message":"Incorrect API key provided"}}"#.into(),
    )]);
    let err = call(&OpenAiBackend, &server.url, &[]).expect_err("unauthorized");
    assert!(
        err.to_string()
            .contains("HTTP 401: Incorrect API key provided"),
        "{err}"
    );
    assert_eq!(server.connections.load(Ordering::SeqCst), 1);
    no_key(&err.to_string());
}

#[test]
fn invalid_json_and_a_closed_port_are_clear_errors() {
    let server = serve(vec![Answer::Full(200, vec![], "{not json".into())]);
    let err = call(&OpenAiBackend, &server.url, &[]).expect_err("bad JSON");
    assert!(
        err.to_string().contains("invalid JSON in the reply"),
        "{err}"
    );
    let closed = TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}/v1", closed.local_addr().expect("addr"));
    drop(closed);
    let err = call(&OpenAiBackend, &url, &[]).expect_err("refused");
    assert!(err.to_string().contains("connection refused"), "{err}");
}

#[test]
fn a_truncated_stream_is_an_error() {
    let chunk = |t: &str| {
        format!(
            "data: {}",
            serde_json::json!({"choices": [{"delta": {"content": t}}]})
        )
    };
    let server = serve(vec![sse(&[chunk("<agenda>"), chunk("1. Context")])]);
    let err = call(&OpenAiBackend, &server.url, &[("stream", true.into())]).expect_err("truncated");
    assert!(err.to_string().contains("truncated stream"), "{err}");
}

#[test]
fn streamed_and_plain_openai_replies_agree() {
    let chunk = |t: &str| {
        format!(
            "data: {}",
            serde_json::json!({"model": "tiny", "choices": [{"delta": {"content": t}}]})
        )
    };
    let usage = format!(
        "data: {}",
        serde_json::json!({"choices": [], "usage": {"prompt_tokens": 11, "completion_tokens": 7}})
    );
    let server = serve(vec![sse(&[
        chunk("<agenda>"),
        chunk("x</agenda>"),
        usage,
        String::from("data: [DONE]"),
    ])]);
    let streamed = call(&OpenAiBackend, &server.url, &[("stream", true.into())]).expect("stream");
    let plain_server = serve(vec![ok_json("<agenda>x</agenda>")]);
    let plain = call(&OpenAiBackend, &plain_server.url, &[]).expect("plain");
    assert_eq!(streamed.text, plain.text);
    assert_eq!(
        (streamed.meta.input_tokens, streamed.meta.output_tokens),
        (Some(11), Some(7))
    );
    assert!(streamed.meta.first_token_ms.is_some() && streamed.meta.latency_ms.is_some());
    let body: serde_json::Value =
        serde_json::from_str(&server.seen.lock().expect("lock")[0].body).expect("JSON");
    assert_eq!(body["stream_options"]["include_usage"], true);
}

#[test]
fn anthropic_messages_streamed_and_plain() {
    set_key();
    let event = |name: &str, data: serde_json::Value| format!("event: {name}\ndata: {data}");
    let server = serve(vec![sse(&[
        event(
            "message_start",
            serde_json::json!({"type": "message_start", "message": {"model": "tiny", "usage": {"input_tokens": 21}}}),
        ),
        event(
            "content_block_delta",
            serde_json::json!({"type": "content_block_delta", "delta": {"type": "text_delta", "text": "<agenda>"}}),
        ),
        event(
            "content_block_delta",
            serde_json::json!({"type": "content_block_delta", "delta": {"type": "text_delta", "text": "y</agenda>"}}),
        ),
        event(
            "message_delta",
            serde_json::json!({"type": "message_delta", "usage": {"output_tokens": 9}}),
        ),
        event("message_stop", serde_json::json!({"type": "message_stop"})),
    ])]);
    let streamed =
        call(&AnthropicBackend, &server.url, &[("stream", true.into())]).expect("stream");
    assert_eq!(streamed.text, "<agenda>y</agenda>");
    assert_eq!(
        (streamed.meta.input_tokens, streamed.meta.output_tokens),
        (Some(21), Some(9))
    );
    let seen = server.seen.lock().expect("lock")[0].clone();
    assert!(seen.head.starts_with("POST /v1/messages "), "{}", seen.head);
    let head = seen.head.to_ascii_lowercase();
    assert!(
        head.contains("anthropic-version: 2023-06-01")
            && head.contains(&format!("x-api-key: {}", KEY.to_ascii_lowercase()))
    );

    let plain = serve(vec![Answer::Full(
        200,
        vec![],
        serde_json::json!({"model": "tiny", "content": [{"type": "text", "text": "<agenda>y</agenda>"}], "usage": {"input_tokens": 21, "output_tokens": 9}}).to_string(),
    )]);
    let reply = call(&AnthropicBackend, &plain.url, &[]).expect("plain");
    assert_eq!(reply.text, streamed.text);
    let truncated = serve(vec![sse(&[event(
        "message_start",
        serde_json::json!({"type": "message_start", "message": {}}),
    )])]);
    let err = call(
        &AnthropicBackend,
        &truncated.url,
        &[("stream", true.into())],
    )
    .expect_err("truncated");
    assert!(err.to_string().contains("truncated stream"), "{err}");
}
