//! Owns the case report: one self-contained HTML file a colleague opens from
//! an email attachment, with no Trailglass and no network. Every piece of
//! text from the logs or the case is escaped here, the file carries no
//! script, and its Content-Security-Policy forbids scripts and every
//! request, so nothing in it can run or call out even where escaping failed.

use super::{Case, CaseEvent};
use crate::analysis::coverage::CoverageReport;
use crate::analysis::lineage::{Chain, ChainEnd};
use std::fmt::Write;

/// A finding as the report lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportFinding {
    pub id: String,
    pub title: String,
    pub level: String,
    pub technique: String,
    pub count: usize,
    /// A Sigma rule's author (the Detection Rule License asks it be shown).
    pub author: Option<String>,
}

/// A loaded file: its name, size and SHA-256 (or why it has none).
#[derive(Debug, Clone, PartialEq)]
pub struct ReportFile {
    pub name: String,
    pub bytes: u64,
    pub sha256: Result<String, String>,
}

/// Everything a report says besides the case itself.
pub struct ReportInput<'a> {
    pub case: &'a Case,
    /// When the report was written (RFC 3339).
    pub generated: String,
    pub events_loaded: usize,
    pub first_event: Option<String>,
    pub last_event: Option<String>,
    pub findings: &'a [ReportFinding],
    /// Who is behind each principal of the case.
    pub lineage: &'a [(String, Vec<Chain>)],
    pub coverage: Option<&'a CoverageReport>,
    pub files: &'a [ReportFile],
}

/// Text made safe for HTML text and quoted attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Controls and bidirectional overrides would let log text disguise itself.
            c if c.is_control() && c != '\n' && c != '\t' => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:70rem;padding:0 1rem;color:#1d2330;background:#fff}\
h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #ccd;padding-bottom:.2rem}\
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.25rem .5rem;border-bottom:1px solid #e3e6ee;vertical-align:top}\
.mono,pre{font-family:ui-monospace,monospace;font-size:12px}pre{background:#f4f6fa;padding:.6rem;overflow:auto;white-space:pre-wrap;word-break:break-all}\
.note{white-space:pre-wrap;background:#fff8e1;border-left:3px solid #e0a800;padding:.4rem .6rem}.muted{color:#667}\
.tag{display:inline-block;border:1px solid #99a;border-radius:1rem;padding:0 .5rem;margin-right:.3rem;font-size:12px}\
.nowrap{white-space:nowrap}.bad{color:#b00020;font-weight:600}.good{color:#1b7f3b;font-weight:600}.event{border:1px solid #dde;border-radius:6px;padding:.6rem 1rem;margin:1rem 0}\
@media (prefers-color-scheme:dark){body{background:#15181f;color:#dde3ee}pre{background:#1f2430}.note{background:#2a2514}th,td{border-color:#2c3240}.muted{color:#99a}}";

/// The report as one HTML document.
pub fn html(input: &ReportInput) -> String {
    let case = input.case;
    let title = if case.title.is_empty() {
        "Trailglass case report"
    } else {
        &case.title
    };
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src 'none'; form-action 'none'; base-uri 'none'\">\
         <meta name=\"referrer\" content=\"no-referrer\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <title>{}</title><style>{STYLE}</style></head><body>\n<h1>{}</h1>\n",
        escape(title),
        escape(title)
    );
    let timeline = case.timeline();
    let _ = writeln!(
        out,
        "<p class=\"muted\">Written by Trailglass at {} from {} loaded events ({} → {}). \
         {} events in the case, {} starred; {} findings; {} files.</p>",
        escape(&input.generated),
        input.events_loaded,
        escape(input.first_event.as_deref().unwrap_or("?")),
        escape(input.last_event.as_deref().unwrap_or("?")),
        timeline.len(),
        timeline.iter().filter(|e| e.starred).count(),
        input.findings.len(),
        input.files.len(),
    );
    out.push_str("<nav><a href=\"#timeline\">Timeline</a> · <a href=\"#events\">Events</a> · <a href=\"#principals\">Principals</a> · <a href=\"#findings\">Findings</a> · <a href=\"#integrity\">Coverage and integrity</a> · <a href=\"#files\">Files</a></nav>\n");

    out.push_str("<h2 id=\"timeline\">Timeline</h2>\n");
    if timeline.is_empty() {
        out.push_str("<p class=\"muted\">No event is marked in this case.</p>\n");
    } else {
        out.push_str("<table><thead><tr><th>Time (UTC)</th><th>Action</th><th>Principal</th><th>Source IP</th><th>Error</th><th>Tags</th><th>Note</th></tr></thead><tbody>\n");
        for (n, event) in timeline.iter().enumerate() {
            let _ = writeln!(
                out,
                "<tr><td class=\"mono nowrap\"><a href=\"#event-{n}\">{}</a></td><td>{}</td><td class=\"mono\">{}</td><td class=\"mono\">{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                escape(&event.time.replace('T', " ")),
                escape(&format!("{} ({})", event.event_name, event.event_source)),
                escape(&event.principal),
                escape(&event.source_ip),
                escape(&event.error_code),
                tags(event),
                escape(first_line(&event.note)),
            );
        }
        out.push_str("</tbody></table>\n");
    }

    out.push_str("<h2 id=\"events\">Events</h2>\n");
    for (n, event) in timeline.iter().enumerate() {
        let _ = write!(
            out,
            "<section class=\"event\" id=\"event-{n}\"><h3>{}{} · {}</h3><p class=\"mono muted\">{} · {}</p>{}",
            if event.starred { "★ " } else { "" },
            escape(&event.event_name),
            escape(&event.time),
            escape(&event.key),
            escape(&event.principal),
            tags(event),
        );
        if !event.note.is_empty() {
            let _ = write!(out, "<div class=\"note\">{}</div>", escape(&event.note));
        }
        let _ = writeln!(out, "<pre>{}</pre></section>", escape(&event.json));
    }

    out.push_str("<h2 id=\"principals\">Principals</h2>\n");
    let mut principals: Vec<&str> = case.events.iter().map(|e| e.principal.as_str()).collect();
    principals.extend(case.principals.iter().map(|p| p.principal.as_str()));
    principals.sort_unstable();
    principals.dedup();
    principals.retain(|p| !p.is_empty());
    if principals.is_empty() {
        out.push_str("<p class=\"muted\">None.</p>\n");
    }
    for principal in principals {
        let _ = write!(out, "<h3 class=\"mono\">{}</h3>", escape(principal));
        let note = case.principal_note(principal);
        if !note.is_empty() {
            let _ = write!(out, "<div class=\"note\">{}</div>", escape(note));
        }
        let chains = input
            .lineage
            .iter()
            .find(|(name, _)| name == principal)
            .map(|(_, chains)| chains.as_slice())
            .unwrap_or_default();
        if chains.is_empty() {
            out.push_str("<p class=\"muted\">No session lineage in the loaded logs.</p>");
        } else {
            out.push_str("<ul>");
            for chain in chains {
                let _ = write!(out, "<li>{}</li>", lineage(chain));
            }
            out.push_str("</ul>");
        }
        out.push('\n');
    }

    out.push_str("<h2 id=\"findings\">Findings</h2>\n");
    if input.findings.is_empty() {
        out.push_str("<p class=\"muted\">No rule fired.</p>\n");
    } else {
        out.push_str("<table><thead><tr><th>Level</th><th>Rule</th><th>Events</th><th>ATT&amp;CK</th><th>Author</th></tr></thead><tbody>\n");
        for finding in input.findings {
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td>{} <span class=\"muted mono\">{}</span></td><td>{}</td><td class=\"mono\">{}</td><td>{}</td></tr>",
                escape(&finding.level),
                escape(&finding.title),
                escape(&finding.id),
                finding.count,
                escape(&finding.technique),
                escape(finding.author.as_deref().unwrap_or("")),
            );
        }
        out.push_str("</tbody></table>\n");
    }

    out.push_str("<h2 id=\"integrity\">Coverage and integrity</h2>\n");
    match input.coverage {
        None => out.push_str("<p class=\"muted\">No coverage report.</p>\n"),
        Some(report) => integrity(&mut out, report),
    }

    out.push_str("<h2 id=\"files\">Files loaded</h2>\n<table><thead><tr><th>File</th><th>Bytes</th><th>SHA-256</th></tr></thead><tbody>\n");
    for file in input.files {
        let hash = match &file.sha256 {
            Ok(hex) => escape(hex),
            Err(why) => format!("<span class=\"bad\">{}</span>", escape(why)),
        };
        let _ = writeln!(
            out,
            "<tr><td class=\"mono\">{}</td><td>{}</td><td class=\"mono\">{hash}</td></tr>",
            escape(&file.name),
            file.bytes
        );
    }
    out.push_str("</tbody></table>\n</body></html>\n");
    out
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or("")
}

fn tags(event: &CaseEvent) -> String {
    event
        .tags
        .iter()
        .map(|t| format!("<span class=\"tag\">{}</span>", escape(t)))
        .collect()
}

fn lineage(chain: &Chain) -> String {
    let hops: Vec<String> = chain
        .hops
        .iter()
        .map(|hop| {
            let how = hop
                .issued_by
                .as_ref()
                .map(|by| {
                    format!(
                        " <span class=\"muted\">({} at {})</span>",
                        escape(&by.event_name),
                        escape(&by.time)
                    )
                })
                .unwrap_or_default();
            format!(
                "<span class=\"mono\">{}</span> <span class=\"muted\">{}{}</span>{how}",
                escape(&hop.name),
                escape(&hop.kind),
                if hop.inferred { ", inferred" } else { "" }
            )
        })
        .collect();
    let end = match chain.end {
        ChainEnd::Origin => "",
        ChainEnd::NotInLogs => " — the session before this is not in the loaded logs",
        ChainEnd::Inferred => " — the person is named from the session name",
        ChainEnd::Cycle => " — the credentials loop back on themselves",
        ChainEnd::TooLong => " — the chain is longer than shown",
    };
    let source = chain
        .source_identity
        .as_ref()
        .map(|s| format!(" · sourceIdentity {}", escape(s)))
        .unwrap_or_default();
    format!(
        "{}{end}{source} <span class=\"muted\">({} sessions)</span>",
        hops.join(" → "),
        chain.sessions
    )
}

fn integrity(out: &mut String, report: &CoverageReport) {
    let _ = writeln!(
        out,
        "<p>{} delivery files by name, {} other files; {} gaps in delivery; {} files whose events were all repeats.</p>",
        report.named_files,
        report.other_files,
        report.gaps_total,
        report.duplicate_files.len()
    );
    if !report.gaps.is_empty() {
        out.push_str("<table><thead><tr><th>Account</th><th>Region</th><th>Empty five-minute slots</th><th>From</th><th>To</th></tr></thead><tbody>");
        for gap in &report.gaps {
            let _ = write!(
                out,
                "<tr><td class=\"mono\">{}</td><td>{}</td><td>{}</td><td class=\"mono\">{}</td><td class=\"mono\">{}</td></tr>",
                escape(&gap.account),
                escape(&gap.region),
                gap.slots,
                crate::time::format_utc(gap.first_ms),
                crate::time::format_utc(gap.last_ms),
            );
        }
        out.push_str("</tbody></table>\n");
    }
    if report.digests.is_empty() {
        out.push_str("<p class=\"muted\">No digest files were loaded: the log files' integrity is not checked.</p>\n");
        return;
    }
    if let Some(integrity) = &report.integrity {
        let _ = writeln!(
            out,
            "<p>{} public keys loaded; {} log files named by no digest.</p>",
            integrity.keys,
            integrity.uncovered.len()
        );
        out.push_str("<table><thead><tr><th>Digest end</th><th>Signature</th><th>Chain</th><th>Log files</th></tr></thead><tbody>");
        for d in &integrity.digests {
            let signature_class = if d.signature == "valid" {
                "good"
            } else {
                "bad"
            };
            let chain_class = if d.chain == "broken" { "bad" } else { "good" };
            let missing = d
                .missing_digest
                .as_deref()
                .map(|m| format!(" (missing: {})", escape(m)))
                .unwrap_or_default();
            let _ = write!(
                out,
                "<tr><td class=\"mono\">{} {}</td><td class=\"{signature_class}\">{}</td><td class=\"{chain_class}\">{}{missing}</td><td>{} match, {} mismatch, {} missing</td></tr>",
                escape(&d.region),
                escape(&d.end_time),
                escape(&d.signature),
                escape(&d.chain),
                d.matched,
                d.mismatch,
                d.missing
            );
        }
        out.push_str("</tbody></table>\n");
    }
    let count = |code: &str| {
        report
            .checks
            .iter()
            .filter(|c| c.status.code() == code)
            .count()
    };
    let (matched, mismatched, missing) = (count("match"), count("mismatch"), count("missing"));
    let verdict = if !report.verified {
        "<span class=\"muted\">not verified (the files were not hashed)</span>".to_owned()
    } else if mismatched + missing == 0 {
        format!("<span class=\"good\">{matched} log files match their digests</span>")
    } else {
        format!("<span class=\"bad\">{mismatched} log files differ from their digests, {missing} named in digests are missing</span>; {matched} match")
    };
    let _ = writeln!(
        out,
        "<p>{} digest files: {verdict}.</p>",
        report.digests.len()
    );
    let bad: Vec<_> = report
        .checks
        .iter()
        .filter(|c| matches!(c.status.code(), "mismatch" | "missing" | "unreadable"))
        .collect();
    if !bad.is_empty() {
        out.push_str("<table><thead><tr><th>Verdict</th><th>Log file</th><th>Digest</th></tr></thead><tbody>");
        for check in bad {
            let _ = write!(
                out,
                "<tr><td class=\"bad\">{}</td><td class=\"mono\">{}</td><td class=\"mono\">{}</td></tr>",
                check.status.code(),
                escape(&check.s3_object),
                escape(&check.digest)
            );
        }
        out.push_str("</tbody></table>\n");
    }
}
