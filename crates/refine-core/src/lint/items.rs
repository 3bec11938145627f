//! The multi-item contract's checks ([`crate::contract::ITEM`]): every item the session takes
//! has a block in shape, with a timebox, and its questions are judged against that item's own
//! title and description.

use super::{Linter, Subject};
use crate::contract::{ITEM, SectionKind};
use crate::finding::Code;
use crate::parse::ItemBlockLayout;
use crate::plan::ItemPlan;

impl Linter<'_> {
    /// The block read for item `number`, with its layout.
    fn block(&self, number: usize) -> Option<(&ItemPlan, &ItemBlockLayout)> {
        let parsed = &self.parsed;
        parsed
            .plan
            .items
            .iter()
            .zip(&parsed.layout.items)
            .find(|(item, _)| item.number == number)
    }

    /// The item blocks' share of the structure score, standing in for the discussion questions
    /// section: the mean over the items the session takes of a block score, 0 for a missing
    /// block, else 1 minus 0.5 for each of: unclosed, no timebox, and each inner section missing
    /// or outside its bounds; never below 0.
    pub(super) fn items_structure(&mut self) -> f64 {
        let parsed = self.parsed;
        let request = self.request;
        let taken = request.items().len();
        for (item, at) in parsed.plan.items.iter().zip(&parsed.layout.items) {
            if !(1..=taken).contains(&item.number) {
                let deferred = item
                    .number
                    .checked_sub(taken + 1)
                    .and_then(|i| request.deferred().get(i));
                let why = match deferred {
                    Some(d) => format!("`{}` is deferred to the next session", d.label()),
                    None => format!("the session takes {taken} items"),
                };
                self.push(
                    Code::ItemUnexpected,
                    format!(
                        "an <{}> block for item {}, but {why}",
                        ITEM.tag, item.number
                    ),
                    Some(at.line),
                );
            }
        }
        let mut total = 0.0;
        for (i, wanted) in request.items().iter().enumerate() {
            let number = i + 1;
            let Some((item, at)) = self.block(number) else {
                self.push(
                    Code::ItemMissing,
                    format!(
                        "no <{tag} number=\"{number}\"> block for `{}`",
                        wanted.label(),
                        tag = ITEM.tag
                    ),
                    None,
                );
                continue;
            };
            let (item, at) = (item.clone(), at.clone());
            let mut score = 1.0;
            if at.unclosed {
                score -= 0.5;
            }
            if item.minutes.is_none() {
                score -= 0.5;
                self.push(
                    Code::ItemUntimed,
                    format!(
                        "item {number}: the block's first line gives no timebox for its slot (e.g. `{} (7 minutes)`)",
                        wanted.title()
                    ),
                    Some(at.title_line.unwrap_or(at.line)),
                );
            }
            for contract in &ITEM.sections {
                if !at.usable(contract.kind) {
                    score -= 0.5;
                    continue;
                }
                let (count, code) = match contract.kind {
                    SectionKind::KeyPoints => (item.key_points.len(), Code::KeyPointsCount),
                    SectionKind::DiscussionQuestions => {
                        (item.discussion_questions.len(), Code::QuestionsCount)
                    }
                    _ => (item.success_criteria.len(), Code::SuccessCriteriaCount),
                };
                if contract.kind == SectionKind::KeyPoints {
                    for (i, twin) in super::duplicates::earlier_twins(&item.key_points)
                        .into_iter()
                        .enumerate()
                    {
                        if let Some(j) = twin {
                            score -= 0.25;
                            self.push(
                                Code::KeyPointDuplicate,
                                format!(
                                    "item {number}: key point {} says what key point {} says",
                                    i + 1,
                                    j + 1
                                ),
                                Some(at.section_line(contract.kind)),
                            );
                        }
                    }
                }
                if let Some(bounds) = contract.bounds().filter(|b| !b.contains(count)) {
                    score -= 0.5;
                    self.push(
                        code,
                        format!(
                            "item {number}: {}: {count}, where the contract asks for {bounds}",
                            contract.label
                        ),
                        Some(at.section_line(contract.kind)),
                    );
                }
            }
            total += f64::max(score, 0.0);
        }
        self.slots_total();
        total / taken.max(1) as f64
    }

    /// `item-slots-total`: the items' slots must fit the agenda item of the phase that holds
    /// them.
    fn slots_total(&mut self) {
        let phase = &self.guide.item_phase().slug;
        let parsed = self.parsed;
        let Some((agenda_item, at)) = parsed
            .plan
            .agenda
            .iter()
            .zip(&parsed.layout.agenda)
            .find(|(a, _)| a.phase.as_ref() == Some(phase))
        else {
            return;
        };
        let Some(room) = agenda_item.minutes else {
            return;
        };
        let slots: u32 = parsed
            .plan
            .items
            .iter()
            .filter_map(|i| i.minutes)
            .map(|m| m.min)
            .sum();
        if slots > room.max {
            self.push(
                Code::ItemSlotsTotal,
                format!(
                    "the items' slots add up to {slots} minutes, but `{}` has {room}",
                    agenda_item.title
                ),
                Some(at.line),
            );
        }
    }

    /// The question-quality share for a session on several items: the mean over the items it
    /// takes of each item's share, its questions judged against its own title and description
    /// (0 for an item without questions).
    pub(super) fn items_quality(&mut self) -> f64 {
        let request = self.request;
        let taken = request.items().len();
        let mut total = 0.0;
        for (i, wanted) in request.items().iter().enumerate() {
            let Some((item, at)) = self.block(i + 1) else {
                continue;
            };
            if !at.usable(SectionKind::DiscussionQuestions) {
                continue;
            }
            let questions = item.discussion_questions.clone();
            let lines = at.discussion_questions.clone();
            let line = Some(at.section_line(SectionKind::DiscussionQuestions));
            let subject = Subject {
                title: wanted.title().as_str(),
                notes: wanted.notes(),
            };
            let before = self.findings.len();
            total += self.judge_questions(subject, &questions, &lines, line);
            for finding in &mut self.findings[before..] {
                finding.message = format!("item {}: {}", i + 1, finding.message);
            }
        }
        total / taken.max(1) as f64
    }

    /// In a single-topic session, item blocks are not asked for.
    pub(super) fn blocks_unasked(&mut self) {
        let parsed = self.parsed;
        for at in &parsed.layout.items {
            self.push(
                Code::ItemUnexpected,
                format!(
                    "an <{}> block in a session on one topic; its questions are read as the session's",
                    ITEM.tag
                ),
                Some(at.line),
            );
        }
    }
}
