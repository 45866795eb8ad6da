//! Owns the timeline: a stacked histogram (success, errors, AccessDenied)
//! over the current filter. Drag across it to zoom into a range; hover a bar
//! for its time and counts.

use super::format::{axis, duration, thousands, time};
use trailglass_core::query::view::Timeline;
use wasm_bindgen::JsCast;
use yew::prelude::*;

const WIDTH: f64 = 1000.0;
const HEIGHT: f64 = 140.0;

#[derive(Properties, PartialEq)]
pub struct TimelineProps {
    pub timeline: Timeline,
    pub zoomed: bool,
    pub local_time: bool,
    pub on_range: Callback<Option<(f64, f64)>>,
    pub on_toggle_local: Callback<()>,
}

/// The fraction (0..=1) of the chart's width under the pointer.
fn pointer_fraction(event: &MouseEvent) -> Option<f64> {
    let target: web_sys::Element = event.current_target()?.dyn_into().ok()?;
    let rect = target.get_bounding_client_rect();
    (rect.width() > 0.0)
        .then(|| ((f64::from(event.client_x()) - rect.left()) / rect.width()).clamp(0.0, 1.0))
}

#[component]
pub fn TimelineChart(props: &TimelineProps) -> Html {
    let drag = use_state(|| None::<(f64, f64)>);
    let hover = use_state(|| None::<usize>);
    let line = &props.timeline;
    let buckets = line.ok.len();
    if buckets == 0 {
        return html! { <section class="panel timeline" data-testid="timeline" data-buckets="0"><span class="muted">{"No timed events in view."}</span></section> };
    }
    let max = f64::from(line.max_bucket().max(1));
    let bar_width = WIDTH / buckets as f64;

    let on_down = {
        let drag = drag.clone();
        Callback::from(move |event: MouseEvent| {
            if let Some(f) = pointer_fraction(&event) {
                drag.set(Some((f, f)));
            }
        })
    };
    let on_move = {
        let drag = drag.clone();
        let hover = hover.clone();
        Callback::from(move |event: MouseEvent| {
            let Some(f) = pointer_fraction(&event) else {
                return;
            };
            hover.set(Some(((f * buckets as f64) as usize).min(buckets - 1)));
            if let Some((start, _)) = *drag {
                drag.set(Some((start, f)));
            }
        })
    };
    let on_leave = {
        let hover = hover.clone();
        let drag = drag.clone();
        Callback::from(move |_: MouseEvent| {
            hover.set(None);
            drag.set(None);
        })
    };
    let on_up = {
        let drag = drag.clone();
        let on_range = props.on_range.clone();
        let (start_ms, bucket_ms) = (line.start_ms as f64, line.bucket_ms as f64);
        Callback::from(move |_: MouseEvent| {
            if let Some((a, b)) = *drag {
                let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
                let first = ((lo * buckets as f64).floor()).min(buckets as f64 - 1.0);
                let last = ((hi * buckets as f64).floor()).min(buckets as f64 - 1.0);
                // A click (no drag) zooms into the bucket under the pointer.
                on_range.emit(Some((
                    start_ms + first * bucket_ms,
                    start_ms + (last + 1.0) * bucket_ms,
                )));
            }
            drag.set(None);
        })
    };
    let reset = {
        let on_range = props.on_range.clone();
        Callback::from(move |_: MouseEvent| on_range.emit(None))
    };
    let toggle_local = {
        let on_toggle = props.on_toggle_local.clone();
        Callback::from(move |_: MouseEvent| on_toggle.emit(()))
    };

    let bars = (0..buckets).map(|i| {
        let x = i as f64 * bar_width;
        let mut y = HEIGHT;
        let mut parts = Vec::new();
        for (count, class) in [(line.ok[i], "bar-ok"), (line.errors[i], "bar-error"), (line.denied[i], "bar-denied")] {
            if count == 0 {
                continue;
            }
            let h = (f64::from(count) / max * (HEIGHT - 4.0)).max(1.0);
            y -= h;
            parts.push(html! { <rect class={class} x={format!("{x:.2}")} y={format!("{y:.2}")} width={format!("{:.2}", (bar_width - 0.6).max(0.6))} height={format!("{h:.2}")} /> });
        }
        html! { <g>{ for parts }</g> }
    });
    let selection = drag.as_ref().map(|&(a, b)| {
        let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
        html! { <rect class="brush" x={format!("{:.1}", lo * WIDTH)} y="0" width={format!("{:.1}", ((hi - lo) * WIDTH).max(1.0))} height={HEIGHT.to_string()} /> }
    });
    let ticks = 6.min(buckets);
    let labels = (0..ticks).map(|t| {
        let bucket = t * buckets / ticks;
        let at = line.start_ms + bucket as i64 * line.bucket_ms;
        html! { <span style={format!("left:{:.2}%", bucket as f64 * 100.0 / buckets as f64)}>{ axis(at, line.bucket_ms, props.local_time) }</span> }
    });
    let hover_text = hover.map(|i| {
        let at = line.start_ms + i as i64 * line.bucket_ms;
        format!(
            "{} – {}: {} ok, {} errors, {} AccessDenied",
            time(at, props.local_time),
            time(at + line.bucket_ms, props.local_time),
            thousands(line.ok[i] as usize),
            thousands(line.errors[i] as usize),
            thousands(line.denied[i] as usize)
        )
    });
    html! {
        <section class="panel timeline" data-testid="timeline" data-buckets={buckets.to_string()} data-bucket-ms={line.bucket_ms.to_string()}>
            <div class="timeline-head">
                <h2>{"Timeline"}</h2>
                <span class="legend"><i class="sw ok"></i>{"success"}<i class="sw error"></i>{"error"}<i class="sw denied"></i>{"AccessDenied"}</span>
                <span class="muted">{ format!("{} per bar", duration(line.bucket_ms)) }</span>
                if line.untimed > 0 { <span class="warn">{ format!("{} events without a time are not drawn", thousands(line.untimed as usize)) }</span> }
                <span class="spacer"></span>
                <span class="hover-info" data-testid="timeline-hover">{ hover_text.unwrap_or_else(|| "Drag across the chart to zoom in".to_owned()) }</span>
                <button class="button small" onclick={toggle_local} data-testid="time-zone" title="Show times in UTC or in this browser's time zone">
                    { if props.local_time { "Local time" } else { "UTC" } }
                </button>
                if props.zoomed {
                    <button class="button small" data-testid="zoom-reset" onclick={reset}>{"Zoom out"}</button>
                }
            </div>
            <svg class="chart" data-testid="timeline-chart" viewBox={format!("0 0 {WIDTH} {HEIGHT}")} preserveAspectRatio="none"
                 onmousedown={on_down} onmousemove={on_move} onmouseup={on_up} onmouseleave={on_leave} role="img"
                 aria-label="Events over time; drag to zoom">
                { for bars }
                { for selection }
            </svg>
            <div class="axis">{ for labels }</div>
        </section>
    }
}
