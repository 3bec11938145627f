//! Loading plugin libraries through the C ABI (`refine-plugin-abi`, `refine_plugin.h`).
//!
//! The only place `libloading` is called. Order of checks, before anything in a library but its
//! entry function runs: the symbol exists; magic; ABI major equal and minor not newer than the
//! host's; struct sizes at least what this ABI needs; each plugin's kind known, id well-formed,
//! strings UTF-8, call function present. Only then `init`. Libraries are never unloaded: unloading
//! a library with thread-local destructors crashes, and the process ends soon anyway.
#![allow(unsafe_code)]

use std::os::raw::c_char;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use refine_plugin::{
    Backend, BackendError, BackendInput, BackendReply, Format, FormatError, Pack, PluginInfo,
    Rendered, ReplyMeta,
};
use refine_plugin_abi::{
    ENTRY_SYMBOL, EntryFn, RF_ABI_MAJOR, RF_ABI_MINOR, RF_CANCELLED, RF_KIND_BACKEND,
    RF_KIND_FORMAT, RF_MAGIC, RF_OK, RfCall, RfHost, RfLibrary, RfLibraryHead, RfPlugin, RfStr,
};

/// Why a library cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("plugin {path}: {message}")]
pub struct LoadError {
    /// The library file.
    pub path: PathBuf,
    /// What is wrong, and what to do about it.
    pub message: String,
}

/// A plugin found in a library.
pub enum LoadedPlugin {
    /// A backend.
    Backend(Box<dyn Backend>),
    /// A format.
    Format(Box<dyn Format>),
}

/// What `refine plugins check` reports of one library.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LibraryReport {
    /// The file.
    pub path: PathBuf,
    /// `major.minor` the library was built against.
    pub abi: String,
    /// Each plugin: kind, id, version, description.
    pub plugins: Vec<(String, PluginInfo)>,
}

/// Reads an `RfStr` as UTF-8.
///
/// # Safety
/// `s.ptr` must point at `s.len` readable bytes, or be NULL with `len` 0.
unsafe fn read_str(s: RfStr) -> Result<String, String> {
    if s.ptr.is_null() {
        return if s.len == 0 {
            Ok(String::new())
        } else {
            Err(String::from("a NULL string with a length"))
        };
    }
    // SAFETY: the caller guarantees `len` readable bytes at `ptr`.
    let bytes = unsafe { std::slice::from_raw_parts(s.ptr.cast::<u8>(), s.len) };
    String::from_utf8(bytes.to_vec()).map_err(|e| format!("a string is not UTF-8 ({e})"))
}

fn rebuild(path: &Path, message: impl Into<String>) -> LoadError {
    LoadError {
        path: path.to_path_buf(),
        message: format!(
            "{}; rebuild it against refine_plugin.h ABI {RF_ABI_MAJOR}.{RF_ABI_MINOR}",
            message.into()
        ),
    }
}

fn valid_id(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

/// Where a call's output goes as the plugin writes it; `false` asks the plugin to stop.
pub(crate) type Sink<'a> = dyn Fn(&[u8]) -> bool + 'a;

/// Per-call state behind the `rf_call` pointer.
struct CallState {
    input: serde_json::Value,
    output: Vec<u8>,
    /// Whether to keep the output (a plugin host process passes it on instead).
    keep: bool,
    error: Option<String>,
    /// Strings handed out by `get`, kept alive until the call returns.
    handed_out: Vec<Box<str>>,
    sink: Option<*const Sink<'static>>,
    cancelled: bool,
}

impl CallState {
    fn cancelled(&self) -> bool {
        self.cancelled || refine_plugin::cancel::requested()
    }
}

/// Why a call gave no output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum CallError {
    /// The user cancelled and the plugin stopped.
    Cancelled,
    /// The plugin failed, with its message.
    Failed(String),
}

impl std::fmt::Display for CallError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CallError::Cancelled => f.write_str("cancelled"),
            CallError::Failed(message) => f.write_str(message),
        }
    }
}

/// # Safety
/// `call` must be the `CallState` pointer the host passed to the plugin.
unsafe fn state<'a>(call: *mut RfCall) -> &'a mut CallState {
    // SAFETY: the host passes a `*mut CallState` cast to `*mut RfCall` and outlives the call.
    unsafe { &mut *call.cast::<CallState>() }
}

unsafe extern "C" fn host_write(call: *mut RfCall, bytes: *const c_char, len: usize) -> i32 {
    if call.is_null() {
        return refine_plugin_abi::RF_ERROR;
    }
    catch_unwind(AssertUnwindSafe(|| {
        // SAFETY: the plugin passes the call it was given and `len` readable bytes.
        let st = unsafe { state(call) };
        if bytes.is_null() && len > 0 {
            return refine_plugin_abi::RF_ERROR;
        }
        let chunk = if len == 0 {
            &[][..]
        } else {
            unsafe { std::slice::from_raw_parts(bytes.cast::<u8>(), len) }
        };
        if st.keep {
            st.output.extend_from_slice(chunk);
        }
        if let Some(sink) = st.sink {
            // SAFETY: the sink outlives the call (see `Native::invoke`).
            let sink = unsafe { &*sink };
            if !sink(chunk) {
                st.cancelled = true;
            }
        }
        if st.cancelled() { RF_CANCELLED } else { RF_OK }
    }))
    .unwrap_or(refine_plugin_abi::RF_ERROR)
}

/// What `init` said with `set_error(NULL, ...)` (ABI 1.1), for the library being loaded.
static INIT_ERROR: Mutex<Option<String>> = Mutex::new(None);

unsafe extern "C" fn host_set_error(call: *mut RfCall, message: *const c_char, len: usize) {
    let _ = catch_unwind(AssertUnwindSafe(|| {
        let text = unsafe { read_str(RfStr { ptr: message, len }) }
            .unwrap_or_else(|_| String::from("(an error message that is not UTF-8)"));
        if call.is_null() {
            *INIT_ERROR.lock().unwrap_or_else(|p| p.into_inner()) = Some(text);
            return;
        }
        // SAFETY: as for `host_write`.
        let st = unsafe { state(call) };
        st.error = Some(text);
    }));
}

unsafe extern "C" fn host_is_cancelled(call: *mut RfCall) -> i32 {
    if call.is_null() {
        return i32::from(refine_plugin::cancel::requested());
    }
    // SAFETY: as for `host_write`.
    catch_unwind(AssertUnwindSafe(|| {
        i32::from(unsafe { state(call) }.cancelled())
    }))
    .unwrap_or(1)
}

/// # Safety
/// `pointer` must be NUL-terminated.
unsafe fn pointer_arg<'a>(pointer: *const c_char) -> Option<&'a str> {
    if pointer.is_null() {
        return None;
    }
    // SAFETY: the caller passes a NUL-terminated string.
    unsafe { std::ffi::CStr::from_ptr(pointer) }.to_str().ok()
}

unsafe extern "C" fn host_get(call: *mut RfCall, pointer: *const c_char, out: *mut RfStr) -> i32 {
    // SAFETY: the plugin's arguments, passed on.
    unsafe { lookup(call, pointer, out, false) }
}

unsafe extern "C" fn host_get_json(
    call: *mut RfCall,
    pointer: *const c_char,
    out: *mut RfStr,
) -> i32 {
    // SAFETY: the plugin's arguments, passed on.
    unsafe { lookup(call, pointer, out, true) }
}

/// `get` and `get_json`: a value by JSON pointer, a string as its text or (`json`) quoted.
///
/// # Safety
/// As for `host_write`; `pointer` is NUL-terminated and `out` writable.
unsafe fn lookup(call: *mut RfCall, pointer: *const c_char, out: *mut RfStr, json: bool) -> i32 {
    if call.is_null() {
        return refine_plugin_abi::RF_ERROR;
    }
    catch_unwind(AssertUnwindSafe(|| {
        // SAFETY: as for `host_write`; `pointer` is NUL-terminated and `out` writable.
        let st = unsafe { state(call) };
        let Some(path) = (unsafe { pointer_arg(pointer) }) else {
            return refine_plugin_abi::RF_ERROR;
        };
        let Some(value) = st.input.pointer(path) else {
            return refine_plugin_abi::RF_ERROR;
        };
        let text: Box<str> = match value {
            serde_json::Value::String(s) if !json => s.as_str().into(),
            other => other.to_string().into(),
        };
        if out.is_null() {
            return refine_plugin_abi::RF_ERROR;
        }
        unsafe {
            *out = RfStr {
                ptr: text.as_ptr().cast(),
                len: text.len(),
            }
        };
        st.handed_out.push(text);
        RF_OK
    }))
    .unwrap_or(refine_plugin_abi::RF_ERROR)
}

unsafe extern "C" fn host_count(call: *mut RfCall, pointer: *const c_char) -> i64 {
    if call.is_null() {
        return -1;
    }
    catch_unwind(AssertUnwindSafe(|| {
        // SAFETY: as for `host_get`.
        let st = unsafe { state(call) };
        let path = unsafe { pointer_arg(pointer) }.unwrap_or("\u{0}");
        st.input
            .pointer(path)
            .and_then(|v| v.as_array())
            .map_or(-1, |a| a.len() as i64)
    }))
    .unwrap_or(-1)
}

const HOST: RfHost = RfHost {
    struct_size: size_of::<RfHost>() as u32,
    abi_minor: RF_ABI_MINOR as u32,
    write: host_write,
    set_error: host_set_error,
    is_cancelled: host_is_cancelled,
    get: host_get,
    count: host_count,
    get_json: host_get_json,
};

/// One plugin of a loaded library; calls are serialised.
pub(crate) struct Native {
    pub(crate) kind: u32,
    pub(crate) info: PluginInfo,
    call: refine_plugin_abi::CallFn,
    pub(crate) media_type: String,
    pub(crate) extension: String,
    config: String,
    path: PathBuf,
    lock: Mutex<()>,
}

// SAFETY: the function pointer lives as long as the never-unloaded library, and calls are
// serialised by `lock`, as the ABI promises plugins.
unsafe impl Sync for Native {}
unsafe impl Send for Native {}

impl Native {
    /// Calls the plugin with `input`, passing what it writes to `sink` and, when `keep`,
    /// returning it too; or the error it reported.
    pub(crate) fn invoke(
        &self,
        input: serde_json::Value,
        config: &str,
        sink: Option<&Sink<'_>>,
        keep: bool,
    ) -> Result<Vec<u8>, CallError> {
        let _serial = self.lock.lock().unwrap_or_else(|p| p.into_inner());
        let input_text = input.to_string();
        // SAFETY of the transmute: the sink is only used during this call, which it outlives.
        let sink = sink
            .map(|s| unsafe { std::mem::transmute::<*const Sink<'_>, *const Sink<'static>>(s) });
        let mut st = CallState {
            input,
            output: Vec::new(),
            keep,
            error: None,
            handed_out: Vec::new(),
            sink,
            cancelled: false,
        };
        let rf = |s: &str| RfStr {
            ptr: s.as_ptr().cast(),
            len: s.len(),
        };
        // SAFETY: checked at load: `call` is non-NULL and the library stays loaded; the state
        // pointer stays valid for the whole call.
        let status = unsafe {
            (self.call)(
                &HOST,
                (&mut st as *mut CallState).cast::<RfCall>(),
                rf(&input_text),
                rf(config),
            )
        };
        match status {
            RF_OK => Ok(st.output),
            RF_CANCELLED => Err(CallError::Cancelled),
            _ => Err(CallError::Failed(st.error.unwrap_or_else(|| {
                format!("failed with status {status} and no message")
            }))),
        }
    }
}

/// What a backend plugin is given: `{prompt, topic, context, minutes, guide, options}`.
pub(crate) fn backend_request(input: &BackendInput<'_>) -> serde_json::Value {
    let mut request = refine_plugin::ffi::request_json(input.request);
    request["prompt"] = input.prompt.into();
    request["guide"] = input.guide.markdown.clone().into();
    request["options"] = serde_json::to_value(input.options).unwrap_or_default();
    request
}

/// What a format plugin is given: the session pack document.
pub(crate) fn format_request(pack: &Pack) -> Result<serde_json::Value, FormatError> {
    serde_json::to_value(refine_plugin::PackDocument::from(pack))
        .map_err(|e| FormatError::Failed(e.to_string()))
}

struct LoadedFormat(Native);
struct LoadedBackend(Native);

impl Format for LoadedFormat {
    fn info(&self) -> PluginInfo {
        self.0.info.clone()
    }

    fn render(&self, pack: &Pack) -> Result<Rendered, FormatError> {
        let input = format_request(pack)?;
        let bytes = self
            .0
            .invoke(input, &self.0.config, None, true)
            .map_err(|e| {
                FormatError::Failed(format!(
                    "plugin {} ({}): {e}",
                    self.0.info.id,
                    self.0.path.display()
                ))
            })?;
        Ok(Rendered {
            bytes,
            media_type: self.0.media_type.clone(),
            extension: self.0.extension.clone(),
        })
    }
}

impl Backend for LoadedBackend {
    fn info(&self) -> PluginInfo {
        self.0.info.clone()
    }

    fn generate(&self, input: &BackendInput<'_>) -> Result<BackendReply, BackendError> {
        let request = backend_request(input);
        let started = std::time::Instant::now();
        let sink = text_sink(input);
        let who = format!("plugin {}", self.0.path.display());
        let bytes = self
            .0
            .invoke(request, &self.0.config, Some(&sink), true)
            .map_err(|e| BackendError::Unavailable(format!("{who}: {e}")))?;
        backend_reply(bytes, started, &who)
    }
}

/// Passes a backend plugin's output to the caller's `on_text`, as text, as it comes.
pub(crate) fn text_sink<'a>(input: &BackendInput<'a>) -> impl Fn(&[u8]) -> bool + 'a {
    let on_text = input.on_text;
    move |chunk: &[u8]| on_text.is_none_or(|f| f(&String::from_utf8_lossy(chunk)))
}

/// A backend plugin's output as its reply: UTF-8 text, with the call's latency.
pub(crate) fn backend_reply(
    bytes: Vec<u8>,
    started: std::time::Instant,
    who: &str,
) -> Result<BackendReply, BackendError> {
    let text = String::from_utf8(bytes)
        .map_err(|_| BackendError::Unavailable(format!("{who}: the reply is not UTF-8")))?;
    Ok(BackendReply {
        text,
        meta: ReplyMeta {
            latency_ms: Some(started.elapsed().as_millis() as u64),
            ..ReplyMeta::default()
        },
    })
}

/// Loads a library and checks it, calling nothing in it but its entry until every check passed.
/// `config_for` gives each plugin id its configuration as JSON.
pub fn load(
    path: &Path,
    config_for: &dyn Fn(&str) -> String,
) -> Result<(LibraryReport, Vec<LoadedPlugin>), LoadError> {
    load_with(path, config_for, &|_| Ok(()))
}

/// [`load`], with `before_init` told what the library holds after every check and before its
/// `init` runs: an error from it refuses the library with none of its code run but the entry.
pub fn load_with(
    path: &Path,
    config_for: &dyn Fn(&str) -> String,
    before_init: &dyn Fn(&LibraryReport) -> Result<(), LoadError>,
) -> Result<(LibraryReport, Vec<LoadedPlugin>), LoadError> {
    let (report, natives, init) = open_uninitialised(path, config_for)?;
    before_init(&report)?;
    run_init(path, init)?;
    let plugins = natives
        .into_iter()
        .map(|native| {
            if native.kind == RF_KIND_BACKEND {
                LoadedPlugin::Backend(Box::new(LoadedBackend(native)))
            } else {
                LoadedPlugin::Format(Box::new(LoadedFormat(native)))
            }
        })
        .collect();
    Ok((report, plugins))
}

/// The library's `init`, when it has one.
pub(crate) type Init = Option<refine_plugin_abi::InitFn>;

/// Loads and checks a library: its plugins and its `init`, not yet run.
pub(crate) fn open_uninitialised(
    path: &Path,
    config_for: &dyn Fn(&str) -> String,
) -> Result<(LibraryReport, Vec<Native>, Init), LoadError> {
    let fail = |m: String| LoadError {
        path: path.to_path_buf(),
        message: m,
    };
    // SAFETY: loading runs the library's constructors; the ABI asks plugins to do no work in them.
    let library =
        unsafe { libloading::Library::new(path) }.map_err(|e| fail(format!("cannot load: {e}")))?;
    // Never unloaded (see the module doc).
    let library: &'static libloading::Library = Box::leak(Box::new(library));
    // SAFETY: the symbol's type is fixed by the ABI.
    let entry: libloading::Symbol<'static, EntryFn> = unsafe { library.get(ENTRY_SYMBOL) }
        .map_err(|_| {
            fail(String::from(
                "not a refine plugin: it exports no refine_plugin_entry",
            ))
        })?;
    // SAFETY: the entry returns a pointer to static data and does nothing else.
    let lib_ptr = unsafe { entry() };
    if lib_ptr.is_null() {
        return Err(rebuild(path, "refine_plugin_entry returned NULL"));
    }
    // SAFETY: the frozen head is present in every version of the ABI.
    let head = unsafe { *lib_ptr.cast::<RfLibraryHead>() };
    if head.magic != RF_MAGIC {
        return Err(rebuild(
            path,
            format!("bad magic {:#010x} (expected {RF_MAGIC:#010x})", head.magic),
        ));
    }
    if head.abi_major != RF_ABI_MAJOR {
        return Err(rebuild(
            path,
            format!(
                "built against ABI {}.{}, this refine speaks {RF_ABI_MAJOR}.x",
                head.abi_major, head.abi_minor
            ),
        ));
    }
    if head.abi_minor > RF_ABI_MINOR {
        return Err(fail(format!(
            "built against ABI {}.{}, newer than this refine's {RF_ABI_MAJOR}.{RF_ABI_MINOR}: update refine, or rebuild the plugin against refine_plugin.h ABI {RF_ABI_MAJOR}.{RF_ABI_MINOR}",
            head.abi_major, head.abi_minor
        )));
    }
    if (head.struct_size as usize) < size_of::<RfLibrary>() {
        return Err(rebuild(
            path,
            format!(
                "rf_library is {} bytes, less than the {} this ABI needs",
                head.struct_size,
                size_of::<RfLibrary>()
            ),
        ));
    }
    // SAFETY: the size check above says the whole struct is there.
    let lib = unsafe { *lib_ptr };
    if lib.plugin_count > 0 && lib.plugins.is_null() {
        return Err(rebuild(path, "plugins is NULL"));
    }
    let mut report = LibraryReport {
        path: path.to_path_buf(),
        abi: format!("{}.{}", head.abi_major, head.abi_minor),
        plugins: Vec::new(),
    };
    let mut natives = Vec::new();
    for i in 0..lib.plugin_count as usize {
        // SAFETY: `plugins` points at `plugin_count` descriptors; the size is checked next.
        let p: RfPlugin = unsafe { *lib.plugins.add(i) };
        if (p.struct_size as usize) < size_of::<RfPlugin>() {
            return Err(rebuild(
                path,
                format!(
                    "plugin {i}: rf_plugin is {} bytes, less than {}",
                    p.struct_size,
                    size_of::<RfPlugin>()
                ),
            ));
        }
        let text = |s: RfStr, what: &str| {
            unsafe { read_str(s) }.map_err(|e| rebuild(path, format!("plugin {i}: {what}: {e}")))
        };
        let id = text(p.id, "id")?;
        if !valid_id(&id) {
            return Err(rebuild(
                path,
                format!("plugin {i}: id `{id}` must be [a-z0-9_-]{{1,64}}"),
            ));
        }
        let kind = match p.kind {
            RF_KIND_BACKEND => "backend",
            RF_KIND_FORMAT => "format",
            other => {
                return Err(rebuild(
                    path,
                    format!("plugin `{id}`: unknown kind {other}"),
                ));
            }
        };
        let Some(call) = p.call else {
            return Err(rebuild(
                path,
                format!("plugin `{id}`: its call function is NULL"),
            ));
        };
        if report.plugins.iter().any(|(_, info)| info.id == id) {
            return Err(rebuild(
                path,
                format!("plugin id `{id}` appears twice in the library"),
            ));
        }
        let info = PluginInfo {
            id: id.clone(),
            version: text(p.version, "version")?,
            description: text(p.description, "description")?,
        };
        report.plugins.push((kind.to_string(), info.clone()));
        natives.push(Native {
            kind: p.kind,
            info,
            call,
            media_type: text(p.media_type, "media_type")?,
            extension: text(p.extension, "extension")?,
            config: config_for(&id),
            path: path.to_path_buf(),
            lock: Mutex::new(()),
        });
    }
    Ok((report, natives, lib.init))
}

/// Runs a checked library's `init`; its message, when it fails.
pub(crate) fn run_init(path: &Path, init: Init) -> Result<(), LoadError> {
    let fail = |message: String| LoadError {
        path: path.to_path_buf(),
        message,
    };
    if let Some(init) = init {
        // One library's init at a time, so its message is its own.
        static INIT: Mutex<()> = Mutex::new(());
        let _one = INIT.lock().unwrap_or_else(|p| p.into_inner());
        INIT_ERROR.lock().unwrap_or_else(|p| p.into_inner()).take();
        // SAFETY: every check passed; init is the library's own function.
        let status = unsafe { init(&HOST) };
        if status != RF_OK {
            let said = INIT_ERROR.lock().unwrap_or_else(|p| p.into_inner()).take();
            return Err(fail(match said {
                Some(message) => format!("init failed: {message}"),
                None => format!("init failed with status {status} and no message"),
            }));
        }
    }
    Ok(())
}

/// Where plugins are looked for, in order: `REFINE_PLUGIN_PATH` (folders or files, separated by
/// `:`), `$XDG_DATA_HOME/refine/plugins` (or `~/.local/share/refine/plugins`), and `plugins/`
/// beside the executable. Never the current directory.
pub fn search_path() -> Vec<PathBuf> {
    search_path_with_problems().0
}

/// [`search_path`], and a warning for each `REFINE_PLUGIN_PATH` entry left out: a bare name
/// (never looked up in the current directory) or one that does not exist.
fn search_path_with_problems() -> (Vec<PathBuf>, Vec<String>) {
    let mut out = Vec::new();
    let mut problems = Vec::new();
    if let Some(list) = std::env::var_os("REFINE_PLUGIN_PATH") {
        for entry in std::env::split_paths(&list) {
            if entry.as_os_str().is_empty() {
                continue;
            }
            if !(entry.is_absolute() || entry.components().count() > 1) {
                problems.push(format!(
                    "REFINE_PLUGIN_PATH entry `{}` is a bare name, and plugins are never looked up in the current folder; write ./{} or an absolute path (skipped)",
                    entry.display(),
                    entry.display()
                ));
            } else if !entry.exists() {
                problems.push(format!(
                    "REFINE_PLUGIN_PATH entry `{}` does not exist (skipped)",
                    entry.display()
                ));
            } else {
                out.push(entry);
            }
        }
    }
    let data = std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")));
    if let Some(data) = data {
        out.push(data.join("refine/plugins"));
    }
    if let Some(dir) = std::env::current_exe()
        .ok()
        .and_then(|e| e.parent().map(Path::to_path_buf))
    {
        out.push(dir.join("plugins"));
    }
    (out, problems)
}

/// The library files on the search path: the files named, and `*.so`/`*.dylib`/`*.dll` in the
/// folders, each folder sorted by name.
pub fn discover() -> Vec<PathBuf> {
    discover_with_problems().0
}

/// [`discover`], with a warning for each search path entry that was left out.
pub fn discover_with_problems() -> (Vec<PathBuf>, Vec<String>) {
    let (path, problems) = search_path_with_problems();
    let mut files = Vec::new();
    for entry in path {
        if entry.is_file() {
            files.push(entry);
        } else if let Ok(dir) = std::fs::read_dir(&entry) {
            let mut found: Vec<PathBuf> = dir
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| {
                    p.extension()
                        .is_some_and(|x| x == "so" || x == "dylib" || x == "dll")
                })
                .collect();
            found.sort();
            files.extend(found);
        }
    }
    (files, problems)
}
