//! Every reply under `fixtures/replies/` is parsed and linted; its finding codes must be exactly
//! the ones its front matter expects, and its plan, findings and scores match a reviewed snapshot.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use refine_core::{Guide, SessionItem, SessionRequest, Topic, analyze};
use serde::Deserialize;

#[test]
fn replies() {
    insta::glob!("../../../fixtures/replies", "*.md", |path| {
        let fixture = ReplyFixture::load(path);
        let report = analyze(&fixture.reply, &fixture.guide(), &fixture.request());
        let mut found: Vec<&str> = report.findings.iter().map(|f| f.code.as_str()).collect();
        let mut expected: Vec<&str> = fixture.meta.expect.iter().map(String::as_str).collect();
        found.sort_unstable();
        expected.sort_unstable();
        assert_eq!(
            found,
            expected,
            "finding codes of {}: {:#?}",
            path.display(),
            report.findings
        );
        if expected.is_empty() {
            assert_eq!(report.scores.overall, 1.0, "a clean reply scores 1");
        } else {
            assert!(report.scores.overall < 1.0, "a faulty reply scores under 1");
        }
        insta::assert_json_snapshot!(report);
    });
}

#[test]
fn every_reply_snapshot_has_its_fixture() {
    let replies: BTreeSet<String> = std::fs::read_dir(fixtures().join("replies"))
        .expect("fixtures/replies")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .collect();
    let snapshots = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots");
    for entry in std::fs::read_dir(snapshots).expect("snapshots folder") {
        let name = entry
            .expect("entry")
            .file_name()
            .into_string()
            .expect("UTF-8 name");
        if let Some(reply) = name
            .strip_prefix("replies__replies@")
            .and_then(|n| n.strip_suffix(".snap"))
        {
            assert!(
                replies.contains(reply),
                "snapshot {name} has no fixture; delete it"
            );
        }
    }
}

#[test]
fn there_are_at_least_thirty_reply_fixtures_covering_every_code() {
    let mut codes = BTreeSet::new();
    let mut count = 0;
    for entry in std::fs::read_dir(fixtures().join("replies")).expect("fixtures/replies") {
        let fixture = ReplyFixture::load(&entry.expect("entry").path());
        codes.extend(fixture.meta.expect);
        count += 1;
    }
    assert!(count >= 30, "{count} reply fixtures");
    for code in refine_core::Code::ALL {
        assert!(
            codes.contains(code.as_str()),
            "no fixture shows {}",
            code.as_str()
        );
    }
}

/// The repository's `fixtures/` folder.
pub(crate) fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures")
}

/// A reply fixture: TOML front matter between `+++` lines, then the reply text.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Meta {
    /// The topic; for a session on several items, made from them.
    #[serde(default)]
    pub(crate) topic: String,
    pub(crate) context: Option<String>,
    pub(crate) minutes: Option<u32>,
    /// A file under `fixtures/guides/`; the built-in guide when absent.
    pub(crate) guide: Option<String>,
    /// The finding codes the reply must produce, with repeats.
    pub(crate) expect: Vec<String>,
    /// The backlog items of a session on several items, in order.
    #[serde(default)]
    pub(crate) items: Vec<FixtureItem>,
    /// The items deferred to the next session.
    #[serde(default)]
    pub(crate) deferred: Vec<FixtureItem>,
}

/// One backlog item of a fixture.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FixtureItem {
    pub(crate) key: Option<String>,
    pub(crate) title: String,
    pub(crate) notes: Option<String>,
}

impl FixtureItem {
    fn to_item(&self) -> SessionItem {
        let mut item = SessionItem::new(&self.title)
            .expect("item title")
            .with_key(self.key.as_deref());
        if let Some(notes) = &self.notes {
            item = item.with_notes(notes).expect("item notes");
        }
        item
    }
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
        let mut request = if self.meta.items.is_empty() {
            SessionRequest::new(Topic::new(&self.meta.topic).expect("topic"))
        } else {
            let items = self.meta.items.iter().map(FixtureItem::to_item).collect();
            let deferred = self
                .meta
                .deferred
                .iter()
                .map(FixtureItem::to_item)
                .collect();
            SessionRequest::for_items(items, deferred).expect("items")
        };
        if let Some(context) = &self.meta.context {
            request = request.with_context(context).expect("context");
        }
        if let Some(minutes) = self.meta.minutes {
            request = request.with_minutes(minutes).expect("minutes");
        }
        request
    }
}
