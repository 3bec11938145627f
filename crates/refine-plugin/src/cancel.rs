//! The user's cancel (Ctrl-C), for the whole process: the binary's signal handler calls
//! [`request`]; plugin calls poll [`requested`] while they wait, so a plugin that asks
//! `is_cancelled` sees the cancel at once, not only at its next write.

use std::sync::atomic::{AtomicBool, Ordering};

static REQUESTED: AtomicBool = AtomicBool::new(false);

/// Asks every call in progress to stop.
pub fn request() {
    REQUESTED.store(true, Ordering::SeqCst);
}

/// Whether the user asked to cancel.
pub fn requested() -> bool {
    REQUESTED.load(Ordering::SeqCst)
}

/// Forgets a cancel: for a process that serves one call after another (a plugin host).
pub fn clear() {
    REQUESTED.store(false, Ordering::SeqCst);
}
