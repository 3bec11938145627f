//! The last few answers of a function that depends on nothing but its input, kept per thread:
//! the offline planner checks its own sentences with the linter's readings (the title's words,
//! the questions' twins, the closing's sentences), and the linter then reads the same
//! texts back from the reply; and the parser reads the same agenda item lines reply after
//! reply (a guide's phases). An eval's worker plans a batch of replies (up to 16) before it
//! reads them, so a few dozen answers are kept, the oldest forgotten first.

use std::borrow::Borrow;
use std::cell::RefCell;
use std::collections::VecDeque;
use std::thread::LocalKey;

use rustc_hash::FxHashMap;

/// How many answers of each function a thread keeps: twice the largest batch an eval's worker
/// plans before reading it.
pub(crate) const KEPT: usize = 32;

/// A function's latest answers, newest first, at most [`KEPT`].
pub(crate) struct Recent<K, V>(VecDeque<(K, V)>);

impl<K, V> Recent<K, V> {
    pub(crate) const fn new() -> Recent<K, V> {
        Recent(VecDeque::new())
    }
}

/// The most bytes of input whose answer [`remembered`] keeps: a closing statement or a list of
/// questions is a few hundred bytes, and a reply may hold up to 1 MiB; a longer input is
/// answered afresh, so [`KEPT`] inputs of each memo hold at most 128 KiB a thread.
pub(crate) const LONGEST_TEXT_KEPT: usize = 4096;

/// The bytes an input holds, for [`LONGEST_TEXT_KEPT`].
pub(crate) trait Weighed {
    fn bytes(&self) -> usize;
}

impl Weighed for str {
    fn bytes(&self) -> usize {
        self.len()
    }
}

impl Weighed for [String] {
    fn bytes(&self) -> usize {
        self.iter().map(String::len).sum()
    }
}

/// The answer for `input` kept in `memo`, or `answer(input)`, then kept (unless `input` holds
/// more than [`LONGEST_TEXT_KEPT`] bytes). The answer must depend on nothing but `input`:
/// keeping it then changes no result.
pub(crate) fn remembered<Q, K, V>(
    memo: &'static LocalKey<RefCell<Recent<K, V>>>,
    input: &Q,
    answer: impl FnOnce() -> V,
) -> V
where
    Q: PartialEq + Weighed + ?Sized,
    K: Borrow<Q> + for<'q> From<&'q Q>,
    V: Clone,
{
    if input.bytes() > LONGEST_TEXT_KEPT {
        return answer();
    }
    let known = memo.with_borrow(|recent| {
        recent
            .0
            .iter()
            .find(|(kept, _)| kept.borrow() == input)
            .map(|(_, value)| value.clone())
    });
    known.unwrap_or_else(|| {
        let value = answer();
        memo.with_borrow_mut(|recent| {
            recent.0.truncate(KEPT - 1);
            recent.0.push_front((K::from(input), value.clone()));
        });
        value
    })
}

/// The longest input, in bytes, whose answer a line memo keeps: a guide's lines are short, and
/// a longer one is answered afresh, so a run of replies with huge lines keeps memory flat.
pub(crate) const LONGEST_KEPT: usize = 512;

/// How many answers a generation of [`Lately`] holds: the lines of a few replies beyond those
/// every reply repeats, so an answer not asked again is forgotten after a few dozen replies,
/// well within a cycle of the bench's 78 fixtures.
pub(crate) const GENERATION: usize = 64;

/// A function's answers for many inputs a thread asks about again and again (the lines a
/// guide puts in every reply), kept in two generations of hashed texts: answers asked again
/// move into the current generation, and when it is full it becomes the previous one, the
/// previous one forgotten. Lookups cost a hash, where [`Recent`] compares input by input.
#[derive(Default)]
pub(crate) struct Lately<V> {
    current: FxHashMap<Box<str>, V>,
    previous: FxHashMap<Box<str>, V>,
}

/// The answer for `input` kept in `memo`, or `answer(input)`, then kept (unless `input` is
/// longer than [`LONGEST_KEPT`]). The answer must depend on nothing but `input`: keeping it
/// then changes no result.
pub(crate) fn remembered_lately<V: Clone>(
    memo: &'static LocalKey<RefCell<Lately<V>>>,
    input: &str,
    answer: impl FnOnce() -> V,
) -> V {
    if input.len() > LONGEST_KEPT {
        return answer();
    }
    let kept = memo.with_borrow_mut(|lately| {
        if let Some(value) = lately.current.get(input) {
            return Some(value.clone());
        }
        let value = lately.previous.remove(input)?;
        lately.keep(input, value.clone());
        Some(value)
    });
    kept.unwrap_or_else(|| {
        let value = answer();
        memo.with_borrow_mut(|lately| lately.keep(input, value.clone()));
        value
    })
}

impl<V> Lately<V> {
    fn keep(&mut self, input: &str, value: V) {
        if self.current.len() >= GENERATION {
            self.previous = std::mem::take(&mut self.current);
        }
        self.current.insert(Box::from(input), value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    thread_local! {
        static SQUARES: RefCell<Recent<Box<str>, usize>> = const { RefCell::new(Recent::new()) };
    }

    #[test]
    fn the_latest_answers_are_kept_and_the_oldest_forgotten() {
        let square = |text: &str| text.len() * text.len();
        let inputs: Vec<String> = (0..KEPT + 1).map(|n| "x".repeat(n)).collect();
        for input in &inputs {
            assert_eq!(
                remembered(&SQUARES, input.as_str(), || square(input)),
                square(input)
            );
        }
        // The last `KEPT` inputs are answered from the memo; the first was forgotten.
        for input in &inputs[1..] {
            let kept = remembered(&SQUARES, input.as_str(), || {
                panic!("{input:?} was forgotten")
            });
            assert_eq!(kept, square(input));
        }
        assert_eq!(
            remembered(&SQUARES, "", || 7),
            7,
            "the oldest is asked afresh"
        );
        assert_eq!(SQUARES.with_borrow(|recent| recent.0.len()), KEPT);
    }

    thread_local! {
        static LENGTHS: RefCell<Lately<usize>> = RefCell::default();
    }

    #[test]
    fn answers_asked_again_are_kept_and_the_others_forgotten_after_two_generations() {
        let ask = |text: &str| remembered_lately(&LENGTHS, text, || text.len());
        let asked_again =
            |text: &str| remembered_lately(&LENGTHS, text, || panic!("{text:?} was forgotten"));
        assert_eq!(ask("a line every reply holds"), 24);
        // Two generations of other texts: the line asked once in each is kept.
        for n in 0..2 * GENERATION {
            assert_eq!(ask(&"x".repeat(n + 1)), n + 1);
            if n % (GENERATION / 2) == 0 {
                assert_eq!(asked_again("a line every reply holds"), 24);
            }
        }
        // The last generation's texts are kept; the first text of the first is gone.
        assert_eq!(asked_again(&"x".repeat(2 * GENERATION)), 2 * GENERATION);
        assert_eq!(
            remembered_lately(&LENGTHS, "x", || 0),
            0,
            "asked afresh once two generations passed"
        );
        LENGTHS.with_borrow(|lately| {
            assert!(lately.current.len() <= GENERATION && lately.previous.len() <= GENERATION);
        });
    }

    #[test]
    fn a_long_text_is_answered_afresh_and_not_kept() {
        let long = "z".repeat(LONGEST_TEXT_KEPT + 1);
        assert_eq!(remembered(&SQUARES, long.as_str(), || 1), 1);
        assert_eq!(remembered(&SQUARES, long.as_str(), || 2), 2, "asked afresh");
        SQUARES.with_borrow(|recent| {
            assert!(
                recent
                    .0
                    .iter()
                    .all(|(kept, _)| kept.len() <= LONGEST_TEXT_KEPT)
            );
        });
        // A text at the limit is kept.
        let at_limit = "z".repeat(LONGEST_TEXT_KEPT);
        assert_eq!(remembered(&SQUARES, at_limit.as_str(), || 3), 3);
        assert_eq!(remembered(&SQUARES, at_limit.as_str(), || 4), 3, "kept");
    }

    #[test]
    fn a_long_input_is_answered_afresh_and_not_kept() {
        let long = "y".repeat(LONGEST_KEPT + 1);
        assert_eq!(
            remembered_lately(&LENGTHS, &long, || long.len()),
            long.len()
        );
        assert_eq!(remembered_lately(&LENGTHS, &long, || 0), 0, "asked afresh");
        LENGTHS.with_borrow(|lately| {
            assert!(!lately.current.contains_key(long.as_str()));
        });
    }
}
