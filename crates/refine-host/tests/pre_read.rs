//! The pre-read for the team, as Markdown and as an HTML page read back by html5ever: the item,
//! what its notes tell and leave open, the questions, how to prepare; hostile text escaped.

use refine_core::{Guide, SessionRequest, Topic};
use refine_host::{PrepInput, Registry, prepare};
use refine_plugin::{Options, Pack, SessionStart};

fn pack(topic: &str, notes: Option<&str>) -> Pack {
    let mut request = SessionRequest::new(Topic::new(topic).expect("topic"));
    if let Some(notes) = notes {
        request = request.with_context(notes).expect("notes");
    }
    let guide = Guide::builtin();
    let registry = Registry::builtin();
    let start = SessionStart::parse("2026-12-03 10:00", None).expect("start");
    prepare(
        registry.backend("offline").expect("offline"),
        PrepInput {
            request: &request,
            guide: &guide,
            options: &Options::new(),
            start: Some(&start),
            on_text: None,
            repair: 1,
            template: None,
        },
    )
    .expect("pack")
}

fn render(format: &str, pack: &Pack) -> String {
    let rendered = Registry::builtin()
        .format(format)
        .expect("format")
        .render(pack)
        .expect("renders");
    String::from_utf8(rendered.bytes).expect("UTF-8")
}

const NOTES: &str = "Our accounting team of 15 people opens the export every Monday.\nIt takes them 10 minutes to fix the encoding each time.\nWe could add a BOM to the file.";

#[test]
fn the_markdown_pre_read_tells_what_is_known_what_is_open_and_what_to_think_about() {
    let pack = pack(
        "Exported CSV opens with broken umlauts in Excel",
        Some(NOTES),
    );
    let text = render("pre-read", &pack);
    assert!(text.starts_with("# Pre-read: Exported CSV opens with broken umlauts in Excel\n"));
    assert!(text.contains("Thursday 3 December 2026 at 10:00"), "{text}");
    assert!(
        text.contains("> It takes them 10 minutes to fix the encoding each time."),
        "{text}"
    );
    assert!(
        text.contains("- Who it affects: “Our accounting team of 15 people"),
        "{text}"
    );
    assert!(
        text.contains("- A proposal (a hypothesis to test, not a decision): “We could add a BOM"),
        "{text}"
    );
    assert!(
        text.contains("## What we don't know yet\n\n- when or under which conditions"),
        "{text}"
    );
    for question in &pack.plan.discussion_questions {
        assert!(text.contains(question.as_str()), "{question}");
    }
    // The guide's preparation for team members, not the product manager's.
    assert!(
        text.contains("- Note initial questions and concerns"),
        "{text}"
    );
    assert!(!text.contains("Distribute selected items"), "{text}");
    // Without notes, everything is open and the page says the item has no description.
    let bare = render("pre-read", &self::pack("Dark mode for the web app", None));
    assert!(bare.contains("has no description yet"), "{bare}");
    assert!(bare.contains("- who it affects, and how many"), "{bare}");
}

#[test]
fn the_html_pre_read_is_one_page_with_every_section_and_escaped_text() {
    let pack = pack(
        "Fix <script>alert(1)</script> & \"quotes\" in exports",
        Some("Users <b>say</b> it breaks & we lose 3 orders a day."),
    );
    let text = render("pre-read-html", &pack);
    assert!(!text.contains("<script>alert"), "escaped");
    let page = scraper::Html::parse_document(&text);
    let select = |css: &str| scraper::Selector::parse(css).expect("selector");
    assert_eq!(
        page.select(&select("h1"))
            .next()
            .map(|h| h.text().collect::<String>()),
        Some(String::from(
            "Pre-read: Fix <script>alert(1)</script> & \"quotes\" in exports"
        ))
    );
    for id in ["item", "known", "open", "questions", "prepare"] {
        assert!(
            page.select(&select(&format!("section#{id}")))
                .next()
                .is_some(),
            "{id}"
        );
    }
    assert_eq!(
        page.select(&select("section#questions li")).count(),
        pack.plan.discussion_questions.len()
    );
    let quote: String = page
        .select(&select("blockquote"))
        .flat_map(|b| b.text())
        .collect();
    assert!(quote.contains("Users <b>say</b> it breaks"), "{quote}");
}
