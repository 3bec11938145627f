//! The Prepare form: a topic or an export (pasted or uploaded), context, guide, length,
//! backend, start and attendees, and earlier sessions to carry over — into a pack, as
//! `refine prep` makes it.

use axum::extract::Multipart;
use refine_core::schedule::session_on;
use refine_core::{Guide, GuideOrigin, SessionRequest, Topic};
use refine_host::{PrepInput, prepare};
use refine_plugin::{ItemSource, Options, Pack, Person, SessionStart};
use serde::Serialize;

use crate::State;

/// What the form sent; kept to fill the form again when something is wrong.
#[derive(Debug, Clone, Default, Serialize)]
pub(crate) struct PrepareForm {
    pub(crate) csrf: String,
    pub(crate) topic: String,
    pub(crate) items: String,
    pub(crate) items_name: String,
    pub(crate) context: String,
    pub(crate) guide_name: String,
    #[serde(skip)]
    pub(crate) guide_text: String,
    pub(crate) minutes: String,
    pub(crate) backend: String,
    pub(crate) start: String,
    pub(crate) tz: String,
    pub(crate) organizer: String,
    pub(crate) attendees: String,
    pub(crate) carry: Vec<String>,
}

/// Reads the multipart form; a file field's text replaces its pasted twin when given.
pub(crate) async fn read(mut multipart: Multipart) -> Result<PrepareForm, String> {
    let mut form = PrepareForm::default();
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|e| format!("the form could not be read: {e}"))?
    {
        let name = field.name().unwrap_or_default().to_string();
        let file_name = field.file_name().map(str::to_string);
        let bytes = field
            .bytes()
            .await
            .map_err(|e| format!("the form field `{name}` could not be read: {e}"))?;
        let text = String::from_utf8(bytes.to_vec())
            .map_err(|_| format!("the form field `{name}` is not UTF-8 text"))?;
        match name.as_str() {
            "csrf" => form.csrf = text,
            "topic" => form.topic = text,
            // An uploaded file wins over pasted text, whichever comes first.
            "items" if form.items_name.is_empty() => form.items = text,
            "items_file" if !text.is_empty() => {
                form.items = text;
                form.items_name = file_name.unwrap_or_else(|| String::from("the upload"));
            }
            "context" => form.context = text,
            "guide_file" if !text.is_empty() => {
                form.guide_text = text;
                form.guide_name = file_name.unwrap_or_else(|| String::from("the uploaded guide"));
            }
            "minutes" => form.minutes = text,
            "backend" => form.backend = text,
            "start" => form.start = text,
            "tz" => form.tz = text,
            "organizer" => form.organizer = text,
            "attendees" => form.attendees = text,
            "carry" => form.carry.push(text),
            _ => {}
        }
    }
    Ok(form)
}

/// Makes the pack the form asks for. Every error names the field it is about.
pub(crate) fn make(state: &State, form: &PrepareForm) -> Result<Pack, String> {
    let guide = if form.guide_text.trim().is_empty() {
        Guide::builtin()
    } else {
        Guide::parse(
            &form.guide_text,
            GuideOrigin::File(std::path::PathBuf::from(&form.guide_name)),
        )
        .map_err(|e| format!("Guide: {e}"))?
    };
    let minutes = match form.minutes.trim() {
        "" => None,
        text => Some(
            text.parse::<u32>()
                .map_err(|_| format!("Minutes: `{text}` is not a whole number"))?,
        ),
    };
    let (mut request, source) = request(form, &guide, minutes)?;
    let carry = if form.carry.is_empty() {
        None
    } else {
        let mut paths = Vec::new();
        for id in &form.carry {
            let path = crate::store::journal_path(&state.settings.data, id);
            if !crate::store::valid_id(id) || !path.exists() {
                return Err(String::from(
                    "Carry-over: that session has no journal (was it run?)",
                ));
            }
            paths.push(path);
        }
        Some(refine_session::carry::from_journals(&paths).map_err(|e| format!("Carry-over: {e}"))?)
    };
    let mut guide = guide;
    let mut changes = Vec::new();
    if let Some(carry) = &carry {
        let shaped = refine_session::carry::shape(carry, request, source.as_ref(), &guide, None)
            .map_err(|e| format!("Carry-over: {e}"))?;
        (request, guide, changes) = shaped;
    }
    let start = match form.start.trim() {
        "" => None,
        text => Some(
            SessionStart::parse(text, Some(form.tz.trim()).filter(|t| !t.is_empty()))
                .map_err(|e| format!("Start: {e}"))?,
        ),
    };
    let name = if form.backend.trim().is_empty() {
        state.settings.default_backend.clone()
    } else {
        form.backend.trim().to_string()
    };
    let (plugin, options) = match state.settings.named.get(&name) {
        Some(named) => (named.plugin.clone(), named.options.clone()),
        None => (name.clone(), Options::new()),
    };
    let backend = state
        .settings
        .registry
        .backend(&plugin)
        .map_err(|e| format!("Backend: {e}"))?;
    let mut pack = prepare(
        backend,
        PrepInput {
            request: &request,
            guide: &guide,
            options: &options,
            start: start.as_ref(),
            on_text: None,
            repair: 1,
            template: None,
        },
    )
    .map_err(|e| format!("Backend `{name}`: {e}"))?;
    pack.meta.source = if request.items().is_empty() {
        source
    } else {
        None
    };
    if let Some(carry) = &carry {
        carry.apply(&mut pack, &changes);
    }
    let people = |text: &str, what: &str| -> Result<Vec<Person>, String> {
        text.split(['\n', ','])
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(|p| p.parse::<Person>().map_err(|e| format!("{what}: {e}")))
            .collect()
    };
    pack.meta.invitation.organizer = people(&form.organizer, "Organizer")?.into_iter().next();
    pack.meta.invitation.attendees = people(&form.attendees, "Attendees")?;
    if !pack.meta.invitation.attendees.is_empty() && pack.meta.invitation.organizer.is_none() {
        return Err(String::from(
            "Organizer: an invitation with attendees needs an organizer (who sends it)",
        ));
    }
    if !pack.meta.invitation.is_empty() {
        pack.meta.invitation.written = Some(refine_plugin::Invitation::now());
    }
    Ok(pack)
}

/// The request: from the export when one is given (one item, or a session on several), else
/// from the topic and its context.
fn request(
    form: &PrepareForm,
    guide: &Guide,
    minutes: Option<u32>,
) -> Result<(SessionRequest, Option<ItemSource>), String> {
    if !form.items.trim().is_empty() {
        let origin = if form.items_name.is_empty() {
            "the pasted items"
        } else {
            form.items_name.as_str()
        };
        let items =
            refine_items::read(&form.items, None, origin).map_err(|e| format!("Items: {e}"))?;
        if let [item] = items.as_slice() {
            let mut request = SessionRequest::new(
                Topic::new(&item.title).map_err(|e| format!("Items: {}: {e}", item.label()))?,
            );
            if let Some(notes) = item.notes() {
                request = request
                    .with_context(&notes)
                    .map_err(|e| format!("Items: {}: {e}", item.label()))?;
            }
            if let Some(m) = minutes {
                request = request
                    .with_minutes(m)
                    .map_err(|e| format!("Minutes: {e}"))?;
            }
            let source = ItemSource {
                key: item.key.clone(),
                url: item.url.clone(),
            };
            return Ok((request, Some(source)));
        }
        let mut all = Vec::with_capacity(items.len());
        for item in &items {
            all.push(
                item.session_item()
                    .map_err(|e| format!("Items: {}: {e}", item.label()))?,
            );
        }
        let request = session_on(guide, all, minutes, None).map_err(|e| format!("Minutes: {e}"))?;
        return Ok((request, None));
    }
    let topic = Topic::new(&form.topic).map_err(|e| format!("Topic: {e}"))?;
    let mut request = SessionRequest::new(topic);
    if !form.context.trim().is_empty() {
        request = request
            .with_context(&form.context)
            .map_err(|e| format!("Context: {e}"))?;
    }
    if let Some(m) = minutes {
        request = request
            .with_minutes(m)
            .map_err(|e| format!("Minutes: {e}"))?;
    }
    Ok((request, None))
}
