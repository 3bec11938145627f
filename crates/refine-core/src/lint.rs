//! The linter: judges a parsed reply against the guide and the section contracts, and scores it.
//!
//! # Scores
//! All scores lie in [0, 1] and are rounded to four decimals.
//!
//! - `structure` is the mean over the four sections of a section score: 0 when the section is
//!   missing or empty, else 1 minus 0.5 for each of: unclosed, duplicated, and out of shape
//!   (key points or questions outside their count bounds, closing outside its sentence bounds,
//!   or, for the agenda, 0.5 times the share of untimed items); never below 0.
//! - `adherence` is the mean of eight shares: guide phases covered by the agenda; phases in the
//!   guide's order (1 or 0); covered phases within their timebox; agenda total as requested
//!   (1 or 0); agenda free of estimation (1 or 0); key points traced to the guide; questions that
//!   are real, topic-specific, solution-free and estimate-free questions; closing names next steps
//!   (1 or 0). A share whose section is missing or empty is 0.
//! - `overall` is the mean of `structure` and `adherence`.
//!
//! A question or key point that repeats an earlier one (`question-duplicate`,
//! `key-point-duplicate`) counts as a faulty one in its share. A pack whose key points and
//! questions share nothing with the topic and its context (`pack-off-topic`) scores 0 on the
//! questions share. Inside an item's block, each repeated key point takes 0.25 off the block's
//! score.
//!
//! For a session on several items ([`crate::contract::ITEM`]), the item blocks take the place of
//! the discussion questions section: in `structure`, the mean over the items the session takes
//! of a block score (0 for a missing block, else 1 minus 0.5 for each of unclosed, untimed, and
//! each inner section missing or outside its bounds); in `adherence`, the mean over the items of
//! each item's question share, judged against that item's own title and body.
//!
//! A reply with no findings scores 1 on all three.

mod duplicates;
mod echo;
mod items;

pub use duplicates::earlier_twins;
pub use echo::{TitleEcho, echoes_title};

use std::cell::OnceCell;
use std::collections::BTreeSet;
use std::rc::Rc;
use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

use crate::contract::{self, SPECIFICITY, SectionKind, VOCABULARY};
use crate::finding::{Code, Finding};
use crate::guide::Guide;
use crate::parse::ParsedReply;
use crate::request::SessionRequest;
use crate::text::{
    LoweredText, PhraseMatch, Phrases, Terms, find_phrase, lowercase, same_stem, sentence_count,
    shared_terms, sharing_terms, stem, terms_meet, unicode_words, words,
};
use crate::timebox::Minutes;

/// The vocabulary's phrase lists, prepared once.
static ESTIMATION: LazyLock<Phrases> = LazyLock::new(|| Phrases::new(VOCABULARY.estimation));
static SOLUTIONING: LazyLock<Phrases> = LazyLock::new(|| Phrases::new(VOCABULARY.solutioning));
static NEXT_STEPS: LazyLock<Phrases> = LazyLock::new(|| Phrases::new(VOCABULARY.next_steps));

/// How well a reply follows the contract and the guide.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Scores {
    /// Whether the four sections are there and in shape.
    pub structure: f64,
    /// Whether the content follows the guide.
    pub adherence: f64,
    /// The mean of the two.
    pub overall: f64,
}

/// Lints a parsed reply. The parser's structural findings are included, and all findings are
/// sorted by line (findings without a line last), then by code.
pub fn lint(
    parsed: &ParsedReply,
    guide: &Guide,
    request: &SessionRequest,
) -> (Vec<Finding>, Scores) {
    sharing_terms(|| lint_sharing_terms(parsed, guide, request))
}

/// [`lint`], within [`sharing_terms`].
fn lint_sharing_terms(
    parsed: &ParsedReply,
    guide: &Guide,
    request: &SessionRequest,
) -> (Vec<Finding>, Scores) {
    let mut linter = Linter {
        parsed,
        guide,
        request,
        findings: parsed.findings.clone(),
        topic_echo: OnceCell::new(),
    };
    let structure = linter.structure();
    let off_topic = linter.pack_off_topic();
    let questions = linter.questions_quality();
    let adherence = [
        linter.agenda_phases(),
        linter.agenda_order(),
        linter.agenda_ranges(),
        linter.agenda_total(),
        linter.agenda_estimation(),
        linter.key_points_traced(),
        if off_topic { 0.0 } else { questions },
        linter.closing_next_steps(),
    ];
    let adherence = adherence.iter().sum::<f64>() / adherence.len() as f64;
    let mut findings = linter.findings;
    findings.sort_by_key(|f| (f.line.is_none(), f.line, f.code));
    let scores = Scores {
        structure: round(structure),
        adherence: round(adherence),
        overall: round((structure + adherence) / 2.0),
    };
    (findings, scores)
}

fn round(x: f64) -> f64 {
    (x.clamp(0.0, 1.0) * 10_000.0).round() / 10_000.0
}

fn share(good: usize, all: usize) -> f64 {
    if all == 0 {
        0.0
    } else {
        good as f64 / all as f64
    }
}

struct Linter<'a> {
    parsed: &'a ParsedReply,
    guide: &'a Guide,
    request: &'a SessionRequest,
    findings: Vec<Finding>,
    /// The topic's words, read once for every echo the lint looks for.
    topic_echo: OnceCell<Rc<TitleEcho>>,
}

impl Linter<'_> {
    /// The content terms of `text` ([`terms`]), computed once per lint (or per
    /// [`sharing_terms`] around it): several rules read the same question, key point, title or
    /// notes.
    fn terms_of(&self, text: &str) -> Rc<Terms> {
        shared_terms(text)
    }

    /// For each text, an earlier one it repeats ([`earlier_twins`]), with the memoised terms
    /// (remembered when the planner just asked about the same texts).
    fn twins(&self, texts: &[String]) -> Vec<Option<usize>> {
        duplicates::remembered(texts, || {
            let sets: Vec<Rc<Terms>> = texts.iter().map(|t| self.terms_of(t)).collect();
            let sets: Vec<&Terms> = sets.iter().map(|s| &**s).collect();
            duplicates::twins_with_terms(texts, &sets)
        })
    }

    fn push(&mut self, code: Code, message: String, line: Option<usize>) {
        self.findings.push(Finding::new(code, message, line));
    }

    /// Whether a matched phrase says what it seems to: not negated ("no estimation today"), and
    /// not merely naming the topic (a question about "estimation accuracy" when that is the
    /// topic does not ask for an estimate).
    fn asserts(&self, found: PhraseMatch) -> bool {
        self.asserts_for(self.subject(), found)
    }

    fn asserts_for(&self, subject: Subject<'_>, found: PhraseMatch) -> bool {
        let names_subject = |text: &str| find_phrase(text, &[found.phrase], &[]).is_some();
        !found.negated && !names_subject(subject.title) && !subject.notes.is_some_and(names_subject)
    }

    /// What the reply is about: the request's topic and context.
    fn subject(&self) -> Subject<'_> {
        Subject {
            title: self.request.topic().as_str(),
            notes: self.request.context(),
        }
    }

    /// Whether the section was found and holds something.
    fn usable(&self, kind: SectionKind) -> bool {
        self.parsed.layout.section(kind).is_some_and(|s| !s.empty)
    }

    fn section_line(&self, kind: SectionKind) -> Option<usize> {
        self.parsed.layout.section_line(kind)
    }

    /// Structural checks beyond the parser's, and the structure score.
    fn structure(&mut self) -> f64 {
        let mut total = 0.0;
        let multi = !self.request.items().is_empty();
        if !multi {
            self.blocks_unasked();
        }
        for contract in &contract::SECTIONS {
            let kind = contract.kind;
            if multi && kind == SectionKind::DiscussionQuestions {
                total += self.items_structure();
                continue;
            }
            let Some(section) = self.parsed.layout.section(kind).filter(|s| !s.empty) else {
                continue;
            };
            let line = Some(section.line);
            let mut score = 1.0;
            if section.unclosed {
                score -= 0.5;
            }
            if section.duplicated {
                score -= 0.5;
            }
            let plan = &self.parsed.plan;
            match kind {
                SectionKind::Agenda => {
                    let untimed: Vec<(usize, String)> = plan
                        .agenda
                        .iter()
                        .zip(&self.parsed.layout.agenda)
                        .filter(|(item, _)| item.minutes.is_none())
                        .map(|(item, at)| (at.line, item.title.clone()))
                        .collect();
                    score -= 0.5 * share(untimed.len(), plan.agenda.len());
                    for (at, title) in untimed {
                        self.push(
                            Code::AgendaUntimed,
                            format!("agenda item `{title}` has no timebox"),
                            Some(at),
                        );
                    }
                }
                SectionKind::KeyPoints | SectionKind::DiscussionQuestions => {
                    let (count, code) = if kind == SectionKind::KeyPoints {
                        (plan.key_points.len(), Code::KeyPointsCount)
                    } else {
                        (plan.discussion_questions.len(), Code::QuestionsCount)
                    };
                    if let Some(bounds) = contract.bounds().filter(|b| !b.contains(count)) {
                        score -= 0.5;
                        self.push(
                            code,
                            format!(
                                "{}: {count}, where the contract asks for {bounds}",
                                contract.label
                            ),
                            line,
                        );
                    }
                }
                SectionKind::SuccessCriteria => {}
                SectionKind::ClosingStatement => {
                    let count = plan.closing_statement.as_deref().map_or(0, sentence_count);
                    if let Some(bounds) = contract.bounds().filter(|b| !b.contains(count)) {
                        score -= 0.5;
                        self.push(
                            Code::ClosingLength,
                            format!("closing statement sentences: {count}, where the contract asks for {bounds}"),
                            line,
                        );
                    }
                }
            }
            total += f64::max(score, 0.0);
        }
        total / contract::SECTIONS.len() as f64
    }

    /// Indices into the guide's phases of the agenda items, with each item's line.
    fn item_phases(&self) -> Vec<(usize, usize)> {
        self.parsed
            .plan
            .agenda
            .iter()
            .zip(&self.parsed.layout.agenda)
            .filter_map(|(item, at)| {
                let slug = item.phase.as_deref()?;
                let index = self.guide.phases.iter().position(|p| p.slug == slug)?;
                Some((index, at.line))
            })
            .collect()
    }

    fn agenda_phases(&mut self) -> f64 {
        if !self.usable(SectionKind::Agenda) {
            return 0.0;
        }
        let covered: BTreeSet<usize> = self.item_phases().into_iter().map(|(i, _)| i).collect();
        let line = self.section_line(SectionKind::Agenda);
        let missing: Vec<String> = self
            .guide
            .phases
            .iter()
            .enumerate()
            .filter(|(i, _)| !covered.contains(i))
            .map(|(_, p)| {
                format!(
                    "no agenda item for the guide's phase `{}` ({})",
                    p.name, p.minutes
                )
            })
            .collect();
        for message in missing {
            self.push(Code::AgendaPhaseMissing, message, line);
        }
        share(covered.len(), self.guide.phases.len())
    }

    fn agenda_order(&mut self) -> f64 {
        if !self.usable(SectionKind::Agenda) {
            return 0.0;
        }
        let mut furthest: Option<usize> = None;
        for (index, line) in self.item_phases() {
            if let Some(f) = furthest.filter(|&f| index < f) {
                let (early, late) = (&self.guide.phases[index].name, &self.guide.phases[f].name);
                let message = format!("`{early}` comes after `{late}`; the guide puts it before");
                self.push(Code::AgendaPhaseOrder, message, Some(line));
                return 0.0;
            }
            furthest = Some(furthest.map_or(index, |f| f.max(index)));
        }
        1.0
    }

    /// The range each phase is held to, scaled when the requested length lies outside the
    /// guide's natural length, so a 60-minute session is not faulted for short phases.
    fn allowed(&self, range: Minutes) -> Minutes {
        self.guide.fitted_range(range, self.request.minutes())
    }

    fn agenda_ranges(&mut self) -> f64 {
        if !self.usable(SectionKind::Agenda) {
            return 0.0;
        }
        let plan = &self.parsed.plan;
        let mut checked = 0;
        let mut within = 0;
        let mut out = Vec::new();
        for phase in &self.guide.phases {
            let items: Vec<_> = plan
                .agenda
                .iter()
                .zip(&self.parsed.layout.agenda)
                .filter(|(item, _)| item.phase.as_deref() == Some(phase.slug.as_str()))
                .collect();
            let Some(first_line) = items.first().map(|(_, at)| at.line) else {
                continue;
            };
            let timed: Vec<Minutes> = items.iter().filter_map(|(item, _)| item.minutes).collect();
            let Some(sum) = timed.into_iter().reduce(Minutes::plus) else {
                continue;
            };
            checked += 1;
            let allowed = self.allowed(phase.minutes);
            if sum.within(allowed) {
                within += 1;
            } else {
                let scaled = if allowed == phase.minutes {
                    ""
                } else {
                    " for this session length"
                };
                out.push((
                    format!(
                        "`{}` has {sum}; the guide gives it {allowed}{scaled}",
                        phase.name
                    ),
                    first_line,
                ));
            }
        }
        for (message, line) in out {
            self.push(Code::AgendaTimeboxRange, message, Some(line));
        }
        share(within, checked)
    }

    fn agenda_total(&mut self) -> f64 {
        if !self.usable(SectionKind::Agenda) {
            return 0.0;
        }
        let Some(total) = self
            .parsed
            .plan
            .agenda
            .iter()
            .filter_map(|i| i.minutes)
            .reduce(Minutes::plus)
        else {
            return 0.0;
        };
        let line = self.section_line(SectionKind::Agenda);
        let message = match self.request.minutes() {
            Some(n) if !(total.min <= n && n <= total.max) => Some(format!(
                "the agenda adds up to {total}, not the requested {n} min"
            )),
            Some(_) => None,
            None => {
                let natural = self.guide.total();
                (!total.within(natural)).then(|| {
                    format!("the agenda adds up to {total}, outside the guide's {natural}")
                })
            }
        };
        match message {
            Some(m) => {
                self.push(Code::AgendaTotal, m, line);
                0.0
            }
            None => 1.0,
        }
    }

    fn agenda_estimation(&mut self) -> f64 {
        if !self.usable(SectionKind::Agenda) {
            return 0.0;
        }
        // Most agendas hold no estimation phrase at all: all their lines are ruled out at once.
        let lines = self
            .parsed
            .plan
            .agenda
            .iter()
            .zip(&self.parsed.layout.agenda)
            .flat_map(|(item, _)| std::iter::once(&item.title).chain(&item.details));
        if !ESTIMATION.may_find_in_any(lines.map(String::as_str)) {
            return 1.0;
        }
        let mut hits = Vec::new();
        for (item, at) in self
            .parsed
            .plan
            .agenda
            .iter()
            .zip(&self.parsed.layout.agenda)
        {
            let texts = std::iter::once(&item.title).chain(&item.details);
            for text in texts {
                if let Some(m) = ESTIMATION.find(text, VOCABULARY.negations)
                    && self.asserts(m)
                {
                    hits.push((
                            format!(
                                "agenda item `{}` schedules estimation (\"{}\"); the guide warns against focusing on estimation instead of understanding",
                                item.title, m.phrase
                            ),
                            at.line,
                        ));
                    break;
                }
            }
        }
        let clean = hits.is_empty();
        for (message, line) in hits {
            self.push(Code::AgendaEstimation, message, Some(line));
        }
        if clean { 1.0 } else { 0.0 }
    }

    fn key_points_traced(&mut self) -> f64 {
        if !self.usable(SectionKind::KeyPoints) {
            return 0.0;
        }
        let statements = self.guide.statement_terms();
        let points = &self.parsed.plan.key_points;
        let twins = self.twins(points);
        let mut traced = 0;
        for ((point, &line), twin) in points.iter().zip(&self.parsed.layout.key_points).zip(twins) {
            if let Some(j) = twin {
                let message = format!(
                    "key point \"{}\" says what key point {} says",
                    shorten(point),
                    j + 1
                );
                self.push(Code::KeyPointDuplicate, message, Some(line));
                continue;
            }
            let mine = self.terms_of(point);
            let found = statements.shares_enough(&mine, 2.min(mine.len()));
            if found {
                traced += 1;
            } else {
                let message = format!(
                    "key point \"{}\" cannot be traced to the guide",
                    shorten(point)
                );
                self.push(Code::KeyPointOffGuide, message, Some(line));
            }
        }
        share(traced, points.len())
    }

    fn questions_quality(&mut self) -> f64 {
        if !self.request.items().is_empty() {
            return self.items_quality();
        }
        if !self.usable(SectionKind::DiscussionQuestions) {
            return 0.0;
        }
        let parsed = self.parsed;
        let line = self.section_line(SectionKind::DiscussionQuestions);
        let request = self.request;
        let subject = Subject {
            title: request.topic().as_str(),
            notes: request.context(),
        };
        self.judge_questions(
            subject,
            &parsed.plan.discussion_questions,
            &parsed.layout.discussion_questions,
            line,
        )
    }

    /// Whether the key points and questions share no content with what the session is about
    /// (the topic, its context, the items and their notes): a pack written for another item.
    /// Reports `pack-off-topic`. A guide word counts as shared only when the topic or its notes
    /// use it too; nothing is judged when they use no word beyond the guide's, or the pack says
    /// nothing.
    fn pack_off_topic(&mut self) -> bool {
        // The terms of texts read together a line break apart are the union of each's: each
        // text's are the memoised ones the other rules read too.
        let sets: Vec<Rc<Terms>> = std::iter::once(self.request.topic().as_str())
            .chain(self.request.context())
            .chain(
                self.request
                    .items()
                    .iter()
                    .flat_map(|i| std::iter::once(i.title().as_str()).chain(i.notes())),
            )
            .map(|text| self.terms_of(text))
            .collect();
        let subject: Terms = sets.iter().flat_map(|set| set.iter().cloned()).collect();
        let statements = self.guide.statement_terms();
        let beyond_guide = subject.iter().any(|t| !statements.holds(t));
        let plan = &self.parsed.plan;
        let said: Vec<&String> = plan
            .key_points
            .iter()
            .chain(&plan.discussion_questions)
            .chain(
                plan.items
                    .iter()
                    .flat_map(|i| i.key_points.iter().chain(&i.discussion_questions)),
            )
            .collect();
        if !beyond_guide {
            return false;
        }
        // Off topic when the pack's terms, all together, are some and none meets the subject's:
        // read text by text, without gathering them in one set.
        let mut wordless = true;
        for text in &said {
            let own = self.terms_of(text);
            if own.is_empty() {
                continue;
            }
            wordless = false;
            if terms_meet(&own, &subject) {
                return false;
            }
        }
        if wordless {
            return false;
        }
        self.push(
            Code::PackOffTopic,
            format!(
                "none of the {} key points and questions shares a word with the topic or its context: was this pack written for another item?",
                said.len()
            ),
            None,
        );
        true
    }

    /// The share of `questions` with no finding (halved when they do not draw on the subject's
    /// notes), reporting each question's findings.
    fn judge_questions(
        &mut self,
        subject: Subject<'_>,
        questions: &[String],
        lines: &[usize],
        section_line: Option<usize>,
    ) -> f64 {
        // The subject's terms are the title's and the notes' (a line break parts every word,
        // and `terms` of both read together is the union of each's), each read once per lint.
        let title_terms = self.terms_of(subject.title);
        let notes_terms = subject.notes.map(|notes| self.terms_of(notes));
        let subject_has_terms =
            !title_terms.is_empty() || notes_terms.as_ref().is_some_and(|t| !t.is_empty());
        let meets_subject = |own: &Terms| {
            terms_meet(own, &title_terms)
                || notes_terms.as_ref().is_some_and(|t| terms_meet(own, t))
        };
        let topic_lower = lowercase(subject.title);
        let title_echo = if subject.title == self.request.topic().as_str() {
            self.topic_echo()
        } else {
            Rc::new(TitleEcho::new(subject.title))
        };
        let twins = self.twins(questions);
        // Most packs' questions hold no such phrase: all are ruled out at once.
        let together = LoweredText::of_lines(questions.iter().map(String::as_str));
        let may_solution = SOLUTIONING.may_find_in(&together);
        let may_estimate = ESTIMATION.may_find_in(&together);
        let mut clean = 0;
        for ((question, &line), twin) in questions.iter().zip(lines).zip(twins) {
            let before = self.findings.len();
            // Only a finding's message quotes the question.
            let short = || shorten(question);
            if let Some(j) = twin {
                let message = format!("\"{}\" says what question {} says", short(), j + 1);
                self.push(Code::QuestionDuplicate, message, Some(line));
            }
            let asks =
                memchr::memchr(b'?', question.as_bytes()).is_some() || question.contains('？') || {
                    let first_word = unicode_words(question)
                        .next()
                        .map(str::to_lowercase)
                        .unwrap_or_default();
                    VOCABULARY.interrogatives.contains(&first_word.as_str())
                };
            if !asks {
                self.push(
                    Code::QuestionNotQuestion,
                    format!("\"{}\" is not a question", short()),
                    Some(line),
                );
            }
            // Quoting the topic itself refers to it, even a topic with no content words ("Why?").
            // (Lower-cased only when the terms leave it to decide.)
            let quotes_topic = || lowercase(question).contains(&topic_lower);
            if subject_has_terms && !meets_subject(&self.terms_of(question)) && !quotes_topic() {
                let message = format!("\"{}\" does not refer to the topic or its context", short());
                self.push(Code::QuestionGeneric, message, Some(line));
            }
            if let Some(run) = title_echo.run_in(question) {
                let message = format!(
                    "\"{}\" repeats the title (\"{run}\"); name the subject in a few words of its own",
                    short()
                );
                self.push(Code::QuestionEcho, message, Some(line));
            }
            if may_solution
                && let Some(m) = SOLUTIONING.find(question, VOCABULARY.negations)
                && self.asserts_for(subject, m)
            {
                let message = format!(
                    "\"{}\" jumps to a solution (\"{}\"); explore the problem first",
                    short(),
                    m.phrase
                );
                self.push(Code::QuestionSolutioning, message, Some(line));
            }
            if may_estimate
                && let Some(m) = ESTIMATION.find(question, VOCABULARY.negations)
                && self.asserts_for(subject, m)
            {
                let message = format!(
                    "\"{}\" asks for an estimate (\"{}\"); refinement is about understanding",
                    short(),
                    m.phrase
                );
                self.push(Code::QuestionEstimation, message, Some(line));
            }
            if self.findings.len() == before {
                clean += 1;
            }
        }
        let grounded = self.questions_grounded(subject, questions, section_line);
        share(clean, questions.len()) * if grounded { 1.0 } else { 0.5 }
    }

    /// With context notes, whether enough questions use the notes' own terms (those not already
    /// in the title); reports `questions-ungrounded` when not. Notes that add no terms of their
    /// own cannot be drawn on and are not held against the reply.
    fn questions_grounded(
        &mut self,
        subject: Subject<'_>,
        questions: &[String],
        line: Option<usize>,
    ) -> bool {
        let Some(context) = subject.notes else {
            return true;
        };
        let title_terms = self.terms_of(subject.title);
        let own: Terms = self
            .terms_of(context)
            .iter()
            .filter(|t| !title_terms.iter().any(|x| same_stem(x, t)))
            .cloned()
            .collect();
        if own.is_empty() {
            return true;
        }
        let using = questions
            .iter()
            .filter(|q| terms_meet(&self.terms_of(q), &own))
            .count();
        let wanted = SPECIFICITY.grounded_questions.min(questions.len());
        if using >= wanted {
            return true;
        }
        self.push(
            Code::QuestionsUngrounded,
            format!(
                "{using} of {} questions use what the context notes say; at least {wanted} should",
                questions.len()
            ),
            line,
        );
        false
    }

    /// The run of title words `text` repeats, when it is long enough to be an echo: at least
    /// [`SPECIFICITY`]`.echo_run_words` words in a row (a character of a script written without
    /// spaces counts as a third of a word).
    fn echo(&self, text: &str) -> Option<String> {
        self.topic_echo().run_in(text)
    }

    fn topic_echo(&self) -> Rc<TitleEcho> {
        let echo = self
            .topic_echo
            .get_or_init(|| TitleEcho::shared(self.request.topic().as_str()));
        Rc::clone(echo)
    }

    fn closing_next_steps(&mut self) -> f64 {
        if !self.usable(SectionKind::ClosingStatement) {
            return 0.0;
        }
        let closing = self
            .parsed
            .plan
            .closing_statement
            .as_deref()
            .unwrap_or_default();
        // The guide's post-session actions lead with their verb: "Share session notes".
        let named = NEXT_STEPS.find(closing, &[]).is_some() || {
            let action_stems: BTreeSet<String> = self
                .guide
                .post_session_statements()
                .iter()
                .filter_map(|s| unicode_words(s).next())
                .map(|w| stem(&w.to_lowercase()))
                .collect();
            words(closing)
                .iter()
                .any(|w| action_stems.contains(&stem(w)))
        };
        let echo = self.echo(closing);
        if let Some(run) = &echo {
            let line = self.parsed.layout.closing_statement;
            self.push(
                Code::ClosingEcho,
                format!("the closing statement repeats the title (\"{run}\"); say what this item needs next in words of its own"),
                line,
            );
        }
        if named && echo.is_none() {
            1.0
        } else if !named {
            let line = self.parsed.layout.closing_statement;
            self.push(
                Code::ClosingNoNextSteps,
                String::from("the closing statement names no next steps (follow-ups, owners, what is shared and when)"),
                line,
            );
            0.0
        } else {
            0.0
        }
    }
}

/// What a reply's part is about: a title, and the notes behind it.
#[derive(Debug, Clone, Copy)]
struct Subject<'s> {
    title: &'s str,
    notes: Option<&'s str>,
}

/// At most 60 characters of `text`, for messages.
fn shorten(text: &str) -> String {
    const MAX: usize = 60;
    if text.chars().count() <= MAX {
        text.to_string()
    } else {
        let cut: String = text.chars().take(MAX - 1).collect();
        format!("{}…", cut.trim_end())
    }
}
