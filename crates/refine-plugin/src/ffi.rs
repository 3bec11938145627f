//! Exporting Rust plugins through the C ABI: [`export_plugins!`](crate::export_plugins) builds
//! the `refine_plugin_entry` of a `cdylib` from [`Backend`] and [`Format`] implementations.
//!
//! Every exported function catches panics (since Rust 1.81 a panic crossing `extern "C"` aborts
//! the process) and turns them into an error with the panic's message. After a panic the plugin
//! answers every later call with an error too, since its state may be broken.
#![allow(unsafe_code)]

use std::os::raw::c_char;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicBool, Ordering};

use refine_plugin_abi::{
    RF_ABI_MAJOR, RF_ABI_MINOR, RF_CANCELLED, RF_ERROR, RF_KIND_BACKEND, RF_KIND_FORMAT, RF_MAGIC,
    RF_OK, RfCall, RfHost, RfLibrary, RfPlugin, RfStr,
};

use crate::{Backend, BackendInput, Format, Options, Pack, PackDocument};

pub use refine_plugin_abi as abi;

/// A library description that may live in a `static`.
pub struct Library(pub &'static RfLibrary);

// SAFETY: the library and everything it points at are leaked, immutable data.
unsafe impl Sync for Library {}
unsafe impl Send for Library {}

fn leak_str(text: String) -> RfStr {
    let text: &'static str = Box::leak(text.into_boxed_str());
    RfStr {
        ptr: text.as_ptr().cast(),
        len: text.len(),
    }
}

/// # Safety
/// `s` must describe `len` readable bytes.
unsafe fn text(s: RfStr) -> Result<String, String> {
    if s.ptr.is_null() || s.len == 0 {
        return Ok(String::new());
    }
    // SAFETY: guaranteed by the caller.
    let bytes = unsafe { std::slice::from_raw_parts(s.ptr.cast::<u8>(), s.len) };
    String::from_utf8(bytes.to_vec()).map_err(|e| format!("input is not UTF-8: {e}"))
}

fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| String::from("(no message)"))
}

/// # Safety
/// `host` and `call` must be the ones the host passed in.
unsafe fn fail(host: *const RfHost, call: *mut RfCall, message: &str) -> i32 {
    // SAFETY: the host's function table is valid for the call.
    unsafe { ((*host).set_error)(call, message.as_ptr().cast::<c_char>(), message.len()) };
    RF_ERROR
}

/// Runs `body` with panics caught; a panic poisons the plugin.
///
/// # Safety
/// `host` and `call` must be the ones the host passed in.
unsafe fn guarded(
    poisoned: &AtomicBool,
    host: *const RfHost,
    call: *mut RfCall,
    body: impl FnOnce() -> Result<i32, String>,
) -> i32 {
    if poisoned.load(Ordering::SeqCst) {
        // SAFETY: as for `fail`.
        return unsafe {
            fail(
                host,
                call,
                "the plugin panicked earlier and refuses further calls",
            )
        };
    }
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(status)) => status,
        // SAFETY: as for `fail`.
        Ok(Err(message)) => unsafe { fail(host, call, &message) },
        Err(panic) => {
            poisoned.store(true, Ordering::SeqCst);
            // SAFETY: as for `fail`.
            unsafe {
                fail(
                    host,
                    call,
                    &format!("the plugin panicked: {}", panic_message(panic.as_ref())),
                )
            }
        }
    }
}

/// Writes all of `bytes` through the host; the host's status.
///
/// # Safety
/// `host` and `call` must be the ones the host passed in.
unsafe fn write(host: *const RfHost, call: *mut RfCall, bytes: &[u8]) -> i32 {
    // SAFETY: the host copies the bytes during the call.
    unsafe { ((*host).write)(call, bytes.as_ptr().cast::<c_char>(), bytes.len()) }
}

/// Calls a [`Format`] plugin: the pack document in, the rendered bytes out.
///
/// # Safety
/// Called only by the host, with the arguments of the ABI's `call`.
pub unsafe fn format_call<F: Format + Default>(
    poisoned: &AtomicBool,
    host: *const RfHost,
    call: *mut RfCall,
    input: RfStr,
    _config: RfStr,
) -> i32 {
    // SAFETY: forwarded from the host.
    unsafe {
        guarded(poisoned, host, call, || {
            let json = text(input)?;
            let doc: PackDocument =
                serde_json::from_str(&json).map_err(|e| format!("invalid pack JSON: {e}"))?;
            let pack: Pack = doc.into();
            let rendered = F::default().render(&pack).map_err(|e| e.to_string())?;
            Ok(write(host, call, &rendered.bytes))
        })
    }
}

/// The request as a backend plugin receives it: `topic`, `context` and `minutes`, and for a
/// session on several backlog items `items` and `deferred`, each item an object with `number`,
/// `key`, `title`, `notes` and `url` (absent ones `null`). The host adds `prompt`, `guide` and
/// `options`.
pub fn request_json(request: &refine_core::SessionRequest) -> serde_json::Value {
    let item = |(i, item): (usize, &refine_core::SessionItem)| {
        serde_json::json!({
            "number": i + 1,
            "key": item.key(),
            "title": item.title().as_str(),
            "notes": item.notes(),
            "url": item.url(),
        })
    };
    let taken = request.items().len();
    serde_json::json!({
        "topic": request.topic().as_str(),
        "context": request.context(),
        "minutes": request.minutes(),
        "items": request.items().iter().enumerate().map(item).collect::<Vec<_>>(),
        "deferred": request
            .deferred()
            .iter()
            .enumerate()
            .map(|(i, d)| item((taken + i, d)))
            .collect::<Vec<_>>(),
    })
}

/// Reads a request written by [`request_json`] (a request without `items`, as hosts before
/// ABI 1.1 wrote it, is a single-topic request).
pub fn request_from_json(json: &serde_json::Value) -> Result<refine_core::SessionRequest, String> {
    let text = |v: &serde_json::Value, name: &str| {
        v.get(name).and_then(|x| x.as_str()).map(str::to_string)
    };
    let items = |name: &str| -> Result<Vec<refine_core::SessionItem>, String> {
        let mut out = Vec::new();
        for v in json
            .get(name)
            .and_then(|x| x.as_array())
            .into_iter()
            .flatten()
        {
            let title = text(v, "title").unwrap_or_default();
            let mut item = refine_core::SessionItem::new(&title)
                .map_err(|e| format!("{name}: {e}"))?
                .with_key(text(v, "key").as_deref())
                .with_url(text(v, "url").as_deref());
            if let Some(notes) = text(v, "notes") {
                item = item
                    .with_notes(&notes)
                    .map_err(|e| format!("{name}: {e}"))?;
            }
            out.push(item);
        }
        Ok(out)
    };
    let taken = items("items")?;
    let mut request = if taken.is_empty() {
        let topic = refine_core::Topic::new(&text(json, "topic").unwrap_or_default())
            .map_err(|e| e.to_string())?;
        let mut request = refine_core::SessionRequest::new(topic);
        if let Some(context) = text(json, "context") {
            request = request.with_context(&context).map_err(|e| e.to_string())?;
        }
        request
    } else {
        refine_core::SessionRequest::for_items(taken, items("deferred")?)
            .map_err(|e| e.to_string())?
    };
    if let Some(minutes) = json.get("minutes").and_then(|v| v.as_u64()) {
        request = request
            .with_minutes(u32::try_from(minutes).unwrap_or(u32::MAX))
            .map_err(|e| e.to_string())?;
    }
    Ok(request)
}

/// Calls a [`Backend`] plugin: the request in, the reply text out (streamed when the backend
/// streams, stopping when the host says the user cancelled).
///
/// # Safety
/// Called only by the host, with the arguments of the ABI's `call`.
pub unsafe fn backend_call<B: Backend + Default>(
    poisoned: &AtomicBool,
    host: *const RfHost,
    call: *mut RfCall,
    input: RfStr,
    _config: RfStr,
) -> i32 {
    // SAFETY: forwarded from the host.
    unsafe {
        guarded(poisoned, host, call, || {
            let json: serde_json::Value = serde_json::from_str(&text(input)?)
                .map_err(|e| format!("invalid request JSON: {e}"))?;
            let field = |name: &str| {
                json.get(name)
                    .and_then(|v| v.as_str())
                    .unwrap_or_default()
                    .to_string()
            };
            let request = request_from_json(&json)?;
            let guide =
                refine_core::Guide::parse(&field("guide"), refine_core::GuideOrigin::BuiltIn)
                    .map_err(|e| e.to_string())?;
            let options: Options = json
                .get("options")
                .and_then(|o| serde_json::from_value(o.clone()).ok())
                .unwrap_or_default();
            let prompt = field("prompt");
            let streamed = AtomicBool::new(false);
            let channel = Channel { host, call };
            let sink = |piece: &str| {
                streamed.store(true, Ordering::SeqCst);
                channel.write(piece.as_bytes()) == RF_OK
            };
            let reply = B::default()
                .generate(&BackendInput {
                    prompt: &prompt,
                    request: &request,
                    guide: &guide,
                    options: &options,
                    on_text: Some(&sink),
                })
                .map_err(|e| e.to_string())?;
            if ((*host).is_cancelled)(call) != 0 {
                return Ok(RF_CANCELLED);
            }
            if streamed.load(Ordering::SeqCst) {
                Ok(RF_OK)
            } else {
                Ok(write(host, call, reply.text.as_bytes()))
            }
        })
    }
}

/// The host's table and the call, for a streaming sink.
struct Channel {
    host: *const RfHost,
    call: *mut RfCall,
}

impl Channel {
    fn write(&self, bytes: &[u8]) -> i32 {
        // SAFETY: the host's table and call are valid for the whole call.
        unsafe { write(self.host, self.call, bytes) }
    }
}

// SAFETY: the host serialises calls to a plugin and keeps both pointers valid for the call; the
// sink is only used while the call runs.
unsafe impl Sync for Channel {}
unsafe impl Send for Channel {}

/// One plugin to export: its kind, info and trampoline.
pub struct Export {
    /// [`abi::RF_KIND_BACKEND`] or [`abi::RF_KIND_FORMAT`].
    pub kind: u32,
    /// Id, version, description.
    pub info: crate::PluginInfo,
    /// Formats: media type and extension.
    pub media: (String, String),
    /// The `call` function.
    pub call: abi::CallFn,
}

impl Export {
    /// Describes a format plugin; `call` is its trampoline from [`export_plugins!`](crate::export_plugins).
    pub fn format<F: Format + Default>(call: abi::CallFn) -> Export {
        let format = F::default();
        // The media type and extension come from rendering nothing: formats state them statically.
        let probe = format.render(&Pack::empty()).ok();
        let media = probe.map_or_else(
            || (String::new(), String::new()),
            |r| (r.media_type, r.extension),
        );
        Export {
            kind: RF_KIND_FORMAT,
            info: format.info(),
            media,
            call,
        }
    }

    /// Describes a backend plugin.
    pub fn backend<B: Backend + Default>(call: abi::CallFn) -> Export {
        Export {
            kind: RF_KIND_BACKEND,
            info: B::default().info(),
            media: (String::new(), String::new()),
            call,
        }
    }
}

/// Builds the library description once; the exported entry returns it.
pub fn library(exports: Vec<Export>) -> Library {
    let plugins: Vec<RfPlugin> = exports
        .into_iter()
        .map(|e| RfPlugin {
            struct_size: size_of::<RfPlugin>() as u32,
            kind: e.kind,
            id: leak_str(e.info.id),
            version: leak_str(e.info.version),
            description: leak_str(e.info.description),
            media_type: leak_str(e.media.0),
            extension: leak_str(e.media.1),
            call: Some(e.call),
        })
        .collect();
    let plugins: &'static [RfPlugin] = Box::leak(plugins.into_boxed_slice());
    Library(Box::leak(Box::new(RfLibrary {
        magic: RF_MAGIC,
        abi_major: RF_ABI_MAJOR,
        abi_minor: RF_ABI_MINOR,
        struct_size: size_of::<RfLibrary>() as u32,
        plugin_count: plugins.len() as u32,
        plugins: plugins.as_ptr(),
        init: None,
    })))
}

/// Exports plugins from a `cdylib`: `refine_plugin::export_plugins!(format MyFormat, backend MyBackend);`
/// Each type implements [`Format`] or [`Backend`] and [`Default`].
#[macro_export]
macro_rules! export_plugins {
    ($($kind:ident $ty:ty),+ $(,)?) => {
        /// The plugin ABI entry point (see refine_plugin.h).
        #[unsafe(no_mangle)]
        #[allow(unsafe_code)]
        pub extern "C" fn refine_plugin_entry() -> *const $crate::ffi::abi::RfLibrary {
            static LIBRARY: ::std::sync::OnceLock<$crate::ffi::Library> = ::std::sync::OnceLock::new();
            let library = LIBRARY.get_or_init(|| {
                // The library's own copy of std prints panics itself; the host reports them,
                // with their message, as errors of the call.
                ::std::panic::set_hook(::std::boxed::Box::new(|_| {}));
                $crate::ffi::library(vec![$($crate::export_plugins!(@export $kind $ty)),+])
            });
            library.0 as *const $crate::ffi::abi::RfLibrary
        }
    };
    (@export format $ty:ty) => {
        $crate::export_plugins!(@trampoline format_call format $ty)
    };
    (@export backend $ty:ty) => {
        $crate::export_plugins!(@trampoline backend_call backend $ty)
    };
    (@trampoline $call:ident $describe:ident $ty:ty) => {{
        #[allow(unsafe_code)]
        unsafe extern "C" fn call(
            host: *const $crate::ffi::abi::RfHost,
            c: *mut $crate::ffi::abi::RfCall,
            input: $crate::ffi::abi::RfStr,
            config: $crate::ffi::abi::RfStr,
        ) -> i32 {
            static POISONED: ::std::sync::atomic::AtomicBool = ::std::sync::atomic::AtomicBool::new(false);
            // SAFETY: called by the host with the ABI's arguments.
            unsafe { $crate::ffi::$call::<$ty>(&POISONED, host, c, input, config) }
        }
        $crate::ffi::Export::$describe::<$ty>(call)
    }};
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn panic_messages_are_read() {
        let caught = catch_unwind(|| panic!("boom {}", 1)).expect_err("panics");
        assert_eq!(panic_message(caught.as_ref()), "boom 1");
    }
}
