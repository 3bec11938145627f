//! Packs and journals on disk: `DATA/ID.json` (the pack as `refine prep --format json` writes
//! it) and `DATA/ID.journal.jsonl` beside it — where `refine run DATA/ID.json` looks, so the
//! terminal and the page share a session. Ids are made by the server; an id from a request is
//! only ever checked against their shape, so no request names a file.

use std::path::{Path, PathBuf};

use refine_plugin::{Pack, PackDocument};

/// Whether `id` is one the server could have made (16 hex digits).
pub(crate) fn valid_id(id: &str) -> bool {
    id.len() == 16
        && id
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
}

/// A new id.
pub(crate) fn new_id() -> Result<String, crate::WebError> {
    Ok(crate::random_token()?[..16].to_string())
}

/// The pack's file.
pub(crate) fn pack_path(data: &Path, id: &str) -> PathBuf {
    data.join(format!("{id}.json"))
}

/// The session's journal, beside the pack.
pub(crate) fn journal_path(data: &Path, id: &str) -> PathBuf {
    data.join(format!("{id}.journal.jsonl"))
}

/// Saves a pack under a new id.
pub(crate) fn save(data: &Path, pack: &Pack) -> Result<String, String> {
    let id = new_id().map_err(|e| e.to_string())?;
    let json = serde_json::to_string_pretty(&PackDocument::from(pack))
        .map_err(|e| format!("the pack cannot be written: {e}"))?;
    let path = pack_path(data, &id);
    let temp = data.join(format!(".{id}.json.tmp"));
    std::fs::write(&temp, json)
        .and_then(|()| std::fs::rename(&temp, &path))
        .map_err(|e| format!("cannot save the pack: {e}"))?;
    Ok(id)
}

/// Reads the pack of `id`.
pub(crate) fn load(data: &Path, id: &str) -> Option<Pack> {
    if !valid_id(id) {
        return None;
    }
    let text = std::fs::read_to_string(pack_path(data, id)).ok()?;
    serde_json::from_str::<PackDocument>(&text)
        .ok()
        .map(Pack::from)
}

/// The packs kept, newest first: id, topic, whether a session was run.
pub(crate) fn list(data: &Path) -> Vec<(String, String, bool)> {
    let Ok(entries) = std::fs::read_dir(data) else {
        return Vec::new();
    };
    let mut found: Vec<(std::time::SystemTime, String)> = entries
        .filter_map(Result::ok)
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let id = name.strip_suffix(".json")?.to_string();
            valid_id(&id).then_some(())?;
            Some((e.metadata().ok()?.modified().ok()?, id))
        })
        .collect();
    found.sort_by_key(|f| std::cmp::Reverse(f.0));
    found
        .into_iter()
        .take(50)
        .filter_map(|(_, id)| {
            let pack = load(data, &id)?;
            let run = journal_path(data, &id).exists();
            Some((id, pack.meta.topic, run))
        })
        .collect()
}
