//! Owns the Coverage tab: the accounts × regions × hours heat map, delivery
//! gaps, duplicate files and digest checks, each explained in plain words.

use super::format::{thousands, visible};
use std::rc::Rc;
use trailglass_core::analysis::coverage::{CellState, CheckStatus, CoverageReport, HOUR_MS};
use trailglass_core::time::format_utc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct CoverageProps {
    pub report: Option<Rc<CoverageReport>>,
    pub on_verify: Callback<()>,
}

const LABEL_WIDTH: usize = 200;
const ROW_HEIGHT: usize = 22;
const HEADER_HEIGHT: usize = 22;

/// `YYYY-MM-DD HH:MM` UTC.
fn minute(ms: i64) -> String {
    format_utc(ms).replace('T', " ")[..16].to_owned()
}

/// Colour level 1..=4 on a log scale, so a quiet hour next to a busy one still shows.
fn level(events: u32, max: u32) -> u32 {
    if events == 0 || max == 0 {
        return 0;
    }
    let ratio = (1.0 + events as f64).ln() / (1.0 + max as f64).ln();
    ((ratio * 4.0).ceil() as u32).clamp(1, 4)
}

fn heat_map(report: &CoverageReport) -> Html {
    let cell_width = (900 / report.columns.max(1)).clamp(8, 48);
    let width = LABEL_WIDTH + cell_width * report.columns;
    let height = HEADER_HEIGHT + ROW_HEIGHT * report.rows.len();
    let max = report
        .rows
        .iter()
        .flat_map(|r| &r.cells)
        .map(|c| c.events)
        .max()
        .unwrap_or(0);
    let column_ms = report.column_hours as i64 * HOUR_MS;
    // An hour label every few columns, enough to read without overlap.
    let label_every = (70 / cell_width).max(1);
    let labels = (0..report.columns).step_by(label_every).map(|column| {
        let at = report.start_ms + column as i64 * column_ms;
        html! {
            <text class="cov-axis" x={(LABEL_WIDTH + column * cell_width).to_string()} y="14">{ minute(at)[11..].to_owned() }</text>
        }
    });
    let rows = report.rows.iter().enumerate().map(|(index, row)| {
        let y = HEADER_HEIGHT + index * ROW_HEIGHT;
        let cells = row.cells.iter().enumerate().map(|(column, cell)| {
            let at = report.start_ms + column as i64 * column_ms;
            let (class, state) = match cell.state {
                CellState::Delivered => (format!("cov-cell cov-l{}", level(cell.events, max)), "delivered"),
                CellState::NoDelivery => ("cov-cell cov-none".to_owned(), "no-delivery"),
                CellState::Outside => ("cov-cell cov-outside".to_owned(), "outside"),
            };
            let what = match cell.state {
                CellState::NoDelivery => "no delivery inside this stream's span".to_owned(),
                CellState::Outside => "outside this stream's span".to_owned(),
                CellState::Delivered => format!("{} events, {} files", thousands(cell.events as usize), thousands(cell.files as usize)),
            };
            let title = format!("{} · {} · {} UTC (+{} h): {what}", row.account, row.region, minute(at), report.column_hours);
            html! {
                <rect class={class} data-testid="coverage-cell" data-region={row.region.clone()} data-account={row.account.clone()}
                    data-hour={minute(at)} data-events={cell.events.to_string()} data-files={cell.files.to_string()} data-state={state}
                    x={(LABEL_WIDTH + column * cell_width + 1).to_string()} y={(y + 1).to_string()}
                    width={(cell_width - 2).to_string()} height={(ROW_HEIGHT - 2).to_string()} rx="2">
                    <title>{ visible(&title) }</title>
                </rect>
            }
        });
        html! {
            <g>
                <text class="cov-label" x="0" y={(y + 15).to_string()}>{ visible(&format!("{} · {}", row.account, row.region)) }</text>
                { for cells }
            </g>
        }
    });
    html! {
        <div class="cov-scroll">
            <svg data-testid="coverage-heatmap" role="img" aria-label="Events per account, region and hour"
                width={width.to_string()} height={height.to_string()} viewBox={format!("0 0 {width} {height}")}>
                { for labels }
                { for rows }
            </svg>
        </div>
    }
}

#[component]
pub fn CoverageView(props: &CoverageProps) -> Html {
    let verifying = use_state(|| false);
    {
        let verifying = verifying.clone();
        use_effect_with(props.report.clone(), move |_| verifying.set(false));
    }
    let Some(report) = &props.report else {
        return html! { <section class="panel coverage" data-testid="coverage-report" aria-busy="true"><p class="muted">{"Working out coverage…"}</p></section> };
    };
    let on_verify = {
        let verifying = verifying.clone();
        let on_verify = props.on_verify.clone();
        Callback::from(move |_: MouseEvent| {
            verifying.set(true);
            on_verify.emit(());
        })
    };
    let span = (report.columns > 0).then(|| {
        let end = report.start_ms + (report.columns * report.column_hours) as i64 * HOUR_MS;
        format!("{} → {} UTC", minute(report.start_ms), minute(end))
    });
    let unchecked = report.count(&CheckStatus::Unchecked);
    html! {
        <section class="panel coverage" data-testid="coverage-report">
            <h2>{"Coverage and integrity"}</h2>
            <p class="muted">
                { format!("{} account/region streams · {} files named like CloudTrail S3 deliveries · {} other event file{} (placed by event time)",
                    thousands(report.rows_total), thousands(report.named_files), thousands(report.other_files), if report.other_files == 1 { "" } else { "s" }) }
                if let Some(span) = span { { format!(" · {span}") } }
            </p>

            <h3>{"Events per account, region and hour"}</h3>
            if report.rows.is_empty() {
                <p class="muted">{"No event has a time: nothing to place."}</p>
            } else {
                { heat_map(report) }
                <p class="legend small">
                    <span class="swatch cov-l1" />{"few events "}<span class="swatch cov-l4" />{"many "}
                    <span class="swatch cov-none" />{"no delivery, inside the stream's first and last delivery "}
                    <span class="swatch cov-outside" />{"outside that span"}
                </p>
                if report.rows_total > report.rows.len() {
                    <p class="muted">{ format!("The first {} of {} streams are drawn.", report.rows.len(), report.rows_total) }</p>
                }
            }

            <h3>{ format!("Gaps in five-minute deliveries ({})", thousands(report.gaps_total)) }</h3>
            <p class="muted small">{"CloudTrail writes a file per account and region about every five minutes, but only when there was activity. \
                A run of slots with no file is therefore \"no delivery\", not proof of a missing file: in a quiet region it is usually silence; \
                in a stream that otherwise has a file in nearly every slot, it is worth checking for deleted files. Slots come from the time in \
                each file's name, or from event times for files not named like S3 deliveries."}</p>
            if report.gaps.is_empty() {
                <p>{"No gaps: every five-minute slot between each stream's first and last delivery has one."}</p>
            } else {
                <ul class="cov-list">
                    { for report.gaps.iter().map(|gap| html! {
                        <li data-testid="coverage-gap" data-region={gap.region.clone()} data-account={gap.account.clone()}
                            data-first={format_utc(gap.first_ms)} data-last={format_utc(gap.last_ms)} data-slots={gap.slots.to_string()}>
                            <b>{ visible(&format!("{} · {}", gap.account, gap.region)) }</b>
                            { format!(": no delivery {} → {} UTC, {} five-minute slot{}", minute(gap.first_ms), &minute(gap.last_ms)[11..],
                                thousands(gap.slots), if gap.slots == 1 { "" } else { "s" }) }
                            <span class={classes!("muted", (gap.delivered_percent >= 90).then_some("warn"))}>
                                { format!(" (this stream has a {} in {}% of its slots)", if gap.by_name { "file" } else { "event" }, gap.delivered_percent) }
                            </span>
                        </li>
                    }) }
                </ul>
                if report.gaps_total > report.gaps.len() {
                    <p class="muted">{ format!("The {} longest are listed.", report.gaps.len()) }</p>
                }
            }

            <h3>{ format!("Digest files ({})", thousands(report.digests.len())) }</h3>
            <p class="muted small">{"With log file validation on, CloudTrail delivers an hourly digest file listing each log file it delivered with the \
                SHA-256 of its uncompressed content. Here each listed log file that is loaded is hashed and compared. The digest's own RSA signature \
                (and its chain to the previous digest) can only be checked with AWS's public key, which this page never fetches: use \
                `aws cloudtrail validate-logs` for that."}</p>
            if report.digests.is_empty() {
                <p>{"No digest files loaded: the log files cannot be checked. Load the CloudTrail-Digest folder next to AWSLogs to check them."}</p>
            } else {
                <ul class="cov-list">
                    { for report.digests.iter().map(|d| html! {
                        <li data-testid="digest-file" title={d.file.clone()}>
                            <b>{ visible(&format!("{} · {}", d.account, d.region)) }</b>
                            { visible(&format!(" · {} → {} · {} log files · {}", d.start.replace('T', " "), d.end.replace('T', " "),
                                thousands(d.log_files), if d.chained { "chained to the previous digest (signature not checked)" } else { "first of a chain" })) }
                            <br /><code class="muted small">{ visible(trailglass_core::analysis::digest::base_name(&d.file)) }</code>
                        </li>
                    }) }
                </ul>
                <p class="cov-verify">
                    { format!("{} match · {} mismatch · {} missing (named in a digest, not loaded) · {} not yet checked",
                        report.count(&CheckStatus::Match), report.count(&CheckStatus::Mismatch), report.count(&CheckStatus::Missing), unchecked) }
                    if unchecked > 0 {
                        <button class="button small" data-testid="verify-digests" onclick={on_verify} disabled={*verifying}>
                            { if *verifying { "Verifying…".to_owned() } else { format!("Verify {} log files against their digests", thousands(unchecked)) } }
                        </button>
                    }
                </p>
                <ul class="cov-list">
                    { for report.checks.iter().map(|check| {
                        let status = check.status.code();
                        let detail = match &check.status {
                            trailglass_core::analysis::coverage::CheckStatus::Unreadable(reason) => format!("could not be hashed: {reason}"),
                            trailglass_core::analysis::coverage::CheckStatus::Mismatch => format!("changed since delivery: SHA-256 {}, the digest says {}",
                                check.actual.as_deref().unwrap_or("?"), check.expected),
                            trailglass_core::analysis::coverage::CheckStatus::Missing => "named in the digest, not among the loaded files".to_owned(),
                            trailglass_core::analysis::coverage::CheckStatus::Unchecked => "loaded, not yet hashed".to_owned(),
                            trailglass_core::analysis::coverage::CheckStatus::Match => "SHA-256 matches the digest".to_owned(),
                        };
                        html! {
                            <li class="check" data-testid="digest-check" data-status={status} data-object={check.s3_object.clone()}>
                                <span class={classes!("status-badge", format!("st-{status}"))}>{ status }</span>
                                <code>{ visible(trailglass_core::analysis::digest::base_name(&check.s3_object)) }</code>
                                <span class="muted small">{ visible(&detail) }</span>
                            </li>
                        }
                    }) }
                </ul>
                if report.checks_total > report.checks.len() {
                    <p class="muted">{ format!("The first {} of {} are listed, problems first.", report.checks.len(), report.checks_total) }</p>
                }
            }

            <h3>{ format!("Duplicates: {} files, {} events", thousands(report.duplicate_files.len()), thousands(report.duplicate_events)) }</h3>
            <p class="muted small">{"A repeated event (same eventID, name, time and account) is counted once. A duplicate file is one none of whose events were new."}</p>
            if !report.duplicate_files.is_empty() {
                <ul class="cov-list">
                    { for report.duplicate_files.iter().map(|dup| html! {
                        <li data-testid="duplicate-file" data-file={dup.name.clone()}>
                            <code>{ visible(&dup.name) }</code>
                            { format!(": all {} events already loaded", thousands(dup.events)) }
                            if let Some(original) = &dup.same_as {
                                {" — the same events as "}<code>{ visible(original) }</code>
                            } else {
                                {" from several other files"}
                            }
                        </li>
                    }) }
                </ul>
            }
        </section>
    }
}
