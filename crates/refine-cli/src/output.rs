//! Text output for people: plans, findings, scores, guides and codes. Colour goes through
//! `anstream`, which drops it when stdout is not a terminal or `NO_COLOR` is set.

use std::fmt::Write as _;

use anstyle::{AnsiColor, Style};
use refine_core::guide::GuideItem;
use refine_core::text::sentence_count;
use refine_core::{Code, Guide, Minutes, Report, Severity};

const HEADING: Style = Style::new().bold();
const DIM: Style = Style::new().dimmed();
const ERROR: Style = AnsiColor::Red.on_default().bold();
const WARNING: Style = AnsiColor::Yellow.on_default().bold();
const INFO: Style = AnsiColor::Cyan.on_default();
const GOOD: Style = AnsiColor::Green.on_default().bold();

fn severity_style(severity: Severity) -> Style {
    match severity {
        Severity::Error => ERROR,
        Severity::Warning => WARNING,
        Severity::Info => INFO,
    }
}

/// The text report of `refine check`: the plan, then findings as `source:line: severity[code]`
/// lines, then the scores.
pub(crate) fn check_report(report: &Report, source: &str) -> String {
    let mut out = String::new();
    let plan = &report.plan;
    let total = plan
        .agenda
        .iter()
        .filter_map(|i| i.minutes)
        .reduce(Minutes::plus);
    let total = total.map_or(String::new(), |t| format!(", {t}"));
    let _ = writeln!(out, "{HEADING}Topic{HEADING:#}  {}", plan.topic);
    let _ = writeln!(
        out,
        "{HEADING}Agenda{HEADING:#} ({} items{total})",
        plan.agenda.len()
    );
    for (i, item) in plan.agenda.iter().enumerate() {
        let minutes = item
            .minutes
            .map_or_else(|| String::from("untimed"), |m| m.to_string());
        let phase = item.phase.as_deref().unwrap_or("no guide phase");
        let _ = writeln!(
            out,
            "  {}. {}  {DIM}{minutes} · {phase}{DIM:#}",
            i + 1,
            item.title
        );
    }
    let _ = writeln!(
        out,
        "{HEADING}Key points{HEADING:#} ({})",
        plan.key_points.len()
    );
    for point in &plan.key_points {
        let _ = writeln!(out, "  - {point}");
    }
    if plan.items.is_empty() {
        let _ = writeln!(
            out,
            "{HEADING}Discussion questions{HEADING:#} ({})",
            plan.discussion_questions.len()
        );
        for (i, question) in plan.discussion_questions.iter().enumerate() {
            let _ = writeln!(out, "  {}. {question}", i + 1);
        }
    }
    for item in &plan.items {
        let minutes = item
            .minutes
            .map_or_else(|| String::from("untimed"), |m| m.to_string());
        let key = item
            .key
            .as_deref()
            .map_or(String::new(), |k| format!("{k} "));
        let _ = writeln!(
            out,
            "{HEADING}Item {}{HEADING:#} {key}{} ({minutes}; {} key points, {} questions, {} success criteria)",
            item.number,
            item.title,
            item.key_points.len(),
            item.discussion_questions.len(),
            item.success_criteria.len()
        );
        for (i, question) in item.discussion_questions.iter().enumerate() {
            let _ = writeln!(out, "  {}. {question}", i + 1);
        }
    }
    if !plan.deferred.is_empty() {
        let _ = writeln!(
            out,
            "{HEADING}Deferred{HEADING:#} ({})",
            plan.deferred.len()
        );
        for item in &plan.deferred {
            let key = item
                .key
                .as_deref()
                .map_or(String::new(), |k| format!("{k} "));
            let _ = writeln!(out, "  - {key}{}", item.title);
        }
    }
    match &plan.closing_statement {
        Some(closing) => {
            let n = sentence_count(closing);
            let _ = writeln!(
                out,
                "{HEADING}Closing statement{HEADING:#} ({n} sentences)\n  {closing}"
            );
        }
        None => {
            let _ = writeln!(out, "{HEADING}Closing statement{HEADING:#} (none)");
        }
    }
    out.push('\n');
    for f in &report.findings {
        let style = severity_style(f.severity);
        let location = f
            .line
            .map_or_else(|| source.to_string(), |l| format!("{source}:{l}"));
        let _ = writeln!(
            out,
            "{location}: {style}{}[{}]{style:#} {}",
            f.severity.as_str(),
            f.code.as_str(),
            f.message
        );
    }
    let count = |s: Severity| report.findings.iter().filter(|f| f.severity == s).count();
    let (errors, warnings, infos) = (
        count(Severity::Error),
        count(Severity::Warning),
        count(Severity::Info),
    );
    if report.findings.is_empty() {
        let _ = writeln!(out, "{GOOD}no findings{GOOD:#}");
    } else {
        let _ = writeln!(
            out,
            "{} findings: {errors} errors, {warnings} warnings, {infos} info",
            report.findings.len()
        );
    }
    let s = report.scores;
    let _ = writeln!(
        out,
        "scores: structure {:.2} · adherence {:.2} · overall {:.2}",
        s.structure, s.adherence, s.overall
    );
    out
}

fn items(out: &mut String, items: &[GuideItem], depth: usize) {
    for item in items {
        let _ = writeln!(out, "{}- {}", "  ".repeat(depth + 1), item.text);
        self::items(out, &item.children, depth + 1);
    }
}

/// How a guide was read, for a team checking its own guide.
pub(crate) fn guide(guide: &Guide) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{HEADING}{}{HEADING:#}  {DIM}({}){DIM:#}",
        guide.title, guide.origin
    );
    let _ = writeln!(
        out,
        "{HEADING}Phases{HEADING:#} (natural length {})",
        guide.total()
    );
    for (i, phase) in guide.phases.iter().enumerate() {
        for block in guide.practices.iter().filter(|b| b.after_phases == i) {
            let _ = writeln!(out, "  {DIM}practices:{DIM:#} {}", block.name);
        }
        let _ = writeln!(
            out,
            "  {}. {}  {DIM}{} · {} · line {}{DIM:#}",
            i + 1,
            phase.name,
            phase.minutes,
            phase.slug,
            phase.line
        );
        items(&mut out, &phase.items, 1);
    }
    for block in guide
        .practices
        .iter()
        .filter(|b| b.after_phases >= guide.phases.len())
    {
        let _ = writeln!(out, "  {DIM}practices:{DIM:#} {}", block.name);
    }
    for block in &guide.practices {
        let _ = writeln!(out, "{HEADING}{}{HEADING:#}", block.name);
        items(&mut out, &block.items, 0);
    }
    let lists: [(&str, &[GuideItem]); 3] = [
        ("Purpose", &guide.purpose),
        ("Success indicators", &guide.success_indicators),
        ("Pitfalls", &guide.pitfalls),
    ];
    for (name, list) in lists {
        let _ = writeln!(out, "{HEADING}{name}{HEADING:#} ({})", list.len());
        items(&mut out, list, 0);
    }
    for (name, groups) in [
        ("Preparation", &guide.preparation),
        ("Post-session actions", &guide.post_session),
    ] {
        let _ = writeln!(out, "{HEADING}{name}{HEADING:#}");
        for group in groups {
            let _ = writeln!(out, "  {}", group.name);
            items(&mut out, &group.items, 1);
        }
    }
    out
}

/// The table of finding codes.
pub(crate) fn codes() -> String {
    let mut out = String::new();
    for code in Code::ALL {
        let style = severity_style(code.severity());
        let _ = writeln!(
            out,
            "{:<24} {style}{:<8}{style:#} {}",
            code.as_str(),
            code.severity().as_str(),
            code.description()
        );
    }
    out
}

/// One line per plugin: id, version and description.
/// One line per plugin; a loaded one names its library.
pub(crate) fn plugins(
    rows: impl Iterator<Item = (Option<std::path::PathBuf>, refine_plugin::PluginInfo)>,
) -> String {
    let mut out = String::new();
    for (origin, info) in rows {
        let from = origin.map_or(String::new(), |p| {
            format!(" {DIM}(plugin {}){DIM:#}", p.display())
        });
        let _ = writeln!(
            out,
            "{HEADING}{:<10}{HEADING:#} {DIM}{:<7}{DIM:#} {}{from}",
            info.id, info.version, info.description
        );
    }
    out
}

/// `refine items`: a line per item with what a session will draw on.
pub(crate) fn backlog_items(items: &[refine_items::Item], origin: &str, format: &str) -> String {
    let mut out = format!(
        "{HEADING}{} items{HEADING:#} from {origin} ({format})\n",
        items.len()
    );
    for item in items {
        let key = item.key.as_deref().unwrap_or("-");
        let mut facts = Vec::new();
        match &item.description {
            Some(d) => facts.push(format!("body {} chars", d.chars().count())),
            None => facts.push(String::from("no body")),
        }
        if item.acceptance_criteria.is_some() {
            facts.push(String::from("acceptance criteria"));
        }
        if !item.labels.is_empty() {
            facts.push(format!("labels: {}", item.labels.join(", ")));
        }
        if let Some(estimate) = &item.estimate {
            facts.push(format!("estimate {estimate} (read, left out of packs)"));
        }
        let _ = writeln!(
            out,
            "{HEADING}{key:<10}{HEADING:#} {}  {DIM}{}{DIM:#}",
            item.title,
            facts.join(" · ")
        );
        if let Some(url) = &item.url {
            let _ = writeln!(out, "           {DIM}{url}{DIM:#}");
        }
    }
    out
}
