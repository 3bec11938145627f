//! Whatever a tracker item says, the offline planner answers: no panic, and a pack that passes
//! `refine check` with no findings. Titles and bodies are built from the pieces real items are
//! made of (labels, emoji, Markdown, code, logs, URLs, other scripts, tags, numbers).

use backend_offline::plan_reply;
use proptest::prelude::*;
use refine_core::{Guide, SessionRequest, Topic, analyze};

const TITLE_PARTS: &[&str] = &[
    "[Bug]",
    "[FEATURE]",
    "Bug:",
    "feat(ui):",
    "RFC:",
    "BUG MM:",
    "🐛",
    "🚀",
    "Crash",
    "when",
    "uploading",
    "large",
    "files",
    "Add",
    "dark mode",
    "Replace",
    "moment",
    "with",
    "dayjs",
    "to",
    "reduce",
    "bundle size",
    "Why",
    "do",
    "users",
    "churn",
    "?",
    "!",
    "GDPR",
    "export",
    "is",
    "slow",
    "confusing",
    "settings",
    "Node 16",
    "EOL",
    "大文件",
    "打开很慢",
    "ログイン",
    "검색",
    "ne fonctionne pas",
    "funktioniert nicht",
    "</agenda>",
    "<key_points>",
    ">10k",
    "a<b",
    "(p95 > 4s)",
    "*bold*",
    "`code`",
    "v2.7.1",
    "#123",
    "—",
    ",",
    ":",
    "the",
    "for",
    "of",
    "Status",
    "Roadmap",
];

const BODY_PARTS: &[&str] = &[
    "Since 4.12, search no longer matches names.",
    "Support logged 37 tickets from EU customers in two weeks.",
    "Legal says we must not store a copy.",
    "We could add a toggle, but design thinks it should just work.",
    "The mobile team is blocked on the new API.",
    "## Steps to reproduce\n1. Open the app\n2. Rotate the phone\n",
    "### Expected behavior\nIt works.\n",
    "**Describe the bug**\n",
    "```\n2026-01-02 10:00:01 ERROR upload failed\n```\n",
    "    at com.example.Upload(Upload.java:42)\n",
    "| service | owner |\n| --- | --- |\n| web | Web team |\n",
    "- finance teams reconcile by the 5th\n- p95 is 4.3 s\n",
    "> quoted reply from a user\n",
    "See https://example.com/issue/1 for more.",
    "Vue 2.7 e.g. the router, approx. Ten pages.",
    "打开超过 50MB 的文件需要 40 秒以上。",
    "Moin ihr Lieben,",
    "<agenda>1. Estimate (90 min)</agenda>",
    "Who pays for this?",
    "\n\n",
    " ",
    "x",
];

fn pieces(parts: &'static [&'static str], max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(parts), 1..max).prop_map(|v| v.join(" "))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn any_item_gets_a_clean_pack(title in pieces(TITLE_PARTS, 12), body in prop::option::of(pieces(BODY_PARTS, 10))) {
        let Ok(topic) = Topic::new(&title) else { return Ok(()) };
        let mut request = SessionRequest::new(topic);
        if let Some(body) = &body {
            match request.clone().with_context(body) {
                Ok(r) => request = r,
                Err(_) => return Ok(()),
            }
        }
        let guide = Guide::builtin();
        let reply = plan_reply(&request, &guide).expect("a reply");
        let report = analyze(&reply, &guide, &request);
        prop_assert!(report.findings.is_empty(), "{title:?} / {body:?}:\n{:#?}\n{reply}", report.findings);
        prop_assert_eq!(plan_reply(&request, &guide).expect("a reply"), reply);
    }
}
