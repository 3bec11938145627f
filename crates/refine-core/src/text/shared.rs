//! Content terms computed once per text: within one reply planned, parsed and linted
//! ([`sharing_terms`]), and, on a thread that asks for it ([`keep_terms_between_replies`]),
//! from one reply to the next. A text's terms depend on nothing but the text, so a memo changes
//! no result, only how often a text is read.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use rustc_hash::FxHashMap;

use super::{Terms, terms};

/// Text to its terms, shared.
type TermMemo = FxHashMap<Box<str>, Rc<Terms>>;

/// How many texts a thread that keeps its memo between replies remembers before it starts
/// afresh: an eval's replies repeat the guide's lines and the planner's phrasings, a few
/// hundred texts, and memory stays flat (about 250 bytes a text).
pub(crate) const KEPT_TEXTS: usize = 2_000;

thread_local! {
    /// The terms of each text asked for through [`shared_terms`] while [`sharing_terms`] runs.
    static SHARED_TERMS: RefCell<Option<TermMemo>> = const { RefCell::new(None) };
    /// Whether a [`sharing_terms`] is running on this thread.
    static SHARING: Cell<bool> = const { Cell::new(false) };
    /// Whether this thread keeps its memo when a [`sharing_terms`] ends.
    static KEEP: Cell<bool> = const { Cell::new(false) };
}

/// Runs `work` with the content terms of each text asked for through [`shared_terms`] computed
/// once, and forgets them when it returns (or panics): one reply planned, parsed and linted
/// reads the same questions, title and notes many times over. Within a `work` already running
/// on this thread, it only runs `work`, sharing the outer memo. On a thread that called
/// [`keep_terms_between_replies`], the memo is kept for the next `work` instead (bounded by
/// [`KEPT_TEXTS`]).
pub fn sharing_terms<R>(work: impl FnOnce() -> R) -> R {
    struct Forget(bool);
    impl Drop for Forget {
        fn drop(&mut self) {
            if self.0 {
                SHARING.with(|on| on.set(false));
                if !KEEP.with(Cell::get) {
                    SHARED_TERMS.with(|shared| *shared.borrow_mut() = None);
                }
            }
        }
    }
    let started = !SHARING.with(|on| on.replace(true));
    if started {
        SHARED_TERMS.with(|shared| {
            let mut shared = shared.borrow_mut();
            let memo = shared.get_or_insert_with(FxHashMap::default);
            if memo.len() > KEPT_TEXTS {
                memo.clear();
            }
        });
    }
    let _forget = Forget(started);
    work()
}

/// Keeps this thread's memo of [`shared_terms`] from one [`sharing_terms`] to the next, up to
/// [`KEPT_TEXTS`] texts: for a thread that reads many replies sharing many lines (an eval's
/// workers), not for one that reads a reply or two.
pub fn keep_terms_between_replies() {
    KEEP.with(|keep| keep.set(true));
}

/// [`terms`] of `text`, computed once per [`sharing_terms`] (outside one, every time).
pub fn shared_terms(text: &str) -> Rc<Terms> {
    if !SHARING.with(Cell::get) {
        return Rc::new(terms(text));
    }
    let known = SHARED_TERMS.with(|shared| {
        shared
            .borrow()
            .as_ref()
            .and_then(|memo| memo.get(text).map(Rc::clone))
    });
    if let Some(set) = known {
        return set;
    }
    let set = Rc::new(terms(text));
    SHARED_TERMS.with(|shared| {
        if let Some(memo) = shared.borrow_mut().as_mut() {
            memo.insert(Box::from(text), Rc::clone(&set));
        }
    });
    set
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_terms_are_computed_once_while_sharing_and_forgotten_after() {
        let text = "Admins cannot export invoices";
        assert!(!Rc::ptr_eq(&shared_terms(text), &shared_terms(text)));
        let (first, inner) = sharing_terms(|| {
            let first = shared_terms(text);
            assert_eq!(*first, terms(text));
            // A nested call shares the running memo and does not end it.
            let inner = sharing_terms(|| shared_terms(text));
            assert!(Rc::ptr_eq(&first, &shared_terms(text)));
            (first, inner)
        });
        assert!(Rc::ptr_eq(&first, &inner));
        // Forgotten: only the two handles above hold the set.
        assert_eq!(Rc::strong_count(&first), 2);
        assert!(!Rc::ptr_eq(&first, &shared_terms(text)));
        // A panic inside forgets them too.
        let unwound = std::panic::catch_unwind(|| {
            sharing_terms(|| {
                shared_terms(text);
                panic!("work failed");
            })
        });
        assert!(unwound.is_err());
        assert!(SHARED_TERMS.with(|shared| shared.borrow().is_none()));
        assert!(!SHARING.with(Cell::get));
    }

    /// A thread that keeps its memo finds a text's terms from the last reply, only inside a
    /// reply, and never remembers much more than [`KEPT_TEXTS`] texts. (On a thread of its own:
    /// keeping is for the rest of a thread's life.)
    #[test]
    fn a_kept_memo_serves_the_next_reply_and_stays_bounded() {
        std::thread::spawn(|| {
            keep_terms_between_replies();
            let text = "Admins cannot export invoices";
            let first = sharing_terms(|| shared_terms(text));
            let again = sharing_terms(|| shared_terms(text));
            assert!(Rc::ptr_eq(&first, &again));
            assert_eq!(*again, terms(text));
            assert!(!Rc::ptr_eq(&first, &shared_terms(text)));
            let mut most = 0;
            for n in 0..KEPT_TEXTS + 50 {
                sharing_terms(|| shared_terms(&format!("export {n} invoices")));
                let held =
                    SHARED_TERMS.with(|shared| shared.borrow().as_ref().map_or(0, |m| m.len()));
                most = most.max(held);
            }
            assert!(most <= KEPT_TEXTS + 1, "{most} texts remembered");
        })
        .join()
        .expect("the kept memo's thread");
    }
}
