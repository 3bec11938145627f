//! Which backends are sent the rendered prompt: one that reads it gets the built-in prompt
//! rendered for the request; one that plans from the request alone (the offline planner) gets
//! none, and the pack is the same as the offline backend's.

use std::sync::Mutex;

use refine_core::{Guide, SessionRequest, Topic, prompt};
use refine_host::{PrepInput, prepare};
use refine_plugin::{Backend, BackendError, BackendInput, BackendReply, Options, PluginInfo};

/// The offline planner's reply, remembering the prompt it was sent.
struct Recording {
    reads_prompt: bool,
    sent: Mutex<Option<String>>,
}

impl Backend for Recording {
    fn info(&self) -> PluginInfo {
        PluginInfo {
            id: String::from("recording"),
            version: String::from("1"),
            description: String::from("the offline planner, remembering its prompt"),
        }
    }

    fn generate(&self, input: &BackendInput<'_>) -> Result<BackendReply, BackendError> {
        *self.sent.lock().expect("lock") = Some(input.prompt.to_string());
        backend_offline::OfflineBackend.generate(input)
    }

    fn is_local(&self) -> bool {
        true
    }

    fn reads_prompt(&self) -> bool {
        self.reads_prompt
    }
}

#[test]
fn only_a_backend_that_reads_the_prompt_is_sent_one() {
    let guide = Guide::builtin();
    let topic = Topic::new("Warehouse scanners drop orders during shift change").expect("topic");
    let request = SessionRequest::new(topic)
        .with_context("Pickers in Leeds lose two or three orders an hour between 13:55 and 14:10.")
        .and_then(|r| r.with_minutes(60))
        .expect("a valid request");
    let options = Options::new();
    let input = || PrepInput {
        request: &request,
        guide: &guide,
        options: &options,
        start: None,
        on_text: None,
        repair: 1,
        template: None,
    };
    let mut packs = Vec::new();
    for reads_prompt in [true, false] {
        let backend = Recording {
            reads_prompt,
            sent: Mutex::new(None),
        };
        packs.push(prepare(&backend, input()).expect("a pack").plan);
        let sent = backend
            .sent
            .into_inner()
            .expect("lock")
            .expect("asked once");
        if reads_prompt {
            assert_eq!(sent, prompt::render(&guide, &request).expect("renders"));
        } else {
            assert_eq!(sent, "");
        }
    }
    assert_eq!(packs[0], packs[1]);
}
