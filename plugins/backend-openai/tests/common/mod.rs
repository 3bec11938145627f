//! A loopback server of the tests' own that answers from a script, and a call helper.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use refine_core::{Guide, SessionRequest, Topic};
use refine_plugin::{Backend, BackendError, BackendInput, BackendReply, Options};

/// One scripted answer.
#[derive(Clone)]
pub(crate) enum Answer {
    /// Status, extra headers, body; the connection closes after it.
    Full(u16, Vec<(&'static str, String)>, String),
    /// Read the request, then say nothing until the client gives up.
    Stall,
}

/// What the server saw of one request.
#[derive(Debug, Clone)]
pub(crate) struct Seen {
    pub(crate) head: String,
    pub(crate) body: String,
}

pub(crate) struct Server {
    pub(crate) url: String,
    pub(crate) connections: Arc<AtomicUsize>,
    pub(crate) seen: Arc<Mutex<Vec<Seen>>>,
}

pub(crate) fn read_request(stream: &mut TcpStream) -> Seen {
    let mut reader = BufReader::new(stream.try_clone().expect("clone"));
    let mut head = String::new();
    let mut length = 0usize;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
            break;
        }
        if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
            length = v.trim().parse().unwrap_or(0);
        }
        head.push_str(&line);
    }
    let mut body = vec![0u8; length];
    let _ = reader.read_exact(&mut body);
    Seen {
        head,
        body: String::from_utf8_lossy(&body).into_owned(),
    }
}

/// Serves `script` in order (the last answer repeats), one connection per request.
pub(crate) fn serve(script: Vec<Answer>) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let url = format!("http://{}/v1", listener.local_addr().expect("addr"));
    let connections = Arc::new(AtomicUsize::new(0));
    let seen = Arc::new(Mutex::new(Vec::new()));
    let (c, s) = (Arc::clone(&connections), Arc::clone(&seen));
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let n = c.fetch_add(1, Ordering::SeqCst);
            let answer = script[n.min(script.len() - 1)].clone();
            let request = read_request(&mut stream);
            s.lock().expect("lock").push(request);
            std::thread::spawn(move || match answer {
                Answer::Full(status, headers, body) => {
                    let mut text = format!(
                        "HTTP/1.1 {status} X\r\ncontent-length: {}\r\nconnection: close\r\n",
                        body.len()
                    );
                    for (name, value) in headers {
                        text.push_str(&format!("{name}: {value}\r\n"));
                    }
                    text.push_str("\r\n");
                    text.push_str(&body);
                    let _ = stream.write_all(text.as_bytes());
                }
                Answer::Stall => std::thread::sleep(Duration::from_secs(30)),
            });
        }
    });
    Server {
        url,
        connections,
        seen,
    }
}

pub(crate) fn ok_json(content: &str) -> Answer {
    let body = serde_json::json!({
        "model": "tiny", "choices": [{"message": {"role": "assistant", "content": content}}],
        "usage": {"prompt_tokens": 11, "completion_tokens": 7}
    });
    Answer::Full(
        200,
        vec![("content-type", "application/json".into())],
        body.to_string(),
    )
}

pub(crate) fn sse(events: &[String]) -> Answer {
    let body: String = events.iter().map(|e| format!("{e}\n\n")).collect();
    Answer::Full(
        200,
        vec![("content-type", "text/event-stream".into())],
        body,
    )
}

pub(crate) fn call(
    backend: &dyn Backend,
    url: &str,
    extra: &[(&str, serde_json::Value)],
) -> Result<BackendReply, BackendError> {
    let request = SessionRequest::new(Topic::new("Fix flaky login").expect("topic"));
    let guide = Guide::builtin();
    let mut options = Options::new();
    options.insert("base_url".into(), url.into());
    options.insert("model".into(), "tiny".into());
    options.insert("api_key_env".into(), "REFINE_FAULT_TEST_KEY".into());
    for (k, v) in extra {
        options.insert((*k).into(), v.clone());
    }
    backend.generate(&BackendInput {
        prompt: "PROMPT",
        request: &request,
        guide: &guide,
        options: &options,
        on_text: None,
    })
}

pub(crate) const KEY: &str = "sk-test-DO-NOT-LEAK-4242";

#[allow(unsafe_code)]
pub(crate) fn set_key() {
    // Setting an env var is unsafe in edition 2024 because another thread may read the
    // environment at the same time; every test here writes the same value before reading it.
    unsafe { std::env::set_var("REFINE_FAULT_TEST_KEY", KEY) };
}

pub(crate) fn no_key(text: &str) {
    assert!(!text.contains(KEY), "the key leaked: {text}");
}
