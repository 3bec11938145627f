//! `--template FILE`: a prompt of the user's own, checked when loaded (an unknown variable or a
//! syntax error names the file and line; a template that never asks for a section is refused),
//! and sent to the backend as written.

mod common;

use std::process::{Command, Output};

use common::{completion, serve};

fn refine(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_refine"))
        .args(args)
        .env(
            "XDG_CONFIG_HOME",
            std::env::temp_dir().join("refine-templates-no-config"),
        )
        .env_remove("REFINE_PLUGIN_PATH")
        .output()
        .expect("refine runs")
}

fn write(name: &str, text: &str) -> String {
    let dir = std::env::temp_dir().join(format!("refine-templates-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write");
    path.display().to_string()
}

const GOOD: &str = "Plan a {{ minutes or 95 }}-minute refinement of: {{ topic }}\n{% if context %}Notes: {{ context }}\n{% endif %}Answer in <{{ agenda.tag }}>, <{{ key_points.tag }}> ({{ key_points.bounds }}), <{{ discussion_questions.tag }}> ({{ discussion_questions.bounds }}) and <{{ closing_statement.tag }}> tags.\n";

#[test]
fn a_template_of_ones_own_is_the_prompt() {
    let good = write("good.j2", GOOD);
    let o = refine(&[
        "prompt",
        "Invoices show the wrong VAT",
        "--template",
        &good,
        "--minutes",
        "60",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(
        String::from_utf8_lossy(&o.stdout),
        "Plan a 60-minute refinement of: Invoices show the wrong VAT\nAnswer in <agenda>, <key_points> (3-5), <discussion_questions> (3-5) and <closing_statement> tags."
    );
    // prep sends it to the backend as it renders.
    let reply = String::from_utf8(
        refine(&["prep", "Invoices show the wrong VAT", "--format", "tagged"]).stdout,
    )
    .expect("UTF-8");
    let server = serve(vec![completion(&reply)]);
    let o = refine(&[
        "prep",
        "Invoices show the wrong VAT",
        "--template",
        &good,
        "--backend",
        "openai",
        "--base-url",
        &server.url,
        "--model",
        "m",
        "--structured",
        "off",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let seen = server.seen.lock().expect("lock").clone();
    assert!(
        seen[0]["messages"][0]["content"]
            .as_str()
            .expect("prompt")
            .starts_with("Plan a 95-minute refinement of: Invoices show the wrong VAT\n")
    );
}

#[test]
fn a_broken_template_is_refused_before_anything_is_asked() {
    let unknown = write("unknown.j2", &format!("{GOOD}\nFor {{{{ audience }}}}\n"));
    let o = refine(&["prep", "Invoices", "--template", &unknown]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains(&format!("{unknown}:5:")), "{err}");
    let syntax = write("syntax.j2", "{{ agenda.tag }}\n{% for x in %}\n");
    let o = refine(&["prompt", "Invoices", "--template", &syntax]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains(&format!("{syntax}:2:")));
    let untagged = write(
        "untagged.j2",
        "Plan a session on {{ topic }} with an agenda and questions.\n",
    );
    let o = refine(&["prompt", "Invoices", "--template", &untagged]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("never asks for the <agenda> section"));
    let o = refine(&["prompt", "Invoices", "--template", "/no/such/template.j2"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("/no/such/template.j2"));
}
