//! What every request passes: the access token (when the server has one), and for every POST
//! a same-origin check. The CSRF token itself is checked by each form's handler, which reads
//! the body.

use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};

use crate::Shared;

/// The cookie that carries the access token after the first visit.
const TOKEN_COOKIE: &str = "refine_token";

pub(crate) async fn guard(State(state): State<Shared>, request: Request, next: Next) -> Response {
    if let Some(token) = &state.settings.token {
        let from_cookie = cookie(request.headers(), TOKEN_COOKIE).is_some_and(|t| t == *token);
        if !from_cookie {
            let query = request.uri().query().unwrap_or("");
            let given = query
                .split('&')
                .find_map(|kv| kv.strip_prefix("token="))
                .is_some_and(|t| t == token);
            if !given {
                return (
                    StatusCode::UNAUTHORIZED,
                    "This refine server needs its access token: open the URL `refine serve` printed.",
                )
                    .into_response();
            }
            // The token moves into a cookie, out of the address bar and the history.
            let path = request.uri().path().to_string();
            let mut response = Redirect::to(&path).into_response();
            if let Ok(value) =
                format!("{TOKEN_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict").parse()
            {
                response.headers_mut().insert(header::SET_COOKIE, value);
            }
            return response;
        }
    }
    if request.method() == Method::POST && !same_origin(request.headers()) {
        return (
            StatusCode::FORBIDDEN,
            "Refused: this form was sent from another site.",
        )
            .into_response();
    }
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(
        "x-content-type-options",
        header::HeaderValue::from_static("nosniff"),
    );
    headers
        .entry("content-security-policy")
        .or_insert(header::HeaderValue::from_static(
            "default-src 'self'; style-src 'self' 'unsafe-inline'; frame-ancestors 'self'; form-action 'self'",
        ));
    response
}

/// Whether a POST comes from a page of this server: its `Origin` (or, without one, its
/// `Sec-Fetch-Site`) says so. A request with neither is a script's, not a browser's.
fn same_origin(headers: &HeaderMap) -> bool {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    match headers.get(header::ORIGIN).and_then(|o| o.to_str().ok()) {
        Some(origin) => origin == format!("http://{host}") || origin == format!("https://{host}"),
        None => !headers
            .get("sec-fetch-site")
            .and_then(|s| s.to_str().ok())
            .is_some_and(|s| s == "cross-site" || s == "same-site"),
    }
}

/// A cookie's value.
fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|kv| kv.trim().strip_prefix(name)?.strip_prefix('='))
}

/// Whether a form's CSRF token is the server's, compared in constant time.
pub(crate) fn csrf_ok(state: &Shared, given: &str) -> bool {
    let want = state.csrf.as_bytes();
    let given = given.as_bytes();
    given.len() == want.len()
        && given
            .iter()
            .zip(want)
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}
