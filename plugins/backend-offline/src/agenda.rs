//! Fitting the guide's phases to a session length.

use refine_core::{Guide, Minutes};

/// Why a session length cannot hold the guide's phases.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TooShort {
    /// The session length asked for.
    pub(crate) minutes: u32,
    /// How many phases the guide has.
    pub(crate) phases: usize,
}

/// Minutes for each of the guide's phases, adding up to `total` exactly. Each phase stays in
/// [`Guide::fitted_range`] (its own range when `total` allows, scaled otherwise), with at least
/// one minute; round numbers are preferred: each phase starts from its share of `total` rounded
/// to 5 minutes, then the difference is taken from or given to the phases with room, last phase
/// first when shortening and first phase first when lengthening.
pub(crate) fn allocate(guide: &Guide, total: u32) -> Result<Vec<u32>, TooShort> {
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
