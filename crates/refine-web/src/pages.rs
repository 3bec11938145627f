//! The pages and what their forms do.

use std::collections::BTreeMap;

use axum::extract::{Form, Multipart, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::{DateTime, FixedOffset, NaiveDate};
use refine_plugin::Pack;
use refine_session::clock::clock_text;
use refine_session::journal::{item_count, retro_headings};
use refine_session::{Event, Journal, Notes, Outcome};
use serde::Deserialize;
use serde_json::json;

use crate::guard::csrf_ok;
use crate::{Shared, store};

const LAYOUT: &str = include_str!("../assets/layout.html");
const HOME: &str = include_str!("../assets/home.html");
const PACK: &str = include_str!("../assets/pack.html");
const RUN: &str = include_str!("../assets/run.html");
const NOTES: &str = include_str!("../assets/notes.html");
const ERROR: &str = include_str!("../assets/error.html");
const CSS: &str = include_str!("../assets/app.css");
const SCRIPT: &str = include_str!("../assets/run.js");

/// The page templates; the `.html` names turn on MiniJinja's HTML escaping of every value.
pub(crate) fn environment() -> Result<minijinja::Environment<'static>, minijinja::Error> {
    let mut env = minijinja::Environment::new();
    env.add_template("layout.html", LAYOUT)?;
    env.add_template("home.html", HOME)?;
    env.add_template("pack.html", PACK)?;
    env.add_template("run.html", RUN)?;
    env.add_template("notes.html", NOTES)?;
    env.add_template("error.html", ERROR)?;
    Ok(env)
}

/// A page that could not be served, with what to tell the reader.
pub(crate) struct PageError(StatusCode, String);

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let body = minijinja::Environment::new()
            .template_from_named_str("error.html", ERROR)
            .and_then(|t| {
                t.render(minijinja::Value::from(minijinja::value::Serde(
                    json!({ "message": self.1, "status": self.0.as_u16() }),
                )))
            })
            .unwrap_or_else(|_| String::from("error"));
        (self.0, Html(body)).into_response()
    }
}

fn render(
    state: &Shared,
    name: &str,
    context: serde_json::Value,
) -> Result<Html<String>, PageError> {
    state
        .pages
        .get_template(name)
        .and_then(|t| t.render(minijinja::Value::from(minijinja::value::Serde(context))))
        .map(Html)
        .map_err(|e| {
            PageError(
                StatusCode::INTERNAL_SERVER_ERROR,
                format!("page {name}: {e}"),
            )
        })
}

fn now() -> DateTime<FixedOffset> {
    chrono::Local::now().fixed_offset()
}

fn not_found() -> PageError {
    PageError(
        StatusCode::NOT_FOUND,
        String::from("There is no such session."),
    )
}

fn pack_of(state: &Shared, id: &str) -> Result<Pack, PageError> {
    store::load(&state.settings.data, id).ok_or_else(not_found)
}

fn forbidden() -> PageError {
    PageError(
        StatusCode::FORBIDDEN,
        String::from(
            "Refused: the form's security token is missing or wrong. Reload the page and try again.",
        ),
    )
}

/// The backends the form offers: the config's named ones, then every registered one.
fn backends(state: &Shared) -> Vec<String> {
    let mut names: Vec<String> = state.settings.named.keys().cloned().collect();
    for b in state.settings.registry.backends() {
        let id = b.info().id;
        if !names.contains(&id) {
            names.push(id);
        }
    }
    names
}

#[derive(Debug, Deserialize)]
pub(crate) struct HomeQuery {
    #[serde(default)]
    carry: Option<String>,
}

fn home_page(
    state: &Shared,
    form: &crate::prepare::PrepareForm,
    error: Option<&str>,
) -> Result<Html<String>, PageError> {
    let sessions: Vec<serde_json::Value> = store::list(&state.settings.data)
        .into_iter()
        .map(|(id, topic, run)| json!({ "id": id, "topic": topic, "run": run }))
        .collect();
    let carried: Vec<serde_json::Value> = form
        .carry
        .iter()
        .filter_map(|id| {
            store::load(&state.settings.data, id).map(|p| json!({"id": id, "topic": p.meta.topic}))
        })
        .collect();
    render(
        state,
        "home.html",
        json!({
            "csrf": state.csrf,
            "form": form,
            "error": error,
            "backends": backends(state),
            "default_backend": if form.backend.is_empty() { state.settings.default_backend.clone() } else { form.backend.clone() },
            "sessions": sessions,
            "carried": carried,
        }),
    )
}

pub(crate) async fn home(
    State(state): State<Shared>,
    Query(query): Query<HomeQuery>,
) -> Result<Html<String>, PageError> {
    let form = crate::prepare::PrepareForm {
        carry: query
            .carry
            .filter(|id| store::valid_id(id))
            .into_iter()
            .collect(),
        ..Default::default()
    };
    home_page(&state, &form, None)
}

pub(crate) async fn prepare(
    State(state): State<Shared>,
    multipart: Multipart,
) -> Result<Response, PageError> {
    let form = crate::prepare::read(multipart)
        .await
        .map_err(|e| PageError(StatusCode::BAD_REQUEST, e))?;
    if !csrf_ok(&state, &form.csrf) {
        return Err(forbidden());
    }
    let worker = std::sync::Arc::clone(&state);
    let asked = form.clone();
    let made = tokio::task::spawn_blocking(move || crate::prepare::make(&worker, &asked))
        .await
        .map_err(|e| PageError(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?;
    match made {
        Ok(pack) => {
            let id = store::save(&state.settings.data, &pack)
                .map_err(|e| PageError(StatusCode::INTERNAL_SERVER_ERROR, e))?;
            Ok(Redirect::to(&format!("/s/{id}")).into_response())
        }
        Err(message) => Ok((
            StatusCode::BAD_REQUEST,
            home_page(&state, &form, Some(&message))?,
        )
            .into_response()),
    }
}

pub(crate) async fn asset(Path(name): Path<String>) -> Response {
    match name.as_str() {
        "app.css" => ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], CSS).into_response(),
        "run.js" => (
            [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
            SCRIPT,
        )
            .into_response(),
        _ => StatusCode::NOT_FOUND.into_response(),
    }
}

/// The formats a pack can be downloaded in: id, label.
const DOWNLOADS: [(&str, &str); 6] = [
    ("markdown", "Markdown"),
    ("html", "HTML page"),
    ("json", "JSON"),
    ("ics", "Calendar invitation (ICS)"),
    ("pre-read", "Pre-read for the team"),
    ("tagged", "Tagged text (the prompt's shape)"),
];

pub(crate) async fn pack(
    State(state): State<Shared>,
    Path(id): Path<String>,
) -> Result<Html<String>, PageError> {
    let pack = pack_of(&state, &id)?;
    let downloads: Vec<serde_json::Value> = DOWNLOADS
        .iter()
        .map(|(f, label)| json!({"format": f, "label": label, "needs_start": *f == "ics" && pack.meta.start.is_none()}))
        .collect();
    render(
        &state,
        "pack.html",
        json!({
            "id": id,
            "topic": pack.meta.topic,
            "minutes": pack.meta.session_minutes,
            "backend": pack.meta.backend,
            "notes": pack.meta.notes,
            "downloads": downloads,
            "run": store::journal_path(&state.settings.data, &id).exists(),
        }),
    )
}

fn rendered(
    state: &Shared,
    pack: &Pack,
    format: &str,
) -> Result<refine_plugin::Rendered, PageError> {
    let format = state
        .settings
        .registry
        .format(format)
        .map_err(|_| not_found())?;
    format
        .render(pack)
        .map_err(|e| PageError(StatusCode::BAD_REQUEST, e.to_string()))
}

/// The pack as the `html` format renders it, shown in a frame of the pack page.
pub(crate) async fn pack_view(
    State(state): State<Shared>,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let pack = pack_of(&state, &id)?;
    let page = rendered(&state, &pack, "html")?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'",
            ),
        ],
        page.bytes,
    )
        .into_response())
}

pub(crate) async fn download(
    State(state): State<Shared>,
    Path((id, format)): Path<(String, String)>,
) -> Result<Response, PageError> {
    if !DOWNLOADS.iter().any(|(f, _)| *f == format) {
        return Err(not_found());
    }
    let pack = pack_of(&state, &id)?;
    let out = rendered(&state, &pack, &format)?;
    let name = format!("refine-{id}.{}", out.extension);
    Ok((
        [
            (header::CONTENT_TYPE, out.media_type.clone()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        out.bytes,
    )
        .into_response())
}

fn journal_of(
    state: &Shared,
    id: &str,
    pack: &Pack,
    create: bool,
) -> Result<Option<Journal>, PageError> {
    let path = store::journal_path(&state.settings.data, id);
    let fail = |e: refine_session::JournalError| PageError(StatusCode::CONFLICT, e.to_string());
    if path.exists() {
        Journal::open(&path).map(Some).map_err(fail)
    } else if create {
        Journal::create(&path, pack, now()).map(Some).map_err(fail)
    } else {
        Ok(None)
    }
}

#[derive(Debug, Deserialize, Default)]
pub(crate) struct RunQuery {
    #[serde(default)]
    error: Option<String>,
    #[serde(default)]
    saved: Option<String>,
}

pub(crate) async fn run(
    State(state): State<Shared>,
    Path(id): Path<String>,
    Query(query): Query<RunQuery>,
) -> Result<Html<String>, PageError> {
    let pack = pack_of(&state, &id)?;
    let journal = journal_of(&state, &id, &pack, false)?;
    let steps = refine_session::steps(&pack);
    let entries = journal
        .as_ref()
        .map(|j| j.entries.clone())
        .unwrap_or_default();
    let at = now();
    let standing = refine_session::Standing::at(steps.len(), &entries, at);
    let rows: Vec<serde_json::Value> = steps
        .iter()
        .enumerate()
        .map(|(i, s)| {
            json!({
                "title": match s.item { Some(n) => format!("{n}. {}", s.title), None => s.title.clone() },
                "minutes": s.minutes,
                "used": if standing.used[i] > 0 { clock_text(standing.used[i]) } else { String::new() },
                "over": s.minutes > 0 && standing.used[i] > i64::from(s.minutes) * 60,
                "current": standing.current == Some(i),
                "done": standing.ended[i],
            })
        })
        .collect();
    let current = standing.current.map(|i| {
        let step = &steps[i];
        let (questions, points) = match step.item {
            Some(n) => pack
                .plan
                .items
                .iter()
                .find(|x| x.number == n)
                .map(|x| (x.discussion_questions.clone(), x.key_points.clone()))
                .unwrap_or_default(),
            None => (pack.plan.discussion_questions.clone(), pack.plan.key_points.clone()),
        };
        let retro = step.phase.as_deref().is_some_and(|p| p.contains("retro"));
        json!({
            "title": match step.item { Some(n) => format!("{n}. {}", step.title), None => step.title.clone() },
            "minutes": step.minutes,
            "left": standing.left(&steps).unwrap_or(0),
            "questions": if retro { Vec::new() } else { questions },
            "points": if retro { Vec::new() } else { points },
            "retro": retro,
        })
    });
    let total: u32 = steps.iter().map(|s| s.minutes).sum();
    let recent: Vec<String> = entries
        .iter()
        .rev()
        .filter(|e| Event::CAPTURED.contains(&e.event.kind()))
        .take(8)
        .map(|e| e.event.describe())
        .collect();
    let items: Vec<serde_json::Value> = if pack.plan.items.is_empty() {
        vec![json!({"number": 1, "title": pack.meta.topic})]
    } else {
        pack.plan
            .items
            .iter()
            .map(|i| json!({"number": i.number, "title": i.title}))
            .collect()
    };
    render(
        &state,
        "run.html",
        json!({
            "id": id,
            "csrf": state.csrf,
            "topic": pack.meta.topic,
            "rows": rows,
            "current": current,
            "begun": standing.begun,
            "paused": standing.paused,
            "elapsed": standing.elapsed,
            "total": total * 60,
            "recent": recent,
            "headings": retro_headings(&pack),
            "outcomes": Outcome::ALL.map(|o| json!({"name": o.name(), "label": o.label()})),
            "items": items,
            "current_item": standing.current.and_then(|i| steps[i].item).unwrap_or(1),
            "version": entries.len(),
            "error": query.error,
            "saved": query.saved,
        }),
    )
}

/// Where the session stands, for the page to notice another view's changes.
pub(crate) async fn state(
    State(state): State<Shared>,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let pack = pack_of(&state, &id)?;
    let journal = journal_of(&state, &id, &pack, false)?;
    let version = journal.map_or(0, |j| j.entries.len());
    Ok((
        [(header::CONTENT_TYPE, "application/json")],
        json!({ "version": version }).to_string(),
    )
        .into_response())
}

fn back_to_run(id: &str, key: &str, message: &str) -> Response {
    let encoded: String = message
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect();
    Redirect::to(&format!("/s/{id}/run?{key}={encoded}#capture")).into_response()
}

#[derive(Debug, Deserialize)]
pub(crate) struct ClockForm {
    #[serde(default)]
    csrf: String,
    action: String,
}

pub(crate) async fn clock(
    State(state): State<Shared>,
    Path(id): Path<String>,
    Form(form): Form<ClockForm>,
) -> Result<Response, PageError> {
    if !csrf_ok(&state, &form.csrf) {
        return Err(forbidden());
    }
    let pack = pack_of(&state, &id)?;
    let Some(mut journal) = journal_of(&state, &id, &pack, true)? else {
        return Err(not_found());
    };
    let at = now();
    let moved = match form.action.as_str() {
        "next" => journal.next(at),
        "back" => journal.back(at),
        "end" => journal.end(at),
        "pause" => journal.toggle_pause(at),
        _ => {
            return Err(PageError(
                StatusCode::BAD_REQUEST,
                String::from("unknown clock action"),
            ));
        }
    };
    Ok(match moved {
        Ok(()) => Redirect::to(&format!("/s/{id}/run")).into_response(),
        Err(e) => back_to_run(&id, "error", &e.to_string()),
    })
}

pub(crate) async fn event(
    State(state): State<Shared>,
    Path(id): Path<String>,
    Form(form): Form<BTreeMap<String, String>>,
) -> Result<Response, PageError> {
    if !form.get("csrf").is_some_and(|t| csrf_ok(&state, t)) {
        return Err(forbidden());
    }
    let pack = pack_of(&state, &id)?;
    let Some(mut journal) = journal_of(&state, &id, &pack, true)? else {
        return Err(not_found());
    };
    let at = now();
    let field = |name: &str| {
        form.get(name)
            .map(|v| v.trim().to_string())
            .unwrap_or_default()
    };
    let optional = |name: &str| Some(field(name)).filter(|v| !v.is_empty());
    let item = journal.current_item(at);
    let kind = field("kind");
    let event = match kind.as_str() {
        "decision" => Event::Decision {
            text: field("text"),
            why: optional("why"),
            item,
        },
        "parked" => Event::Parked {
            text: field("text"),
            item,
        },
        "question" => Event::Question {
            text: field("text"),
            item,
        },
        "action" => {
            let due = match optional("due") {
                None => None,
                Some(d) => match NaiveDate::parse_from_str(&d, "%Y-%m-%d") {
                    Ok(d) => Some(d),
                    Err(_) => {
                        return Ok(back_to_run(
                            &id,
                            "error",
                            &format!("`{d}` is not a date YYYY-MM-DD"),
                        ));
                    }
                },
            };
            Event::Action {
                text: field("text"),
                owner: field("owner"),
                due,
                item,
            }
        }
        "outcome" => {
            let outcome: Outcome = match field("outcome").parse() {
                Ok(o) => o,
                Err(m) => return Ok(back_to_run(&id, "error", &m)),
            };
            let number = field("item")
                .parse()
                .unwrap_or(1)
                .clamp(1, item_count(&pack));
            Event::Outcome {
                item: number,
                outcome,
                note: optional("note"),
            }
        }
        "retro" => Event::Retro {
            heading: optional("heading"),
            text: field("text"),
        },
        "attendee" => Event::Attendee {
            name: field("text"),
        },
        _ => {
            return Err(PageError(
                StatusCode::BAD_REQUEST,
                format!("unknown event kind `{kind}`"),
            ));
        }
    };
    Ok(match journal.append(event, at) {
        Ok(_) => back_to_run(&id, "saved", &kind),
        Err(e) => back_to_run(&id, "error", &e.to_string()),
    })
}

fn notes_of(state: &Shared, id: &str) -> Result<Notes, PageError> {
    let pack = pack_of(state, id)?;
    let journal = journal_of(state, id, &pack, false)?.ok_or_else(|| {
        PageError(
            StatusCode::NOT_FOUND,
            String::from("This session has not been run yet: start it first."),
        )
    })?;
    Ok(Notes::new(
        &journal.header,
        &journal.pack,
        &journal.steps,
        &journal.entries,
    ))
}

pub(crate) async fn notes(
    State(state): State<Shared>,
    Path(id): Path<String>,
) -> Result<Html<String>, PageError> {
    let notes = notes_of(&state, &id)?;
    render(
        &state,
        "notes.html",
        json!({ "id": id, "topic": notes.topic }),
    )
}

pub(crate) async fn notes_view(
    State(state): State<Shared>,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let notes = notes_of(&state, &id)?;
    let page = refine_session::render::html(&notes)
        .map_err(|e| PageError(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?;
    Ok((
        [(
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'self'",
        )],
        Html(page),
    )
        .into_response())
}

pub(crate) async fn notes_download(
    State(state): State<Shared>,
    Path((id, format)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let notes = notes_of(&state, &id)?;
    let (body, media, ext) = match format.as_str() {
        "markdown" => (
            refine_session::render::markdown(&notes),
            "text/markdown; charset=utf-8",
            "md",
        ),
        "html" => (
            refine_session::render::html(&notes)
                .map_err(|e| PageError(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?,
            "text/html; charset=utf-8",
            "html",
        ),
        "json" => (
            refine_session::render::json(&notes),
            "application/json",
            "json",
        ),
        _ => return Err(not_found()),
    };
    Ok((
        [
            (header::CONTENT_TYPE, media.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"refine-notes-{id}.{ext}\""),
            ),
        ],
        body,
    )
        .into_response())
}
