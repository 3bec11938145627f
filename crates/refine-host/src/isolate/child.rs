//! The plugin host process: `refine` (or `refine-eval`) re-executed with [`super::HOST_FLAG`].
//! It loads one library and serves calls framed on stdin, writing frames on what was stdout.
//! The plugin's own prints to stdout go to stderr, so they cannot corrupt the frames.

use std::fs::File;
use std::io::{BufReader, BufWriter, Write};
use std::os::fd::AsFd;
use std::sync::mpsc;

use refine_plugin::cancel;
use refine_plugin_abi::RF_KIND_BACKEND;

use super::protocol::{Entry, Frame, Message, read_frame, write_frame};
use crate::loader::{self, CallError, Native};

/// Serves until stdin ends; returns the process's exit status.
pub(super) fn serve() -> i32 {
    let out = match protocol_out() {
        Ok(out) => out,
        Err(e) => {
            eprintln!("refine plugin host: cannot set up its output: {e}");
            return 2;
        }
    };
    let mut out = BufWriter::new(out);
    // The reader thread answers a cancel at once, even while a call runs; calls go to this
    // thread in order. When refine goes away (stdin ends), so does the host.
    let (calls, queue) = mpsc::channel::<Message>();
    std::thread::spawn(move || {
        let mut input = BufReader::new(std::io::stdin());
        loop {
            match read_frame(&mut input) {
                Ok(Some(Frame::Message(Message::Cancel))) => cancel::request(),
                Ok(Some(Frame::Message(message @ Message::Call { .. }))) => {
                    // A cancel read before this call was for the call before.
                    cancel::clear();
                    if calls.send(message).is_err() {
                        break;
                    }
                }
                Ok(Some(Frame::Message(message))) => {
                    if calls.send(message).is_err() {
                        break;
                    }
                }
                Ok(Some(Frame::Bytes(_))) | Ok(None) | Err(_) => break,
            }
        }
        std::process::exit(0);
    });
    let mut natives: Vec<Native> = Vec::new();
    let mut library: Option<(std::path::PathBuf, loader::Init)> = None;
    for message in queue {
        let reply = match message {
            Message::Load { path } => {
                match loader::open_uninitialised(&path, &|_| String::from("{}")) {
                    Ok((report, loaded, init)) => {
                        natives = loaded;
                        library = Some((path, init));
                        Message::Ready {
                            abi: report.abi,
                            plugins: natives.iter().map(entry).collect(),
                        }
                    }
                    Err(e) => Message::Failed { message: e.message },
                }
            }
            Message::Init => match library.take() {
                Some((path, init)) => match loader::run_init(&path, init) {
                    Ok(()) => Message::Done,
                    Err(e) => Message::Failed { message: e.message },
                },
                None => Message::Failed {
                    message: String::from("init before a library was loaded"),
                },
            },
            Message::Call { id, input, config } => match natives.iter().find(|n| n.info.id == id) {
                None => Message::Failed {
                    message: format!("no plugin `{id}` in this library"),
                },
                Some(native) => call(native, input, &config, &mut out),
            },
            other => Message::Failed {
                message: format!("unexpected message {other:?}"),
            },
        };
        if write_frame(&mut out, &Frame::Message(reply)).is_err() {
            return 0;
        }
    }
    0
}

/// One call, its output streamed as `W` frames; the message that ends it.
fn call(native: &Native, input: serde_json::Value, config: &str, out: &mut impl Write) -> Message {
    let out = std::cell::RefCell::new(out);
    let sink =
        |chunk: &[u8]| write_frame(&mut *out.borrow_mut(), &Frame::Bytes(chunk.to_vec())).is_ok();
    match native.invoke(input, config, Some(&sink), false) {
        Ok(_) => Message::Done,
        Err(CallError::Cancelled) => Message::Cancelled,
        Err(CallError::Failed(message)) => Message::Failed { message },
    }
}

fn entry(native: &Native) -> Entry {
    Entry {
        kind: String::from(if native.kind == RF_KIND_BACKEND {
            "backend"
        } else {
            "format"
        }),
        info: native.info.clone(),
        media_type: native.media_type.clone(),
        extension: native.extension.clone(),
    }
}

/// The process's stdout kept for frames; file descriptor 1 pointed at stderr, so whatever the
/// plugin prints lands there.
#[allow(unsafe_code)]
fn protocol_out() -> std::io::Result<File> {
    let frames = std::io::stdout().as_fd().try_clone_to_owned()?;
    // SAFETY: dup2 on the process's own standard descriptors; nothing else holds fd 1 here.
    if unsafe { libc::dup2(libc::STDERR_FILENO, libc::STDOUT_FILENO) } < 0 {
        return Err(std::io::Error::last_os_error());
    }
    Ok(File::from(frames))
}
