//! Plugins in a process of their own: a crash, a hang or garbage takes down the plugin's process,
//! never `refine`. The library is loaded by a plugin host process (`refine` re-executed with
//! [`HOST_FLAG`], see `child.rs`) that speaks the frames of `protocol.rs` over pipes, with the
//! same calls the C ABI has: load (checks and `init`), call (JSON in, output streamed out),
//! errors, cancel.
//!
//! Each call has a deadline; past it the process is killed. A cancel (Ctrl-C, or a stream sink
//! saying stop) is sent at once; a plugin that has not stopped within [`CANCEL_GRACE`] is killed.
//! A process that died is replaced for the next call; idle processes are kept for reuse, one per
//! call running at the same time.

mod child;
mod protocol;

use std::ffi::OsString;
use std::io::{BufReader, BufWriter};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use refine_plugin::{
    Backend, BackendError, BackendInput, BackendReply, Format, FormatError, Pack, PluginInfo,
    Rendered,
};

use crate::loader::{self, LibraryReport, LoadError, Sink};
use protocol::{Entry, Frame, Message, read_frame, write_frame};

pub(crate) use protocol::Entry as PluginEntry;

/// The first argument that makes `refine` a plugin host process.
pub const HOST_FLAG: &str = "--refine-plugin-host";

/// How long a cancelled plugin has to stop before its process is killed.
pub const CANCEL_GRACE: Duration = Duration::from_secs(2);

/// The most a format plugin's call may return (a backend's reply is bounded by
/// `refine_core::request::REPLY_MAX_BYTES`).
pub const FORMAT_MAX_BYTES: usize = 64 << 20;

/// How long loading a library (its checks and `init`) may take in the host process.
pub const LOAD_TIMEOUT: Duration = Duration::from_secs(30);

/// When this process was started as a plugin host, serves and exits; else returns at once.
/// Every binary that loads plugins calls this first thing in `main`.
pub fn serve_if_asked() {
    if std::env::args_os().nth(1).is_some_and(|a| a == HOST_FLAG) {
        std::process::exit(child::serve());
    }
}

/// The program that hosts plugins: by default this very executable with [`HOST_FLAG`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostCommand {
    /// The executable.
    pub program: PathBuf,
    /// Its arguments before anything else.
    pub args: Vec<OsString>,
}

impl HostCommand {
    /// This executable, re-executed as a plugin host (its `main` calls [`serve_if_asked`]).
    pub fn this_executable() -> std::io::Result<HostCommand> {
        Ok(HostCommand {
            program: std::env::current_exe()?,
            args: vec![OsString::from(HOST_FLAG)],
        })
    }
}

/// Why an isolated call gave no output.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IsolatedError {
    /// The user cancelled and the plugin stopped (or was stopped).
    #[error("cancelled")]
    Cancelled,
    /// The plugin reported a failure.
    #[error("{0}")]
    Failed(String),
    /// The plugin's process died.
    #[error("the plugin crashed ({0}); a new process will serve the next call")]
    Crashed(String),
    /// The call ran past its deadline.
    #[error("no answer within {} s; the plugin's process was killed (raise `timeout` in its [plugins.<id>] table or --plugin-timeout)", .0.as_secs_f64())]
    TimedOut(Duration),
    /// The plugin wrote more than a call may return.
    #[error("it wrote more than {0} bytes, the most a call may return; its process was killed")]
    TooLarge(usize),
    /// The process sent something that is not a frame.
    #[error("the plugin's process broke the protocol ({0}) and was killed")]
    Protocol(String),
}

/// A running host process.
struct Conn {
    child: Child,
    to_child: BufWriter<ChildStdin>,
    frames: Receiver<std::io::Result<Option<Frame>>>,
}

impl Conn {
    fn send(&mut self, message: Message) -> std::io::Result<()> {
        write_frame(&mut self.to_child, &Frame::Message(message))
    }

    /// Sends `message` and waits up to [`LOAD_TIMEOUT`] for the answer `want` accepts; `Failed`
    /// gives its message. Any other outcome kills the process and says what `doing` met.
    fn ask<T>(
        mut self,
        message: Message,
        doing: &str,
        want: impl Fn(Message) -> Option<T>,
    ) -> Result<(Conn, T), String> {
        if self.send(message).is_err() {
            return Err(format!("{doing} crashed: {}", self.ended()));
        }
        match self.frames.recv_timeout(LOAD_TIMEOUT) {
            Ok(Ok(Some(Frame::Message(Message::Failed { message })))) => {
                self.kill();
                Err(message)
            }
            Ok(Ok(Some(Frame::Message(answer)))) => match want(answer) {
                Some(value) => Ok((self, value)),
                None => {
                    self.kill();
                    Err(format!("{doing} answered out of turn"))
                }
            },
            Ok(Ok(Some(Frame::Bytes(_)))) => {
                self.kill();
                Err(format!("{doing} wrote output out of turn"))
            }
            Ok(Ok(None)) | Err(RecvTimeoutError::Disconnected) => {
                Err(format!("{doing} crashed: {}", self.ended()))
            }
            Ok(Err(e)) => {
                self.kill();
                Err(format!("{doing} broke the protocol ({e})"))
            }
            Err(RecvTimeoutError::Timeout) => {
                self.kill();
                Err(format!("{doing} took over {} s", LOAD_TIMEOUT.as_secs()))
            }
        }
    }

    /// Kills the process and everything it started (its own process group).
    #[allow(unsafe_code)]
    fn kill(mut self) {
        if let Ok(pid) = i32::try_from(self.child.id()) {
            // SAFETY: a signal to the process group this host process leads.
            unsafe { libc::kill(-pid, libc::SIGKILL) };
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// How the process ended, once its output has closed.
    fn ended(mut self) -> String {
        let deadline = Instant::now() + Duration::from_secs(2);
        loop {
            match self.child.try_wait() {
                Ok(Some(status)) => return describe(status),
                Ok(None) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(10))
                }
                _ => {
                    self.kill();
                    return String::from("it closed its output and did not exit");
                }
            }
        }
    }
}

/// "killed by SIGSEGV (segmentation fault)", "exited with status 3".
fn describe(status: std::process::ExitStatus) -> String {
    if let Some(signal) = status.signal() {
        let name = match signal {
            libc::SIGSEGV => "SIGSEGV (segmentation fault)",
            libc::SIGABRT => "SIGABRT (abort)",
            libc::SIGBUS => "SIGBUS (bus error)",
            libc::SIGFPE => "SIGFPE (arithmetic error)",
            libc::SIGILL => "SIGILL (illegal instruction)",
            libc::SIGKILL => "SIGKILL",
            libc::SIGTERM => "SIGTERM",
            _ => return format!("killed by signal {signal}"),
        };
        return format!("killed by {name}");
    }
    match status.code() {
        Some(code) => format!("its process exited with status {code}"),
        None => String::from("its process ended"),
    }
}

/// A library served by host processes.
pub(crate) struct IsolatedLibrary {
    path: PathBuf,
    host: HostCommand,
    idle: Mutex<Vec<Conn>>,
}

impl IsolatedLibrary {
    /// Starts a host process for `path` and loads the library there: what it holds.
    /// `before_init` sees the checked library before its `init` runs, and may refuse it.
    pub(crate) fn open(
        path: &Path,
        host: &HostCommand,
        before_init: &dyn Fn(&LibraryReport) -> Result<(), LoadError>,
    ) -> Result<(Arc<IsolatedLibrary>, LibraryReport, Vec<Entry>), LoadError> {
        let library = IsolatedLibrary {
            path: path.to_path_buf(),
            host: host.clone(),
            idle: Mutex::new(Vec::new()),
        };
        let (conn, report, entries) = library.spawn(before_init).map_err(|message| LoadError {
            path: path.to_path_buf(),
            message,
        })?;
        library
            .idle
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(conn);
        Ok((Arc::new(library), report, entries))
    }

    /// A new host process with the library loaded, checked, shown to `before_init`, and
    /// initialised.
    fn spawn(
        &self,
        before_init: &dyn Fn(&LibraryReport) -> Result<(), LoadError>,
    ) -> Result<(Conn, LibraryReport, Vec<Entry>), String> {
        let mut child = Command::new(&self.host.program)
            .args(&self.host.args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            // Its own process group: the terminal's Ctrl-C reaches refine, which tells the
            // plugin; and a kill reaches whatever the plugin started.
            .process_group(0)
            .spawn()
            .map_err(|e| {
                format!(
                    "cannot start a plugin host process ({}): {e}",
                    self.host.program.display()
                )
            })?;
        let (Some(to_child), Some(from_child)) = (child.stdin.take(), child.stdout.take()) else {
            return Err(String::from("a plugin host process without pipes"));
        };
        let (sender, frames) = mpsc::channel();
        std::thread::spawn(move || {
            let mut input = BufReader::new(from_child);
            loop {
                let frame = read_frame(&mut input);
                let last = !matches!(frame, Ok(Some(_)));
                if sender.send(frame).is_err() || last {
                    break;
                }
            }
        });
        let conn = Conn {
            child,
            to_child: BufWriter::new(to_child),
            frames,
        };
        let load = Message::Load {
            path: self.path.clone(),
        };
        let (conn, (abi, entries)) = conn.ask(load, "loading it", |answer| match answer {
            Message::Ready { abi, plugins } => Some((abi, plugins)),
            _ => None,
        })?;
        let report = LibraryReport {
            path: self.path.clone(),
            abi,
            plugins: entries
                .iter()
                .map(|e| (e.kind.clone(), e.info.clone()))
                .collect(),
        };
        if let Err(refused) = before_init(&report) {
            conn.kill();
            return Err(refused.message);
        }
        let (conn, ()) = conn.ask(Message::Init, "its init", |answer| match answer {
            Message::Done => Some(()),
            _ => None,
        })?;
        Ok((conn, report, entries))
    }

    fn take_conn(&self) -> Result<Conn, IsolatedError> {
        let idle = self.idle.lock().unwrap_or_else(|p| p.into_inner()).pop();
        match idle {
            Some(conn) => Ok(conn),
            None => self
                .spawn(&|_| Ok(()))
                .map(|(conn, _, _)| conn)
                .map_err(IsolatedError::Failed),
        }
    }

    /// One call of plugin `id`: its output, each piece also passed to `sink` as it comes.
    pub(crate) fn call(
        &self,
        id: &str,
        input: serde_json::Value,
        config: &str,
        timeout: Duration,
        max_output: usize,
        sink: Option<&Sink<'_>>,
    ) -> Result<Vec<u8>, IsolatedError> {
        let mut conn = self.take_conn()?;
        let sent = conn.send(Message::Call {
            id: id.to_string(),
            input,
            config: config.to_string(),
        });
        if sent.is_err() {
            return Err(IsolatedError::Crashed(conn.ended()));
        }
        let deadline = Instant::now() + timeout;
        let mut cancel_by: Option<Instant> = None;
        let mut output = Vec::new();
        loop {
            if cancel_by.is_none() && refine_plugin::cancel::requested() {
                let _ = conn.send(Message::Cancel);
                cancel_by = Some(Instant::now() + CANCEL_GRACE);
            }
            let frame = match conn.frames.recv_timeout(Duration::from_millis(20)) {
                Ok(frame) => frame,
                Err(RecvTimeoutError::Timeout) => {
                    let now = Instant::now();
                    if cancel_by.is_some_and(|by| now > by) {
                        conn.kill();
                        return Err(IsolatedError::Cancelled);
                    }
                    if now > deadline {
                        conn.kill();
                        return Err(IsolatedError::TimedOut(timeout));
                    }
                    continue;
                }
                Err(RecvTimeoutError::Disconnected) => Ok(None),
            };
            match frame {
                Ok(Some(Frame::Bytes(bytes))) => {
                    if output.len() + bytes.len() > max_output {
                        conn.kill();
                        return Err(IsolatedError::TooLarge(max_output));
                    }
                    let go_on = sink.is_none_or(|s| s(&bytes));
                    output.extend_from_slice(&bytes);
                    if !go_on && cancel_by.is_none() {
                        let _ = conn.send(Message::Cancel);
                        cancel_by = Some(Instant::now() + CANCEL_GRACE);
                    }
                }
                Ok(Some(Frame::Message(message))) => {
                    let result = match message {
                        Message::Done => Ok(output),
                        Message::Cancelled => Err(IsolatedError::Cancelled),
                        Message::Failed { message } => Err(IsolatedError::Failed(message)),
                        other => {
                            conn.kill();
                            return Err(IsolatedError::Protocol(format!(
                                "{other:?} during a call"
                            )));
                        }
                    };
                    self.idle
                        .lock()
                        .unwrap_or_else(|p| p.into_inner())
                        .push(conn);
                    return result;
                }
                Ok(None) => return Err(IsolatedError::Crashed(conn.ended())),
                Err(e) => {
                    conn.kill();
                    return Err(IsolatedError::Protocol(e.to_string()));
                }
            }
        }
    }
}

/// A plugin of an isolated library, with its configuration and deadline.
pub(crate) struct IsolatedPlugin {
    pub(crate) library: Arc<IsolatedLibrary>,
    pub(crate) entry: Entry,
    pub(crate) config: String,
    pub(crate) timeout: Duration,
}

impl IsolatedPlugin {
    fn fail(&self, e: &IsolatedError) -> String {
        format!(
            "plugin {} ({}): {e}",
            self.entry.info.id,
            self.library.path.display()
        )
    }
}

/// A backend plugin in its own process.
pub(crate) struct IsolatedBackend(pub(crate) IsolatedPlugin);
/// A format plugin in its own process.
pub(crate) struct IsolatedFormat(pub(crate) IsolatedPlugin);

impl Backend for IsolatedBackend {
    fn info(&self) -> PluginInfo {
        self.0.entry.info.clone()
    }

    fn generate(&self, input: &BackendInput<'_>) -> Result<BackendReply, BackendError> {
        let plugin = &self.0;
        let started = Instant::now();
        let sink = loader::text_sink(input);
        let bytes = plugin
            .library
            .call(
                &plugin.entry.info.id,
                loader::backend_request(input),
                &plugin.config,
                plugin.timeout,
                refine_core::request::REPLY_MAX_BYTES,
                Some(&sink),
            )
            .map_err(|e| BackendError::Unavailable(plugin.fail(&e)))?;
        let who = format!(
            "plugin {} ({})",
            plugin.entry.info.id,
            plugin.library.path.display()
        );
        loader::backend_reply(bytes, started, &who)
    }
}

impl Format for IsolatedFormat {
    fn info(&self) -> PluginInfo {
        self.0.entry.info.clone()
    }

    fn render(&self, pack: &Pack) -> Result<Rendered, FormatError> {
        let plugin = &self.0;
        let bytes = plugin
            .library
            .call(
                &plugin.entry.info.id,
                loader::format_request(pack)?,
                &plugin.config,
                plugin.timeout,
                FORMAT_MAX_BYTES,
                None,
            )
            .map_err(|e| FormatError::Failed(plugin.fail(&e)))?;
        Ok(Rendered {
            bytes,
            media_type: plugin.entry.media_type.clone(),
            extension: plugin.entry.extension.clone(),
        })
    }
}
