//! The session's clock: the guide's phases fitted to a session length ([`allocate`]), and the
//! backlog items a session can take, each with its slot in the phase where items are discussed
//! ([`fit_items`], [`item_slots`]).
//!
//! The offline planner writes these minutes, the prompt states them to a model and the linter
//! checks replies against them, so all three share one clock.

use crate::contract::ITEM;
use crate::guide::Guide;
use crate::request::SessionRequest;
use crate::timebox::Minutes;

/// Why a session length cannot hold the guide's phases.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "a {minutes}-minute session cannot hold the guide's {phases} phases; ask for at least {phases} minutes"
)]
pub struct TooShort {
    /// The session length asked for.
    pub minutes: u32,
    /// How many phases the guide has.
    pub phases: usize,
}

/// Minutes for each of the guide's phases, adding up to `total` exactly. Each phase stays in
/// [`Guide::fitted_range`] (its own range when `total` allows, scaled otherwise), with at least
/// one minute; round numbers are preferred: each phase starts from its share of `total` rounded
/// to 5 minutes, then the difference is taken from or given to the phases with room, last phase
/// first when shortening and first phase first when lengthening.
pub fn allocate(guide: &Guide, total: u32) -> Result<Vec<u32>, TooShort> {
    let ranges: Vec<Minutes> = guide
        .phases
        .iter()
        .map(|p| {
            let r = guide.fitted_range(p.minutes, Some(total));
            Minutes {
                min: r.min.max(1),
                max: r.max.max(1),
            }
        })
        .collect();
    let floor: u32 = ranges.iter().map(|r| r.min).sum();
    let ceiling: u32 = ranges.iter().map(|r| r.max).sum();
    if total < floor || total > ceiling {
        return Err(TooShort {
            minutes: total,
            phases: guide.phases.len(),
        });
    }
    let mid_sum: f64 = ranges.iter().map(|r| f64::from(r.min + r.max) / 2.0).sum();
    let mut minutes: Vec<u32> = ranges
        .iter()
        .map(|r| {
            let share = f64::from(r.min + r.max) / 2.0 * f64::from(total) / mid_sum;
            (((share / 5.0).round() * 5.0) as u32).clamp(r.min, r.max)
        })
        .collect();
    loop {
        let sum: u32 = minutes.iter().sum();
        if sum == total {
            return Ok(minutes);
        }
        let shorten = sum > total;
        let gap = sum.abs_diff(total);
        let order: Vec<usize> = if shorten {
            (0..minutes.len()).rev().collect()
        } else {
            (0..minutes.len()).collect()
        };
        let mut moved = false;
        for i in order {
            let room = if shorten {
                minutes[i] - ranges[i].min
            } else {
                ranges[i].max - minutes[i]
            };
            let step = room.min(gap).min(5);
            if step > 0 {
                if shorten {
                    minutes[i] -= step;
                } else {
                    minutes[i] += step;
                }
                moved = true;
                break;
            }
        }
        if !moved {
            // Unreachable: floor <= total <= ceiling leaves room somewhere.
            return Err(TooShort {
                minutes: total,
                phases: guide.phases.len(),
            });
        }
    }
}

/// How many of a session's backlog items it takes: the first `taken` items, in the given order;
/// the rest are deferred to the next session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ItemFit {
    /// How many items the session takes.
    pub taken: usize,
    /// How many items the item phase could hold at [`ITEM`]`.min_minutes` each.
    pub fits: usize,
    /// The minutes of the phase where items are discussed, at this session length.
    pub phase_minutes: u32,
}

/// Which of `count` items a session of `session_minutes` (the guide's natural length when
/// `None`) takes: as many as its item phase ([`Guide::item_phase`]) holds at
/// [`ITEM`]`.min_minutes` each, at most `max_items`, and always the first one.
pub fn fit_items(
    guide: &Guide,
    session_minutes: Option<u32>,
    count: usize,
    max_items: Option<usize>,
) -> Result<ItemFit, TooShort> {
    let total = session_minutes.unwrap_or_else(|| guide.natural_minutes());
    let minutes = allocate(guide, total)?;
    let phase_minutes = minutes[guide.item_phase_index()];
    let fits = (phase_minutes / ITEM.min_minutes) as usize;
    let taken = count
        .min(fits)
        .min(max_items.unwrap_or(usize::MAX))
        .max(count.min(1));
    Ok(ItemFit {
        taken,
        fits,
        phase_minutes,
    })
}

/// Why a session on several items cannot be planned.
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    /// The session is too short for the guide.
    #[error(transparent)]
    TooShort(#[from] TooShort),
    /// The request is not valid.
    #[error(transparent)]
    Request(#[from] crate::RequestError),
}

/// A session on `items` of `session_minutes` (the guide's natural length when `None`): the
/// first ones that fit ([`fit_items`]) taken, the rest deferred.
pub fn session_on(
    guide: &Guide,
    mut items: Vec<crate::SessionItem>,
    session_minutes: Option<u32>,
    max_items: Option<usize>,
) -> Result<SessionRequest, SessionError> {
    let fit = fit_items(guide, session_minutes, items.len(), max_items)?;
    let deferred = items.split_off(fit.taken);
    let mut request = SessionRequest::for_items(items, deferred)?;
    if let Some(minutes) = session_minutes {
        request = request.with_minutes(minutes)?;
    }
    Ok(request)
}

/// The slots of a session's backlog items in the phase where they are discussed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemSlots {
    /// The slug of the phase that holds the slots.
    pub phase: String,
    /// That phase's minutes.
    pub phase_minutes: u32,
    /// Each item's minutes, in order, adding up to `phase_minutes`.
    pub minutes: Vec<u32>,
}

/// The slots of `request`'s items: the item phase's minutes at the request's length shared
/// equally in whole minutes, the first items taking the remainder. `None` for a single-topic
/// request or a length that cannot hold the guide's phases.
pub fn item_slots(guide: &Guide, request: &SessionRequest) -> Option<ItemSlots> {
    let count = request.items().len();
    if count == 0 {
        return None;
    }
    let total = request.minutes().unwrap_or_else(|| guide.natural_minutes());
    let index = guide.item_phase_index();
    let phase_minutes = allocate(guide, total).ok()?[index];
    let n = u32::try_from(count).unwrap_or(u32::MAX);
    let (base, extra) = (phase_minutes / n, phase_minutes % n);
    let minutes = (0..n).map(|i| base + u32::from(i < extra)).collect();
    Some(ItemSlots {
        phase: guide.phases[index].slug.clone(),
        phase_minutes,
        minutes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alloc(total: u32) -> Vec<u32> {
        allocate(&Guide::builtin(), total).expect("fits")
    }

    #[test]
    fn the_natural_length_uses_round_numbers_inside_every_range() {
        assert_eq!(alloc(95), vec![20, 45, 20, 10]);
        assert_eq!(alloc(85), vec![15, 40, 20, 10]);
        assert_eq!(alloc(105), vec![20, 45, 25, 15]);
    }

    #[test]
    fn every_length_adds_up_and_stays_in_the_fitted_ranges() {
        let guide = Guide::builtin();
        for total in 4..=480 {
            let minutes = allocate(&guide, total).expect("fits");
            assert_eq!(minutes.iter().sum::<u32>(), total, "total {total}");
            for (phase, m) in guide.phases.iter().zip(&minutes) {
                let range = guide.fitted_range(phase.minutes, Some(total));
                assert!(
                    *m >= 1 && *m >= range.min && *m <= range.max.max(1),
                    "{total}: {m} in {range}"
                );
            }
        }
    }

    #[test]
    fn items_that_do_not_fit_are_deferred_and_the_first_always_stays() {
        let guide = Guide::builtin();
        // 90 minutes: exploration gets 40, room for 8 items at 5 minutes.
        let fit = fit_items(&guide, Some(90), 6, None).expect("fits");
        assert_eq!((fit.taken, fit.fits, fit.phase_minutes), (6, 8, 40));
        // 60 minutes: exploration gets 25, room for 5 of 12.
        let fit = fit_items(&guide, Some(60), 12, None).expect("fits");
        assert_eq!((fit.taken, fit.fits), (5, 5));
        assert_eq!(
            fit_items(&guide, Some(90), 6, Some(2)).map(|f| f.taken),
            Ok(2)
        );
        assert_eq!(fit_items(&guide, Some(8), 3, None).map(|f| f.taken), Ok(1));
        assert_eq!(fit_items(&guide, None, 0, None).map(|f| f.taken), Ok(0));
    }

    #[test]
    fn slots_share_the_phase_and_add_up_to_it() {
        let guide = Guide::builtin();
        let item = |t: &str| crate::request::SessionItem::new(t).expect("item");
        let request = SessionRequest::for_items(
            (0..6).map(|i| item(&format!("Item {i}"))).collect(),
            Vec::new(),
        )
        .expect("request")
        .with_minutes(90)
        .expect("minutes");
        let slots = item_slots(&guide, &request).expect("slots");
        assert_eq!(slots.phase, "problem-space-exploration");
        assert_eq!(slots.minutes, vec![7, 7, 7, 7, 6, 6]);
        assert_eq!(slots.minutes.iter().sum::<u32>(), slots.phase_minutes);
    }

    #[test]
    fn a_session_shorter_than_its_phases_is_refused() {
        assert_eq!(
            allocate(&Guide::builtin(), 3),
            Err(TooShort {
                minutes: 3,
                phases: 4
            })
        );
    }
}
