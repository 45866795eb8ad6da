//! Owns writing what the user filtered to files they take away: CSV cells
//! neutralised against spreadsheet formula injection.

use crate::time::format_utc;
use crate::view::PrincipalStats;

/// A CSV cell: quoted when needed, and prefixed with `'` when it would
/// start a spreadsheet formula (`=`, `+`, `-`, `@`, tab, CR).
pub fn csv_cell(value: &str) -> String {
    let neutral = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    if neutral.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", neutral.replace('"', "\"\""))
    } else {
        neutral
    }
}

fn csv_line(cells: &[String]) -> String {
    let mut line = cells
        .iter()
        .map(|c| csv_cell(c))
        .collect::<Vec<_>>()
        .join(",");
    line.push_str("\r\n");
    line
}

pub fn principals_csv(stats: &[PrincipalStats]) -> String {
    let mut out = csv_line(
        &[
            "kind",
            "principal",
            "group",
            "account",
            "events",
            "errors",
            "access_denied",
            "first_seen",
            "last_seen",
            "source_ips",
            "top_actions",
            "top_services",
        ]
        .map(String::from),
    );
    for s in stats {
        let time = |t: Option<i64>| t.map(format_utc).unwrap_or_default();
        let top = |values: &[crate::view::FacetValue]| {
            values
                .iter()
                .map(|v| format!("{} ({})", v.value, v.count))
                .collect::<Vec<_>>()
                .join("; ")
        };
        out.push_str(&csv_line(&[
            s.kind.clone(),
            s.name.clone(),
            s.group.clone(),
            s.account.clone(),
            s.events.to_string(),
            s.errors.to_string(),
            s.denied.to_string(),
            time(s.first_ms),
            time(s.last_ms),
            s.source_ips.to_string(),
            top(&s.top_actions),
            top(&s.top_services),
        ]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_that_start_a_formula_are_neutralised() {
        assert_eq!(csv_cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_cell("+1"), "'+1");
        assert_eq!(csv_cell("-2"), "'-2");
        assert_eq!(csv_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_cell("\tx"), "'\tx");
        assert_eq!(csv_cell("a,b"), "\"a,b\"");
        assert_eq!(csv_cell("plain"), "plain");
    }
}
