//! Everything follows the guide it is given: the prompt carries it, the parser maps items to its
//! phases, and the linter judges against its phases, timeboxes and post-session actions.

use refine_core::{Code, Guide, SessionRequest, Topic, analyze, prompt};

fn sixty() -> Guide {
    Guide::from_file(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../fixtures/guides/sixty-minute.md"),
    )
    .expect("fixture guide parses")
}

fn request() -> SessionRequest {
    SessionRequest::new(Topic::new("Fix flaky login on Android").expect("topic"))
}

const REPLY: &str = "<agenda>
1. Problem Framing (15 min)
2. Customer Impact (20 min)
3. Risks & unknowns (10 min)
4. Outcomes (10 min)
5. Reflect (5 min)
</agenda>
<key_points>
- Frame the customer problem of flaky Android login in plain words.
- Surface risks and unknowns early.
- Agree on observable outcomes.
</key_points>
<discussion_questions>
1. When does the Android login fail, and for whom?
2. What do users do today when login fails on Android?
3. Which risks do we see around the Android login?
</discussion_questions>
<closing_statement>
Thanks for framing the login problem together. I will publish the brief and book discovery spikes for the open unknowns.
</closing_statement>";

#[test]
fn the_team_guide_is_read_into_its_own_phases() {
    let guide = sixty();
    let phases: Vec<_> = guide
        .phases
        .iter()
        .map(|p| (p.slug.as_str(), p.minutes.min, p.minutes.max))
        .collect();
    assert_eq!(
        phases,
        vec![
            ("problem-framing", 10, 15),
            ("customer-impact-mapping", 15, 20),
            ("risks-and-unknowns", 10, 15),
            ("outcome-agreement", 10, 10),
            ("close-and-reflect", 5, 5),
        ]
    );
    assert_eq!(guide.practices[0].name, "Keeping the hour on track");
    assert_eq!(guide.practices[0].after_phases, 2);
    assert_eq!(guide.pitfalls.len(), 3);
    assert_eq!(guide.success_indicators.len(), 2);
}

#[test]
fn the_prompt_carries_the_team_guide_not_the_default() {
    let text = prompt::render(&sixty(), &request()).expect("render");
    assert!(text.contains("### 2. Customer Impact Mapping (15-20 minutes)"));
    assert!(!text.contains("Context Setting"));
}

#[test]
fn a_reply_that_follows_the_team_guide_has_no_findings() {
    let report = analyze(REPLY, &sixty(), &request());
    assert_eq!(report.findings, vec![], "{:#?}", report.findings);
    let phases: Vec<_> = report
        .plan
        .agenda
        .iter()
        .map(|i| i.phase.as_deref())
        .collect();
    assert_eq!(
        phases,
        vec![
            Some("problem-framing"),
            Some("customer-impact-mapping"),
            Some("risks-and-unknowns"),
            Some("outcome-agreement"),
            Some("close-and-reflect"),
        ]
    );
}

#[test]
fn the_same_reply_against_the_default_guide_misses_its_phases() {
    let report = analyze(REPLY, &Guide::builtin(), &request());
    let missing: Vec<&str> = report
        .findings
        .iter()
        .filter(|f| f.code == Code::AgendaPhaseMissing)
        .map(|f| f.message.as_str())
        .collect();
    assert_eq!(missing.len(), 2, "{:#?}", report.findings);
    assert!(missing[0].contains("`Context Setting`"));
    assert!(missing[1].contains("`Session Retrospective`"));
    assert!(report.findings.iter().any(|f| f.code == Code::AgendaTotal));
}
