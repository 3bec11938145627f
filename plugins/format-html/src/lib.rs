//! `format-html` (id `html`): one standalone, printable HTML file: the agenda as a proportional
//! timeline in inline SVG, key points, questions, closing, and blank facilitation areas for the
//! parking lot, open questions, action items and decisions. All text is escaped by MiniJinja's
//! HTML auto-escaping.

use minijinja::value::{Serde, Value};
use minijinja::{Environment, context};
use refine_plugin::{Format, FormatError, Pack, PluginInfo, Rendered};
use serde::Serialize;

const TEMPLATE: &str = include_str!("../assets/pack.html.j2");
/// The timeline's width in SVG user units.
const SVG_WIDTH: u32 = 800;
/// Segments narrower than this carry no label inside.
const LABEL_MIN_WIDTH: f64 = 70.0;
const FILLS: &[&str] = &[
    "#2f6fdf", "#1f9d8a", "#8a5cd1", "#d9822b", "#c23b5a", "#3d8b3d",
];

/// The HTML format.
#[derive(Debug, Clone, Copy, Default)]
pub struct HtmlFormat;

#[derive(Serialize)]
struct Segment {
    x: f64,
    width: f64,
    fill: &'static str,
    title: String,
    short: String,
    minutes: u32,
    at: String,
    labelled: bool,
}

#[derive(Serialize)]
struct Timeline {
    width: u32,
    height: u32,
    segments: Vec<Segment>,
    /// The backlog items' slots, in a second row under the phases.
    slots: Vec<Segment>,
    /// Where the second row's clock labels stand.
    slots_label_y: u32,
    end: String,
}

#[derive(Serialize)]
struct Row {
    details: Vec<String>,
    focus: Vec<String>,
    at: String,
    until: String,
    title: String,
    minutes: String,
}

impl Format for HtmlFormat {
    fn info(&self) -> PluginInfo {
        PluginInfo {
            id: String::from("html"),
            version: env!("CARGO_PKG_VERSION").to_string(),
            description: String::from(
                "Standalone printable HTML with an SVG timeline and facilitation areas",
            ),
        }
    }

    fn render(&self, pack: &Pack) -> Result<Rendered, FormatError> {
        let html = html(pack).map_err(|e| FormatError::Failed(format!("rendering HTML: {e}")))?;
        Ok(Rendered {
            bytes: html.into_bytes(),
            media_type: String::from("text/html; charset=utf-8"),
            extension: String::from("html"),
        })
    }
}

/// Rounds to two decimals so the SVG stays short and byte-stable.
fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// The pack as a standalone HTML page.
pub fn html(pack: &Pack) -> Result<String, minijinja::Error> {
    let meta = &pack.meta;
    let timeline = pack.timeline();
    let total = pack.total_minutes();
    let at = |offset: u32| pack.clock_at(offset);
    let scale = if total == 0 {
        0.0
    } else {
        f64::from(SVG_WIDTH) / f64::from(total)
    };
    let to_segments = |timeline: &[refine_plugin::Slot]| -> Vec<Segment> {
        timeline
            .iter()
            .enumerate()
            .filter(|(_, slot)| slot.minutes > 0)
            .map(|(i, slot)| {
                let width = round2(f64::from(slot.minutes) * scale);
                let room = ((width - 8.0) / 6.5).max(0.0) as usize;
                let short = if slot.title.chars().count() <= room {
                    slot.title.clone()
                } else {
                    let cut: String = slot.title.chars().take(room.saturating_sub(1)).collect();
                    format!("{}…", cut.trim_end())
                };
                Segment {
                    x: round2(f64::from(slot.start) * scale),
                    width: (width - 2.0).max(1.0),
                    fill: FILLS[i % FILLS.len()],
                    title: slot.title.clone(),
                    short,
                    minutes: slot.minutes,
                    at: at(slot.start),
                    labelled: width >= LABEL_MIN_WIDTH,
                }
            })
            .collect()
    };
    let segments = to_segments(&timeline);
    let item_timeline = pack.item_timeline();
    let slots = to_segments(&item_timeline);
    let items = pack.items();
    let rows: Vec<Row> = timeline
        .iter()
        .zip(&pack.plan.agenda)
        .enumerate()
        .map(|(i, (slot, item))| Row {
            details: pack
                .item_details(i)
                .into_iter()
                .map(str::to_string)
                .collect(),
            focus: pack.focus(i).to_vec(),
            at: at(slot.start),
            until: at(slot.start + slot.minutes),
            title: item.title.clone(),
            minutes: Pack::minutes_text(item),
        })
        .collect();
    let start = meta.start.as_ref().map(|s| s.describe());
    let mut env = Environment::new();
    // The `.html` name turns on MiniJinja's HTML auto-escaping for every value.
    env.add_template("pack.html", TEMPLATE)?;
    env.get_template("pack.html")?.render(context! {
        topic => meta.topic.clone(),
        kind => meta.kind.as_ref().map(|k| k.describe()),
        source => meta.source.as_ref().map(|s| Value::from(Serde(s.clone()))),
        guide => meta.guide.clone(),
        session_minutes => meta.session_minutes,
        start => start,
        backend => meta.backend.clone(),
        notes => meta.notes.clone(),
        total => total,
        svg => Value::from(Serde(Timeline {
            width: SVG_WIDTH,
            height: if slots.is_empty() { 66 } else { 122 },
            segments,
            slots,
            slots_label_y: 116,
            end: at(total),
        })),
        items => Value::from(Serde(items)),
        deferred => Value::from(Serde(pack.plan.deferred.clone())),
        rows => Value::from(Serde(rows)),
        practices => meta.practices.clone(),
        key_points => pack.plan.key_points.clone(),
        questions => pack.plan.discussion_questions.clone(),
        closing => pack.plan.closing_statement.clone(),
    })
}
