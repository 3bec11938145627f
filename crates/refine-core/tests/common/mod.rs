//! Fixture helpers shared by the integration tests.

use std::path::{Path, PathBuf};

use refine_core::{Guide, SessionRequest, Topic};
use serde::Deserialize;

/// The repository's `fixtures/` folder.
pub(crate) fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures")
}

/// A reply fixture: TOML front matter between `+++` lines, then the reply text.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Meta {
    pub(crate) topic: String,
    pub(crate) context: Option<String>,
    pub(crate) minutes: Option<u32>,
    /// A file under `fixtures/guides/`; the built-in guide when absent.
    pub(crate) guide: Option<String>,
    /// The finding codes the reply must produce, with repeats.
    pub(crate) expect: Vec<String>,
}

pub(crate) struct ReplyFixture {
    pub(crate) meta: Meta,
    pub(crate) reply: String,
}

impl ReplyFixture {
    pub(crate) fn load(path: &Path) -> ReplyFixture {
        let text = std::fs::read_to_string(path).expect("fixture is readable");
        let rest = text.strip_prefix("+++\n").expect("fixture starts with +++");
        let (front, reply) = rest
            .split_once("\n+++\n")
            .expect("front matter ends with +++");
        let meta: Meta = toml::from_str(front).expect("front matter is valid TOML");
        ReplyFixture {
            meta,
            reply: reply.to_string(),
        }
    }

    pub(crate) fn guide(&self) -> Guide {
        match &self.meta.guide {
            Some(name) => {
                Guide::from_file(&fixtures().join("guides").join(name)).expect("fixture guide")
            }
            None => Guide::builtin(),
        }
    }

    pub(crate) fn request(&self) -> SessionRequest {
        let mut request = SessionRequest::new(Topic::new(&self.meta.topic).expect("topic"));
        if let Some(context) = &self.meta.context {
            request = request.with_context(context).expect("context");
        }
        if let Some(minutes) = self.meta.minutes {
            request = request.with_minutes(minutes).expect("minutes");
        }
        request
    }
}
