//! Structured output against loopback servers of the tests' own: each protocol sends its
//! structured-output request in the provider's documented shape (OpenAI `response_format` with a
//! strict JSON Schema, llama.cpp's `grammar`, Anthropic `output_config.format`), a structured
//! reply becomes tagged text that lints clean, and a server that refuses the field is asked once
//! more without it, with a warning.

mod common;

use std::sync::atomic::Ordering;

use backend_anthropic::AnthropicBackend;
use backend_openai::OpenAiBackend;
use common::{Answer, call, ok_json, serve, set_key, sse};
use refine_core::{Guide, SessionRequest, Topic, analyze};
use serde_json::{Value, json};

/// A reply for "Fix flaky login" as the reply schema shapes it.
fn structured_reply() -> Value {
    json!({
        "agenda": [
            {"title": "Context Setting", "minutes": 20, "phase": "context-setting"},
            {"title": "Problem Space Exploration", "minutes": 45, "phase": "problem-space-exploration"},
            {"title": "Success Criteria Definition", "minutes": 20, "phase": "success-criteria-definition"},
            {"title": "Session Retrospective", "minutes": 10, "phase": "session-retrospective"},
        ],
        "key_points": [
            "Understanding problems deeply: what makes the login flaky for whom.",
            "Identify affected stakeholders of the flaky login.",
            "Defining clear success criteria for a stable login.",
        ],
        "discussion_questions": [
            "Who hits the flaky login most, and when?",
            "What changed before the login became flaky?",
            "How do we know the flaky login is getting worse?",
        ],
        "closing_statement": "Thank you for exploring the flaky login together. Next steps: I will share the notes and follow up on the action items.",
    })
}

fn lint(text: &str) -> Vec<refine_core::Finding> {
    let request = SessionRequest::new(Topic::new("Fix flaky login").expect("topic"));
    analyze(text, &Guide::builtin(), &request).findings
}

fn body(server: &common::Server, i: usize) -> Value {
    serde_json::from_str(&server.seen.lock().expect("lock")[i].body).expect("JSON request")
}

#[test]
fn openai_sends_a_strict_json_schema_and_the_json_reply_becomes_a_clean_pack() {
    set_key();
    let server = serve(vec![ok_json(&structured_reply().to_string())]);
    let reply = call(&OpenAiBackend, &server.url, &[]).expect("answers");
    let sent = body(&server, 0);
    assert_eq!(sent["response_format"]["type"], "json_schema");
    assert_eq!(sent["response_format"]["json_schema"]["strict"], true);
    assert_eq!(
        sent["response_format"]["json_schema"]["name"],
        "refinement_session_pack"
    );
    assert_eq!(
        sent["response_format"]["json_schema"]["schema"]["properties"]["key_points"]["maxItems"],
        5
    );
    assert!(
        sent.get("grammar").is_none(),
        "never a schema and a grammar at once"
    );
    assert_eq!(reply.meta.structured.as_deref(), Some("json_schema"));
    assert!(
        reply
            .text
            .starts_with("<agenda>\n1. Context Setting (20 min)"),
        "{}",
        reply.text
    );
    assert_eq!(lint(&reply.text), vec![], "{}", reply.text);
    assert!(reply.meta.warnings.is_empty());
}

#[test]
fn a_streamed_json_reply_is_shown_as_it_comes_and_read_whole() {
    set_key();
    let text = structured_reply().to_string();
    let (a, b) = text.split_at(text.len() / 2);
    let chunk = |piece: &str| {
        format!(
            "data: {}",
            json!({"choices": [{"delta": {"content": piece}}]})
        )
    };
    let server = serve(vec![sse(&[
        chunk(a),
        chunk(b),
        String::from("data: [DONE]"),
    ])]);
    let reply = call(&OpenAiBackend, &server.url, &[("stream", true.into())]).expect("answers");
    assert_eq!(body(&server, 0)["response_format"]["type"], "json_schema");
    assert_eq!(lint(&reply.text), vec![]);
}

#[test]
fn llama_cpp_gets_a_grammar_of_the_tagged_reply_and_no_schema() {
    set_key();
    let tagged = "<agenda>\n1. Context Setting (20 min)\n</agenda>";
    let server = serve(vec![ok_json(tagged)]);
    let reply = call(
        &OpenAiBackend,
        &server.url,
        &[("server", "llama.cpp".into())],
    )
    .expect("answers");
    let sent = body(&server, 0);
    let grammar = sent["grammar"].as_str().expect("a grammar");
    assert!(
        grammar.starts_with("root ::= \"<agenda>\\n\" agenda"),
        "{grammar}"
    );
    assert!(
        grammar.contains("\"1. Context Setting (\" \"20\" \" min)\\n\""),
        "{grammar}"
    );
    assert!(sent.get("response_format").is_none());
    assert_eq!(reply.text, tagged, "a grammar's reply is already tagged");
    assert_eq!(reply.meta.structured.as_deref(), Some("grammar"));
}

#[test]
fn a_server_that_refuses_the_field_is_asked_once_more_without_it() {
    set_key();
    let refusal = Answer::Full(
        400,
        vec![],
        r#"{"error":{"message":"Unrecognized request argument supplied: response_format"}}"#.into(),
    );
    let server = serve(vec![refusal.clone(), ok_json("<agenda>x</agenda>")]);
    let reply = call(&OpenAiBackend, &server.url, &[]).expect("the second request answers");
    assert_eq!(
        server.connections.load(Ordering::SeqCst),
        2,
        "exactly one retry"
    );
    assert!(body(&server, 0).get("response_format").is_some());
    assert!(body(&server, 1).get("response_format").is_none());
    assert_eq!(reply.text, "<agenda>x</agenda>");
    assert_eq!(reply.meta.structured, None);
    assert!(
        reply.meta.warnings[0].contains("refused `response_format`")
            && reply.meta.warnings[0].contains("Unrecognized request argument"),
        "{:?}",
        reply.meta.warnings
    );
    // structured=on: the refusal is the answer.
    let server = serve(vec![refusal.clone()]);
    let err =
        call(&OpenAiBackend, &server.url, &[("structured", "on".into())]).expect_err("refused");
    assert!(err.to_string().contains("HTTP 400"), "{err}");
    assert_eq!(server.connections.load(Ordering::SeqCst), 1);
    // structured=off: never asked.
    let server = serve(vec![ok_json("<agenda>x</agenda>")]);
    call(&OpenAiBackend, &server.url, &[("structured", "off".into())]).expect("answers");
    assert!(body(&server, 0).get("response_format").is_none());
    let err = call(
        &OpenAiBackend,
        &server.url,
        &[("structured", "maybe".into())],
    )
    .expect_err("bad");
    assert!(err.to_string().contains("auto, on or off"), "{err}");
}

#[test]
fn anthropic_sends_output_config_and_refusal_is_retried_without() {
    set_key();
    let message = |text: &str| ok_json_anthropic(text);
    let server = serve(vec![message(&structured_reply().to_string())]);
    let reply = call(&AnthropicBackend, &server.url, &[]).expect("answers");
    let sent = body(&server, 0);
    assert_eq!(sent["output_config"]["format"]["type"], "json_schema");
    assert_eq!(
        sent["output_config"]["format"]["schema"]["additionalProperties"],
        false
    );
    assert_eq!(lint(&reply.text), vec![], "{}", reply.text);
    let server = serve(vec![
        Answer::Full(400, vec![], r#"{"type":"error","error":{"type":"invalid_request_error","message":"output_config: Extra inputs are not permitted"}}"#.into()),
        message("<agenda>x</agenda>"),
    ]);
    let reply = call(&AnthropicBackend, &server.url, &[]).expect("answers");
    assert_eq!(server.connections.load(Ordering::SeqCst), 2);
    assert!(body(&server, 1).get("output_config").is_none());
    assert!(reply.meta.warnings[0].contains("refused `output_config`"));
}

fn ok_json_anthropic(text: &str) -> Answer {
    let body = json!({
        "model": "tiny",
        "content": [{"type": "text", "text": text}],
        "usage": {"input_tokens": 11, "output_tokens": 7},
    });
    Answer::Full(
        200,
        vec![("content-type", "application/json".into())],
        body.to_string(),
    )
}

#[test]
fn a_callers_own_schema_is_sent_and_its_json_answer_kept() {
    set_key();
    let answer = r#"{"verdict": "fine"}"#;
    let server = serve(vec![ok_json(answer)]);
    let schema = r#"{"type":"object","additionalProperties":false,"required":["verdict"],"properties":{"verdict":{"type":"string"}}}"#;
    let reply = call(&OpenAiBackend, &server.url, &[("schema", schema.into())]).expect("answers");
    let sent = body(&server, 0);
    assert_eq!(sent["response_format"]["json_schema"]["name"], "answer");
    assert_eq!(
        sent["response_format"]["json_schema"]["schema"]["required"][0],
        "verdict"
    );
    assert_eq!(reply.text, answer, "kept as JSON, not turned into a pack");
    assert_eq!(reply.meta.structured.as_deref(), Some("json"));
    let err = call(&OpenAiBackend, &server.url, &[("schema", "[1, 2]".into())]).expect_err("bad");
    assert!(err.to_string().contains("JSON Schema object"), "{err}");
}
