//! `refine serve` from the command line: it prints its URL and serves; it will not open the page
//! to the network without an access token.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

#[test]
fn serve_prints_its_url_and_serves_on_loopback() {
    let data = std::env::temp_dir().join(format!("refine-serve-cli-{}", std::process::id()));
    let mut child = Command::new(env!("CARGO_BIN_EXE_refine"))
        .args(["serve", "--port", "0", "--data"])
        .arg(&data)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("refine serve starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("a line");
    let url = line
        .trim()
        .strip_prefix("refine serve: ")
        .expect("the URL line")
        .to_string();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    let page = ureq::get(&url)
        .call()
        .expect("the page")
        .body_mut()
        .read_to_string()
        .expect("text");
    assert!(page.contains("Prepare a refinement session"));
    // A session prepared and started in the browser, carried on from the terminal.
    let at = page.find("name=\"csrf\" value=\"").expect("a token") + 19;
    let csrf = &page[at..at + 32];
    let boundary = "b0undary";
    let body = format!(
        "--{boundary}\r\ncontent-disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n--{boundary}\r\ncontent-disposition: form-data; name=\"topic\"\r\n\r\nShared sessions\r\n--{boundary}--\r\n"
    );
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .max_redirects(0)
        .build()
        .into();
    let origin = url.trim_end_matches('/');
    let made = agent
        .post(&format!("{origin}/prepare"))
        .header("origin", origin)
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .send(body.as_str())
        .expect("prepared");
    let pack = made.headers()["location"]
        .to_str()
        .expect("location")
        .to_string();
    agent
        .post(&format!("{origin}{pack}/clock"))
        .header("origin", origin)
        .send_form([("csrf", csrf), ("action", "next")])
        .expect("started");
    let id = pack.rsplit('/').next().expect("id");
    let journal = data.join(format!("{id}.journal.jsonl"));
    let logged = Command::new(env!("CARGO_BIN_EXE_refine"))
        .arg("log")
        .arg(&journal)
        .args(["decision", "Decided in the terminal"])
        .status()
        .expect("refine log");
    assert!(logged.success());
    let run = ureq::get(&format!("{origin}{pack}/run"))
        .call()
        .expect("the run page")
        .body_mut()
        .read_to_string()
        .expect("text");
    assert!(run.contains("Decision: Decided in the terminal"), "{run}");
    assert!(
        run.contains("aria-current=\"step\""),
        "the step the browser started runs on"
    );
    let _ = child.kill();
    let _ = child.wait();
    let _ = std::fs::remove_dir_all(&data);
}

#[test]
fn the_network_needs_a_token() {
    let o = Command::new(env!("CARGO_BIN_EXE_refine"))
        .args(["serve", "--host", "0.0.0.0", "--port", "0"])
        .output()
        .expect("refine runs");
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("--host 0.0.0.0 opens the page to the network: give --token"),
        "{err}"
    );
    let o = Command::new(env!("CARGO_BIN_EXE_refine"))
        .args([
            "serve", "--host", "0.0.0.0", "--port", "0", "--token", "short",
        ])
        .output()
        .expect("refine runs");
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("at least 16 characters"));
}
