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
    /// Hashes every file and checks the digests, with the signatures the user gives (`OBJECT=HEX`).
    pub on_verify: Callback<Vec<String>>,
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
    let signatures = use_state(String::new);
    let Some(report) = &props.report else {
        return html! { <section class="panel coverage" data-testid="coverage-report" aria-busy="true"><p class="muted">{"Working out coverage…"}</p></section> };
    };
    let on_verify = {
        let verifying = verifying.clone();
        let on_verify = props.on_verify.clone();
        let signatures = signatures.clone();
        Callback::from(move |_: MouseEvent| {
            verifying.set(true);
            on_verify.emit(signatures.lines().map(str::to_owned).collect());
        })
    };
    let on_signatures = {
        let signatures = signatures.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(area) = e.target_dyn_into::<web_sys::HtmlTextAreaElement>() {
                signatures.set(area.value());
            }
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
                SHA-256 of its uncompressed content, signed with its region's private key; each digest carries the signature of the one before it. \
                Verify hashes every loaded file and checks each digest's RSA signature with the public keys you load beside the logs (the JSON \
                `aws cloudtrail list-public-keys` prints: this page never fetches anything), follows the chain, and says where a digest is missing. \
                The newest digest's signature is only in S3 (`aws s3api head-object`, its x-amz-meta-signature): paste it below as OBJECT=HEX."}</p>
            if report.digests.is_empty() {
                <p>{"No digest files loaded: the log files cannot be checked. Load the CloudTrail-Digest folder next to AWSLogs to check them."}</p>
            } else {
                <ul class="cov-list">
                    { for report.digests.iter().map(|d| html! {
                        <li data-testid="digest-file" title={d.file.clone()}>
                            <b>{ visible(&format!("{} · {}", d.account, d.region)) }</b>
                            { visible(&format!(" · {} → {} · {} log files · {}", d.start.replace('T', " "), d.end.replace('T', " "),
                                thousands(d.log_files), if d.chained { "chained to the previous digest" } else { "first of a chain" })) }
                            <br /><code class="muted small">{ visible(trailglass_core::analysis::digest::base_name(&d.file)) }</code>
                        </li>
                    }) }
                </ul>
                if let Some(integrity) = &report.integrity {
                    { integrity_view(integrity, &report.manifest) }
                } else {
                    <p class="cov-verify">
                        { format!("{} log files named in digests are loaded, not yet checked; {} named are missing.", thousands(unchecked), thousands(report.count(&CheckStatus::Missing))) }
                    </p>
                }
                <div class="cov-verify">
                    <textarea class="case-note" data-testid="digest-signatures" rows="2" aria-label="Digest signatures, OBJECT=HEX, one per line"
                        placeholder="Signatures you have, one per line: DIGEST-OBJECT-KEY=HEX (the newest digest's x-amz-meta-signature)"
                        value={(*signatures).clone()} oninput={on_signatures} />
                    <button class="button small" data-testid="verify-digests" onclick={on_verify} disabled={*verifying}>
                        { if *verifying { "Verifying…".to_owned() } else if report.verified { "Verify again".to_owned() } else { "Verify every file and digest".to_owned() } }
                    </button>
                </div>
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

/// The digests' verdicts once verified: signature, chain, log files; the log
/// files no digest names; the evidence manifest to take away.
fn integrity_view(
    integrity: &trailglass_core::analysis::integrity::Integrity,
    manifest: &[trailglass_core::analysis::integrity::ManifestEntry],
) -> Html {
    let failing = integrity
        .digests
        .iter()
        .filter(|d| {
            d.signature == "invalid" || d.chain == "broken" || d.mismatch > 0 || d.missing > 0
        })
        .count();
    let download = |csv: bool| {
        let manifest = manifest.to_vec();
        Callback::from(move |_: MouseEvent| {
            let (name, mime, bytes) = if csv {
                (
                    "trailglass-evidence.csv",
                    "text/csv",
                    trailglass_core::analysis::integrity::manifest_csv(&manifest).into_bytes(),
                )
            } else {
                (
                    "trailglass-evidence.json",
                    "application/json",
                    serde_json::to_vec_pretty(&manifest).unwrap_or_default(),
                )
            };
            crate::download::download(name.into(), mime.into(), &bytes, false);
        })
    };
    html! {
        <div class="integrity" data-testid="integrity" data-failing={failing.to_string()}>
            <p class={classes!(if failing > 0 { "warn" } else { "ok" })} data-testid="integrity-verdict">
                <b>{ if failing > 0 {
                    format!("{} of {} digests fail a check.", thousands(failing), thousands(integrity.digests.len()))
                } else {
                    format!("All {} digests pass: every check below held.", thousands(integrity.digests.len()))
                } }</b>
                { format!(" {} public key{} loaded.", thousands(integrity.keys), if integrity.keys == 1 { "" } else { "s" }) }
                if integrity.keys == 0 { {" Load the output of `aws cloudtrail list-public-keys` beside the logs to check signatures."} }
            </p>
            <table class="integrity-table">
                <thead><tr><th>{"Digest (end time)"}</th><th>{"Signature"}</th><th>{"Chain"}</th><th>{"Log files"}</th></tr></thead>
                <tbody>
                { for integrity.digests.iter().map(|d| html! {
                    <tr data-testid="digest-verdict" data-file={d.file.clone()} data-end={d.end_time.clone()} data-signature={d.signature.clone()}
                        data-chain={d.chain.clone()} data-match={d.matched.to_string()} data-mismatch={d.mismatch.to_string()} data-missing={d.missing.to_string()}>
                        <td><b>{ visible(&format!("{} · {}", d.account, d.region)) }</b>{ format!(" {}", d.end_time.replace('T', " ")) }
                            <br /><code class="muted small">{ visible(trailglass_core::analysis::digest::base_name(&d.file)) }</code></td>
                        <td><span class={classes!("status-badge", format!("sig-{}", d.signature))}>{ d.signature.clone() }</span>
                            if let Some(detail) = &d.signature_detail { <br /><span class="muted small">{ visible(detail) }</span> }</td>
                        <td><span class={classes!("status-badge", format!("chain-{}", d.chain))}>{ d.chain.clone() }</span>
                            if let Some(missing) = &d.missing_digest {
                                <br /><span class="warn small" data-testid="missing-digest">{"missing before it: "}<code>{ visible(trailglass_core::analysis::digest::base_name(missing)) }</code></span>
                            }</td>
                        <td>{ format!("{} match · {} mismatch · {} missing", d.matched, d.mismatch, d.missing) }</td>
                    </tr>
                }) }
                </tbody>
            </table>
            if !integrity.uncovered.is_empty() {
                <p class="warn">{ format!("{} loaded log files are named by no loaded digest:", thousands(integrity.uncovered.len())) }</p>
                <ul class="cov-list">
                    { for integrity.uncovered.iter().take(200).map(|file| html! {
                        <li data-testid="uncovered-file"><code>{ visible(file) }</code></li>
                    }) }
                </ul>
            }
            <p>
                {"Evidence manifest (every file, its SHA-256, its verdict): "}
                <button class="button small" data-testid="manifest-csv" onclick={download(true)}>{"CSV"}</button>{" "}
                <button class="button small" data-testid="manifest-json" onclick={download(false)}>{"JSON"}</button>
            </p>
        </div>
    }
}
