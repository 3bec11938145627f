//! Topic fixtures: TOML files with `id`, `title`, `kind` and optional `context`; or a tracker's
//! export (GitHub, Jira, Linear, a Markdown list; see `refine-items`), each item a topic, so a
//! prompt engineer can evaluate on their own backlog.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// One topic to evaluate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TopicFixture {
    /// Stable id, also the file name without `.toml`.
    pub id: String,
    /// The topic as a product manager writes it.
    pub title: String,
    /// The kind of item (feature, bug, performance, ux, compliance, migration, integration,
    /// tech-debt, research).
    pub kind: String,
    /// Context notes, when any.
    pub context: Option<String>,
}

/// Why topics could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum TopicError {
    /// A file or folder could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The path.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A file is not a valid topic.
    #[error("{path}: {message}")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What is wrong (TOML errors name line and key).
        message: String,
    },
    /// Two files share an id.
    #[error("topic id `{id}` appears twice: {first} and {second}")]
    DuplicateId {
        /// The id.
        id: String,
        /// The first file.
        first: PathBuf,
        /// The second file.
        second: PathBuf,
    },
    /// A tracker export that cannot be read.
    #[error(transparent)]
    Items(#[from] refine_items::ItemsError),
    /// A partition spec is not `K/N` with 1 <= K <= N.
    #[error("--partition `{0}` must be K/N with 1 <= K <= N, e.g. 1/2")]
    BadPartition(String),
}

/// The topics of a tracker export: the item's key (or its place) as id, its title, the kind the
/// planner reads in it, and its body and acceptance criteria as context.
fn from_export(path: &Path, text: &str) -> Result<Vec<TopicFixture>, TopicError> {
    let items = refine_items::read(text, None, &path.display().to_string())?;
    let mut seen = std::collections::HashSet::new();
    let mut topics = Vec::new();
    for item in items {
        let base = item
            .key
            .as_deref()
            .map(refine_core::text::slug)
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| format!("item-{}", item.record));
        // Two items with the same key (a hand-made list) keep both, the second numbered.
        let mut id = base.clone();
        let mut n = 2;
        while !seen.insert(id.clone()) {
            id = format!("{base}-{n}");
            n += 1;
        }
        let context = item.notes();
        let kind = refine_topic::read(&item.title, context.as_deref())
            .kind
            .kind
            .as_str()
            .to_string();
        topics.push(TopicFixture {
            id,
            title: item.title,
            kind,
            context,
        });
    }
    topics.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(topics)
}

/// Loads one topic file, every `*.toml` under a folder, or a tracker export (a file that is not
/// `.toml`), sorted by id.
pub fn load(path: &Path) -> Result<Vec<TopicFixture>, TopicError> {
    if path.is_file() && path.extension().is_none_or(|x| x != "toml") {
        let text = std::fs::read_to_string(path).map_err(|source| TopicError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        return from_export(path, &text);
    }
    let read_err = |source| TopicError::Read {
        path: path.to_path_buf(),
        source,
    };
    let files: Vec<PathBuf> = if path.is_dir() {
        let mut files: Vec<PathBuf> = std::fs::read_dir(path)
            .map_err(read_err)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect();
        // All in one folder: their order is their names' (a path's bytes past the shared folder
        // are its name), compared as bytes rather than component by component.
        files.sort_unstable_by(|a, b| a.as_os_str().cmp(b.as_os_str()));
        files
    } else {
        vec![path.to_path_buf()]
    };
    // Exactly one topic a file: no room to spare for the whole run (at 20,000 topics a
    // vector grown by doubling held 2 MB it never used).
    let mut topics: Vec<TopicFixture> = Vec::with_capacity(files.len());
    // Each id's file, by its place in `files`.
    let mut seen: std::collections::HashMap<String, usize> =
        std::collections::HashMap::with_capacity(files.len());
    // One buffer for every file: most topics fit the room the largest so far left.
    let mut text = String::new();
    for (at, file) in files.iter().enumerate() {
        text.clear();
        read_into(file, &mut text).map_err(|source| TopicError::Read {
            path: file.clone(),
            source,
        })?;
        let topic: TopicFixture = toml::from_str(&text).map_err(|e| TopicError::Invalid {
            path: file.clone(),
            message: e.to_string(),
        })?;
        // By id, so 20,000 topics load in linear time.
        if let Some(&first) = seen.get(&topic.id) {
            return Err(TopicError::DuplicateId {
                id: topic.id,
                first: files[first].clone(),
                second: file.clone(),
            });
        }
        seen.insert(topic.id.clone(), at);
        topics.push(topic);
    }
    // Ids are distinct: an unstable sort gives the one order, without a buffer of half the
    // topics.
    topics.sort_unstable_by(|a, b| a.id.cmp(&b.id));
    Ok(topics)
}

/// Appends the text of the file at `path` to `text`. Read to its end without asking its size
/// first (as `fs::read_to_string` does): in a buffer with room to spare that is one system
/// call less a file (the size queries were 0.5% of an eval's CPU at 20,000 topics).
fn read_into(path: &Path, text: &mut String) -> std::io::Result<()> {
    use std::io::Read;
    if text.capacity() < 16 * 1024 {
        text.reserve(16 * 1024);
    }
    std::fs::File::open(path)?
        .take(u64::MAX)
        .read_to_string(text)
        .map(drop)
}

/// A deterministic share of the topics: part `k` of `n`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Partition {
    /// This part, from 1.
    pub k: usize,
    /// How many parts.
    pub n: usize,
}

impl std::str::FromStr for Partition {
    type Err = TopicError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || TopicError::BadPartition(s.to_string());
        let (k, n) = s.split_once('/').ok_or_else(bad)?;
        let (k, n): (usize, usize) = (
            k.trim().parse().map_err(|_| bad())?,
            n.trim().parse().map_err(|_| bad())?,
        );
        if k == 0 || n == 0 || k > n {
            return Err(bad());
        }
        Ok(Partition { k, n })
    }
}

impl Partition {
    /// The topics of this part: every n-th topic by id, starting at the k-th.
    pub fn select(self, topics: Vec<TopicFixture>) -> Vec<TopicFixture> {
        topics
            .into_iter()
            .enumerate()
            .filter(|(i, _)| i % self.n == self.k - 1)
            .map(|(_, t)| t)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partitions_split_every_topic_exactly_once() {
        let topics: Vec<TopicFixture> = (0..7)
            .map(|i| TopicFixture {
                id: format!("t{i}"),
                title: format!("T{i}"),
                kind: "feature".into(),
                context: None,
            })
            .collect();
        let a: Partition = "1/2".parse().expect("1/2");
        let b: Partition = "2/2".parse().expect("2/2");
        let mut ids: Vec<String> = a
            .select(topics.clone())
            .into_iter()
            .chain(b.select(topics))
            .map(|t| t.id)
            .collect();
        ids.sort();
        assert_eq!(ids, ["t0", "t1", "t2", "t3", "t4", "t5", "t6"]);
        for bad in ["0/2", "3/2", "x", "1/0", "1-2"] {
            assert!(bad.parse::<Partition>().is_err(), "{bad}");
        }
    }

    #[test]
    fn a_duplicate_id_names_the_files_in_the_order_of_their_names() {
        let dir = std::env::temp_dir().join(format!("refine-topics-dup-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        let topic = |id: &str| format!("id = \"{id}\"\ntitle = \"Slow search\"\nkind = \"bug\"\n");
        // By bytes, capitals before small letters and `-` before `.`.
        for (name, id) in [("b.toml", "same"), ("b-1.toml", "other"), ("a.toml", "x")] {
            std::fs::write(dir.join(name), topic(id)).expect("write");
        }
        std::fs::write(dir.join("B.toml"), topic("same")).expect("write");
        let error = load(&dir).expect_err("duplicate id").to_string();
        let _ = std::fs::remove_dir_all(&dir);
        let (first, second) = (dir.join("B.toml"), dir.join("b.toml"));
        assert_eq!(
            error,
            format!(
                "topic id `same` appears twice: {} and {}",
                first.display(),
                second.display()
            )
        );
    }

    #[test]
    fn each_file_is_read_on_its_own_and_an_unreadable_one_is_named() {
        let dir = std::env::temp_dir().join(format!("refine-topics-read-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        // A long file, then a short one read into the same buffer.
        let long = format!(
            "id = \"a\"\ntitle = \"Slow search\"\nkind = \"bug\"\ncontext = \"{}\"\n",
            "Search takes seconds. ".repeat(1000)
        );
        std::fs::write(dir.join("a.toml"), long).expect("write");
        std::fs::write(
            dir.join("b.toml"),
            "id = \"b\"\ntitle = \"Export\"\nkind = \"feature\"\n",
        )
        .expect("write");
        let topics = load(&dir).expect("two topics");
        let titles: Vec<&str> = topics.iter().map(|t| t.title.as_str()).collect();
        assert_eq!(titles, ["Slow search", "Export"]);
        assert!(topics[1].context.is_none());
        std::fs::write(dir.join("c.toml"), b"id = \"c\"\ntitle = \"\xff\"\n").expect("write");
        let error = load(&dir).expect_err("not UTF-8").to_string();
        let _ = std::fs::remove_dir_all(&dir);
        assert!(
            error.contains(&dir.join("c.toml").display().to_string()) && error.contains("UTF-8"),
            "{error}"
        );
    }
}
