//! `refine serve`: the web page for product managers who do not live in a terminal. Prepare a
//! pack from a topic or a tracker export, see and download it in every format, run the session
//! on a shared screen (the same journal as `refine run`, so either resumes the other's session),
//! read the notes and carry them into the next preparation.
//!
//! Server-rendered pages (MiniJinja, every value escaped) with a little vanilla JavaScript for
//! the countdown; no build step, no network. Safety: bound to loopback unless a host is given,
//! which then needs an access token; a CSRF token on every form and a same-origin check on
//! every POST; a request size limit; files on disk are named by the server only (random ids);
//! a backend's options (and so any key's variable name) never reach the page.

mod guard;
mod pages;
mod prepare;
mod store;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use refine_host::Registry;
use refine_host::config::NamedBackend;

/// The largest request body accepted: an export of a few thousand items fits.
pub const BODY_LIMIT: usize = 4 * 1024 * 1024;

/// What the server needs.
pub struct Settings {
    /// Where packs and journals are kept.
    pub data: PathBuf,
    /// The access token every request must carry (required when not on loopback).
    pub token: Option<String>,
    /// The backends and formats.
    pub registry: Registry,
    /// Backends named in the config file, by name.
    pub named: BTreeMap<String, NamedBackend>,
    /// The backend preselected on the form.
    pub default_backend: String,
}

/// What can stop the server from starting.
#[derive(Debug, thiserror::Error)]
pub enum WebError {
    /// The data folder cannot be made.
    #[error("cannot use the data folder {}: {source}", path.display())]
    Data {
        /// The folder.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// No random numbers for the tokens.
    #[error("cannot make a random token: {0}")]
    Random(String),
    /// The address cannot be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: std::net::SocketAddr,
        /// Why.
        source: std::io::Error,
    },
    /// The server stopped with an error.
    #[error("the server failed: {0}")]
    Serve(std::io::Error),
    /// A page template is broken.
    #[error("a page template: {0}")]
    Template(#[from] minijinja::Error),
}

/// The server's shared state.
pub(crate) struct State {
    pub(crate) settings: Settings,
    /// The CSRF token every form carries.
    pub(crate) csrf: String,
    pub(crate) pages: minijinja::Environment<'static>,
}

pub(crate) type Shared = Arc<State>;

/// A random token of 32 hex digits.
pub fn random_token() -> Result<String, WebError> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| WebError::Random(e.to_string()))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// The web application.
pub fn app(settings: Settings) -> Result<Router, WebError> {
    std::fs::create_dir_all(&settings.data).map_err(|source| WebError::Data {
        path: settings.data.clone(),
        source,
    })?;
    let state: Shared = Arc::new(State {
        csrf: random_token()?,
        pages: pages::environment()?,
        settings,
    });
    let router = Router::new()
        .route("/", get(pages::home))
        .route("/prepare", post(pages::prepare))
        .route("/assets/{name}", get(pages::asset))
        .route("/s/{id}", get(pages::pack))
        .route("/s/{id}/view", get(pages::pack_view))
        .route("/s/{id}/download/{format}", get(pages::download))
        .route("/s/{id}/run", get(pages::run))
        .route("/s/{id}/state", get(pages::state))
        .route("/s/{id}/clock", post(pages::clock))
        .route("/s/{id}/event", post(pages::event))
        .route("/s/{id}/notes", get(pages::notes))
        .route("/s/{id}/notes/view", get(pages::notes_view))
        .route(
            "/s/{id}/notes/download/{format}",
            get(pages::notes_download),
        )
        .layer(axum::middleware::from_fn_with_state(
            Arc::clone(&state),
            guard::guard,
        ))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .with_state(state);
    Ok(router)
}

/// Serves the application on `addr` until the process ends, on a runtime of its own; `ready`
/// is told the address once the port is bound (port 0 picks a free one).
pub fn run(
    settings: Settings,
    addr: std::net::SocketAddr,
    ready: impl FnOnce(std::net::SocketAddr),
) -> Result<(), WebError> {
    let app = app(settings)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(WebError::Serve)?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|source| WebError::Bind { addr, source })?;
        let bound = listener.local_addr().map_err(WebError::Serve)?;
        ready(bound);
        axum::serve(listener, app).await.map_err(WebError::Serve)
    })
}
