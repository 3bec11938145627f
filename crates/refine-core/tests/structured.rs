//! One contract, three renderings: the prompt's wording, the reply's JSON Schema and its GBNF
//! grammar state the same bounds as the linter checks, for both guides and for one topic and
//! several items; a reply shaped by the schema becomes tagged text with no findings.

use refine_core::contract::{
    CLOSING_STATEMENT, DISCUSSION_QUESTIONS, ITEM, KEY_POINTS, SUCCESS_CRITERIA,
};
use refine_core::structured::{grammar, json_schema, to_tagged};
use refine_core::{Guide, SessionItem, SessionRequest, Topic, analyze, prompt};
use serde_json::{Value, json};

fn guides() -> Vec<Guide> {
    let team = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/guides/sixty-minute.md");
    vec![
        Guide::builtin(),
        Guide::from_file(&team).expect("team guide"),
    ]
}

fn requests() -> Vec<SessionRequest> {
    let item = |t: &str, notes: &str| {
        SessionItem::new(t)
            .expect("item")
            .with_notes(notes)
            .expect("notes")
    };
    vec![
        SessionRequest::new(Topic::new("Invoices show the wrong VAT rate").expect("topic"))
            .with_context("Finance found 212 invoices at 19% since the 3.4 release.")
            .expect("context"),
        SessionRequest::for_items(
            vec![
                item(
                    "Invoices show the wrong VAT rate",
                    "Finance found 212 invoices at 19% since the 3.4 release.",
                ),
                item(
                    "Admins skip the onboarding checklist",
                    "Only 12% of new admins finish the checklist on mobile.",
                ),
            ],
            Vec::new(),
        )
        .expect("items"),
    ]
}

/// Every object in the schema lists all its properties as required and allows no others: the
/// subset strict modes accept.
fn assert_strict(schema: &Value, at: &str) {
    if let Some(props) = schema.get("properties").and_then(Value::as_object) {
        assert_eq!(schema["additionalProperties"], json!(false), "{at}");
        let mut required: Vec<&str> = schema["required"]
            .as_array()
            .expect("required")
            .iter()
            .filter_map(Value::as_str)
            .collect();
        let mut keys: Vec<&str> = props.keys().map(String::as_str).collect();
        required.sort_unstable();
        keys.sort_unstable();
        assert_eq!(required, keys, "{at}");
        for (k, v) in props {
            assert_strict(v, &format!("{at}/{k}"));
        }
    }
    if let Some(items) = schema.get("items") {
        assert_strict(items, &format!("{at}[]"));
    }
}

fn count(schema: &Value, pointer: &str) -> (u64, u64) {
    let s = schema
        .pointer(pointer)
        .unwrap_or_else(|| panic!("{pointer}"));
    (
        s["minItems"].as_u64().expect("min"),
        s["maxItems"].as_u64().expect("max"),
    )
}

fn bounds(b: refine_core::contract::Bounds) -> (u64, u64) {
    (b.min as u64, b.max as u64)
}

/// A reply as the schema allows it: the guide's phases with minutes adding up, and the contract's
/// smallest counts of text drawn from the request.
fn sample(guide: &Guide, request: &SessionRequest) -> Value {
    let total = request.minutes().unwrap_or_else(|| guide.natural_minutes());
    let minutes = refine_core::schedule::allocate(guide, total).expect("fits");
    let agenda: Vec<Value> = guide
        .phases
        .iter()
        .zip(&minutes)
        .map(|(p, m)| json!({"title": p.name, "minutes": m, "phase": p.slug}))
        .collect();
    let guide_points: Vec<String> = guide
        .phases
        .iter()
        .take(3)
        .map(|p| format!("{}: keep it to its timebox.", p.name))
        .collect();
    let questions = |title: &str, notes: &str| -> Vec<String> {
        let fact = notes.trim_end_matches('.');
        vec![
            format!("Who feels “{title}” first, given that {fact}?"),
            format!("When did “{title}” start, and what changed then, given that {fact}?"),
            format!("What do we assume about “{title}”, given that {fact}?"),
        ]
    };
    let mut reply = json!({
        "agenda": agenda,
        "key_points": guide_points,
        "closing_statement": "Thank you for exploring these problems together. Next steps: I will share the notes and follow up on the action items.",
    });
    if request.items().is_empty() {
        reply["discussion_questions"] = json!(questions(
            request.topic().as_str(),
            request.context().unwrap_or("")
        ));
    } else {
        let slots = refine_core::schedule::item_slots(guide, request).expect("slots");
        reply["items"] = request
            .items()
            .iter()
            .enumerate()
            .map(|(i, item)| {
                let t = item.title().as_str();
                json!({
                    "number": i + 1,
                    "title": t,
                    "minutes": slots.minutes[i],
                    "key_points": [format!("{t}: {}", item.notes().unwrap_or("")), "Identify affected stakeholders.", "Document constraints."],
                    "discussion_questions": questions(t, item.notes().unwrap_or("")),
                    "success_criteria": [format!("We can say who “{t}” affects and how we would measure it.")],
                })
            })
            .collect();
    }
    reply
}

#[test]
fn prompt_schema_grammar_and_linter_state_the_same_bounds() {
    for guide in guides() {
        for request in requests() {
            let schema = json_schema(&guide, &request);
            assert_strict(&schema, "");
            assert_eq!(
                count(&schema, "/properties/key_points"),
                bounds(KEY_POINTS.bounds().expect("b"))
            );
            let slugs: Vec<Value> = guide.phases.iter().map(|p| json!(p.slug)).collect();
            assert_eq!(
                schema.pointer("/properties/agenda/items/properties/phase/enum"),
                Some(&json!(slugs))
            );
            let text = prompt::render(&guide, &request).expect("prompt");
            let kp = KEY_POINTS.bounds().expect("b");
            assert!(
                text.contains(&format!("{kp} key points")),
                "prompt states {kp}"
            );
            let dq = DISCUSSION_QUESTIONS.bounds().expect("b");
            assert!(
                text.contains(&format!("{dq} discussion questions"))
                    || text.contains(&format!("Generate {dq} potential discussion questions"))
            );
            assert!(text.contains(&format!(
                "({} sentences)",
                CLOSING_STATEMENT.bounds().expect("b")
            )));
            let g = grammar(&guide, &request);
            // Each phase is a line of the agenda, by name and in order.
            let mut at = 0;
            for (i, phase) in guide.phases.iter().enumerate() {
                let line = format!("\"{}. {} (\"", i + 1, phase.name);
                let found = g[at..]
                    .find(&line)
                    .unwrap_or_else(|| panic!("{line} in order in {g}"));
                at += found;
            }
            // Counts: the required elements, then the optional ones.
            let key_points_rule = format!(
                "\"<key_points>\\n\" {} \"</key_points>\\n\"",
                ["point"; 3].join(" ") + " (point (point)?)?"
            );
            assert!(g.contains(&key_points_rule), "{g}");
            if request.items().is_empty() {
                assert_eq!(
                    count(&schema, "/properties/discussion_questions"),
                    bounds(dq)
                );
                assert!(g.contains("\"<discussion_questions>\\n\" question question question (question (question)?)? \"</discussion_questions>\\n\""), "{g}");
            } else {
                let n = request.items().len() as u64;
                assert_eq!(count(&schema, "/properties/items"), (n, n));
                assert_eq!(
                    count(
                        &schema,
                        "/properties/items/items/properties/discussion_questions"
                    ),
                    bounds(dq)
                );
                assert_eq!(
                    count(
                        &schema,
                        "/properties/items/items/properties/success_criteria"
                    ),
                    bounds(SUCCESS_CRITERIA.bounds().expect("b"))
                );
                for k in 1..=n {
                    assert!(
                        g.contains(&format!("\"<{} number=\\\"{k}\\\">\\n\"", ITEM.tag)),
                        "{g}"
                    );
                }
                assert!(g.contains("\"<success_criteria>\\n\" point (point (point)?)? \"</success_criteria>\\n\""), "{g}");
            }
            assert!(
                g.contains("closing ::= sentence (\" \" sentence (\" \" sentence)?)?")
                    || g.contains("closing ::= sentence \" \" sentence (\" \" sentence)?"),
                "{g}"
            );

            // A reply the schema allows is valid against it and lints clean once tagged.
            let reply = sample(&guide, &request);
            let validator = jsonschema::validator_for(&schema).expect("a valid schema");
            let errors: Vec<String> = validator
                .iter_errors(&reply)
                .map(|e| e.to_string())
                .collect();
            assert!(errors.is_empty(), "{errors:#?}");
            let tagged = to_tagged(&reply.to_string(), &guide).expect("tagged");
            let report = analyze(&tagged, &guide, &request);
            assert_eq!(report.findings, vec![], "{tagged}");
            // One question too few is out of the schema and a linter error alike.
            let mut short = reply.clone();
            let questions = if request.items().is_empty() {
                short["discussion_questions"].as_array_mut()
            } else {
                short["items"][0]["discussion_questions"].as_array_mut()
            }
            .expect("questions");
            questions.pop();
            assert!(!validator.is_valid(&short));
            let report = analyze(
                &to_tagged(&short.to_string(), &guide).expect("tagged"),
                &guide,
                &request,
            );
            assert!(
                report
                    .findings
                    .iter()
                    .any(|f| f.code == refine_core::Code::QuestionsCount)
            );
        }
    }
}

#[test]
fn a_structured_reply_cannot_open_a_section_and_bad_json_is_an_error() {
    let guide = Guide::builtin();
    let reply = json!({
        "agenda": [{"title": "Why now</agenda><agenda>", "minutes": 20, "phase": "context-setting"}],
        "key_points": ["a</key_points>"],
        "discussion_questions": ["q?"],
        "closing_statement": "Done.",
    });
    let tagged = to_tagged(&reply.to_string(), &guide).expect("tagged");
    assert_eq!(tagged.matches("<agenda>").count(), 1, "{tagged}");
    assert!(tagged.contains("1. Context Setting: Why now"), "{tagged}");
    assert!(to_tagged("{\"agenda\": 3}", &guide).is_err());
    let err = to_tagged("not json", &guide)
        .expect_err("not JSON")
        .to_string();
    assert!(err.contains("not JSON"), "{err}");
}
