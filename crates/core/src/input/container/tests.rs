//! Tests of `container`.

use super::*;
use std::io::Write;

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(data).unwrap();
    encoder.finish().unwrap()
}

#[test]
fn sniffs_by_magic_not_name() {
    assert_eq!(sniff(&gzip(b"{}")), Container::Gzip);
    assert_eq!(sniff(b"PK\x03\x04rest"), Container::Zip);
    assert_eq!(sniff(b"{\"Records\":[]}"), Container::Plain);
}

#[test]
fn inflates_and_reports_truncation_keeping_the_prefix() {
    let data = b"{\"Records\":[]}".repeat(1000);
    let packed = gzip(&data);
    let whole = gunzip(&packed, 1 << 30);
    assert_eq!(whole.bytes, data);
    assert!(whole.problem.is_none());
    let cut = gunzip(&packed[..packed.len() / 2], 1 << 30);
    let problem = cut.problem.expect("truncation is reported");
    assert!(problem.contains("truncated"), "{problem}");
    assert!(data.starts_with(&cut.bytes));
}

#[test]
fn inflates_whole_streams_in_one_call_and_leaves_the_rest_to_gunzip() {
    let data = b"{\"Records\":[]}".repeat(1000);
    let packed = gzip(&data);
    let mut out = vec![7u8; 3];
    assert_eq!(gunzip_whole(&packed, 1 << 30, &mut out), Some(data.len()));
    assert_eq!(&out[..data.len()], &data[..]);
    // A shorter text next reuses the buffer without shrinking it.
    let short = gzip(b"{}");
    assert_eq!(gunzip_whole(&short, 1 << 30, &mut out), Some(2));
    assert_eq!(&out[..2], b"{}");
    assert_eq!(out.len(), data.len());
    // Cut short, two members, trailing junk, a lying trailer, a corrupt
    // checksum, past the limit, empty: not for the one-call path.
    let mut two = packed.clone();
    two.extend_from_slice(&short);
    let mut junk = packed.clone();
    junk.extend_from_slice(b"xx\0\0\0\0\0\0");
    let mut lying = packed.clone();
    let at = lying.len() - 4;
    lying[at..].copy_from_slice(&10u32.to_le_bytes());
    let mut corrupt = packed.clone();
    let at = corrupt.len() - 8;
    corrupt[at] ^= 1;
    for input in [
        &packed[..packed.len() / 2],
        &two,
        &junk,
        &lying,
        &corrupt,
        &gzip(b""),
    ] {
        assert_eq!(gunzip_whole(input, 1 << 30, &mut out), None);
    }
    assert_eq!(gunzip_whole(&packed, 100, &mut out), None);
    assert_eq!(gunzip(&two, 1 << 30).bytes.len(), data.len() + 2);
}

#[test]
fn refuses_output_past_the_limit() {
    let packed = gzip(&vec![b' '; 5_000_000]);
    let result = gunzip(&packed, 1_000_000);
    assert!(result.bytes.is_empty());
    assert!(result.problem.unwrap().contains("limit"));
}

#[test]
fn looks_binary_counts_as_lossy_text_would() {
    fn by_lossy_text(bytes: &[u8]) -> bool {
        let head = &bytes[..bytes.len().min(512)];
        head.contains(&0)
            || String::from_utf8_lossy(head)
                .chars()
                .filter(|c| {
                    *c == char::REPLACEMENT_CHARACTER || (c.is_control() && !c.is_whitespace())
                })
                .count()
                > head.len() / 10
    }
    let mut state = 0x9E37_79B9_7F4A_7C15_u64;
    let alphabet: &[&[u8]] = &[
        b"a",
        b"{",
        b"\x01",
        b"\x0b",
        b"\x7f",
        b"\xc2\x85",
        b"\xc2\x90",
        b"\xef\xbf\xbd",
        b"\xff",
        b"\xe2\x82",
        b"\xc3\xa9",
        b" ",
    ];
    for _ in 0..5_000 {
        let mut bytes = Vec::new();
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let mut pick = state;
        for _ in 0..(state % 700) {
            pick = pick.rotate_left(5).wrapping_mul(0x2545_F491_4F6C_DD1D);
            bytes.extend_from_slice(alphabet[(pick >> 40) as usize % alphabet.len()]);
        }
        assert_eq!(looks_binary(&bytes), by_lossy_text(&bytes), "{bytes:?}");
    }
}
