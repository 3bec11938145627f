//! The real server on loopback, started by the tests, and a small HTTP client for it.

#![allow(dead_code)]

use std::path::PathBuf;

use refine_host::Registry;

/// A server of the test's own: its base URL and data folder.
pub(crate) struct Served {
    pub(crate) url: String,
    pub(crate) data: PathBuf,
}

/// Starts `refine serve`'s application on a free loopback port, with `token` when given.
pub(crate) fn serve(name: &str, token: Option<&str>) -> Served {
    let data = std::env::temp_dir().join(format!("refine-web-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&data);
    let settings = refine_web::Settings {
        data: data.clone(),
        token: token.map(str::to_string),
        registry: Registry::builtin(),
        named: Default::default(),
        default_backend: String::from("offline"),
    };
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let addr = "127.0.0.1:0".parse().expect("addr");
        let _ = refine_web::run(settings, addr, |bound| {
            let _ = tx.send(bound);
        });
    });
    let bound = rx
        .recv_timeout(std::time::Duration::from_secs(10))
        .expect("the server starts");
    Served {
        url: format!("http://{bound}"),
        data,
    }
}

/// An agent that shows every status and follows no redirect.
pub(crate) fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .build()
        .into()
}

/// A response's status, a header and its body.
pub(crate) struct Page {
    pub(crate) status: u16,
    pub(crate) location: Option<String>,
    pub(crate) headers: ureq::http::HeaderMap,
    pub(crate) body: String,
}

fn page(mut r: ureq::http::Response<ureq::Body>) -> Page {
    Page {
        status: r.status().as_u16(),
        location: r
            .headers()
            .get("location")
            .and_then(|l| l.to_str().ok())
            .map(str::to_string),
        headers: r.headers().clone(),
        body: r.body_mut().read_to_string().unwrap_or_default(),
    }
}

pub(crate) fn get(url: &str) -> Page {
    page(agent().get(url).call().expect("GET"))
}

/// POSTs an urlencoded form as a browser on `origin` would.
pub(crate) fn post_form(url: &str, origin: &str, fields: &[(&str, &str)]) -> Page {
    page(
        agent()
            .post(url)
            .header("origin", origin)
            .send_form(fields.iter().copied())
            .expect("POST"),
    )
}

/// POSTs a multipart form (text fields, and files as (name, file name, content)).
pub(crate) fn post_multipart(
    url: &str,
    origin: &str,
    fields: &[(&str, &str)],
    files: &[(&str, &str, &str)],
) -> Page {
    let boundary = "----refine-test-boundary-7d3a";
    let mut body = String::new();
    for (name, value) in fields {
        body.push_str(&format!(
            "--{boundary}\r\ncontent-disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
        ));
    }
    for (name, file, content) in files {
        body.push_str(&format!(
            "--{boundary}\r\ncontent-disposition: form-data; name=\"{name}\"; filename=\"{file}\"\r\ncontent-type: application/octet-stream\r\n\r\n{content}\r\n"
        ));
    }
    body.push_str(&format!("--{boundary}--\r\n"));
    page(
        agent()
            .post(url)
            .header("origin", origin)
            .header(
                "content-type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .send(body.as_str())
            .expect("POST"),
    )
}

/// The CSRF token in a page's forms.
pub(crate) fn csrf(body: &str) -> String {
    let at = body
        .find("name=\"csrf\" value=\"")
        .expect("a form with a token")
        + 19;
    body[at..at + 32].to_string()
}
