//! What a model writes after an agenda item's timebox is kept: in `refine check --format json`
//! and in the Markdown and HTML packs.

use std::process::Command;

const REPLY: &str = "<agenda>
- Context Setting (20 minutes): the PM explains why quoting matters now
- Problem Space Exploration (45 minutes) - who screenshots posts, and why
- Success Criteria Definition (20 minutes)
- Session Retrospective (10 minutes)
</agenda>

<key_points>
- Understanding problems deeply: why people screenshot posts to comment on them.
- Identify affected stakeholders, moderators among them.
- Defining clear success criteria for quoting toots.
</key_points>

<discussion_questions>
1. Why do people screenshot posts to comment on them today?
2. Who is hurt when a quote is used for a pile-on?
3. What do we know about how often posts are screenshotted?
</discussion_questions>

<closing_statement>
Thank you all for staying with the problem of quoting toots. Next steps: I will share the notes and action items by Friday.
</closing_statement>
";

fn refine(args: &[&str]) -> String {
    let o = Command::new(env!("CARGO_BIN_EXE_refine"))
        .args(args)
        .output()
        .expect("refine runs");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn the_detail_after_a_timebox_is_kept_everywhere() {
    let dir = std::env::temp_dir().join(format!("refine-agenda-detail-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("recorded")).expect("dir");
    let topic = "Quote toots in Mastodon";
    std::fs::write(dir.join("reply.md"), REPLY).expect("reply");
    std::fs::write(
        dir.join("recorded/quote.md"),
        format!("+++\ntopic = \"{topic}\"\n+++\n{REPLY}"),
    )
    .expect("recording");
    let reply = dir.join("reply.md");
    let json: serde_json::Value = serde_json::from_str(&refine(&[
        "check",
        reply.to_str().expect("path"),
        "--topic",
        topic,
        "--format",
        "json",
    ]))
    .expect("json");
    let agenda = &json["plan"]["agenda"];
    assert_eq!(agenda[0]["title"], "Context Setting");
    assert_eq!(
        agenda[0]["detail"],
        "the PM explains why quoting matters now"
    );
    assert_eq!(agenda[1]["detail"], "who screenshots posts, and why");
    assert!(agenda[2].get("detail").is_none(), "no detail, no field");
    let recorded = format!("dir={}", dir.join("recorded").display());
    for format in ["markdown", "html"] {
        let pack = refine(&[
            "prep",
            topic,
            "--backend",
            "replay",
            "--option",
            &recorded,
            "--format",
            format,
        ]);
        assert!(
            pack.contains("the PM explains why quoting matters now"),
            "{format}: {pack}"
        );
    }
    // The schema describes the field.
    assert!(refine(&["schema"]).contains("\"detail\""));
    let _ = std::fs::remove_dir_all(&dir);
}
