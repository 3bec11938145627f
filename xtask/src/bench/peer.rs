//! The JavaScript peer: promptfoo, the eval harness prompt engineers reach for most, run on the
//! same topics with its `echo` provider (no model) and six structure assertions on a pack-shaped
//! reply: the harness's own cost per case, as ours is measured on the offline backend. It is
//! installed from the npm registry into the user's cache, never into the clone, and only when
//! `--peer` asks.

use std::path::{Path, PathBuf};

use super::{Measured, fixture_topics, measure_with};

/// The last promptfoo release that runs on Node.js 20 (the machine's Node.js).
const PACKAGE: &str = "promptfoo@0.121.20";

/// The peer's figures per eval size, or why there are none.
pub(crate) struct PeerFigures {
    runs: Vec<(usize, Measured)>,
    absent: Option<String>,
}

impl PeerFigures {
    pub(crate) fn at(&self, n: usize) -> Option<&Measured> {
        self.runs
            .iter()
            .find(|(size, _)| *size == n)
            .map(|(_, m)| m)
    }

    pub(crate) fn absent_reason(&self) -> String {
        self.absent
            .clone()
            .unwrap_or_else(|| String::from("not measured"))
    }
}

fn home() -> PathBuf {
    std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .unwrap_or_else(|| crate::root().join("target"))
        .join("refine/peer")
}

/// Measures the peer at each size when it is installed (installing it first when `install`).
pub(crate) fn measure(dir: &Path, sizes: &[usize], install: bool) -> Result<PeerFigures, String> {
    let home = home();
    let binary = home.join("node_modules/.bin/promptfoo");
    if !binary.exists() {
        if !install {
            return Ok(PeerFigures {
                runs: Vec::new(),
                absent: Some(format!(
                    "peer absent: `cargo xtask bench --peer` installs {PACKAGE} from npm"
                )),
            });
        }
        std::fs::create_dir_all(&home).map_err(|e| format!("creating {}: {e}", home.display()))?;
        eprintln!("$ npm install --prefix {} {PACKAGE}", home.display());
        let status = std::process::Command::new("npm")
            .args(["install", "--no-audit", "--no-fund", "--prefix"])
            .arg(&home)
            .arg(PACKAGE)
            .status()
            .map_err(|e| format!("cannot run npm (is Node.js installed?): {e}"))?;
        if !status.success() || !binary.exists() {
            return Err(format!("npm install {PACKAGE} failed ({status})"));
        }
    }
    let mut runs = Vec::new();
    for &n in sizes {
        let folder = dir.join(format!("peer-{n}"));
        write_config(&folder, n)?;
        let args = [
            "eval",
            "-c",
            "promptfooconfig.yaml",
            "--no-cache",
            "--no-progress-bar",
            "--no-write",
            "--no-table",
            "-j",
            "2",
        ]
        .map(str::to_string);
        let config_dir = folder.join("home");
        let config_dir = config_dir.to_string_lossy();
        let env = [
            ("PROMPTFOO_DISABLE_TELEMETRY", "1"),
            ("PROMPTFOO_DISABLE_UPDATE", "1"),
            ("PROMPTFOO_CONFIG_DIR", config_dir.as_ref()),
        ];
        let measured = measure_with(&binary, &args, &folder, &env)?;
        println!(
            "peer ({PACKAGE}, echo provider) on {n} topics, -j 2: CPU {:.2} s, wall {:.2} s, peak {}",
            measured.cpu.as_secs_f64(),
            measured.wall.as_secs_f64(),
            super::mib(measured.peak_kib)
        );
        runs.push((n, measured));
    }
    Ok(PeerFigures { runs, absent: None })
}

/// A pack-shaped reply for the echo provider to return, the topic in it where a pack names it.
const PROMPT: &str = r#"<agenda>\n1. Context Setting (15 min)\n2. Problem Space Exploration (30 min)\n3. Success Criteria Definition (15 min)\n4. Session Retrospective (5 min)\n</agenda>\n<key_points>\n- Identify affected stakeholders: find the people who live with {{topic}}.\n- Understanding problems deeply: state the problem behind {{topic}} in the same words.\n- Defining clear success criteria: what would be different once {{topic}} is behind us.\n</key_points>\n<discussion_questions>\n1. Who is affected by {{topic}}, and how does each group experience it?\n2. What does {{topic}} depend on, and who would we need to ask?\n3. Where is our picture of {{topic}} thinnest, and how could we check it?\n</discussion_questions>\n<closing_statement>\nThank you all. Next steps: share the notes and follow up on parked items.\n</closing_statement>"#;

fn write_config(folder: &Path, n: usize) -> Result<(), String> {
    std::fs::create_dir_all(folder).map_err(|e| format!("creating {}: {e}", folder.display()))?;
    let config = format!(
        r#"description: refine bench peer, {n} topics
prompts:
  - "{PROMPT}"
providers:
  - echo
tests: file://topics.csv
defaultTest:
  assert:
    - type: contains
      value: "<agenda>"
    - type: contains
      value: "<key_points>"
    - type: contains
      value: "<discussion_questions>"
    - type: contains
      value: "<closing_statement>"
    - type: regex
      value: "\\(\\d+ min\\)"
    - type: javascript
      value: "(output.match(/^\\d+\\. .*\\?$/gm) || []).length >= 3"
"#
    );
    std::fs::write(folder.join("promptfooconfig.yaml"), config).map_err(|e| e.to_string())?;
    let mut csv = String::from("topic\n");
    for text in fixture_topics(n)? {
        let title = text
            .lines()
            .find_map(|l| l.strip_prefix("title = \""))
            .and_then(|t| t.strip_suffix('"'))
            .unwrap_or("an untitled topic");
        csv.push('"');
        csv.push_str(&title.replace('"', "\"\""));
        csv.push_str("\"\n");
    }
    std::fs::write(folder.join("topics.csv"), csv).map_err(|e| e.to_string())
}
