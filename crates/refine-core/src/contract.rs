//! The reply contract: the four tagged sections a reply must hold, and the vocabulary the linter
//! uses to judge them.
//!
//! Everything here is data. The prompt renderer states these bounds to the model, the parser looks
//! for these tags and the linter checks these bounds and words, so the three cannot drift apart.

use serde::Serialize;

/// Inclusive bounds on how many of something a section must hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Bounds {
    /// Fewest allowed.
    pub min: usize,
    /// Most allowed.
    pub max: usize,
}

impl Bounds {
    /// Whether `n` lies within the bounds.
    pub fn contains(self, n: usize) -> bool {
        (self.min..=self.max).contains(&n)
    }
}

impl std::fmt::Display for Bounds {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}-{}", self.min, self.max)
    }
}

/// Which of the four sections a contract describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SectionKind {
    /// The timeboxed agenda.
    Agenda,
    /// Key points from the guide.
    KeyPoints,
    /// Problem-space discussion questions.
    DiscussionQuestions,
    /// The closing statement.
    ClosingStatement,
    /// A backlog item's success criteria (only inside an item block).
    SuccessCriteria,
}

/// What a section's bounds count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    /// Agenda items, each with a timebox; any positive number of them.
    TimedItems,
    /// List items, within bounds.
    Items(Bounds),
    /// Sentences of prose, within bounds.
    Sentences(Bounds),
}

/// One section of the reply: its tag, what it holds and how much of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SectionContract {
    /// Which section this is.
    pub kind: SectionKind,
    /// The XML-style tag name, without angle brackets.
    pub tag: &'static str,
    /// A human name for messages.
    pub label: &'static str,
    /// What the section holds.
    pub measure: Measure,
}

impl SectionContract {
    /// The bounds of this section's measure, when it has any.
    pub fn bounds(&self) -> Option<Bounds> {
        match self.measure {
            Measure::TimedItems => None,
            Measure::Items(b) | Measure::Sentences(b) => Some(b),
        }
    }
}

/// The agenda section.
pub const AGENDA: SectionContract = SectionContract {
    kind: SectionKind::Agenda,
    tag: "agenda",
    label: "agenda",
    measure: Measure::TimedItems,
};

/// The key points section.
pub const KEY_POINTS: SectionContract = SectionContract {
    kind: SectionKind::KeyPoints,
    tag: "key_points",
    label: "key points",
    measure: Measure::Items(Bounds { min: 3, max: 5 }),
};

/// The discussion questions section.
pub const DISCUSSION_QUESTIONS: SectionContract = SectionContract {
    kind: SectionKind::DiscussionQuestions,
    tag: "discussion_questions",
    label: "discussion questions",
    measure: Measure::Items(Bounds { min: 3, max: 5 }),
};

/// The closing statement section.
pub const CLOSING_STATEMENT: SectionContract = SectionContract {
    kind: SectionKind::ClosingStatement,
    tag: "closing_statement",
    label: "closing statement",
    measure: Measure::Sentences(Bounds { min: 2, max: 3 }),
};

/// A backlog item's success criteria, inside its item block.
pub const SUCCESS_CRITERIA: SectionContract = SectionContract {
    kind: SectionKind::SuccessCriteria,
    tag: "success_criteria",
    label: "success criteria",
    measure: Measure::Items(Bounds { min: 1, max: 3 }),
};

/// The contract of a session on several backlog items, beside the four sections: the reply
/// holds the agenda, the session's key points and the closing statement as in
/// [`SECTIONS`], and instead of one `<discussion_questions>` section, one block per item the
/// session takes, in the given order:
///
/// ```text
/// <item number="2">
/// Export fails for files over 2 GB (7 minutes)
/// <key_points> 3-5 points drawn from this item's description </key_points>
/// <discussion_questions> 3-5 problem-space questions about this item </discussion_questions>
/// <success_criteria> 1-3 outcomes that would tell this item is understood </success_criteria>
/// </item>
/// ```
///
/// The block's first line names the item with its slot's timebox; `number` is the item's
/// 1-based place in the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ItemContract {
    /// The block's tag name.
    pub tag: &'static str,
    /// A human name for messages.
    pub label: &'static str,
    /// The sections inside each block, in the order the prompt asks for them.
    pub sections: [SectionContract; 3],
    /// The fewest minutes an item's slot may have: its three questions at under two minutes
    /// each is the least a conversation about a problem can be. The phase where items are
    /// discussed takes as many items as it holds at this length; the rest are deferred.
    pub min_minutes: u32,
}

/// The multi-item contract.
pub const ITEM: ItemContract = ItemContract {
    tag: "item",
    label: "backlog item",
    sections: [KEY_POINTS, DISCUSSION_QUESTIONS, SUCCESS_CRITERIA],
    min_minutes: 5,
};

/// All sections, in the order the prompt asks for them.
pub const SECTIONS: [SectionContract; 4] =
    [AGENDA, KEY_POINTS, DISCUSSION_QUESTIONS, CLOSING_STATEMENT];

/// Every tagged section a reply may hold: the four, and the item blocks' success criteria.
pub const TAGGED: [SectionContract; 5] = [
    AGENDA,
    KEY_POINTS,
    DISCUSSION_QUESTIONS,
    CLOSING_STATEMENT,
    SUCCESS_CRITERIA,
];

/// The contract of one section kind.
pub fn section(kind: SectionKind) -> &'static SectionContract {
    match kind {
        SectionKind::Agenda => &SECTIONS[0],
        SectionKind::KeyPoints => &SECTIONS[1],
        SectionKind::DiscussionQuestions => &SECTIONS[2],
        SectionKind::ClosingStatement => &SECTIONS[3],
        SectionKind::SuccessCriteria => &SUCCESS_CRITERIA,
    }
}

/// Thresholds of the specificity rules: whether a pack speaks about this item or pastes its
/// title into fixed sentences.
#[derive(Debug, Clone, Copy)]
pub struct Specificity {
    /// A question or closing that repeats this many consecutive words of the title (or more)
    /// echoes it (`question-echo`, `closing-echo`): a title longer than this should be named in
    /// a few words of the pack's own.
    pub echo_run_words: usize,
    /// With context notes, at least this many questions must use the notes' own terms (words not
    /// already in the title), or `questions-ungrounded`.
    pub grounded_questions: usize,
    /// A question's wording (the topic's own words masked) that recurs across this many topics
    /// of a run or more counts as templated in the run's distinctness figure.
    pub templated_topics: usize,
}

/// The specificity thresholds the linter uses.
pub const SPECIFICITY: Specificity = Specificity {
    echo_run_words: 7,
    grounded_questions: 2,
    templated_topics: 3,
};

/// Words and phrases the linter matches against reply text. Phrases are lower case; a phrase
/// matches on word boundaries. Stems are produced by [`crate::text::stem`].
#[derive(Debug, Clone, Copy)]
pub struct Vocabulary {
    /// Talk of estimating effort or size: the guide's pitfall "Focusing on estimation instead of
    /// understanding".
    pub estimation: &'static [&'static str],
    /// Talk that picks a solution or an implementation: the guide's pitfall "Jumping to solutions
    /// too quickly".
    pub solutioning: &'static [&'static str],
    /// Words that, before a matched phrase in the same sentence, negate it ("no estimation today").
    pub negations: &'static [&'static str],
    /// Phrases that name next steps in a closing statement, besides the guide's post-session actions.
    pub next_steps: &'static [&'static str],
    /// Words too common in refinement talk to tie a sentence to a topic or to a guide line.
    pub generic: &'static [&'static str],
    /// Words that open a question even without a question mark.
    pub interrogatives: &'static [&'static str],
    /// Agenda lines that frame the agenda rather than being an item of it.
    pub agenda_framing: &'static [&'static str],
}

/// When two questions (or two key points) count as saying the same thing.
#[derive(Debug, Clone, Copy)]
pub struct Duplicates {
    /// The share of their content terms two texts must share (of all the terms either has) to
    /// count as near-duplicates.
    pub overlap: f64,
    /// Texts with fewer content terms than this are only duplicates when identical.
    pub min_terms: usize,
}

/// The duplicate thresholds the linter uses (`question-duplicate`, `key-point-duplicate`).
pub const DUPLICATES: Duplicates = Duplicates {
    overlap: 0.8,
    min_terms: 3,
};

/// The vocabulary the linter uses.
pub const VOCABULARY: Vocabulary = Vocabulary {
    estimation: &[
        "estimate",
        "estimates",
        "estimated",
        "estimating",
        "estimation",
        "story point",
        "story points",
        "planning poker",
        "sizing",
        "t-shirt size",
        "t-shirt sizes",
        "how long will it take",
        "how long would it take",
        "how long it will take",
        "how long it would take",
        "how much effort",
        "how much time",
        "how many days",
        "how many weeks",
        "how many sprints",
        "how many hours",
        "level of effort",
        "velocity",
    ],
    solutioning: &[
        "what are the solutions",
        "what are the potential solutions",
        "what are the possible solutions",
        "what are some solutions",
        "what are some possible solutions",
        "what solutions",
        "which solution",
        "which solutions",
        "best solution",
        "quick fix",
        "what fix",
        "which fix",
        "how can we improve",
        "how could we improve",
        "how do we improve",
        "how should we improve",
        "how can we fix",
        "how could we fix",
        "how do we fix",
        "how should we fix",
        "how to fix",
        "how to implement",
        "how can we implement",
        "how could we implement",
        "how can we build",
        "how could we build",
        "how might we build",
        "how can we solve",
        "how could we solve",
        "how do we solve",
        "how should we solve",
        "should we add",
        "should we create",
        "should we introduce",
        "which tool",
        "which tools",
        "which button",
        "which feature",
        "what feature should",
        "what features should",
        "what should we build",
        "what should we implement",
        "best approach to implement",
        "should we use",
        "should we build",
        "should we implement",
        "should we adopt",
        "should we switch to",
        "should we migrate to",
        "should we rewrite",
        "can we just",
        "how do we implement",
        "how should we implement",
        "how will we implement",
        "how do we build",
        "how should we build",
        "how should we architect",
        "which framework",
        "which library",
        "which database",
        "which technology",
        "which vendor",
        "which tech stack",
        "what framework",
        "what library",
        "what database",
        "what tech stack",
        "best way to implement",
        "best way to build",
    ],
    negations: &[
        "no", "not", "avoid", "without", "instead", "rather", "don't", "never", "nor",
    ],
    next_steps: &[
        "next step",
        "next steps",
        "follow up",
        "follow-up",
        "action item",
        "action items",
        "owner",
        "owners",
        "next session",
        "deep-dive",
        "deep dive",
        "reconvene",
        "next week",
        "circulate",
        "send out",
        "recap",
        "to-do",
        "to-dos",
    ],
    generic: &[
        "session",
        "sessions",
        "refinement",
        "team",
        "teams",
        "item",
        "items",
        "discuss",
        "discussion",
        "discussions",
        "time",
        "new",
        "make",
        "way",
        "thing",
        "things",
        "everyone",
        "product",
        "today",
        "work",
        "need",
        "needs",
        "also",
        "well",
        "clear",
        "clearly",
        "good",
        "help",
        "use",
        "get",
        "improve",
        "improving",
        "reduce",
        "reducing",
        "increase",
        "increasing",
        "add",
        "adding",
        "support",
        "enable",
        "better",
        "build",
        "create",
        "implement",
        "fix",
        "fixing",
    ],
    interrogatives: &[
        "what", "why", "how", "who", "whom", "whose", "which", "where", "when",
    ],
    agenda_framing: &["agenda", "total", "overall", "session length", "duration"],
};
