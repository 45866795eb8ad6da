//! Tests of `split`.

use super::*;

#[test]
fn tells_how_a_text_is_cut_from_its_start() {
    let records =
        cutting(br#"{"Records":[{"eventVersion":"1.08"},{"eventVersion":"1.08"}]}"#).unwrap();
    assert_eq!(records.level, Level::Wrapper);
    assert_eq!(records.key, b"eventVersion");
    let array = cutting(b"\xEF\xBB\xBF [ {\"eventTime\": 1}]").unwrap();
    assert_eq!(
        (array.level, array.key.as_slice()),
        (Level::Array, &b"eventTime"[..])
    );
    assert_eq!(
        cutting(b"{\"eventName\":\"a\"}\n{").unwrap().level,
        Level::Lines
    );
    for no in [
        &b"a,b\n1,2"[..],
        b"\x1f\x8b\x08",
        b"PK\x03\x04",
        b"[]",
        b"{\"Records\":[]}",
        b"  ",
    ] {
        assert_eq!(cutting(no), None, "{:?}", String::from_utf8_lossy(no));
    }
}

#[test]
fn cuts_at_line_starts_and_at_records_of_a_list() {
    let lines = Cutting {
        level: Level::Lines,
        key: Vec::new(),
    };
    let text = b"{\"a\":1}\n{\"a\":2}\n  {\"a\":3}\n{\"a\":4}";
    assert_eq!(find_cut(&lines, text, 0), Some(8));
    assert_eq!(find_cut(&lines, text, 8), Some(8));
    assert_eq!(find_cut(&lines, text, 9), Some(26));
    assert_eq!(find_cut(&lines, text, 27), None);
    let list = Cutting {
        level: Level::Wrapper,
        key: b"eventVersion".to_vec(),
    };
    // A string ending in `{` and a nested object are passed over.
    let text = br#"{"Records":[{"eventVersion":"a{","x":[{"y":1},{"eventVersio":2}]}, {"eventVersion":"b"}]}"#;
    let needle = br#"{"eventVersion":"b"#;
    let second = text
        .windows(needle.len())
        .position(|w| w == needle)
        .unwrap();
    assert_eq!(find_cut(&list, text, 1), Some(second));
    assert_eq!(find_cut(&list, text, second + 1), None);
}

#[test]
fn parts_read_their_share_and_the_margins() {
    let whole = Part { index: 0, of: 1 };
    assert_eq!(part_bytes(whole, 100, 0), (0, 100));
    let last = Part { index: 2, of: 3 };
    assert_eq!(
        part_bytes(last, 30_000_003, 3),
        (20_000_003 - LOOKBEHIND_BYTES, 30_000_003)
    );
    let first = Part { index: 0, of: 3 };
    assert_eq!(
        part_bytes(first, 30_000_003, 3),
        (0, 10_000_003 + LOOKAHEAD_BYTES)
    );
}

#[test]
fn a_part_reads_its_window_all_of_the_file_or_nothing() {
    let part = |index| Part { index, of: 2 };
    let lines = b"{\"a\":1}\n{";
    assert_eq!(part_needs(lines, 100, Part::WHOLE), Need::Whole);
    assert_eq!(
        part_needs(lines, 30_000_000, part(1)),
        Need::Window(15_000_000 - LOOKBEHIND_BYTES, 30_000_000)
    );
    assert_eq!(part_needs(b"a,b\n", 100, part(0)), Need::Whole);
    assert_eq!(part_needs(b"a,b\n", 100, part(1)), Need::Nothing);
    assert_eq!(part_needs(b"PK\x03\x04", 100, part(1)), Need::Whole);
    assert_eq!(part_needs(b"\x1f\x8b\x08", 100, part(1)), Need::Nothing);
}

#[test]
fn tallies_cross_as_bytes() {
    let tally = PartTally {
        index: 2,
        of: 3,
        text_len: 1 << 40,
        span: Span { start: 5, stop: 9 },
        proven: true,
        newlines: 7,
        tail_chars: 11,
        shape: Shape::JsonLines,
        values: 3,
        problems: 2,
        events: 1,
    };
    assert_eq!(PartTally::decode(&tally.encode()), Ok(tally.clone()));
    assert!(PartTally::decode(&tally.encode()[1..]).is_err());
}
