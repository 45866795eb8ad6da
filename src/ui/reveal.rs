//! Owns the staged reveal of the workspace: when the first view of new data
//! arrives, the page shows it a part per frame (the table, then the timeline,
//! then the facets a few at a time), so no single task builds and lays out the
//! whole workspace while the user's input waits; and long tables that fill
//! a part per frame ([`use_growing`]); and telling the worker when a load's
//! view is drawn ([`use_drawn_signal`]).

use yew::prelude::*;

/// Facets added per frame: about 150 elements, well inside a frame's budget.
const FACETS_PER_FRAME: usize = 3;

/// How much of the workspace is on screen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Revealed {
    /// Frames since the first view: 0 shows the table alone, 1 adds the
    /// timeline, each later one [`FACETS_PER_FRAME`] more facets.
    stage: usize,
}

impl Revealed {
    const ALL: Self = Self { stage: usize::MAX };

    pub fn complete(self) -> bool {
        self == Self::ALL
    }

    pub fn timeline(self) -> bool {
        self.stage >= 1
    }

    /// How many of the facets to show.
    pub fn facets(self) -> usize {
        self.stage
            .saturating_sub(1)
            .saturating_mul(FACETS_PER_FRAME)
    }
}

/// Runs `then` once the next frame is painted: a timeout set in a frame
/// callback runs after that frame's paint. Dropping the handle before the
/// frame comes cancels it.
fn after_next_paint(then: impl FnOnce() + 'static) -> gloo::render::AnimationFrame {
    gloo::render::request_animation_frame(move |_| {
        gloo::timers::callback::Timeout::new(0, then).forget();
    })
}

/// The parts to show now. Staging starts when the first view of new data is
/// in (`has_data` and no longer `loading`) and ends once all `facets` are on
/// screen; it holds through later loads, and starts over once the data is
/// cleared.
#[hook]
pub fn use_staged_reveal(has_data: bool, loading: bool, facets: usize) -> Revealed {
    let stage = use_state_eq(|| Revealed { stage: 0 });
    {
        let stage = stage.clone();
        use_effect_with(
            (has_data, loading, facets, *stage),
            move |&(has_data, loading, facets, current)| {
                let mut frame = None;
                if !has_data {
                    stage.set(Revealed { stage: 0 });
                } else if !loading && current != Revealed::ALL {
                    let next = if current.timeline() && current.facets() >= facets {
                        Revealed::ALL
                    } else {
                        Revealed {
                            stage: current.stage + 1,
                        }
                    };
                    frame = Some(after_next_paint(move || stage.set(next)));
                }
                move || drop(frame)
            },
        );
    }
    *stage
}

/// Calls `drawn` once each load's view is wholly on screen and painted:
/// when the staged reveal of the first load completes, and after the first
/// view of every later one (`loads_done` counts them).
#[hook]
pub fn use_drawn_signal(loads_done: u32, revealed: Revealed, drawn: Callback<()>) {
    use_effect_with(
        (loads_done, revealed.complete()),
        move |&(loads_done, complete)| {
            let mut frame = None;
            if loads_done > 0 && complete {
                frame = Some(after_next_paint(move || drawn.emit(())));
            }
            move || drop(frame)
        },
    );
}

/// How many parts of `total` to show: one at first, then one more per
/// painted frame until all are on screen. Starts over when the component
/// that asks is drawn anew, and when `restart` changes (new content).
#[hook]
pub fn use_growing<K: PartialEq + 'static>(total: usize, restart: K) -> usize {
    let shown = use_state_eq(|| 1usize);
    let last = use_mut_ref(|| None::<K>);
    let changed = last.borrow().as_ref() != Some(&restart);
    if changed {
        let first = last.borrow().is_none();
        *last.borrow_mut() = Some(restart);
        if !first && *shown != 1 {
            shown.set(1);
            return 1;
        }
    }
    {
        let shown = shown.clone();
        use_effect_with((total, *shown), move |&(total, current)| {
            let mut frame = None;
            if current < total {
                frame = Some(after_next_paint(move || shown.set(current + 1)));
            }
            move || drop(frame)
        });
    }
    *shown
}
