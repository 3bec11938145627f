//! The offline planner over every fixture topic: its packs pass `refine check` with no findings
//! (for both guides and many session lengths), questions name the subject in a few words and
//! never echo the title, questions and closings read differently from topic to topic (and the
//! measure of that fails a planner that pastes the title), the kind is read right, the same
//! input gives the same bytes, and each reply matches its snapshot.

use std::path::{Path, PathBuf};

use backend_offline::plan_reply;
use refine_core::distinct::{WordingTally, masked_wording};
use refine_core::{Guide, SessionRequest, Topic, analyze};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TopicFixture {
    id: String,
    title: String,
    kind: String,
    context: Option<String>,
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures")
}

fn topics() -> Vec<TopicFixture> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(fixtures().join("topics"))
        .expect("fixtures/topics")
        .map(|e| e.expect("entry").path())
        .collect();
    paths.sort();
    paths.iter().map(|p| load(p)).collect()
}

fn load(path: &Path) -> TopicFixture {
    let text = std::fs::read_to_string(path).expect("readable topic");
    let topic: TopicFixture =
        toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert_eq!(
        Some(topic.id.as_str()),
        path.file_stem().and_then(|s| s.to_str()),
        "id = file name"
    );
    topic
}

fn request(topic: &TopicFixture, minutes: Option<u32>) -> SessionRequest {
    let mut request = SessionRequest::new(Topic::new(&topic.title).expect("valid topic"));
    if let Some(context) = &topic.context {
        request = request.with_context(context).expect("valid context");
    }
    if let Some(m) = minutes {
        request = request.with_minutes(m).expect("valid minutes");
    }
    request
}

#[test]
fn there_are_at_least_forty_varied_topics() {
    let all = topics();
    assert!(all.len() >= 40, "{} topics", all.len());
    let kinds: std::collections::BTreeSet<&str> = all.iter().map(|t| t.kind.as_str()).collect();
    assert_eq!(kinds.len(), 9, "every kind: {kinds:?}");
    assert!(
        all.iter().any(|t| t.title.contains("</session_topic>")),
        "a hostile topic"
    );
    assert!(all.iter().any(|t| {
        !t.title.is_ascii()
            && t.title
                .chars()
                .any(|c| ('\u{4E00}'..='\u{9FFF}').contains(&c))
    }));
}

#[test]
fn kinds_are_detected_as_the_fixtures_say() {
    let wrong: Vec<String> = topics()
        .iter()
        .filter_map(|topic| {
            let found = refine_topic::read(&topic.title, topic.context.as_deref())
                .kind
                .kind
                .as_str();
            (found != topic.kind).then(|| {
                format!(
                    "{}: detected {found}, fixture says {}",
                    topic.id, topic.kind
                )
            })
        })
        .collect();
    assert!(wrong.is_empty(), "{wrong:#?}");
}

#[test]
fn every_pack_passes_check_with_no_findings_for_both_guides_and_many_lengths() {
    let sixty = Guide::from_file(&fixtures().join("guides/sixty-minute.md")).expect("guide");
    let guides = [Guide::builtin(), sixty];
    for topic in topics() {
        for guide in &guides {
            for minutes in [
                None,
                Some(30),
                Some(60),
                Some(90),
                Some(95),
                Some(120),
                Some(240),
                Some(480),
            ] {
                let request = request(&topic, minutes);
                let reply = plan_reply(&request, guide).expect("reply");
                let report = analyze(&reply, guide, &request);
                assert_eq!(
                    report.findings,
                    vec![],
                    "{} with {} at {minutes:?} min:\n{reply}",
                    topic.id,
                    guide.title
                );
                let total: u32 = report
                    .plan
                    .agenda
                    .iter()
                    .filter_map(|i| i.minutes)
                    .map(|m| m.max)
                    .sum();
                assert_eq!(total, minutes.unwrap_or_else(|| guide.natural_minutes()));
            }
        }
    }
}

#[test]
fn questions_name_the_subject_in_a_few_words_and_never_echo_the_title() {
    for topic in topics() {
        let request = request(&topic, None);
        let reply = plan_reply(&request, &Guide::builtin()).expect("reply");
        let report = analyze(&reply, &Guide::builtin(), &request);
        let subject = refine_topic::read(&topic.title, None).title.subject;
        assert!(
            subject.split_whitespace().count() <= 6,
            "{}: {subject}",
            topic.id
        );
        // By words: the parser reads Markdown emphasis out of the reply.
        let subject_words = refine_core::text::words(&subject);
        let naming = report
            .plan
            .discussion_questions
            .iter()
            .filter(|q| {
                refine_core::text::words(q)
                    .windows(subject_words.len())
                    .any(|w| w == subject_words.as_slice())
            })
            .count();
        assert!(
            naming >= 3,
            "{}: {:#?}",
            topic.id,
            report.plan.discussion_questions
        );
        for question in &report.plan.discussion_questions {
            assert!(question.ends_with('?'), "{}: {question}", topic.id);
            assert!(
                !refine_core::lint::echoes_title(&topic.title, question),
                "{}: {question}",
                topic.id
            );
        }
    }
}

#[test]
fn the_same_input_gives_the_same_bytes() {
    for topic in topics() {
        let request = request(&topic, Some(75));
        let a = plan_reply(&request, &Guide::builtin()).expect("reply");
        let b = plan_reply(&request, &Guide::builtin()).expect("reply");
        assert_eq!(a, b, "{}", topic.id);
    }
}

#[test]
fn hostile_topics_cannot_open_or_close_sections() {
    for topic in topics()
        .iter()
        .filter(|t| t.title.contains('<') || t.context.as_deref().is_some_and(|c| c.contains('<')))
    {
        let reply = plan_reply(&request(topic, None), &Guide::builtin()).expect("reply");
        for tag in [
            "agenda",
            "key_points",
            "discussion_questions",
            "closing_statement",
        ] {
            assert_eq!(
                reply.matches(&format!("<{tag}>")).count(),
                1,
                "{}: {reply}",
                topic.id
            );
            assert_eq!(
                reply.matches(&format!("</{tag}>")).count(),
                1,
                "{}: {reply}",
                topic.id
            );
        }
    }
}

#[test]
fn replies() {
    insta::glob!("../../../fixtures/topics", "*.toml", |path| {
        let topic = load(path);
        let reply = plan_reply(&request(&topic, None), &Guide::builtin()).expect("reply");
        insta::assert_snapshot!(reply);
    });
}

/// The questions and closings of every fixture topic's pack, tallied for distinctness.
fn tallies(with_context: bool) -> (WordingTally, WordingTally, usize) {
    let mut questions = WordingTally::default();
    let mut closings = WordingTally::default();
    let mut count = 0;
    for topic in topics() {
        if with_context && topic.context.is_none() {
            continue;
        }
        let mut request = SessionRequest::new(Topic::new(&topic.title).expect("valid topic"));
        if with_context && let Some(context) = &topic.context {
            request = request.with_context(context).expect("valid context");
        }
        let reply = plan_reply(&request, &Guide::builtin()).expect("reply");
        let plan = analyze(&reply, &Guide::builtin(), &request).plan;
        questions.add(&topic.id, &topic.title, &plan.discussion_questions);
        closings.add(
            &topic.id,
            &topic.title,
            &[plan.closing_statement.unwrap_or_default()],
        );
        count += 1;
    }
    (questions, closings, count)
}

/// The most questions any two topics share, by masked wording.
fn most_shared(template: fn(&str) -> Vec<String>) -> usize {
    let all: Vec<(String, Vec<String>)> = topics()
        .iter()
        .map(|t| {
            let wordings = template(&t.title)
                .iter()
                .map(|q| masked_wording(&t.title, q))
                .collect();
            (t.id.clone(), wordings)
        })
        .collect();
    let mut most = (0, String::new());
    for (i, (x, a)) in all.iter().enumerate() {
        for (y, b) in &all[i + 1..] {
            let shared: Vec<&String> = a.iter().filter(|w| b.contains(w)).collect();
            if shared.len() > most.0 {
                most = (shared.len(), format!("{x} and {y}: {shared:?}"));
            }
        }
    }
    eprintln!("most shared: {}", most.1);
    most.0
}

fn offline_questions(title: &str) -> Vec<String> {
    let request = SessionRequest::new(Topic::new(title).expect("valid topic"));
    let reply = plan_reply(&request, &Guide::builtin()).expect("reply");
    analyze(&reply, &Guide::builtin(), &request)
        .plan
        .discussion_questions
}

/// The planner as it was before issue 10: the title pasted into fixed sentences.
fn pasted_title_questions(title: &str) -> Vec<String> {
    [
        "What problem are people trying to solve when they ask for “{t}”?",
        "Who is affected by “{t}”, and how does each group experience it differently?",
        "Which systems, teams or vendors does “{t}” depend on?",
        "What constraints (technical, legal, contractual) shape “{t}”?",
        "What are we assuming about “{t}” that we have not yet checked?",
    ]
    .iter()
    .map(|q| q.replace("{t}", title))
    .collect()
}

#[test]
fn questions_and_closings_read_differently_from_topic_to_topic() {
    let (questions, closings, n) = tallies(true);
    assert!(n >= 30, "{n} topics with bodies");
    let share = questions.share().expect("questions");
    assert!(
        share < 0.25,
        "with bodies: {share:.3} templated, {:?}",
        questions.most_templated(5)
    );
    let share = closings.share().expect("closings");
    assert!(
        share < 0.25,
        "closings with bodies: {share:.3}, {:?}",
        closings.most_templated(5)
    );
    let (questions, closings, _) = tallies(false);
    let share = questions.share().expect("questions");
    assert!(
        share < 0.5,
        "titles alone: {share:.3} templated, {:?}",
        questions.most_templated(5)
    );
    let share = closings.share().expect("closings");
    assert!(
        share < 0.5,
        "closings from titles: {share:.3}, {:?}",
        closings.most_templated(5)
    );
    // Chance alone lets a pair of 78 topics meet on two of their five questions; a template
    // makes every pair meet on all five (the test below).
    let shared = most_shared(offline_questions);
    assert!(shared <= 2, "two topics share {shared} question wordings");
}

#[test]
fn the_distinctness_measure_fails_a_planner_that_pastes_the_title() {
    let mut tally = WordingTally::default();
    for topic in topics() {
        tally.add(
            &topic.id,
            &topic.title,
            &pasted_title_questions(&topic.title),
        );
    }
    let share = tally.share().expect("questions");
    assert!(share > 0.9, "{share}");
    assert_eq!(most_shared(pasted_title_questions), 5);
}
