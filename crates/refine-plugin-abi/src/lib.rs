//! `refine-plugin-abi`: the plugin C ABI, version 1.0, as Rust types. `include/refine_plugin.h`
//! is the same ABI for C authors; a test compiles the header and checks every size and offset
//! against these definitions. No dependencies, no code: only layout.

use std::os::raw::c_char;

/// The first field of [`RfLibrary`]: the bytes "RFNP".
pub const RF_MAGIC: u32 = 0x504E_4652;
/// The ABI major version: a host loads only libraries built against its own major version.
pub const RF_ABI_MAJOR: u16 = 1;
/// The ABI minor version: a host loads libraries built against a minor version up to its own.
pub const RF_ABI_MINOR: u16 = 1;

/// Success.
pub const RF_OK: i32 = 0;
/// Failure; the plugin called `set_error` to say why.
pub const RF_ERROR: i32 = 1;
/// The user cancelled the request.
pub const RF_CANCELLED: i32 = 2;

/// A backend plugin.
pub const RF_KIND_BACKEND: u32 = 1;
/// A format plugin.
pub const RF_KIND_FORMAT: u32 = 2;

/// The name of the one exported symbol.
pub const ENTRY_SYMBOL: &[u8] = b"refine_plugin_entry";

/// A UTF-8 string with its length in bytes.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct RfStr {
    /// The bytes.
    pub ptr: *const c_char,
    /// Their number.
    pub len: usize,
}

/// One request, owned by the host.
#[repr(C)]
#[derive(Debug)]
pub struct RfCall {
    _private: [u8; 0],
}

/// `write(call, bytes, len)`.
pub type WriteFn = unsafe extern "C" fn(*mut RfCall, *const c_char, usize) -> i32;
/// `set_error(call, message, len)`.
pub type SetErrorFn = unsafe extern "C" fn(*mut RfCall, *const c_char, usize);
/// `is_cancelled(call)`.
pub type IsCancelledFn = unsafe extern "C" fn(*mut RfCall) -> i32;
/// `get(call, pointer, out)`.
pub type GetFn = unsafe extern "C" fn(*mut RfCall, *const c_char, *mut RfStr) -> i32;
/// `count(call, pointer)`.
pub type CountFn = unsafe extern "C" fn(*mut RfCall, *const c_char) -> i64;
/// A plugin's `call(host, call, input, config)`.
pub type CallFn = unsafe extern "C" fn(*const RfHost, *mut RfCall, RfStr, RfStr) -> i32;
/// A library's `init(host)`.
pub type InitFn = unsafe extern "C" fn(*const RfHost) -> i32;
/// `refine_plugin_entry()`.
pub type EntryFn = unsafe extern "C" fn() -> *const RfLibrary;

/// What the host offers a plugin during a call.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct RfHost {
    /// `size_of::<RfHost>()` of the host.
    pub struct_size: u32,
    /// The host's ABI minor version.
    pub abi_minor: u32,
    /// Appends output (copied).
    pub write: WriteFn,
    /// Says why the call fails.
    pub set_error: SetErrorFn,
    /// 1 when the user cancelled.
    pub is_cancelled: IsCancelledFn,
    /// Looks up a value of the input by JSON pointer.
    pub get: GetFn,
    /// The length of an array of the input.
    pub count: CountFn,
    /// ABI 1.1: looks up a value of the input as JSON text, strings quoted, so JSON null
    /// (`null`) and the string "null" (`"null"`) differ. Check `abi_minor >= 1` first.
    pub get_json: GetFn,
}

/// One plugin of a library.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct RfPlugin {
    /// `size_of::<RfPlugin>()` as the library was built.
    pub struct_size: u32,
    /// [`RF_KIND_BACKEND`] or [`RF_KIND_FORMAT`].
    pub kind: u32,
    /// `[a-z0-9_-]{1,64}`.
    pub id: RfStr,
    /// The plugin's version.
    pub version: RfStr,
    /// One line.
    pub description: RfStr,
    /// Formats: the output's media type.
    pub media_type: RfStr,
    /// Formats: the output's file extension.
    pub extension: RfStr,
    /// Serves one request; may be NULL only in a broken library, which the host refuses.
    pub call: Option<CallFn>,
}

/// What `refine_plugin_entry` returns.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct RfLibrary {
    /// [`RF_MAGIC`].
    pub magic: u32,
    /// The major version the library was built against.
    pub abi_major: u16,
    /// The minor version the library was built against.
    pub abi_minor: u16,
    /// `size_of::<RfLibrary>()` as the library was built.
    pub struct_size: u32,
    /// How many plugins `plugins` points at.
    pub plugin_count: u32,
    /// The plugins.
    pub plugins: *const RfPlugin,
    /// Called once after every check passed; may be NULL.
    pub init: Option<InitFn>,
}

/// The part of [`RfLibrary`] that never changes, read before anything else.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct RfLibraryHead {
    /// [`RF_MAGIC`].
    pub magic: u32,
    /// The major version.
    pub abi_major: u16,
    /// The minor version.
    pub abi_minor: u16,
    /// The struct's size.
    pub struct_size: u32,
}
