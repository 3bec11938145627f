//! The frames a plugin host process and `refine` exchange over its stdin and stdout: a kind
//! byte, a little-endian `u32` length, then the payload. Kind `J` carries a JSON [`Message`];
//! kind `W` carries raw bytes the plugin wrote, in order, as it wrote them.

use std::io::{self, Read, Write};
use std::path::PathBuf;

use refine_plugin::PluginInfo;
use serde::{Deserialize, Serialize};

/// The largest frame read: more is garbage, not a plugin's output piece.
const MAX_FRAME: usize = 64 << 20;

/// One plugin of a library, as the host process reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Entry {
    /// `backend` or `format`.
    pub(crate) kind: String,
    /// Id, version, description.
    pub(crate) info: PluginInfo,
    /// Formats: the media type of the output.
    pub(crate) media_type: String,
    /// Formats: the file extension.
    pub(crate) extension: String,
}

/// A protocol message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub(crate) enum Message {
    /// refine -> host: load and check this library (its `init` not yet run).
    Load {
        /// The library file.
        path: PathBuf,
    },
    /// refine -> host: run the loaded library's `init`; `Done` or `Failed` follows.
    Init,
    /// host -> refine: the library is loaded and checked.
    Ready {
        /// `major.minor` it was built against.
        abi: String,
        /// Its plugins.
        plugins: Vec<Entry>,
    },
    /// refine -> host: one call of one plugin.
    Call {
        /// The plugin id.
        id: String,
        /// The call's input document.
        input: serde_json::Value,
        /// The plugin's `[plugins.<id>]` table as JSON.
        config: String,
    },
    /// refine -> host: the user cancelled the call in progress.
    Cancel,
    /// host -> refine: the call ended well; its output was every `W` frame before.
    Done,
    /// host -> refine: the plugin stopped on the cancel.
    Cancelled,
    /// host -> refine: loading or the call failed.
    Failed {
        /// Why, in the plugin's or loader's words.
        message: String,
    },
}

/// A frame.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Frame {
    /// A message.
    Message(Message),
    /// Output the plugin wrote.
    Bytes(Vec<u8>),
}

/// Writes one frame and flushes it.
pub(crate) fn write_frame(out: &mut impl Write, frame: &Frame) -> io::Result<()> {
    let (kind, payload) = match frame {
        Frame::Message(message) => (b'J', serde_json::to_vec(message).map_err(io::Error::other)?),
        Frame::Bytes(bytes) => (b'W', bytes.clone()),
    };
    let len = u32::try_from(payload.len())
        .ok()
        .filter(|&len| len as usize <= MAX_FRAME)
        .ok_or_else(|| io::Error::other("a frame over 64 MiB"))?;
    out.write_all(&[kind])?;
    out.write_all(&len.to_le_bytes())?;
    out.write_all(&payload)?;
    out.flush()
}

/// Reads one frame: `None` at a clean end of the stream, an `InvalidData` error for anything
/// that is not a frame.
pub(crate) fn read_frame(input: &mut impl Read) -> io::Result<Option<Frame>> {
    let mut kind = [0u8; 1];
    if input.read(&mut kind)? == 0 {
        return Ok(None);
    }
    let mut len = [0u8; 4];
    input.read_exact(&mut len)?;
    let len = u32::from_le_bytes(len) as usize;
    let bad = |what: String| io::Error::new(io::ErrorKind::InvalidData, what);
    if len > MAX_FRAME {
        return Err(bad(format!("a frame of {len} bytes")));
    }
    let mut payload = vec![0u8; len];
    input.read_exact(&mut payload)?;
    match kind[0] {
        b'J' => serde_json::from_slice(&payload)
            .map(|m| Some(Frame::Message(m)))
            .map_err(|e| bad(format!("a message that is not one ({e})"))),
        b'W' => Ok(Some(Frame::Bytes(payload))),
        other => Err(bad(format!("a frame of unknown kind {other:#04x}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_read_back_and_garbage_is_named() {
        let mut wire = Vec::new();
        let frames = [
            Frame::Message(Message::Load {
                path: PathBuf::from("/x.so"),
            }),
            Frame::Bytes(b"<agenda>".to_vec()),
            Frame::Message(Message::Failed {
                message: String::from("no"),
            }),
        ];
        for frame in &frames {
            write_frame(&mut wire, frame).expect("write");
        }
        let mut input = &wire[..];
        for frame in &frames {
            assert_eq!(read_frame(&mut input).expect("read").as_ref(), Some(frame));
        }
        assert_eq!(read_frame(&mut input).expect("end"), None);
        let err = read_frame(&mut &b"hello, world"[..]).expect_err("garbage");
        assert_eq!(err.kind(), io::ErrorKind::InvalidData, "{err}");
        let err = read_frame(&mut &b"W\x05\x00\x00\x00ab"[..]).expect_err("cut");
        assert_eq!(err.kind(), io::ErrorKind::UnexpectedEof, "{err}");
    }
}
