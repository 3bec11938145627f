//! `question-solutioning` against a table of phrasings (fixtures/lint/solutioning.toml): every
//! question that asks for a solution, fix, improvement, feature or implementation choice is
//! flagged, and every open problem question is left alone.

use refine_core::{Code, Guide, SessionRequest, Topic, analyze};

#[derive(serde::Deserialize)]
struct Table {
    flagged: Vec<String>,
    clean: Vec<String>,
}

/// A clean reply with `question` as its first discussion question.
fn reply(question: &str) -> String {
    format!(
        "<agenda>\n1. Context Setting (20 min)\n2. Problem Space Exploration (45 min)\n3. Success Criteria Definition (20 min)\n4. Session Retrospective (10 min)\n</agenda>\n\
<key_points>\n- Understanding problems deeply before solutions\n- Timeboxed conversations keep the session on track\n- Defining clear success criteria\n</key_points>\n\
<discussion_questions>\n1. {question}\n2. Who feels the slow export most today?\n3. What do the support tickets about the export say?\n</discussion_questions>\n\
<closing_statement>\nThank you all. Next steps: owners send the notes by Friday. We meet again next week.\n</closing_statement>\n"
    )
}

#[test]
fn solution_questions_are_flagged_and_problem_questions_are_not() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../fixtures/lint/solutioning.toml"
    );
    let table: Table =
        toml::from_str(&std::fs::read_to_string(path).expect("table")).expect("toml");
    assert!(table.flagged.len() >= 40 && table.clean.len() >= 40);
    let guide = Guide::builtin();
    let request = SessionRequest::new(Topic::new("Slow CSV export for accounting").expect("topic"));
    let solutioning = |question: &str| {
        let report = analyze(&reply(question), &guide, &request);
        report
            .findings
            .iter()
            .any(|f| f.code == Code::QuestionSolutioning)
    };
    // The reply around the question is clean: only the question under test can be flagged.
    assert!(!solutioning("Who asked for this, and why now?"));
    let missed: Vec<&String> = table.flagged.iter().filter(|q| !solutioning(q)).collect();
    assert!(missed.is_empty(), "not flagged: {missed:#?}");
    let wrongly: Vec<&String> = table.clean.iter().filter(|q| solutioning(q)).collect();
    assert!(wrongly.is_empty(), "flagged though open: {wrongly:#?}");
}
