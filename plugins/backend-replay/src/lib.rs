//! `backend-replay` (id `replay`): answers with recorded replies, so replies in the styles real
//! LLMs write are parsed and scored offline and in CI.
//!
//! A recording is a Markdown file: TOML front matter between `+++` lines naming at least the
//! `topic` it answers, then the reply text. The option `dir` names the folder of recordings
//! (default `fixtures/recorded`, relative to the working directory). `refine-eval --record DIR`
//! writes recordings in this shape.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use refine_plugin::{Backend, BackendError, BackendInput, BackendReply, PluginInfo, ReplyMeta};
use serde::{Deserialize, Serialize};

/// The default folder of recordings.
pub const DEFAULT_DIR: &str = "fixtures/recorded";

/// A recording's front matter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordingMeta {
    /// The topic the reply answers.
    pub topic: String,
    /// The backend that wrote it, when recorded by refine-eval.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backend: Option<String>,
    /// The model that wrote it, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
}

/// Writes a recording: front matter, then the reply.
pub fn recording(meta: &RecordingMeta, reply: &str) -> String {
    let front = toml::to_string(meta).unwrap_or_else(|_| format!("topic = {:?}\n", meta.topic));
    format!("+++\n{front}+++\n{reply}")
}

/// Reads a recording into its front matter and reply.
pub fn parse_recording(text: &str, path: &Path) -> Result<(RecordingMeta, String), BackendError> {
    let bad = |why: &str| BackendError::Input(format!("recording {}: {why}", path.display()));
    let rest = text
        .strip_prefix("+++\n")
        .ok_or_else(|| bad("does not start with a `+++` line"))?;
    let (front, reply) = rest
        .split_once("\n+++\n")
        .ok_or_else(|| bad("front matter has no closing `+++` line"))?;
    let meta: RecordingMeta =
        toml::from_str(front).map_err(|e| bad(&format!("front matter: {e}")))?;
    Ok((meta, reply.to_string()))
}

/// Recordings by topic, with the file each came from.
type Recordings = BTreeMap<String, (PathBuf, String)>;

/// The replay backend. Recordings are read once per folder.
#[derive(Debug, Default)]
pub struct ReplayBackend {
    loaded: Mutex<BTreeMap<PathBuf, Arc<Recordings>>>,
}

fn key(topic: &str) -> String {
    topic.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn load(dir: &Path) -> Result<Recordings, BackendError> {
    let entries = std::fs::read_dir(dir).map_err(|e| {
        BackendError::Input(format!(
            "cannot read the recordings folder {}: {e} (set it with dir=PATH)",
            dir.display()
        ))
    })?;
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    paths.sort();
    let mut out = Recordings::new();
    for path in paths {
        let text = std::fs::read_to_string(&path).map_err(|e| {
            BackendError::Input(format!("cannot read recording {}: {e}", path.display()))
        })?;
        let (meta, reply) = parse_recording(&text, &path)?;
        // The first file (by name) for a topic wins, so the choice is stable.
        out.entry(key(&meta.topic)).or_insert((path, reply));
    }
    Ok(out)
}

impl ReplayBackend {
    fn recordings(&self, dir: &Path) -> Result<Arc<Recordings>, BackendError> {
        let mut loaded = self
            .loaded
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(found) = loaded.get(dir) {
            return Ok(Arc::clone(found));
        }
        let recordings = Arc::new(load(dir)?);
        loaded.insert(dir.to_path_buf(), Arc::clone(&recordings));
        Ok(recordings)
    }
}

impl Backend for ReplayBackend {
    fn info(&self) -> PluginInfo {
        PluginInfo {
            id: String::from("replay"),
            version: env!("CARGO_PKG_VERSION").to_string(),
            description: format!(
                "Recorded replies by topic, from dir=PATH (default {DEFAULT_DIR})"
            ),
        }
    }

    fn is_local(&self) -> bool {
        true
    }

    fn reads_prompt(&self) -> bool {
        false
    }

    fn generate(&self, input: &BackendInput<'_>) -> Result<BackendReply, BackendError> {
        let mut dir = PathBuf::from(DEFAULT_DIR);
        for (name, value) in input.options {
            match (name.as_str(), value.as_str()) {
                ("dir", Some(path)) => dir = PathBuf::from(path),
                ("dir", None) => {
                    return Err(BackendError::Input(String::from(
                        "replay option dir must be a path",
                    )));
                }
                // A recording's shape is what it is; asking for structure changes nothing.
                ("structured", _) => {}
                (other, _) => {
                    return Err(BackendError::Input(format!(
                        "unknown replay option `{other}` (known: dir, structured)"
                    )));
                }
            }
        }
        let recordings = self.recordings(&dir)?;
        let topic = input.request.topic().as_str();
        let (path, reply) = recordings.get(&key(topic)).ok_or_else(|| {
            BackendError::Input(format!(
                "no recorded reply for topic \"{topic}\" in {}",
                dir.display()
            ))
        })?;
        let name = path
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        Ok(BackendReply {
            text: reply.clone(),
            meta: ReplyMeta {
                model: Some(format!("replay:{name}")),
                ..ReplyMeta::default()
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recordings_round_trip() {
        let meta = RecordingMeta {
            topic: String::from("A \"quoted\" topic"),
            backend: Some("offline".into()),
            model: None,
        };
        let text = recording(&meta, "<agenda>\n</agenda>\n");
        let (back, reply) = parse_recording(&text, Path::new("x.md")).expect("parses");
        assert_eq!(back, meta);
        assert_eq!(reply, "<agenda>\n</agenda>\n");
    }

    #[test]
    fn a_broken_recording_names_its_file() {
        let err = parse_recording("no front matter", Path::new("r/bad.md")).expect_err("broken");
        assert_eq!(
            err.to_string(),
            "recording r/bad.md: does not start with a `+++` line"
        );
    }
}
