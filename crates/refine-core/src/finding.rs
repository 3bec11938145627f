//! Findings: what the parser and the linter say about a reply, with stable codes.

use serde::{Deserialize, Serialize};

/// How much a finding matters.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The reply breaks the contract; `refine check` exits 1.
    Error,
    /// The reply strays from the guide.
    Warning,
    /// Worth knowing; no fault.
    Info,
}

impl Severity {
    /// The lower-case name used in JSON and text output.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

macro_rules! codes {
    ($($variant:ident = $name:literal, $severity:ident, $doc:literal;)*) => {
        /// A stable finding code. Codes are never renamed or reused.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, schemars::JsonSchema)]
        pub enum Code {
            $(#[doc = $doc] #[serde(rename = $name)] $variant,)*
        }

        impl Code {
            /// Every code, in documentation order.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            /// The code as written in output, e.g. `section-missing`.
            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $name,)* }
            }

            /// The severity of every finding with this code.
            pub fn severity(self) -> Severity {
                match self { $(Code::$variant => Severity::$severity,)* }
            }

            /// What the code means, in one line.
            pub fn description(self) -> &'static str {
                match self { $(Code::$variant => $doc,)* }
            }
        }
    };
}

codes! {
    SectionMissing = "section-missing", Error, "A section's tags are absent.";
    SectionUnclosed = "section-unclosed", Error, "A section is opened but never closed.";
    SectionDuplicate = "section-duplicate", Error, "A section appears more than once; the first is used.";
    SectionEmpty = "section-empty", Error, "A section's tags hold nothing.";
    AgendaUntimed = "agenda-untimed", Error, "An agenda item has no timebox.";
    KeyPointsCount = "key-points-count", Error, "The number of key points is outside the contract's bounds.";
    QuestionsCount = "questions-count", Error, "The number of discussion questions is outside the contract's bounds.";
    ClosingLength = "closing-length", Error, "The closing statement's sentence count is outside the contract's bounds.";
    AgendaPhaseMissing = "agenda-phase-missing", Warning, "A timeboxed guide phase has no agenda item.";
    AgendaPhaseOrder = "agenda-phase-order", Warning, "Agenda items visit the guide's phases out of the guide's order.";
    AgendaTimeboxRange = "agenda-timebox-range", Warning, "A phase's minutes lie outside the guide's range for it.";
    AgendaTotal = "agenda-total", Warning, "The agenda's total differs from the requested length, or from the guide's when none was requested.";
    AgendaEstimation = "agenda-estimation", Warning, "The agenda schedules estimation, a guide pitfall.";
    KeyPointOffGuide = "key-point-off-guide", Warning, "A key point cannot be traced to the guide.";
    QuestionNotQuestion = "question-not-question", Warning, "A discussion question is not phrased as a question.";
    QuestionGeneric = "question-generic", Warning, "A discussion question does not refer to the topic or its context.";
    QuestionSolutioning = "question-solutioning", Warning, "A discussion question jumps to a solution or implementation choice.";
    QuestionEstimation = "question-estimation", Warning, "A discussion question asks for effort, estimates or story points.";
    ClosingNoNextSteps = "closing-no-next-steps", Warning, "The closing statement names no next steps.";
    QuestionEcho = "question-echo", Warning, "A discussion question repeats a long run of the topic's title instead of naming its subject in a few words.";
    ClosingEcho = "closing-echo", Warning, "The closing statement repeats a long run of the topic's title.";
    QuestionsUngrounded = "questions-ungrounded", Warning, "Context notes were given, but too few questions draw on their own terms.";
    ItemMissing = "item-missing", Error, "A backlog item the session takes has no item block in the reply.";
    ItemUnexpected = "item-unexpected", Warning, "An item block names no item the session takes (a deferred item, a number past the last, or a single-topic session).";
    ItemUntimed = "item-untimed", Error, "An item block's first line gives no timebox for the item's slot.";
    SuccessCriteriaCount = "success-criteria-count", Error, "The number of an item's success criteria is outside the contract's bounds.";
    ItemSlotsTotal = "item-slots-total", Warning, "The items' slots add up to more than the agenda gives the phase that holds them.";
    QuestionDuplicate = "question-duplicate", Warning, "A discussion question says what an earlier one says (the same words, or nearly the same terms).";
    KeyPointDuplicate = "key-point-duplicate", Warning, "A key point says what an earlier one says (the same words, or nearly the same terms).";
    PackOffTopic = "pack-off-topic", Warning, "The key points and questions share no content with the topic and its context: a pack written for another item.";
}

/// One thing said about a reply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Finding {
    /// The stable code.
    pub code: Code,
    /// The code's severity.
    pub severity: Severity,
    /// What is wrong, for people.
    pub message: String,
    /// The 1-based line in the reply where it applies, when one does.
    pub line: Option<usize>,
}

impl Finding {
    /// A finding with the code's severity.
    pub fn new(code: Code, message: impl Into<String>, line: Option<usize>) -> Self {
        Finding {
            code,
            severity: code.severity(),
            message: message.into(),
            line,
        }
    }
}
