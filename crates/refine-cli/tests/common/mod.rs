//! A chat-completions server of the tests' own on loopback that answers from a script and keeps
//! what it was sent.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

/// A scripted server: its URL and the request bodies it received.
pub(crate) struct Script {
    pub(crate) url: String,
    pub(crate) seen: Arc<Mutex<Vec<serde_json::Value>>>,
}

/// Serves `answers` in order (the last repeats): each a status and a body.
pub(crate) fn serve(answers: Vec<(u16, String)>) -> Script {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let url = format!("http://{}/v1", listener.local_addr().expect("addr"));
    let seen = Arc::new(Mutex::new(Vec::new()));
    let kept = Arc::clone(&seen);
    std::thread::spawn(move || {
        for (n, stream) in listener.incoming().enumerate() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().expect("clone"));
            let mut length = 0usize;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    length = v.trim().parse().unwrap_or(0);
                }
            }
            let mut body = vec![0u8; length];
            let _ = reader.read_exact(&mut body);
            kept.lock()
                .expect("lock")
                .push(serde_json::from_slice(&body).unwrap_or(serde_json::Value::Null));
            let (status, text) = answers[n.min(answers.len() - 1)].clone();
            let _ = write!(
                stream,
                "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{text}",
                text.len()
            );
        }
    });
    Script { url, seen }
}

/// A chat completion whose message is `content`.
pub(crate) fn completion(content: &str) -> (u16, String) {
    let body = serde_json::json!({
        "model": "loopback",
        "choices": [{"message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
    });
    (200, body.to_string())
}
