//! Structured replies: the reply contract rendered for providers that can force a reply's shape.
//!
//! One contract, three renderings: the prompt states the sections ([`crate::prompt`]), and here
//! the same [`crate::contract`] bounds become (a) a JSON Schema of the reply in the subset strict
//! modes accept (every property required, `additionalProperties: false`; [`json_schema`]) and
//! (b) a GBNF grammar of the tagged reply itself, for servers that take one ([`grammar`]). A
//! structured (JSON) reply is turned back into tagged text with [`to_tagged`], so one parser and
//! one linter still judge every backend.

use std::fmt::Write as _;

use serde_json::{Value, json};

use crate::contract::{
    self, AGENDA, Bounds, CLOSING_STATEMENT, DISCUSSION_QUESTIONS, ITEM, KEY_POINTS,
    SUCCESS_CRITERIA, SectionContract,
};
use crate::guide::Guide;
use crate::parse::{defuse_section_tags, match_phase};
use crate::request::SessionRequest;

/// The name the schema is sent under (`[a-zA-Z0-9_-]{1,64}`).
pub const SCHEMA_NAME: &str = "refinement_session_pack";

/// Why a structured reply cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StructuredError {
    /// The reply is not JSON.
    #[error("the structured reply is not JSON: {0}")]
    NotJson(String),
    /// A field is missing or of the wrong type.
    #[error("the structured reply's `{field}` is missing or not {expected}")]
    Field {
        /// The field's JSON pointer.
        field: String,
        /// What it should be.
        expected: &'static str,
    },
}

fn bounds(c: &SectionContract) -> Bounds {
    c.bounds().unwrap_or(Bounds { min: 1, max: 1 })
}

fn strings(c: &SectionContract, description: &str) -> Value {
    let b = bounds(c);
    json!({
        "type": "array",
        "description": description,
        "minItems": b.min,
        "maxItems": b.max,
        "items": {"type": "string"},
    })
}

/// The JSON Schema of a reply for `request` with `guide`: the agenda as items with a title,
/// whole minutes and the guide phase (an enum of the guide's slugs); the key points; the
/// discussion questions, or for a session on several items one object per item (its number,
/// title, minutes, key points, questions and success criteria); the closing statement. Bounds
/// come from the section contracts.
pub fn json_schema(guide: &Guide, request: &SessionRequest) -> Value {
    let slugs: Vec<&str> = guide.phases.iter().map(|p| p.slug.as_str()).collect();
    let phases = guide.phases.len();
    let agenda = json!({
        "type": "array",
        "description": format!(
            "The timeboxed agenda, one entry per guide phase in the guide's order{}.",
            request
                .minutes()
                .map_or_else(String::new, |m| format!(", adding up to {m} minutes"))
        ),
        "minItems": phases,
        "maxItems": phases * 2,
        "items": {
            "type": "object",
            "additionalProperties": false,
            "required": ["title", "minutes", "phase"],
            "properties": {
                "title": {"type": "string"},
                "minutes": {"type": "integer"},
                "phase": {"type": "string", "enum": slugs},
            },
        },
    });
    let mut properties = serde_json::Map::new();
    properties.insert(AGENDA.tag.into(), agenda);
    properties.insert(
        KEY_POINTS.tag.into(),
        strings(
            &KEY_POINTS,
            "Key points from the guide relevant to this session.",
        ),
    );
    let taken = request.items().len();
    let middle = if taken == 0 {
        properties.insert(
            DISCUSSION_QUESTIONS.tag.into(),
            strings(
                &DISCUSSION_QUESTIONS,
                "Problem-space questions specific to the topic.",
            ),
        );
        DISCUSSION_QUESTIONS.tag
    } else {
        let numbers: Vec<usize> = (1..=taken).collect();
        properties.insert(
            "items".into(),
            json!({
                "type": "array",
                "description": "One entry per backlog item, in the given order.",
                "minItems": taken,
                "maxItems": taken,
                "items": {
                    "type": "object",
                    "additionalProperties": false,
                    "required": ["number", "title", "minutes", KEY_POINTS.tag, DISCUSSION_QUESTIONS.tag, SUCCESS_CRITERIA.tag],
                    "properties": {
                        "number": {"type": "integer", "enum": numbers},
                        "title": {"type": "string"},
                        "minutes": {"type": "integer"},
                        (KEY_POINTS.tag): strings(&KEY_POINTS, "Key points drawn from this item's description."),
                        (DISCUSSION_QUESTIONS.tag): strings(&DISCUSSION_QUESTIONS, "Problem-space questions about this item."),
                        (SUCCESS_CRITERIA.tag): strings(&SUCCESS_CRITERIA, "Outcomes that would tell this item is understood."),
                    },
                },
            }),
        );
        "items"
    };
    properties.insert(
        CLOSING_STATEMENT.tag.into(),
        json!({
            "type": "string",
            "description": format!("A closing statement of {} sentences.", bounds(&CLOSING_STATEMENT)),
        }),
    );
    json!({
        "type": "object",
        "additionalProperties": false,
        "required": [AGENDA.tag, KEY_POINTS.tag, middle, CLOSING_STATEMENT.tag],
        "properties": properties,
    })
}

/// `element` repeated `b.min` to `b.max` times, written out (`x x x (x (x)?)?`) so servers whose
/// grammar reader predates `{m,n}` take it too.
fn repeat(element: &str, b: Bounds) -> String {
    let mut out: Vec<String> = (0..b.min).map(|_| element.to_string()).collect();
    let mut optional = String::new();
    for _ in b.min..b.max {
        optional = if optional.is_empty() {
            format!("({element})?")
        } else {
            format!("({element} {optional})?")
        };
    }
    if !optional.is_empty() {
        out.push(optional);
    }
    out.join(" ")
}

/// A GBNF string literal.
fn literal(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The GBNF grammar of the tagged reply for `request` with `guide`: the agenda as one numbered
/// line per guide phase, by name and in order, each with the minutes
/// [`crate::schedule::allocate`] gives it at the session's length; list sections with the
/// contract's counts (questions end with a question mark); for several items, one `<item>`
/// block per item in order; a closing of the contract's sentence count.
pub fn grammar(guide: &Guide, request: &SessionRequest) -> String {
    let mut g = String::new();
    let open = |tag: &str| literal(&format!("<{tag}>\n"));
    let close = |tag: &str| literal(&format!("</{tag}>\n"));
    let mut root = vec![open(AGENDA.tag), String::from("agenda"), close(AGENDA.tag)];
    root.extend([
        open(KEY_POINTS.tag),
        repeat("point", bounds(&KEY_POINTS)),
        close(KEY_POINTS.tag),
    ]);
    let taken = request.items().len();
    if taken == 0 {
        root.extend([
            open(DISCUSSION_QUESTIONS.tag),
            repeat("question", bounds(&DISCUSSION_QUESTIONS)),
            close(DISCUSSION_QUESTIONS.tag),
        ]);
    } else {
        root.extend((1..=taken).map(|n| format!("item{n}")));
    }
    root.extend([
        open(CLOSING_STATEMENT.tag),
        String::from("closing"),
        literal("\n"),
        close(CLOSING_STATEMENT.tag),
    ]);
    let _ = writeln!(g, "root ::= {}", root.join(" "));
    // Each phase's minutes as the session's clock gives them, so the agenda adds up.
    let total = request.minutes().unwrap_or_else(|| guide.natural_minutes());
    let clock = crate::schedule::allocate(guide, total).ok();
    let lines: Vec<String> = guide
        .phases
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let minutes = clock.as_ref().map_or_else(
                || String::from(" minutes "),
                |c| format!(" {} ", literal(&c[i].to_string())),
            );
            literal(&format!("{}. {} (", i + 1, defuse_section_tags(&p.name)))
                + &minutes
                + &literal(" min)\n")
        })
        .collect();
    let _ = writeln!(g, "agenda ::= {}", lines.join(" "));
    for n in 1..=taken {
        let _ = writeln!(
            g,
            "item{n} ::= {} line-text \" (\" minutes \" min)\\n\" {} {} {} {} {} {} {} {} {} {}",
            literal(&format!("<{} number=\"{n}\">\n", ITEM.tag)),
            open(KEY_POINTS.tag),
            repeat("point", bounds(&KEY_POINTS)),
            close(KEY_POINTS.tag),
            open(DISCUSSION_QUESTIONS.tag),
            repeat("question", bounds(&DISCUSSION_QUESTIONS)),
            close(DISCUSSION_QUESTIONS.tag),
            open(SUCCESS_CRITERIA.tag),
            repeat("point", bounds(&SUCCESS_CRITERIA)),
            close(SUCCESS_CRITERIA.tag),
            literal(&format!("</{}>\n", ITEM.tag)),
        );
    }
    let closing = bounds(&CLOSING_STATEMENT);
    let sentences = repeat(
        "\" \" sentence",
        Bounds {
            min: closing.min - 1,
            max: closing.max - 1,
        },
    );
    let _ = writeln!(g, "closing ::= sentence {sentences}");
    g.push_str(concat!(
        "minutes ::= [1-9] [0-9]? [0-9]?\n",
        "point ::= \"- \" line-text \"\\n\"\n",
        "question ::= \"- \" question-text \"?\\n\"\n",
        "sentence ::= [A-Z] sentence-text [.!]\n",
        // A line starts with a word (not a digit, a dash or a stop) and says something: a
        // small model otherwise fills a section with "3." or numbers.
        "line-text ::= [^\\n<>0-9 .,:;?!*-] [^\\n<>]{12,200}\n",
        "question-text ::= [^\\n<>0-9 .,:;?!*-] [^\\n<>?]{12,200}\n",
        "sentence-text ::= [^\\n<>.!?]{12,300}\n",
    ));
    g
}

/// The tagged reply a structured (JSON) reply stands for: each agenda entry as a numbered line
/// with its minutes (named after its phase when its title does not name it), the lists as
/// bullets, the items as blocks. All text is defused so no value can open or close a section.
pub fn to_tagged(reply: &str, guide: &Guide) -> Result<String, StructuredError> {
    let json: Value =
        serde_json::from_str(reply.trim()).map_err(|e| StructuredError::NotJson(e.to_string()))?;
    let field = |v: &Value, name: &str, expected: &'static str| StructuredError::Field {
        field: format!("{}{name}", if v == &json { "/" } else { "" }),
        expected,
    };
    let list = |v: &Value, name: &str| -> Result<Vec<String>, StructuredError> {
        v.get(name)
            .and_then(Value::as_array)
            .ok_or_else(|| field(v, name, "a list"))?
            .iter()
            .map(|x| {
                x.as_str()
                    .map(defuse_section_tags)
                    .ok_or_else(|| field(v, name, "a list of text"))
            })
            .collect()
    };
    let mut out = String::new();
    let _ = writeln!(out, "<{}>", AGENDA.tag);
    let agenda = json
        .get(AGENDA.tag)
        .and_then(Value::as_array)
        .ok_or_else(|| field(&json, AGENDA.tag, "a list"))?;
    for (i, entry) in agenda.iter().enumerate() {
        let title = entry
            .get("title")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let minutes = entry.get("minutes").and_then(Value::as_u64);
        let phase = entry
            .get("phase")
            .and_then(Value::as_str)
            .and_then(|slug| guide.phase(slug));
        let title = match phase {
            Some(p) if match_phase(title, guide).as_deref() != Some(p.slug.as_str()) => {
                if title.trim().is_empty() {
                    p.name.clone()
                } else {
                    format!("{}: {title}", p.name)
                }
            }
            _ => title.to_string(),
        };
        let title = defuse_section_tags(&title.replace('\n', " "));
        match minutes {
            Some(m) => {
                let _ = writeln!(out, "{}. {title} ({m} min)", i + 1);
            }
            None => {
                let _ = writeln!(out, "{}. {title}", i + 1);
            }
        }
    }
    let _ = writeln!(out, "</{}>\n", AGENDA.tag);
    let bullets = |out: &mut String, tag: &str, items: Vec<String>| {
        let _ = writeln!(out, "<{tag}>");
        for item in items {
            let _ = writeln!(out, "- {}", item.replace('\n', " "));
        }
        let _ = writeln!(out, "</{tag}>");
    };
    bullets(&mut out, KEY_POINTS.tag, list(&json, KEY_POINTS.tag)?);
    out.push('\n');
    match json.get("items").and_then(Value::as_array) {
        Some(items) => {
            for (i, item) in items.iter().enumerate() {
                let number = item
                    .get("number")
                    .and_then(Value::as_u64)
                    .unwrap_or(i as u64 + 1);
                let _ = writeln!(out, "<{} number=\"{number}\">", ITEM.tag);
                let title = item
                    .get("title")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                let title = defuse_section_tags(&title.replace('\n', " "));
                match item.get("minutes").and_then(Value::as_u64) {
                    Some(m) => {
                        let _ = writeln!(out, "{title} ({m} min)");
                    }
                    None => {
                        let _ = writeln!(out, "{title}");
                    }
                }
                for c in contract::ITEM.sections {
                    bullets(&mut out, c.tag, list(item, c.tag)?);
                }
                let _ = writeln!(out, "</{}>\n", ITEM.tag);
            }
        }
        None => {
            bullets(
                &mut out,
                DISCUSSION_QUESTIONS.tag,
                list(&json, DISCUSSION_QUESTIONS.tag)?,
            );
            out.push('\n');
        }
    }
    let closing = json
        .get(CLOSING_STATEMENT.tag)
        .and_then(Value::as_str)
        .ok_or_else(|| field(&json, CLOSING_STATEMENT.tag, "text"))?;
    let _ = writeln!(
        out,
        "<{}>\n{}\n</{}>",
        CLOSING_STATEMENT.tag,
        defuse_section_tags(closing.trim()),
        CLOSING_STATEMENT.tag
    );
    Ok(out)
}
