//! A count of the steps the readers take (bytes scanned, lines, tags and phases visited), so a
//! test can check that their work grows linearly with the input by counting, never by timing.
//!
//! Every loop of the reply parser and the guide reader that walks its input adds what it walks
//! here. The count is per thread and costs an add; nothing reads it but [`counted`].

use std::cell::Cell;

thread_local! {
    static STEPS: Cell<u64> = const { Cell::new(0) };
}

/// Adds `n` steps to this thread's count.
#[inline]
pub(crate) fn step(n: usize) {
    STEPS.with(|steps| steps.set(steps.get().wrapping_add(n as u64)));
}

/// The steps of a binary search over `len` elements.
#[inline]
pub(crate) fn search(len: usize) {
    step((usize::BITS - len.leading_zeros()) as usize + 1);
}

/// Runs `f` and returns its result with the steps it took on this thread.
pub fn counted<R>(f: impl FnOnce() -> R) -> (R, u64) {
    let before = STEPS.with(Cell::get);
    let result = f();
    (result, STEPS.with(Cell::get).wrapping_sub(before))
}
