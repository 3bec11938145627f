//! Item blocks: a session on several backlog items answers with one `<item number="N">` block
//! per item ([`crate::contract::ITEM`]), each holding its own key points, questions and success
//! criteria. Blocks are found first; the tags inside them belong to their block, the rest to the
//! reply's top-level sections.

use std::sync::LazyLock;

use refine_pattern::Pattern;

use super::{
    Line, LineIndex, SectionLayout, TagHit, clean_title, content_lines, item_text, list_items,
    mention_follows, read_section, section_body, split_timebox,
};
use crate::contract::{ITEM, SectionKind};
use crate::finding::{Code, Finding};
use crate::plan::ItemPlan;
use crate::work;

/// Where one item block stands and where its parts are.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ItemBlockLayout {
    /// The item's number (from the tag, else the block's place).
    pub number: usize,
    /// 1-based line of the opening tag.
    pub line: usize,
    /// The block is opened but never closed.
    pub unclosed: bool,
    /// The line naming the item, when there is one.
    pub title_line: Option<usize>,
    /// The sections found inside the block.
    pub sections: Vec<SectionLayout>,
    /// The line of each key point.
    pub key_points: Vec<usize>,
    /// The line of each question.
    pub discussion_questions: Vec<usize>,
    /// The line of each success criterion.
    pub success_criteria: Vec<usize>,
}

impl ItemBlockLayout {
    /// A section of the block, when it was found and holds something.
    pub fn usable(&self, kind: SectionKind) -> bool {
        self.sections.iter().any(|s| s.kind == kind && !s.empty)
    }

    /// The line of a section's opening tag, else the block's.
    pub fn section_line(&self, kind: SectionKind) -> usize {
        self.sections
            .iter()
            .find(|s| s.kind == kind)
            .map_or(self.line, |s| s.line)
    }
}

/// One block's extent.
pub(super) struct Block {
    pub(super) number: usize,
    /// From the opening tag's start to the end of the closing tag (or of the body).
    pub(super) outer: std::ops::Range<usize>,
    pub(super) body: std::ops::Range<usize>,
    pub(super) open_line: usize,
    pub(super) unclosed: bool,
}

pub(super) static ITEM_TAG: LazyLock<Pattern> =
    LazyLock::new(|| Pattern::new(r"(?i)<\s*(/?)\s*item\b([^<>\n]{0,120})>"));
static NUMBER: LazyLock<Pattern> = LazyLock::new(|| Pattern::new(r"\d{1,4}"));

/// Whether `text` has what every [`ITEM_TAG`] starts with: `<`, spaces, an optional `/`, spaces
/// and `item` in any letter case. Most texts have none, and are done without the regex.
pub(super) fn may_hold_item_tag(text: &str) -> bool {
    memchr::memchr_iter(b'<', text.as_bytes()).any(|at| {
        let rest = text[at + 1..].trim_start();
        let rest = rest.strip_prefix('/').unwrap_or(rest).trim_start();
        rest.get(..4)
            .is_some_and(|word| word.eq_ignore_ascii_case("item"))
    })
}

/// `text` with every item tag defused (`<item number="1">` becomes `‹item number="1"›`).
pub(super) fn defuse_item_tags(text: &str) -> String {
    if !may_hold_item_tag(text) {
        return text.to_string();
    }
    ITEM_TAG
        .replace_all_with(text, |c| {
            let whole = &c[0];
            format!("‹{}›", &whole[1..whole.len() - 1])
        })
        .into_owned()
}

/// The reply's item blocks, in order. An unclosed block runs to the next block, or to the next
/// `<agenda>` or `<closing_statement>` tag, or to the end of the reply.
pub(super) fn blocks(reply: &str, tags: &[TagHit], lines: &LineIndex) -> Vec<Block> {
    work::step(reply.len());
    let mut hits: Vec<(bool, usize, usize, Option<usize>)> = Vec::new();
    let item_tags = may_hold_item_tag(reply)
        .then(|| ITEM_TAG.captures_iter(reply))
        .into_iter()
        .flatten();
    for c in item_tags {
        work::step(1);
        let Some(whole) = c.get(0) else { continue };
        let in_code =
            reply[..whole.start()].ends_with('`') || reply[whole.end()..].starts_with('`');
        if in_code || mention_follows(&reply[whole.end()..]) {
            continue;
        }
        let closing = c.get(1).is_some_and(|m| !m.as_str().is_empty());
        let attrs = c.get(2).map_or("", |m| m.as_str());
        if attrs.trim_end().ends_with('/') {
            continue;
        }
        let number = NUMBER.find(attrs).and_then(|m| m.as_str().parse().ok());
        hits.push((closing, whole.start(), whole.end(), number));
    }
    let ends_block = |from: usize| {
        tags.iter()
            .inspect(|_| work::step(1))
            .find(|t| {
                t.start >= from
                    && !t.closing
                    && matches!(t.kind, SectionKind::Agenda | SectionKind::ClosingStatement)
            })
            .map_or(reply.len(), |t| t.start)
    };
    let mut out: Vec<Block> = Vec::new();
    let mut open: Option<(usize, usize, Option<usize>)> = None;
    for &(closing, start, end, number) in &hits {
        match (closing, open) {
            (false, earlier) => {
                if let Some((o_start, o_end, o_number)) = earlier {
                    let stop = start.min(ends_block(o_end));
                    out.push(block(
                        &out,
                        o_number,
                        o_start..stop,
                        o_end..stop,
                        lines,
                        true,
                    ));
                }
                open = Some((start, end, number));
            }
            (true, Some((o_start, o_end, o_number))) => {
                let stop = ends_block(o_end);
                if stop < start {
                    out.push(block(
                        &out,
                        o_number,
                        o_start..stop,
                        o_end..stop,
                        lines,
                        true,
                    ));
                } else {
                    out.push(block(
                        &out,
                        o_number,
                        o_start..end,
                        o_end..start,
                        lines,
                        false,
                    ));
                }
                open = None;
            }
            (true, None) => {}
        }
    }
    if let Some((o_start, o_end, o_number)) = open {
        let stop = ends_block(o_end);
        out.push(block(
            &out,
            o_number,
            o_start..stop,
            o_end..stop,
            lines,
            true,
        ));
    }
    out
}

fn block(
    before: &[Block],
    number: Option<usize>,
    outer: std::ops::Range<usize>,
    body: std::ops::Range<usize>,
    lines: &LineIndex,
    unclosed: bool,
) -> Block {
    Block {
        number: number.unwrap_or(before.len() + 1),
        open_line: lines.line_of(outer.start),
        outer,
        body,
        unclosed,
    }
}

/// Reads one block: its title line with the slot's timebox, and its sections.
pub(super) fn read_block(
    reply: &str,
    tags: &[TagHit],
    block: &Block,
    lines: &LineIndex,
    findings: &mut Vec<Finding>,
) -> (ItemPlan, ItemBlockLayout) {
    let n = block.number;
    let inside: Vec<TagHit> = tags
        .iter()
        .filter(|t| t.start >= block.body.start && t.end <= block.body.end)
        .copied()
        .collect();
    let mut plan = ItemPlan {
        number: n,
        key: None,
        title: String::new(),
        url: None,
        kind: None,
        minutes: None,
        key_points: Vec::new(),
        discussion_questions: Vec::new(),
        success_criteria: Vec::new(),
    };
    let mut layout = ItemBlockLayout {
        number: n,
        line: block.open_line,
        unclosed: block.unclosed,
        ..ItemBlockLayout::default()
    };
    if block.unclosed {
        findings.push(Finding::new(
            Code::SectionUnclosed,
            format!(
                "<{tag}> block of item {n} is opened but never closed with </{tag}>",
                tag = ITEM.tag
            ),
            Some(block.open_line),
        ));
    }
    // The item's name: the first line with words before the block's first section.
    let head_end = inside.first().map_or(block.body.end, |t| t.start);
    let head = &reply[block.body.start..head_end];
    for (line_no, text) in content_lines(head, lines.line_of(block.body.start)) {
        let line = Line::classify(text);
        let text = item_text(&line);
        if !text.chars().any(char::is_alphanumeric) {
            continue;
        }
        let (title, minutes) = split_timebox(&text);
        plan.title = clean_title(&title);
        plan.minutes = minutes;
        layout.title_line = Some(line_no);
        break;
    }
    for contract in &ITEM.sections {
        let mut own = Vec::new();
        let found = section_body(reply, &inside, contract, lines, &mut own);
        findings.extend(own.into_iter().map(|f| Finding {
            message: format!("item {n}: {}", f.message),
            ..f
        }));
        let prefix = format!("item {n}: ");
        let Some((section, classified)) = read_section(
            reply,
            &found,
            block.body.end,
            contract,
            lines,
            &prefix,
            findings,
        ) else {
            continue;
        };
        layout.sections.push(section);
        let Some(classified) = classified else {
            continue;
        };
        let (texts, at) = match contract.kind {
            SectionKind::KeyPoints => (&mut plan.key_points, &mut layout.key_points),
            SectionKind::DiscussionQuestions => (
                &mut plan.discussion_questions,
                &mut layout.discussion_questions,
            ),
            _ => (&mut plan.success_criteria, &mut layout.success_criteria),
        };
        for (line, text) in list_items(&classified) {
            texts.push(text);
            at.push(line);
        }
    }
    (plan, layout)
}

/// This module's patterns, for the test that both engines read them alike.
#[cfg(test)]
pub(super) fn patterns() -> Vec<&'static Pattern> {
    vec![&*ITEM_TAG, &*NUMBER]
}
