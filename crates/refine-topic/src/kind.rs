//! What kind of refinement item a topic is, read from its title, its decorations and its notes,
//! with the words that decided it.
//!
//! Each signal found adds a weight to its kind: [`WEIGHTS`] says how much a signal counts in a
//! decoration (`[Bug]`), in the title, and in the notes, and caps what the notes can add to one
//! kind, so a single word in the notes ("Legal") cannot override a clear title.

use crate::title::Title;

mod matching;
use matching::{Prepared, kind_signal_numbers};

/// The kinds of item the planner tailors questions and key points to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TopicKind {
    /// Something new for users.
    Feature,
    /// Something broken.
    Bug,
    /// Something slow or heavy.
    Performance,
    /// Something hard to use.
    Ux,
    /// An obligation: law, regulation, audit.
    Compliance,
    /// Moving from one system or version to another.
    Migration,
    /// Connecting with another system or team.
    Integration,
    /// Internal quality: refactoring, legacy code, libraries.
    TechDebt,
    /// An open question to learn about.
    Research,
}

impl TopicKind {
    /// The kind's name as fixtures, packs and messages write it.
    pub fn as_str(self) -> &'static str {
        match self {
            TopicKind::Feature => "feature",
            TopicKind::Bug => "bug",
            TopicKind::Performance => "performance",
            TopicKind::Ux => "ux",
            TopicKind::Compliance => "compliance",
            TopicKind::Migration => "migration",
            TopicKind::Integration => "integration",
            TopicKind::TechDebt => "tech-debt",
            TopicKind::Research => "research",
        }
    }
}

/// How much a signal weighs by where it was found.
#[derive(Debug, Clone, Copy)]
pub struct Weights {
    /// In a tracker decoration (`[Bug]`, `feature request:`).
    pub decoration: u32,
    /// In the title.
    pub title: u32,
    /// In the context notes.
    pub notes: u32,
    /// The most the notes can add to one kind.
    pub notes_cap: u32,
    /// A title that is a question leans to research by this much.
    pub question_title: u32,
}

/// The weights the reader uses.
pub const WEIGHTS: Weights = Weights {
    decoration: 6,
    title: 3,
    notes: 1,
    notes_cap: 2,
    question_title: 2,
};

/// The kind of an item and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KindReading {
    /// The kind.
    pub kind: TopicKind,
    /// The signals that decided it, as people read them: `“crash” in the title`.
    pub because: Vec<String>,
}

/// Signal words per kind, in tie-break order: kinds named by what is wrong (broken, slow,
/// confusing) before kinds named by the domain (an API, a sync). An ASCII word without spaces matches a word of the
/// text (as a prefix when it has five letters or more); a phrase matches whole words in
/// sequence; anything else (other scripts) matches as a substring.
pub const SIGNALS: &[(TopicKind, &[&str])] = &[
    (
        TopicKind::Bug,
        &[
            "bug",
            "bugs",
            "fix",
            "broken",
            "breaks",
            "crash",
            "crashes",
            "crashed",
            "error",
            "errors",
            "exception",
            "fail",
            "fails",
            "failing",
            "failed",
            "failure",
            "flaky",
            "incorrect",
            "wrong",
            "regression",
            "defect",
            "glitch",
            "unresponsive",
            "freezes",
            "frozen",
            "hangs",
            "stuck",
            "not working",
            "doesn't work",
            "does not work",
            "stopped working",
            "not responding",
            "can't",
            "cannot",
            "unable",
            "no longer",
            "fehler",
            "absturz",
            "funktioniert nicht",
            "erreur",
            "bogue",
            "plantage",
            "ne fonctionne pas",
            "ne fonctionnent pas",
            "ne fonctionne plus",
            "ne marche pas",
            "ne marchent pas",
            "no funciona",
            "falla",
            "não funciona",
            "non funziona",
            "バグ",
            "不具合",
            "動かない",
            "落ちる",
            "エラー",
            "错误",
            "故障",
            "崩溃",
            "闪退",
            "报错",
            "卡",
            "无法",
            "버그",
            "오류",
            "작동하지",
            "안 됨",
        ],
    ),
    (
        TopicKind::Performance,
        &[
            "slow",
            "slowly",
            "slower",
            "load",
            "loads",
            "loading",
            "latency",
            "performance",
            "speed",
            "load time",
            "timeout",
            "timeouts",
            "lag",
            "laggy",
            "memory",
            "cpu",
            "throughput",
            "p95",
            "p99",
            "sluggish",
            "langsam",
            "lent",
            "lento",
            "遅い",
            "重い",
            "慢",
            "卡顿",
            "性能",
            "速度",
            "느림",
            "느린",
        ],
    ),
    (
        TopicKind::Compliance,
        &[
            "gdpr",
            "compliance",
            "compliant",
            "regulation",
            "regulatory",
            "legal",
            "audit",
            "soc 2",
            "soc2",
            "hipaa",
            "privacy",
            "consent",
            "pci",
            "retention policy",
            "accessibility act",
            "wcag",
            "dsgvo",
            "datenschutz",
            "rgpd",
            "合规",
            "隐私",
            "コンプライアンス",
            "個人情報",
            "규정",
            "개인정보",
        ],
    ),
    (
        TopicKind::Migration,
        &[
            "migrate",
            "migration",
            "move to",
            "moving to",
            "upgrade",
            "deprecate",
            "deprecation",
            "deprecated",
            "sunset",
            "replatform",
            "switch to",
            "decommission",
            "port to",
            "replace",
            "eol",
            "end of life",
            "end-of-life",
            "drop support",
            "迁移",
            "升级",
            "移行",
            "migración",
            "migrer",
            "migrieren",
        ],
    ),
    (
        TopicKind::TechDebt,
        &[
            "tech debt",
            "technical debt",
            "refactor",
            "refactoring",
            "legacy",
            "cleanup",
            "clean up",
            "rewrite",
            "monolith",
            "dead code",
            "library",
            "dependency",
            "dependencies",
            "bundle",
            "deprecation warnings",
            "lint",
            "技術的負債",
            "技术债",
            "重构",
            "リファクタ",
        ],
    ),
    (
        TopicKind::Research,
        &[
            "research",
            "explore",
            "investigate",
            "investigation",
            "discovery",
            "why do",
            "why are",
            "why is",
            "spike",
            "hypothesis",
            "survey",
            "interviews",
            "status",
            "roadmap",
            "evaluate",
            "understand why",
            "調査",
            "调研",
            "研究",
            "路线图",
        ],
    ),
    (
        TopicKind::Ux,
        &[
            "ux",
            "usability",
            "confusing",
            "confused",
            "onboarding",
            "user experience",
            "ui",
            "accessibility",
            "a11y",
            "navigation",
            "friction",
            "hard to use",
            "hard to read",
            "hard to find",
            "difficult",
            "unclear",
            "abandonment",
            "magical",
            "magic",
            "discoverability",
            "discoverable",
            "intuitive",
            "unintuitive",
            "cluttered",
            "使いやすさ",
            "分かりにくい",
            "体验",
            "难用",
            "사용성",
            "unübersichtlich",
        ],
    ),
    (
        TopicKind::Integration,
        &[
            "integrate",
            "integration",
            "api",
            "sync",
            "connect",
            "connector",
            "webhook",
            "webhooks",
            "third-party",
            "partner",
            "salesforce",
            "sso",
            "saml",
            "okta",
            "oauth",
            "slack",
            "zapier",
            "import",
            "imports",
            "importing",
            "importer",
            "import from",
            "export to",
            "集成",
            "対応連携",
            "連携",
            "연동",
        ],
    ),
    (
        TopicKind::Feature,
        &[
            "feature request",
            "feature",
            "add",
            "ability to",
            "option to",
            "allow",
            "support for",
            "would be nice",
            "please add",
            "enhancement",
            "wish",
            "fonctionnalité",
            "funktion",
            "功能",
            "機能",
            "기능",
        ],
    ),
];

/// Reads the kind of an item from its title and notes.
pub fn detect(title: &Title, context: Option<&str>) -> KindReading {
    let decorations = title.decorations.join(" ");
    let sources: [(&str, u32, &str); 3] = [
        (decorations.as_str(), WEIGHTS.decoration, "label"),
        (title.clean.as_str(), WEIGHTS.title, "title"),
        (context.unwrap_or(""), WEIGHTS.notes, "notes"),
    ];
    let prepared: Vec<(Prepared, u32, &str)> = sources
        .iter()
        .map(|(text, weight, place)| (Prepared::new(text), *weight, *place))
        .collect();
    let mut best: Option<(u32, TopicKind, Vec<String>)> = None;
    for ((kind, signals), numbers) in SIGNALS.iter().zip(kind_signal_numbers()) {
        let mut score = 0;
        let mut notes_score = 0;
        let mut because = Vec::new();
        for (text, weight, place) in &prepared {
            if text.holds_none {
                continue;
            }
            for (signal, &number) in signals.iter().zip(numbers) {
                if text.holds(number) {
                    // The notes repeating the title's own signal ("sync" twice) add nothing.
                    let in_title = || prepared[1].0.holds(number);
                    if *place == "notes" && in_title() {
                        continue;
                    }
                    if *place == "notes" {
                        if notes_score >= WEIGHTS.notes_cap {
                            continue;
                        }
                        notes_score += weight;
                    }
                    score += weight;
                    because.push(format!("“{signal}” in the {place}"));
                }
            }
        }
        if *kind == TopicKind::Research && title.asks {
            score += WEIGHTS.question_title;
            because.push(String::from("a question as the title"));
        }
        if score > best.as_ref().map_or(0, |b| b.0) {
            best = Some((score, *kind, because));
        }
    }
    match best {
        Some((_, kind, because)) => KindReading { kind, because },
        None => KindReading {
            kind: TopicKind::Feature,
            because: vec![String::from("no signal of another kind")],
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(title: &str, notes: Option<&str>) -> TopicKind {
        detect(&Title::read(title), notes).kind
    }

    #[test]
    fn kinds_are_read_from_signal_words() {
        use TopicKind::*;
        for (title, expected) in [
            ("Fix crash when uploading photos", Bug),
            ("Search results load slowly (p95 > 4s)", Performance),
            ("GDPR consent for marketing emails", Compliance),
            ("Migrate billing to the new payments platform", Migration),
            ("Integrate with Salesforce", Integration),
            ("Refactor the legacy pricing module", TechDebt),
            ("Why do trial users churn in week one?", Research),
            ("Confusing onboarding for new admins", Ux),
            ("Team calendars", Feature),
            ("ログイン画面のバグ", Bug),
            ("App becomes unresponsive after resuming from sleep", Bug),
            ("打开大文件时编辑器卡住", Bug),
            ("Node 16 EOL: move the build images off it", Migration),
            ("Status and Roadmap for the plugin API v2", Research),
            ("The sync button is too magical", Ux),
            ("L'export PDF ne fonctionne pas", Bug),
            ("[Bug] Dark mode toggle resets", Bug),
        ] {
            assert_eq!(kind(title, None), expected, "{title}");
        }
    }

    #[test]
    fn one_word_in_the_notes_cannot_override_a_clear_title() {
        let notes = "Legal reviewed the copy last year; design wants fewer steps.";
        assert_eq!(
            kind("Checkout form is confusing on mobile", Some(notes)),
            TopicKind::Ux
        );
        let reading = detect(&Title::read("Checkout form is confusing"), Some(notes));
        assert!(
            reading
                .because
                .contains(&String::from("“confusing” in the title"))
        );
    }

    #[test]
    fn notes_decide_when_the_title_says_nothing() {
        assert_eq!(
            kind(
                "Reports page",
                Some("It crashes with an error when the range is empty.")
            ),
            TopicKind::Bug
        );
    }
}
