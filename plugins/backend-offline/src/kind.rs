//! What kind of refinement item a topic is, read from its words (and its context's).

use refine_core::text::words;

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
    /// Internal quality: refactoring, legacy code.
    TechDebt,
    /// An open question to learn about.
    Research,
}

impl TopicKind {
    /// The kind's name as fixtures and messages write it.
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

/// Signal words per kind, in tie-break order. An ASCII word without spaces matches a word of the
/// text (as a prefix when it has four letters or more); anything else matches as a substring.
const SIGNALS: &[(TopicKind, &[&str])] = &[
    (
        TopicKind::Bug,
        &[
            "bug",
            "bugs",
            "fix",
            "broken",
            "crash",
            "error",
            "errors",
            "fail",
            "failing",
            "fails",
            "flaky",
            "incorrect",
            "wrong",
            "regression",
            "defect",
            "glitch",
            "not working",
            "doesn't work",
            "fehler",
            "erreur",
            "bogue",
            "バグ",
            "不具合",
            "错误",
            "故障",
            "崩溃",
            "버그",
            "오류",
        ],
    ),
    (
        TopicKind::Performance,
        &[
            "slow",
            "latency",
            "performance",
            "speed",
            "load time",
            "timeout",
            "timeouts",
            "lag",
            "memory",
            "cpu",
            "throughput",
            "p95",
            "p99",
            "langsam",
            "lent",
            "lento",
            "遅い",
            "慢",
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
            "dsgvo",
            "datenschutz",
            "合规",
            "コンプライアンス",
            "규정",
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
            "sunset",
            "replatform",
            "switch to",
            "decommission",
            "port to",
            "迁移",
            "移行",
            "migración",
            "migrer",
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
            "集成",
            "連携",
            "연동",
        ],
    ),
    (
        TopicKind::TechDebt,
        &[
            "tech debt",
            "technical debt",
            "refactor",
            "legacy",
            "cleanup",
            "clean up",
            "rewrite",
            "monolith",
            "dead code",
            "技術的負債",
            "技术债",
        ],
    ),
    (
        TopicKind::Research,
        &[
            "research",
            "explore",
            "investigate",
            "discovery",
            "why do",
            "why are",
            "why is",
            "spike",
            "hypothesis",
            "survey",
            "interviews",
            "调研",
            "調査",
            "研究",
        ],
    ),
    (
        TopicKind::Ux,
        &[
            "ux",
            "usability",
            "confusing",
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
            "使いやすさ",
            "体验",
            "사용성",
        ],
    ),
];

/// The kind of item `text` describes: the kind with the most signal words, ties going to the
/// earlier kind in [`SIGNALS`]; a feature when none match.
pub fn detect(text: &str) -> TopicKind {
    let lower = text.to_lowercase();
    let text_words = words(&lower);
    let hits = |signals: &[&str]| {
        signals
            .iter()
            .filter(|signal| {
                if !signal.is_ascii() {
                    return lower.contains(*signal);
                }
                if signal.contains([' ', '-', '\'']) {
                    // A phrase matches whole words in sequence: "port to" is not in "support to".
                    let phrase = words(signal);
                    return text_words
                        .windows(phrase.len())
                        .any(|w| w == phrase.as_slice());
                }
                text_words.iter().any(|w| {
                    if signal.len() >= 4 {
                        w.starts_with(*signal)
                    } else {
                        w == *signal
                    }
                })
            })
            .count()
    };
    let mut best = (0, TopicKind::Feature);
    for (kind, signals) in SIGNALS {
        let n = hits(signals);
        if n > best.0 {
            best = (n, *kind);
        }
    }
    best.1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_are_read_from_signal_words() {
        assert_eq!(detect("Fix crash when uploading photos"), TopicKind::Bug);
        assert_eq!(
            detect("Search results load slowly (p95 > 4s)"),
            TopicKind::Performance
        );
        assert_eq!(
            detect("GDPR consent for marketing emails"),
            TopicKind::Compliance
        );
        assert_eq!(
            detect("Migrate billing to the new payments platform"),
            TopicKind::Migration
        );
        assert_eq!(detect("Integrate with Salesforce"), TopicKind::Integration);
        assert_eq!(
            detect("Refactor the legacy pricing module"),
            TopicKind::TechDebt
        );
        assert_eq!(
            detect("Why do trial users churn in week one?"),
            TopicKind::Research
        );
        assert_eq!(detect("Confusing onboarding for new admins"), TopicKind::Ux);
        assert_eq!(detect("Team calendars"), TopicKind::Feature);
        assert_eq!(detect("ログイン画面のバグ"), TopicKind::Bug);
        assert_eq!(
            detect("Make the API docs searchable"),
            TopicKind::Integration
        );
    }
}
