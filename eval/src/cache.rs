//! The response cache: replies keyed by a SHA-256 of (backend id, model, options, rendered
//! prompt), one JSON file each, written to a temporary file and renamed into place so that
//! concurrent runs never see a half-written entry.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use refine_plugin::{BackendReply, Options};
use sha2::{Digest, Sha256};

/// A folder of cached replies.
#[derive(Debug, Clone)]
pub struct Cache {
    dir: PathBuf,
    /// One lock per key being fetched, so identical prompts in flight are asked once.
    in_flight: Arc<Mutex<HashMap<String, Arc<Mutex<()>>>>>,
}

static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

impl Cache {
    /// A cache in `dir` (created on first write).
    pub fn new(dir: &Path) -> Cache {
        Cache {
            dir: dir.to_path_buf(),
            in_flight: Arc::default(),
        }
    }

    /// The lock for fetching `key`: whoever holds it asks the backend, the others wait and then
    /// find the reply in the cache.
    pub fn fetching(&self, key: &str) -> Arc<Mutex<()>> {
        let mut map = self.in_flight.lock().unwrap_or_else(|p| p.into_inner());
        Arc::clone(map.entry(key.to_string()).or_default())
    }

    /// Forgets the lock of a fetched key (those waiting on it still hold their copy).
    pub fn fetched(&self, key: &str) {
        let mut map = self.in_flight.lock().unwrap_or_else(|p| p.into_inner());
        map.remove(key);
    }

    /// The key of one call.
    pub fn key(backend: &str, options: &Options, prompt: &str) -> String {
        let mut hasher = Sha256::new();
        let model = options
            .get("model")
            .map(|m| m.to_string())
            .unwrap_or_default();
        // Options are a sorted map, so their JSON is canonical.
        let options = serde_json::to_string(options).unwrap_or_default();
        for part in [backend, model.as_str(), options.as_str(), prompt] {
            hasher.update((part.len() as u64).to_le_bytes());
            hasher.update(part.as_bytes());
        }
        hasher
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    fn path(&self, key: &str) -> PathBuf {
        self.dir.join(format!("{key}.json"))
    }

    /// The cached reply for `key`, if any (an unreadable entry counts as a miss).
    pub fn get(&self, key: &str) -> Option<BackendReply> {
        let text = std::fs::read_to_string(self.path(key)).ok()?;
        serde_json::from_str(&text).ok()
    }

    /// Stores a reply: written beside its final name, then renamed over it atomically.
    pub fn put(&self, key: &str, reply: &BackendReply) -> std::io::Result<()> {
        std::fs::create_dir_all(&self.dir)?;
        let n = TEMP_COUNTER.fetch_add(1, Ordering::Relaxed);
        let temp = self
            .dir
            .join(format!(".{key}.{}.{n}.tmp", std::process::id()));
        let json = serde_json::to_string(reply).map_err(std::io::Error::other)?;
        std::fs::write(&temp, json)?;
        std::fs::rename(&temp, self.path(key)).inspect_err(|_| {
            let _ = std::fs::remove_file(&temp);
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use refine_plugin::ReplyMeta;

    #[test]
    fn keys_change_with_every_part() {
        let mut options = Options::new();
        let base = Cache::key("openai", &options, "prompt");
        assert_ne!(base, Cache::key("anthropic", &options, "prompt"));
        assert_ne!(base, Cache::key("openai", &options, "prompt!"));
        options.insert("model".into(), "m".into());
        assert_ne!(base, Cache::key("openai", &options, "prompt"));
        assert_eq!(base.len(), 64);
    }

    #[test]
    fn concurrent_writers_never_leave_a_torn_entry() {
        let dir = std::env::temp_dir().join(format!("refine-cache-test-{}", std::process::id()));
        let cache = Cache::new(&dir);
        let key = Cache::key("b", &Options::new(), "p");
        std::thread::scope(|s| {
            for i in 0..8 {
                let cache = cache.clone();
                let key = key.clone();
                s.spawn(move || {
                    for j in 0..50 {
                        let text = format!("{i}-{j}-{}", "x".repeat(10_000));
                        let reply = BackendReply {
                            text,
                            meta: ReplyMeta::default(),
                        };
                        cache.put(&key, &reply).expect("put");
                        let read = cache.get(&key).expect("a whole entry");
                        assert!(read.text.ends_with(&"x".repeat(10_000)));
                    }
                });
            }
        });
        let leftovers = std::fs::read_dir(&dir).expect("dir").filter(|e| {
            e.as_ref()
                .is_ok_and(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        });
        assert_eq!(leftovers.count(), 0, "no temporary files left");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
