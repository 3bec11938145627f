//! The page in a real headless browser (Debian's chromium through chromedriver and WebDriver),
//! as a product manager uses it: prepare a pack from a topic, start the session, add a decision
//! and an action item, reload mid-session, open the notes and find them. Each page's screenshot
//! is checked not to be blank. chromium and chromium-driver are installed with apt-get when
//! missing (as CI does on a fresh machine, as root).

mod common;

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};

fn has(program: &str) -> bool {
    Command::new(program)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn ensure_browser() {
    if !(has("chromium") && has("chromedriver")) {
        let _ = Command::new("apt-get").args(["update", "-qq"]).status();
        let _ = Command::new("apt-get")
            .args(["install", "-y", "-qq", "chromium", "chromium-driver"])
            .env("DEBIAN_FRONTEND", "noninteractive")
            .status();
    }
    assert!(
        has("chromium") && has("chromedriver"),
        "this test drives a real browser and needs chromium and chromedriver, which could not be installed: apt-get install chromium chromium-driver"
    );
}

/// chromedriver on a free loopback port, stopped when dropped.
struct Driver {
    child: Child,
    url: String,
}

impl Driver {
    fn start() -> Driver {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let child = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let until = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < until, "chromedriver did not listen");
            std::thread::sleep(Duration::from_millis(100));
        }
        Driver {
            child,
            url: format!("http://127.0.0.1:{port}"),
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Asserts a PNG screenshot shows something: over 1% of its pixels differ from the first one.
fn not_blank(png_bytes: &[u8], page: &str) {
    let (differing, total) = differing(png_bytes);
    assert!(
        differing * 100 > total,
        "the {page} page looks blank: {differing} of {total} pixels differ from the first"
    );
}

/// How many pixels differ from the first one, of how many.
fn differing(png_bytes: &[u8]) -> (usize, usize) {
    let decoder = png::Decoder::new(std::io::Cursor::new(png_bytes));
    let mut reader = decoder.read_info().expect("a PNG");
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).expect("a frame");
    let pixel = info.color_type.samples();
    let pixels = &buf[..info.buffer_size()];
    let first = &pixels[..pixel];
    let differing = pixels.chunks(pixel).filter(|p| *p != first).count();
    (differing, pixels.len() / pixel)
}

async fn fill(c: &Client, id: &str, text: &str) {
    c.find(Locator::Id(id))
        .await
        .unwrap_or_else(|e| panic!("#{id}: {e}"))
        .send_keys(text)
        .await
        .unwrap_or_else(|e| panic!("typing into #{id}: {e}"));
}

async fn click(c: &Client, id: &str) {
    c.find(Locator::Id(id))
        .await
        .unwrap_or_else(|e| panic!("#{id}: {e}"))
        .click()
        .await
        .unwrap_or_else(|e| panic!("clicking #{id}: {e}"));
}

async fn source(c: &Client) -> String {
    c.source().await.expect("the page source")
}

/// The page source once it contains `text` (a click's navigation may still be under way).
async fn wait_for(c: &Client, text: &str) -> String {
    let until = Instant::now() + Duration::from_secs(15);
    loop {
        let page = source(c).await;
        if page.contains(text) {
            return page;
        }
        assert!(
            Instant::now() < until,
            "waited for `{text}`; the page:\n{page}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_product_manager_prepares_runs_and_reads_the_notes_in_a_browser() {
    ensure_browser();
    let served = common::serve("browser", None);
    let driver = Driver::start();
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({
            "binary": "/usr/bin/chromium",
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,1000"],
        }),
    );
    let c = ClientBuilder::rustls()
        .expect("a TLS setup")
        .capabilities(caps)
        .connect(&driver.url)
        .await
        .expect("a WebDriver session");
    // The session is closed even when the flow fails; then the failure is reported.
    let flowed = tokio::spawn({
        let c = c.clone();
        async move { flow(&c, &served).await }
    })
    .await;
    let _ = c.close().await;
    if let Err(e) = flowed {
        std::panic::resume_unwind(e.into_panic());
    }
}

async fn flow(c: &Client, served: &common::Served) {
    // The blank check can fail: an empty page is blank.
    c.goto("about:blank").await.expect("blank");
    let (blank, _) = differing(&c.screenshot().await.expect("screenshot"));
    assert_eq!(blank, 0, "an empty page has no differing pixel");
    // Prepare.
    c.goto(&format!("{}/", served.url)).await.expect("home");
    not_blank(&c.screenshot().await.expect("screenshot"), "Prepare");
    // A GitHub export, uploaded as a file, and a start time for the invitation.
    let export = served.data.with_extension("issues.json");
    std::fs::write(
        &export,
        r#"[{"number": 31, "title": "Warehouse scanners lose pick lists", "body": "The Wi-Fi drops in aisle 9 and the handheld scanners lose the list; staff print it every morning.", "url": "https://github.com/acme/wms/issues/31", "labels": [{"name": "bug"}]},
{"number": 32, "title": "Returns pile up on Mondays", "body": "Weekend returns wait for the Monday shift; 200 parcels on a bad day.", "url": "https://github.com/acme/wms/issues/32", "labels": []}]"#,
    )
    .expect("export");
    fill(c, "items_file", &export.display().to_string()).await;
    fill(c, "minutes", "60").await;
    c.execute(
        "document.getElementById('start').value = '2026-12-01T10:00';",
        vec![],
    )
    .await
    .expect("set the start");
    click(c, "prepare").await;
    let page = wait_for(c, "Pre-read for the team").await;
    let pack_url = c.current_url().await.expect("url").to_string();
    assert!(pack_url.contains("/s/"), "{pack_url}");
    assert!(page.contains("2 backlog items"), "{page}");
    not_blank(&c.screenshot().await.expect("screenshot"), "pack");
    // The pre-read and the Markdown download from the links the page shows.
    let link = c
        .find(Locator::LinkText("Pre-read for the team"))
        .await
        .expect("the pre-read link")
        .attr("href")
        .await
        .expect("href")
        .expect("an href");
    let pre_read = common::get(&format!("{}{link}", served.url));
    assert_eq!(pre_read.status, 200);
    assert!(pre_read.body.contains("Warehouse scanners lose pick lists"));
    assert!(pre_read.body.contains("Returns pile up on Mondays"));
    let link = c
        .find(Locator::LinkText("Calendar invitation (ICS)"))
        .await
        .expect("the ICS link")
        .attr("href")
        .await
        .expect("href")
        .expect("an href");
    let ics = common::get(&format!("{}{link}", served.url));
    assert!(
        ics.body.contains("BEGIN:VCALENDAR") && ics.body.contains("DTSTART:20261201T100000"),
        "{}",
        ics.body
    );
    assert!(
        ics.body.contains("https://github.com/acme/wms/issues/31"),
        "{}",
        ics.body
    );

    // Run: start, capture a decision and an action item.
    click(c, "run").await;
    wait_for(c, "Start the session").await;
    click(c, "next").await;
    wait_for(c, "aria-current=\"step\"").await;
    not_blank(&c.screenshot().await.expect("screenshot"), "run");
    fill(c, "decision-text", "Cache the list on the scanner").await;
    fill(c, "decision-why", "aisle 9 Wi-Fi will stay flaky").await;
    click(c, "save-decision").await;
    wait_for(c, "Saved: decision").await;
    fill(c, "action-text", "Measure drops per aisle").await;
    fill(c, "action-owner", "Omar").await;
    // A date input takes the date in the browser's locale order; the value is ISO.
    c.execute(
        "document.getElementById('action-due').value = '2026-12-04';",
        vec![],
    )
    .await
    .expect("set the date");
    click(c, "save-action").await;
    wait_for(c, "Saved: action").await;
    // Reload mid-session: nothing is lost, the step still runs.
    c.refresh().await.expect("reload");
    let page = source(c).await;
    assert!(
        page.contains(
            "Decision: Cache the list on the scanner — because aisle 9 Wi-Fi will stay flaky"
        ),
        "{page}"
    );
    assert!(
        page.contains("Action: Measure drops per aisle (Omar, due 2026-12-04)"),
        "{page}"
    );
    assert!(
        page.contains("aria-current=\"step\""),
        "the clock survived the reload"
    );
    let left = c
        .find(Locator::Id("left"))
        .await
        .expect("the countdown")
        .text()
        .await
        .expect("text");
    assert!(
        left.contains(':'),
        "the countdown ticks in the browser: {left}"
    );

    // Notes.
    let notes_url = format!("{pack_url}/notes");
    c.goto(&notes_url).await.expect("notes");
    not_blank(&c.screenshot().await.expect("screenshot"), "notes");
    c.goto(&format!("{notes_url}/view"))
        .await
        .expect("notes view");
    let page = wait_for(c, "Refinement notes").await;
    assert!(page.contains("Cache the list on the scanner"), "{page}");
    assert!(page.contains("Measure drops per aisle"), "{page}");
    assert!(page.contains("Omar"));
}
