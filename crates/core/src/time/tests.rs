//! Tests of `time`.

use super::*;

#[test]
fn the_extremes_of_a_parse_lie_in_parsed_times() {
    for text in [
        "0000-01-01T00:00:00+99:59",
        "0000-01-01",
        "9999-12-31T23:59:60.999-99:59",
        "9999-12-31T23:59:59Z",
    ] {
        let time = parse_rfc3339(text).expect(text);
        assert!(PARSED_TIMES.contains(&time), "{text}");
    }
}

#[test]
fn parses_cloudtrail_forms() {
    assert_eq!(parse_rfc3339("1970-01-01T00:00:00Z"), Some(0));
    assert_eq!(
        parse_rfc3339("2014-03-23T21:50:34Z"),
        Some(1_395_611_434_000)
    );
    assert_eq!(
        parse_rfc3339("2023-11-30T03:02:26.779241Z"),
        Some(parse_rfc3339("2023-11-30T03:02:26Z").unwrap() + 779)
    );
    assert_eq!(
        parse_rfc3339("2024-05-01T12:00:00+02:00"),
        parse_rfc3339("2024-05-01T10:00:00Z")
    );
    assert_eq!(
        parse_rfc3339("2025-01-21 17:49:47.000000000"),
        parse_rfc3339("2025-01-21T17:49:47Z")
    );
    assert_eq!(
        parse_rfc3339("2024-05-02"),
        parse_rfc3339("2024-05-02T00:00:00Z")
    );
    assert_eq!(
        parse_rfc3339("2024-05-01T10:00Z"),
        parse_rfc3339("2024-05-01T10:00:00Z")
    );
}

#[test]
fn rejects_garbage() {
    for bad in [
        "",
        "yesterday",
        "2024-13-01T00:00:00Z",
        "2024-05-01T25:00:00Z",
        "2024-05-01T10:00:00.Z",
        "2024-05-01T10:00:00Zjunk",
    ] {
        assert_eq!(parse_rfc3339(bad), None, "{bad}");
    }
}

#[test]
fn formats_round_trip() {
    for text in [
        "2014-03-23T21:50:34Z",
        "2000-02-29T23:59:59.123Z",
        "1969-12-31T23:59:59Z",
    ] {
        assert_eq!(format_utc(parse_rfc3339(text).unwrap()), text);
    }
}

#[test]
fn utc_parts_and_iso_weeks() {
    let parts = utc_parts(parse_rfc3339("2024-12-30T23:07:00Z").unwrap());
    assert_eq!(
        (parts.year, parts.month, parts.day, parts.hour, parts.minute),
        (2024, 12, 30, 23, 7)
    );
    // 2024-12-30 is a Monday in ISO week 1 of 2025.
    assert_eq!(parts.week, 1);
    let week = |text: &str| utc_parts(parse_rfc3339(text).unwrap()).week;
    assert_eq!(week("2021-01-03T00:00:00Z"), 53); // Sunday, in 2020's week 53
    assert_eq!(week("2021-01-04T00:00:00Z"), 1);
    assert_eq!(week("2026-07-01T00:00:00Z"), 27);
}
